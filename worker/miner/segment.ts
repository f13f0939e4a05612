// Training one segment: m intervals of k steps from the head checkpoint, each interval checkpoint
// encoded, hashed and handed to the uploader while the next interval trains.
import type { Logger } from "pino";
import { checkpointId, encodeCheckpoint, type Checkpoint } from "../checkpoint/checkpoint.ts";
import { meanLossMicro, updateNormPpb } from "../proof/math.ts";
import { runInterval, type IntervalRun, type TrainingContext } from "../proof/task.ts";
import type { MinibatchSampler } from "../data/sampler.ts";
import type { IntervalPlan, SegmentStrategy, WorkerProgress } from "./types.ts";

export interface SegmentJob {
  taskId: bigint;
  segment: bigint;
  ctx: TrainingContext;
  head: Checkpoint;
  intervals: number;
  stepsPerInterval: number;
  strategy?: SegmentStrategy;
  /** Stores a checkpoint (sha256 `hash`); resolves to its URI. */
  upload(bytes: Uint8Array, hash: string): Promise<string>;
  /** Asked after each interval: stop training this segment? (it is finished when near its end) */
  stopRequested(): boolean;
  /** Asked after each interval: drop this segment now? (training ahead whose start was not accepted) */
  cancelled?(): boolean;
  progress(e: WorkerProgress): void;
  log: Logger;
}

/** What MsgSubmitProof needs. */
export interface SegmentProof {
  intervalHashes: Uint8Array[];
  intervalLossMicro: bigint[];
  intervalUpdateNormPpb: bigint[];
  checkpointUris: string[];
}

export type SegmentOutcome =
  | { kind: "proof"; proof: SegmentProof; end: Checkpoint; trainingMs: number }
  | { kind: "stopped"; intervalsDone: number }
  | { kind: "upload-failed"; error: string };

/** After a stop request, a segment with at most this many intervals left is finished rather than abandoned. */
export function finishThreshold(intervals: number): number {
  return Math.max(1, Math.ceil(intervals / 4));
}

type Settled = { ok: true; uri: string } | { ok: false; error: string };

export async function trainSegment(job: SegmentJob): Promise<SegmentOutcome> {
  const { ctx, intervals: m, stepsPerInterval: k } = job;
  const base = { taskId: job.taskId, segment: job.segment, steps: m * k, intervals: m };
  const uploads: Promise<Settled>[] = [];
  const hashes: Uint8Array[] = [];
  const losses: bigint[] = [];
  const norms: bigint[] = [];
  let trainingMs = 0; // steps and checkpoint encoding/hashing, not waiting for uploads
  let start = job.head;
  ctx.runner.load(start);
  let runnerHolds: Checkpoint = start;
  for (let i = 0; i < m; i++) {
    const intervalStart = start;
    const train = async (sampler?: MinibatchSampler): Promise<IntervalRun> => {
      if (runnerHolds !== intervalStart) ctx.runner.load(intervalStart);
      const run = await runInterval({ ...ctx, sampler: sampler ?? ctx.sampler }, undefined, k, (step, loss) => {
        job.progress({ ...base, phase: "training", step: Number(step - job.head.step), interval: i, loss });
      });
      runnerHolds = run.end;
      return run;
    };
    const t0 = performance.now();
    const plan: IntervalPlan = { taskId: job.taskId, segment: job.segment, index: i, intervals: m, stepsPerInterval: k, start: intervalStart, ctx, train };
    const run = job.strategy?.interval ? await job.strategy.interval(plan) : await train();
    const bytes = encodeCheckpoint(run.end);
    const hash = checkpointId(bytes);
    trainingMs += performance.now() - t0;
    hashes.push(new Uint8Array(Buffer.from(hash, "hex")));
    losses.push(meanLossMicro(run.losses));
    norms.push(updateNormPpb(intervalStart, run.end));
    const upload = (): Promise<string> => job.upload(bytes, hash);
    const published = job.strategy?.publish ? job.strategy.publish(bytes, hash, upload) : upload();
    uploads.push(published.then((uri): Settled => ({ ok: true, uri }), (err: Error): Settled => ({ ok: false, error: err.message.split("\n")[0] ?? "" })));
    job.log.debug({ interval: i, hash, normPpb: norms[i]!.toString(), lossMicro: losses[i]!.toString() }, "interval checkpoint");
    start = run.end;
    job.progress({ ...base, phase: "training", step: (i + 1) * k, interval: i + 1 });
    const left = m - i - 1;
    if (left > 0 && (job.cancelled?.() || (job.stopRequested() && left > finishThreshold(m)))) {
      await Promise.all(uploads);
      return { kind: "stopped", intervalsDone: i + 1 };
    }
  }
  job.progress({ ...base, phase: "uploading", step: m * k, interval: m });
  const settled = await Promise.all(uploads);
  const failed = settled.find((s): s is { ok: false; error: string } => !s.ok);
  if (failed) return { kind: "upload-failed", error: failed.error };
  return {
    kind: "proof",
    proof: { intervalHashes: hashes, intervalLossMicro: losses, intervalUpdateNormPpb: norms, checkpointUris: settled.map((s) => (s as { ok: true; uri: string }).uri) },
    end: start,
    trainingMs,
  };
}
