// Import of a forward ONNX model as torch.onnx.export writes it (opsets 13–18): float
// initializers become trainable parameters (graph inputs), everything else must be an op the
// autodiff can differentiate or a constant.
import type { Float32Tensor } from "../types.ts";
import { attrInt, numElements, type Graph, type Model, type Node, type TensorValue, type ValueInfo } from "./ir.ts";
import { A } from "./builder.ts";
import { GRAD_RULES } from "./gradients.ts";
import { inferShapes } from "./shapes.ts";
import { BATCH } from "./step.ts";

/** Forward ops accepted in imported models. */
export const SUPPORTED_OPS: readonly string[] = [...new Set([...Object.keys(GRAD_RULES), "Constant"])].sort();

const MIN_OPSET = 13;
const MAX_OPSET = 18;

export interface ImportedModel {
  forward: Graph;
  params: Map<string, Float32Tensor>;
  macs: number;
}

function toFloat32(t: TensorValue): Float32Array {
  return t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as Float64Array);
}

/** Multiply-accumulates per sample, from the inferred shapes (batch dim excluded). */
export function estimateMacs(g: Graph): number {
  const types = inferShapes(g);
  const perSample = (name: string): number => {
    const s = types.get(name)?.shape ?? [];
    return numElements(s.slice(1).map((d) => (typeof d === "number" ? d : 1)));
  };
  let macs = 0;
  for (const n of g.nodes) {
    const a = types.get(n.inputs[0] ?? "")?.shape ?? [];
    if (n.opType === "Gemm") {
      const k = attrInt(n, "transA", 0) ? a[0] : a[1];
      macs += perSample(n.outputs[0]!) * (typeof k === "number" ? k : 1);
    } else if (n.opType === "MatMul") {
      const k = a[a.length - 1];
      macs += perSample(n.outputs[0]!) * (typeof k === "number" ? k : 1);
    } else if (n.opType === "Conv") {
      const w = types.get(n.inputs[1]!)?.shape ?? [];
      const perOut = numElements(w.slice(1).map((d) => (typeof d === "number" ? d : 1)));
      macs += perSample(n.outputs[0]!) * perOut;
    }
  }
  return macs;
}

export function importGraph(model: Model): ImportedModel {
  if (model.opset < MIN_OPSET || model.opset > MAX_OPSET) {
    throw new Error(`unsupported ONNX opset ${model.opset} (supported: ${MIN_OPSET}–${MAX_OPSET}; re-export with torch.onnx.export(..., opset_version=18))`);
  }
  const src = model.graph;
  const params = new Map<string, Float32Tensor>();
  const constNodes: Node[] = [];
  for (const [name, t] of src.initializers) {
    if (t.dtype === "float32" || t.dtype === "float64") {
      params.set(name, { dims: [...t.dims], data: toFloat32(t) });
    } else {
      // Non-float initializers (shapes, axes) are constants; the forward graph carries no initializers.
      constNodes.push({ opType: "Constant", name: `${name}/const`, inputs: [], outputs: [name], attrs: { value: A.t(t) } });
    }
  }
  if (params.size === 0) throw new Error("the model has no float initializers, so it has no trainable parameters");

  const nodes: Node[] = [...constNodes];
  for (const n of src.nodes) {
    if ((n.domain !== undefined && n.domain !== "") || !SUPPORTED_OPS.includes(n.opType)) {
      const op = n.domain !== undefined && n.domain !== "" ? `${n.domain}::${n.opType}` : n.opType;
      throw new Error(`unsupported op "${op}" in node "${n.name}" (supported: ${SUPPORTED_OPS.join(", ")})`);
    }
    const copy: Node = { ...n, inputs: [...n.inputs], outputs: [...n.outputs], attrs: { ...n.attrs } };
    if (copy.opType === "Dropout") {
      // Inference-form Dropout is the identity; a used mask output cannot be supported.
      const mask = copy.outputs[1];
      if (mask !== undefined && mask !== "" && src.nodes.some((m) => m.inputs.includes(mask))) {
        throw new Error(`node "${n.name}" (Dropout): the mask output is not supported`);
      }
      nodes.push({ opType: "Identity", name: copy.name, inputs: [copy.inputs[0]!], outputs: [copy.outputs[0]!], attrs: {} });
      continue;
    }
    if (model.opset < 18 && copy.opType === "ReduceMean" && copy.attrs["axes"] !== undefined) {
      // Opset 18 moved ReduceMean's axes from an attribute to an input.
      const axes = copy.attrs["axes"];
      delete copy.attrs["axes"];
      const cname = `${copy.name}/axes`;
      if (axes.type !== "ints") throw new Error(`node "${n.name}" (ReduceMean): axes must be ints`);
      nodes.push({ opType: "Constant", name: cname, inputs: [], outputs: [cname], attrs: { value: A.t({ dtype: "int64", dims: [axes.ints.length], data: BigInt64Array.from(axes.ints.map((x) => BigInt(x))) }) } });
      copy.inputs = [copy.inputs[0]!, cname];
    }
    nodes.push(copy);
  }

  const initNames = new Set(src.initializers.keys());
  const withBatch = (v: ValueInfo): ValueInfo => {
    if (v.shape === undefined || v.shape.length === 0) throw new Error(`graph input/output "${v.name}" has no shape; export with named input shapes`);
    return { ...v, shape: [BATCH, ...v.shape.slice(1)] };
  };
  const dataInputs = src.inputs.filter((v) => !initNames.has(v.name)).map(withBatch);
  if (dataInputs.length === 0) throw new Error("the model has no data input (every graph input is an initializer)");
  if (src.outputs.length === 0) throw new Error("the model has no output");
  const paramNames = [...params.keys()].sort();
  const forward: Graph = {
    name: src.name,
    nodes,
    inputs: [...dataInputs, ...paramNames.map((p): ValueInfo => ({ name: p, dtype: "float32", shape: [...params.get(p)!.dims] }))],
    // The first output is the logits/prediction the loss is attached to.
    outputs: [withBatch(src.outputs[0]!)],
    initializers: new Map(),
  };
  const types = inferShapes(forward);
  const out = types.get(forward.outputs[0]!.name);
  if (out === undefined) throw new Error(`output "${forward.outputs[0]!.name}" is not computed by any node`);
  forward.outputs[0] = { name: forward.outputs[0]!.name, dtype: out.dtype, shape: out.shape };
  return { forward, params, macs: estimateMacs(forward) };
}
