// Low-level `trainchain tx training-task create|cancel|claim|abandon|submit-proof|verify` and
// `trainchain query training-task task|tasks|segment|proof|proofs|pending-challenges|params`.
// (The higher-level `trainchain task create/show/export` that builds models and uploads blobs is separate.)
import { QueryClient } from "@cosmjs/stargate";
import { parseCoinsString } from "../../chain/framework/coins.ts";
import { trainchainRegistry } from "../../proto/client/index.ts";
import {
  QueryParamsResponse,
  QueryPendingChallengesRequest,
  QueryPendingChallengesResponse,
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
  TaskStatus,
  Verdict,
  type TaskSpec,
} from "../../proto/trainchain/training_task/v1/generated.ts";
import { flagString, parseFlags, positionals, printResult, requireFlag, type ParsedFlags, homeOf } from "../args.ts";
import { connectComet, signAndBroadcast, txFlagSpec } from "../client.ts";
import { Keyring } from "../keyring.ts";
import { reportTx } from "./txquery.ts";

const TX_USAGE =
  "trainchain tx training-task create --dataset-id N --step-graph-hash HEX … --from KEY | cancel TASK | claim TASK SEGMENT | abandon TASK SEGMENT | submit-proof TASK SEGMENT --start-hash HEX --hashes HEX,… --losses-micro N,… --update-norms-ppb N,… [--uris U,…] | verify PROOF VALID|INVALID|UNAVAILABLE [--distances-ppb N,…]";
const QUERY_USAGE = "trainchain query training-task task ID | tasks [--status open|completed|cancelled] [--start-after ID] [--limit N] | segment TASK INDEX | proof ID | proofs TASK | pending-challenges ADDRESS|KEY | params";

const CREATE_FLAGS = {
  "dataset-id": "string",
  "step-graph-hash": "string",
  "step-graph-uri": "string",
  "initial-checkpoint-hash": "string",
  "initial-checkpoint-uri": "string",
  "forward-graph-hash": "string",
  "forward-graph-uri": "string",
  "batch-size": "string",
  "learning-rate": "string",
  optimizer: "string",
  seed: "string",
  "execution-provider": "string",
  "intra-op-threads": "string",
  "graph-optimization-level": "string",
  "onnxruntime-version": "string",
  "segment-steps": "string",
  "checkpoint-interval": "string",
  "total-segments": "string",
  "samples-per-segment": "string",
  "tolerance-ppb": "string",
  "reward-per-segment": "string",
  "worker-bond": "string",
  "verify-window": "string",
  "claim-timeout": "string",
  "flops-per-step": "string",
} as const;

const PROOF_FLAGS = { "start-hash": "string", hashes: "string", "losses-micro": "string", "update-norms-ppb": "string", uris: "string" } as const;

/** A JSON view: snake_case keys, 64-bit integers as strings, bytes as hex. */
export function toJsonView(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  if (Array.isArray(value)) return value.map(toJsonView);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = toJsonView(v);
    return out;
  }
  return value;
}

function uint(f: ParsedFlags, name: string, fallback?: string): bigint {
  const v = flagString(f, name) ?? fallback;
  if (v === undefined) throw new Error(`missing --${name}`);
  if (!/^[0-9]+$/.test(v)) throw new Error(`invalid --${name} ${JSON.stringify(v)}: expected a non-negative integer`);
  return BigInt(v);
}

function uintArg(text: string | undefined, what: string): bigint {
  if (!text || !/^[0-9]+$/.test(text)) throw new Error(`invalid ${what} ${JSON.stringify(text ?? "")}: expected a non-negative integer`);
  return BigInt(text);
}

function hex32(text: string, what: string): Uint8Array {
  const t = text.replace(/^0x/, "");
  if (!/^[0-9a-fA-F]{64}$/.test(t)) throw new Error(`invalid ${what} ${JSON.stringify(text)}: expected a 64-character hex sha256`);
  return new Uint8Array(Buffer.from(t, "hex"));
}

function coin(text: string, what: string): { denom: string; amount: string } {
  const coins = parseCoinsString(text);
  if (coins.length !== 1 || coins[0]!.amount <= 0n) throw new Error(`invalid ${what} ${JSON.stringify(text)}: expected one positive coin, e.g. 1000000utrain`);
  return { denom: coins[0]!.denom, amount: coins[0]!.amount.toString() };
}

function list(text: string | undefined): string[] {
  return text === undefined || text === "" ? [] : text.split(",").map((s) => s.trim());
}

/** The task spec from `create` flags; everything a re-execution needs has a flag. */
export function specFromFlags(f: ParsedFlags): TaskSpec {
  return {
    datasetId: uint(f, "dataset-id"),
    stepGraphHash: hex32(requireFlag(f, "step-graph-hash", "tx training-task create"), "--step-graph-hash"),
    stepGraphUri: flagString(f, "step-graph-uri") ?? "",
    initialCheckpointHash: hex32(requireFlag(f, "initial-checkpoint-hash", "tx training-task create"), "--initial-checkpoint-hash"),
    initialCheckpointUri: flagString(f, "initial-checkpoint-uri") ?? "",
    forwardGraphHash: hex32(requireFlag(f, "forward-graph-hash", "tx training-task create"), "--forward-graph-hash"),
    forwardGraphUri: flagString(f, "forward-graph-uri") ?? "",
    hyperParams: {
      batchSize: Number(uint(f, "batch-size")),
      learningRate: requireFlag(f, "learning-rate", "tx training-task create"),
      optimizer: flagString(f, "optimizer") ?? "sgd",
      seed: uint(f, "seed", "0"),
    },
    numerics: {
      executionProvider: flagString(f, "execution-provider") ?? "cpu",
      intraOpThreads: Number(uint(f, "intra-op-threads", "1")),
      graphOptimizationLevel: flagString(f, "graph-optimization-level") ?? "disabled",
      onnxruntimeVersion: requireFlag(f, "onnxruntime-version", "tx training-task create"),
    },
    segmentSteps: uint(f, "segment-steps"),
    checkpointInterval: uint(f, "checkpoint-interval"),
    totalSegments: uint(f, "total-segments"),
    samplesPerSegment: Number(uint(f, "samples-per-segment")),
    tolerancePpb: uint(f, "tolerance-ppb", "0"),
    rewardPerSegment: coin(requireFlag(f, "reward-per-segment", "tx training-task create"), "--reward-per-segment"),
    workerBond: coin(requireFlag(f, "worker-bond", "tx training-task create"), "--worker-bond"),
    verifyWindow: uint(f, "verify-window"),
    claimTimeout: uint(f, "claim-timeout"),
    flopsPerStep: uint(f, "flops-per-step"),
  };
}

const VERDICTS: Record<string, number> = { VALID: Verdict.VERDICT_VALID, INVALID: Verdict.VERDICT_INVALID, UNAVAILABLE: Verdict.VERDICT_UNAVAILABLE };
const STATUSES: Record<string, number> = { open: TaskStatus.TASK_STATUS_OPEN, completed: TaskStatus.TASK_STATUS_COMPLETED, cancelled: TaskStatus.TASK_STATUS_CANCELLED };

export async function trainingTaskTx(action: string | undefined, argv: string[]): Promise<void> {
  const spec = { ...txFlagSpec(), ...(action === "create" ? CREATE_FLAGS : {}), ...(action === "submit-proof" ? PROOF_FLAGS : {}), ...(action === "verify" ? { "distances-ppb": "string" as const } : {}) };
  const f = parseFlags(argv, spec, `tx training-task ${action ?? ""}`);
  const keyring = Keyring.forHome(homeOf(f), flagString(f, "keyring-backend"));
  const fromKey = requireFlag(f, "from", `tx training-task ${action ?? ""}`);
  const from = keyring.show(fromKey).address;
  let typeUrl: string;
  let value: Record<string, unknown>;
  switch (action) {
    case "create":
      positionals(f, 0, TX_USAGE);
      typeUrl = "/trainchain.training_task.v1.MsgCreateTask";
      value = { creator: from, spec: specFromFlags(f) };
      break;
    case "cancel": {
      const [task] = positionals(f, 1, "trainchain tx training-task cancel TASK --from KEY");
      typeUrl = "/trainchain.training_task.v1.MsgCancelTask";
      value = { creator: from, taskId: uintArg(task, "task id") };
      break;
    }
    case "claim":
    case "abandon": {
      const [task, segment] = positionals(f, 2, `trainchain tx training-task ${action} TASK SEGMENT --from KEY`);
      typeUrl = action === "claim" ? "/trainchain.training_task.v1.MsgClaimSegment" : "/trainchain.training_task.v1.MsgAbandonSegment";
      value = { worker: from, taskId: uintArg(task, "task id"), segment: uintArg(segment, "segment") };
      break;
    }
    case "submit-proof": {
      const [task, segment] = positionals(f, 2, "trainchain tx training-task submit-proof TASK SEGMENT --start-hash HEX --hashes HEX,… --losses-micro N,… --update-norms-ppb N,… --from KEY");
      typeUrl = "/trainchain.training_task.v1.MsgSubmitProof";
      value = {
        worker: from,
        taskId: uintArg(task, "task id"),
        segment: uintArg(segment, "segment"),
        startHash: hex32(requireFlag(f, "start-hash", "tx training-task submit-proof"), "--start-hash"),
        intervalHashes: list(requireFlag(f, "hashes", "tx training-task submit-proof")).map((h, i) => hex32(h, `interval hash ${i}`)),
        intervalLossMicro: list(requireFlag(f, "losses-micro", "tx training-task submit-proof")).map((x) => uintArg(x, "--losses-micro value")),
        intervalUpdateNormPpb: list(requireFlag(f, "update-norms-ppb", "tx training-task submit-proof")).map((x) => uintArg(x, "--update-norms-ppb value")),
        checkpointUris: list(flagString(f, "uris")),
      };
      break;
    }
    case "verify": {
      const [proof, verdict] = positionals(f, 2, "trainchain tx training-task verify PROOF VALID|INVALID|UNAVAILABLE [--distances-ppb N,…] --from KEY");
      const v = VERDICTS[(verdict ?? "").toUpperCase()];
      if (v === undefined) throw new Error(`invalid verdict ${JSON.stringify(verdict)}: expected VALID, INVALID or UNAVAILABLE`);
      typeUrl = "/trainchain.training_task.v1.MsgSubmitVerification";
      value = { validator: from, proofId: uintArg(proof, "proof id"), verdict: v, distancesPpb: list(flagString(f, "distances-ppb")).map((x) => uintArg(x, "--distances-ppb value")) };
      break;
    }
    default:
      throw new Error(`unknown tx training-task command ${JSON.stringify(action ?? "")}; usage: ${TX_USAGE}`);
  }
  const res = await signAndBroadcast(f, keyring, fromKey, [{ typeUrl, value }], trainchainRegistry());
  reportTx(f, res);
}

export async function trainingTaskQuery(what: string | undefined, argv: string[]): Promise<void> {
  const f = parseFlags(argv, { node: "string", output: "string", o: "string", home: "string", "keyring-backend": "string", status: "string", "start-after": "string", limit: "string" }, `query training-task ${what ?? ""}`);
  const comet = await connectComet(f);
  const q = QueryClient.withExtensions(comet);
  const ask = async (method: string, data: Uint8Array): Promise<Uint8Array> => (await q.queryAbci(`/trainchain.training_task.v1.Query/${method}`, data)).value;
  try {
    let json: unknown;
    switch (what) {
      case "task": {
        const [id] = positionals(f, 1, "trainchain query training-task task ID");
        json = QueryTaskResponse.decode(await ask("Task", QueryTaskRequest.encode({ taskId: uintArg(id, "task id") }).finish()));
        break;
      }
      case "tasks": {
        positionals(f, 0, QUERY_USAGE);
        const statusText = flagString(f, "status");
        const status = statusText === undefined ? 0 : STATUSES[statusText];
        if (status === undefined) throw new Error(`invalid --status ${JSON.stringify(statusText)}: expected open, completed or cancelled`);
        json = QueryTasksResponse.decode(await ask("Tasks", QueryTasksRequest.encode({ status, startAfter: uint(f, "start-after", "0"), limit: uint(f, "limit", "0") }).finish()));
        break;
      }
      case "segment": {
        const [task, index] = positionals(f, 2, "trainchain query training-task segment TASK INDEX");
        json = QuerySegmentResponse.decode(await ask("Segment", QuerySegmentRequest.encode({ taskId: uintArg(task, "task id"), segment: uintArg(index, "segment") }).finish()));
        break;
      }
      case "proof": {
        const [id] = positionals(f, 1, "trainchain query training-task proof ID");
        json = QueryProofResponse.decode(await ask("Proof", QueryProofRequest.encode({ proofId: uintArg(id, "proof id") }).finish()));
        break;
      }
      case "proofs": {
        const [task] = positionals(f, 1, "trainchain query training-task proofs TASK");
        json = QueryProofsByTaskResponse.decode(await ask("ProofsByTask", QueryProofsByTaskRequest.encode({ taskId: uintArg(task, "task id") }).finish()));
        break;
      }
      case "pending-challenges": {
        const [who] = positionals(f, 1, "trainchain query training-task pending-challenges ADDRESS|KEY");
        const verifier = Keyring.forHome(homeOf(f), flagString(f, "keyring-backend")).resolveAddress(who!);
        json = QueryPendingChallengesResponse.decode(await ask("PendingChallenges", QueryPendingChallengesRequest.encode({ verifier }).finish()));
        break;
      }
      case "params":
        positionals(f, 0, "trainchain query training-task params");
        json = QueryParamsResponse.decode(await ask("Params", new Uint8Array()));
        break;
      default:
        throw new Error(`unknown query training-task ${JSON.stringify(what ?? "")}; usage: ${QUERY_USAGE}`);
    }
    const view = toJsonView(json);
    printResult(f, view, JSON.stringify(view, null, 2));
  } finally {
    comet.disconnect();
  }
}
