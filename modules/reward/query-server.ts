// reward queries over ABCI: Params, Pools, Pending, Rewards, Escrow.
import type { QueryHandler } from "../../chain/framework/module.ts";
import { fromBech32, moduleAddress, toBech32 } from "../../chain/framework/address.ts";
import { toProtoCoins } from "../../chain/framework/coins.ts";
import {
  QueryEscrowRequest,
  QueryEscrowResponse,
  QueryParamsResponse,
  QueryPendingResponse,
  QueryPoolsResponse,
  QueryRewardsRequest,
  QueryRewardsResponse,
} from "../../proto/trainchain/reward/v1/generated.ts";
import type { BankForReward } from "./expected-keepers.ts";
import type { RewardKeeper } from "./keeper.ts";
import { TASK_ESCROW, WORKER_BONDS } from "./keys.ts";
import { RewardErrors } from "./errors.ts";

export const REWARD_QUERY = {
  params: "/trainchain.reward.v1.Query/Params",
  pools: "/trainchain.reward.v1.Query/Pools",
  pending: "/trainchain.reward.v1.Query/Pending",
  rewards: "/trainchain.reward.v1.Query/Rewards",
  escrow: "/trainchain.reward.v1.Query/Escrow",
} as const;

export function rewardQueries(keeper: RewardKeeper, bank: BankForReward): QueryHandler[] {
  return [
    { path: REWARD_QUERY.params, handle: (ctx) => QueryParamsResponse.encode({ params: keeper.getParams(ctx) }).finish() },
    {
      path: REWARD_QUERY.pools,
      handle: (ctx) => {
        const pool = keeper.getPool(ctx);
        const epochBlocks = keeper.getParams(ctx).epochBlocks;
        const h = ctx.block.height;
        return QueryPoolsResponse.encode({
          miningPool: pool.amount > 0n ? toProtoCoins([pool]) : [],
          taskEscrow: toProtoCoins(bank.getAllBalances(ctx, moduleAddress(TASK_ESCROW))),
          workerBonds: toProtoCoins(bank.getAllBalances(ctx, moduleAddress(WORKER_BONDS))),
          epoch: keeper.epoch(ctx),
          nextEpochHeight: h + (epochBlocks - (h % epochBlocks)) % epochBlocks,
        }).finish();
      },
    },
    {
      path: REWARD_QUERY.pending,
      handle: (ctx) =>
        QueryPendingResponse.encode({
          work: keeper.pendingWork(ctx).map((w) => ({ worker: toBech32(w.address), work: w.work.toString() })),
          participation: keeper.pendingVotes(ctx).map((v) => ({ validator: toBech32(v.address), votes: v.votes })),
          challenges: keeper.epochChallenges(ctx),
        }).finish(),
    },
    {
      path: REWARD_QUERY.rewards,
      handle: (ctx, request) => {
        const req = QueryRewardsRequest.decode(request);
        const address = fromBech32(req.address);
        const key = toBech32(address);
        return QueryRewardsResponse.encode({
          paid: keeper.paidTo(ctx, address),
          pendingWork: (keeper.pendingWork(ctx).find((w) => toBech32(w.address) === key)?.work ?? 0n).toString(),
          pendingVotes: keeper.pendingVotes(ctx).find((v) => toBech32(v.address) === key)?.votes ?? 0n,
        }).finish();
      },
    },
    {
      path: REWARD_QUERY.escrow,
      handle: (ctx, request) => {
        const req = QueryEscrowRequest.decode(request);
        const e = keeper.getEscrow(ctx, req.taskId);
        if (!e) throw RewardErrors.EscrowNotFound.wrap(`no escrow for task ${req.taskId}`);
        return QueryEscrowResponse.encode({
          escrow: { taskId: e.taskId, creator: e.creator, remaining: { denom: e.remaining.denom, amount: e.remaining.amount.toString() } },
        }).finish();
      },
    },
  ];
}
