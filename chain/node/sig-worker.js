// Worker thread for the node's signature pool: hashes SignDocs and verifies their secp256k1
// signatures with the native addon. Plain JavaScript so it loads without the TypeScript loader.
import { parentPort } from "node:worker_threads";
import { hash } from "node:crypto";
import secp256k1 from "secp256k1";

parentPort.on("message", (batch) => {
  // batch: { id, items: [{ signDoc, signature, pubKey }] } with Uint8Array fields
  const results = batch.items.map((it) => {
    try {
      return secp256k1.ecdsaVerify(it.signature, hash("sha256", it.signDoc, "buffer"), it.pubKey);
    } catch {
      return false;
    }
  });
  parentPort.postMessage({ id: batch.id, results });
});
