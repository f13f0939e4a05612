import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkpointId, decodeCheckpoint, encodeCheckpoint } from "../../worker/checkpoint/index.ts";
import { importMnist, takeSamples, type Dataset } from "../../worker/data/index.ts";
import { buildModel, parseOptimizerSpec } from "../../worker/onnx/index.ts";
import { createStepRunner, defaultProfile, evaluate, ORT_VERSION, trainSteps, type StepGraphSpec } from "../../worker/runtime/index.ts";
import { resetCudaFallbackForTests } from "../../worker/runtime/device.ts";
import type { ModelBundle, NumericsProfile } from "../../worker/types.ts";
import { initialCheckpoint } from "../../cli/commands/model.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
let mnistTest: Dataset | undefined;
const mnist = (): Dataset => (mnistTest ??= importMnist("test"));

function model(arch: string, optimizer: string): { bundle: ModelBundle; spec: StepGraphSpec } {
  const bundle = buildModel({ arch, loss: "cross_entropy", optimizer: parseOptimizerSpec(optimizer), seed: 7 });
  return { bundle, spec: { params: [...bundle.params.keys()], optimizerState: bundle.optimizerState, inputs: bundle.inputs, labels: bundle.labels } };
}

async function trainedId(arch: string, optimizer: string, profile: NumericsProfile, steps: number): Promise<string> {
  const { bundle, spec } = model(arch, optimizer);
  const runner = await createStepRunner(bundle.step, profile, spec);
  runner.load(initialCheckpoint(bundle));
  const { final } = await trainSteps({ runner, spec, dataset: takeSamples(mnist(), 2000), seed: 5n, batchSize: 64, lr: 0.1, steps });
  await runner.release();
  return checkpointId(encodeCheckpoint(final));
}

function child(profile: NumericsProfile, out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", join(root, "test/unit/engine-child.ts"), JSON.stringify(profile), out, "mlp:784-64-10", "adam", "15"], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

test("determinism: the same steps in two separate processes give byte-identical checkpoints", async () => {
  const dir = mkdtempSync(join(tmpdir(), "engine-det-"));
  const profile = defaultProfile({ intraOpThreads: 2 });
  await Promise.all([child(profile, join(dir, "a.safetensors")), child(profile, join(dir, "b.safetensors"))]);
  const a = readFileSync(join(dir, "a.safetensors"));
  const b = readFileSync(join(dir, "b.safetensors"));
  assert.equal(decodeCheckpoint(a).step, 15n);
  assert.ok(a.equals(b), `checkpoints differ: ${checkpointId(a)} vs ${checkpointId(b)}`);
  // And equal to this process's run: same profile, same bits, wherever it runs on this CPU.
  const { bundle, spec } = model("mlp:784-64-10", "adam");
  const runner = await createStepRunner(bundle.step, profile, spec);
  runner.load(initialCheckpoint(bundle));
  const { final } = await trainSteps({ runner, spec, dataset: takeSamples(mnist(), 2000), seed: 5n, batchSize: 64, lr: 0.001, steps: 15 });
  assert.equal(checkpointId(encodeCheckpoint(final)), checkpointId(a));
});

test("determinism: which profile settings matter (measured on this machine, ORT 1.30 CPU)", async () => {
  const base = defaultProfile();
  const at = async (p: Partial<NumericsProfile>): Promise<string> => trainedId("mlp:784-128-10", "sgd", { ...base, ...p }, 8);
  const all1 = await at({ graphOptimizationLevel: "all", intraOpThreads: 1 });
  // Graph optimisation level: part A's step graphs already use Gemm where ORT would fuse
  // MatMul+Add, so 'disabled', 'basic' and 'all' run the same kernels — measured identical. (With
  // graphs that leave MatMul+Add separate, 'disabled' can differ from 'all'; the level stays in
  // the profile for that reason.)
  assert.equal(await at({ graphOptimizationLevel: "disabled" }), all1, "disabled vs all");
  assert.equal(await at({ graphOptimizationLevel: "basic" }), all1, "basic vs all");
  // Thread count: for the MLP at batch 64, MLAS partitions the GEMMs differently with 2 threads
  // and the float sums round differently — measured different bits from 1 thread (the reference
  // notes saw 1–3 threads agree on another graph; do not rely on it). Hence the profile pins it,
  // and equal thread counts always agree.
  const two = await at({ intraOpThreads: 2 });
  assert.notEqual(two, all1, "1 vs 2 threads measured to differ for this MLP");
  assert.equal(await at({ intraOpThreads: 2, graphOptimizationLevel: "disabled" }), two, "2 threads, any level, agree");
});

test("runner: resuming from a decoded checkpoint reproduces an uninterrupted run (what verifiers do)", async () => {
  const { bundle, spec } = model("mlp:784-32-10", "adam");
  const profile = defaultProfile();
  const ds = takeSamples(mnist(), 1000);
  const straight = await createStepRunner(bundle.step, profile, spec);
  straight.load(initialCheckpoint(bundle));
  const full = await trainSteps({ runner: straight, spec, dataset: ds, seed: 9n, batchSize: 32, lr: 0.001, steps: 40 });
  const first = await createStepRunner(bundle.step, profile, spec);
  first.load(initialCheckpoint(bundle));
  const half = await trainSteps({ runner: first, spec, dataset: ds, seed: 9n, batchSize: 32, lr: 0.001, steps: 17 });
  const second = await createStepRunner(bundle.step, profile, spec);
  second.load(decodeCheckpoint(encodeCheckpoint(half.final)));
  assert.equal(second.step, 17n);
  const rest = await trainSteps({ runner: second, spec, dataset: ds, seed: 9n, batchSize: 32, lr: 0.001, steps: 23 });
  assert.deepEqual(encodeCheckpoint(rest.final), encodeCheckpoint(full.final));
  assert.deepEqual(Array.from(rest.losses), Array.from(full.losses.subarray(17)));
  // Loading never aliases the caller's arrays: the input checkpoint is unchanged after training.
  const init = initialCheckpoint(bundle);
  const before = checkpointId(encodeCheckpoint(init));
  const r = await createStepRunner(bundle.step, profile, spec);
  r.load(init);
  await trainSteps({ runner: r, spec, dataset: ds, seed: 9n, batchSize: 32, lr: 0.001, steps: 3 });
  assert.equal(checkpointId(encodeCheckpoint(init)), before);
});

test("runner: contract and input errors are specific", async () => {
  const { bundle, spec } = model("mlp:784-16-10", "sgd");
  const runner = await createStepRunner(bundle.step, defaultProfile(), spec);
  const init = initialCheckpoint(bundle);
  const missing = new Map(init.tensors);
  missing.delete("fc1.weight");
  assert.throws(() => runner.load({ step: 0n, tensors: missing }), /lacks tensor fc1.weight/);
  const wrong = new Map(init.tensors);
  wrong.set("fc1.weight", { dims: [10, 784], data: new Float32Array(7840) });
  assert.throws(() => runner.load({ step: 0n, tensors: wrong }), /shape \[10,784\]; the step graph expects \[16,784\]/);
  const extra = new Map(init.tensors);
  extra.set("junk", { dims: [1], data: new Float32Array(1) });
  assert.throws(() => runner.load({ step: 0n, tensors: extra }), /tensor junk that the step graph does not use/);
  await assert.rejects(runner.run({ inputs: {}, labels: { dims: [1], data: new BigInt64Array(1) } }, 0.1), /no state loaded/);
  await assert.rejects(createStepRunner(bundle.step, defaultProfile(), { ...spec, optimizerState: ["fc1.weight.m"] }), /lacks inputs fc1.weight.m/);
  await assert.rejects(createStepRunner(bundle.step, { ...defaultProfile(), intraOpThreads: 0 }, spec), /intraOpThreads 0/);
});

test("profile: a different onnxruntime version is refused (or warned about when asked)", async () => {
  const { bundle, spec } = model("mlp:784-16-10", "sgd");
  const old = { ...defaultProfile(), ortVersion: "1.29.0" };
  await assert.rejects(createStepRunner(bundle.step, old, spec), new RegExp(`recorded with onnxruntime 1.29.0 but ${ORT_VERSION.replace(/\./g, "\\.")} is installed`));
  const warnings: string[] = [];
  const r = await createStepRunner(bundle.step, old, spec, { versionPolicy: "warn", warn: (l) => warnings.push(l) });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] as string, /^warning: numerics profile was recorded with onnxruntime 1\.29\.0/);
  assert.equal(r.profile.ortVersion, "1.29.0");
  assert.equal(defaultProfile().ortVersion, ORT_VERSION);
});

test("device: --device cuda on a machine without the CUDA provider falls back to CPU with one warning", async () => {
  resetCudaFallbackForTests();
  const { bundle, spec } = model("mlp:784-16-10", "sgd");
  const warnings: string[] = [];
  const warn = (l: string): void => void warnings.push(l);
  const cuda = defaultProfile({ executionProvider: "cuda" });
  const r1 = await createStepRunner(bundle.step, cuda, spec, { warn });
  const r2 = await createStepRunner(bundle.step, cuda, spec, { warn });
  assert.equal(warnings.length, 1, `one warning per process, got: ${warnings.join(" | ")}`);
  assert.match(warnings[0] as string, /^warning: CUDA execution provider unavailable \(.+\); falling back to CPU/);
  assert.ok(!(warnings[0] as string).includes("\n"), "a single line");
  assert.equal(r1.profile.executionProvider, "cpu");
  assert.equal(r2.profile.executionProvider, "cpu");
  // The fallback runs the CPU kernels: same bits as a CPU profile.
  const init = initialCheckpoint(bundle);
  r1.load(init);
  const cpu = await createStepRunner(bundle.step, defaultProfile(), spec);
  cpu.load(init);
  const ds = takeSamples(mnist(), 256);
  const a = await trainSteps({ runner: r1, spec, dataset: ds, seed: 1n, batchSize: 64, lr: 0.1, steps: 3 });
  const b = await trainSteps({ runner: cpu, spec, dataset: ds, seed: 1n, batchSize: 64, lr: 0.1, steps: 3 });
  assert.deepEqual(encodeCheckpoint(a.final), encodeCheckpoint(b.final));
});

test("training: an MLP on an MNIST subset learns well above chance", async () => {
  const { bundle, spec } = model("mlp:784-64-10", "sgd");
  const profile = defaultProfile();
  const runner = await createStepRunner(bundle.step, profile, spec);
  runner.load(initialCheckpoint(bundle));
  const train = importMnist("train");
  const subset = takeSamples(train, 12000);
  const { losses } = await trainSteps({ runner, spec, dataset: subset, seed: 3n, batchSize: 64, lr: 0.1, steps: 300 });
  const mean = (a: Float32Array): number => a.reduce((x, y) => x + y, 0) / a.length;
  assert.ok(mean(losses.subarray(250)) < mean(losses.subarray(0, 20)) / 3, "loss falls");
  const r = await evaluate({
    forward: bundle.forward, params: runner.params(), input: bundle.inputs[0] as ModelBundle["inputs"][number], labels: bundle.labels,
    output: bundle.output, loss: "cross_entropy", dataset: takeSamples(mnist(), 2000), profile,
  });
  assert.ok((r.accuracy ?? 0) > 0.85, `accuracy ${r.accuracy} (chance is 0.1)`);
});
