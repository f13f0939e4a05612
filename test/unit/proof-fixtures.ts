// Tiny models and datasets for proof tests: a seeded synthetic classification set and a small
// MLP/logreg whose step graph, initial checkpoint and training context the tests share.
import type { Dataset } from "../../worker/data/dataset.ts";
import { createSampler } from "../../worker/data/sampler.ts";
import { buildModel, parseOptimizerSpec } from "../../worker/onnx/index.ts";
import { createStepRunner, defaultProfile } from "../../worker/runtime/index.ts";
import type { Checkpoint } from "../../worker/checkpoint/checkpoint.ts";
import type { ModelBundle } from "../../worker/types.ts";
import { stepGraphSpecOf, type TrainingContext } from "../../worker/proof/task.ts";
import { initialCheckpoint } from "../../cli/commands/model.ts";

/** A seeded linearly separable-ish dataset: `features` floats per sample, `classes` labels. */
export function syntheticDataset(samples: number, features: number, classes: number, seed = 1): Dataset {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const w = Array.from({ length: classes * features }, () => rand() * 2 - 1);
  const x = new Float32Array(samples * features);
  const y = new BigInt64Array(samples);
  for (let i = 0; i < samples; i++) {
    let best = 0;
    let bestScore = -Infinity;
    for (let f = 0; f < features; f++) x[i * features + f] = rand() * 2 - 1;
    for (let c = 0; c < classes; c++) {
      let score = 0;
      for (let f = 0; f < features; f++) score += (w[c * features + f] as number) * (x[i * features + f] as number);
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    y[i] = BigInt(best);
  }
  return { format: { features: { dtype: "float32", shape: [features] }, labels: { dtype: "int64", shape: [] }, classes }, samples, x, y };
}

export interface TinyTask {
  bundle: ModelBundle;
  init: Checkpoint;
  dataset: Dataset;
}

export function tinyTask(arch = "mlp:8-16-3", optimizer = "adam", samples = 256): TinyTask {
  const bundle = buildModel({ arch, loss: "cross_entropy", optimizer: parseOptimizerSpec(optimizer), seed: 3 });
  const features = Number(arch.split(":")[1]!.split("-")[0]);
  const classes = Number(arch.split("-").at(-1));
  return { bundle, init: initialCheckpoint(bundle), dataset: syntheticDataset(samples, features, classes) };
}

/** A training context as the worker/verifier build one (spec read from the step graph itself). */
export async function tinyContext(t: TinyTask, seed = 7n, batchSize = 16, lr = Number("0.05")): Promise<TrainingContext> {
  const spec = stepGraphSpecOf(t.bundle.step);
  const runner = await createStepRunner(t.bundle.step, defaultProfile(), spec);
  return { runner, spec, dataset: t.dataset, sampler: createSampler(seed, t.dataset.samples, batchSize), lr };
}
