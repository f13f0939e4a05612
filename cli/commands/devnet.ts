// `trainchain devnet`: the whole system on one machine, in one process — a fresh home and genesis,
// the node (embedded engine, RPC, API with the blob store), the validator's verifier, two workers,
// MNIST registered by a data owner, an MLP task created through the CLI path, trained to completion,
// the model exported and evaluated on the MNIST test split, and the balances that moved.
import { rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";
import type { Event } from "cosmjs-types/tendermint/abci/types";
import { Node } from "../../chain/node/node.ts";
import { homePaths, parseListenAddress } from "../../chain/node/config.ts";
import { readGenesis, writeGenesis } from "../../chain/node/genesis.ts";
import { nodeBlobRoutes } from "../../chain/blobs/index.ts";
import { BECH32_PREFIX } from "../../chain/framework/address.ts";
import { trainchainRegistry } from "../../proto/client/index.ts";
import { TaskStatus } from "../../proto/trainchain/training_task/v1/generated.ts";
import { BlobClient } from "../../worker/blob/index.ts";
import { loadDataset } from "../../worker/data/index.ts";
import { defaultProfile, evaluate } from "../../worker/runtime/index.ts";
import { ArtifactStore, homeCacheDir, toHex } from "../../worker/proof/artifacts.ts";
import { spawnRole, type RoleProcess } from "./devnet-roles.ts";
import { flagString, parseFlags, positionals, printResult, withResultSink } from "../args.ts";
import { BROADCAST_POLL_MS } from "../client.ts";
import { Keyring } from "../keyring.ts";
import { genesisCommand, initCommand } from "./chain.ts";
import { datasetRegister } from "./dataset.ts";
import { createTaskFromModel, exportTaskModel, TaskQueries, taskReport, type CreateTaskParams } from "./task-high.ts";

export const DEVNET_ROLES = ["validator", "creator", "data-owner", "worker1", "worker2"] as const;
export type DevnetRole = (typeof DEVNET_ROLES)[number];

export interface DevnetOptions {
  home: string;
  chainId?: string;
  rpcLaddr?: string;
  apiLaddr?: string;
  blockTimeMs?: number;
  /** The task; defaults are the main devnet's (6 × 6400 steps of mlp:784-512-256-10, k = 160, s = 3). */
  task?: Partial<Omit<CreateTaskParams, "datasetId">>;
  royaltyBps?: number;
  /** Genesis overrides of the reward params (e.g. emission_per_block 0 for exact accounting). */
  rewardParams?: Record<string, unknown>;
  /** Give up after this long (default 9 minutes). */
  timeoutMs?: number;
  log: Logger;
  /** Human progress lines (segments accepted, loss); not called in JSON mode. */
  onStatus?: (line: string) => void;
  signal?: AbortSignal;
}

export interface RoleBalance {
  address: string;
  before: string;
  after: string;
  delta: string;
}

export interface DevnetSummary {
  chain_id: string;
  home: string;
  task_id: string;
  status: string;
  segments_total: string;
  segment_steps: string;
  segments_accepted: number;
  segments_rejected: number;
  proofs_expired: number;
  final_loss: number | null;
  /** Accepted segments: who trained each and its last interval loss. */
  segments: { index: string; worker_role: string; worker: string; loss: number | null }[];
  test_accuracy: number | null;
  test_loss: number | null;
  test_samples: number;
  model_file: string;
  balances: Record<DevnetRole, RoleBalance>;
  /** What the reward module paid, by recipient role and kind (royalty, verifier_fee, segment_reward, epoch_work, …). */
  payments: Record<string, Record<string, string>>;
  escrow: string;
  royalty_bps: number;
  slashed: { burned: string; to_validators: string; events: number };
  fees: Record<DevnetRole, string>;
  genesis: { reward_params: Record<string, unknown>; training_task_params: Record<string, unknown> };
  wall_seconds: number;
  /** Worker time spent running the steps of accepted segments (each trained once, in order). */
  training_seconds: number;
}

const DENOM = "utrain";

/** What a worker's log line says it is doing. */
const WORKER_PHASES: Record<string, string> = {
  "worker started": "started",
  "fetching dataset shard": "fetching data",
  "segment claimed": "claimed",
  "interval checkpoint": "training",
  "proof submitted": "submitted",
  "proof accepted": "accepted",
  "task is no longer open; worker done": "done",
};
const GAS_PRICE = "0.025utrain";

const DEFAULT_TASK: Omit<CreateTaskParams, "datasetId"> = {
  arch: "mlp:784-512-256-10",
  loss: "cross_entropy",
  optimizer: "sgd",
  learningRate: "0.1",
  batchSize: 64,
  // 6 segments × 6400 steps ≈ 41 epochs of MNIST; m = 40 interval checkpoints per segment, s = 3 of
  // them replayed by the verifier = 7.5 % of the training compute
  segmentSteps: 6400n,
  checkpointInterval: 160n,
  totalSegments: 6n,
  samplesPerSegment: 3,
  rewardPerSegment: "1000000utrain",
  workerBond: "500000utrain",
  tolerancePpb: 0n,
  verifyWindow: 40n,
  claimTimeout: 400n,
  seed: 1n,
  threads: 1,
};

class Interrupted extends Error {
  constructor() {
    super("devnet interrupted");
  }
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; output: string }> {
  let output = "";
  const value = await withResultSink((text) => {
    output += text;
  }, fn);
  return { value, output };
}

function attr(e: Event, key: string): string | undefined {
  return e.attributes.find((a) => a.key === key)?.value;
}

function amountOf(coins: string | undefined): bigint {
  const m = /^([0-9]+)utrain$/.exec(coins ?? "");
  return m ? BigInt(m[1]!) : 0n;
}

/** Runs the devnet to the end (task COMPLETED, model evaluated) and shuts everything down. */
export async function runDevnet(o: DevnetOptions): Promise<DevnetSummary> {
  const started = performance.now();
  // how long the steps of each submitted segment took, by "worker/segment"
  const trainingMsBy = new Map<string, number>();
  const log = o.log;
  const status = o.onStatus ?? ((): void => undefined);
  const chainId = o.chainId ?? "trainchain-devnet";
  const home = o.home;
  const rpcLaddr = o.rpcLaddr ?? "tcp://127.0.0.1:26657";
  const apiLaddr = o.apiLaddr ?? "tcp://127.0.0.1:1317";
  const rpcAddr = parseListenAddress(rpcLaddr);
  const apiAddr = parseListenAddress(apiLaddr);
  const rpc = `http://${rpcAddr.host}:${rpcAddr.port}`;
  const api = `http://${apiAddr.host}:${apiAddr.port}`;
  const taskParams = { ...DEFAULT_TASK, ...(o.task ?? {}) };
  const checkAbort = (): void => {
    if (o.signal?.aborted) throw new Interrupted();
  };

  // 1. a fresh home: keys, funded accounts, the bonded validator, devnet params
  status(`home ${home} (wiped), chain ${chainId}`);
  rmSync(home, { recursive: true, force: true });
  const keyring = new Keyring(homePaths(home).keyring);
  const mnemonics = {} as Record<DevnetRole, string>;
  const addresses = {} as Record<DevnetRole, string>;
  await quietly(async () => {
    await initCommand(["validator", "--chain-id", chainId, "--home", home]);
    for (const role of DEVNET_ROLES) {
      const { info, mnemonic } = await keyring.add(role);
      mnemonics[role] = mnemonic;
      addresses[role] = info.address;
      await genesisCommand(["add-account", info.address, `1000000000000${DENOM}`, "--home", home]);
    }
    await genesisCommand(["add-validator", "validator", `100000000000${DENOM}`, "--home", home, "--keyring-backend", "test"]);
  });
  const genesisPath = homePaths(home).genesis;
  const genesis = readGenesis(genesisPath);
  const appState = genesis.app_state as Record<string, { params: Record<string, unknown> }>;
  // short windows so a stuck segment reopens quickly; rewards per epoch every 50 blocks
  appState.reward!.params = { ...appState.reward!.params, epoch_blocks: "50", ...(o.rewardParams ?? {}) };
  appState.training_task!.params = { ...appState.training_task!.params, min_verify_window: "2", min_claim_timeout: "2" };
  writeGenesis(genesisPath, genesis);
  const genesisParams = { reward_params: appState.reward!.params, training_task_params: appState.training_task!.params };

  // 2. the node, with the blob store on its API server
  let opened: Node | undefined;
  const nodeLog = log.child({ module: "node" });
  const node = await Node.open({
    home,
    rpcLaddr,
    apiLaddr,
    blockTimeMs: o.blockTimeMs ?? 300,
    minGasPrices: GAS_PRICE,
    moniker: "validator",
    logger: nodeLog,
    apiRoutes: nodeBlobRoutes({ home, logger: nodeLog }, () => {
      if (!opened) throw new Error("node not open");
      return opened;
    }),
  });
  opened = node;
  const slashed = { burned: 0n, toValidators: 0n, events: 0 };
  const paid = new Map<string, Map<string, bigint>>();
  const fees = new Map<string, bigint>();
  const onEvents = (events: readonly Event[]): void => {
    for (const e of events) {
      if (e.type === "slashed") {
        slashed.burned += amountOf(attr(e, "burned"));
        slashed.toValidators += amountOf(attr(e, "to_validators"));
        slashed.events++;
      } else if (e.type === "reward_paid") {
        const to = attr(e, "recipient") ?? "";
        const kind = attr(e, "kind") ?? "?";
        const byKind = paid.get(to) ?? new Map<string, bigint>();
        byKind.set(kind, (byKind.get(kind) ?? 0n) + amountOf(attr(e, "amount")));
        paid.set(to, byKind);
      } else if (e.type === "tx" && attr(e, "fee_payer") !== undefined) {
        const payer = attr(e, "fee_payer")!;
        fees.set(payer, (fees.get(payer) ?? 0n) + amountOf(attr(e, "fee")));
      }
    }
  };
  const unsubscribe = node.subscribe((ev) => {
    if (ev.kind !== "NewBlock") return;
    onEvents(ev.results.finalizeBlockEvents);
    for (const r of ev.results.txResults) onEvents(r.events);
  });
  // the verifier and the workers, stopped in `finally` whatever happens
  const roles: RoleProcess[] = [];
  let queries: TaskQueries | undefined;
  let stargate: StargateClient | undefined;
  let creatorClient: SigningStargateClient | undefined;
  const onAbort = (): void => log.warn("interrupted: stopping the workers, the verifier and the node");
  o.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await node.start();
    status(`node up: RPC ${rpc}, API + blobs ${api}, block time ${o.blockTimeMs ?? 300} ms`);
    checkAbort();
    stargate = await StargateClient.connect(rpc);
    const balance = async (address: string): Promise<bigint> => BigInt((await stargate!.getBalance(address, DENOM)).amount);
    const before = {} as Record<DevnetRole, bigint>;
    for (const role of DEVNET_ROLES) before[role] = await balance(addresses[role]);
    queries = await TaskQueries.connect(rpc);

    // 3. the validator's verifier and two workers, each its own `trainchain … start` process, started
    // now so they boot while the data and the task are prepared; they share the home's
    // content-addressed artifact cache
    const intervals = (taskParams.segmentSteps ?? 1n) / (taskParams.checkpointInterval ?? 1n);
    const roleArgs = ["--home", home, "--keyring-backend", "test", "--node", rpc, "--blobs", api];
    let lastLoss: number | undefined;
    const phases = new Map<string, string>();
    const validatorRole = spawnRole("validator", ["verifier", "start", "--from", "validator", ...roleArgs, "--log-level", "info"], log, () => undefined);
    const workers: RoleProcess[] = [];
    roles.push(validatorRole);
    for (const role of ["worker1", "worker2"] as const) {
      workers.push(
        spawnRole(role, ["worker", "start", "--from", role, ...roleArgs, "--log-level", "debug"], log, (r) => {
          const segment = r.segment as string | undefined;
          if (r.msg === "proof submitted") {
            trainingMsBy.set(`${addresses[role]}/${segment}`, Number(r.trainingMs ?? 0));
            if (r.lossMicro !== undefined) lastLoss = Number(r.lossMicro) / 1e6;
          }
          const phase = WORKER_PHASES[String(r.msg)];
          if (phase !== undefined) phases.set(role, `${phase}${segment !== undefined ? ` segment ${segment}` : ""}${r.interval !== undefined ? ` interval ${Number(r.interval) + 1}/${intervals}` : ""}`);
        }),
      );
    }
    roles.push(...workers);
    status("verifier (validator) and 2 workers starting");

    // 4. MNIST registered by the data owner, through `trainchain dataset register --mnist`
    status("importing MNIST and uploading it to the blob store …");
    const registered = await quietly(() =>
      datasetRegister([
        "--mnist", "--from", "data-owner", "--home", home, "--keyring-backend", "test", "--node", rpc, "--chain-id", chainId,
        "--blobs", api, "--royalty-bps", String(o.royaltyBps ?? 500), "--output", "json", "-y",
      ]),
    );
    const reg = JSON.parse(registered.output) as { dataset_id: string; dataset_dir: string; mnist_test_dir: string; uploaded_bytes: number };
    const datasetId = BigInt(reg.dataset_id);
    status(`dataset ${datasetId} (MNIST train, 60000 samples, ${(reg.uploaded_bytes / 1e6).toFixed(0)} MB in the blob store) registered by data-owner`);
    checkAbort();

    // the roles run on the data owner's machine: its shards go into their artifact cache (linked, not
    // fetched back from the blob store); each role still checks every shard's hash when it loads them
    const onChain = await queries.dataset(datasetId);
    if (!onChain) throw new Error(`dataset ${datasetId} is not on the chain after its registration`);
    new ArtifactStore(api, homeCacheDir(home), log).seedDataset(toHex(onChain.manifestHash), reg.dataset_dir);

    // 5. the task, through the `task create` core
    const creatorWallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonics.creator, { prefix: BECH32_PREFIX });
    creatorClient = await SigningStargateClient.connectWithSigner(rpc, creatorWallet, { registry: trainchainRegistry(), gasPrice: GasPrice.fromString(GAS_PRICE), broadcastPollIntervalMs: BROADCAST_POLL_MS });
    const client = creatorClient;
    const created = await createTaskFromModel(
      { ...taskParams, datasetId },
      { creator: addresses.creator, blobs: new BlobClient(api), queries, broadcast: (msgs) => client.signAndBroadcast(addresses.creator, msgs, 1.5) },
    );
    const taskId = created.taskId;
    const total = created.spec.totalSegments;
    status(
      `task ${taskId}: ${taskParams.arch ?? taskParams.modelFile}, ${taskParams.optimizer} lr ${taskParams.learningRate} batch ${taskParams.batchSize}, ` +
        `${total} segments × ${created.spec.segmentSteps} steps (k = ${created.spec.checkpointInterval}, s = ${created.spec.samplesPerSegment}), reward ${taskParams.rewardPerSegment}/segment, bond ${taskParams.workerBond}`,
    );
    checkAbort();


    // 6. progress until COMPLETED
    const deadline = Date.now() + (o.timeoutMs ?? 9 * 60_000);
    let lastDone = -1n;
    let lastLine = 0;
    for (;;) {
      checkAbort();
      const task = await queries.task(taskId);
      if (task.segmentsDone !== lastDone) {
        if (task.segmentsDone > 0n) status(`segments accepted ${task.segmentsDone}/${total}${lastLoss !== undefined ? `, loss ${lastLoss.toFixed(4)}` : ""}`);
        lastDone = task.segmentsDone;
      } else if (Date.now() - lastLine > 5000) {
        status(`  … ${[...phases].map(([r, p]) => `${r}: ${p}`).join(", ")}`);
        lastLine = Date.now();
      }
      if (task.status === TaskStatus.TASK_STATUS_COMPLETED) break;
      if (task.status === TaskStatus.TASK_STATUS_CANCELLED) throw new Error(`task ${taskId} was cancelled`);
      const failed = roles.filter((r) => r.exitCode() !== undefined && (r === validatorRole || r.exitCode() !== 0));
      const why = (r: RoleProcess): string => `${r.role}: ${r.lastError() ?? `exited with code ${r.exitCode()}`}`;
      if (failed.includes(validatorRole)) throw new Error(`the verifier stopped: ${why(validatorRole)}`);
      if (failed.length === workers.length) throw new Error(`both workers failed: ${failed.map(why).join("; ")}`);
      if (Date.now() > deadline) throw new Error(`task ${taskId} not completed within ${Math.round((o.timeoutMs ?? 540_000) / 1000)} s (${task.segmentsDone}/${total} segments accepted)`);
      await sleep(500, o.signal);
    }
    status(`task ${taskId} COMPLETED`);
    await Promise.all(roles.map((r) => r.stop()));

    // 7. export and evaluate
    const exported = await exportTaskModel(queries, taskId, { blobBase: api });
    const modelFile = join(home, "model.onnx");
    writeFileSync(modelFile, exported.onnx);
    const test = loadDataset(reg.mnist_test_dir);
    const input = created.inputs[0]!;
    const evalResult = await evaluate({
      forward: exported.onnx,
      params: new Map(),
      input,
      labels: created.labels,
      output: created.output,
      loss: taskParams.loss,
      dataset: test,
      profile: defaultProfile(),
    });
    status(`exported ${modelFile}; MNIST test accuracy ${((evalResult.accuracy ?? 0) * 100).toFixed(2)}% (${evalResult.samples} samples, loss ${evalResult.loss.toFixed(4)})`);

    // 8. balances and what moved
    await sleep(2 * (o.blockTimeMs ?? 300));
    const report = await taskReport(queries, taskId);
    const balances = {} as Record<DevnetRole, RoleBalance>;
    const feeView = {} as Record<DevnetRole, string>;
    const payments: Record<string, Record<string, string>> = {};
    for (const role of DEVNET_ROLES) {
      const after = await balance(addresses[role]);
      balances[role] = { address: addresses[role], before: before[role].toString(), after: after.toString(), delta: (after - before[role]).toString() };
      feeView[role] = (fees.get(addresses[role]) ?? 0n).toString();
      const byKind = paid.get(addresses[role]);
      payments[role] = Object.fromEntries([...(byKind ?? new Map<string, bigint>())].map(([k, v]) => [k, v.toString()]));
    }
    return {
      chain_id: chainId,
      home,
      task_id: taskId.toString(),
      status: report.status,
      segments_total: total.toString(),
      segment_steps: created.spec.segmentSteps.toString(),
      segments_accepted: report.proofs.filter((p) => p.status === "ACCEPTED").length,
      segments_rejected: report.proofs.filter((p) => p.status === "REJECTED").length,
      proofs_expired: report.proofs.filter((p) => p.status === "EXPIRED").length,
      final_loss: report.final_loss,
      segments: report.segments.map((seg) => ({ index: seg.index, worker: seg.worker, worker_role: DEVNET_ROLES.find((r) => addresses[r] === seg.worker) ?? "", loss: seg.loss })),
      test_accuracy: evalResult.accuracy ?? null,
      test_loss: evalResult.loss,
      test_samples: evalResult.samples,
      model_file: modelFile,
      balances,
      payments,
      royalty_bps: o.royaltyBps ?? 500,
      escrow: `${BigInt(created.spec.rewardPerSegment!.amount) * total}${created.spec.rewardPerSegment!.denom}`,
      slashed: { burned: slashed.burned.toString(), to_validators: slashed.toValidators.toString(), events: slashed.events },
      fees: feeView,
      genesis: genesisParams,
      wall_seconds: Math.round((performance.now() - started) / 100) / 10,
      training_seconds: Math.round(report.segments.filter((seg) => seg.status === "ACCEPTED").reduce((ms, seg) => ms + (trainingMsBy.get(`${seg.worker}/${seg.index}`) ?? 0), 0) / 100) / 10,
    };
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
    await Promise.allSettled(roles.map((r) => r.stop()));
    unsubscribe();
    queries?.disconnect();
    stargate?.disconnect();
    creatorClient?.disconnect();
    await node.stop();
  }
}

function formatSummary(s: DevnetSummary): string {
  const fmt = (v: string): string => {
    const n = BigInt(v);
    const sign = n < 0n ? "-" : "+";
    const a = n < 0n ? -n : n;
    return `${sign}${a / 1_000_000n}.${(a % 1_000_000n).toString().padStart(6, "0")} TRAIN`;
  };
  const fmtFee = (v: string): string => fmt(v).slice(1);
  const lines = [
    "",
    `devnet finished in ${s.wall_seconds} s — task ${s.task_id} ${s.status}: ${s.segments_accepted}/${s.segments_total} segments accepted, ${s.segments_rejected} rejected`,
    `final training loss ${s.final_loss?.toFixed(4) ?? "n/a"}; MNIST test accuracy ${s.test_accuracy !== null ? (s.test_accuracy * 100).toFixed(2) + "%" : "n/a"} (${s.test_samples} samples)`,
    `model: ${s.model_file}`,
    `time: ${s.training_seconds} s of worker training within ${s.wall_seconds} s wall (data import, blocks, verification and uploads are the rest)`,
    "",
    "balances that moved (after − before; fees included):",
    ...DEVNET_ROLES.map((role) => {
      const b = s.balances[role];
      const paidText = Object.entries(s.payments[role] ?? {}).map(([k, v]) => `${k} ${fmt(v)}`).join(", ");
      return `  ${role.padEnd(11)} ${fmt(b.delta).padStart(22)}   ${b.address}${paidText ? `  (${paidText}; fees ${fmtFee(s.fees[role])})` : s.fees[role] !== "0" ? `  (fees ${fmtFee(s.fees[role])})` : ""}`;
    }),
    `  escrow taken from creator: ${s.escrow}`,
    `  slashed: ${s.slashed.events} events, burned ${s.slashed.burned}utrain, to validators ${s.slashed.to_validators}utrain`,
  ];
  return lines.join("\n");
}

/** `trainchain devnet [--home DIR] [--output json]`. */
export async function devnetCommand(argv: string[]): Promise<void> {
  const f = parseFlags(
    argv,
    {
      home: "string", output: "string", o: "string", "rpc.laddr": "string", "api.laddr": "string", "block-time": "string", "log-level": "string",
      segments: "string", "segment-steps": "string", "checkpoint-interval": "string", emission: "string", timeout: "string",
    },
    "devnet",
  );
  positionals(f, 0, "trainchain devnet [--home DIR] [--output json] [--segments 6] [--segment-steps 6400] [--checkpoint-interval 160] [--emission 1000000utrain] [--block-time 300ms]");
  const count = (name: string): bigint | undefined => {
    const v = flagString(f, name);
    if (v === undefined) return undefined;
    if (!/^[1-9][0-9]{0,8}$/.test(v)) throw new Error(`invalid --${name} ${JSON.stringify(v)}: expected a positive integer`);
    return BigInt(v);
  };
  const task: Partial<Omit<CreateTaskParams, "datasetId">> = {};
  const segments = count("segments");
  const segmentSteps = count("segment-steps");
  const interval = count("checkpoint-interval");
  if (segments !== undefined) task.totalSegments = segments;
  if (segmentSteps !== undefined) task.segmentSteps = segmentSteps;
  if (interval !== undefined) task.checkpointInterval = interval;
  const steps = task.segmentSteps ?? DEFAULT_TASK.segmentSteps;
  const k = task.checkpointInterval ?? DEFAULT_TASK.checkpointInterval;
  if (steps % k !== 0n) throw new Error(`--segment-steps ${steps} is not a multiple of --checkpoint-interval ${k}`);
  if (steps / k < BigInt(DEFAULT_TASK.samplesPerSegment)) task.samplesPerSegment = Number(steps / k);
  const emission = flagString(f, "emission");
  if (emission !== undefined && !/^[0-9]+utrain$/.test(emission)) throw new Error(`invalid --emission ${JSON.stringify(emission)}: expected an amount such as 1000000utrain (0utrain for none)`);
  const timeout = count("timeout");
  const output = flagString(f, "output") ?? flagString(f, "o") ?? "text";
  if (output !== "text" && output !== "json") throw new Error(`--output ${output}; expected text or json`);
  const home = flagString(f, "home") ?? join(homedir(), ".trainchain-devnet");
  const blockTime = flagString(f, "block-time");
  let blockTimeMs: number | undefined;
  if (blockTime !== undefined) {
    const m = /^([0-9]+)(ms|s)$/.exec(blockTime);
    if (!m) throw new Error(`invalid --block-time ${JSON.stringify(blockTime)}: expected e.g. 300ms or 1s`);
    blockTimeMs = Number(m[1]) * (m[2] === "s" ? 1000 : 1);
  }
  // logs go to stderr at warn by default, so stdout holds the story (or the one JSON summary)
  const log = pino({ level: flagString(f, "log-level") ?? "warn" }, pino.destination(2));
  const started = performance.now();
  const onStatus = output === "text" ? (line: string): void => void process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s] ${line}\n`) : undefined;
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const summary = await runDevnet({
      home,
      log,
      signal: abort.signal,
      ...(onStatus ? { onStatus } : {}),
      ...(flagString(f, "rpc.laddr") !== undefined ? { rpcLaddr: flagString(f, "rpc.laddr")! } : {}),
      ...(flagString(f, "api.laddr") !== undefined ? { apiLaddr: flagString(f, "api.laddr")! } : {}),
      ...(blockTimeMs !== undefined ? { blockTimeMs } : {}),
      ...(timeout !== undefined ? { timeoutMs: Number(timeout) * 1000 } : {}),
      ...(emission !== undefined ? { rewardParams: { emission_per_block: { denom: "utrain", amount: emission.replace(/utrain$/, "") } } } : {}),
      task,
    });
    printResult(f, summary, formatSummary(summary));
  } catch (err) {
    if (err instanceof Interrupted) {
      process.stderr.write("devnet stopped (SIGINT)\n");
      process.exitCode = 130;
      return;
    }
    throw err;
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}
