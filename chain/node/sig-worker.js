// Worker thread for the node's signature pool: hashes SignDocs and verifies their secp256k1
// signatures with the native addon, and computes Merkle roots for the block engine. Plain
// JavaScript so it loads without the TypeScript loader.
import { parentPort } from "node:worker_threads";
import secp256k1 from "secp256k1";
import { merkleRoot, sha256, unpackItems } from "./merkle-root.js";

parentPort.on("message", (job) => {
  if (job.merkle) {
    // job: { id, merkle: { bytes, lengths } } (see packItems)
    parentPort.postMessage({ id: job.id, root: merkleRoot(unpackItems(job.merkle)) });
    return;
  }
  // job: { id, checks: { bytes, lengths } }: packItems of [signDoc, signature, pubKey] per check;
  // answered with one byte per check (1 = valid), transferred
  const fields = unpackItems(job.checks);
  const results = new Uint8Array(fields.length / 3);
  for (let i = 0; i < results.length; i++) {
    try {
      results[i] = secp256k1.ecdsaVerify(fields[3 * i + 1], sha256(fields[3 * i]), fields[3 * i + 2]) ? 1 : 0;
    } catch {
      results[i] = 0;
    }
  }
  parentPort.postMessage({ id: job.id, results }, [results.buffer]);
});
