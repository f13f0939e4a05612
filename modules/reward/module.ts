import type { AppModule } from "../../chain/framework/module.ts";
import type { BankForReward } from "./expected-keepers.ts";
import { defaultRewardGenesis, exportRewardGenesis, initRewardGenesis, type RewardGenesis } from "./genesis.ts";
import type { RewardKeeper } from "./keeper.ts";
import { REWARD_STORE_PREFIX } from "./keys.ts";
import { rewardQueries } from "./query-server.ts";

export function rewardModule(keeper: RewardKeeper, bank: BankForReward): AppModule {
  return {
    name: "reward",
    storePrefix: REWARD_STORE_PREFIX,
    msgs: [],
    queries: rewardQueries(keeper, bank),
    defaultGenesis: defaultRewardGenesis,
    initGenesis: (ctx, state) => initRewardGenesis(ctx, keeper, state as RewardGenesis),
    exportGenesis: (ctx) => exportRewardGenesis(ctx, keeper),
    beginBlock: (ctx) => keeper.beginBlock(ctx),
    invariants: [
      { name: "escrow-balance", check: (ctx) => keeper.checkEscrow(ctx) },
      { name: "bond-balance", check: (ctx) => keeper.checkBonds(ctx) },
      { name: "mining-pool", check: (ctx) => keeper.checkPool(ctx) },
    ],
  };
}
