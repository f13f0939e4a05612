// Worker thread for the node's signature pool: verifies batches of secp256k1 signatures with the
// native addon. Plain JavaScript so it loads without the TypeScript loader.
import { parentPort } from "node:worker_threads";
import secp256k1 from "secp256k1";

parentPort.on("message", (batch) => {
  // batch: { id, items: [{ digest, signature, pubKey }] } with Uint8Array fields
  const results = batch.items.map((it) => {
    try {
      return secp256k1.ecdsaVerify(it.signature, it.digest, it.pubKey);
    } catch {
      return false;
    }
  });
  parentPort.postMessage({ id: batch.id, results });
});
