// Datasets: canonical safetensors shards (`x`, `y`) named by their sha256, listed in a canonical
// JSON manifest whose sha256 is the dataset's on-chain manifest hash. Format in README.md.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeSafetensors, encodeSafetensors } from "../checkpoint/safetensors.ts";
import type { Tensor } from "../types.ts";
import { canonicalJsonBytes } from "./canonical-json.ts";

export const MANIFEST_FILE = "manifest.json";
export const DEFAULT_SHARD_SAMPLES = 10_000;

export interface DatasetFormat {
  /** Per-sample feature shape (without the sample dim), always float32. */
  features: { dtype: "float32"; shape: number[] };
  /** int64 class labels (shape []) or float32 targets (shape [k]). */
  labels: { dtype: "int64"; shape: [] } | { dtype: "float32"; shape: [number] };
  /** Number of classes for int64 labels (labels in [0, classes)); 0 for float32 targets. */
  classes: number;
}

export interface ShardEntry {
  sha256: string;
  bytes: number;
  samples: number;
}

export interface DatasetManifest {
  version: 1;
  format: DatasetFormat;
  samples: number;
  /** In order: sample i of the dataset is the i-th sample of the shards concatenated. */
  shards: ShardEntry[];
}

/**
 * A dataset in memory: all samples concatenated, row-major. The loaders and importers allocate x
 * and y on a SharedArrayBuffer so the training loop's gather thread reads them without a copy
 * (onnxruntime-node refuses SharedArrayBuffer-backed tensors: copy rows out before feeding them).
 */
export interface Dataset {
  format: DatasetFormat;
  samples: number;
  /** float32 [samples, ...features.shape] */
  x: Float32Array;
  /** int64 [samples] or float32 [samples, k] */
  y: BigInt64Array | Float32Array;
}

/** A zeroed typed array of `length` elements on a SharedArrayBuffer (see Dataset). */
export function sharedArray<T extends Float32Array | BigInt64Array>(ctor: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T {
  return new ctor(new SharedArrayBuffer(length * ctor.BYTES_PER_ELEMENT));
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export function featureSize(format: DatasetFormat): number {
  return product(format.features.shape);
}

export function labelSize(format: DatasetFormat): number {
  return format.labels.dtype === "int64" ? 1 : format.labels.shape[0];
}

/** Canonical manifest bytes: canonical JSON (sorted keys, no whitespace, integers only). */
export function encodeManifest(m: DatasetManifest): Uint8Array {
  return canonicalJsonBytes({
    version: m.version,
    format: {
      features: { dtype: m.format.features.dtype, shape: [...m.format.features.shape] },
      labels: { dtype: m.format.labels.dtype, shape: [...m.format.labels.shape] },
      classes: m.format.classes,
    },
    samples: m.samples,
    shards: m.shards.map((s) => ({ sha256: s.sha256, bytes: s.bytes, samples: s.samples })),
  });
}

/** sha256 (lowercase hex) of the canonical manifest bytes. */
export function manifestHash(m: DatasetManifest): string {
  return sha256Hex(encodeManifest(m));
}

const isDims = (v: unknown): v is number[] => Array.isArray(v) && v.every((d) => Number.isSafeInteger(d) && (d as number) > 0);

/** Validate a parsed manifest; throws a one-line error naming the bad field. */
export function checkManifest(raw: unknown): DatasetManifest {
  const m = raw as Partial<DatasetManifest> | null;
  if (typeof m !== "object" || m === null) throw new Error("dataset manifest: not a JSON object");
  if (m.version !== 1) throw new Error(`dataset manifest: version ${String(m.version)}; expected 1`);
  const f = m.format;
  if (f === undefined || typeof f !== "object") throw new Error("dataset manifest: missing format");
  if (f.features?.dtype !== "float32" || !isDims(f.features.shape)) {
    throw new Error("dataset manifest: format.features must be {dtype: \"float32\", shape: [positive ints]}");
  }
  if (f.labels?.dtype === "int64") {
    if (!Array.isArray(f.labels.shape) || f.labels.shape.length !== 0) throw new Error("dataset manifest: int64 labels must have shape []");
    if (!Number.isSafeInteger(f.classes) || f.classes < 2) throw new Error(`dataset manifest: classes ${String(f.classes)}; expected ≥ 2 for int64 labels`);
  } else if (f.labels?.dtype === "float32") {
    if (!isDims(f.labels.shape) || f.labels.shape.length !== 1) throw new Error("dataset manifest: float32 labels must have shape [k]");
    if (f.classes !== 0) throw new Error(`dataset manifest: classes ${String(f.classes)}; expected 0 for float32 targets`);
  } else {
    throw new Error(`dataset manifest: labels dtype ${String((f.labels as { dtype?: unknown } | undefined)?.dtype)}; expected "int64" or "float32"`);
  }
  if (!Array.isArray(m.shards) || m.shards.length === 0) throw new Error("dataset manifest: shards must be a non-empty array");
  let total = 0;
  m.shards.forEach((s, i) => {
    if (typeof s?.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(s.sha256)) throw new Error(`dataset manifest: shard ${i} sha256 must be 64 lowercase hex chars`);
    if (!Number.isSafeInteger(s.bytes) || s.bytes <= 0) throw new Error(`dataset manifest: shard ${i} bytes must be a positive integer`);
    if (!Number.isSafeInteger(s.samples) || s.samples <= 0) throw new Error(`dataset manifest: shard ${i} samples must be a positive integer`);
    total += s.samples;
  });
  if (m.samples !== total) throw new Error(`dataset manifest: samples ${String(m.samples)} but the shards hold ${total}`);
  return m as DatasetManifest;
}

export function shardFileName(sha256: string): string {
  return `${sha256}.safetensors`;
}

/** Encode samples [begin, end) of a dataset as one canonical shard. */
export function encodeShard(ds: Dataset, begin: number, end: number): Uint8Array {
  const fs = featureSize(ds.format);
  const ls = labelSize(ds.format);
  const n = end - begin;
  const tensors = new Map<string, Tensor>([
    ["x", { dims: [n, ...ds.format.features.shape], data: ds.x.subarray(begin * fs, end * fs) }],
    ["y", { dims: ds.format.labels.dtype === "int64" ? [n] : [n, ls], data: ds.y.subarray(begin * ls, end * ls) }],
  ]);
  return encodeSafetensors(tensors);
}

/** Check that an in-memory dataset is self-consistent (sizes, label range). */
export function checkDataset(ds: Dataset): void {
  const fs = featureSize(ds.format);
  const ls = labelSize(ds.format);
  if (!Number.isSafeInteger(ds.samples) || ds.samples < 1) throw new Error(`dataset: ${ds.samples} samples; expected at least 1`);
  if (ds.x.length !== ds.samples * fs) throw new Error(`dataset: x holds ${ds.x.length} values; expected ${ds.samples} × ${fs}`);
  if (ds.y.length !== ds.samples * ls) throw new Error(`dataset: y holds ${ds.y.length} values; expected ${ds.samples} × ${ls}`);
  if (ds.format.labels.dtype === "int64") {
    if (!(ds.y instanceof BigInt64Array)) throw new Error("dataset: int64 labels need a BigInt64Array");
    const c = BigInt(ds.format.classes);
    for (let i = 0; i < ds.y.length; i++) {
      const v = ds.y[i] as bigint;
      if (v < 0n || v >= c) throw new Error(`dataset: label ${v} of sample ${i} outside [0, ${ds.format.classes})`);
    }
  } else if (!(ds.y instanceof Float32Array)) {
    throw new Error("dataset: float32 targets need a Float32Array");
  }
}

/** Write `dir/manifest.json` and `dir/<sha256>.safetensors` shards; returns the manifest and its hash. */
export function writeDataset(dir: string, ds: Dataset, shardSamples: number = DEFAULT_SHARD_SAMPLES): { manifest: DatasetManifest; manifestHash: string } {
  if (!Number.isSafeInteger(shardSamples) || shardSamples < 1) throw new Error(`shard size ${shardSamples}; expected a positive integer`);
  checkDataset(ds);
  mkdirSync(dir, { recursive: true });
  const shards: ShardEntry[] = [];
  for (let begin = 0; begin < ds.samples; begin += shardSamples) {
    const end = Math.min(ds.samples, begin + shardSamples);
    const bytes = encodeShard(ds, begin, end);
    const sha256 = sha256Hex(bytes);
    writeFileSync(join(dir, shardFileName(sha256)), bytes);
    shards.push({ sha256, bytes: bytes.length, samples: end - begin });
  }
  const manifest: DatasetManifest = { version: 1, format: ds.format, samples: ds.samples, shards };
  const mbytes = encodeManifest(manifest);
  // The file holds exactly the canonical bytes, so `sha256sum manifest.json` is the manifest hash.
  writeFileSync(join(dir, MANIFEST_FILE), mbytes);
  return { manifest, manifestHash: sha256Hex(mbytes) };
}

/** Decode and check one shard against its manifest entry and the dataset format. */
export function decodeShard(bytes: Uint8Array, entry: ShardEntry, format: DatasetFormat, label = `shard ${entry.sha256}`): { x: Float32Array; y: BigInt64Array | Float32Array } {
  if (bytes.length !== entry.bytes) throw new Error(`${label}: size ${bytes.length} bytes; manifest says ${entry.bytes}`);
  const got = sha256Hex(bytes);
  if (got !== entry.sha256) throw new Error(`${label}: hash mismatch: expected ${entry.sha256}, got ${got}`);
  const t = decodeSafetensors(bytes, label);
  const names = [...t.keys()].join(",");
  if (names !== "x,y") throw new Error(`${label}: tensors ${names}; expected exactly x,y`);
  const x = t.get("x") as Tensor;
  const y = t.get("y") as Tensor;
  const xDims = [entry.samples, ...format.features.shape];
  if (!(x.data instanceof Float32Array) || x.dims.join(",") !== xDims.join(",")) {
    throw new Error(`${label}: x is ${x.data.constructor.name} [${x.dims.join(",")}]; expected float32 [${xDims.join(",")}]`);
  }
  const yDims = format.labels.dtype === "int64" ? [entry.samples] : [entry.samples, format.labels.shape[0]];
  const yOk = format.labels.dtype === "int64" ? y.data instanceof BigInt64Array : y.data instanceof Float32Array;
  if (!yOk || y.dims.join(",") !== yDims.join(",")) {
    throw new Error(`${label}: y is ${y.data.constructor.name} [${y.dims.join(",")}]; expected ${format.labels.dtype} [${yDims.join(",")}]`);
  }
  return { x: x.data, y: y.data as BigInt64Array | Float32Array };
}

export interface LoadedDataset extends Dataset {
  manifest: DatasetManifest;
  manifestHash: string;
}

/**
 * Load `dir`: checks the manifest hash (when expected), every shard's size, sha256, tensor names,
 * dtypes and shapes, and the label range; any mismatch throws naming the shard.
 */
export function loadDataset(dir: string, expectedManifestHash?: string): LoadedDataset {
  let parsed: unknown;
  const path = join(dir, MANIFEST_FILE);
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`dataset ${dir}: cannot read ${MANIFEST_FILE} (${(e as Error).message.split("\n")[0]})`);
  }
  const manifest = checkManifest(parsed);
  const hash = manifestHash(manifest);
  if (expectedManifestHash !== undefined && hash !== expectedManifestHash.toLowerCase()) {
    throw new Error(`dataset ${dir}: manifest hash mismatch: expected ${expectedManifestHash.toLowerCase()}, got ${hash}`);
  }
  const fs = featureSize(manifest.format);
  const ls = labelSize(manifest.format);
  const x = sharedArray(Float32Array, manifest.samples * fs);
  const y = manifest.format.labels.dtype === "int64" ? sharedArray(BigInt64Array, manifest.samples) : sharedArray(Float32Array, manifest.samples * ls);
  let at = 0;
  manifest.shards.forEach((entry, i) => {
    const file = join(dir, shardFileName(entry.sha256));
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      throw new Error(`dataset ${dir}: shard ${i} file ${shardFileName(entry.sha256)} is missing`);
    }
    const shard = decodeShard(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), entry, manifest.format, `dataset ${dir}: shard ${i}`);
    x.set(shard.x, at * fs);
    if (y instanceof BigInt64Array) y.set(shard.y as BigInt64Array, at);
    else y.set(shard.y as Float32Array, at * ls);
    at += entry.samples;
  });
  const ds: LoadedDataset = { format: manifest.format, samples: manifest.samples, x, y, manifest, manifestHash: hash };
  checkDataset(ds);
  return ds;
}

/** The first `n` samples (tests and quick runs). */
export function takeSamples(ds: Dataset, n: number): Dataset {
  const k = Math.min(n, ds.samples);
  return { format: ds.format, samples: k, x: ds.x.subarray(0, k * featureSize(ds.format)), y: ds.y.subarray(0, k * labelSize(ds.format)) };
}
