// The hand-written account encoder (setAccount's path) writes the bytes cosmjs-types writes for
// Any(BaseAccount), for every account number and sequence width, with and without a key, and after
// the key of an address is set.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Any } from "cosmjs-types/google/protobuf/any";
import { encodeAccountAny, encodeAccountBytes, decodeAccountAny, type Account } from "../../modules/auth/keeper.ts";

const WIDTHS = [0n, 1n, 127n, 128n, 300n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n, 2n ** 53n + 7n, 2n ** 63n, 2n ** 64n - 1n];

function reference(account: Account): Uint8Array {
  return Any.encode(encodeAccountAny(account)).finish();
}

describe("account encoding", () => {
  it("equals cosmjs-types' Any(BaseAccount) bytes for all varint widths, with and without a key", () => {
    for (const withKey of [false, true]) {
      const address = new Uint8Array(randomBytes(20));
      const pubKey = withKey ? new Uint8Array([2, ...randomBytes(32)]) : undefined;
      for (const accountNumber of WIDTHS) {
        for (const sequence of WIDTHS) {
          const account: Account = { address, pubKey, accountNumber, sequence };
          const bytes = encodeAccountBytes(account);
          const label = `number ${accountNumber}, sequence ${sequence}, key ${withKey}`;
          assert.equal(Buffer.from(bytes).toString("hex"), Buffer.from(reference(account)).toString("hex"), label);
          assert.deepEqual(decodeAccountAny(Any.decode(bytes)), { address, pubKey, accountNumber, sequence }, label);
        }
      }
    }
  });

  it("follows a key set later on the same address object, and 32-byte addresses", () => {
    const address = new Uint8Array(randomBytes(32));
    const before: Account = { address, accountNumber: 5n, sequence: 0n };
    assert.deepEqual(encodeAccountBytes(before), reference(before));
    const after: Account = { address, pubKey: new Uint8Array([3, ...randomBytes(32)]), accountNumber: 5n, sequence: 1n };
    assert.deepEqual(encodeAccountBytes(after), reference(after));
    assert.deepEqual(decodeAccountAny(Any.decode(encodeAccountBytes(after))).pubKey, after.pubKey);
  });

  it("leaves module accounts to the generic encoder", () => {
    const account: Account = { address: new Uint8Array(20).fill(9), accountNumber: 3n, sequence: 0n, module: { name: "fee_collector", permissions: ["burner"] } };
    assert.deepEqual(encodeAccountBytes(account), reference(account));
  });
});
