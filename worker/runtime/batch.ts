// Gathers the samples of one step into reusable buffers shaped for the model's inputs.
import type { Dataset } from "../data/dataset.ts";
import { featureSize, labelSize } from "../data/dataset.ts";
import type { InputSpec } from "../types.ts";
import type { StepBatch } from "./runner.ts";

export interface BatchAssembler {
  readonly batchSize: number;
  /** Fill the buffers with samples `indices` (length = batchSize). Returned arrays are reused. */
  gather(indices: ArrayLike<number>): StepBatch;
}

/**
 * Model input shape for a dataset: the dataset's per-sample features may be reshaped (e.g. MNIST
 * [28,28] → MLP [784] or CNN [1,28,28]) when the element counts agree.
 */
export function checkCompatible(ds: Dataset, input: InputSpec, labels: InputSpec): number[] {
  if (input.dtype !== "float32") throw new Error(`model input ${input.name} is ${input.dtype}; datasets hold float32 features`);
  const sampleDims = input.dims.slice(1);
  if (sampleDims.some((d) => d < 0)) throw new Error(`model input ${input.name} has a dynamic non-batch dim [${input.dims.join(",")}]; expected only the batch dim dynamic`);
  const want = sampleDims.reduce((a, b) => a * b, 1);
  const have = featureSize(ds.format);
  if (want !== have) {
    throw new Error(`dataset samples have shape [${ds.format.features.shape.join(",")}] (${have} values); model input ${input.name} expects [${sampleDims.join(",")}] (${want})`);
  }
  if (labels.dtype !== ds.format.labels.dtype) {
    throw new Error(`dataset labels are ${ds.format.labels.dtype}; model labels ${labels.name} expect ${labels.dtype} (cross-entropy needs int64 classes, MSE float32 targets)`);
  }
  if (labels.dtype === "float32") {
    const k = labels.dims[1] ?? 1;
    if (k >= 0 && k !== labelSize(ds.format)) throw new Error(`dataset targets have ${labelSize(ds.format)} values per sample; model expects ${k}`);
  }
  return sampleDims;
}

export function createBatchAssembler(ds: Dataset, input: InputSpec, labels: InputSpec, batchSize: number): BatchAssembler {
  const sampleDims = checkCompatible(ds, input, labels);
  const fs = featureSize(ds.format);
  const ls = labelSize(ds.format);
  const x = new Float32Array(batchSize * fs);
  const xT = { dims: [batchSize, ...sampleDims], data: x };
  const yInt = ds.y instanceof BigInt64Array ? new BigInt64Array(batchSize) : undefined;
  const yF = ds.y instanceof Float32Array ? new Float32Array(batchSize * ls) : undefined;
  const yT = yInt !== undefined ? { dims: [batchSize], data: yInt } : { dims: [batchSize, ls], data: yF as Float32Array };
  const batch: StepBatch = { inputs: { [input.name]: xT }, labels: yT };
  const n = ds.samples;
  return {
    batchSize,
    gather(indices: ArrayLike<number>): StepBatch {
      if (indices.length !== batchSize) throw new Error(`batch has ${indices.length} indices; expected ${batchSize}`);
      for (let k = 0; k < batchSize; k++) {
        const i = indices[k] as number;
        if (i >= n) throw new Error(`sample index ${i} out of range; dataset has ${n}`);
        x.set(ds.x.subarray(i * fs, (i + 1) * fs), k * fs);
        if (yInt !== undefined) yInt[k] = (ds.y as BigInt64Array)[i] as bigint;
        else (yF as Float32Array).set((ds.y as Float32Array).subarray(i * ls, (i + 1) * ls), k * ls);
      }
      return batch;
    },
  };
}
