// High-level task commands: `trainchain task create|show|list|export`. `create` builds the step
// graph and initial checkpoint (as `model build` / `model import` do), uploads them to the blob
// store and posts MsgCreateTask; `export` turns a task's head checkpoint into a plain ONNX model.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { QueryClient, type DeliverTxResponse } from "@cosmjs/stargate";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { parseCoinsString } from "../../chain/framework/coins.ts";
import { createTrainchainQueries, trainchainRegistry } from "../../proto/client/index.ts";
import type { Dataset } from "../../proto/trainchain/data_registry/v1/generated.ts";
import {
  MsgCreateTaskResponse,
  ProofStatus,
  QueryProofRequest,
  QueryProofResponse,
  QueryProofsByTaskRequest,
  QueryProofsByTaskResponse,
  QuerySegmentRequest,
  QuerySegmentResponse,
  QueryTaskRequest,
  QueryTaskResponse,
  QueryTasksRequest,
  QueryTasksResponse,
  SegmentStatus,
  TaskStatus,
  Verdict,
  type Proof,
  type Segment,
  type Task,
  type TaskSpec,
  type Vote,
} from "../../proto/trainchain/training_task/v1/generated.ts";
import { buildModel, exportInferenceModel, importForwardModel, parseOptimizerSpec } from "../../worker/onnx/index.ts";
import { defaultProfile } from "../../worker/runtime/index.ts";
import { checkpointId, decodeCheckpoint, encodeCheckpoint } from "../../worker/checkpoint/index.ts";
import { BlobClient, DEFAULT_BLOB_BASE, fetchBlobUri, type BlobSigner } from "../../worker/blob/index.ts";
import type { Float32Tensor, InputSpec, LossKind, ModelBundle } from "../../worker/types.ts";
import { flagBool, flagString, parseFlags, positionals, printResult, requireFlag, type ParsedFlags, homeOf } from "../args.ts";
import { nodeUrl, signAndBroadcast, txFlagSpec } from "../client.ts";
import { Keyring } from "../keyring.ts";
import { initialCheckpoint, type ModelDescription } from "./model.ts";

const TT = "/trainchain.training_task.v1.Query";

// ---------------------------------------------------------------------------------------------
// Queries

/** Training-task and dataset queries over a CometBFT RPC connection. */
export class TaskQueries {
  private constructor(
    private readonly comet: Comet38Client,
    private readonly abci: QueryClient,
  ) {}

  static async connect(rpc: string): Promise<TaskQueries> {
    let comet: Comet38Client;
    try {
      comet = await Comet38Client.connect(rpc);
    } catch (err) {
      throw new Error(`cannot reach the node at ${rpc}: ${(err as Error).message}`);
    }
    return new TaskQueries(comet, QueryClient.withExtensions(comet));
  }

  disconnect(): void {
    this.comet.disconnect();
  }

  private async ask(method: string, data: Uint8Array): Promise<Uint8Array> {
    return (await this.abci.queryAbci(`${TT}/${method}`, data)).value;
  }

  async task(taskId: bigint): Promise<Task> {
    let res: QueryTaskResponse;
    try {
      res = QueryTaskResponse.decode(await this.ask("Task", QueryTaskRequest.encode({ taskId }).finish()));
    } catch (err) {
      throw new Error(/not found/i.test((err as Error).message) ? `task ${taskId} not found` : `query task ${taskId}: ${(err as Error).message.split("\n")[0]}`);
    }
    if (!res.task) throw new Error(`task ${taskId} not found`);
    return res.task;
  }

  async tasks(status: TaskStatus = TaskStatus.TASK_STATUS_UNSPECIFIED): Promise<Task[]> {
    const out: Task[] = [];
    let startAfter = 0n;
    for (;;) {
      const res = QueryTasksResponse.decode(await this.ask("Tasks", QueryTasksRequest.encode({ status, startAfter, limit: 100n }).finish()));
      out.push(...res.tasks);
      if (res.nextStartAfter === 0n) return out;
      startAfter = res.nextStartAfter;
    }
  }

  async segment(taskId: bigint, segment: bigint): Promise<Segment | undefined> {
    try {
      return QuerySegmentResponse.decode(await this.ask("Segment", QuerySegmentRequest.encode({ taskId, segment }).finish())).segment;
    } catch {
      return undefined;
    }
  }

  async proofs(taskId: bigint): Promise<Proof[]> {
    return QueryProofsByTaskResponse.decode(await this.ask("ProofsByTask", QueryProofsByTaskRequest.encode({ taskId }).finish())).proofs;
  }

  async votes(proofId: bigint): Promise<Vote[]> {
    return QueryProofResponse.decode(await this.ask("Proof", QueryProofRequest.encode({ proofId }).finish())).votes;
  }

  async dataset(datasetId: bigint): Promise<Dataset | undefined> {
    try {
      return await createTrainchainQueries(this.comet).dataRegistry.dataset(datasetId);
    } catch {
      return undefined;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Building and creating a task

export interface TaskModelSource {
  /** Built-in spec such as "mlp:784-128-10". */
  arch?: string;
  /** A forward ONNX model to train (parameters as initializers). */
  modelFile?: string;
}

export interface CreateTaskParams extends TaskModelSource {
  datasetId: bigint;
  loss: LossKind;
  /** "sgd", "momentum", "adam", optionally with options (see parseOptimizerSpec). */
  optimizer: string;
  /** Exact decimal string. */
  learningRate: string;
  batchSize: number;
  segmentSteps: bigint;
  checkpointInterval: bigint;
  totalSegments: bigint;
  samplesPerSegment: number;
  rewardPerSegment: string;
  workerBond: string;
  tolerancePpb?: bigint;
  verifyWindow?: bigint;
  claimTimeout?: bigint;
  seed?: bigint;
  threads?: number;
}

export interface CreateTaskDependencies {
  creator: string;
  blobs: BlobClient;
  queries: Pick<TaskQueries, "dataset">;
  broadcast: (messages: EncodeObject[]) => Promise<DeliverTxResponse>;
}

export interface CreatedTask {
  taskId: bigint;
  txHash: string;
  height: number;
  spec: TaskSpec;
  modelJsonHash: string;
  /** The forward model's data inputs, labels and output (to evaluate the exported model). */
  inputs: InputSpec[];
  labels: InputSpec;
  output: string;
}

export interface TaskModel {
  bundle: ModelBundle;
  source: string;
  init: Uint8Array;
  modelJson: Uint8Array;
}

function modelFromSource(source: TaskModelSource, loss: LossKind, optimizerText: string, seed: bigint): { bundle: ModelBundle; source: string } {
  if ((source.arch === undefined) === (source.modelFile === undefined)) throw new Error("give either --arch SPEC (e.g. mlp:784-128-10) or --model FORWARD.onnx");
  const optimizer = parseOptimizerSpec(optimizerText);
  if (source.arch !== undefined) return { bundle: buildModel({ arch: source.arch, loss, optimizer, seed: Number(seed & 0x7fffffffn) }), source: source.arch };
  const file = source.modelFile!;
  if (!existsSync(file)) throw new Error(`model file ${file} does not exist; expected a forward ONNX model`);
  const bytes = new Uint8Array(readFileSync(file));
  try {
    return { bundle: importForwardModel(bytes, { loss, optimizer }), source: `import:${file}` };
  } catch (err) {
    throw new Error(`${file} is not a usable ONNX model: ${(err as Error).message.split("\n")[0]}`);
  }
}

/** The step graph, forward graph, initial checkpoint and model.json of a task's model. */
export function buildTaskModel(source: TaskModelSource, o: { loss: LossKind; optimizer: string; learningRate: string; seed: bigint }): TaskModel {
  const { bundle, source: label } = modelFromSource(source, o.loss, o.optimizer, o.seed);
  const init = encodeCheckpoint(initialCheckpoint(bundle));
  const sha = (b: Uint8Array): string => checkpointId(b);
  const desc: ModelDescription = {
    version: 1,
    source: label,
    ...(source.arch !== undefined ? { seed: Number(o.seed & 0x7fffffffn) } : {}),
    loss: bundle.loss,
    optimizer: bundle.optimizer,
    lr: o.learningRate,
    params: [...bundle.params.keys()].sort(),
    optimizerState: [...bundle.optimizerState].sort(),
    inputs: bundle.inputs,
    labels: bundle.labels,
    output: bundle.output,
    flopsPerSample: bundle.flopsPerSample,
    files: {
      step: { file: "step.onnx", sha256: sha(bundle.step) },
      forward: { file: "forward.onnx", sha256: sha(bundle.forward) },
      init: { file: "init.safetensors", sha256: sha(init) },
    },
  };
  return { bundle, source: label, init, modelJson: new TextEncoder().encode(JSON.stringify(desc, null, 2) + "\n") };
}

function oneCoin(text: string, what: string): { denom: string; amount: string } {
  let coins;
  try {
    coins = parseCoinsString(text);
  } catch (err) {
    throw new Error(`invalid ${what} ${JSON.stringify(text)}: ${(err as Error).message}`);
  }
  if (coins.length !== 1 || coins[0]!.amount <= 0n) throw new Error(`invalid ${what} ${JSON.stringify(text)}: expected one positive coin, e.g. 1000000utrain`);
  return { denom: coins[0]!.denom, amount: coins[0]!.amount.toString() };
}

function checkDatasetFits(dataset: Dataset, bundle: ModelBundle, datasetId: bigint): void {
  const input = bundle.inputs[0];
  const format = dataset.format;
  if (!input || !format) return;
  const want = input.dims.slice(1).reduce((a, d) => a * Math.max(d, 1), 1);
  const have = format.featureShape.reduce((a, d) => a * d, 1);
  if (want !== have) {
    throw new Error(`model input ${input.name} [${input.dims.slice(1).join(",")}] takes ${want} values per sample, but dataset ${datasetId} has features [${format.featureShape.join(",")}] (${have})`);
  }
  if (bundle.loss === "cross_entropy" && format.labelDtype !== "int64") throw new Error(`cross_entropy needs class labels, but dataset ${datasetId} has ${format.labelDtype} labels; use --loss mse`);
}

/**
 * Builds the model, uploads step graph, forward graph, initial checkpoint and model.json, and posts
 * MsgCreateTask (the chain takes reward × segments into escrow). The core of `task create` and the devnet.
 */
export async function createTaskFromModel(p: CreateTaskParams, deps: CreateTaskDependencies): Promise<CreatedTask> {
  const dataset = await deps.queries.dataset(p.datasetId);
  if (!dataset) throw new Error(`unknown dataset ${p.datasetId}: no such dataset is registered on chain (see \`trainchain dataset list\`)`);
  const seed = p.seed ?? 0n;
  const reward = oneCoin(p.rewardPerSegment, "--reward");
  const bond = oneCoin(p.workerBond, "--bond");
  if (!/^(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(p.learningRate) || Number(p.learningRate) <= 0) throw new Error(`invalid --lr ${JSON.stringify(p.learningRate)}: expected a positive decimal such as 0.1`);
  const model = buildTaskModel(p, { loss: p.loss, optimizer: p.optimizer, learningRate: p.learningRate, seed });
  checkDatasetFits(dataset, model.bundle, p.datasetId);
  const [stepHash, forwardHash, initHash, modelJsonHash] = [
    await deps.blobs.put(model.bundle.step),
    await deps.blobs.put(model.bundle.forward),
    await deps.blobs.put(model.init),
    await deps.blobs.put(model.modelJson),
  ];
  const profile = defaultProfile({ intraOpThreads: p.threads ?? 1 });
  const spec: TaskSpec = {
    datasetId: p.datasetId,
    stepGraphHash: Buffer.from(stepHash, "hex"),
    stepGraphUri: deps.blobs.uri(stepHash),
    initialCheckpointHash: Buffer.from(initHash, "hex"),
    initialCheckpointUri: deps.blobs.uri(initHash),
    forwardGraphHash: Buffer.from(forwardHash, "hex"),
    forwardGraphUri: deps.blobs.uri(forwardHash),
    hyperParams: { batchSize: p.batchSize, learningRate: p.learningRate, optimizer: model.bundle.optimizer.kind, seed },
    numerics: {
      executionProvider: profile.executionProvider,
      intraOpThreads: profile.intraOpThreads,
      graphOptimizationLevel: profile.graphOptimizationLevel,
      onnxruntimeVersion: profile.ortVersion,
    },
    segmentSteps: p.segmentSteps,
    checkpointInterval: p.checkpointInterval,
    totalSegments: p.totalSegments,
    samplesPerSegment: p.samplesPerSegment,
    tolerancePpb: p.tolerancePpb ?? 0n,
    rewardPerSegment: reward,
    workerBond: bond,
    verifyWindow: p.verifyWindow ?? 20n,
    claimTimeout: p.claimTimeout ?? 200n,
    flopsPerStep: BigInt(Math.round(model.bundle.flopsPerSample * p.batchSize)),
  };
  const res = await deps.broadcast([{ typeUrl: "/trainchain.training_task.v1.MsgCreateTask", value: { creator: deps.creator, spec } }]);
  if (res.code !== 0) throw new Error(`create task: tx ${res.transactionHash} failed with code ${res.code}: ${(res.rawLog ?? "").split("\n")[0]}`);
  const response = res.msgResponses[0];
  if (!response) throw new Error(`create task: tx ${res.transactionHash} has no MsgCreateTask response`);
  return { taskId: MsgCreateTaskResponse.decode(response.value).taskId, txHash: res.transactionHash, height: res.height, spec, modelJsonHash, inputs: model.bundle.inputs, labels: model.bundle.labels, output: model.bundle.output };
}

// ---------------------------------------------------------------------------------------------
// Showing a task

export const TASK_STATUS_NAMES: Record<number, string> = {
  [TaskStatus.TASK_STATUS_OPEN]: "OPEN",
  [TaskStatus.TASK_STATUS_COMPLETED]: "COMPLETED",
  [TaskStatus.TASK_STATUS_CANCELLED]: "CANCELLED",
};
const SEGMENT_STATUS_NAMES: Record<number, string> = {
  [SegmentStatus.SEGMENT_STATUS_OPEN]: "OPEN",
  [SegmentStatus.SEGMENT_STATUS_CLAIMED]: "CLAIMED",
  [SegmentStatus.SEGMENT_STATUS_PROVEN]: "PROVEN",
  [SegmentStatus.SEGMENT_STATUS_CHALLENGED]: "CHALLENGED",
  [SegmentStatus.SEGMENT_STATUS_ACCEPTED]: "ACCEPTED",
};
const PROOF_STATUS_NAMES: Record<number, string> = {
  [ProofStatus.PROOF_STATUS_PENDING]: "PENDING",
  [ProofStatus.PROOF_STATUS_CHALLENGED]: "CHALLENGED",
  [ProofStatus.PROOF_STATUS_ACCEPTED]: "ACCEPTED",
  [ProofStatus.PROOF_STATUS_REJECTED]: "REJECTED",
  [ProofStatus.PROOF_STATUS_EXPIRED]: "EXPIRED",
};
const VERDICT_NAMES: Record<number, string> = { [Verdict.VERDICT_VALID]: "VALID", [Verdict.VERDICT_INVALID]: "INVALID", [Verdict.VERDICT_UNAVAILABLE]: "UNAVAILABLE" };

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

export interface TaskReport {
  id: string;
  status: string;
  creator: string;
  dataset_id: string;
  head: string;
  segments_done: string;
  total_segments: string;
  reward_per_segment: string;
  segments: { index: string; status: string; worker: string; proof_id: string; failed_attempts: number; loss: number | null }[];
  proofs: {
    id: string;
    segment: string;
    worker: string;
    status: string;
    interval_losses: number[];
    challenged_intervals: number[];
    votes: { validator: string; verdict: string; distances_ppb: string[] }[];
  }[];
  /** Mean loss of the last interval of the newest accepted segment. */
  final_loss: number | null;
}

/** A task with its segments (loss from accepted proofs), proofs and verification votes. */
export async function taskReport(q: TaskQueries, taskId: bigint): Promise<TaskReport> {
  const task = await q.task(taskId);
  const spec = task.spec!;
  const proofs = await q.proofs(taskId);
  const byId = new Map(proofs.map((p) => [p.id, p]));
  const lossOf = (p: Proof | undefined): number | null => {
    const last = p?.intervalLossMicro[p.intervalLossMicro.length - 1];
    return last === undefined ? null : Number(last) / 1e6;
  };
  const segments: TaskReport["segments"] = [];
  for (let i = 0n; i < spec.totalSegments; i++) {
    const s = await q.segment(taskId, i);
    if (!s) continue;
    const accepted = s.status === SegmentStatus.SEGMENT_STATUS_ACCEPTED ? byId.get(s.proofId) : undefined;
    segments.push({ index: i.toString(), status: SEGMENT_STATUS_NAMES[s.status] ?? String(s.status), worker: s.worker, proof_id: s.proofId.toString(), failed_attempts: s.failedAttempts, loss: lossOf(accepted) });
  }
  const proofViews: TaskReport["proofs"] = [];
  for (const p of proofs) {
    const votes = await q.votes(p.id);
    proofViews.push({
      id: p.id.toString(),
      segment: p.segment.toString(),
      worker: p.worker,
      status: PROOF_STATUS_NAMES[p.status] ?? String(p.status),
      interval_losses: p.intervalLossMicro.map((l) => Number(l) / 1e6),
      challenged_intervals: [...p.challengedIntervals],
      votes: votes.map((v) => ({ validator: v.validator, verdict: VERDICT_NAMES[v.verdict] ?? String(v.verdict), distances_ppb: v.distancesPpb.map(String) })),
    });
  }
  const lastAccepted = [...segments].reverse().find((s) => s.loss !== null);
  return {
    id: task.id.toString(),
    status: TASK_STATUS_NAMES[task.status] ?? String(task.status),
    creator: task.creator,
    dataset_id: spec.datasetId.toString(),
    head: hex(task.headHash),
    segments_done: task.segmentsDone.toString(),
    total_segments: spec.totalSegments.toString(),
    reward_per_segment: `${spec.rewardPerSegment?.amount ?? "0"}${spec.rewardPerSegment?.denom ?? ""}`,
    segments,
    proofs: proofViews,
    final_loss: lastAccepted?.loss ?? null,
  };
}

function formatReport(r: TaskReport): string {
  const lines = [
    `task ${r.id}: ${r.status}, ${r.segments_done}/${r.total_segments} segments accepted, dataset ${r.dataset_id}, creator ${r.creator}`,
    `head: ${r.head}`,
    "segments:",
    ...r.segments.map((s) => `  ${s.index}  ${s.status.padEnd(10)} ${s.worker || "-"}  proof ${s.proof_id}${s.loss !== null ? `  loss ${s.loss.toFixed(4)}` : ""}${s.failed_attempts > 0 ? `  (${s.failed_attempts} failed attempts)` : ""}`),
    "proofs:",
    ...r.proofs.map(
      (p) =>
        `  ${p.id}  segment ${p.segment}  ${p.status.padEnd(10)} ${p.worker}  challenged [${p.challenged_intervals.join(",")}]  votes: ${p.votes.map((v) => `${v.verdict}${v.distances_ppb.some((d) => d !== "0") ? `(${v.distances_ppb.join(",")} ppb)` : ""}`).join(" ") || "none"}`,
    ),
  ];
  if (r.proofs.length === 0) lines.push("  none");
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Exporting a task's model

export interface ExportedModel {
  onnx: Uint8Array;
  task: Task;
  headHash: string;
  step: bigint;
}

/** Fetches (hash-checked) the head checkpoint and forward graph and builds a plain inference ONNX. */
export async function exportTaskModel(q: TaskQueries, taskId: bigint, o: { blobBase: string; allowIncomplete?: boolean; signer?: BlobSigner }): Promise<ExportedModel> {
  const task = await q.task(taskId);
  const spec = task.spec!;
  if (task.status !== TaskStatus.TASK_STATUS_COMPLETED && !o.allowIncomplete) {
    throw new Error(`task ${taskId} is ${TASK_STATUS_NAMES[task.status] ?? task.status} with ${task.segmentsDone}/${spec.totalSegments} segments accepted; export needs a COMPLETED task (or --allow-incomplete)`);
  }
  const blobs = new BlobClient(o.blobBase, o.signer ? { signer: o.signer } : {});
  const headHash = hex(task.headHash);
  const headUris: string[] = [];
  if (task.segmentsDone > 0n) {
    const seg = await q.segment(taskId, task.segmentsDone - 1n);
    const proof = (await q.proofs(taskId)).find((p) => p.id === seg?.proofId);
    const last = proof?.checkpointUris[proof.checkpointUris.length - 1];
    if (last) headUris.push(last);
  }
  if (spec.initialCheckpointUri) headUris.push(spec.initialCheckpointUri);
  const fetchFrom = async (hash: string, uris: string[], what: string): Promise<Uint8Array> => {
    const errors: string[] = [];
    try {
      return await blobs.get(hash);
    } catch (err) {
      errors.push((err as Error).message);
    }
    for (const uri of uris) {
      try {
        return await fetchBlobUri(uri, hash, o.signer);
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    throw new Error(`cannot fetch the ${what} ${hash}: ${errors.join("; ")}`);
  };
  const headBytes = await fetchFrom(headHash, headUris, "head checkpoint");
  const forward = await fetchFrom(hex(spec.forwardGraphHash), spec.forwardGraphUri ? [spec.forwardGraphUri] : [], "forward graph");
  const checkpoint = decodeCheckpoint(headBytes);
  const params = new Map<string, Float32Tensor>();
  for (const [name, t] of checkpoint.tensors) if (t.data instanceof Float32Array) params.set(name, { dims: t.dims, data: t.data });
  return { onnx: exportInferenceModel(forward, params), task, headHash, step: checkpoint.step };
}

// ---------------------------------------------------------------------------------------------
// Commands

const CREATE_USAGE =
  "trainchain task create --from KEY --dataset ID (--arch mlp:784-128-10 | --model forward.onnx) --loss cross_entropy --optimizer sgd --lr 0.1 --batch 64 --segment-steps N --checkpoint-interval K --segments S --samples S --reward 1000000utrain --bond 500000utrain [--tolerance-ppb 0] [--verify-window W] [--claim-timeout T] [--seed N] [--threads 1] [--blobs URL]";

function uintFlag(f: ParsedFlags, name: string, fallback?: string): bigint {
  const v = flagString(f, name) ?? fallback;
  if (v === undefined) throw new Error(`"task create" needs --${name}; usage: ${CREATE_USAGE}`);
  if (!/^[0-9]+$/.test(v) || BigInt(v) >= 1n << 64n) throw new Error(`invalid --${name} ${JSON.stringify(v)}: expected a non-negative integer`);
  return BigInt(v);
}

function parseTaskId(text: string | undefined): bigint {
  if (text === undefined || !/^[0-9]+$/.test(text) || BigInt(text) < 1n || BigInt(text) >= 1n << 64n) throw new Error(`invalid task id ${JSON.stringify(text ?? "")}: expected a positive integer`);
  return BigInt(text);
}

function lossFlag(f: ParsedFlags): LossKind {
  const loss = flagString(f, "loss") ?? "cross_entropy";
  if (loss !== "cross_entropy" && loss !== "mse") throw new Error(`invalid --loss ${JSON.stringify(loss)}: expected cross_entropy or mse`);
  return loss;
}

async function withQueries<T>(f: ParsedFlags, fn: (q: TaskQueries) => Promise<T>): Promise<T> {
  const q = await TaskQueries.connect(nodeUrl(f));
  try {
    return await fn(q);
  } finally {
    q.disconnect();
  }
}

async function createCommand(argv: string[]): Promise<void> {
  const f = parseFlags(
    argv,
    {
      ...txFlagSpec(),
      dataset: "string", arch: "string", model: "string", loss: "string", optimizer: "string", lr: "string", batch: "string",
      "segment-steps": "string", "checkpoint-interval": "string", segments: "string", samples: "string", reward: "string", bond: "string",
      "tolerance-ppb": "string", "verify-window": "string", "claim-timeout": "string", seed: "string", threads: "string", blobs: "string",
    },
    "task create",
  );
  positionals(f, 0, CREATE_USAGE);
  const keyring = Keyring.forHome(homeOf(f), flagString(f, "keyring-backend"));
  const key = requireFlag(f, "from", "task create");
  const creator = keyring.show(key).address;
  const datasetText = requireFlag(f, "dataset", "task create");
  if (!/^[1-9][0-9]*$/.test(datasetText)) throw new Error(`invalid --dataset ${JSON.stringify(datasetText)}: expected a dataset id (a positive integer)`);
  const arch = flagString(f, "arch");
  const modelFile = flagString(f, "model");
  const threads = Number(uintFlag(f, "threads", "1"));
  if (threads < 1 || threads > 256) throw new Error(`invalid --threads ${threads}: expected 1 to 256`);
  const batch = Number(uintFlag(f, "batch", "64"));
  if (batch < 1) throw new Error("invalid --batch 0: expected a positive batch size");
  const params: CreateTaskParams = {
    ...(arch !== undefined ? { arch } : {}),
    ...(modelFile !== undefined ? { modelFile: resolve(modelFile) } : {}),
    datasetId: BigInt(datasetText),
    loss: lossFlag(f),
    optimizer: flagString(f, "optimizer") ?? "sgd",
    learningRate: flagString(f, "lr") ?? "0.1",
    batchSize: batch,
    segmentSteps: uintFlag(f, "segment-steps"),
    checkpointInterval: uintFlag(f, "checkpoint-interval"),
    totalSegments: uintFlag(f, "segments"),
    samplesPerSegment: Number(uintFlag(f, "samples", "3")),
    rewardPerSegment: requireFlag(f, "reward", "task create"),
    workerBond: requireFlag(f, "bond", "task create"),
    tolerancePpb: uintFlag(f, "tolerance-ppb", "0"),
    ...(flagString(f, "verify-window") !== undefined ? { verifyWindow: uintFlag(f, "verify-window") } : {}),
    ...(flagString(f, "claim-timeout") !== undefined ? { claimTimeout: uintFlag(f, "claim-timeout") } : {}),
    seed: uintFlag(f, "seed", "0"),
    threads,
  };
  if (params.modelFile !== undefined && !existsSync(params.modelFile)) throw new Error(`model file ${modelFile} does not exist; expected a forward ONNX model`);
  const created = await withQueries(f, (q) =>
    createTaskFromModel(params, {
      creator,
      blobs: new BlobClient(flagString(f, "blobs") ?? DEFAULT_BLOB_BASE),
      queries: q,
      broadcast: (messages) => signAndBroadcast(f, keyring, key, messages, trainchainRegistry()),
    }),
  );
  const spec = created.spec;
  printResult(
    f,
    {
      task_id: created.taskId.toString(),
      txhash: created.txHash,
      height: String(created.height),
      step_graph_hash: hex(spec.stepGraphHash),
      forward_graph_hash: hex(spec.forwardGraphHash),
      initial_checkpoint_hash: hex(spec.initialCheckpointHash),
      model_json_hash: created.modelJsonHash,
      escrow: `${BigInt(spec.rewardPerSegment!.amount) * spec.totalSegments}${spec.rewardPerSegment!.denom}`,
    },
    `created task ${created.taskId} in tx ${created.txHash} at height ${created.height}: ${spec.totalSegments} segments × ${spec.segmentSteps} steps, escrow ${BigInt(spec.rewardPerSegment!.amount) * spec.totalSegments}${spec.rewardPerSegment!.denom}`,
  );
}

const QUERY_FLAGS = { node: "string", output: "string", o: "string", home: "string", "keyring-backend": "string", status: "string" } as const;

async function showCommand(argv: string[]): Promise<void> {
  const f = parseFlags(argv, QUERY_FLAGS, "task show");
  const [idText] = positionals(f, 1, "trainchain task show ID [--output json]");
  const id = parseTaskId(idText);
  const report = await withQueries(f, (q) => taskReport(q, id));
  printResult(f, report, formatReport(report));
}

async function listCommand(argv: string[]): Promise<void> {
  const f = parseFlags(argv, QUERY_FLAGS, "task list");
  positionals(f, 0, "trainchain task list [--status open|completed|cancelled] [--output json]");
  const statusText = flagString(f, "status");
  const statuses: Record<string, TaskStatus> = { open: TaskStatus.TASK_STATUS_OPEN, completed: TaskStatus.TASK_STATUS_COMPLETED, cancelled: TaskStatus.TASK_STATUS_CANCELLED };
  const status = statusText === undefined ? TaskStatus.TASK_STATUS_UNSPECIFIED : statuses[statusText];
  if (status === undefined) throw new Error(`invalid --status ${JSON.stringify(statusText)}: expected open, completed or cancelled`);
  const tasks = await withQueries(f, (q) => q.tasks(status));
  const rows = tasks.map((t) => ({
    id: t.id.toString(),
    status: TASK_STATUS_NAMES[t.status] ?? String(t.status),
    creator: t.creator,
    dataset_id: (t.spec?.datasetId ?? 0n).toString(),
    segments_done: t.segmentsDone.toString(),
    total_segments: (t.spec?.totalSegments ?? 0n).toString(),
  }));
  printResult(f, { tasks: rows }, rows.map((r) => `${r.id}\t${r.status}\t${r.segments_done}/${r.total_segments} segments\tdataset ${r.dataset_id}\t${r.creator}`).join("\n") || "no tasks");
}

async function exportCommand(argv: string[]): Promise<void> {
  const f = parseFlags(argv, { ...QUERY_FLAGS, blobs: "string", "allow-incomplete": "boolean" }, "task export");
  const [idText] = positionals(f, 1, "trainchain task export ID -o model.onnx [--allow-incomplete] [--blobs URL]");
  const id = parseTaskId(idText);
  // here -o names the output file; --output selects text or json
  const file = flagString(f, "o");
  if (file === undefined) throw new Error(`"task export" needs -o FILE.onnx`);
  f.values.delete("o");
  const exported = await withQueries(f, (q) => exportTaskModel(q, id, { blobBase: flagString(f, "blobs") ?? DEFAULT_BLOB_BASE, allowIncomplete: flagBool(f, "allow-incomplete") }));
  writeFileSync(file, exported.onnx);
  printResult(
    f,
    { task_id: id.toString(), file, bytes: exported.onnx.length, head: exported.headHash, step: exported.step.toString(), status: TASK_STATUS_NAMES[exported.task.status] ?? String(exported.task.status) },
    `wrote ${file} (${exported.onnx.length} bytes): task ${id} head ${exported.headHash} at step ${exported.step}`,
  );
}

/** `trainchain task create|show|list|export …` (argv after "task"). */
export async function taskCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  switch (action) {
    case "create":
      return createCommand(rest);
    case "show":
      return showCommand(rest);
    case "list":
      return listCommand(rest);
    case "export":
      return exportCommand(rest);
    default:
      throw new Error(`unknown task command ${JSON.stringify(action ?? "")}; expected create, show, list or export`);
  }
}
