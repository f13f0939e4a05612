// chain/framework/proto-fast.ts replaces cosmjs-types' reader internals: each replacement must
// return what the original returns (value, position, error) for every input, malformed ones too.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";
import { Fee, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import "../../chain/framework/proto-fast.ts";
import { referenceVarint } from "../helpers/varint.ts";

const require = createRequire(import.meta.url);
const varint = require("cosmjs-types/varint") as {
  varint32read(this: unknown): number;
  varint64read(this: unknown): [number, number];
  int64ToString(lo: number, hi: number): string;
  uInt64ToString(lo: number, hi: number): string;
};
const { utf8Read } = require("cosmjs-types/utf8") as { utf8Read(b: Uint8Array, s: number, e: number): string };

/** A reader state as the originals see it (they only use buf, pos, len and assertBounds). */
function state(buf: Uint8Array): { buf: Uint8Array; pos: number; len: number; assertBounds(): void } {
  return {
    buf,
    pos: 0,
    len: buf.length,
    assertBounds() {
      if (this.pos > this.len) throw new RangeError("premature EOF");
    },
  };
}

// The originals, written as cosmjs-types' BinaryReader methods are.
const originals: Record<string, (r: ReturnType<typeof state>) => unknown> = {
  uint32: (r) => varint.varint32read.call(r),
  int32: (r) => varint.varint32read.call(r) | 0,
  int64: (r) => {
    const [lo, hi] = varint.varint64read.call(r);
    return BigInt(varint.int64ToString(lo, hi));
  },
  uint64: (r) => {
    const [lo, hi] = varint.varint64read.call(r);
    return BigInt(varint.uInt64ToString(lo, hi));
  },
  bool: (r) => {
    const [lo, hi] = varint.varint64read.call(r);
    return lo !== 0 || hi !== 0;
  },
  string: (r) => {
    const len = varint.varint32read.call(r);
    const start = r.pos;
    r.pos += len;
    r.assertBounds();
    const bytes = r.buf.subarray(start, start + len);
    return utf8Read(bytes, 0, bytes.length);
  },
};

function outcome(f: () => unknown, r: { pos: number }): unknown {
  try {
    return { value: f(), pos: r.pos };
  } catch (err) {
    return { error: `${(err as Error).constructor.name}: ${(err as Error).message}` };
  }
}

/** Deterministic pseudo-random bytes (xorshift). */
function bytesFrom(seed: number, n: number, bias: number): Uint8Array {
  let x = seed | 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    // bias toward continuation bits so long and overlong varints occur often
    out[i] = (x >>> 0) % 100 < bias ? (x & 0xff) | 0x80 : x & 0xff;
  }
  return out;
}

function interesting(): Uint8Array[] {
  const cases: Uint8Array[] = [];
  for (let seed = 1; seed < 4000; seed++) cases.push(bytesFrom(seed * 2654435761, 1 + (seed % 14), seed % 3 === 0 ? 90 : 50));
  // exact encodings of edge values
  for (const v of [0n, 1n, 127n, 128n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n]) {
    const out: number[] = [];
    let u = v;
    while (u >= 0x80n) {
      out.push(Number(u & 0x7fn) | 0x80);
      u >>= 7n;
    }
    out.push(Number(u));
    cases.push(Uint8Array.from(out));
  }
  // strings: ASCII, multi-byte, lone continuation bytes, truncated lengths
  const enc = new TextEncoder();
  for (const s of ["", "utrain", "train1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu", "ünïcødé ✓ 😀", "x".repeat(300)]) {
    const b = enc.encode(s);
    cases.push(Uint8Array.from([...(b.length < 128 ? [b.length] : [(b.length & 0x7f) | 0x80, b.length >> 7]), ...b]));
  }
  cases.push(Uint8Array.of(3, 0xc3, 0x28, 0xff), Uint8Array.of(5, 0x61, 0x62), Uint8Array.of(2, 0x80, 0xbf));
  return cases;
}

describe("fast protobuf reader", () => {
  it("reads every varint and string exactly as cosmjs-types' reader does", () => {
    const patched = BinaryReader.prototype as unknown as Record<string, (this: unknown) => unknown>;
    let compared = 0;
    for (const buf of interesting()) {
      for (const [name, original] of Object.entries(originals)) {
        const a = Object.assign(Object.create(BinaryReader.prototype) as object, state(buf)) as ReturnType<typeof state>;
        const b = state(buf);
        assert.deepEqual(outcome(() => patched[name]!.call(a), a), outcome(() => original(b), b), `${name} of ${Buffer.from(buf).toString("hex")}`);
        compared++;
      }
    }
    assert.ok(compared > 20_000);
  });

  it("decodes in place: bytes fields are views of the input, and the input is not copied", () => {
    const tx = TxRaw.encode({ bodyBytes: Uint8Array.of(1, 2, 3), authInfoBytes: Uint8Array.of(4), signatures: [new Uint8Array(64).fill(9)] }).finish();
    const decoded = TxRaw.decode(tx);
    assert.deepEqual([...decoded.bodyBytes], [1, 2, 3]);
    assert.equal(decoded.bodyBytes.buffer, tx.buffer);
    assert.deepEqual(TxRaw.encode(decoded).finish(), tx);
    // a truncated input still fails as before
    assert.throws(() => TxRaw.decode(tx.subarray(0, tx.length - 1)), /premature EOF|index out of range/);
  });
});

describe("protobuf writer int64/uint64/sint64", () => {
  it("writes the standard varint for every width, [2^31, 2^32) included, and reads back the value", () => {
    const values: bigint[] = [0n, 1n, 127n, 128n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 31n + 1n, 3_000_000_000n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 63n - 1n];
    for (let i = 0; i < 2000; i++) values.push(BigInt.asIntN(64, (BigInt(Math.floor(Math.random() * 2 ** 32)) << 32n) | BigInt(Math.floor(Math.random() * 2 ** 32))) >> BigInt(i % 64));
    for (const v of [...values]) values.push(-v);
    for (const v of values) {
      for (const input of [v, v.toString(), ...(Number.isSafeInteger(Number(v)) ? [Number(v)] : [])]) {
        const label = `${typeof input} ${v}`;
        const i64 = BinaryWriter.create().int64(input).finish();
        assert.deepEqual([...i64], referenceVarint(v), `int64 ${label}`);
        assert.equal(new BinaryReader(i64).int64(), v, `int64 read ${label}`);
        if (v >= 0n) {
          const u64 = BinaryWriter.create().uint64(input).finish();
          assert.deepEqual([...u64], referenceVarint(v), `uint64 ${label}`);
          assert.equal(new BinaryReader(u64).uint64(), v, `uint64 read ${label}`);
        }
        const zz = BinaryWriter.create().sint64(input).finish();
        assert.deepEqual([...zz], referenceVarint(v >= 0n ? 2n * v : -2n * v - 1n), `sint64 ${label}`);
        assert.equal(new BinaryReader(zz).sint64(), v, `sint64 read ${label}`);
      }
    }
  });

  it("keeps message fields after a 64-bit value in [2^31, 2^32) intact", () => {
    // gas_limit 3e9 used to be written as a 0 varint plus zero bytes that shifted the next fields
    const fee = { amount: [{ denom: "utrain", amount: "5" }], gasLimit: 3_000_000_000n, payer: "p", granter: "g" };
    const decoded = Fee.decode(Fee.encode(fee).finish());
    assert.deepEqual(decoded, fee);
  });
});

