// Challenge sampling: determinism, distinctness, the largest-update interval, no modulo bias.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { challengeIntervals, challengeSeed, SeedStream } from "../../modules/training-task/index.ts";
import { hash } from "./training-task-fixture.ts";

describe("challenge sampling", () => {
  const norms = Array.from({ length: 16 }, (_, i) => BigInt(i === 11 ? 10_000 : 100 + ((i * 37) % 13)));

  it("is a pure function of (block hash, proof id)", () => {
    const a = challengeIntervals(challengeSeed(hash("block-9"), 3n), norms, 5);
    const b = challengeIntervals(challengeSeed(hash("block-9"), 3n), norms, 5);
    assert.deepEqual(a, b);
    assert.notDeepEqual(challengeIntervals(challengeSeed(hash("block-9"), 4n), norms, 5), a);
    assert.notDeepEqual(challengeIntervals(challengeSeed(hash("block-10"), 3n), norms, 5), a);
    // golden vector: changing the sampler changes consensus
    assert.deepEqual(a, [0, 2, 6, 11, 14]);
  });

  it("returns s distinct sorted intervals that include the largest update norm (lowest index on ties)", () => {
    for (let p = 1n; p <= 200n; p++) {
      const got = challengeIntervals(challengeSeed(hash("b"), p), norms, 6);
      assert.equal(got.length, 6);
      assert.equal(new Set(got).size, 6);
      assert.ok(got.includes(11));
      assert.deepEqual(got, [...got].sort((x, y) => x - y));
      assert.ok(got.every((i) => i >= 0 && i < 16));
    }
    assert.deepEqual(challengeIntervals(challengeSeed(hash("b"), 1n), [5n, 9n, 9n, 1n], 1), [1]);
    assert.deepEqual(challengeIntervals(challengeSeed(hash("b"), 1n), [5n, 9n, 9n, 1n], 4), [0, 1, 2, 3]);
  });

  it("draws the others uniformly (every other interval is picked about equally often)", () => {
    const counts = new Array<number>(16).fill(0);
    const N = 3000;
    for (let p = 0; p < N; p++) for (const i of challengeIntervals(challengeSeed(hash("u"), BigInt(p)), norms, 3)) counts[i]!++;
    const others = counts.filter((_, i) => i !== 11);
    const expected = (N * 2) / 15;
    for (const c of others) assert.ok(Math.abs(c - expected) < expected * 0.2, `count ${c} far from ${expected}`);
  });

  it("rejection sampling stays in range for awkward bounds", () => {
    const s = new SeedStream(hash("x"));
    for (const n of [1n, 2n, 3n, 7n, (1n << 63n) + 1n, (1n << 64n) - 1n]) for (let i = 0; i < 50; i++) assert.ok(s.below(n) < n);
  });
});
