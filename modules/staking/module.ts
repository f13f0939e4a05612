// The staking AppModule: msgs, queries, genesis, EndBlock (unbonding queue, validator updates), invariants.
import type { ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import type { Context } from "../../chain/framework/context.ts";
import { moduleAddress } from "../../chain/framework/address.ts";
import type { AppModule, Invariant } from "../../chain/framework/module.ts";
import type { BankForStaking } from "./expected-keepers.ts";
import { defaultStakingGenesis, exportStakingGenesis, initStakingGenesis, type StakingGenesis } from "./genesis.ts";
import type { StakingKeeper } from "./keeper.ts";
import { BONDED_POOL, NOT_BONDED_POOL, STAKING_STORE_PREFIX } from "./keys.ts";
import { stakingMsgs } from "./msg-server.ts";
import { stakingQueries } from "./query-server.ts";

export function stakingInvariants(keeper: StakingKeeper, bank: BankForStaking): Invariant[] {
  return [
    {
      name: "bonded-pool",
      check: (ctx: Context) => {
        const denom = keeper.bondDenom(ctx);
        const pool = bank.getBalance(ctx, moduleAddress(BONDED_POOL), denom);
        const sum = keeper.totalBondedTokens(ctx);
        return pool === sum ? undefined : `bonded pool holds ${pool}${denom} but validators hold ${sum}${denom}`;
      },
    },
    {
      name: "not-bonded-pool",
      check: (ctx: Context) => {
        const denom = keeper.bondDenom(ctx);
        const pool = bank.getBalance(ctx, moduleAddress(NOT_BONDED_POOL), denom);
        const sum = keeper.totalUnbonding(ctx);
        return pool === sum ? undefined : `not-bonded pool holds ${pool}${denom} but unbonding entries hold ${sum}${denom}`;
      },
    },
    {
      name: "non-negative-tokens",
      check: (ctx: Context) => {
        for (const v of keeper.validators(ctx)) if (v.tokens < 0n) return `validator has negative tokens ${v.tokens}`;
        for (const e of keeper.unbondingEntries(ctx)) if (e.amount <= 0n) return `unbonding entry ${e.id} has amount ${e.amount}`;
        return undefined;
      },
    },
  ];
}

export function stakingModule(keeper: StakingKeeper, bank: BankForStaking): AppModule {
  return {
    name: "staking",
    storePrefix: STAKING_STORE_PREFIX,
    msgs: stakingMsgs(keeper),
    queries: stakingQueries(keeper),
    defaultGenesis: defaultStakingGenesis,
    initGenesis: (ctx, state) => initStakingGenesis(ctx, keeper, bank, state as StakingGenesis),
    exportGenesis: (ctx) => exportStakingGenesis(ctx, keeper),
    endBlock: (ctx: Context): ValidatorUpdate[] => {
      keeper.completeMatureUnbondings(ctx);
      return keeper.applyValidatorUpdates(ctx);
    },
    invariants: stakingInvariants(keeper, bank),
  };
}
