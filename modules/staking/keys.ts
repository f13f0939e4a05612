// staking store layout (under the module's prefix 0x03). Never renumber; retired prefixes stay as comments.
import { concatBytes, uint64BE } from "../../chain/store/bytes.ts";

export const STAKING_STORE_PREFIX = 0x03;
export const ValidatorPrefix = 0x01; // 0x01 ‖ operator address → Validator (trainchain.staking.v1.Validator)
export const UnbondingQueuePrefix = 0x02; // 0x02 ‖ completion height(8 BE) ‖ entry id(8 BE) → UnbondingEntry
export const ParamsKey = Uint8Array.of(0x03); // → Params
export const NextUnbondingIdKey = Uint8Array.of(0x04); // → uint64 BE
export const LastPowerPrefix = 0x05; // 0x05 ‖ operator address → uint64 BE power last reported to consensus
export const ConsensusKeyPrefix = 0x06; // 0x06 ‖ ed25519 pubkey(32) → operator address

export const BONDED_POOL = "bonded_tokens_pool";
export const NOT_BONDED_POOL = "not_bonded_tokens_pool";
/** Voting power = bonded tokens / POWER_REDUCTION (as the SDK's DefaultPowerReduction). */
export const POWER_REDUCTION = 1_000_000n;
export const ED25519_PUBKEY_LENGTH = 32;
export const MAX_MONIKER_LENGTH = 70;

export function validatorKey(operator: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(ValidatorPrefix), operator);
}

export function unbondingQueueKey(completionHeight: bigint, id: bigint): Uint8Array {
  return concatBytes(Uint8Array.of(UnbondingQueuePrefix), uint64BE(completionHeight), uint64BE(id));
}

export function lastPowerKey(operator: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(LastPowerPrefix), operator);
}

export function consensusKeyKey(pubKey: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(ConsensusKeyPrefix), pubKey);
}
