// Protobuf encoders for tendermint.abci.TxResult and ExecTxResult, the largest values the block
// store writes per tx. Byte-identical to cosmjs-types' encoders (test/unit/tx-result-codec.test.ts)
// but in two passes — sizes, then writes into one buffer — instead of a linked list of write
// operations per field and a string round trip per int64.
import type { Event, ExecTxResult } from "cosmjs-types/tendermint/abci/types";
// cosmjs-types' own UTF-8 writer for non-ASCII strings, so that even lone surrogates encode as
// there (node's encoder would write U+FFFD; the byte length is the same either way)
import { utf8Write } from "cosmjs-types/utf8";
import { compact } from "../framework/proto-fast.ts";
import { fieldSize, int64Size, varintSize, writeBytesField, writeInt64, writeVarint } from "../framework/varint.ts";

class Writer {
  readonly buf: Buffer;
  pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  varint(n: number): void {
    this.pos = writeVarint(this.buf, this.pos, n);
  }

  int64(v: bigint): void {
    this.pos = writeInt64(this.buf, this.pos, v);
  }

  bytes(tag: number, b: Uint8Array): void {
    this.pos = writeBytesField(this.buf, this.pos, tag, b);
  }

  string(tag: number, s: string, byteLength: number): void {
    this.buf[this.pos++] = tag;
    this.varint(byteLength);
    if (byteLength === s.length) {
      // ASCII (most event keys and values): one byte per char
      this.pos += this.buf.write(s, this.pos, byteLength, "latin1");
    } else {
      this.pos += utf8Write(s, this.buf, this.pos);
    }
  }
}

// Pass 1 records, in write order, each string's UTF-8 length, each event's size and the encoded
// bytes of each of its attributes; pass 2 reads them back in the same order.

/**
 * Encoded EventAttribute messages by key, then value. A block's txs repeat most attributes (the
 * fee, the fee collector, each sender's address, "msg_index" 0…), and copying cached bytes is
 * several times cheaper than measuring and writing two strings. A key whose values do not repeat
 * (an account's "acc_seq") is not cached: its entries would only fill the cache, each surviving
 * into the old generation until the next clear. Bounded: cleared when full.
 */
interface AttributeCache {
  values: Map<string, Uint8Array>;
  hits: number;
  misses: number;
  /** The key's values rarely repeat: encode them each time. */
  off: boolean;
}
const attributes = new Map<string, AttributeCache>();
let attributesCached = 0;
const ATTRIBUTE_CACHE_LIMIT = 50_000;
/** After this many misses, a key whose hit rate is below 1/8 stops being cached. */
const ATTRIBUTE_PROBATION = 256;
/** Encodes of an uncached key before it is given another probation. */
const ATTRIBUTE_RETRY = 100_000;

function encodeAttribute(key: string, value: string, index: boolean): Uint8Array {
  const sizes: number[] = [];
  const size = stringSize(key, sizes) + stringSize(value, sizes) + (index ? 2 : 0);
  const w = new Writer(size);
  let i = 0;
  if (key !== "") w.string(10, key, sizes[i++]!);
  if (value !== "") w.string(18, value, sizes[i++]!);
  if (index) {
    w.buf[w.pos++] = 24;
    w.buf[w.pos++] = 1;
  }
  // an exact-size copy: the writer's buffer is a slice of node's shared 8 KiB pool, which a cached
  // slice would keep alive (with the tx results written around it)
  return compact(w.buf);
}

function attributeBytes(key: string, value: string, index: boolean): Uint8Array {
  if (!index) return encodeAttribute(key, value, index);
  let cache = attributes.get(key);
  if (!cache) attributes.set(key, (cache = { values: new Map(), hits: 0, misses: 0, off: false }));
  if (cache.off) {
    // tried again now and then: a key's values may start repeating (a chain's users settle)
    if (++cache.misses >= ATTRIBUTE_RETRY) Object.assign(cache, { hits: 0, misses: 0, off: false });
    return encodeAttribute(key, value, index);
  }
  let bytes = cache.values.get(value);
  if (bytes) {
    cache.hits++;
    return bytes;
  }
  bytes = encodeAttribute(key, value, index);
  if (++cache.misses >= ATTRIBUTE_PROBATION && cache.hits * 8 < cache.misses) {
    attributesCached -= cache.values.size;
    cache.values.clear();
    cache.off = true;
    return bytes;
  }
  if (++attributesCached > ATTRIBUTE_CACHE_LIMIT) {
    // keys keep their verdict; only the cached bytes go
    for (const c of attributes.values()) c.values.clear();
    attributesCached = 1;
  }
  cache.values.set(value, bytes);
  return bytes;
}

interface Plan {
  sizes: number[];
  attrs: Uint8Array[];
}

function execTxResultSize(r: ExecTxResult, plan: Plan): number {
  let size = 0;
  if (r.code !== 0) size += 1 + varintSize(r.code >>> 0);
  if (r.data.length !== 0) size += fieldSize(r.data.length);
  size += stringSize(r.log, plan.sizes) + stringSize(r.info, plan.sizes);
  if (r.gasWanted !== 0n) size += 1 + int64Size(r.gasWanted);
  if (r.gasUsed !== 0n) size += 1 + int64Size(r.gasUsed);
  for (const e of r.events) size += fieldSize(eventSize(e, plan));
  return size + stringSize(r.codespace, plan.sizes);
}

function stringSize(s: string, sizes: number[]): number {
  if (s === "") return 0;
  const n = Buffer.byteLength(s, "utf8");
  sizes.push(n);
  return fieldSize(n);
}

function eventSize(e: Event, plan: Plan): number {
  const at = plan.sizes.length;
  plan.sizes.push(0); // the event's size, filled in below
  let size = stringSize(e.type, plan.sizes);
  for (const a of e.attributes) {
    const bytes = attributeBytes(a.key, a.value, a.index);
    plan.attrs.push(bytes);
    size += fieldSize(bytes.length);
  }
  plan.sizes[at] = size;
  return size;
}

function writeExecTxResult(w: Writer, r: ExecTxResult, plan: Plan): void {
  const sizes = plan.sizes;
  let s = 0;
  let a = 0;
  if (r.code !== 0) {
    w.buf[w.pos++] = 8;
    w.varint(r.code >>> 0);
  }
  if (r.data.length !== 0) w.bytes(18, r.data);
  if (r.log !== "") w.string(26, r.log, sizes[s++]!);
  if (r.info !== "") w.string(34, r.info, sizes[s++]!);
  if (r.gasWanted !== 0n) {
    w.buf[w.pos++] = 40;
    w.int64(r.gasWanted);
  }
  if (r.gasUsed !== 0n) {
    w.buf[w.pos++] = 48;
    w.int64(r.gasUsed);
  }
  for (const e of r.events) {
    w.buf[w.pos++] = 58;
    w.varint(sizes[s++]!);
    if (e.type !== "") w.string(10, e.type, sizes[s++]!);
    for (let k = 0; k < e.attributes.length; k++) w.bytes(18, plan.attrs[a++]!);
  }
  if (r.codespace !== "") w.string(66, r.codespace, sizes[s++]!);
}

export function encodeExecTxResult(r: ExecTxResult): Uint8Array {
  const plan: Plan = { sizes: [], attrs: [] };
  const w = new Writer(execTxResultSize(r, plan));
  writeExecTxResult(w, r, plan);
  return w.buf;
}

export function encodeTxResult(height: bigint, index: number, tx: Uint8Array, result: ExecTxResult): Uint8Array {
  const plan: Plan = { sizes: [], attrs: [] };
  const resultSize = execTxResultSize(result, plan);
  let size = fieldSize(resultSize);
  if (height !== 0n) size += 1 + int64Size(height);
  if (index !== 0) size += 1 + varintSize(index >>> 0);
  if (tx.length !== 0) size += fieldSize(tx.length);
  const w = new Writer(size);
  if (height !== 0n) {
    w.buf[w.pos++] = 8;
    w.int64(height);
  }
  if (index !== 0) {
    w.buf[w.pos++] = 16;
    w.varint(index >>> 0);
  }
  if (tx.length !== 0) w.bytes(26, tx);
  w.buf[w.pos++] = 34;
  w.varint(resultSize);
  writeExecTxResult(w, result, plan);
  return w.buf;
}
