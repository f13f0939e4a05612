// The block store's TxResult/ExecTxResult encoders write exactly the bytes cosmjs-types writes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ExecTxResult, TxResult } from "cosmjs-types/tendermint/abci/types";
import { encodeExecTxResult, encodeTxResult } from "../../chain/node/tx-result-codec.ts";

const results: ExecTxResult[] = [
  { code: 0, data: new Uint8Array(), log: "", info: "", gasWanted: 0n, gasUsed: 0n, events: [], codespace: "" },
  {
    code: 5,
    data: new Uint8Array(300).fill(7),
    log: "spendable balance 1utrain is smaller than 5utrain: insufficient funds",
    info: "ünïcødé ✓ 😀 lone \ud800 surrogate \udc00",
    gasWanted: 200_000n,
    gasUsed: 65_432n,
    events: [
      { type: "tx", attributes: [{ key: "fee", value: "5000utrain", index: true }, { key: "fee_payer", value: "train1xyz", index: false }] },
      { type: "", attributes: [{ key: "", value: "", index: true }, { key: "k", value: "v".repeat(200), index: false }] },
      { type: "message", attributes: [] },
    ],
    codespace: "sdk",
  },
  { code: 4_294_967_295, data: Uint8Array.of(1), log: "x", info: "", gasWanted: -1n, gasUsed: 9_223_372_036_854_775_807n, events: [], codespace: "" },
  { code: 128, data: new Uint8Array(), log: "", info: "", gasWanted: 4_294_967_296n, gasUsed: 16_384n, events: [{ type: "é", attributes: [{ key: "ключ", value: "значение", index: true }] }], codespace: "bank" },
];

describe("tx result codec", () => {
  it("encodes ExecTxResult as cosmjs-types does", () => {
    // twice: the second pass takes repeated attributes from the encoder's cache
    for (let pass = 0; pass < 2; pass++) {
      for (const r of results) assert.deepEqual(Buffer.from(encodeExecTxResult(r)), Buffer.from(ExecTxResult.encode(r).finish()));
    }
  });

  it("encodes a key whose values never repeat (no longer cached) and one that repeats, alike", () => {
    // 1,000 distinct acc_seq values take the key past the cache's probation; the fee repeats
    for (let seq = 0; seq < 1000; seq++) {
      const r: ExecTxResult = {
        ...results[0]!,
        events: [{ type: "tx", attributes: [{ key: "acc_seq", value: `train1abc/${seq}`, index: true }, { key: "fee", value: "5000utrain", index: true }] }],
      };
      assert.deepEqual(Buffer.from(encodeExecTxResult(r)), Buffer.from(ExecTxResult.encode(r).finish()));
    }
  });

  it("encodes TxResult as cosmjs-types does", () => {
    const txs = [new Uint8Array(), Uint8Array.of(1, 2, 3), new Uint8Array(20_000).fill(9)];
    for (const [height, index] of [[0n, 0], [1n, 1], [123_456_789_012n, 70_000], [-5n, 2]] as const) {
      for (const tx of txs) {
        for (const result of results) {
          const expected = TxResult.encode({ height, index, tx, result }).finish();
          assert.deepEqual(Buffer.from(encodeTxResult(height, index, tx, result)), Buffer.from(expected));
        }
      }
    }
  });

  it("round-trips int64 values around 2^31 (where cosmjs-types' own writer emits 0 for 2^31)", () => {
    for (const v of [2_147_483_647n, 2_147_483_648n, 3_000_000_000n, 4_294_967_295n, -2_147_483_648n]) {
      const r = { ...results[0]!, gasWanted: v, gasUsed: v };
      const decoded = TxResult.decode(encodeTxResult(v, 1, Uint8Array.of(1), r));
      assert.equal(decoded.height, v);
      assert.equal(decoded.result!.gasWanted, v);
      assert.equal(decoded.result!.gasUsed, v);
    }
  });
});
