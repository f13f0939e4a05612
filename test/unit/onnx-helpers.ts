// Shared helpers for the onnx-*.test.ts files: seeded random tensors, ORT runs, comparisons.
import ort from "onnxruntime-node";
import type { F64Tensor } from "../../worker/onnx/interpret.ts";
import { numElements, type Graph } from "../../worker/onnx/ir.ts";
import { mulberry32 } from "../../worker/onnx/models.ts";

export function rng(seed: number): () => number {
  return mulberry32(seed);
}

/** Uniform in [lo, hi), rounded to float32 so float32 and float64 runs see the same inputs. */
export function randTensor(rand: () => number, dims: number[], lo = -1, hi = 1): F64Tensor {
  const data = new Float64Array(numElements(dims));
  for (let i = 0; i < data.length; i++) data[i] = Math.fround(lo + (hi - lo) * rand());
  return { dtype: "float64", dims, data };
}

export function intTensor(dims: number[], values: number[]): F64Tensor {
  return { dtype: "int64", dims, data: Float64Array.from(values) };
}

export async function runOrt(model: Uint8Array, g: Graph, feeds: Map<string, F64Tensor>): Promise<Map<string, F64Tensor>> {
  const session = await ort.InferenceSession.create(Buffer.from(model), { executionProviders: ["cpu"], intraOpNumThreads: 1, graphOptimizationLevel: "all" });
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const v of g.inputs) {
    const t = feeds.get(v.name);
    if (t === undefined) throw new Error(`runOrt: no feed for "${v.name}"`);
    ortFeeds[v.name] = v.dtype === "int64"
      ? new ort.Tensor("int64", BigInt64Array.from(t.data, (x) => BigInt(x)), t.dims)
      : new ort.Tensor("float32", Float32Array.from(t.data), t.dims);
  }
  const res = await session.run(ortFeeds);
  const out = new Map<string, F64Tensor>();
  for (const [k, t] of Object.entries(res)) {
    const data = t.data as Float32Array | BigInt64Array;
    out.set(k, { dtype: "float64", dims: [...t.dims], data: Float64Array.from(data as ArrayLike<number | bigint>, (x) => Number(x)) });
  }
  await session.release();
  return out;
}

/** max |a-b| / max(|b|, floor) over all elements. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-12): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let num = 0, den = floor;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}
