import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createSampler, epochPermutation, sha256SingleBlock } from "../../worker/data/sampler.ts";
import { sharedArray, type Dataset } from "../../worker/data/index.ts";
import { createBatchAssembler, createBatchSource } from "../../worker/runtime/batch.ts";
import type { InputSpec } from "../../worker/types.ts";

test("sampler: published test vector (seed 42, n = 10, B = 4)", () => {
  const s = createSampler(42n, 10, 4);
  // Also in worker/data/README.md and checked against an independent Python implementation.
  assert.deepEqual([...s.indices(0)], [3, 8, 2, 7]);
  assert.deepEqual([...s.indices(1)], [5, 0, 6, 9]);
  // Step 2 straddles the epoch boundary: tail of epoch 0, then head of epoch 1.
  assert.deepEqual([...s.indices(2)], [1, 4, 2, 1]);
  assert.deepEqual([...epochPermutation(42n, 0n, 10)], [3, 8, 2, 7, 5, 0, 6, 9, 1, 4]);
  assert.deepEqual([...epochPermutation(42n, 1n, 10)], [2, 1, 7, 5, 0, 3, 9, 4, 6, 8]);
  const readme = readFileSync(new URL("../../worker/data/README.md", import.meta.url), "utf8");
  assert.ok(readme.includes("3, 8, 2, 7"), "README carries the test vector");
});

test("sampler: every epoch is a permutation; epochs and seeds differ", () => {
  for (const n of [1, 2, 7, 100, 1000]) {
    for (const epoch of [0n, 1n, 12345n]) {
      const p = epochPermutation(9n, epoch, n);
      assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
    }
  }
  assert.notDeepEqual([...epochPermutation(9n, 0n, 100)], [...epochPermutation(9n, 1n, 100)]);
  assert.notDeepEqual([...epochPermutation(9n, 0n, 100)], [...epochPermutation(10n, 0n, 100)]);
});

test("sampler: consecutive steps cover each epoch exactly once, across boundaries", () => {
  const n = 37;
  const b = 5;
  const s = createSampler(0xffffffffffffffffn, n, b);
  const seq: number[] = [];
  for (let t = 0; t < 30; t++) seq.push(...s.indices(t));
  for (let e = 0; e < Math.floor(seq.length / n); e++) {
    const epoch = seq.slice(e * n, (e + 1) * n);
    assert.deepEqual(epoch, [...epochPermutation(0xffffffffffffffffn, BigInt(e), n)]);
  }
  // Random access agrees with sequential access (the verifier starts mid-task).
  const fresh = createSampler(0xffffffffffffffffn, n, b);
  assert.deepEqual([...fresh.indices(23n)], seq.slice(23 * b, 24 * b));
  // A batch larger than the dataset spans several epochs.
  const big = createSampler(3n, 3, 8);
  const first = [...big.indices(0)];
  assert.deepEqual(first.slice(0, 3).sort(), [0, 1, 2]);
  assert.deepEqual(first.slice(3, 6).sort(), [0, 1, 2]);
});

test("sampler: rejects bad input with one-line errors", () => {
  assert.throws(() => createSampler(-1n, 10, 4), /unsigned 64-bit/);
  assert.throws(() => createSampler(1n << 64n, 10, 4), /unsigned 64-bit/);
  assert.throws(() => createSampler(1n, 0, 4), /dataset size/);
  assert.throws(() => createSampler(1n, 10, 0), /batch size/);
  assert.throws(() => createSampler(1n, 10, 2).indices(-1), /step/);
});

test("sampler: uniform draws have no gross bias (positions of element 0 over many seeds)", () => {
  const n = 3;
  const counts = [0, 0, 0];
  for (let seed = 0n; seed < 3000n; seed++) counts[(epochPermutation(seed, 0n, n) as Uint32Array).indexOf(0)]++;
  for (const c of counts) assert.ok(c > 900 && c < 1100, `counts ${counts.join(",")}`);
});

test("sampler: its one-block SHA-256 equals node:crypto's for every message length up to 55 bytes", () => {
  const w = new Int32Array(64);
  const out = new Uint32Array(8);
  for (let len = 0; len <= 55; len++) {
    for (let rep = 0; rep < 20; rep++) {
      const msg = randomBytes(len);
      const block = Buffer.alloc(64);
      msg.copy(block);
      block[len] = 0x80;
      block.writeUInt32BE(len * 8, 60);
      sha256SingleBlock(Int32Array.from({ length: 16 }, (_, i) => block.readInt32BE(4 * i)), w, out);
      const got = Buffer.alloc(32);
      out.forEach((v, i) => got.writeUInt32BE(v, 4 * i));
      assert.equal(got.toString("hex"), createHash("sha256").update(msg).digest("hex"), `length ${len}`);
    }
  }
});

test("sampler: epoch permutations equal the README algorithm written with node:crypto", () => {
  // worker/data/README.md, literally: u32 words of sha256(domain ‖ seed ‖ epoch ‖ counter), all
  // big-endian; Fisher–Yates from the last position down with rejection sampling.
  const reference = (seed: bigint, epoch: bigint, n: number): Uint32Array => {
    const input = Buffer.alloc(45);
    input.write("trainchain/sampler/v1");
    input.writeBigUInt64BE(seed, 21);
    input.writeBigUInt64BE(epoch, 29);
    let counter = 0n;
    let words: number[] = [];
    const next = (): number => {
      if (words.length === 0) {
        input.writeBigUInt64BE(counter++, 37);
        const d = createHash("sha256").update(input).digest();
        words = Array.from({ length: 8 }, (_, i) => d.readUInt32BE(4 * i)).reverse();
      }
      return words.pop() as number;
    };
    const perm = Uint32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i >= 1; i--) {
      const bound = i + 1;
      const limit = 2 ** 32 - (2 ** 32 % bound);
      let x = next();
      while (x >= limit) x = next();
      const j = x % bound;
      [perm[i], perm[j]] = [perm[j] as number, perm[i] as number];
    }
    return perm;
  };
  for (const [seed, epoch, n] of [[0n, 0n, 60000], [0xffffffffffffffffn, 0xfffffffffn, 1000], [42n, 3n, 2], [7n, 1n, 0x10001]] as const) {
    assert.deepEqual(epochPermutation(seed, epoch, n), reference(seed, epoch, n), `seed ${seed} epoch ${epoch} n ${n}`);
  }
});

test("batch source: the gather thread delivers the bytes of an in-place gather, step after step", async () => {
  // A float32-target dataset on SharedArrayBuffers (as the loaders make them) and an int64 one.
  const n = 37;
  const x = sharedArray(Float32Array, n * 6);
  x.forEach((_, i) => (x[i] = Math.fround(Math.sin(i))));
  const classes = sharedArray(BigInt64Array, n);
  classes.forEach((_, i) => (classes[i] = BigInt(i % 3)));
  const targets = sharedArray(Float32Array, n * 2);
  targets.forEach((_, i) => (targets[i] = i * 0.5));
  const input = { name: "x", dtype: "float32" as const, dims: [-1, 6] };
  const cases: [Dataset, InputSpec][] = [
    [{ format: { features: { dtype: "float32", shape: [6] }, labels: { dtype: "int64", shape: [] }, classes: 3 }, samples: n, x, y: classes }, { name: "labels", dtype: "int64", dims: [-1] }],
    [{ format: { features: { dtype: "float32", shape: [6] }, labels: { dtype: "float32", shape: [2] }, classes: 0 }, samples: n, x, y: targets }, { name: "labels", dtype: "float32", dims: [-1, 2] }],
  ];
  for (const [ds, labels] of cases) {
    const sampler = createSampler(4n, n, 5);
    const reference = createBatchAssembler(ds, input, labels, 5);
    const threaded = await createBatchSource(ds, input, labels, sampler, true);
    const inPlace = await createBatchSource(ds, input, labels, sampler, false);
    assert.ok(threaded.threaded && !inPlace.threaded);
    // 20 steps of 5 cross several epoch boundaries; a skipped step falls back to gathering in place.
    for (const t of [0n, 1n, 2n, 3n, 5n, 6n, 7n, 8n, 9n, 10n, 11n, 12n, 13n, 14n, 15n, 16n, 17n, 18n, 19n, 20n]) {
      const want = reference.gather(sampler.indices(t));
      for (const got of [threaded.take(t, 20 - Number(t)), inPlace.take(t, 20 - Number(t))]) {
        assert.deepEqual(got.inputs.x?.data, want.inputs.x?.data, `features of step ${t}`);
        assert.deepEqual(got.labels.data, want.labels.data, `labels of step ${t}`);
      }
    }
    // Only the first step and the one after the skip were gathered in place; the rest came in chunks.
    assert.equal(inPlace.inPlace, 20);
    assert.ok(threaded.inPlace <= 2, `threaded source gathered ${threaded.inPlace} of 20 steps in place`);
    threaded.close();
    inPlace.close();
    // A later run over the same data and sampler reuses the thread's job (buffers gathered ahead
    // for steps that are then not taken are dropped), and still delivers the right bytes.
    const again = await createBatchSource(ds, input, labels, sampler, true);
    assert.ok(again.threaded);
    for (const [t, following] of [[21n, 30], [22n, 29], [40n, 3], [41n, 2], [42n, 1], [43n, 0], [2n, 5], [3n, 4]] as const) {
      const want = reference.gather(sampler.indices(t));
      const got = again.take(t, following);
      assert.deepEqual(got.inputs.x?.data, want.inputs.x?.data, `features of step ${t} (second run)`);
      assert.deepEqual(got.labels.data, want.labels.data, `labels of step ${t} (second run)`);
    }
    // A long run crosses many chunks and epochs (the thread delivers up to 16 steps per buffer).
    for (let t = 44n; t < 144n; t++) {
      const want = reference.gather(sampler.indices(t));
      const got = again.take(t, Number(143n - t));
      assert.deepEqual(got.inputs.x?.data, want.inputs.x?.data, `features of step ${t} (long run)`);
      assert.deepEqual(got.labels.data, want.labels.data, `labels of step ${t} (long run)`);
    }
    // The count is the source's (the same one, reused): steps 0 and 5, then the jumps to 40, 2 and 44.
    assert.ok(again.inPlace <= 5, `reused source gathered ${again.inPlace} steps in place`);
    const before = again.inPlace;
    again.close();
    // A run that continues where the last one ended starts on the chunk gathered after that run, and
    // gathers nothing in place.
    const next = await createBatchSource(ds, input, labels, sampler, true);
    for (let t = 144n; t < 170n; t++) {
      const want = reference.gather(sampler.indices(t));
      const got = next.take(t, Number(169n - t));
      assert.deepEqual(got.inputs.x?.data, want.inputs.x?.data, `features of step ${t} (continued run)`);
      assert.deepEqual(got.labels.data, want.labels.data, `labels of step ${t} (continued run)`);
    }
    assert.equal(next.inPlace - (next === again ? before : 0), 0, "a continued run gathered steps in place");
    next.close();
  }
  // A dataset on ordinary buffers is gathered in place.
  const plain = createSampler(1n, n, 5);
  const ds = cases[0]?.[0] as Dataset;
  const src = await createBatchSource({ ...ds, x: x.slice(), y: classes.slice() }, input, cases[0]?.[1] as InputSpec, plain, true);
  assert.equal(src.threaded, false);
});

test("batch source: the thread's chunks stay within 16 steps and 4 MiB, and byte-capped chunks deliver the right bytes", async () => {
  const input = { name: "x", dtype: "float32" as const, dims: [-1, -1] };
  const labels = { name: "labels", dtype: "int64" as const, dims: [-1] };
  // Per-sample features of 784 floats (MNIST: 200 KB per batch of 64), 3,136 (800 KB per batch of
  // 64: 5 steps in 4 MiB) and 2^19 (a 4 MiB batch of 2: one step per chunk).
  for (const [fs, batch, n, chunk] of [[784, 64, 200, 16], [3136, 64, 80, 5], [1 << 19, 2, 5, 1]] as const) {
    const x = sharedArray(Float32Array, n * fs);
    for (let i = 0; i < x.length; i += 97) x[i] = i % 1013;
    const y = sharedArray(BigInt64Array, n);
    y.forEach((_, i) => (y[i] = BigInt(i % 7)));
    const ds: Dataset = { format: { features: { dtype: "float32", shape: [fs] }, labels: { dtype: "int64", shape: [] }, classes: 7 }, samples: n, x, y };
    const spec = { ...input, dims: [-1, fs] };
    const sampler = createSampler(9n, n, batch);
    const reference = createBatchAssembler(ds, spec, labels, batch);
    const src = await createBatchSource(ds, spec, labels, sampler, true);
    assert.ok(src.threaded);
    assert.equal(src.chunkSteps, chunk, `chunk of ${fs} floats x ${batch}`);
    for (let t = 0n; t < 12n; t++) {
      const want = reference.gather(sampler.indices(t));
      const got = src.take(t, Number(11n - t));
      assert.deepEqual(got.inputs.x?.data, want.inputs.x?.data, `features of step ${t} (${fs} floats)`);
      assert.deepEqual(got.labels.data, want.labels.data, `labels of step ${t} (${fs} floats)`);
    }
    assert.ok(src.inPlace <= 1, `gathered ${src.inPlace} of 12 steps in place`);
    src.close();
  }
});
