// The least training_task needs from other modules; implementations are injected in chain/app.ts.
import type { Context } from "../../chain/framework/context.ts";
import type { Coins } from "../../chain/framework/coins.ts";

export interface DatasetInfo {
  owner: string;
  royaltyBps: number;
  /** 2 = deprecated */
  status: number;
  /** 1 = PUBLIC, 2 = ALLOWLIST */
  access: number;
  sampleCount: bigint;
  manifestHash: Uint8Array;
}

export const DATASET_STATUS_DEPRECATED = 2;
export const DATASET_ACCESS_ALLOWLIST = 2;

export interface DataRegistryForTasks {
  getDataset(ctx: Context, id: bigint): DatasetInfo | undefined;
  hasAccess(ctx: Context, id: bigint, address: string): boolean;
}

export interface StakingForTasks {
  /** Bonded validators, sorted by operator. */
  bondedValidators(ctx: Context): { operator: Uint8Array; tokens: bigint }[];
  getValidator(ctx: Context, operator: Uint8Array): { tokens: bigint; jailed: boolean } | undefined;
}

export interface StakeWeight {
  address: Uint8Array;
  stake: bigint;
}

export interface AcceptedSegmentPayout {
  taskId: bigint;
  segment: bigint;
  worker: Uint8Array;
  reward: Coins;
  dataOwner: Uint8Array;
  royaltyBps: number;
  verifiers: StakeWeight[];
  work: bigint;
}

/** Escrow, bonds and the payouts of a verification outcome (the reward module). */
export interface RewardForTasks {
  lockEscrow(ctx: Context, taskId: bigint, creator: Uint8Array, amount: Coins): void;
  refundEscrow(ctx: Context, taskId: bigint): Coins;
  closeEscrow(ctx: Context, taskId: bigint): void;
  lockBond(ctx: Context, taskId: bigint, segment: bigint, worker: Uint8Array, amount: Coins): void;
  getBond(ctx: Context, taskId: bigint, segment: bigint): { worker: string; amount: Coins } | undefined;
  returnBond(ctx: Context, taskId: bigint, segment: bigint, burnBps: number, reason: string): unknown;
  slashLeaseExpired(ctx: Context, taskId: bigint, segment: bigint): unknown;
  slashRejected(ctx: Context, taskId: bigint, segment: bigint, catchers: StakeWeight[]): unknown;
  payAcceptedSegment(ctx: Context, payout: AcceptedSegmentPayout): unknown;
  recordChallenge(ctx: Context): void;
  recordVote(ctx: Context, validator: Uint8Array): void;
}
