// Faster drop-ins for cosmjs-types' protobuf reader and writer internals, imported for their effect
// by the app. Every message the chain decodes or encodes goes through them, and the originals
// allocate per field. Each replacement returns exactly what the original returns for every input
// (same values, same errors on malformed input; test/unit/proto-fast.test.ts compares them).
//
// Writer: BinaryWriter.alloc built a fresh 8 KiB slab pool on every call, so each
// `encode(...).finish()` allocated (and zero-filled) 8 KiB off-heap for a message of a few dozen
// bytes. Up to 64 bytes it now allocates the exact size (V8 keeps such typed arrays on its heap,
// which is cheap); larger outputs are views carved from a shared 64 KiB slab, since each
// off-heap allocation costs ~1-2 µs here. A view keeps its slab alive: holders of long-lived
// encoded values copy them out (the app's committed state does, see `compact`).
//
// Reader:
// - the constructor copied its whole input (`new Uint8Array(buf)`) on every top-level decode; it now
//   reads the caller's bytes in place, so `bytes` fields of a decoded message are views into the
//   input. Inputs are never modified after decoding (received frames, request bodies and database
//   values are each a fresh buffer);
// - uint32/int64/uint64/bool read varints through a freshly bound function and, for 64-bit
//   values, a [lo, hi] array and a decimal string; they now read in place;
// - string decoded through a char array, its slices and a join; ASCII strings (addresses, denoms,
//   amounts, type URLs) now convert in one call without a view of their bytes, others as before.
//
// Writer int64/uint64/sint64 (a correctness fix, not a speed-up): cosmjs-types splits a value into a
// signed low word (`lo | 0`), and its varint writer stops early on a negative low word, so every
// value in [2^31, 2^32) was written as a wrong varint padded with zero bytes (2^31 and 3e9 → 0,
// 2^32 − 1 → 127): a gas limit of 3,000,000,000 or such a sequence would not survive a round trip.
// The replacements write the standard varint for every value (the test compares them with a
// reference encoder); outside that range the bytes are the original's.
import { createRequire } from "node:module";
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";
import { utf8Read } from "cosmjs-types/utf8";
import { int64FromString, int64Length, writeVarint64, zzEncode } from "cosmjs-types/varint";

const SLAB_BYTES = 64 * 1024;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

/** `size` bytes: exact-size up to 64 bytes and over 4 KiB, else a view into the shared slab (see above). */
export function slabAlloc(size: number): Uint8Array {
  if (size <= 64 || size > 4096) return new Uint8Array(size);
  if (slabUsed + size > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const view = new Uint8Array(slab, slabUsed, size);
  slabUsed += (size + 7) & ~7;
  return view;
}

(BinaryWriter as unknown as { alloc(size: number): Uint8Array }).alloc = slabAlloc;

type Int64Input = string | number | bigint;
interface WriterInternals {
  _push(fn: typeof writeVarint64, len: number, val: { lo: number; hi: number }): BinaryWriter;
  int64(value: Int64Input): BinaryWriter;
  sint64(value: Int64Input): BinaryWriter;
}

/** The value's two's-complement 64 bits as unsigned 32-bit words. */
function int64Words(value: Int64Input): { lo: number; hi: number } {
  if (typeof value === "bigint" && value >= 0n && value < 0x100000000n) return { lo: Number(value), hi: 0 };
  const { lo, hi } = int64FromString(value.toString());
  return { lo: lo >>> 0, hi: hi >>> 0 };
}

const writerProto = BinaryWriter.prototype as unknown as WriterInternals;
// `uint64` is an instance field set from `BinaryWriter.prototype.int64` at construction, so it
// picks this up too.
writerProto.int64 = function (this: WriterInternals, value: Int64Input): BinaryWriter {
  const words = int64Words(value);
  return this._push(writeVarint64, int64Length(words.lo, words.hi), words);
};
writerProto.sint64 = function (this: WriterInternals, value: Int64Input): BinaryWriter {
  const words = int64Words(value);
  const [lo, hi] = zzEncode(words.lo, words.hi);
  return this._push(writeVarint64, int64Length(lo, hi), { lo, hi });
};

/**
 * `bytes` itself when it owns its buffer, else an exact-size copy, so that a long-lived value does
 * not keep a shared slab (ours, or node's 8 KiB Buffer pool) alive. (TypedArray#slice copies;
 * Buffer#slice would not.)
 */
export function compact(bytes: Uint8Array): Uint8Array {
  return bytes.byteLength === bytes.buffer.byteLength ? bytes : Uint8Array.prototype.slice.call(bytes);
}

/** What the readers below use of a BinaryReader (any object with these fields will do). */
export interface Reader {
  buf: Uint8Array;
  pos: number;
  len: number;
  type: number;
  assertBounds(): void;
  bytes(): Uint8Array;
}

/** The reader's fields, set as the original constructor sets them, without copying a Uint8Array. */
export class InPlaceReader extends BinaryReader {
  constructor(buf?: ArrayLike<number>) {
    super();
    const self = this as unknown as Reader;
    self.buf = buf === undefined ? new Uint8Array(0) : buf instanceof Uint8Array ? buf : new Uint8Array(buf);
    self.pos = 0;
    self.type = 0;
    self.len = self.buf.length;
  }
}

// Generated decoders construct `new binary_1.BinaryReader(input)` through the CommonJS exports
// object at call time, so replacing the export there reaches all of them.
const require = createRequire(import.meta.url);
(require("cosmjs-types/binary") as { BinaryReader: typeof BinaryReader }).BinaryReader = InPlaceReader;

/** protobuf's 32-bit varint read (upper bytes of a 64-bit varint are skipped), as varint32read. */
export function readUint32(r: Reader): number {
  const buf = r.buf;
  let result = 0;
  let b = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    b = buf[r.pos++]!;
    result |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) {
      r.assertBounds();
      return result;
    }
  }
  b = buf[r.pos++]!;
  result |= (b & 0x0f) << 28;
  for (let read = 5; (b & 0x80) !== 0 && read < 10; read++) b = buf[r.pos++]!;
  if ((b & 0x80) !== 0) throw new Error("invalid varint");
  r.assertBounds();
  return result >>> 0;
}

// varint64read's result, as two module-level words (no array per read).
let lo = 0;
let hi = 0;

function settle(r: Reader, low: number, high: number): void {
  r.assertBounds();
  lo = low;
  hi = high;
}

function readVarint64(r: Reader): void {
  const buf = r.buf;
  let low = 0;
  let high = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    const b = buf[r.pos++]!;
    low |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) {
      return settle(r, low, high);
    }
  }
  const middle = buf[r.pos++]!;
  low |= (middle & 0x0f) << 28;
  high = (middle & 0x70) >> 4;
  if ((middle & 0x80) === 0) {
    return settle(r, low, high);
  }
  for (let shift = 3; shift <= 31; shift += 7) {
    const b = buf[r.pos++]!;
    high |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) {
      return settle(r, low, high);
    }
  }
  throw new Error("invalid varint");
}

/** The 64-bit word hi:lo as an unsigned bigint. */
function unsigned64(): bigint {
  const l = lo >>> 0;
  const h = hi >>> 0;
  return h === 0 ? BigInt(l) : (BigInt(h) << 32n) | BigInt(l);
}

const proto = BinaryReader.prototype as unknown as Record<string, (this: Reader) => unknown>;
/** The next varint as an unsigned 64-bit bigint. */
export function readUint64(r: Reader): bigint {
  readVarint64(r);
  return unsigned64();
}
/** The next varint as a signed (two's-complement) 64-bit bigint. */
export function readInt64(r: Reader): bigint {
  readVarint64(r);
  return (hi & 0x80000000) === 0 ? unsigned64() : BigInt.asIntN(64, unsigned64());
}
export function readBool(r: Reader): boolean {
  readVarint64(r);
  return lo !== 0 || hi !== 0;
}

proto.uint32 = function (this: Reader): number {
  return readUint32(this);
};
proto.int32 = function (this: Reader): number {
  return readUint32(this) | 0;
};
proto.uint64 = function (this: Reader): bigint {
  return readUint64(this);
};
proto.int64 = function (this: Reader): bigint {
  return readInt64(this);
};
proto.bool = function (this: Reader): boolean {
  return readBool(this);
};
/** Moves past a length-delimited field, as BinaryReader.bytes does; returns where its bytes start. */
function passField(r: Reader): number {
  const n = readUint32(r);
  const at = r.pos;
  r.pos += n;
  r.assertBounds();
  return at;
}
/** A length-delimited field as a view of the input, as BinaryReader.bytes. */
export function readBytes(r: Reader): Uint8Array {
  const at = passField(r);
  return r.buf.subarray(at, r.pos);
}
/** A string field, as BinaryReader.string (see utf8Range). */
export function readString(r: Reader): string {
  const at = passField(r);
  return utf8Range(r.buf, at, r.pos);
}
proto.string = function (this: Reader): string {
  return readString(this);
};

// Buffer's latin1 slice reads a range of any Uint8Array into a string without making a view; on
// ASCII bytes it is the UTF-8 decoding.
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice;

/**
 * The UTF-8 string in src[at, end), as cosmjs-types' utf8Read of that range: ASCII strings (the
 * addresses, denoms, amounts and type URLs of a chain) in one call and without a view, others
 * through utf8Read of a view (a truncated multi-byte sequence at the end reads zeros, never the
 * bytes after the range).
 */
export function utf8Range(src: Uint8Array, at: number, end: number): string {
  const n = end - at;
  if (n <= 0) return "";
  if (n <= 256) {
    let ascii = true;
    for (let i = at; i < end; i++) {
      if (src[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return latin1Slice.call(src, at, end);
  }
  return utf8Read(src.subarray(at, end), 0, n);
}
