// Every gradient rule against central finite differences in float64 (reference interpreter),
// and the emitted gradient graph run in onnxruntime-node (float32) against the interpreter.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { differentiate } from "../../worker/onnx/autodiff.ts";
import { interpret, type F64Tensor } from "../../worker/onnx/interpret.ts";
import { cloneGraph, encodeModel, newModel, type Attribute, type Dim, type Graph, type Node } from "../../worker/onnx/ir.ts";
import { A, GraphBuilder } from "../../worker/onnx/builder.ts";
import { inferShapes } from "../../worker/onnx/shapes.ts";
import { randTensor, relErr, rng, runOrt } from "./onnx-helpers.ts";

interface Case {
  name: string;
  /** name → [symbolic shape, concrete shape, value range] */
  inputs: Record<string, { shape: Dim[]; dims: number[]; lo?: number; hi?: number }>;
  nodes: { op: string; in: string[]; out?: string[]; attrs?: Record<string, Attribute> }[];
  ints?: Record<string, number[]>;
}

function buildForward(c: Case): Graph {
  const g: Graph = { name: c.name, nodes: [], inputs: [], outputs: [], initializers: new Map() };
  for (const [name, v] of Object.entries(c.inputs)) g.inputs.push({ name, dtype: "float32", shape: v.shape });
  for (const [name, vals] of Object.entries(c.ints ?? {})) {
    g.initializers.set(name, { dtype: "int64", dims: [vals.length], data: BigInt64Array.from(vals.map((x) => BigInt(x))) });
  }
  c.nodes.forEach((n, i) => {
    const node: Node = { opType: n.op, name: `n${i}`, inputs: n.in, outputs: n.out ?? [`y${i}`], attrs: n.attrs ?? {} };
    g.nodes.push(node);
  });
  const last = g.nodes[g.nodes.length - 1]!;
  g.outputs.push({ name: last.outputs[0]!, dtype: "float32" });
  return g;
}

/** loss = Σ y·R with a fixed random R, so every output element gets a distinct cotangent. */
function withLoss(g: Graph): { graph: Graph; loss: string } {
  const graph = cloneGraph(g);
  const y = g.outputs[0]!.name;
  // R is fed as an input shaped like y (symbolic batch included) so it never forces a broadcast.
  graph.inputs.push({ name: "R", dtype: "float32", shape: inferShapes(g).get(y)!.shape });
  graph.nodes.push({ opType: "Mul", name: "lossMul", inputs: [y, "R"], outputs: ["lossProd"], attrs: {} });
  graph.nodes.push({ opType: "ReduceSum", name: "lossSum", inputs: ["lossProd"], outputs: ["lossValue"], attrs: { keepdims: A.i(0) } });
  return { graph, loss: "lossValue" };
}

function scalar(env: Map<string, F64Tensor>, name: string): number {
  return env.get(name)!.data[0]!;
}

async function check(c: Case, seed = 1): Promise<void> {
  const rand = rng(seed);
  const feeds = new Map<string, F64Tensor>();
  for (const [name, v] of Object.entries(c.inputs)) feeds.set(name, randTensor(rand, v.dims, v.lo ?? -1, v.hi ?? 1));
  const fwd = buildForward(c);
  const y = interpret(fwd, feeds).get(fwd.outputs[0]!.name)!;
  feeds.set("R", randTensor(rand, y.dims));
  const { graph, loss } = withLoss(fwd);
  const wrt = Object.keys(c.inputs);
  const gradGraph = cloneGraph(graph);
  const grads = differentiate(gradGraph, loss, wrt, new GraphBuilder(gradGraph, "g/"));
  gradGraph.outputs = [{ name: loss, dtype: "float32", shape: [] }, ...wrt.map((w) => ({ name: grads.get(w)!, dtype: "float32" as const }))];
  const env = interpret(gradGraph, feeds);

  const eps = 1e-6;
  for (const w of wrt) {
    const g = env.get(grads.get(w)!)!;
    const x = feeds.get(w)!;
    assert.deepEqual(g.dims, x.dims, `${c.name}: gradient of ${w} has dims [${g.dims}] but ${w} has [${x.dims}]`);
    // Up to 40 probed elements per input keeps the conv cases fast.
    const stride = Math.max(1, Math.floor(x.data.length / 40));
    for (let i = 0; i < x.data.length; i += stride) {
      const orig = x.data[i]!;
      x.data[i] = orig + eps;
      const lp = scalar(interpret(graph, feeds), loss);
      x.data[i] = orig - eps;
      const lm = scalar(interpret(graph, feeds), loss);
      x.data[i] = orig;
      const fd = (lp - lm) / (2 * eps);
      const tol = 1e-6 * Math.max(1, Math.abs(fd));
      assert.ok(Math.abs(fd - g.data[i]!) <= tol, `${c.name}: d loss/d ${w}[${i}] = ${g.data[i]} but finite difference gives ${fd}`);
    }
  }

  // Same gradient graph in onnxruntime (float32).
  const ortOut = await runOrt(encodeModel(newModel(gradGraph)), gradGraph, feeds);
  for (const w of wrt) {
    const name = grads.get(w)!;
    const e = relErr(ortOut.get(name)!.data, env.get(name)!.data, 1e-3);
    assert.ok(e < 1e-4, `${c.name}: ORT gradient of ${w} differs from float64 by ${e}`);
  }
}

const X = (shape: Dim[], dims: number[], lo?: number, hi?: number): Case["inputs"][string] => ({ shape, dims, ...(lo !== undefined ? { lo, hi } : {}) });

const cases: Case[] = [
  { name: "MatMul 2-D", inputs: { a: X([2, 3], [2, 3]), b: X([3, 4], [3, 4]) }, nodes: [{ op: "MatMul", in: ["a", "b"] }] },
  { name: "MatMul batched × 2-D", inputs: { a: X(["B", 3, 4], [2, 3, 4]), b: X([4, 5], [4, 5]) }, nodes: [{ op: "MatMul", in: ["a", "b"] }] },
  { name: "MatMul broadcast batch", inputs: { a: X([2, 1, 3, 4], [2, 1, 3, 4]), b: X([3, 4, 2], [3, 4, 2]) }, nodes: [{ op: "MatMul", in: ["a", "b"] }] },
  ...[0, 1].flatMap((tA) => [0, 1].map((tB): Case => ({
    name: `Gemm transA=${tA} transB=${tB} alpha/beta`,
    inputs: { a: X(tA ? [4, 3] : [3, 4], tA ? [4, 3] : [3, 4]), b: X(tB ? [5, 4] : [4, 5], tB ? [5, 4] : [4, 5]), c: X([5], [5]) },
    nodes: [{ op: "Gemm", in: ["a", "b", "c"], attrs: { transA: A.i(tA), transB: A.i(tB), alpha: A.f(0.7), beta: A.f(1.3) } }],
  }))),
  { name: "Gemm C [M,1]", inputs: { a: X(["B", 4], [3, 4]), b: X([5, 4], [5, 4]), c: X([3, 1], [3, 1]) }, nodes: [{ op: "Gemm", in: ["a", "b", "c"], attrs: { transB: A.i(1) } }] },
  { name: "Gemm C [M,N]", inputs: { a: X([3, 4], [3, 4]), b: X([4, 5], [4, 5]), c: X([3, 5], [3, 5]) }, nodes: [{ op: "Gemm", in: ["a", "b", "c"] }] },
  { name: "Gemm C [1,N] beta 0.5", inputs: { a: X(["B", 4], [3, 4]), b: X([4, 5], [4, 5]), c: X([1, 5], [1, 5]) }, nodes: [{ op: "Gemm", in: ["a", "b", "c"], attrs: { beta: A.f(0.5) } }] },
  { name: "Gemm C scalar", inputs: { a: X([3, 4], [3, 4]), b: X([4, 5], [4, 5]), c: X([], []) }, nodes: [{ op: "Gemm", in: ["a", "b", "c"] }] },
  { name: "Gemm no C", inputs: { a: X(["B", 4], [2, 4]), b: X([4, 5], [4, 5]) }, nodes: [{ op: "Gemm", in: ["a", "b"] }] },
  { name: "Add broadcast", inputs: { a: X(["B", 3, 4], [2, 3, 4]), b: X([4], [4]) }, nodes: [{ op: "Add", in: ["a", "b"] }] },
  { name: "Sub broadcast [3,1]", inputs: { a: X(["B", 3, 4], [2, 3, 4]), b: X([3, 1], [3, 1]) }, nodes: [{ op: "Sub", in: ["a", "b"] }] },
  { name: "Mul broadcast both", inputs: { a: X(["B", 1, 4], [2, 1, 4]), b: X([3, 1], [3, 1]) }, nodes: [{ op: "Mul", in: ["a", "b"] }] },
  { name: "Div broadcast", inputs: { a: X(["B", 3], [2, 3]), b: X([1, 3], [1, 3], 0.5, 1.5) }, nodes: [{ op: "Div", in: ["a", "b"] }] },
  { name: "same input twice (Mul x x)", inputs: { a: X([2, 3], [2, 3]) }, nodes: [{ op: "Mul", in: ["a", "a"] }] },
  { name: "Relu", inputs: { a: X(["B", 5], [3, 5]) }, nodes: [{ op: "Relu", in: ["a"] }] },
  { name: "LeakyRelu", inputs: { a: X(["B", 5], [3, 5]) }, nodes: [{ op: "LeakyRelu", in: ["a"], attrs: { alpha: A.f(0.2) } }] },
  { name: "Sigmoid", inputs: { a: X(["B", 5], [3, 5], -3, 3) }, nodes: [{ op: "Sigmoid", in: ["a"] }] },
  { name: "Tanh", inputs: { a: X(["B", 5], [3, 5], -2, 2) }, nodes: [{ op: "Tanh", in: ["a"] }] },
  { name: "Softmax axis -1", inputs: { a: X(["B", 3, 4], [2, 3, 4], -2, 2) }, nodes: [{ op: "Softmax", in: ["a"] }] },
  { name: "Softmax axis 1", inputs: { a: X(["B", 3, 4], [2, 3, 4], -2, 2) }, nodes: [{ op: "Softmax", in: ["a"], attrs: { axis: A.i(1) } }] },
  { name: "LogSoftmax axis 1", inputs: { a: X(["B", 6], [3, 6], -2, 2) }, nodes: [{ op: "LogSoftmax", in: ["a"], attrs: { axis: A.i(1) } }] },
  { name: "Neg/Exp/Log", inputs: { a: X([2, 3], [2, 3], 0.5, 2) }, nodes: [{ op: "Log", in: ["a"], out: ["l"] }, { op: "Exp", in: ["l"], out: ["e"] }, { op: "Neg", in: ["e"] }] },
  { name: "Reshape 0,-1", inputs: { a: X(["B", 3, 4], [2, 3, 4]) }, ints: { s: [0, -1] }, nodes: [{ op: "Reshape", in: ["a", "s"] }] },
  { name: "Reshape -1,2,6", inputs: { a: X(["B", 3, 4], [2, 3, 4]) }, ints: { s: [-1, 2, 6] }, nodes: [{ op: "Reshape", in: ["a", "s"] }] },
  { name: "Flatten axis 2", inputs: { a: X(["B", 3, 2, 2], [2, 3, 2, 2]) }, nodes: [{ op: "Flatten", in: ["a"], attrs: { axis: A.i(2) } }] },
  { name: "Transpose perm", inputs: { a: X(["B", 3, 4], [2, 3, 4]) }, nodes: [{ op: "Transpose", in: ["a"], attrs: { perm: A.ints([2, 0, 1]) } }] },
  { name: "Transpose default", inputs: { a: X([2, 3, 4], [2, 3, 4]) }, nodes: [{ op: "Transpose", in: ["a"] }] },
  { name: "Concat axis 1", inputs: { a: X(["B", 2, 4], [2, 2, 4]), b: X(["B", 3, 4], [2, 3, 4]) }, nodes: [{ op: "Concat", in: ["a", "b"], attrs: { axis: A.i(1) } }] },
  { name: "Concat axis -1", inputs: { a: X([2, 2], [2, 2]), b: X([2, 3], [2, 3]), c: X([2, 1], [2, 1]) }, nodes: [{ op: "Concat", in: ["a", "b", "c"], attrs: { axis: A.i(-1) } }] },
  { name: "ReduceSum axes [1] keepdims 0", inputs: { a: X(["B", 3, 4], [2, 3, 4]) }, ints: { ax: [1] }, nodes: [{ op: "ReduceSum", in: ["a", "ax"], attrs: { keepdims: A.i(0) } }] },
  { name: "ReduceSum axes [-1,0] keepdims 1", inputs: { a: X(["B", 3, 4], [2, 3, 4]) }, ints: { ax: [-1, 0] }, nodes: [{ op: "ReduceSum", in: ["a", "ax"] }] },
  { name: "ReduceSum all", inputs: { a: X(["B", 3], [2, 3]) }, nodes: [{ op: "ReduceSum", in: ["a"], attrs: { keepdims: A.i(0) } }] },
  { name: "ReduceMean axes [2]", inputs: { a: X(["B", 3, 4], [2, 3, 4]) }, ints: { ax: [2] }, nodes: [{ op: "ReduceMean", in: ["a", "ax"], attrs: { keepdims: A.i(0) } }] },
  { name: "ReduceMean over batch (dynamic count)", inputs: { a: X(["B", 3], [5, 3]) }, ints: { ax: [0] }, nodes: [{ op: "ReduceMean", in: ["a", "ax"] }] },
  { name: "ReduceMean all", inputs: { a: X(["B", 3], [4, 3]) }, nodes: [{ op: "ReduceMean", in: ["a"], attrs: { keepdims: A.i(0) } }] },
  { name: "Conv 3x3 pad 1 + bias", inputs: { x: X(["B", 2, 6, 5], [2, 2, 6, 5]), w: X([3, 2, 3, 3], [3, 2, 3, 3]), b: X([3], [3]) },
    nodes: [{ op: "Conv", in: ["x", "w", "b"], attrs: { kernel_shape: A.ints([3, 3]), pads: A.ints([1, 1, 1, 1]) } }] },
  { name: "Conv stride 2 asymmetric pads", inputs: { x: X(["B", 2, 7, 6], [2, 2, 7, 6]), w: X([3, 2, 3, 2], [3, 2, 3, 2]) },
    nodes: [{ op: "Conv", in: ["x", "w"], attrs: { strides: A.ints([2, 2]), pads: A.ints([1, 0, 0, 1]) } }] },
  { name: "Conv dilation 2 stride 2", inputs: { x: X(["B", 1, 9, 8], [2, 1, 9, 8]), w: X([2, 1, 3, 3], [2, 1, 3, 3]), b: X([2], [2]) },
    nodes: [{ op: "Conv", in: ["x", "w", "b"], attrs: { strides: A.ints([2, 2]), dilations: A.ints([2, 2]), pads: A.ints([1, 1, 1, 1]) } }] },
  { name: "MaxPool 2x2/2", inputs: { x: X(["B", 2, 4, 6], [2, 2, 4, 6]) }, nodes: [{ op: "MaxPool", in: ["x"], attrs: { kernel_shape: A.ints([2, 2]), strides: A.ints([2, 2]) } }] },
  { name: "MaxPool 3x3/2 pad 1 (overlapping)", inputs: { x: X(["B", 2, 5, 5], [2, 2, 5, 5]) }, nodes: [{ op: "MaxPool", in: ["x"], attrs: { kernel_shape: A.ints([3, 3]), strides: A.ints([2, 2]), pads: A.ints([1, 1, 1, 1]) } }] },
  { name: "AveragePool 2x2/2", inputs: { x: X(["B", 2, 4, 6], [2, 2, 4, 6]) }, nodes: [{ op: "AveragePool", in: ["x"], attrs: { kernel_shape: A.ints([2, 2]), strides: A.ints([2, 2]) } }] },
  { name: "AveragePool 3x3/2 pad 1 exclude pad", inputs: { x: X(["B", 2, 5, 6], [2, 2, 5, 6]) }, nodes: [{ op: "AveragePool", in: ["x"], attrs: { kernel_shape: A.ints([3, 3]), strides: A.ints([2, 2]), pads: A.ints([1, 1, 1, 1]) } }] },
  { name: "AveragePool 3x3/2 pad 1 include pad", inputs: { x: X(["B", 2, 5, 6], [2, 2, 5, 6]) }, nodes: [{ op: "AveragePool", in: ["x"], attrs: { kernel_shape: A.ints([3, 3]), strides: A.ints([2, 2]), pads: A.ints([1, 1, 1, 1]), count_include_pad: A.i(1) } }] },
  { name: "GlobalAveragePool", inputs: { x: X(["B", 3, 4, 5], [2, 3, 4, 5]) }, nodes: [{ op: "GlobalAveragePool", in: ["x"] }] },
  { name: "Identity, Dropout, Constant", inputs: { a: X(["B", 3], [2, 3]) },
    nodes: [
      { op: "Identity", in: ["a"], out: ["i"] },
      { op: "Dropout", in: ["i"], out: ["d"] },
      { op: "Constant", in: [], out: ["k"], attrs: { value: A.t({ dtype: "float32", dims: [3], data: Float32Array.of(1, 2, 3) }) } },
      { op: "Mul", in: ["d", "k"] },
    ] },
  { name: "value used twice (fan-out)", inputs: { a: X(["B", 3], [2, 3]), w: X([3, 3], [3, 3]) },
    nodes: [{ op: "MatMul", in: ["a", "w"], out: ["h"] }, { op: "Tanh", in: ["h"], out: ["t"] }, { op: "Mul", in: ["t", "h"], out: ["u"] }, { op: "Add", in: ["u", "a"] }] },
];

describe("gradient rules vs finite differences (float64) and onnxruntime (float32)", () => {
  for (const c of cases) {
    it(c.name, async () => { await check(c); });
  }

  it("detects a wrong gradient (the check can fail)", async () => {
    // Sigmoid' swapped for Tanh' must be caught.
    const { GRAD_RULES } = await import("../../worker/onnx/gradients.ts");
    const saved = GRAD_RULES["Sigmoid"]!;
    GRAD_RULES["Sigmoid"] = GRAD_RULES["Tanh"]!;
    try {
      await assert.rejects(check({ name: "Sigmoid (broken)", inputs: { a: X([2, 3], [2, 3]) }, nodes: [{ op: "Sigmoid", in: ["a"] }] }), /finite difference/);
    } finally {
      GRAD_RULES["Sigmoid"] = saved;
    }
  });

  it("names the op and node when a rule is missing", () => {
    const g = buildForward({ name: "erf", inputs: { a: X([2], [2]) }, nodes: [{ op: "Erf", in: ["a"] }] });
    assert.throws(() => differentiate(g, "y0", ["a"]), /no (shape|gradient) rule for op "Erf" in node "n0"/);
  });
});
