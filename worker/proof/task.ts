// What a task record means to the training engine: the numerics profile, the learning rate as
// fed to the step graph, the step-graph contract read from the graph itself, and the replay of an
// interval. The worker and the verifier both go through these functions, so they cannot drift.
import type { Checkpoint } from "../checkpoint/checkpoint.ts";
import type { Dataset } from "../data/dataset.ts";
import type { MinibatchSampler } from "../data/sampler.ts";
import { decodeModel } from "../onnx/ir.ts";
import { trainSteps } from "../runtime/train.ts";
import type { StepGraphSpec, StepRunner } from "../runtime/runner.ts";
import type { InputSpec, NumericsProfile } from "../types.ts";
import type { TaskSpec } from "../../proto/trainchain/training_task/v1/generated.ts";
import { checkProfileShape } from "../runtime/device.ts";

/** The task's numerics profile in the runtime's terms. */
export function taskProfile(spec: TaskSpec): NumericsProfile {
  const n = spec.numerics;
  if (!n) throw new Error("task has no numerics profile");
  return checkProfileShape({
    executionProvider: n.executionProvider as NumericsProfile["executionProvider"],
    intraOpThreads: n.intraOpThreads,
    graphOptimizationLevel: n.graphOptimizationLevel as NumericsProfile["graphOptimizationLevel"],
    ortVersion: n.onnxruntimeVersion,
  });
}

/** The learning rate fed to the step graph: Number(exact decimal), rounded to float32 by the runner. */
export function taskLearningRate(spec: TaskSpec): number {
  const text = spec.hyperParams?.learningRate ?? "";
  const lr = Number(text);
  if (!Number.isFinite(lr) || lr <= 0) throw new Error(`task learning rate ${JSON.stringify(text)} is not a positive decimal`);
  return lr;
}

function inputSpec(name: string, dtype: string, shape: readonly (number | string)[] | undefined): InputSpec {
  if (dtype !== "float32" && dtype !== "int64") throw new Error(`step graph input ${name} is ${dtype}; expected float32 or int64`);
  if (shape === undefined) throw new Error(`step graph input ${name} has no shape; expected [batch, …]`);
  return { name, dtype, dims: shape.map((d) => (typeof d === "number" && d >= 0 ? d : -1)) };
}

/**
 * The step-graph contract (params, optimizer state, data inputs, labels) read from the graph's
 * inputs and outputs: state tensors are those with a `<name>.next` output; state named `<p>.m` /
 * `<p>.v` for a parameter p is optimizer state; the remaining inputs other than `step`, `lr` and
 * `labels` are data inputs.
 */
export function stepGraphSpecOf(stepGraph: Uint8Array): StepGraphSpec {
  const { graph } = decodeModel(stepGraph);
  const state = graph.outputs.filter((o) => o.name.endsWith(".next")).map((o) => o.name.slice(0, -".next".length));
  const stateSet = new Set(state);
  const isOptState = (n: string): boolean => /\.[mv]$/.test(n) && stateSet.has(n.slice(0, -2));
  const params = state.filter((n) => !isOptState(n)).sort();
  const optimizerState = state.filter(isOptState).sort();
  const inputs = graph.inputs.filter((i) => !graph.initializers.has(i.name));
  const labels = inputs.find((i) => i.name === "labels");
  if (!labels) throw new Error("step graph has no labels input; not a trainchain step graph");
  const data = inputs.filter((i) => !stateSet.has(i.name) && i.name !== "step" && i.name !== "lr" && i.name !== "labels");
  if (params.length === 0) throw new Error("step graph has no <name>.next outputs; not a trainchain step graph");
  return { params, optimizerState, inputs: data.map((i) => inputSpec(i.name, i.dtype, i.shape)), labels: inputSpec(labels.name, labels.dtype, labels.shape) };
}

/** Everything needed to run steps of a task besides the state. */
export interface TrainingContext {
  runner: StepRunner;
  spec: StepGraphSpec;
  dataset: Dataset;
  sampler: MinibatchSampler;
  lr: number;
}

export interface IntervalRun {
  end: Checkpoint;
  losses: Float32Array;
}

/**
 * Run `steps` steps from `start` (loaded into the runner unless `resume` says the runner already
 * holds it). Step t uses the sampler's batch for t — the same call replays an interval.
 */
export async function runInterval(ctx: TrainingContext, start: Checkpoint | undefined, steps: number, onStep?: (step: bigint, loss: number) => void): Promise<IntervalRun> {
  if (start !== undefined) ctx.runner.load(start);
  const { losses, final } = await trainSteps({
    runner: ctx.runner,
    spec: ctx.spec,
    dataset: ctx.dataset,
    seed: ctx.sampler.seed,
    batchSize: ctx.sampler.batchSize,
    lr: ctx.lr,
    steps,
    sampler: ctx.sampler,
    ...(onStep ? { onStep } : {}),
  });
  return { end: final, losses };
}
