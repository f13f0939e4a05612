// Account addresses: bech32 round trips, shared decoded bytes and their memoized key form.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { addressKey, fromBech32, moduleAddress, toBech32 } from "../../chain/framework/address.ts";
import { keyToString } from "../../chain/store/bytes.ts";

describe("addresses", () => {
  it("round-trips, shares decoded bytes and keeps their key form", () => {
    for (let i = 0; i < 300; i++) {
      const bytes = Uint8Array.from({ length: 20 }, (_, k) => (i * 31 + k * 7) & 0xff);
      const address = toBech32(bytes);
      const a = fromBech32(address);
      assert.deepEqual(a, bytes);
      assert.equal(fromBech32(address), a, "the same address decodes to the same shared bytes");
      assert.equal(addressKey(a), keyToString(bytes));
      // bytes that did not come from fromBech32 are converted, not looked up
      assert.equal(addressKey(bytes), keyToString(bytes));
      assert.equal(toBech32(a), address);
    }
    const fee = moduleAddress("fee_collector");
    assert.equal(moduleAddress("fee_collector"), fee);
    assert.equal(addressKey(fee), keyToString(fee));
  });

  it("rejects a bad address with the input named", () => {
    assert.throws(() => fromBech32("train1notanaddress"), /invalid address "train1notanaddress"/);
    assert.throws(() => fromBech32(toBech32(new Uint8Array(20), "cosmos")), /expected prefix "train", got "cosmos"/);
  });
});
