import { QueryValidatorsResponse } from "cosmjs-types/cosmos/staking/v1beta1/query";
import { Validator as ValidatorCodec } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { AppModule } from "../../chain/framework/module.ts";
import type { BankForStaking } from "./expected-keepers.ts";
import { defaultStakingGenesis, exportStakingGenesis, initStakingGenesis, type StakingGenesis } from "./genesis.ts";
import type { StakingKeeper } from "./keeper.ts";
import { STAKING_STORE_PREFIX } from "./keys.ts";

export function stakingModule(keeper: StakingKeeper, bank: BankForStaking): AppModule {
  return {
    name: "staking",
    storePrefix: STAKING_STORE_PREFIX,
    msgs: [],
    queries: [
      {
        path: "/cosmos.staking.v1beta1.Query/Validators",
        handle: (ctx) => {
          const validators = keeper.validatorsRaw(ctx).map((raw) => ValidatorCodec.decode(raw));
          return QueryValidatorsResponse.encode({ validators, pagination: { nextKey: new Uint8Array(), total: BigInt(validators.length) } }).finish();
        },
      },
    ],
    defaultGenesis: defaultStakingGenesis,
    initGenesis: (ctx, state) => initStakingGenesis(ctx, keeper, bank, state as StakingGenesis),
    exportGenesis: (ctx) => exportStakingGenesis(ctx, keeper),
  };
}
