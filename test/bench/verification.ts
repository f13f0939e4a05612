// Verification benchmark. Prints figures only; no timed assertions.
//   (a) detection rate of each cheating strategy over seeded simulated segments, using the chain's
//       own challenge sampling (challengeSeed/challengeIntervals), beside 1 − (1 − f)^(s−1) and the
//       exact hypergeometric figure (the largest-update interval is always checked as well);
//   (b) verification compute per segment as a share of training compute at default parameters:
//       a real MNIST segment trained by the worker's code vs the verifier's replay of s intervals.
// Run: node --single-threaded-gc --import tsx test/bench/verification.ts [segments=400] (a
// verifier process's flags, worker/runtime/node-flags.ts; `npm run bench` passes them)
import { createHash } from "node:crypto";
import { pino } from "pino";
import { challengeIntervals, challengeSeed } from "../../modules/training-task/challenge.ts";
import { CHEAT_KINDS, simulatedCheat, type CheatKind } from "../adversary/strategies.ts";
import { checkpointId, encodeCheckpoint } from "../../worker/checkpoint/checkpoint.ts";
import { importMnist } from "../../worker/data/index.ts";
import { createSampler } from "../../worker/data/sampler.ts";
import { buildModel, parseOptimizerSpec } from "../../worker/onnx/index.ts";
import { createStepRunner, defaultProfile } from "../../worker/runtime/index.ts";
import { trainSegment } from "../../worker/miner/segment.ts";
import { checkChallengedInterval } from "../../worker/verifier/verify.ts";
import { stepGraphSpecOf, type TrainingContext } from "../../worker/proof/task.ts";
import type { PreparedTask } from "../../worker/proof/prepare.ts";
import type { Proof } from "../../proto/trainchain/training_task/v1/generated.ts";
import { initialCheckpoint } from "../../cli/commands/model.ts";

const SEGMENTS = Number(process.argv[2] ?? 400);
// Default task parameters (as `trainchain task create` suggests them): m = 30 intervals of k = 10
// steps, s = 3 challenged intervals per proof.
const M = 30;
const K = 10;
const S = 3;

// ------------------------------------------------------------------------------------------ (a)

/** Deterministic uniform [0,1) from a label. */
function unit(label: string): number {
  return createHash("sha256").update(label).digest().readUInt32BE(0) / 2 ** 32;
}

/** Honest update norms of a segment: decaying with noise, as real training's are. */
function honestNorms(j: number, m: number): bigint[] {
  return Array.from({ length: m }, (_, i) => BigInt(Math.round(1e9 * Math.exp(-i / m) * (0.75 + 0.5 * unit(`norm-${j}-${i}`)))));
}

/** A random set of `count` of m intervals for segment j. */
function pick(j: number, m: number, count: number): Set<number> {
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => unit(`pick-${j}-${a}`) - unit(`pick-${j}-${b}`));
  return new Set(order.slice(0, count));
}

function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 0; i < k; i++) r = (r * (n - i)) / (i + 1);
  return r;
}

interface Scenario {
  label: string;
  kind: CheatKind;
  /** Number of faked intervals (ignored by all-interval strategies). */
  fakes: number;
  /** Norm the perturbation adds to its interval (perturb-one only). */
  perturbPpb?: bigint;
}

function detection(sc: Scenario, m: number, s: number): { rate: number; f: number; formula: number; exactUniform: number } {
  let caught = 0;
  let fakedTotal = 0;
  for (let j = 0; j < SEGMENTS; j++) {
    const norms = honestNorms(j, m);
    const cheat = simulatedCheat(sc.kind, norms, pick(j, m, sc.fakes), sc.perturbPpb ?? 0n);
    fakedTotal += cheat.faked.size;
    const seed = challengeSeed(createHash("sha256").update(`block-${j}`).digest(), BigInt(j + 1));
    const challenged = challengeIntervals(seed, cheat.norms, s);
    if (challenged.some((i) => cheat.faked.has(i))) caught++;
  }
  const F = fakedTotal / SEGMENTS;
  const f = F / m;
  // uniform part only: s − 1 of the m − 1 intervals other than the largest-update one
  const exactUniform = 1 - choose(m - 1 - Math.min(F, m - 1), s - 1) / choose(m - 1, s - 1);
  return { rate: caught / SEGMENTS, f, formula: 1 - (1 - f) ** (s - 1), exactUniform };
}

function detectionTable(m: number, s: number): void {
  const scenarios: Scenario[] = [
    { label: "copy-start, 1 interval", kind: "copy-start", fakes: 1 },
    { label: "copy-start, 10%", kind: "copy-start", fakes: Math.round(m / 10) },
    { label: "copy-start, 30%", kind: "copy-start", fakes: Math.round((3 * m) / 10) },
    { label: "perturb-one, small δ (hidden)", kind: "perturb-one", fakes: 1, perturbPpb: 1_000_000n },
    { label: "perturb-one, large δ (largest)", kind: "perturb-one", fakes: 1, perturbPpb: 5_000_000_000n },
    { label: "wrong-data, 10%", kind: "wrong-data", fakes: Math.round(m / 10) },
    { label: "wrong-data, all", kind: "wrong-data", fakes: m },
    { label: "replay-other", kind: "replay-other", fakes: m },
    { label: "withhold-blobs", kind: "withhold-blobs", fakes: m },
  ];
  console.log(`\n(a) detection over ${SEGMENTS} seeded segments, m = ${m} intervals, s = ${s} challenged (largest update + ${s - 1} uniform)`);
  console.log("strategy                          f      caught    1−(1−f)^(s−1)  exact(uniform part)");
  for (const sc of scenarios) {
    const r = detection(sc, m, s);
    console.log(`${sc.label.padEnd(32)} ${r.f.toFixed(3).padStart(5)}  ${(r.rate * 100).toFixed(1).padStart(6)}%   ${(r.formula * 100).toFixed(1).padStart(6)}%        ${(r.exactUniform * 100).toFixed(1).padStart(6)}%`);
  }
  if (!CHEAT_KINDS.every((k) => scenarios.some((sc) => sc.kind === k))) throw new Error("a strategy is missing from the table");
}

// ------------------------------------------------------------------------------------------ (b)

async function costShare(): Promise<void> {
  const log = pino({ level: "silent" });
  const dataset = importMnist("train");
  const bundle = buildModel({ arch: "mlp:784-128-10", loss: "cross_entropy", optimizer: parseOptimizerSpec("sgd"), seed: 1 });
  const spec = stepGraphSpecOf(bundle.step);
  const profile = defaultProfile();
  const ctx = async (): Promise<TrainingContext> => ({ runner: await createStepRunner(bundle.step, profile, spec), spec, dataset, sampler: createSampler(42n, dataset.samples, 64), lr: 0.1 });
  const worker = await ctx();
  const verifier = await ctx();
  const init = initialCheckpoint(bundle);
  const blobs = new Map<string, Uint8Array>();
  // warm-up (session first-run costs, sampler epoch permutation)
  await trainSegment({ taskId: 1n, segment: 0n, ctx: worker, head: init, intervals: 2, stepsPerInterval: K, upload: async () => "", stopRequested: () => false, progress: () => undefined, log });

  const t0 = performance.now();
  const out = await trainSegment({
    taskId: 1n,
    segment: 0n,
    ctx: worker,
    head: init,
    intervals: M,
    stepsPerInterval: K,
    upload: async (bytes) => {
      blobs.set(checkpointId(bytes), bytes);
      return "";
    },
    stopRequested: () => false,
    progress: () => undefined,
    log,
  });
  const trainMs = performance.now() - t0;
  if (out.kind !== "proof") throw new Error("segment did not complete");
  const hashes = out.proof.intervalHashes.map((h) => Buffer.from(h).toString("hex"));
  const initBytes = encodeCheckpoint(init);
  const proof: Proof = { id: 1n, taskId: 1n, segment: 0n, worker: "", startHash: new Uint8Array(32), ...out.proof, submittedHeight: 1n, status: 2, challengeHeight: 2n, challengedIntervals: [], deadlineHeight: 9n, decidedHeight: 0n };
  const prepared = { geometry: { segmentSteps: BigInt(M * K), interval: BigInt(K) }, stepsPerInterval: K, intervals: M, tolerancePpb: 0n } as PreparedTask;
  const challenged = challengeIntervals(challengeSeed(new Uint8Array(32), 1n), out.proof.intervalUpdateNormPpb, S);
  const replay = async (): Promise<{ ms: number; valid: boolean }> => {
    const t1 = performance.now();
    let valid = true;
    for (const i of challenged) {
      const startBytes = i === 0 ? initBytes : blobs.get(hashes[i - 1]!)!;
      const c = await checkChallengedInterval(verifier, prepared, proof, { index: i, startBytes, endBytes: blobs.get(hashes[i]!)! });
      valid &&= c.problems.length === 0;
    }
    return { ms: performance.now() - t1, valid };
  };
  // the first proof of a task pays once for the session's first runs and the epoch permutation
  const cold = await replay();
  let verifyMs = Infinity;
  let valid = cold.valid;
  for (let r = 0; r < 3; r++) {
    const warm = await replay();
    verifyMs = Math.min(verifyMs, warm.ms);
    valid &&= warm.valid;
  }
  console.log(`\n(b) verification cost at default parameters: MNIST mlp:784-128-10, batch 64, SGD, CPU 1 thread`);
  console.log(`    segment: ${M} intervals × ${K} steps = ${M * K} steps; challenged ${S} intervals [${challenged.join(",")}] → ${valid ? "VALID (bit-exact)" : "NOT VALID"}`);
  console.log(`    worker  : ${trainMs.toFixed(0)} ms to train, encode, hash and hand over ${M} checkpoints (${(trainMs / (M * K)).toFixed(2)} ms/step)`);
  console.log(`    verifier: ${verifyMs.toFixed(0)} ms to decode, replay ${S * K} steps and compare (${(verifyMs / (S * K)).toFixed(2)} ms/replayed step; first proof of a task ${cold.ms.toFixed(0)} ms)`);
  console.log(`    share   : ${((verifyMs / trainMs) * 100).toFixed(1)}% of training compute per validator (target ≤ 10%; ideal s/m = ${((S / M) * 100).toFixed(1)}%)`);
  await worker.runner.release();
  await verifier.runner.release();
}

detectionTable(M, S);
detectionTable(M, 10);
console.log("\neconomics: with bond B and reward R held until the verdict, faking f of a segment saves f·C and loses B + R with P(caught);");
console.log("           at m = 30, s = 3 a single copied interval is caught ≈ 7% of the time, so B + R must exceed ≈ 14·f·C; faking ≥ 30% is caught ≥ 50%.");
await costShare();
