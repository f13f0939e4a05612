// Types shared by the training engine's parts (ONNX building, runner, checkpoints, datasets).

/** A dense tensor in row-major order. Parameters and optimizer state are float32; labels/steps int64. */
export interface Tensor {
  dims: number[];
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;
}

export type Float32Tensor = Tensor & { data: Float32Array };

/**
 * The settings that make a training step reproducible. On CPU, equal profiles give bit-identical
 * steps; a verifier re-executes under the task's profile, never its own defaults.
 */
export interface NumericsProfile {
  executionProvider: "cpu" | "cuda";
  intraOpThreads: number;
  graphOptimizationLevel: "disabled" | "basic" | "extended" | "all";
  /** onnxruntime version the profile was recorded with, e.g. "1.30.0". */
  ortVersion: string;
}

export type LossKind = "cross_entropy" | "mse";

export type OptimizerSpec =
  | { kind: "sgd"; weightDecay?: number }
  | { kind: "momentum"; momentum: number; weightDecay?: number }
  | { kind: "adam"; beta1: number; beta2: number; epsilon: number; weightDecay?: number };

/** Description of one data input of a forward model; a dim < 0 is the dynamic batch dim. */
export interface InputSpec {
  name: string;
  dims: number[];
  dtype: "float32" | "int64";
}

/**
 * What the ONNX builder produces for a model: the forward (inference) graph, the step graph
 * (DESIGN.md "A step graph" contract) and the initial parameters.
 */
export interface ModelBundle {
  /** Forward ONNX model; parameters are graph inputs named as in `params` (no initializers). */
  forward: Uint8Array;
  /** One optimizer step as a plain ONNX graph. */
  step: Uint8Array;
  /** Initial trainable parameters, by name (sorted names are the canonical order). */
  params: Map<string, Float32Tensor>;
  /** Names of optimizer state tensors (`<param>.m`, `<param>.v`), each shaped like its param. */
  optimizerState: string[];
  /** The forward model's data inputs (batch dim first, -1). */
  inputs: InputSpec[];
  /** Label input: int64 [B] for cross-entropy, float32 [B, out] for MSE. */
  labels: InputSpec;
  /** Output name of the forward model's logits/predictions. */
  output: string;
  loss: LossKind;
  optimizer: OptimizerSpec;
  /** Approximate FLOPs of one training step per sample (forward + backward + update). */
  flopsPerSample: number;
}
