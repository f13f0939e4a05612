// Test/bench fixtures for the engine: a minimal ONNX protobuf writer and hand-derived graphs
// (a logistic-regression SGD step, a MatMul for the GFLOP/s ceiling). They let the runner be tested
// independently of worker/onnx (the autodiff builder).

type Attr = { name: string; i?: number; f?: number; ints?: number[]; t?: InitTensor };
interface Node { op: string; inputs: string[]; outputs: string[]; attrs?: Attr[] }
interface InitTensor { name: string; dims: number[]; dtype: "float32" | "int64"; data: Float32Array | BigInt64Array }
interface ValueInfo { name: string; dtype: "float32" | "int64"; dims: (number | string)[] }

class PbWriter {
  private readonly parts: number[] = [];
  varint(v: number | bigint): this {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.parts.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.parts.push(Number(x));
    return this;
  }
  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }
  uint(field: number, v: number | bigint): this {
    return this.tag(field, 0).varint(v);
  }
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2).varint(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  str(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  float(field: number, f: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, f, true);
    this.tag(field, 5);
    for (const x of b) this.parts.push(x);
    return this;
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

const DT = { float32: 1, int64: 7 } as const;

function tensorProto(t: InitTensor): Uint8Array {
  const w = new PbWriter();
  for (const d of t.dims) w.uint(1, d);
  w.uint(2, DT[t.dtype]).str(8, t.name);
  w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return w.finish();
}

function valueInfo(v: ValueInfo): Uint8Array {
  const shape = new PbWriter();
  for (const d of v.dims) {
    const dim = new PbWriter();
    if (typeof d === "number") dim.uint(1, d);
    else dim.str(2, d);
    shape.bytes(1, dim.finish());
  }
  const tt = new PbWriter().uint(1, DT[v.dtype]).bytes(2, shape.finish()).finish();
  const type = new PbWriter().bytes(1, tt).finish();
  return new PbWriter().str(1, v.name).bytes(2, type).finish();
}

/** Encode an ONNX model (IR 8, opset 18). */
export function encodeOnnx(g: { nodes: Node[]; inputs: ValueInfo[]; outputs: ValueInfo[]; initializers?: InitTensor[] }): Uint8Array {
  const graph = new PbWriter();
  g.nodes.forEach((n, idx) => {
    const w = new PbWriter();
    for (const i of n.inputs) w.str(1, i);
    for (const o of n.outputs) w.str(2, o);
    w.str(3, `n${idx}`).str(4, n.op);
    for (const a of n.attrs ?? []) {
      const aw = new PbWriter().str(1, a.name);
      if (a.f !== undefined) aw.float(2, a.f).uint(20, 1);
      else if (a.i !== undefined) aw.uint(3, a.i).uint(20, 2);
      else if (a.t !== undefined) aw.bytes(5, tensorProto(a.t)).uint(20, 4);
      else if (a.ints !== undefined) {
        for (const v of a.ints) aw.uint(8, v);
        aw.uint(20, 7);
      }
      w.bytes(5, aw.finish());
    }
    graph.bytes(1, w.finish());
  });
  graph.str(2, "g");
  for (const t of g.initializers ?? []) graph.bytes(5, tensorProto(t));
  for (const v of g.inputs) graph.bytes(11, valueInfo(v));
  for (const v of g.outputs) graph.bytes(12, valueInfo(v));
  const opset = new PbWriter().str(1, "").uint(2, 18).finish();
  return new PbWriter().uint(1, 8).str(2, "trainchain-test").bytes(7, graph.finish()).bytes(8, opset).finish();
}

const i64 = (name: string, values: number[], dims: number[]): InitTensor => ({
  name,
  dims,
  dtype: "int64",
  data: BigInt64Array.from(values.map((v) => BigInt(v))),
});

/**
 * Logistic regression (x [B, F] → logits [B, C]) with cross-entropy and plain SGD, derived by
 * hand: dlogits = (softmax − onehot)/B, dW = xᵀ·dlogits, db = Σ_B dlogits. Follows the step-graph
 * contract (params `w`, `b`; inputs step, lr, x, labels; outputs w.next, b.next, loss).
 */
export function logregSgdStep(features: number, classes: number): { step: Uint8Array; forward: Uint8Array } {
  const nodes: Node[] = [
    { op: "MatMul", inputs: ["x", "w"], outputs: ["xw"] },
    { op: "Add", inputs: ["xw", "b"], outputs: ["logits"] },
    { op: "LogSoftmax", inputs: ["logits"], outputs: ["logp"], attrs: [{ name: "axis", i: 1 }] },
    { op: "OneHot", inputs: ["labels", "depth", "onehot_values"], outputs: ["onehot"], attrs: [{ name: "axis", i: -1 }] },
    { op: "Shape", inputs: ["x"], outputs: ["xshape"] },
    { op: "Gather", inputs: ["xshape", "zero"], outputs: ["batch_i"], attrs: [{ name: "axis", i: 0 }] },
    { op: "Cast", inputs: ["batch_i"], outputs: ["batch_f"], attrs: [{ name: "to", i: 1 }] },
    { op: "Mul", inputs: ["onehot", "logp"], outputs: ["picked"] },
    { op: "ReduceSum", inputs: ["picked"], outputs: ["picked_sum"], attrs: [{ name: "keepdims", i: 0 }] },
    { op: "Neg", inputs: ["picked_sum"], outputs: ["nll_sum"] },
    { op: "Div", inputs: ["nll_sum", "batch_f"], outputs: ["loss"] },
    { op: "Exp", inputs: ["logp"], outputs: ["probs"] },
    { op: "Sub", inputs: ["probs", "onehot"], outputs: ["dl_sum"] },
    { op: "Div", inputs: ["dl_sum", "batch_f"], outputs: ["dlogits"] },
    { op: "Gemm", inputs: ["x", "dlogits"], outputs: ["dw"], attrs: [{ name: "transA", i: 1 }] },
    { op: "ReduceSum", inputs: ["dlogits", "axis0"], outputs: ["db"], attrs: [{ name: "keepdims", i: 0 }] },
    { op: "Mul", inputs: ["dw", "lr"], outputs: ["dw_lr"] },
    { op: "Sub", inputs: ["w", "dw_lr"], outputs: ["w.next"] },
    { op: "Mul", inputs: ["db", "lr"], outputs: ["db_lr"] },
    { op: "Sub", inputs: ["b", "db_lr"], outputs: ["b.next"] },
  ];
  const initializers: InitTensor[] = [
    i64("depth", [classes], []),
    { name: "onehot_values", dims: [2], dtype: "float32", data: Float32Array.of(0, 1) },
    i64("zero", [0], []),
    i64("axis0", [0], [1]),
  ];
  const step = encodeOnnx({
    nodes,
    initializers,
    inputs: [
      { name: "w", dtype: "float32", dims: [features, classes] },
      { name: "b", dtype: "float32", dims: [classes] },
      { name: "step", dtype: "int64", dims: [] },
      { name: "lr", dtype: "float32", dims: [] },
      { name: "x", dtype: "float32", dims: ["B", features] },
      { name: "labels", dtype: "int64", dims: ["B"] },
    ],
    outputs: [
      { name: "w.next", dtype: "float32", dims: [features, classes] },
      { name: "b.next", dtype: "float32", dims: [classes] },
      { name: "loss", dtype: "float32", dims: [] },
    ],
  });
  const forward = encodeOnnx({
    nodes: nodes.slice(0, 2),
    inputs: [
      { name: "w", dtype: "float32", dims: [features, classes] },
      { name: "b", dtype: "float32", dims: [classes] },
      { name: "x", dtype: "float32", dims: ["B", features] },
    ],
    outputs: [{ name: "logits", dtype: "float32", dims: ["B", classes] }],
  });
  return { step, forward };
}

/** C = A·B for [m,k]·[k,n]: the GFLOP/s ceiling of the same ORT build and thread count. */
export function matmulGraph(m: number, k: number, n: number): Uint8Array {
  return encodeOnnx({
    nodes: [{ op: "MatMul", inputs: ["a", "b"], outputs: ["c"] }],
    inputs: [
      { name: "a", dtype: "float32", dims: [m, k] },
      { name: "b", dtype: "float32", dims: [k, n] },
    ],
    outputs: [{ name: "c", dtype: "float32", dims: [m, n] }],
  });
}

/** The MNIST logistic-regression step graph with its runner spec and a seeded initial state. */
export function logregFixture(): {
  step: Uint8Array;
  forward: Uint8Array;
  spec: { params: string[]; optimizerState: string[]; inputs: { name: string; dims: number[]; dtype: "float32" }[]; labels: { name: string; dims: number[]; dtype: "int64" } };
  init: { step: bigint; tensors: Map<string, { dims: number[]; data: Float32Array }> };
} {
  const { step, forward } = logregSgdStep(784, 10);
  // Small deterministic non-zero weights (an LCG, not Math.random) so sums have mixed signs.
  const w = new Float32Array(7840);
  let s = 12345;
  for (let i = 0; i < w.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    w[i] = ((s >>> 8) / 2 ** 24 - 0.5) * 0.02;
  }
  return {
    step,
    forward,
    spec: { params: ["b", "w"], optimizerState: [], inputs: [{ name: "x", dims: [-1, 784], dtype: "float32" }], labels: { name: "labels", dims: [-1], dtype: "int64" } },
    init: { step: 0n, tensors: new Map([["w", { dims: [784, 10], data: w }], ["b", { dims: [10], data: new Float32Array(10) }]]) },
  };
}
