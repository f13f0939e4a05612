// Builds the step graph (DESIGN.md "A step graph"): forward + loss + backward + optimizer update
// as one pure ONNX function. Formulas are documented in worker/onnx/README.md.
import type { InputSpec, LossKind, OptimizerSpec } from "../types.ts";
import { cloneGraph, type Graph, type ValueInfo } from "./ir.ts";
import { A, GraphBuilder } from "./builder.ts";
import { differentiate } from "./autodiff.ts";
import { inferShapes } from "./shapes.ts";

export const BATCH = "B";

/** Names of the optimizer state tensors of one parameter. */
export function stateNames(param: string, opt: OptimizerSpec): string[] {
  switch (opt.kind) {
    case "sgd": return [];
    case "momentum": return [`${param}.m`];
    case "adam": return [`${param}.m`, `${param}.v`];
  }
}

export function labelsSpec(loss: LossKind, outDims: number[]): InputSpec {
  return loss === "cross_entropy"
    ? { name: "labels", dims: [-1], dtype: "int64" }
    : { name: "labels", dims: [-1, ...outDims], dtype: "float32" };
}

/**
 * `forward` has params and data inputs as graph inputs and one output (logits/predictions).
 * Returns the step graph.
 */
export function buildStepGraph(forward: Graph, paramNames: readonly string[], loss: LossKind, opt: OptimizerSpec): Graph {
  const g = cloneGraph(forward);
  const output = forward.outputs[0]!.name;
  const b = new GraphBuilder(g, "step/");
  const types = inferShapes(g);
  const outType = types.get(output)!;
  const params = [...paramNames].sort();
  const paramShape = (p: string): ValueInfo => {
    const v = g.inputs.find((i) => i.name === p);
    if (v === undefined) throw new Error(`parameter "${p}" is not a graph input`);
    return v;
  };

  // ---- inputs: params and data (already present), optimizer state, step, lr, labels ----
  const stateInputs: ValueInfo[] = [];
  for (const p of params) for (const s of stateNames(p, opt)) stateInputs.push({ name: s, dtype: "float32", shape: [...paramShape(p).shape!] });
  const outDims = outType.shape.slice(1);
  const labels: ValueInfo = loss === "cross_entropy"
    ? { name: "labels", dtype: "int64", shape: [outType.shape[0]!] }
    : { name: "labels", dtype: "float32", shape: [...outType.shape] };
  for (const name of ["labels", "step", "lr", "loss", ...stateInputs.map((s) => s.name), ...params.map((p) => `${p}.next`)]) {
    if (types.has(name)) throw new Error(`the forward model already uses the name "${name}", which the step graph reserves`);
  }
  g.inputs.push(...stateInputs, { name: "step", dtype: "int64", shape: [] }, { name: "lr", dtype: "float32", shape: [] }, labels);

  // ---- loss ----
  let lossValue: string;
  if (loss === "cross_entropy") {
    if (outType.shape.length !== 2 || typeof outDims[0] !== "number") {
      throw new Error(`cross-entropy needs logits of shape [batch, classes], got [${outType.shape.join(",")}]`);
    }
    const logp = b.op("LogSoftmax", [output], { axis: A.i(1) });
    const onehot = b.op("OneHot", [labels.name, b.constI(outDims[0]), b.constF([0, 1], [2])], { axis: A.i(-1) });
    const picked = b.op("ReduceSum", [b.op("Mul", [onehot, logp]), b.constI([1], [1])], { keepdims: A.i(0) });
    lossValue = b.op("ReduceMean", [b.op("Neg", [picked]), b.constI([0], [1])], { keepdims: A.i(0) });
  } else {
    const d = b.op("Sub", [output, labels.name]);
    // Mean over batch and output elements (torch.nn.MSELoss with reduction="mean").
    lossValue = b.op("ReduceMean", [b.op("Mul", [d, d])], { keepdims: A.i(0) });
  }
  const grads = differentiate(g, lossValue, params, b);
  b.opNamed("Identity", [lossValue], "loss");

  // ---- optimizer ----
  const lr = "lr";
  const outputs: ValueInfo[] = [];
  const stateOutputs: ValueInfo[] = [];
  let adamCorrection: { bc1: string; bc2: string } | undefined;
  if (opt.kind === "adam") {
    // Bias correction uses t = step + 1 (step = number of updates already applied).
    const t = b.op("Cast", [b.op("Add", ["step", b.constI(1)])], { to: A.i(1) });
    const bc1 = b.op("Sub", [b.constF(1), b.op("Pow", [b.constF(opt.beta1), t])]);
    const bc2 = b.op("Sub", [b.constF(1), b.op("Pow", [b.constF(opt.beta2), t])]);
    adamCorrection = { bc1, bc2 };
  }
  for (const p of params) {
    let grad = grads.get(p)!;
    const wd = opt.weightDecay ?? 0;
    if (wd !== 0) grad = b.op("Add", [grad, b.op("Mul", [p, b.constF(wd)])]);
    const shape = [...paramShape(p).shape!];
    let update: string;
    if (opt.kind === "sgd") {
      update = grad;
    } else if (opt.kind === "momentum") {
      const m = b.opNamed("Add", [b.op("Mul", [`${p}.m`, b.constF(opt.momentum)]), grad], `${p}.m.next`);
      stateOutputs.push({ name: m, dtype: "float32", shape });
      update = m;
    } else {
      const m = b.opNamed("Add", [b.op("Mul", [`${p}.m`, b.constF(opt.beta1)]), b.op("Mul", [grad, b.constF(1 - opt.beta1)])], `${p}.m.next`);
      const v = b.opNamed("Add", [b.op("Mul", [`${p}.v`, b.constF(opt.beta2)]), b.op("Mul", [b.op("Mul", [grad, grad]), b.constF(1 - opt.beta2)])], `${p}.v.next`);
      stateOutputs.push({ name: m, dtype: "float32", shape }, { name: v, dtype: "float32", shape });
      const mHat = b.op("Div", [m, adamCorrection!.bc1]);
      const vHat = b.op("Div", [v, adamCorrection!.bc2]);
      update = b.op("Div", [mHat, b.op("Add", [b.op("Sqrt", [vHat]), b.constF(opt.epsilon)])]);
    }
    b.opNamed("Sub", [p, b.op("Mul", [update, lr])], `${p}.next`);
    outputs.push({ name: `${p}.next`, dtype: "float32", shape });
  }
  g.outputs = [...outputs, ...stateOutputs, { name: "loss", dtype: "float32", shape: [] }];
  g.name = "trainchain_step";
  return g;
}

