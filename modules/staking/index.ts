export { StakingKeeper, votingPower, ED25519_PUBKEY_URL } from "./keeper.ts";
export type { Validator } from "./keeper.ts";
export { stakingModule } from "./module.ts";
export { defaultStakingGenesis } from "./genesis.ts";
export type { StakingGenesis } from "./genesis.ts";
export { BONDED_POOL, NOT_BONDED_POOL, POWER_REDUCTION } from "./keys.ts";
