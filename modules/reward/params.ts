// reward params: defaults, validation, genesis JSON form.
import type { Params } from "../../proto/trainchain/reward/v1/generated.ts";
import { RewardErrors } from "./errors.ts";

export type RewardParams = Params;

export const BPS = 10_000n;

export function defaultRewardParams(): RewardParams {
  return {
    emissionPerBlock: { denom: "utrain", amount: "1000000" },
    epochBlocks: 100n,
    workerShareBps: 7000,
    verifierFeeBps: 500,
    slashRewardBps: 2000,
    leaseSlashBps: 1000,
  };
}

export function validateRewardParams(p: RewardParams): void {
  const e = p.emissionPerBlock;
  if (!e || !/^[0-9]+$/.test(e.amount) || !/^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/.test(e.denom)) {
    throw RewardErrors.InvalidParams.wrap(`emission_per_block must be a coin like 1000000utrain, got ${e ? `${e.amount}${e.denom}` : "nothing"}`);
  }
  if (p.epochBlocks < 1n) throw RewardErrors.InvalidParams.wrap(`epoch_blocks must be ≥ 1, got ${p.epochBlocks}`);
  for (const [name, v] of [
    ["worker_share_bps", p.workerShareBps],
    ["verifier_fee_bps", p.verifierFeeBps],
    ["slash_reward_bps", p.slashRewardBps],
    ["lease_slash_bps", p.leaseSlashBps],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 10_000) throw RewardErrors.InvalidParams.wrap(`${name} must be 0…10000, got ${v}`);
  }
}

/** Genesis JSON form: snake_case keys, integers as strings. */
export interface RewardParamsJson {
  emission_per_block: { denom: string; amount: string };
  epoch_blocks: string;
  worker_share_bps: number;
  verifier_fee_bps: number;
  slash_reward_bps: number;
  lease_slash_bps: number;
}

export function rewardParamsToJson(p: RewardParams): RewardParamsJson {
  return {
    emission_per_block: { denom: p.emissionPerBlock!.denom, amount: p.emissionPerBlock!.amount },
    epoch_blocks: p.epochBlocks.toString(),
    worker_share_bps: p.workerShareBps,
    verifier_fee_bps: p.verifierFeeBps,
    slash_reward_bps: p.slashRewardBps,
    lease_slash_bps: p.leaseSlashBps,
  };
}

/** Missing fields take their defaults. */
export function rewardParamsFromJson(j: Partial<RewardParamsJson> | undefined): RewardParams {
  const d = defaultRewardParams();
  if (!j) return d;
  const p: RewardParams = {
    emissionPerBlock: j.emission_per_block ? { denom: j.emission_per_block.denom, amount: String(j.emission_per_block.amount) } : d.emissionPerBlock,
    epochBlocks: j.epoch_blocks !== undefined ? BigInt(j.epoch_blocks) : d.epochBlocks,
    workerShareBps: j.worker_share_bps !== undefined ? Number(j.worker_share_bps) : d.workerShareBps,
    verifierFeeBps: j.verifier_fee_bps !== undefined ? Number(j.verifier_fee_bps) : d.verifierFeeBps,
    slashRewardBps: j.slash_reward_bps !== undefined ? Number(j.slash_reward_bps) : d.slashRewardBps,
    leaseSlashBps: j.lease_slash_bps !== undefined ? Number(j.lease_slash_bps) : d.leaseSlashBps,
  };
  validateRewardParams(p);
  return p;
}
