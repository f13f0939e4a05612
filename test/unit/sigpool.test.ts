// The node's signature pool: checks travel packed to a worker thread and each request gets its own
// verdicts back, in order, whatever the batching.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import secp256k1 from "secp256k1";
import { SignaturePool, type SigCheck } from "../../chain/node/sigpool.ts";

const sha = (s: string | Uint8Array): Uint8Array => new Uint8Array(createHash("sha256").update(s).digest());

function check(seed: number, signDoc: Uint8Array): SigCheck {
  const priv = sha(`key ${seed}`);
  const { signature } = secp256k1.ecdsaSign(sha(signDoc), priv);
  return { signDoc, signature, pubKey: secp256k1.publicKeyCreate(priv, true) };
}

describe("signature pool", () => {
  it("verifies valid, tampered, foreign-key, high-S and malformed checks, per request, in order", async () => {
    const pool = new SignaturePool(1);
    try {
      const good = (i: number): SigCheck => check(i, Uint8Array.from({ length: 100 + i }, (_, k) => (k * 13 + i) & 0xff));
      const tampered = { ...good(1), signDoc: new Uint8Array(101) };
      const foreign = { ...good(2), pubKey: good(3).pubKey };
      // s → n − s: the same signature in high-S form, which the chain rejects
      const g = good(4);
      const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
      const s = BigInt(`0x${Buffer.from(g.signature.subarray(32)).toString("hex")}`);
      const highS = new Uint8Array(64);
      highS.set(g.signature.subarray(0, 32));
      highS.set(Buffer.from((n - s).toString(16).padStart(64, "0"), "hex"), 32);
      const malformed = { ...good(5), pubKey: new Uint8Array(33).fill(9) };
      // views into a larger buffer, as decoded tx fields are
      const backing = new Uint8Array(400);
      const v = good(6);
      backing.set(v.signature, 10);
      const view = { ...v, signature: backing.subarray(10, 74) };
      // requests made in one tick travel together; each must get exactly its own verdicts
      const [a, b, c, d] = await Promise.all([
        pool.verify([good(0), tampered, foreign]),
        pool.verify([{ ...g, signature: highS }, g]),
        pool.verify([]),
        pool.verify([malformed, view, ...Array.from({ length: 40 }, (_, i) => good(10 + i))]),
      ]);
      assert.deepEqual([...a], [1, 0, 0]);
      assert.deepEqual([...b], [0, 1]);
      assert.deepEqual([...c], []);
      assert.deepEqual([...d], [0, 1, ...new Array(40).fill(1)]);
    } finally {
      await pool.close();
    }
  });
});
