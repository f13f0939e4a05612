import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  checkpointId,
  decodeCheckpoint,
  encodeCheckpoint,
  encodeSafetensors,
  loadCheckpoint,
  saveCheckpoint,
  sidecarPath,
  type Checkpoint,
} from "../../worker/checkpoint/index.ts";
import { defaultProfile } from "../../worker/runtime/device.ts";

function sample(): Checkpoint {
  return {
    step: 7n,
    tensors: new Map([
      ["w", { dims: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) }],
      ["b", { dims: [3], data: Float32Array.of(0.5, -0.5, 0) }],
      ["w.m", { dims: [2, 3], data: new Float32Array(6).fill(0.25) }],
    ]),
  };
}

/** Re-wrap a file with a replacement header (padded to alignment) and the original data. */
function withHeader(bytes: Uint8Array, header: string): Uint8Array {
  const oldLen = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const data = bytes.subarray(8 + oldLen);
  let json = header;
  while ((8 + json.length) % 8 !== 0) json += " ";
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(new TextEncoder().encode(json), 8);
  out.set(data, 8 + json.length);
  return out;
}

function headerOf(bytes: Uint8Array): string {
  const len = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + len));
}

test("checkpoint: canonical encoding is exactly the documented bytes", () => {
  const bytes = encodeCheckpoint(sample());
  const header = headerOf(bytes);
  // Sorted names (b < step < w < w.m), compact, dtype/shape/data_offsets order, contiguous offsets.
  assert.equal(
    header.trimEnd(),
    '{"b":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"step":{"dtype":"I64","shape":[],"data_offsets":[12,20]},' +
      '"w":{"dtype":"F32","shape":[2,3],"data_offsets":[20,44]},"w.m":{"dtype":"F32","shape":[2,3],"data_offsets":[44,68]}}',
  );
  assert.equal((8 + header.length) % 8, 0, "header padded to 8-byte alignment");
  assert.ok(header.length - header.trimEnd().length < 8, "minimal padding");
  assert.equal(bytes.length, 8 + header.length + 68);
  // Golden id: changes only if the canonical form changes (a protocol change).
  assert.equal(checkpointId(bytes), checkpointId(encodeCheckpoint(sample())));
  assert.match(checkpointId(bytes), /^[0-9a-f]{64}$/);
});

test("checkpoint: round trip preserves step, names, shapes and bits", () => {
  const ck = sample();
  const back = decodeCheckpoint(encodeCheckpoint(ck));
  assert.equal(back.step, 7n);
  assert.deepEqual([...back.tensors.keys()].sort(), ["b", "w", "w.m"]);
  for (const [name, t] of ck.tensors) {
    assert.deepEqual(back.tensors.get(name)?.dims, t.dims);
    assert.deepEqual(Array.from(back.tensors.get(name)?.data ?? []), Array.from(t.data));
  }
  // Insertion order of the map does not matter: same bytes.
  const reordered: Checkpoint = { step: 7n, tensors: new Map([...ck.tensors].reverse()) };
  assert.deepEqual(encodeCheckpoint(reordered), encodeCheckpoint(ck));
  // NaN payloads and -0 survive (bits, not values).
  const odd: Checkpoint = { step: 0n, tensors: new Map([["z", { dims: [2], data: Float32Array.of(-0, NaN) }]]) };
  const oddBack = decodeCheckpoint(encodeCheckpoint(odd)).tensors.get("z")?.data as Float32Array;
  assert.ok(Object.is(oddBack[0], -0) && Number.isNaN(oddBack[1]));
});

test("checkpoint: non-canonical headers are rejected", () => {
  const bytes = encodeCheckpoint(sample());
  const h = headerOf(bytes).trimEnd();
  const parsed = JSON.parse(h) as Record<string, unknown>;
  const unsorted = JSON.stringify(Object.fromEntries(Object.entries(parsed).reverse()));
  assert.throws(() => decodeCheckpoint(withHeader(bytes, unsorted)), /not in canonical form/);
  assert.throws(() => decodeCheckpoint(withHeader(bytes, JSON.stringify(parsed, null, 1))), /not in canonical form/);
  const meta = `{"__metadata__":{"a":"b"},${h.slice(1)}`;
  assert.throws(() => decodeCheckpoint(withHeader(bytes, meta)), /__metadata__/);
  // Field order inside an entry is part of the canonical form.
  const fieldOrder = h.replace('{"dtype":"F32","shape":[3],"data_offsets":[0,12]}', '{"shape":[3],"dtype":"F32","data_offsets":[0,12]}');
  assert.throws(() => decodeCheckpoint(withHeader(bytes, fieldOrder)), /not in canonical form/);
  // Eight extra spaces of padding: valid safetensors, not canonical.
  assert.throws(() => decodeCheckpoint(withHeader(bytes, h + "        ")), /padding/);
  // Offsets with a gap.
  const gap = h.replace('"data_offsets":[12,20]', '"data_offsets":[16,24]');
  assert.throws(() => decodeCheckpoint(withHeader(bytes, gap)), /data_offsets/);
});

test("checkpoint: truncated, trailing and corrupt files are rejected", () => {
  const bytes = encodeCheckpoint(sample());
  assert.throws(() => decodeCheckpoint(bytes.subarray(0, 5)), /truncated/);
  assert.throws(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 1)), /truncated/);
  assert.throws(() => decodeCheckpoint(bytes.subarray(0, 40)), /exceeds the file|truncated/);
  const longer = new Uint8Array(bytes.length + 4);
  longer.set(bytes);
  assert.throws(() => decodeCheckpoint(longer), /trailing bytes/);
  const garbled = Uint8Array.from(bytes);
  garbled[8] = 0x5b; // "[" instead of "{": not a JSON object any more
  assert.throws(() => decodeCheckpoint(garbled), /not valid JSON|not a JSON object/);
  const renamed = Uint8Array.from(bytes);
  renamed[10] = 0x7b; // tensor "b" renamed "{": names no longer sorted/offsets no longer canonical
  assert.throws(() => decodeCheckpoint(renamed), /canonical/);
  const badDtype = withHeader(bytes, headerOf(bytes).trimEnd().replace('"dtype":"F32","shape":[3]', '"dtype":"BF16","shape":[3]'));
  assert.throws(() => decodeCheckpoint(badDtype), /dtype BF16/);
});

test("checkpoint: step must be an int64 scalar and tensors float32", () => {
  const noStep = encodeSafetensors(new Map([["w", { dims: [1], data: Float32Array.of(1) }]]));
  assert.throws(() => decodeCheckpoint(noStep), /no "step" tensor/);
  const vecStep = encodeSafetensors(new Map([["step", { dims: [1], data: BigInt64Array.of(1n) }]]));
  assert.throws(() => decodeCheckpoint(vecStep), /int64 scalar/);
  const f64 = encodeSafetensors(new Map([["step", { dims: [], data: BigInt64Array.of(1n) }], ["w", { dims: [1], data: Float64Array.of(1) }]]));
  assert.throws(() => decodeCheckpoint(f64), /not F32/);
  assert.throws(() => encodeCheckpoint({ step: 0n, tensors: new Map([["step", { dims: [], data: Float32Array.of(0) }]]) }), /reserved/);
  assert.throws(() => encodeCheckpoint({ step: 0n, tensors: new Map([['a"b', { dims: [], data: Float32Array.of(0) }]]) }), /not allowed/);
});

test("checkpoint: save/load checks the expected hash and records the profile in a sidecar", () => {
  const dir = mkdtempSync(join(tmpdir(), "engine-ckpt-"));
  const path = join(dir, "step-7.safetensors");
  const profile = defaultProfile({ intraOpThreads: 2 });
  const { id } = saveCheckpoint(path, sample(), profile);
  const loaded = loadCheckpoint(path, id);
  assert.equal(loaded.id, id);
  assert.deepEqual(loaded.profile, profile);
  assert.equal(loaded.checkpoint.step, 7n);
  const side = JSON.parse(readFileSync(sidecarPath(path), "utf8")) as { checkpoint: string; step: string };
  assert.equal(side.checkpoint, id);
  assert.equal(side.step, "7");
  const wrong = "0".repeat(64);
  assert.throws(() => loadCheckpoint(path, wrong), new RegExp(`hash mismatch: expected ${wrong}, got ${id}`));
  // A flipped data byte: caught by the hash before decoding.
  const bytes = readFileSync(path);
  bytes[bytes.length - 1] ^= 1;
  writeFileSync(path, bytes);
  assert.throws(() => loadCheckpoint(path, id), /hash mismatch/);
  // Without an expected id the sidecar (which names the old id) exposes the change.
  assert.throws(() => loadCheckpoint(path), /stale sidecar/);
});
