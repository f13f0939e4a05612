// The step runner: one optimizer step = one session.run of the step graph. ORT writes `<name>.next`
// into the idle one of two pre-allocated state sets, which becomes the next step's state (no copy);
// step and lr tensors are wrapped once and refilled, a batch buffer is wrapped when it is not the
// one fed last time (a gather thread's batches rotate through a few transferred buffers).
import * as ort from "onnxruntime-node";
import type { Float32Tensor, InputSpec, NumericsProfile, Tensor } from "../types.ts";
import type { Checkpoint } from "../checkpoint/checkpoint.ts";
import { createDeviceSession, type SessionOpts } from "./device.ts";

/** What the runner needs to know about a step graph (ModelBundle / model.json carry it). */
export interface StepGraphSpec {
  /** Trainable parameter names. */
  params: readonly string[];
  /** Optimizer state names (`<param>.m`, `<param>.v`); empty for SGD. */
  optimizerState: readonly string[];
  /** The forward model's data inputs (batch dim first). */
  inputs: readonly InputSpec[];
  labels: InputSpec;
}

/** The data of one step: every forward data input by name, and the labels. */
export interface StepBatch {
  inputs: Readonly<Record<string, Tensor>>;
  labels: Tensor;
}

export interface StepRunner {
  /** The profile really in use (CPU after a CUDA fallback). */
  readonly profile: NumericsProfile;
  readonly session: ort.InferenceSession;
  /** Steps applied so far (the value fed as `step` to the next run). */
  readonly step: bigint;
  /** Replace the runner's state (copied in: the caller's arrays are never written). */
  load(ckpt: Checkpoint): void;
  /** Run one optimizer step at learning rate `lr` (rounded to float32); returns the loss. */
  run(batch: StepBatch, lr: number): Promise<number>;
  /** A copy of the current state as a checkpoint. */
  snapshot(): Checkpoint;
  /** Current parameters (no optimizer state), copied. */
  params(): Map<string, Float32Tensor>;
  release(): Promise<void>;
}

function ortDtype(data: Tensor["data"]): "float32" | "int64" | "float64" | "int32" | "uint8" {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof BigInt64Array) return "int64";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  return "uint8";
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Create a runner for `stepGraph` under `profile`. The state must be loaded before `run`. */
export async function createStepRunner(stepGraph: Uint8Array, profile: NumericsProfile, spec: StepGraphSpec, opts: SessionOpts = {}): Promise<StepRunner> {
  const { session, profile: effective } = await createDeviceSession(stepGraph, profile, opts);
  const stateNames = [...spec.params, ...spec.optimizerState].sort();
  const dataNames = spec.inputs.map((i) => i.name);
  const expectedInputs = [...stateNames, "step", "lr", ...dataNames, spec.labels.name];
  const missingIn = expectedInputs.filter((n) => !session.inputNames.includes(n));
  if (missingIn.length > 0) throw new Error(`step graph lacks inputs ${missingIn.join(", ")}; the step-graph contract needs params, state, step, lr, data inputs and labels`);
  const extraIn = session.inputNames.filter((n) => !expectedInputs.includes(n));
  if (extraIn.length > 0) throw new Error(`step graph has unexpected inputs ${extraIn.join(", ")}; expected only ${expectedInputs.join(", ")}`);
  const expectedOutputs = [...stateNames.map((n) => `${n}.next`), "loss"];
  const missingOut = expectedOutputs.filter((n) => !session.outputNames.includes(n));
  if (missingOut.length > 0) throw new Error(`step graph lacks outputs ${missingOut.join(", ")}; expected <name>.next for every param/state tensor and loss`);

  // Two sets of state buffers, ping-ponged: ORT reads the state from `cur` and writes the next state
  // into `next` (pre-allocated outputs), then they swap. Letting ORT allocate fresh outputs instead
  // costs a model-sized allocation per step, and in a process with a large heap (a worker holding a
  // dataset) the garbage collection that follows nearly doubled the step time.
  let cur: Record<string, ort.Tensor> = {};
  let next: Record<string, ort.Tensor> = {};
  const stepData = new BigInt64Array(1);
  const lrData = new Float32Array(1);
  const lossData = new Float32Array(1);
  const stepTensor = new ort.Tensor("int64", stepData, []);
  const lrTensor = new ort.Tensor("float32", lrData, []);
  let loaded = false;
  const feeds: Record<string, ort.Tensor> = { step: stepTensor, lr: lrTensor };
  const fetches: Record<string, ort.Tensor> = { loss: new ort.Tensor("float32", lossData, []) };

  // A batch assembler refills the same buffers every step and a gather thread's batches come in a
  // few buffers; wrap a buffer in an ORT tensor only when it is not the one fed last time.
  const lastFed = new Map<string, { data: object; dims: readonly number[]; tensor: ort.Tensor }>();
  const tensorFor = (name: string, t: Tensor): ort.Tensor => {
    const known = lastFed.get(name);
    if (known !== undefined && known.data === t.data && (known.dims === t.dims || sameDims(known.dims, t.dims))) return known.tensor;
    const tensor = new ort.Tensor(ortDtype(t.data), t.data, t.dims);
    lastFed.set(name, { data: t.data, dims: t.dims, tensor });
    return tensor;
  };

  const nextNames = stateNames.map((n) => `${n}.next`);
  const bindState = (): void => {
    for (let i = 0; i < stateNames.length; i++) {
      const n = stateNames[i] as string;
      feeds[n] = cur[n] as ort.Tensor;
      fetches[nextNames[i] as string] = next[n] as ort.Tensor;
    }
  };

  const runner: StepRunner = {
    profile: effective,
    session,
    get step(): bigint {
      return stepData[0] as bigint;
    },
    load(ckpt: Checkpoint): void {
      const want = new Set(stateNames);
      for (const name of ckpt.tensors.keys()) {
        if (!want.has(name)) throw new Error(`checkpoint has tensor ${name} that the step graph does not use; expected exactly ${stateNames.join(", ")}`);
      }
      const a: Record<string, ort.Tensor> = {};
      const b: Record<string, ort.Tensor> = {};
      for (const name of stateNames) {
        const t = ckpt.tensors.get(name);
        if (t === undefined) throw new Error(`checkpoint lacks tensor ${name} required by the step graph`);
        const meta = session.inputMetadata[session.inputNames.indexOf(name)];
        if (meta !== undefined && meta.isTensor) {
          const fixed = meta.shape.every((d) => typeof d === "number");
          if (fixed && !sameDims(meta.shape as number[], t.dims)) {
            throw new Error(`checkpoint tensor ${name} has shape [${t.dims.join(",")}]; the step graph expects [${meta.shape.join(",")}]`);
          }
        }
        a[name] = new ort.Tensor("float32", Float32Array.from(t.data), t.dims);
        b[name] = new ort.Tensor("float32", new Float32Array(t.data.length), t.dims);
      }
      cur = a;
      next = b;
      stepData[0] = ckpt.step;
      bindState();
      loaded = true;
    },
    async run(batch: StepBatch, lr: number): Promise<number> {
      if (!loaded) throw new Error("step runner: no state loaded; call load(checkpoint) first");
      lrData[0] = lr;
      for (const name of dataNames) {
        const t = batch.inputs[name];
        if (t === undefined) throw new Error(`step batch lacks data input ${name}`);
        feeds[name] = tensorFor(name, t);
      }
      feeds[spec.labels.name] = tensorFor(spec.labels.name, batch.labels);
      await session.run(feeds, fetches);
      [cur, next] = [next, cur];
      bindState();
      stepData[0] = (stepData[0] as bigint) + 1n;
      return lossData[0] as number;
    },
    snapshot(): Checkpoint {
      const tensors = new Map<string, Float32Tensor>();
      for (const name of stateNames) {
        const t = cur[name] as ort.Tensor;
        tensors.set(name, { dims: [...t.dims], data: Float32Array.from(t.data as Float32Array) });
      }
      return { step: stepData[0] as bigint, tensors };
    },
    params(): Map<string, Float32Tensor> {
      const out = new Map<string, Float32Tensor>();
      for (const name of spec.params) {
        const t = cur[name] as ort.Tensor;
        out.set(name, { dims: [...t.dims], data: Float32Array.from(t.data as Float32Array) });
      }
      return out;
    },
    async release(): Promise<void> {
      await session.release();
    },
  };
  return runner;
}
