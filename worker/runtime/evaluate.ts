// Evaluation with the forward graph: accuracy (class labels) and mean loss, computed in float64
// in JS from the model's outputs (evaluation is not part of the bit-exact protocol).
import * as ort from "onnxruntime-node";
import type { Dataset } from "../data/dataset.ts";
import { featureSize, labelSize } from "../data/dataset.ts";
import type { Float32Tensor, InputSpec, LossKind, NumericsProfile } from "../types.ts";
import { checkCompatible } from "./batch.ts";
import { createDeviceSession, type SessionOpts } from "./device.ts";

export interface EvalResult {
  samples: number;
  /** Fraction of argmax predictions equal to the label; undefined for regression targets. */
  accuracy?: number;
  /** Mean cross-entropy (or mean squared error per sample). */
  loss: number;
}

export interface EvalOptions extends SessionOpts {
  forward: Uint8Array;
  params: ReadonlyMap<string, Float32Tensor>;
  input: InputSpec;
  labels: InputSpec;
  /** Output name of the logits/predictions. */
  output: string;
  loss: LossKind;
  dataset: Dataset;
  profile: NumericsProfile;
  batchSize?: number;
}

export async function evaluate(o: EvalOptions): Promise<EvalResult> {
  const sampleDims = checkCompatible(o.dataset, o.input, o.labels);
  const { session } = await createDeviceSession(o.forward, o.profile, o);
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of o.params) if (session.inputNames.includes(name)) feeds[name] = new ort.Tensor("float32", t.data, t.dims);
    const fs = featureSize(o.dataset.format);
    const ls = labelSize(o.dataset.format);
    const bs = o.batchSize ?? 1000;
    let correct = 0;
    let lossSum = 0;
    for (let begin = 0; begin < o.dataset.samples; begin += bs) {
      const end = Math.min(o.dataset.samples, begin + bs);
      const n = end - begin;
      // Copied out: dataset arrays live on a SharedArrayBuffer, which ORT does not take as input.
      feeds[o.input.name] = new ort.Tensor("float32", o.dataset.x.slice(begin * fs, end * fs), [n, ...sampleDims]);
      const out = (await session.run(feeds))[o.output];
      if (out === undefined) throw new Error(`forward graph has no output ${o.output}`);
      const pred = out.data as Float32Array;
      const k = pred.length / n;
      for (let r = 0; r < n; r++) {
        const row = pred.subarray(r * k, (r + 1) * k);
        if (o.loss === "cross_entropy") {
          const label = Number((o.dataset.y as BigInt64Array)[begin + r]);
          let best = 0;
          let max = -Infinity;
          for (let c = 0; c < k; c++) if ((row[c] as number) > max) { max = row[c] as number; best = c; }
          let z = 0;
          for (let c = 0; c < k; c++) z += Math.exp((row[c] as number) - max);
          lossSum += Math.log(z) + max - (row[label] as number);
          if (best === label) correct++;
        } else {
          const target = (o.dataset.y as Float32Array).subarray((begin + r) * ls, (begin + r + 1) * ls);
          let se = 0;
          for (let c = 0; c < k; c++) se += ((row[c] as number) - (target[c] as number)) ** 2;
          lossSum += se / k;
        }
      }
    }
    const samples = o.dataset.samples;
    return { samples, accuracy: o.loss === "cross_entropy" ? correct / samples : undefined, loss: lossSum / samples };
  } finally {
    await session.release();
  }
}
