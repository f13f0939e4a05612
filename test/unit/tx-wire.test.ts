// chain/tx-wire.ts decodes the tx envelope without cosmjs-types' generated decoders; which bytes
// decode, and to what, is consensus, so for every input it must return what they return (with the
// app's reader, chain/framework/proto-fast.ts) or throw where they throw: valid envelopes with
// every field set, each byte of them mutated, truncations, and random bytes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import "../../chain/framework/proto-fast.ts";
import { decodeAuthInfo, decodeTxBody, decodeTxRaw } from "../../chain/tx-wire.ts";
import { xorshift32 as rng } from "../helpers/rng.ts";

type Outcome = { ok: true; value: unknown } | { ok: false };
function run(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch {
    return { ok: false };
  }
}

const decoders: [string, (b: Uint8Array) => unknown, (b: Uint8Array) => unknown][] = [
  ["TxRaw", decodeTxRaw, (b) => TxRaw.decode(b)],
  ["TxBody", decodeTxBody, (b) => TxBody.decode(b)],
  ["AuthInfo", decodeAuthInfo, (b) => AuthInfo.decode(b)],
];

function same(name: string, mine: (b: Uint8Array) => unknown, theirs: (b: Uint8Array) => unknown, bytes: Uint8Array): void {
  const a = run(() => mine(bytes));
  const b = run(() => theirs(bytes));
  assert.equal(a.ok, b.ok, `${name} of [${Buffer.from(bytes).toString("hex")}]: ${a.ok ? "decoded" : "threw"} where cosmjs-types ${b.ok ? "decoded" : "threw"}`);
  if (a.ok && b.ok) assert.deepStrictEqual(a.value, b.value, `${name} of [${Buffer.from(bytes).toString("hex")}]`);
}

const body = TxBody.encode(
  TxBody.fromPartial({
    messages: [
      { typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: Uint8Array.of(10, 3, 97, 98, 99) },
      { typeUrl: "/trainchain.training.v1.MsgSubmitProof", value: new Uint8Array(40).fill(7) },
    ],
    memo: "grüße — a memo with non-ASCII text ✓",
    timeoutHeight: 123456789012n,
    unordered: true,
    timeoutTimestamp: { seconds: -5n, nanos: 999 },
    extensionOptions: [{ typeUrl: "/ext", value: Uint8Array.of(1, 2) }],
    nonCriticalExtensionOptions: [{ typeUrl: "/nc", value: new Uint8Array() }],
  }),
).finish();
const authInfo = AuthInfo.encode(
  AuthInfo.fromPartial({
    signerInfos: [
      { publicKey: { typeUrl: "/cosmos.crypto.secp256k1.PubKey", value: new Uint8Array(35).fill(3) }, modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } }, sequence: 2n ** 63n + 5n },
      {
        publicKey: { typeUrl: "/cosmos.crypto.multisig.LegacyAminoPubKey", value: Uint8Array.of(8, 2) },
        modeInfo: { multi: { bitarray: { extraBitsStored: 3, elems: Uint8Array.of(0xa0) }, modeInfos: [{ single: { mode: SignMode.SIGN_MODE_LEGACY_AMINO_JSON } }, { multi: { modeInfos: [] } }] } },
        sequence: 0n,
      },
    ],
    fee: { amount: [{ denom: "utrain", amount: "5000" }, { denom: "uatom", amount: "1" }], gasLimit: 3_000_000_000n, payer: "cosmos1payer", granter: "cosmos1granter" },
    tip: { amount: [{ denom: "utrain", amount: "7" }], tipper: "cosmos1tipper" },
  }),
).finish();
// Unknown fields of each wire type (varint, fixed64, bytes, group, fixed32) and field number 0.
const unknown = Uint8Array.of(0xf8, 0x07, 0x05, 0xf9, 0x07, 1, 2, 3, 4, 5, 6, 7, 8, 0xfa, 0x07, 2, 9, 9, 0xfb, 0x07, 0x08, 1, 0xfc, 0x07, 0xfd, 0x07, 1, 2, 3, 4, 0x00, 0x01);
const raw = TxRaw.encode({ bodyBytes: body, authInfoBytes: authInfo, signatures: [new Uint8Array(64).fill(9), new Uint8Array()] }).finish();
const withUnknown = (b: Uint8Array): Uint8Array => Uint8Array.from([...b, ...unknown.slice(0, unknown.length - 2)]);

describe("tx envelope decoders (chain/tx-wire.ts)", () => {
  it("decode valid envelopes, every field set, exactly as cosmjs-types", () => {
    same("TxRaw", decodeTxRaw, (b) => TxRaw.decode(b), raw);
    same("TxBody", decodeTxBody, (b) => TxBody.decode(b), body);
    same("AuthInfo", decodeAuthInfo, (b) => AuthInfo.decode(b), authInfo);
    for (const [name, mine, theirs] of decoders) {
      same(name, mine, theirs, new Uint8Array());
      same(name, mine, theirs, withUnknown(name === "TxRaw" ? raw : name === "TxBody" ? body : authInfo));
    }
    const decoded = decodeTxBody(body);
    assert.equal(decoded.memo, "grüße — a memo with non-ASCII text ✓");
    assert.equal(decodeAuthInfo(authInfo).signerInfos[0]!.sequence, 2n ** 63n + 5n);
    // a string field ending inside a multi-byte character reads zeros past its end, never the
    // next field's bytes: memo [e2 9c] then timeout_height 5
    const cut = Uint8Array.of(0x12, 0x02, 0xe2, 0x9c, 0x18, 0x05);
    same("TxBody", decodeTxBody, (b) => TxBody.decode(b), cut);
    assert.equal(decodeTxBody(cut).timeoutHeight, 5n);
    // a field number 0 tag is skipped like any unknown field; wire types 4, 6 and 7 are errors
    for (const wt of [4, 6, 7]) assert.throws(() => decodeTxRaw(Uint8Array.of((9 << 3) | wt, 0)));
  });

  it("agree on every single-byte mutation and truncation of valid envelopes", () => {
    const next = rng(42);
    for (const [name, mine, theirs] of decoders) {
      const base = withUnknown(name === "TxRaw" ? raw : name === "TxBody" ? body : authInfo);
      for (let i = 0; i < base.length; i++) {
        for (const v of [0x00, 0xff, 0x80, base[i]! ^ 0x01, base[i]! ^ 0x08, next() & 0xff]) {
          const m = Uint8Array.from(base);
          m[i] = v;
          same(name, mine, theirs, m);
        }
        same(name, mine, theirs, base.subarray(0, i));
        same(name, mine, theirs, Uint8Array.from([...base.subarray(0, i), next() & 0xff, ...base.subarray(i)]));
      }
    }
  });

  it("agree on random bytes and on random tag soups", () => {
    const next = rng(7);
    for (let n = 0; n < 20_000; n++) {
      const size = next() % 48;
      const b = new Uint8Array(size);
      // half fully random, half built from plausible tags (small field numbers, real wire types)
      for (let i = 0; i < size; i++) b[i] = n % 2 === 0 ? next() & 0xff : i % 3 === 0 ? (((next() % 6) + 1) << 3) | (next() % 6) : next() % 8;
      for (const [name, mine, theirs] of decoders) same(name, mine, theirs, b);
    }
  });

  it("return byte fields as views of the input (no copies), like the app's reader", () => {
    const tx = decodeTxRaw(raw);
    assert.equal(tx.bodyBytes.buffer, raw.buffer);
    assert.equal(tx.signatures[0]!.buffer, raw.buffer);
    assert.equal(TxRaw.decode(raw).bodyBytes.buffer, raw.buffer);
  });
});
