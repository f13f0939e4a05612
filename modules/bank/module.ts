import type { AppModule } from "../../chain/framework/module.ts";
import { defaultBankGenesis, exportBankGenesis, initBankGenesis, type BankGenesis } from "./genesis.ts";
import type { BankKeeper } from "./keeper.ts";
import { BANK_STORE_PREFIX } from "./keys.ts";
import { bankMsgs } from "./msg-server.ts";
import { bankQueries } from "./query-server.ts";

export function bankModule(keeper: BankKeeper): AppModule {
  return {
    name: "bank",
    storePrefix: BANK_STORE_PREFIX,
    msgs: bankMsgs(keeper),
    queries: bankQueries(keeper),
    defaultGenesis: defaultBankGenesis,
    initGenesis: (ctx, state) => initBankGenesis(ctx, keeper, state as BankGenesis),
    exportGenesis: (ctx) => exportBankGenesis(ctx, keeper),
    invariants: [
      {
        name: "total-supply",
        // sum of all balances = supply, per denom
        check: (ctx) => {
          const sums = new Map<string, bigint>();
          for (const coins of keeper.allBalances(ctx).values()) {
            for (const c of coins) {
              if (c.amount <= 0n) return `non-positive balance ${c.amount}${c.denom}`;
              sums.set(c.denom, (sums.get(c.denom) ?? 0n) + c.amount);
            }
          }
          for (const s of keeper.totalSupply(ctx)) {
            const sum = sums.get(s.denom) ?? 0n;
            if (sum !== s.amount) return `supply of ${s.denom} is ${s.amount} but balances sum to ${sum}`;
            sums.delete(s.denom);
          }
          for (const [denom, sum] of sums) return `balances hold ${sum}${denom} with no supply`;
          return undefined;
        },
      },
    ],
  };
}
