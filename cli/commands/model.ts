// `trainchain model build|import|train|eval`: local model preparation, training and evaluation.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildModel, importForwardModel, parseOptimizerSpec } from "../../worker/onnx/index.ts";
import { loadCheckpoint, saveCheckpoint, type Checkpoint } from "../../worker/checkpoint/index.ts";
import { importMnist, loadDataset, type Dataset } from "../../worker/data/index.ts";
import { createStepRunner, defaultProfile, evaluate, trainSteps, type StepGraphSpec } from "../../worker/runtime/index.ts";
import type { Float32Tensor, InputSpec, LossKind, ModelBundle, NumericsProfile, OptimizerSpec } from "../../worker/types.ts";
import { flagString, parseFlags, requireFlag, type ParsedFlags } from "../args.ts";

// ---------------------------------------------------------------------------------------------
// Flags

function int(f: ParsedFlags, name: string, dflt: number, min = 1): number {
  const v = flagString(f, name);
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) throw new Error(`--${name} ${v}; expected an integer ≥ ${min}`);
  return Number(v);
}

function seedFlag(f: ParsedFlags, dflt: bigint): bigint {
  const v = flagString(f, "seed");
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || BigInt(v) >= 1n << 64n) throw new Error(`--seed ${v}; expected an unsigned 64-bit integer`);
  return BigInt(v);
}

function lrFlag(f: ParsedFlags, dflt: string): string {
  const v = flagString(f, "lr") ?? dflt;
  if (!/^(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(v) || !(Number(v) > 0)) throw new Error(`--lr ${v}; expected a positive decimal like 0.1 or 1e-3`);
  return v;
}

const LOSSES: readonly LossKind[] = ["cross_entropy", "mse"];
function lossFlag(f: ParsedFlags, command: string): LossKind {
  const v = requireFlag(f, "loss", command);
  if (!LOSSES.includes(v as LossKind)) throw new Error(`--loss ${v}; expected cross_entropy or mse`);
  return v as LossKind;
}

function profileFromFlags(f: ParsedFlags): NumericsProfile {
  const device = flagString(f, "device") ?? "cpu";
  if (device !== "cpu" && device !== "cuda") throw new Error(`--device ${device}; expected cpu or cuda`);
  const level = flagString(f, "opt-level") ?? "all";
  return defaultProfile({
    executionProvider: device,
    intraOpThreads: int(f, "threads", 1),
    graphOptimizationLevel: level as NumericsProfile["graphOptimizationLevel"],
  });
}

// ---------------------------------------------------------------------------------------------
// Model directory

export const MODEL_FILE = "model.json";
export const STEP_FILE = "step.onnx";
export const FORWARD_FILE = "forward.onnx";
export const INIT_CHECKPOINT = "init.safetensors";

/** model.json: what a model directory holds and the sha256 of each file. */
export interface ModelDescription {
  version: 1;
  /** Built-in spec (e.g. "mlp:784-128-10") or "import:<file>". */
  source: string;
  seed?: number;
  loss: LossKind;
  optimizer: OptimizerSpec;
  /** Default learning rate (decimal string), used by `model train` when --lr is absent. */
  lr: string;
  params: string[];
  optimizerState: string[];
  inputs: InputSpec[];
  labels: InputSpec;
  output: string;
  flopsPerSample: number;
  files: { step: { file: string; sha256: string }; forward: { file: string; sha256: string }; init: { file: string; sha256: string } };
}

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** Initial checkpoint of a bundle: its parameters and zeroed optimizer state at step 0. */
export function initialCheckpoint(bundle: Pick<ModelBundle, "params" | "optimizerState">): Checkpoint {
  const tensors = new Map<string, Float32Tensor>(bundle.params);
  for (const name of bundle.optimizerState) {
    const param = bundle.params.get(name.replace(/\.[mv]$/, ""));
    if (param === undefined) throw new Error(`optimizer state ${name} has no parameter ${name.replace(/\.[mv]$/, "")}`);
    tensors.set(name, { dims: [...param.dims], data: new Float32Array(param.data.length) });
  }
  return { step: 0n, tensors };
}

function writeModelDir(dir: string, bundle: ModelBundle, source: string, lr: string, seed: number | undefined): ModelDescription {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, STEP_FILE), bundle.step);
  writeFileSync(join(dir, FORWARD_FILE), bundle.forward);
  const { id } = saveCheckpoint(join(dir, INIT_CHECKPOINT), initialCheckpoint(bundle), defaultProfile());
  const desc: ModelDescription = {
    version: 1,
    source,
    seed,
    loss: bundle.loss,
    optimizer: bundle.optimizer,
    lr,
    params: [...bundle.params.keys()].sort(),
    optimizerState: [...bundle.optimizerState].sort(),
    inputs: bundle.inputs,
    labels: bundle.labels,
    output: bundle.output,
    flopsPerSample: bundle.flopsPerSample,
    files: {
      step: { file: STEP_FILE, sha256: sha256(bundle.step) },
      forward: { file: FORWARD_FILE, sha256: sha256(bundle.forward) },
      init: { file: INIT_CHECKPOINT, sha256: id },
    },
  };
  writeFileSync(join(dir, MODEL_FILE), JSON.stringify(desc, null, 2) + "\n");
  return desc;
}

export interface LoadedModel {
  desc: ModelDescription;
  step: Uint8Array;
  forward: Uint8Array;
  spec: StepGraphSpec;
}

/** Read a model directory, checking every file against the hashes in model.json. */
export function loadModelDir(dir: string): LoadedModel {
  const path = join(dir, MODEL_FILE);
  if (!existsSync(path)) throw new Error(`${dir} is not a model directory (no ${MODEL_FILE}); create one with "trainchain model build"`);
  const desc = JSON.parse(readFileSync(path, "utf8")) as ModelDescription;
  if (desc.version !== 1) throw new Error(`${path}: version ${String(desc.version)}; expected 1`);
  const read = (entry: { file: string; sha256: string }): Uint8Array => {
    const bytes = new Uint8Array(readFileSync(join(dir, entry.file)));
    const got = sha256(bytes);
    if (got !== entry.sha256) throw new Error(`${join(dir, entry.file)}: hash mismatch: expected ${entry.sha256}, got ${got}`);
    return bytes;
  };
  const step = read(desc.files.step);
  const forward = read(desc.files.forward);
  return { desc, step, forward, spec: { params: desc.params, optimizerState: desc.optimizerState, inputs: desc.inputs, labels: desc.labels } };
}

// ---------------------------------------------------------------------------------------------
// Commands

const out = (line: string): void => {
  process.stdout.write(line + "\n");
};

async function build(argv: string[]): Promise<void> {
  const cmd = "model build";
  const f = parseFlags(argv, { arch: "string", loss: "string", optimizer: "string", seed: "string", lr: "string", o: "string", output: "string" }, cmd);
  if (f.positional.length > 0) throw new Error(`unexpected argument ${f.positional[0]} for "${cmd}"`);
  const arch = requireFlag(f, "arch", cmd);
  const loss = lossFlag(f, cmd);
  const optimizer = parseOptimizerSpec(flagString(f, "optimizer") ?? "sgd");
  const seed = Number(seedFlag(f, 0n) & 0x7fffffffn);
  const dir = flagString(f, "o") ?? requireFlag(f, "output", cmd);
  const bundle = buildModel({ arch, loss, optimizer, seed });
  const desc = writeModelDir(dir, bundle, arch, lrFlag(f, optimizer.kind === "adam" ? "0.001" : "0.1"), seed);
  out(`model ${arch} written to ${dir}: ${desc.params.length} parameter tensors, step graph ${desc.files.step.sha256}, init checkpoint ${desc.files.init.sha256}`);
}

async function importModel(argv: string[]): Promise<void> {
  const cmd = "model import";
  const f = parseFlags(argv, { loss: "string", optimizer: "string", lr: "string", o: "string", output: "string" }, cmd);
  if (f.positional.length !== 1) throw new Error(`"${cmd}" needs exactly one forward .onnx file, got ${f.positional.length}`);
  const file = f.positional[0] as string;
  if (!existsSync(file)) throw new Error(`${file} does not exist; expected a forward ONNX model`);
  const optimizer = parseOptimizerSpec(flagString(f, "optimizer") ?? "sgd");
  const bundle = importForwardModel(new Uint8Array(readFileSync(file)), { loss: lossFlag(f, cmd), optimizer });
  const dir = flagString(f, "o") ?? requireFlag(f, "output", cmd);
  const desc = writeModelDir(dir, bundle, `import:${file}`, lrFlag(f, optimizer.kind === "adam" ? "0.001" : "0.1"), undefined);
  out(`model imported from ${file} to ${dir}: ${desc.params.length} parameter tensors, step graph ${desc.files.step.sha256}`);
}

function datasetFrom(f: ParsedFlags, testFlag: "mnist" | "mnist-test", cmd: string): Dataset {
  const dir = flagString(f, "dataset");
  if (dir !== undefined && f.values.has(testFlag)) throw new Error(`"${cmd}": give either --dataset or --${testFlag}, not both`);
  if (dir !== undefined) return loadDataset(dir, flagString(f, "manifest-hash"));
  if (f.values.has(testFlag)) return importMnist(testFlag === "mnist" ? "train" : "test");
  throw new Error(`"${cmd}" needs --dataset DIR or --${testFlag}`);
}

/** One-line progress bar on stderr; redrawn at most every 100 ms. */
function progressBar(total: number): { update: (done: number, loss: number) => void; finish: () => void } {
  const started = performance.now();
  let last = 0;
  const tty = process.stderr.isTTY === true;
  const draw = (done: number, loss: number): void => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    const secs = (performance.now() - started) / 1000;
    const line = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} steps  loss ${loss.toFixed(4)}  ${(done / Math.max(secs, 1e-9)).toFixed(0)} steps/s`;
    process.stderr.write(tty ? `\r${line}` : `${line}\n`);
  };
  let lastDone = 0;
  let lastLoss = NaN;
  return {
    update(done, loss): void {
      lastDone = done;
      lastLoss = loss;
      const now = performance.now();
      // Without a TTY every redraw is a line: print ~10 of them, not thousands.
      if (now - last >= (tty ? 100 : 1000)) {
        last = now;
        draw(done, loss);
      }
    },
    finish(): void {
      draw(lastDone, lastLoss);
      if (tty) process.stderr.write("\n");
    },
  };
}

async function train(argv: string[]): Promise<void> {
  const cmd = "model train";
  const f = parseFlags(
    argv,
    {
      model: "string", dataset: "string", mnist: "boolean", "manifest-hash": "string", steps: "string", batch: "string", lr: "string", seed: "string",
      device: "string", threads: "string", "opt-level": "string", "checkpoint-every": "string", from: "string", o: "string", output: "string",
    },
    cmd,
  );
  if (f.positional.length > 0) throw new Error(`unexpected argument ${f.positional[0]} for "${cmd}"`);
  const model = loadModelDir(requireFlag(f, "model", cmd));
  const outDir = flagString(f, "o") ?? requireFlag(f, "output", cmd);
  const steps = int(f, "steps", Number.NaN);
  if (Number.isNaN(steps)) throw new Error(`"${cmd}" needs --steps N`);
  const batch = int(f, "batch", 64);
  const lr = Number(lrFlag(f, model.desc.lr));
  const seed = seedFlag(f, 0n);
  const every = int(f, "checkpoint-every", steps);
  const profile = profileFromFlags(f);
  const dataset = datasetFrom(f, "mnist", cmd);
  const modelDir = requireFlag(f, "model", cmd);
  const start = loadCheckpoint(flagString(f, "from") ?? join(modelDir, INIT_CHECKPOINT), flagString(f, "from") === undefined ? model.desc.files.init.sha256 : undefined);
  const runner = await createStepRunner(model.step, profile, model.spec);
  runner.load(start.checkpoint);
  mkdirSync(outDir, { recursive: true });
  const bar = progressBar(steps);
  let lastId = start.id;
  const save = (ck: Checkpoint): void => {
    const name = `step-${ck.step.toString().padStart(8, "0")}.safetensors`;
    lastId = saveCheckpoint(join(outDir, name), ck, runner.profile).id;
  };
  const t0 = performance.now();
  const result = await trainSteps({
    runner, spec: model.spec, dataset, seed, batchSize: batch, lr, steps,
    onStep: (_t, loss) => bar.update(Number(_t - start.checkpoint.step), loss),
    checkpointEvery: every,
    onCheckpoint: save,
  });
  bar.finish();
  const secs = (performance.now() - t0) / 1000;
  if (result.final.step % BigInt(every) !== 0n) save(result.final);
  await runner.release();
  const tail = result.losses.subarray(Math.max(0, steps - 50));
  const meanLoss = tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length);
  out(`trained ${steps} steps (batch ${batch}, lr ${lr}) in ${secs.toFixed(2)} s, ${((steps * batch) / secs).toFixed(0)} samples/s; loss (last ${tail.length}) ${meanLoss.toFixed(4)}; checkpoint step ${result.final.step} ${lastId} in ${outDir}`);
}

async function evalCommand(argv: string[]): Promise<void> {
  const cmd = "model eval";
  const f = parseFlags(argv, { model: "string", checkpoint: "string", dataset: "string", "mnist-test": "boolean", "manifest-hash": "string", device: "string", threads: "string", "opt-level": "string", output: "string" }, cmd);
  if (f.positional.length > 0) throw new Error(`unexpected argument ${f.positional[0]} for "${cmd}"`);
  const model = loadModelDir(requireFlag(f, "model", cmd));
  const ck = loadCheckpoint(requireFlag(f, "checkpoint", cmd));
  const dataset = datasetFrom(f, "mnist-test", cmd);
  if (model.desc.inputs.length !== 1) throw new Error(`model has ${model.desc.inputs.length} data inputs; eval supports exactly one`);
  const params = new Map([...ck.checkpoint.tensors].filter(([n]) => model.desc.params.includes(n)));
  const r = await evaluate({
    forward: model.forward, params, input: model.desc.inputs[0] as InputSpec, labels: model.desc.labels, output: model.desc.output,
    loss: model.desc.loss, dataset, profile: profileFromFlags(f),
  });
  if (flagString(f, "output") === "json") {
    out(JSON.stringify({ samples: r.samples, accuracy: r.accuracy ?? null, loss: r.loss, checkpoint: ck.id, step: ck.checkpoint.step.toString() }));
  } else {
    const acc = r.accuracy !== undefined ? `accuracy ${(r.accuracy * 100).toFixed(2)}%  ` : "";
    out(`${acc}loss ${r.loss.toFixed(4)}  (${r.samples} samples, checkpoint step ${ck.checkpoint.step})`);
  }
}

const USAGE = "expected one of: model build, model import, model train, model eval";

/** Entry point for `trainchain model …` (argv excludes "model"). */
export async function modelCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case "build":
      return build(rest);
    case "import":
      return importModel(rest);
    case "train":
      return train(rest);
    case "eval":
      return evalCommand(rest);
    default:
      throw new Error(sub === undefined ? `missing subcommand; ${USAGE}` : `unknown subcommand "model ${sub}"; ${USAGE}`);
  }
}
