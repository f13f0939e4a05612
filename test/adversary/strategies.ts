// Cheating workers, for tests and benchmarks only: each is a SegmentStrategy injected into the
// normal worker through `startWorker(options, { strategy })`, which the CLI never passes.
import type { Checkpoint } from "../../worker/checkpoint/checkpoint.ts";
import { createSampler } from "../../worker/data/sampler.ts";
import type { IntervalPlan, SegmentStrategy } from "../../worker/miner/types.ts";
import type { IntervalRun } from "../../worker/proof/task.ts";

export type CheatKind = "copy-start" | "perturb-one" | "wrong-data" | "replay-other" | "withhold-blobs";

export const CHEAT_KINDS: readonly CheatKind[] = ["copy-start", "perturb-one", "wrong-data", "replay-other", "withhold-blobs"];

function cloneTensors(c: Checkpoint): Checkpoint["tensors"] {
  return new Map([...c.tensors].map(([n, t]) => [n, { dims: [...t.dims], data: Float32Array.from(t.data) }]));
}

/**
 * (a) Skip the compute of the `faked` intervals: claim the start checkpoint (step counter advanced)
 * with made-up losses; the other intervals train honestly from the claimed state.
 */
export function copyStart(faked: (index: number) => boolean = () => true): SegmentStrategy {
  return {
    name: "copy-start",
    async interval(plan: IntervalPlan): Promise<IntervalRun> {
      if (!faked(plan.index)) return plan.train();
      const end: Checkpoint = { step: plan.start.step + BigInt(plan.stepsPerInterval), tensors: cloneTensors(plan.start) };
      return { end, losses: new Float32Array(plan.stepsPerInterval).fill(1) };
    },
  };
}

/** (b) Train honestly but add `delta` to the first `count` weights of interval `index`'s checkpoint (poisoning). */
export function perturbOne(index: number, delta = 0.5, count = 8): SegmentStrategy {
  return {
    name: "perturb-one",
    async interval(plan: IntervalPlan): Promise<IntervalRun> {
      const run = await plan.train();
      if (plan.index !== index) return run;
      const tensors = cloneTensors(run.end);
      const name = [...tensors.keys()].sort()[0]!;
      const t = tensors.get(name)!;
      for (let i = 0; i < Math.min(count, t.data.length); i++) t.data[i] = t.data[i]! + delta;
      return { end: { step: run.end.step, tensors }, losses: run.losses };
    },
  };
}

/** (c) Train on other data: the sampler of another seed (the worker picks its batches). */
export function wrongData(faked: (index: number) => boolean = () => true): SegmentStrategy {
  return {
    name: "wrong-data",
    async interval(plan: IntervalPlan): Promise<IntervalRun> {
      if (!faked(plan.index)) return plan.train();
      const s = plan.ctx.sampler;
      return plan.train(createSampler(s.seed + 1n, s.datasetSize, s.batchSize));
    },
  };
}

/**
 * (d) Replay another worker's checkpoints: interval i claims `other[i]` (e.g. the interval
 * checkpoints of someone else's proof) with its losses, training nothing.
 */
export function replayOther(other: () => Checkpoint[]): SegmentStrategy {
  return {
    name: "replay-other",
    async interval(plan: IntervalPlan): Promise<IntervalRun> {
      const theirs = other();
      const c = theirs[plan.index % theirs.length];
      if (!c) throw new Error("replay-other: no checkpoints to replay");
      return { end: { step: c.step, tensors: cloneTensors(c) }, losses: new Float32Array(plan.stepsPerInterval).fill(0.5) };
    },
  };
}

/** (e) Train honestly, upload nothing: the proof names URIs in `blobBase` that were never stored. */
export function withholdBlobs(blobBase: string): SegmentStrategy {
  return {
    name: "withhold-blobs",
    async publish(_bytes: Uint8Array, hash: string): Promise<string> {
      return `${blobBase.replace(/\/+$/, "")}/blobs/${hash}`;
    },
  };
}

/**
 * Which intervals a strategy fakes in a segment of m intervals (for the detection simulation),
 * and the update norms it commits: honest intervals keep their norm, copied intervals claim 0,
 * a perturbed one claims its honest norm plus the perturbation's.
 */
export function simulatedCheat(kind: CheatKind, honestNorms: readonly bigint[], fakedSet: ReadonlySet<number>, perturbNormPpb = 0n): { faked: Set<number>; norms: bigint[] } {
  const m = honestNorms.length;
  const all = new Set(Array.from({ length: m }, (_, i) => i));
  switch (kind) {
    case "copy-start":
      return { faked: new Set(fakedSet), norms: honestNorms.map((n, i) => (fakedSet.has(i) ? 0n : n)) };
    case "perturb-one":
      return { faked: new Set(fakedSet), norms: honestNorms.map((n, i) => (fakedSet.has(i) ? n + perturbNormPpb : n)) };
    case "wrong-data":
      // other batches move the weights by about as much as the right ones
      return { faked: new Set(fakedSet), norms: [...honestNorms] };
    case "replay-other":
    case "withhold-blobs":
      return { faked: all, norms: [...honestNorms] };
  }
}
