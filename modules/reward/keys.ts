// reward store layout (under the module's prefix). Never renumber; retired prefixes stay as comments.
import { concatBytes, uint64BE } from "../../chain/store/bytes.ts";

export const REWARD_STORE_PREFIX = 0x06;

export const ParamsKey = Uint8Array.of(0x01);
export const PoolKey = Uint8Array.of(0x02); // tracked mining pool: Coin (proto)
export const EpochChallengesKey = Uint8Array.of(0x03); // challenges issued this epoch (uint64 BE)
export const EpochKey = Uint8Array.of(0x04); // current epoch number (uint64 BE)
export const EscrowPrefix = 0x10; // 0x10 ‖ task_id(8) → Escrow
export const BondPrefix = 0x11; // 0x11 ‖ task_id(8) ‖ segment(8) → Bond
export const WorkPrefix = 0x12; // 0x12 ‖ len(1) ‖ address → work this epoch (decimal ASCII)
export const VotesPrefix = 0x13; // 0x13 ‖ len(1) ‖ address → votes this epoch (uint64 BE)
export const PaidPrefix = 0x14; // 0x14 ‖ len(1) ‖ address ‖ kind(1) ‖ denom → total paid (decimal ASCII)

/** Module accounts. */
export const TASK_ESCROW = "task_escrow";
export const WORKER_BONDS = "worker_bonds";
export const MINING_POOL = "mining_pool";

export function escrowKey(taskId: bigint): Uint8Array {
  return concatBytes(Uint8Array.of(EscrowPrefix), uint64BE(taskId));
}

export function bondKey(taskId: bigint, segment: bigint): Uint8Array {
  return concatBytes(Uint8Array.of(BondPrefix), uint64BE(taskId), uint64BE(segment));
}

export function addressKey(prefix: number, address: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(prefix, address.length), address);
}
