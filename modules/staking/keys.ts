// staking store layout (under the module's prefix). Never renumber.
export const STAKING_STORE_PREFIX = 0x03;
export const ValidatorPrefix = 0x01; // 0x01 ‖ operator address(20) → Validator JSON-free binary (see keeper)
export const BONDED_POOL = "bonded_tokens_pool";
export const NOT_BONDED_POOL = "not_bonded_tokens_pool";
/** Voting power = bonded tokens / POWER_REDUCTION (as the SDK's DefaultPowerReduction). */
export const POWER_REDUCTION = 1_000_000n;
