// The worker's segment training and the verifier's replay agree bit-exactly on honest intervals
// (separate runners, as in separate processes), and a tampered interval is caught.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import pino from "pino";
import { checkpointId, decodeCheckpoint, encodeCheckpoint } from "../../worker/checkpoint/checkpoint.ts";
import { trainSegment, type SegmentProof } from "../../worker/miner/segment.ts";
import { checkChallengedInterval } from "../../worker/verifier/verify.ts";
import { judgeProof } from "../../worker/proof/verdict.ts";
import { MAX_DISTANCE_PPB, updateNormPpb } from "../../worker/proof/math.ts";
import type { PreparedTask } from "../../worker/proof/prepare.ts";
import type { TrainingContext } from "../../worker/proof/task.ts";
import { Verdict, type Proof } from "../../proto/trainchain/training_task/v1/generated.ts";
import { tinyContext, tinyTask } from "./proof-fixtures.ts";

const log = pino({ level: "silent" });
const M = 4;
const K = 5;

describe("worker and verifier agree", () => {
  const task = tinyTask();
  const contexts: TrainingContext[] = [];
  after(async () => {
    for (const c of contexts) await c.runner.release();
  });

  async function ctx(): Promise<TrainingContext> {
    const c = await tinyContext(task);
    contexts.push(c);
    return c;
  }

  const prepared = { geometry: { segmentSteps: BigInt(M * K), interval: BigInt(K) }, stepsPerInterval: K, intervals: M, tolerancePpb: 0n } as PreparedTask;

  async function segment(): Promise<{ proof: SegmentProof; blobs: Map<string, Uint8Array> }> {
    const blobs = new Map<string, Uint8Array>();
    const outcome = await trainSegment({
      taskId: 1n,
      segment: 0n,
      ctx: await ctx(),
      head: task.init,
      intervals: M,
      stepsPerInterval: K,
      upload: async (bytes) => {
        const h = checkpointId(bytes);
        blobs.set(h, bytes);
        return `mem://${h}`;
      },
      stopRequested: () => false,
      progress: () => undefined,
      log,
    });
    assert.equal(outcome.kind, "proof");
    if (outcome.kind !== "proof") throw new Error("unreachable");
    return { proof: outcome.proof, blobs };
  }

  function asProof(p: SegmentProof, startHash: Uint8Array): Proof {
    return { id: 1n, taskId: 1n, segment: 0n, worker: "w", startHash, ...p, submittedHeight: 1n, status: 2, challengeHeight: 2n, challengedIntervals: [], deadlineHeight: 10n, decidedHeight: 0n };
  }

  it("every honest interval replays to the same bytes (d = 0) and the proof is VALID", async () => {
    const { proof, blobs } = await segment();
    assert.equal(proof.intervalHashes.length, M);
    const initBytes = encodeCheckpoint(task.init);
    const p = asProof(proof, new Uint8Array(Buffer.from(checkpointId(initBytes), "hex")));
    const verifier = await ctx();
    const checks = [];
    for (let i = 0; i < M; i++) {
      const startBytes = i === 0 ? initBytes : blobs.get(Buffer.from(proof.intervalHashes[i - 1]!).toString("hex"))!;
      const endBytes = blobs.get(Buffer.from(proof.intervalHashes[i]!).toString("hex"))!;
      assert.equal(decodeCheckpoint(endBytes).step, BigInt((i + 1) * K));
      assert.equal(proof.intervalUpdateNormPpb[i], updateNormPpb(decodeCheckpoint(startBytes), decodeCheckpoint(endBytes)));
      checks.push(await checkChallengedInterval(verifier, prepared, p, { index: i, startBytes, endBytes }));
    }
    assert.deepEqual(checks.map((c) => c.problems), [[], [], [], []]);
    const j = judgeProof(checks);
    assert.equal(j.verdict, Verdict.VERDICT_VALID);
    assert.deepEqual(j.distancesPpb, [0n, 0n, 0n, 0n]);
    // a second worker run gives the same hashes: training is a function of (head, task)
    const again = await segment();
    assert.deepEqual(again.proof.intervalHashes, proof.intervalHashes);
    assert.deepEqual(again.proof.intervalLossMicro, proof.intervalLossMicro);
  });

  it("a perturbed interval checkpoint is INVALID with a positive distance; the others stay VALID", async () => {
    const { proof, blobs } = await segment();
    const start = blobs.get(Buffer.from(proof.intervalHashes[1]!).toString("hex"))!;
    const end = decodeCheckpoint(blobs.get(Buffer.from(proof.intervalHashes[2]!).toString("hex"))!);
    const w = end.tensors.get("fc1.weight")!;
    w.data[0] = w.data[0]! + 1e-3;
    const forged = encodeCheckpoint(end);
    const p = asProof(proof, new Uint8Array(32));
    p.intervalUpdateNormPpb[2] = updateNormPpb(decodeCheckpoint(start), end);
    const c = await checkChallengedInterval(await ctx(), prepared, p, { index: 2, startBytes: start, endBytes: forged });
    assert.ok(c.distancePpb > 0n && c.distancePpb < MAX_DISTANCE_PPB, String(c.distancePpb));
    assert.match(c.problems.join(";"), /distance/);
    assert.equal(judgeProof([c]).verdict, Verdict.VERDICT_INVALID);
  });

  it("a claim that copies its start (no training) is INVALID with the maximal distance", async () => {
    const { proof, blobs } = await segment();
    const start = blobs.get(Buffer.from(proof.intervalHashes[0]!).toString("hex"))!;
    const copy = decodeCheckpoint(start);
    const claimed = encodeCheckpoint({ step: copy.step + BigInt(K), tensors: copy.tensors });
    const p = asProof(proof, new Uint8Array(32));
    p.intervalUpdateNormPpb[1] = 0n;
    const c = await checkChallengedInterval(await ctx(), prepared, p, { index: 1, startBytes: start, endBytes: claimed });
    assert.equal(c.distancePpb, MAX_DISTANCE_PPB);
  });
});
