// The ante chain's SignDoc encoder writes exactly the bytes cosmjs-types' SignDoc.encode writes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SignDoc } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { signDocBytes } from "../../chain/ante.ts";
import type { DecodedTx } from "../../chain/tx.ts";

describe("SignDoc encoding", () => {
  it("matches SignDoc.encode for empty and long fields, any chain id and account number", () => {
    const lengths = [0, 1, 127, 128, 300, 20_000];
    const chainIds = ["", "bench-1", "ünïcødé-chain-✓", "x".repeat(200)];
    const numbers = [0n, 1n, 127n, 128n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 63n - 1n, 2n ** 64n - 1n];
    for (const b of lengths) {
      for (const a of lengths) {
        const bodyBytes = Uint8Array.from({ length: b }, (_, i) => (i * 7) & 0xff);
        const authInfoBytes = Uint8Array.from({ length: a }, (_, i) => (i * 11 + 3) & 0xff);
        const tx = { raw: { bodyBytes, authInfoBytes, signatures: [] } } as unknown as DecodedTx;
        for (const chainId of chainIds) {
          for (const accountNumber of numbers) {
            const expected = SignDoc.encode({ bodyBytes, authInfoBytes, chainId, accountNumber }).finish();
            assert.deepEqual(Buffer.from(signDocBytes(tx, chainId, accountNumber)), Buffer.from(expected), `body ${b}, authInfo ${a}, ${chainId}, ${accountNumber}`);
          }
        }
      }
    }
  });
});
