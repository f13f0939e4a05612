// Shared fixture for training-task and reward keeper specs: real auth/bank/reward/training-task
// keepers over an in-memory store, with small fakes of the staking and data-registry interfaces.
import { createHash } from "node:crypto";
import { memoryChain, type TestChain } from "../helpers/context.ts";
import type { Context } from "../../chain/framework/context.ts";
import { fromBech32, toBech32 } from "../../chain/framework/address.ts";
import { AccountKeeper } from "../../modules/auth/index.ts";
import { BankKeeper } from "../../modules/bank/index.ts";
import { MINING_POOL, RewardKeeper, TASK_ESCROW, WORKER_BONDS } from "../../modules/reward/index.ts";
import { TrainingTaskKeeper, type DatasetInfo } from "../../modules/training-task/index.ts";
import type { TaskSpec } from "../../proto/trainchain/training_task/v1/generated.ts";

export const DENOM = "utrain";

export function addr(name: string): string {
  return toBech32(new Uint8Array(createHash("sha256").update(name).digest().subarray(0, 20)));
}

export function hash(label: string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(label).digest());
}

export class FakeStaking {
  readonly validators = new Map<string, { tokens: bigint; jailed: boolean }>();
  set(address: string, tokens: bigint, jailed = false): void {
    this.validators.set(address, { tokens, jailed });
  }
  bondedValidators(_ctx: Context): { operator: Uint8Array; tokens: bigint }[] {
    return [...this.validators.entries()]
      .filter(([, v]) => !v.jailed && v.tokens > 0n)
      .map(([a, v]) => ({ operator: fromBech32(a), tokens: v.tokens }))
      .sort((x, y) => Buffer.compare(Buffer.from(x.operator), Buffer.from(y.operator)));
  }
  getValidator(_ctx: Context, operator: Uint8Array): { tokens: bigint; jailed: boolean } | undefined {
    return this.validators.get(toBech32(operator));
  }
}

export class FakeRegistry {
  readonly datasets = new Map<bigint, DatasetInfo>();
  readonly grants = new Set<string>();
  getDataset(_ctx: Context, id: bigint): DatasetInfo | undefined {
    return this.datasets.get(id);
  }
  hasAccess(_ctx: Context, id: bigint, address: string): boolean {
    const d = this.datasets.get(id);
    return !!d && (d.access === 1 || d.owner === address || this.grants.has(`${id}/${address}`));
  }
}

export interface Fixture {
  chain: TestChain;
  accounts: AccountKeeper;
  bank: BankKeeper;
  reward: RewardKeeper;
  tasks: TrainingTaskKeeper;
  staking: FakeStaking;
  registry: FakeRegistry;
  height: bigint;
  ctx(): Context;
  /** Runs EndBlock at the current height and moves to the next. */
  nextBlock(): void;
  balance(address: string): bigint;
  moduleBalance(name: string): bigint;
  fund(address: string, amount: bigint): void;
}

export const OWNER = addr("data-owner");
export const CREATOR = addr("creator");
export const WORKER = addr("worker");
export const VAL_A = addr("val-a");
export const VAL_B = addr("val-b");
export const VAL_C = addr("val-c");

export function fixture(options: { emission?: bigint; epochBlocks?: bigint } = {}): Fixture {
  const chain = memoryChain();
  const accounts = new AccountKeeper();
  accounts.modulePermissions.set(TASK_ESCROW, []);
  accounts.modulePermissions.set(WORKER_BONDS, ["burner"]);
  accounts.modulePermissions.set(MINING_POOL, ["minter"]);
  const bank = new BankKeeper(accounts);
  const staking = new FakeStaking();
  const registry = new FakeRegistry();
  const reward = new RewardKeeper(bank, staking);
  const tasks = new TrainingTaskKeeper(reward, staking, registry);
  const f: Fixture = {
    chain,
    accounts,
    bank,
    reward,
    tasks,
    staking,
    registry,
    height: 1n,
    ctx: () => chain.ctx(f.height),
    nextBlock: () => {
      tasks.endBlock(f.ctx());
      f.height += 1n;
    },
    balance: (a) => bank.getBalance(f.ctx(), fromBech32(a), DENOM),
    moduleBalance: (name) => bank.getBalance(f.ctx(), accounts.moduleAddress(name), DENOM),
    fund: (a, amount) => bank.initBalance(f.ctx(), fromBech32(a), [{ denom: DENOM, amount }]),
  };
  const ctx = chain.ctx(0n, "genesis");
  reward.setParams(ctx, {
    emissionPerBlock: { denom: DENOM, amount: (options.emission ?? 0n).toString() },
    epochBlocks: options.epochBlocks ?? 1_000_000n,
    workerShareBps: 7000,
    verifierFeeBps: 500,
    slashRewardBps: 2000,
    leaseSlashBps: 1000,
  });
  registry.datasets.set(1n, { owner: OWNER, royaltyBps: 1000, status: 1, access: 1, sampleCount: 60000n, manifestHash: hash("manifest") });
  f.fund(CREATOR, 10_000_000n);
  f.fund(WORKER, 1_000_000n);
  return f;
}

export function spec(overrides: Partial<TaskSpec> = {}): TaskSpec {
  return {
    datasetId: 1n,
    stepGraphHash: hash("step"),
    stepGraphUri: "blob://step",
    initialCheckpointHash: hash("ckpt-0"),
    initialCheckpointUri: "blob://ckpt-0",
    forwardGraphHash: hash("forward"),
    forwardGraphUri: "blob://forward",
    hyperParams: { batchSize: 32, learningRate: "0.01", optimizer: "sgd", seed: 7n },
    numerics: { executionProvider: "cpu", intraOpThreads: 1, graphOptimizationLevel: "disabled", onnxruntimeVersion: "1.20.1" },
    segmentSteps: 40n,
    checkpointInterval: 10n,
    totalSegments: 2n,
    samplesPerSegment: 2,
    tolerancePpb: 0n,
    rewardPerSegment: { denom: DENOM, amount: "1000003" },
    workerBond: { denom: DENOM, amount: "100007" },
    verifyWindow: 3n,
    claimTimeout: 5n,
    flopsPerStep: 1000n,
    ...overrides,
  };
}

/** A proof message for the task's head with m interval hashes. */
export function proofMsg(
  worker: string,
  taskId: bigint,
  segment: bigint,
  startHash: Uint8Array,
  m = 4,
  label = "seg",
): { worker: string; taskId: bigint; segment: bigint; startHash: Uint8Array; intervalHashes: Uint8Array[]; intervalLossMicro: bigint[]; intervalUpdateNormPpb: bigint[]; checkpointUris: string[] } {
  return {
    worker,
    taskId,
    segment,
    startHash,
    intervalHashes: Array.from({ length: m }, (_, i) => hash(`${label}-${taskId}-${segment}-${i}`)),
    intervalLossMicro: Array.from({ length: m }, (_, i) => BigInt(2_000_000 - i * 1000)),
    intervalUpdateNormPpb: Array.from({ length: m }, (_, i) => BigInt(i === 1 ? 900 : 100 + i)),
    checkpointUris: [],
  };
}
