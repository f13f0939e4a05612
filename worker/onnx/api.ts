// Implementation of the public API re-exported by index.ts.
import type { Float32Tensor, InputSpec, LossKind, ModelBundle, OptimizerSpec } from "../types.ts";
import { cloneGraph, decodeModel, encodeModel, newModel, type Graph, type TensorValue } from "./ir.ts";
import { buildArch } from "./models.ts";
import { buildStepGraph, labelsSpec, stateNames } from "./step.ts";
import { inferShapes } from "./shapes.ts";
import { importGraph, SUPPORTED_OPS } from "./import.ts";

export { SUPPORTED_OPS };

function bundle(forward: Graph, params: Map<string, Float32Tensor>, loss: LossKind, optimizer: OptimizerSpec, macs: number): ModelBundle {
  const names = [...params.keys()].sort();
  const step = buildStepGraph(forward, names, loss, optimizer);
  const paramSet = new Set(names);
  const inputs: InputSpec[] = forward.inputs.filter((v) => !paramSet.has(v.name)).map((v) => ({
    name: v.name,
    dims: (v.shape ?? []).map((d) => (typeof d === "number" ? d : -1)),
    dtype: v.dtype === "int64" ? "int64" : "float32",
  }));
  const out = forward.outputs[0]!;
  const outDims = (out.shape ?? []).slice(1).map((d) => (typeof d === "number" ? d : -1));
  return {
    forward: encodeModel(newModel(forward)),
    step: encodeModel(newModel(step)),
    params: new Map(names.map((n) => [n, params.get(n)!])),
    optimizerState: names.flatMap((n) => stateNames(n, optimizer)).sort(),
    inputs,
    labels: labelsSpec(loss, outDims),
    output: out.name,
    loss,
    optimizer,
    // 2·MACs forward; backward ≈ 2× forward.
    flopsPerSample: 2 * macs * 3,
  };
}

export function buildModel(opts: { arch: string; loss: LossKind; optimizer: OptimizerSpec; seed: number }): ModelBundle {
  const m = buildArch(opts.arch, opts.seed);
  return bundle(m.forward, m.params, opts.loss, opts.optimizer, m.macs);
}

export function importForwardModel(bytes: Uint8Array, opts: { loss: LossKind; optimizer: OptimizerSpec }): ModelBundle {
  const imported = importGraph(decodeModel(bytes));
  return bundle(imported.forward, imported.params, opts.loss, opts.optimizer, imported.macs);
}

/** A self-contained inference model: the forward graph with `params` as initializers. */
export function exportInferenceModel(forward: Uint8Array, params: Map<string, Float32Tensor>): Uint8Array {
  const model = decodeModel(forward);
  const g = cloneGraph(model.graph);
  const paramInputs = new Set(g.inputs.map((v) => v.name).filter((n) => params.has(n)));
  for (const name of [...paramInputs].sort()) {
    const p = params.get(name)!;
    const t: TensorValue = { dtype: "float32", dims: [...p.dims], data: p.data };
    g.initializers.set(name, t);
  }
  g.inputs = g.inputs.filter((v) => !paramInputs.has(v.name));
  inferShapes(g);
  return encodeModel({ ...model, graph: g });
}

const OPTIMIZER_DEFAULTS: Record<OptimizerSpec["kind"], OptimizerSpec> = {
  sgd: { kind: "sgd" },
  momentum: { kind: "momentum", momentum: 0.9 },
  adam: { kind: "adam", beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
};

/**
 * Parses CLI optimizer strings: `sgd`, `momentum`, `adam`, with optional `:key=value` overrides,
 * e.g. `momentum:momentum=0.95,wd=1e-4` or `adam:beta1=0.9,beta2=0.99,eps=1e-7`.
 */
export function parseOptimizerSpec(s: string): OptimizerSpec {
  const [kind, rest] = s.trim().split(":", 2) as [string, string | undefined];
  const base = OPTIMIZER_DEFAULTS[kind.toLowerCase() as OptimizerSpec["kind"]];
  if (base === undefined) throw new Error(`unknown optimizer "${s}" (expected sgd, momentum or adam, optionally with :key=value,…)`);
  const spec: Record<string, number | string> = { ...base };
  const keys: Record<string, string> = { wd: "weightDecay", weight_decay: "weightDecay", weightDecay: "weightDecay", eps: "epsilon", epsilon: "epsilon", beta1: "beta1", beta2: "beta2", momentum: "momentum", mu: "momentum" };
  for (const kv of (rest ?? "").split(",").filter((x) => x !== "")) {
    const [k, v] = kv.split("=") as [string, string | undefined];
    const key = keys[k.trim()];
    const val = Number(v);
    if (key === undefined || (key !== "weightDecay" && !(key in base)) || v === undefined || !Number.isFinite(val)) {
      throw new Error(`bad optimizer option "${kv}" in "${s}" (options for ${base.kind}: ${Object.keys(base).filter((x) => x !== "kind").concat("wd").join(", ")})`);
    }
    spec[key] = val;
  }
  return spec as unknown as OptimizerSpec;
}
