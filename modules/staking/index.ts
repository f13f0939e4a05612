// Public API of the staking module.
export { StakingKeeper, votingPower, validatorToProto, validatorFromProto, unbondingEntryToProto, ED25519_PUBKEY_URL } from "./keeper.ts";
export type { Validator, UnbondingEntry, BondedValidator } from "./keeper.ts";
export { stakingModule, stakingInvariants } from "./module.ts";
export { stakingMsgs, STAKING_MSG_TYPES, parseOperator, parseStakeCoin, validateMoniker } from "./msg-server.ts";
export { stakingQueries, STAKING_QUERY_PATHS } from "./query-server.ts";
export { defaultStakingGenesis, initStakingGenesis, exportStakingGenesis } from "./genesis.ts";
export type { StakingGenesis } from "./genesis.ts";
export { defaultStakingParams, validateStakingParams, DEFAULT_BOND_DENOM, DEFAULT_UNBONDING_BLOCKS } from "./params.ts";
export type { StakingParams } from "./params.ts";
export { StakingErrors, STAKING_CODESPACE } from "./errors.ts";
export { StakingEvents, StakingAttributes } from "./events.ts";
export type { BankForStaking } from "./expected-keepers.ts";
export { BONDED_POOL, NOT_BONDED_POOL, POWER_REDUCTION, STAKING_STORE_PREFIX } from "./keys.ts";
