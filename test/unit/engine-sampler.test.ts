import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createSampler, epochPermutation } from "../../worker/data/sampler.ts";

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
