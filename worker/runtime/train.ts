// The training loop shared by `model train`, the worker and the verifier: step t always uses the
// sampler's batch for t, so replaying steps [a, b) from checkpoint a reproduces checkpoint b.
import type { Dataset } from "../data/dataset.ts";
import { createSampler, type MinibatchSampler } from "../data/sampler.ts";
import type { Checkpoint } from "../checkpoint/checkpoint.ts";
import { availableParallelism } from "node:os";
import { createBatchSource } from "./batch.ts";
import type { StepGraphSpec, StepRunner } from "./runner.ts";

export interface TrainOptions {
  runner: StepRunner;
  spec: StepGraphSpec;
  dataset: Dataset;
  seed: bigint;
  batchSize: number;
  /** Learning rate, rounded to float32 when fed. */
  lr: number;
  /** Number of steps to run from the runner's current step. */
  steps: number;
  /** Called after each step with the step count reached and its loss. */
  onStep?: (step: bigint, loss: number) => void;
  /** Every `checkpointEvery` steps (by absolute step count), `onCheckpoint` gets a snapshot. */
  checkpointEvery?: number;
  onCheckpoint?: (ckpt: Checkpoint) => void | Promise<void>;
  /** Reuse a sampler across calls (it caches the current epoch's permutation, ~10 ms for 60k). */
  sampler?: MinibatchSampler;
}

export interface TrainResult {
  losses: Float32Array;
  final: Checkpoint;
}

export async function trainSteps(o: TrainOptions): Promise<TrainResult> {
  if (o.spec.inputs.length !== 1) throw new Error(`model has ${o.spec.inputs.length} data inputs; dataset training supports exactly one`);
  if (!Number.isSafeInteger(o.steps) || o.steps < 0) throw new Error(`steps ${o.steps}; expected a non-negative integer`);
  const sampler = o.sampler ?? createSampler(o.seed, o.dataset.samples, o.batchSize);
  if (sampler.seed !== o.seed || sampler.datasetSize !== o.dataset.samples || sampler.batchSize !== o.batchSize) {
    throw new Error(`sampler is for (seed ${sampler.seed}, n ${sampler.datasetSize}, B ${sampler.batchSize}); training needs (${o.seed}, ${o.dataset.samples}, ${o.batchSize})`);
  }
  // Gather the next step's batch on another thread while this one is inside session.run (which
  // computes on the calling thread) — when a core is left over by the session's intra-op threads.
  const p = o.runner.profile;
  const background = p.executionProvider === "cuda" || availableParallelism() > p.intraOpThreads;
  const source = await createBatchSource(o.dataset, o.spec.inputs[0] as StepGraphSpec["inputs"][number], o.spec.labels, sampler, background);
  const losses = new Float32Array(o.steps);
  try {
    for (let i = 0; i < o.steps; i++) {
      const t = o.runner.step;
      const loss = await o.runner.run(source.take(t, o.steps - i - 1), o.lr);
      losses[i] = loss;
      o.onStep?.(t + 1n, loss);
      if (o.checkpointEvery !== undefined && o.onCheckpoint !== undefined && (t + 1n) % BigInt(o.checkpointEvery) === 0n) {
        await o.onCheckpoint(o.runner.snapshot());
      }
    }
  } finally {
    source.close();
  }
  return { losses, final: o.runner.snapshot() };
}
