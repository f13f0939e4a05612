// One optimizer step of the emitted step graph in onnxruntime-node against an independent
// float64 reference written with plain loops, and whole step graphs against the interpreter.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ModelBundle, OptimizerSpec } from "../../worker/types.ts";
import { buildModel, decodeModel } from "../../worker/onnx/index.ts";
import { interpret, type F64Tensor } from "../../worker/onnx/interpret.ts";
import { intTensor, randTensor, relErr, rng, runOrt } from "./onnx-helpers.ts";

const IN = 784, H = 32, OUT = 10, B = 8;

interface Ref { loss: number; next: Map<string, Float64Array> }

/** Plain-loop float64 MLP (Gemm transB, ReLU, Gemm) + cross-entropy + optimizer. */
function reference(p: Map<string, Float64Array>, state: Map<string, Float64Array>, x: Float64Array, labels: number[], lr: number, step: number, opt: OptimizerSpec): Ref {
  const w1 = p.get("fc1.weight")!, b1 = p.get("fc1.bias")!, w2 = p.get("fc2.weight")!, b2 = p.get("fc2.bias")!;
  const pre = new Float64Array(B * H), h = new Float64Array(B * H), z = new Float64Array(B * OUT);
  for (let n = 0; n < B; n++) for (let j = 0; j < H; j++) {
    let s = b1[j]!;
    for (let i = 0; i < IN; i++) s += x[n * IN + i]! * w1[j * IN + i]!;
    pre[n * H + j] = s;
    h[n * H + j] = Math.max(0, s);
  }
  for (let n = 0; n < B; n++) for (let k = 0; k < OUT; k++) {
    let s = b2[k]!;
    for (let j = 0; j < H; j++) s += h[n * H + j]! * w2[k * H + j]!;
    z[n * OUT + k] = s;
  }
  let loss = 0;
  const dz = new Float64Array(B * OUT);
  for (let n = 0; n < B; n++) {
    let mx = -Infinity;
    for (let k = 0; k < OUT; k++) mx = Math.max(mx, z[n * OUT + k]!);
    let se = 0;
    for (let k = 0; k < OUT; k++) se += Math.exp(z[n * OUT + k]! - mx);
    const lse = mx + Math.log(se);
    loss -= (z[n * OUT + labels[n]!]! - lse) / B;
    for (let k = 0; k < OUT; k++) dz[n * OUT + k] = (Math.exp(z[n * OUT + k]! - lse) - (k === labels[n] ? 1 : 0)) / B;
  }
  const g = new Map<string, Float64Array>([
    ["fc1.weight", new Float64Array(H * IN)], ["fc1.bias", new Float64Array(H)],
    ["fc2.weight", new Float64Array(OUT * H)], ["fc2.bias", new Float64Array(OUT)],
  ]);
  const dpre = new Float64Array(B * H);
  for (let n = 0; n < B; n++) for (let k = 0; k < OUT; k++) {
    const d = dz[n * OUT + k]!;
    g.get("fc2.bias")![k] += d;
    for (let j = 0; j < H; j++) {
      g.get("fc2.weight")![k * H + j] += d * h[n * H + j]!;
      dpre[n * H + j] += d * w2[k * H + j]!;
    }
  }
  for (let n = 0; n < B; n++) for (let j = 0; j < H; j++) {
    const d = pre[n * H + j]! > 0 ? dpre[n * H + j]! : 0;
    g.get("fc1.bias")![j] += d;
    for (let i = 0; i < IN; i++) g.get("fc1.weight")![j * IN + i] += d * x[n * IN + i]!;
  }
  const next = new Map<string, Float64Array>();
  for (const [name, w] of p) {
    const gr = g.get(name)!.map((v, i) => v + (opt.weightDecay ?? 0) * w[i]!);
    if (opt.kind === "sgd") {
      next.set(`${name}.next`, w.map((v, i) => v - lr * gr[i]!));
    } else if (opt.kind === "momentum") {
      const m = state.get(`${name}.m`)!.map((v, i) => opt.momentum * v + gr[i]!);
      next.set(`${name}.m.next`, m);
      next.set(`${name}.next`, w.map((v, i) => v - lr * m[i]!));
    } else {
      const t = step + 1;
      const m = state.get(`${name}.m`)!.map((v, i) => opt.beta1 * v + (1 - opt.beta1) * gr[i]!);
      const v2 = state.get(`${name}.v`)!.map((v, i) => opt.beta2 * v + (1 - opt.beta2) * gr[i]! * gr[i]!);
      next.set(`${name}.m.next`, m);
      next.set(`${name}.v.next`, v2);
      const bc1 = 1 - Math.pow(opt.beta1, t), bc2 = 1 - Math.pow(opt.beta2, t);
      next.set(`${name}.next`, w.map((val, i) => val - lr * (m[i]! / bc1) / (Math.sqrt(v2[i]! / bc2) + opt.epsilon)));
    }
  }
  return { loss, next };
}

function f64(a: Float32Array, dims: number[]): F64Tensor {
  return { dtype: "float64", dims, data: Float64Array.from(a) };
}

async function stepCase(opt: OptimizerSpec, step: number, lr: number): Promise<void> {
  const bundle = buildModel({ arch: `mlp:${IN}-${H}-${OUT}`, loss: "cross_entropy", optimizer: opt, seed: 7 });
  const rand = rng(99);
  const feeds = new Map<string, F64Tensor>();
  const params = new Map<string, Float64Array>();
  const state = new Map<string, Float64Array>();
  for (const [name, t] of bundle.params) {
    feeds.set(name, f64(t.data, t.dims));
    params.set(name, Float64Array.from(t.data));
  }
  for (const s of bundle.optimizerState) {
    const dims = bundle.params.get(s.slice(0, -2))!.dims;
    // Nonzero state exercises the moving averages; v must be positive.
    const t = randTensor(rand, dims, s.endsWith(".v") ? 0 : -0.01, 0.01);
    feeds.set(s, t);
    state.set(s, t.data);
  }
  const x = randTensor(rand, [B, IN], 0, 1);
  const labels = Array.from({ length: B }, (_, i) => (i * 3) % OUT);
  feeds.set("input", x);
  feeds.set("labels", intTensor([B], labels));
  feeds.set("step", intTensor([], [step]));
  feeds.set("lr", { dtype: "float64", dims: [], data: Float64Array.of(Math.fround(lr)) });

  const ref = reference(params, state, x.data, labels, Math.fround(lr), step, opt);
  const out = await runOrt(bundle.step, decodeModel(bundle.step).graph, feeds);
  assert.ok(relErr(out.get("loss")!.data, [ref.loss]) <= 1e-5, `loss ${out.get("loss")!.data[0]} vs ${ref.loss}`);
  assert.equal(out.size, ref.next.size + 1, "one output per parameter and state tensor, plus loss");
  for (const [name, want] of ref.next) {
    const got = out.get(name);
    assert.ok(got !== undefined, `missing output ${name}`);
    const e = relErr(got.data, want);
    assert.ok(e <= 1e-5, `${name}: relative error ${e}`);
    if (name.endsWith(".next") && !name.endsWith(".m.next") && !name.endsWith(".v.next")) {
      // The update itself (next − param), not only the parameter, must match.
      const p = params.get(name.slice(0, -5))!;
      const de = relErr(got.data.map((v, i) => v - p[i]!), want.map((v, i) => v - p[i]!));
      assert.ok(de <= 2e-3, `${name}: update relative error ${de}`);
    }
  }
}

describe("MLP step in onnxruntime vs plain float64 reference", () => {
  it("SGD", async () => { await stepCase({ kind: "sgd" }, 0, 0.1); });
  it("SGD with weight decay", async () => { await stepCase({ kind: "sgd", weightDecay: 0.01 }, 0, 0.1); });
  it("momentum with weight decay", async () => { await stepCase({ kind: "momentum", momentum: 0.9, weightDecay: 1e-3 }, 5, 0.05); });
  it("Adam first step (step=0)", async () => { await stepCase({ kind: "adam", beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, 0, 1e-3); });
  it("Adam later step with state and weight decay", async () => { await stepCase({ kind: "adam", beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 1e-2 }, 3, 1e-2); });
});

async function vsInterpreter(bundle: ModelBundle, labels: F64Tensor, batch: number): Promise<void> {
  const rand = rng(5);
  const feeds = new Map<string, F64Tensor>();
  for (const [name, t] of bundle.params) feeds.set(name, f64(t.data, t.dims));
  for (const s of bundle.optimizerState) feeds.set(s, randTensor(rand, bundle.params.get(s.slice(0, -2))!.dims, 0, 0.01));
  for (const inp of bundle.inputs) feeds.set(inp.name, randTensor(rand, inp.dims.map((d) => (d < 0 ? batch : d))));
  feeds.set("labels", labels);
  feeds.set("step", intTensor([], [2]));
  feeds.set("lr", { dtype: "float64", dims: [], data: Float64Array.of(Math.fround(0.05)) });
  const g = decodeModel(bundle.step).graph;
  const env = interpret(g, feeds);
  const out = await runOrt(bundle.step, g, feeds);
  assert.equal(out.size, g.outputs.length);
  for (const o of g.outputs) {
    const e = relErr(out.get(o.name)!.data, env.get(o.name)!.data);
    assert.ok(e <= 1e-4, `${o.name}: ORT vs float64 interpreter relative error ${e}`);
  }
}

describe("whole step graphs: onnxruntime (float32) vs float64 interpreter", () => {
  it("small CNN, cross-entropy, Adam", async () => {
    const b = buildModel({ arch: "cnn:12x12x1-c4-c3-16-5", loss: "cross_entropy", optimizer: { kind: "adam", beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, seed: 3 });
    await vsInterpreter(b, intTensor([3], [0, 4, 2]), 3);
  });
  it("MLP, MSE, momentum with weight decay", async () => {
    const b = buildModel({ arch: "mlp:6-5-4-3", loss: "mse", optimizer: { kind: "momentum", momentum: 0.9, weightDecay: 1e-3 }, seed: 4 });
    assert.deepEqual(b.labels, { name: "labels", dims: [-1, 3], dtype: "float32" });
    await vsInterpreter(b, randTensor(rng(8), [5, 3]), 5);
  });
  it("logreg, cross-entropy, SGD", async () => {
    const b = buildModel({ arch: "logreg:20-4", loss: "cross_entropy", optimizer: { kind: "sgd" }, seed: 4 });
    await vsInterpreter(b, intTensor([4], [3, 2, 1, 0]), 4);
  });
});
