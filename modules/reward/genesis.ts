// reward genesis: params, the tracked pool, escrows and locked bonds (module balances come from bank genesis).
import type { Context } from "../../chain/framework/context.ts";
import type { RewardKeeper } from "./keeper.ts";
import { EpochKey, PoolKey, REWARD_STORE_PREFIX, bondKey, escrowKey } from "./keys.ts";
import { rewardParamsFromJson, rewardParamsToJson, type RewardParamsJson } from "./params.ts";
import { Bond as BondCodec, Escrow as EscrowCodec } from "../../proto/trainchain/reward/v1/generated.ts";
import { uint64BE } from "../../chain/store/bytes.ts";

interface CoinJson {
  denom: string;
  amount: string;
}

export interface RewardGenesis {
  params: Partial<RewardParamsJson>;
  pool?: CoinJson;
  epoch?: string;
  escrows?: { task_id: string; creator: string; remaining: CoinJson }[];
  bonds?: { task_id: string; segment: string; worker: string; amount: CoinJson }[];
}

export function defaultRewardGenesis(): RewardGenesis {
  return { params: rewardParamsToJson(rewardParamsFromJson(undefined)) };
}

export function initRewardGenesis(ctx: Context, keeper: RewardKeeper, state: RewardGenesis): void {
  keeper.setParams(ctx, rewardParamsFromJson(state.params));
  const store = ctx.kv(REWARD_STORE_PREFIX);
  if (state.pool) store.set(PoolKey, new TextEncoder().encode(`${state.pool.denom} ${BigInt(state.pool.amount)}`));
  if (state.epoch) store.set(EpochKey, uint64BE(BigInt(state.epoch)));
  for (const e of state.escrows ?? []) {
    store.set(escrowKey(BigInt(e.task_id)), EscrowCodec.encode({ taskId: BigInt(e.task_id), creator: e.creator, remaining: e.remaining }).finish());
  }
  for (const b of state.bonds ?? []) {
    store.set(bondKey(BigInt(b.task_id), BigInt(b.segment)), BondCodec.encode({ taskId: BigInt(b.task_id), segment: BigInt(b.segment), worker: b.worker, amount: b.amount }).finish());
  }
}

export function exportRewardGenesis(ctx: Context, keeper: RewardKeeper): RewardGenesis {
  const pool = keeper.getPool(ctx);
  return {
    params: rewardParamsToJson(keeper.getParams(ctx)),
    pool: { denom: pool.denom, amount: pool.amount.toString() },
    epoch: keeper.epoch(ctx).toString(),
    escrows: keeper.allEscrows(ctx).map((e) => ({ task_id: e.taskId.toString(), creator: e.creator, remaining: { denom: e.remaining.denom, amount: e.remaining.amount.toString() } })),
    bonds: keeper.allBonds(ctx).map((b) => ({ task_id: b.taskId.toString(), segment: b.segment.toString(), worker: b.worker, amount: { denom: b.amount.denom, amount: b.amount.amount.toString() } })),
  };
}
