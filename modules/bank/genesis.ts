// bank genesis: balances by address; supply is derived (and checked when given).
import type { Context } from "../../chain/framework/context.ts";
import { fromBech32 } from "../../chain/framework/address.ts";
import { parseProtoCoins, toProtoCoins } from "../../chain/framework/coins.ts";
import type { BankKeeper } from "./keeper.ts";

export interface BankGenesis {
  balances: { address: string; coins: { denom: string; amount: string }[] }[];
  supply: { denom: string; amount: string }[];
}

export function defaultBankGenesis(): BankGenesis {
  return { balances: [], supply: [] };
}

export function initBankGenesis(ctx: Context, keeper: BankKeeper, state: BankGenesis): void {
  for (const b of state.balances ?? []) keeper.initBalance(ctx, fromBech32(b.address), parseProtoCoins(b.coins));
  if (state.supply && state.supply.length > 0) {
    for (const s of parseProtoCoins(state.supply)) {
      const actual = keeper.getSupply(ctx, s.denom);
      if (actual !== s.amount) throw new Error(`genesis: supply of ${s.denom} is ${s.amount} but balances sum to ${actual}`);
    }
  }
}

export function exportBankGenesis(ctx: Context, keeper: BankKeeper): BankGenesis {
  return {
    balances: [...keeper.allBalances(ctx)].map(([address, coins]) => ({ address, coins: toProtoCoins(coins) })),
    supply: toProtoCoins(keeper.totalSupply(ctx)),
  };
}
