// Canonical safetensors: one byte form per set of named tensors, so that a file's sha256 is a
// content id (checkpoints, dataset shards). The rules are in worker/checkpoint/README.md.
import { endianness } from "node:os";
import type { Tensor } from "../types.ts";

export type SafetensorsDtype = "F32" | "F64" | "I64" | "I32" | "U8";

interface DtypeInfo {
  bytes: number;
  view: (buf: ArrayBuffer, byteOffset: number, length: number) => Tensor["data"];
}

const DTYPES: Record<SafetensorsDtype, DtypeInfo> = {
  F32: { bytes: 4, view: (b, o, n) => new Float32Array(b, o, n) },
  F64: { bytes: 8, view: (b, o, n) => new Float64Array(b, o, n) },
  I64: { bytes: 8, view: (b, o, n) => new BigInt64Array(b, o, n) },
  I32: { bytes: 4, view: (b, o, n) => new Int32Array(b, o, n) },
  U8: { bytes: 1, view: (b, o, n) => new Uint8Array(b, o, n) },
};

/** Largest header we accept; the safetensors reference implementation caps it at 100 MB too. */
const MAX_HEADER_BYTES = 100_000_000;

// Names must serialise without JSON escapes so that "sorted keys" means one thing in every
// language: printable ASCII except quote and backslash.
const NAME_PATTERN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

if (endianness() !== "LE") {
  // safetensors is little-endian and we map typed arrays directly onto file bytes.
  throw new Error("safetensors: this module needs a little-endian host");
}

/** The safetensors dtype of a tensor's typed array. */
export function dtypeOf(data: Tensor["data"]): SafetensorsDtype {
  if (data instanceof Float32Array) return "F32";
  if (data instanceof Float64Array) return "F64";
  if (data instanceof BigInt64Array) return "I64";
  if (data instanceof Int32Array) return "I32";
  return "U8";
}

function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

function checkName(name: string): void {
  if (!NAME_PATTERN.test(name) || name === "__metadata__") {
    throw new Error(`safetensors: tensor name ${JSON.stringify(name)} is not allowed; expected printable ASCII without quotes or backslashes`);
  }
}

function headerJson(entries: { name: string; dtype: SafetensorsDtype; dims: readonly number[]; begin: number; end: number }[]): string {
  // Field order dtype, shape, data_offsets is the one the reference serialiser emits.
  const parts = entries.map(
    (e) => `${JSON.stringify(e.name)}:{"dtype":"${e.dtype}","shape":[${e.dims.join(",")}],"data_offsets":[${e.begin},${e.end}]}`,
  );
  return `{${parts.join(",")}}`;
}

/** Encode named tensors in canonical safetensors form. */
export function encodeSafetensors(tensors: ReadonlyMap<string, Tensor>): Uint8Array {
  const names = [...tensors.keys()].sort();
  const entries: { name: string; dtype: SafetensorsDtype; dims: readonly number[]; begin: number; end: number; data: Tensor["data"] }[] = [];
  let offset = 0;
  for (const name of names) {
    checkName(name);
    const t = tensors.get(name) as Tensor;
    for (const d of t.dims) {
      if (!Number.isSafeInteger(d) || d < 0) throw new Error(`safetensors: tensor ${name} has dim ${d}; expected a non-negative integer`);
    }
    if (elementCount(t.dims) !== t.data.length) {
      throw new Error(`safetensors: tensor ${name} has ${t.data.length} elements for shape [${t.dims.join(",")}]; expected ${elementCount(t.dims)}`);
    }
    const dtype = dtypeOf(t.data);
    const end = offset + t.data.byteLength;
    entries.push({ name, dtype, dims: t.dims, begin: offset, end, data: t.data });
    offset = end;
  }
  const json = new TextEncoder().encode(headerJson(entries));
  const headerLen = json.length + ((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  const base = 8 + headerLen;
  for (const e of entries) out.set(new Uint8Array(e.data.buffer, e.data.byteOffset, e.data.byteLength), base + e.begin);
  return out;
}

/**
 * Decode canonical safetensors. Strict: any deviation from the canonical byte form (key order,
 * whitespace, metadata, gaps, padding, trailing bytes) is an error, because two encodings of the
 * same tensors would otherwise have different ids. Typed arrays are views on `bytes` when
 * aligned (no copy), copies otherwise.
 */
export function decodeSafetensors(bytes: Uint8Array, what = "safetensors"): Map<string, Tensor> {
  if (bytes.length < 8) throw new Error(`${what}: truncated: ${bytes.length} bytes; expected at least the 8-byte header length`);
  const headerLen64 = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLen64 > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8))) {
    throw new Error(`${what}: header length ${headerLen64} exceeds the file (${bytes.length} bytes); file truncated or corrupt`);
  }
  const headerLen = Number(headerLen64);
  if ((8 + headerLen) % 8 !== 0) throw new Error(`${what}: header length ${headerLen} is not padded to 8-byte alignment; not canonical`);
  const headerText = new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(8, 8 + headerLen));
  const jsonText = headerText.replace(/ +$/, "");
  if (headerLen - jsonText.length > 7) throw new Error(`${what}: header has ${headerLen - jsonText.length} padding spaces; canonical form pads with at most 7`);
  let header: unknown;
  try {
    header = JSON.parse(jsonText);
  } catch (e) {
    throw new Error(`${what}: header is not valid JSON (${(e as Error).message}); file corrupt`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) throw new Error(`${what}: header is not a JSON object`);
  const raw = header as Record<string, unknown>;
  if ("__metadata__" in raw) throw new Error(`${what}: header has __metadata__; canonical form has none`);
  const names = Object.keys(raw);
  const sorted = [...names].sort();
  const entries: { name: string; dtype: SafetensorsDtype; dims: number[]; begin: number; end: number }[] = [];
  for (const name of sorted) {
    checkName(name);
    const e = raw[name] as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== "object" || e === null) throw new Error(`${what}: entry ${name} is not an object`);
    if (typeof e.dtype !== "string" || !(e.dtype in DTYPES)) {
      throw new Error(`${what}: tensor ${name} has dtype ${String(e.dtype)}; expected one of ${Object.keys(DTYPES).join(", ")}`);
    }
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      throw new Error(`${what}: tensor ${name} has an invalid shape; expected an array of non-negative integers`);
    }
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d))) {
      throw new Error(`${what}: tensor ${name} has invalid data_offsets; expected [begin, end]`);
    }
    entries.push({ name, dtype: e.dtype as SafetensorsDtype, dims: e.shape as number[], begin: off[0] as number, end: off[1] as number });
  }
  // Canonical means contiguous in sorted-name order from 0; checking it here makes the byte
  // comparison below meaningful and catches overlapping or missing data.
  let expectOffset = 0;
  for (const e of entries) {
    const size = elementCount(e.dims) * DTYPES[e.dtype].bytes;
    if (e.begin !== expectOffset || e.end !== e.begin + size) {
      throw new Error(`${what}: tensor ${e.name} has data_offsets [${e.begin},${e.end}]; canonical form expects [${expectOffset},${expectOffset + size}]`);
    }
    expectOffset = e.end;
  }
  const canonicalHeader = headerJson(entries);
  if (canonicalHeader !== jsonText) throw new Error(`${what}: header is not in canonical form (sorted names, compact JSON, field order dtype/shape/data_offsets)`);
  if (new TextEncoder().encode(jsonText).length + ((8 - (new TextEncoder().encode(jsonText).length % 8)) % 8) !== headerLen) {
    throw new Error(`${what}: header padding is not minimal; not canonical`);
  }
  const base = 8 + headerLen;
  if (bytes.length !== base + expectOffset) {
    const problem = bytes.length < base + expectOffset ? "truncated" : "has trailing bytes";
    throw new Error(`${what}: ${problem}: ${bytes.length} bytes; header describes ${base + expectOffset}`);
  }
  const out = new Map<string, Tensor>();
  for (const e of entries) {
    const info = DTYPES[e.dtype];
    const n = elementCount(e.dims);
    const abs = bytes.byteOffset + base + e.begin;
    let data: Tensor["data"];
    if (abs % info.bytes === 0) {
      data = info.view(bytes.buffer as ArrayBuffer, abs, n);
    } else {
      const copy = new ArrayBuffer(n * info.bytes);
      new Uint8Array(copy).set(bytes.subarray(base + e.begin, base + e.end));
      data = info.view(copy, 0, n);
    }
    out.set(e.name, { dims: e.dims, data });
  }
  return out;
}
