// Worker thread for the node's signature pool: hashes SignDocs and verifies their secp256k1
// signatures with the native addon, and computes Merkle roots for the block engine. Plain
// JavaScript so it loads without the TypeScript loader.
import { parentPort } from "node:worker_threads";
import { hash } from "node:crypto";
import secp256k1 from "secp256k1";
import { merkleRoot, unpackItems } from "./merkle-root.js";

parentPort.on("message", (job) => {
  if (job.merkle) {
    // job: { id, merkle: { bytes, lengths } } (see packItems)
    parentPort.postMessage({ id: job.id, root: merkleRoot(unpackItems(job.merkle)) });
    return;
  }
  // job: { id, items: [{ signDoc, signature, pubKey }] } with Uint8Array fields
  const results = job.items.map((it) => {
    try {
      return secp256k1.ecdsaVerify(it.signature, hash("sha256", it.signDoc, "buffer"), it.pubKey);
    } catch {
      return false;
    }
  });
  parentPort.postMessage({ id: job.id, results });
});
