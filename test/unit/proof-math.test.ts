// Proof arithmetic: step numbering, mean loss and update norm fixed-point, replay distances (with
// the degenerate claimed == start case), the per-interval checks and the verdict.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { encodeCheckpoint, type Checkpoint } from "../../worker/checkpoint/checkpoint.ts";
import {
  MAX_DISTANCE_PPB,
  distancePpb,
  globalStep,
  intervalCount,
  intervalSteps,
  l2Distance,
  meanLossMicro,
  updateNormPpb,
} from "../../worker/proof/math.ts";
import { checkInterval, judgeProof, unavailableJudgement, type IntervalEvidence } from "../../worker/proof/verdict.ts";
import { stepGraphSpecOf, taskLearningRate, taskProfile } from "../../worker/proof/task.ts";
import { Verdict, type TaskSpec } from "../../proto/trainchain/training_task/v1/generated.ts";
import { tinyTask } from "./proof-fixtures.ts";

function ckpt(step: bigint, tensors: Record<string, number[]>): Checkpoint {
  return { step, tensors: new Map(Object.entries(tensors).map(([n, v]) => [n, { dims: [v.length], data: Float32Array.from(v) }])) };
}

describe("proof math", () => {
  const g = { segmentSteps: 20n, interval: 5n };

  it("numbers steps globally: segment s step j = s·segment_steps + j; interval i = [i·k, (i+1)·k)", () => {
    assert.equal(intervalCount(g), 4);
    assert.equal(globalStep(g, 3n, 7n), 67n);
    assert.deepEqual(intervalSteps(g, 2n, 0), { begin: 40n, end: 45n });
    assert.deepEqual(intervalSteps(g, 2n, 3), { begin: 55n, end: 60n });
    assert.throws(() => intervalCount({ segmentSteps: 10n, interval: 3n }), /multiple/);
  });

  it("mean loss in micro-units: rounded mean, float64 accumulation, non-finite → max, negative → 0", () => {
    assert.equal(meanLossMicro([2.5, 1.5]), 2_000_000n);
    assert.equal(meanLossMicro(Float32Array.of(0.1234565)), BigInt(Math.round(Math.fround(0.1234565) * 1e6)));
    assert.equal(meanLossMicro([0.0000004, 0.0000005]), 0n);
    assert.equal(meanLossMicro([0.0000005, 0.0000005]), 1n);
    assert.equal(meanLossMicro([NaN, 1]), MAX_DISTANCE_PPB);
    assert.equal(meanLossMicro([-1]), 0n);
    assert.equal(meanLossMicro([]), 0n);
  });

  it("update norm: ‖end − start‖₂ over every tensor (params and optimizer state, not the step) in ppb", () => {
    const start = ckpt(0n, { w: [0, 0], "w.m": [0] });
    const end = ckpt(5n, { w: [3, 0], "w.m": [4] });
    assert.equal(l2Distance(end, start), 5);
    assert.equal(updateNormPpb(start, end), 5_000_000_000n);
    assert.equal(updateNormPpb(start, start), 0n);
    // float64 accumulation: tiny float32 differences are not lost
    const a = ckpt(0n, { w: [1] });
    const b = ckpt(0n, { w: [Math.fround(1 + 2 ** -23)] });
    assert.equal(updateNormPpb(a, b), BigInt(Math.round(2 ** -23 * 1e9)));
    assert.throws(() => updateNormPpb(start, ckpt(5n, { w: [1, 2] })), /tensor sets differ/);
    assert.throws(() => updateNormPpb(start, ckpt(5n, { w: [1, 2, 3], "w.m": [0] })), /shape/);
    assert.equal(updateNormPpb(start, ckpt(5n, { w: [NaN, 0], "w.m": [0] })), MAX_DISTANCE_PPB);
  });

  it("distance: 0 on identical bytes; ‖replayed − claimed‖ / ‖claimed − start‖ otherwise", () => {
    const start = ckpt(10n, { w: [0, 0] });
    const claimed = ckpt(15n, { w: [1, 0] });
    const same = encodeCheckpoint(claimed);
    assert.equal(distancePpb({ start, claimed, replayed: claimed, claimedBytes: same, replayedBytes: same }), 0n);
    const replayed = ckpt(15n, { w: [1, 0.001] });
    const d = distancePpb({ start, claimed, replayed, claimedBytes: same, replayedBytes: encodeCheckpoint(replayed) });
    assert.equal(d, BigInt(Math.round(Math.fround(0.001) * 1e9)));
  });

  it("distance, degenerate case: a claim equal to its start (no update) against a replay that moved is maximal", () => {
    const start = ckpt(10n, { w: [0.5, 0.5] });
    const claimed = ckpt(15n, { w: [0.5, 0.5] });
    const replayed = ckpt(15n, { w: [0.5, 0.6] });
    assert.equal(distancePpb({ start, claimed, replayed, claimedBytes: encodeCheckpoint(claimed), replayedBytes: encodeCheckpoint(replayed) }), MAX_DISTANCE_PPB);
    // …but a replay that also did not move (e.g. lr so small nothing changes) agrees: 0
    assert.equal(distancePpb({ start, claimed, replayed: claimed, claimedBytes: encodeCheckpoint(claimed), replayedBytes: encodeCheckpoint(claimed) }), 0n);
  });

  it("distance is maximal for another step counter, other tensors, or NaN", () => {
    const start = ckpt(10n, { w: [0, 0] });
    const claimed = ckpt(15n, { w: [1, 0] });
    const wrongStep = ckpt(14n, { w: [1, 0] });
    assert.equal(distancePpb({ start, claimed, replayed: wrongStep, claimedBytes: encodeCheckpoint(claimed), replayedBytes: encodeCheckpoint(wrongStep) }), MAX_DISTANCE_PPB);
    const other = ckpt(15n, { v: [1, 0] });
    assert.equal(distancePpb({ start, claimed: other, replayed: claimed, claimedBytes: encodeCheckpoint(other), replayedBytes: encodeCheckpoint(claimed) }), MAX_DISTANCE_PPB);
    const nan = ckpt(15n, { w: [NaN, 0] });
    assert.equal(distancePpb({ start, claimed: nan, replayed: claimed, claimedBytes: encodeCheckpoint(nan), replayedBytes: encodeCheckpoint(claimed) }), MAX_DISTANCE_PPB);
  });
});

describe("verdict logic", () => {
  const start = ckpt(10n, { w: [0, 0] });
  const claimed = ckpt(15n, { w: [1, 0] });
  const evidence = (over: Partial<IntervalEvidence> = {}): IntervalEvidence => ({
    index: 1,
    expectedStartStep: 10n,
    start,
    claimed,
    claimedBytes: encodeCheckpoint(claimed),
    replayed: claimed,
    replayedBytes: encodeCheckpoint(claimed),
    replayedLosses: [0.5, 0.25],
    claimedNormPpb: 1_000_000_000n,
    claimedLossMicro: 375_000n,
    ...over,
  });

  it("a bit-exact interval with honest norm and loss passes at tolerance 0", () => {
    assert.deepEqual(checkInterval(evidence(), 0n), { index: 1, distancePpb: 0n, problems: [] });
  });

  it("a distance above the tolerance fails; within it passes (loss is only compared at tolerance 0)", () => {
    const replayed = ckpt(15n, { w: [1, 0.01] });
    const e = evidence({ replayed, replayedBytes: encodeCheckpoint(replayed), claimedLossMicro: 1n });
    const d = BigInt(Math.round(Math.fround(0.01) * 1e9));
    assert.match(checkInterval(e, 0n).problems.join(";"), /distance .* > tolerance 0/);
    assert.deepEqual(checkInterval(e, d).problems, []);
    assert.match(checkInterval(e, d - 1n).problems.join(";"), /tolerance/);
  });

  it("an understated update norm or a wrong loss is INVALID even when the checkpoint replays", () => {
    assert.match(checkInterval(evidence({ claimedNormPpb: 999_999_999n }), 0n).problems.join(";"), /update norm/);
    assert.match(checkInterval(evidence({ claimedLossMicro: 375_001n }), 0n).problems.join(";"), /mean loss/);
  });

  it("a start at the wrong step is INVALID with the maximal distance", () => {
    const c = checkInterval(evidence({ expectedStartStep: 5n }), 0n);
    assert.equal(c.distancePpb, MAX_DISTANCE_PPB);
    assert.match(c.problems[0]!, /step 10, expected 5/);
  });

  it("the proof is VALID iff every challenged interval passes; distances in challenge order", () => {
    const ok = judgeProof([
      { index: 0, distancePpb: 0n, problems: [] },
      { index: 3, distancePpb: 0n, problems: [] },
    ]);
    assert.equal(ok.verdict, Verdict.VERDICT_VALID);
    assert.deepEqual(ok.distancesPpb, [0n, 0n]);
    const bad = judgeProof([
      { index: 0, distancePpb: 0n, problems: [] },
      { index: 3, distancePpb: 7n, problems: ["distance 7 ppb > tolerance 0 ppb"] },
    ]);
    assert.equal(bad.verdict, Verdict.VERDICT_INVALID);
    assert.deepEqual(bad.distancesPpb, [0n, 7n]);
    assert.deepEqual(bad.problems, ["interval 3: distance 7 ppb > tolerance 0 ppb"]);
    const na = unavailableJudgement("blob x is unavailable");
    assert.equal(na.verdict, Verdict.VERDICT_UNAVAILABLE);
    assert.deepEqual(na.distancesPpb, []);
  });
});

describe("task interpretation", () => {
  it("reads the step-graph contract from the graph itself", () => {
    for (const [arch, opt] of [["mlp:8-16-3", "adam"], ["logreg:8-3", "sgd"], ["mlp:8-4-3", "momentum"]] as const) {
      const { bundle } = tinyTask(arch, opt);
      const spec = stepGraphSpecOf(bundle.step);
      assert.deepEqual(spec.params, [...bundle.params.keys()].sort(), arch);
      assert.deepEqual(spec.optimizerState, [...bundle.optimizerState].sort(), arch);
      assert.deepEqual(spec.inputs, bundle.inputs, arch);
      assert.deepEqual(spec.labels, bundle.labels, arch);
    }
  });

  it("maps the task's profile and learning rate", () => {
    const spec = {
      hyperParams: { batchSize: 8, learningRate: "0.05", optimizer: "sgd", seed: 1n },
      numerics: { executionProvider: "cpu", intraOpThreads: 1, graphOptimizationLevel: "disabled", onnxruntimeVersion: "1.30.0" },
    } as TaskSpec;
    assert.deepEqual(taskProfile(spec), { executionProvider: "cpu", intraOpThreads: 1, graphOptimizationLevel: "disabled", ortVersion: "1.30.0" });
    assert.equal(Math.fround(taskLearningRate(spec)), Math.fround(0.05));
    assert.throws(() => taskProfile({ ...spec, numerics: { ...spec.numerics!, intraOpThreads: 0 } }), /intraOpThreads/);
  });
});
