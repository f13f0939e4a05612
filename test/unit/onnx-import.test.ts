// Import/export of forward models, model specs, optimizer strings and error messages.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { buildModel, decodeModel, encodeModel, exportInferenceModel, importForwardModel, parseOptimizerSpec } from "../../worker/onnx/index.ts";
import { interpret, type F64Tensor } from "../../worker/onnx/interpret.ts";
import type { Float32Tensor, OptimizerSpec } from "../../worker/types.ts";
import { A } from "../../worker/onnx/builder.ts";
import type { Graph, Model, TensorValue } from "../../worker/onnx/ir.ts";
import { intTensor, randTensor, relErr, rng, runOrt } from "./onnx-helpers.ts";

const SGD: OptimizerSpec = { kind: "sgd" };
const ADAM: OptimizerSpec = { kind: "adam", beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

function f64(t: Float32Tensor): F64Tensor {
  return { dtype: "float64", dims: [...t.dims], data: Float64Array.from(t.data) };
}

/** Runs one step in ORT and returns the new parameters. */
async function trainOneStep(bundle: ReturnType<typeof buildModel>, batch: number): Promise<Map<string, Float32Tensor>> {
  const feeds = new Map<string, F64Tensor>();
  for (const [k, t] of bundle.params) feeds.set(k, f64(t));
  for (const s of bundle.optimizerState) feeds.set(s, { dtype: "float64", dims: [...bundle.params.get(s.slice(0, -2))!.dims], data: new Float64Array(bundle.params.get(s.slice(0, -2))!.data.length) });
  for (const i of bundle.inputs) feeds.set(i.name, randTensor(rng(1), i.dims.map((d) => (d < 0 ? batch : d))));
  feeds.set("labels", intTensor([batch], Array.from({ length: batch }, (_, i) => i % 3)));
  feeds.set("step", intTensor([], [0]));
  feeds.set("lr", { dtype: "float64", dims: [], data: Float64Array.of(0.1) });
  const out = await runOrt(bundle.step, decodeModel(bundle.step).graph, feeds);
  assert.ok(Number.isFinite(out.get("loss")!.data[0]!));
  const next = new Map<string, Float32Tensor>();
  for (const k of bundle.params.keys()) next.set(k, { dims: [...bundle.params.get(k)!.dims], data: Float32Array.from(out.get(`${k}.next`)!.data) });
  return next;
}

/** A model shaped like torch.onnx.export output: initializers, Identity-wrapped weight, Constant shape. */
function pytorchStyle(opset: number, extra?: (g: Graph) => void): Uint8Array {
  const rand = rng(3);
  const w = (dims: number[]): TensorValue => ({ dtype: "float32", dims, data: Float32Array.from(randTensor(rand, dims, -0.3, 0.3).data) });
  const g: Graph = {
    name: "main_graph",
    inputs: [{ name: "input.1", dtype: "float32", shape: ["batch_size", 2, 3, 3] }],
    outputs: [{ name: "output", dtype: "float32", shape: ["batch_size", 3] }],
    initializers: new Map<string, TensorValue>([
      ["fc1.weight", w([8, 18])], ["fc1.bias", w([8])], ["fc2.weight", w([3, 8])], ["fc2.bias", w([3])],
      ["onnx::Reshape_9", { dtype: "int64", dims: [2], data: BigInt64Array.of(0n, -1n) }],
    ]),
    nodes: [
      { opType: "Flatten", name: "/Flatten", inputs: ["input.1"], outputs: ["/Flatten_output_0"], attrs: { axis: A.i(1) } },
      { opType: "Constant", name: "/Constant", inputs: [], outputs: ["/Constant_output_0"], attrs: { value: A.t({ dtype: "int64", dims: [2], data: BigInt64Array.of(-1n, 18n) }) } },
      { opType: "Reshape", name: "/Reshape", inputs: ["/Flatten_output_0", "/Constant_output_0"], outputs: ["/Reshape_output_0"], attrs: {} },
      { opType: "Gemm", name: "/fc1/Gemm", inputs: ["/Reshape_output_0", "fc1.weight", "fc1.bias"], outputs: ["/fc1/Gemm_output_0"], attrs: { alpha: A.f(1), beta: A.f(1), transB: A.i(1) } },
      { opType: "Relu", name: "/Relu", inputs: ["/fc1/Gemm_output_0"], outputs: ["/Relu_output_0"], attrs: {} },
      { opType: "Dropout", name: "/dropout/Dropout", inputs: ["/Relu_output_0"], outputs: ["/dropout/Dropout_output_0"], attrs: {} },
      { opType: "Reshape", name: "/Reshape_1", inputs: ["/dropout/Dropout_output_0", "onnx::Reshape_9"], outputs: ["/Reshape_1_output_0"], attrs: {} },
      { opType: "Identity", name: "/Identity", inputs: ["fc2.weight"], outputs: ["onnx::MatMul_20"], attrs: {} },
      { opType: "Transpose", name: "/fc2/Transpose", inputs: ["onnx::MatMul_20"], outputs: ["/fc2/T"], attrs: { perm: A.ints([1, 0]) } },
      { opType: "MatMul", name: "/fc2/MatMul", inputs: ["/Reshape_1_output_0", "/fc2/T"], outputs: ["/fc2/MatMul_output_0"], attrs: {} },
      { opType: "Add", name: "/fc2/Add", inputs: ["fc2.bias", "/fc2/MatMul_output_0"], outputs: ["output"], attrs: {} },
    ],
  };
  extra?.(g);
  const m: Model = { graph: g, opset, irVersion: 8, producerName: "pytorch" };
  return encodeModel(m);
}

describe("model specs", () => {
  it("builds logreg, mlp (several hidden layers) and cnn with the documented parameters", () => {
    const lr = buildModel({ arch: "logreg:784-10", loss: "cross_entropy", optimizer: SGD, seed: 1 });
    assert.deepEqual([...lr.params.keys()], ["fc1.bias", "fc1.weight"]);
    assert.deepEqual(lr.params.get("fc1.weight")!.dims, [10, 784]);
    const mlp = buildModel({ arch: "mlp:784-256-128-10", loss: "cross_entropy", optimizer: ADAM, seed: 1 });
    assert.deepEqual([...mlp.params.keys()], ["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight", "fc3.bias", "fc3.weight"]);
    assert.equal(mlp.optimizerState.length, 12);
    assert.equal(mlp.flopsPerSample, 6 * (784 * 256 + 256 * 128 + 128 * 10));
    assert.deepEqual(mlp.inputs, [{ name: "input", dims: [-1, 784], dtype: "float32" }]);
    assert.deepEqual(mlp.labels, { name: "labels", dims: [-1], dtype: "int64" });
    assert.equal(mlp.output, "logits");
    const cnn = buildModel({ arch: "cnn:28x28x1-10", loss: "cross_entropy", optimizer: SGD, seed: 1 });
    assert.deepEqual(cnn.inputs[0]!.dims, [-1, 1, 28, 28]);
    assert.deepEqual(cnn.params.get("conv2.weight")!.dims, [16, 6, 5, 5]);
    assert.deepEqual(cnn.params.get("fc1.weight")!.dims, [120, 16 * 7 * 7]);
    assert.equal(decodeModel(cnn.forward).graph.initializers.size, 0, "forward graph has params as inputs, no initializers");
  });

  it("is deterministic in the seed", () => {
    const a = buildModel({ arch: "mlp:20-8-3", loss: "cross_entropy", optimizer: ADAM, seed: 42 });
    const b = buildModel({ arch: "mlp:20-8-3", loss: "cross_entropy", optimizer: ADAM, seed: 42 });
    const c = buildModel({ arch: "mlp:20-8-3", loss: "cross_entropy", optimizer: ADAM, seed: 43 });
    assert.deepEqual(a.step, b.step);
    assert.deepEqual(a.forward, b.forward);
    assert.deepEqual(a.params.get("fc1.weight")!.data, b.params.get("fc1.weight")!.data);
    assert.notDeepEqual(a.params.get("fc1.weight")!.data, c.params.get("fc1.weight")!.data);
    // He-uniform bound for a ReLU layer with fan-in 20.
    const bound = Math.sqrt(6 / 20);
    assert.ok(a.params.get("fc1.weight")!.data.every((v) => Math.abs(v) <= bound));
  });

  it("rejects bad specs with the expected grammar", () => {
    assert.throws(() => buildModel({ arch: "mlp:784", loss: "cross_entropy", optimizer: SGD, seed: 1 }), /bad model spec "mlp:784".*expected/);
    assert.throws(() => buildModel({ arch: "rnn:1-2", loss: "cross_entropy", optimizer: SGD, seed: 1 }), /unknown model kind "rnn"/);
    assert.throws(() => buildModel({ arch: "mlp:784-x-10", loss: "cross_entropy", optimizer: SGD, seed: 1 }), /"x" is not a positive integer/);
  });
});

describe("optimizer strings", () => {
  it("parses sgd, momentum, adam with overrides", () => {
    assert.deepEqual(parseOptimizerSpec("sgd"), { kind: "sgd" });
    assert.deepEqual(parseOptimizerSpec("momentum"), { kind: "momentum", momentum: 0.9 });
    assert.deepEqual(parseOptimizerSpec("adam"), ADAM);
    assert.deepEqual(parseOptimizerSpec("adam:beta2=0.99,wd=1e-4"), { ...ADAM, beta2: 0.99, weightDecay: 1e-4 });
    assert.throws(() => parseOptimizerSpec("rmsprop"), /unknown optimizer "rmsprop"/);
    assert.throws(() => parseOptimizerSpec("sgd:beta1=0.9"), /bad optimizer option "beta1=0.9"/);
  });
});

describe("export and import", () => {
  it("exported inference model runs in ORT, re-imports, trains a step and re-exports", async () => {
    const bundle = buildModel({ arch: "cnn:12x12x1-c4-16-3", loss: "cross_entropy", optimizer: ADAM, seed: 9 });
    const exported = exportInferenceModel(bundle.forward, bundle.params);
    const eg = decodeModel(exported).graph;
    assert.deepEqual(eg.inputs.map((i) => i.name), ["input"]);
    const x = randTensor(rng(2), [2, 1, 12, 12]);
    const logits = (await runOrt(exported, eg, new Map([["input", x]]))).get("logits")!;
    const want = interpret(eg, new Map([["input", x]])).get("logits")!;
    assert.deepEqual(logits.dims, [2, 3]);
    assert.ok(relErr(logits.data, want.data) < 1e-5);

    const imported = importForwardModel(exported, { loss: "cross_entropy", optimizer: ADAM });
    assert.deepEqual([...imported.params.keys()], [...bundle.params.keys()]);
    for (const [k, t] of bundle.params) assert.deepEqual(imported.params.get(k)!.data, t.data);
    assert.deepEqual(imported.inputs, bundle.inputs);
    assert.equal(imported.flopsPerSample, bundle.flopsPerSample);
    const next = await trainOneStep(imported, 2);
    assert.notDeepEqual(next.get("fc1.weight")!.data, bundle.params.get("fc1.weight")!.data);
    const again = exportInferenceModel(imported.forward, next);
    const out = (await runOrt(again, decodeModel(again).graph, new Map([["input", x]]))).get("logits")!;
    assert.deepEqual(out.dims, [2, 3]);
  });

  for (const opset of [13, 17, 18]) {
    it(`imports a PyTorch-style model (opset ${opset}) and trains a step`, async () => {
      const b = importForwardModel(pytorchStyle(opset), { loss: "cross_entropy", optimizer: SGD });
      assert.deepEqual([...b.params.keys()], ["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"]);
      assert.deepEqual(b.inputs, [{ name: "input.1", dims: [-1, 2, 3, 3], dtype: "float32" }]);
      assert.equal(b.output, "output");
      assert.equal(decodeModel(b.forward).graph.initializers.size, 0);
      await trainOneStep(b, 4);
    });
  }

  it("imports opset 13 ReduceMean with axes as an attribute", async () => {
    const bytes = pytorchStyle(13, (g) => {
      const last = g.nodes[g.nodes.length - 1]!;
      last.outputs = ["pre"];
      g.nodes.push({ opType: "Mul", name: "/sq", inputs: ["pre", "pre"], outputs: ["sq"], attrs: {} });
      g.nodes.push({ opType: "ReduceMean", name: "/mean", inputs: ["sq"], outputs: ["m"], attrs: { axes: A.ints([1]), keepdims: A.i(1) } });
      g.nodes.push({ opType: "Sub", name: "/out", inputs: ["pre", "m"], outputs: ["output"], attrs: {} });
    });
    await trainOneStep(importForwardModel(bytes, { loss: "cross_entropy", optimizer: SGD }), 3);
  });
});

describe("bad input", () => {
  it("corrupt or non-ONNX bytes give a one-line error", () => {
    const opts = { loss: "cross_entropy" as const, optimizer: SGD };
    for (const bytes of [new TextEncoder().encode("hello, this is not a model"), Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff), new Uint8Array(0), pytorchStyle(18).slice(0, 200)]) {
      assert.throws(() => importForwardModel(bytes, opts), (e: Error) => /^not an ONNX model/.test(e.message) && !e.message.includes("\n"));
    }
  });

  it("an unsupported op names the op type and the node", () => {
    const bytes = pytorchStyle(18, (g) => {
      g.nodes.splice(4, 0, { opType: "LSTM", name: "/lstm/LSTM", inputs: ["/fc1/Gemm_output_0"], outputs: ["lstm_out"], attrs: {} });
    });
    assert.throws(() => importForwardModel(bytes, { loss: "cross_entropy", optimizer: SGD }), /^Error: unsupported op "LSTM" in node "\/lstm\/LSTM" \(supported: .*Conv.*Gemm.*\)$/);
  });

  it("an unsupported opset is a clear error", () => {
    assert.throws(() => importForwardModel(pytorchStyle(11), { loss: "cross_entropy", optimizer: SGD }), /unsupported ONNX opset 11 \(supported: 13–18/);
  });
});
