// training_task store layout (under the module's prefix). Never renumber; retired prefixes stay as comments.
import { concatBytes, uint64BE } from "../../chain/store/bytes.ts";

export const TRAINING_TASK_STORE_PREFIX = 0x05;

export const ParamsKey = Uint8Array.of(0x01);
export const NextTaskIdKey = Uint8Array.of(0x02); // uint64 BE, first id 1
export const NextProofIdKey = Uint8Array.of(0x03); // uint64 BE, first id 1
export const TaskPrefix = 0x10; // 0x10 ‖ task_id(8) → Task
export const SegmentPrefix = 0x11; // 0x11 ‖ task_id(8) ‖ segment(8) → Segment (absent = OPEN, never claimed)
export const ProofPrefix = 0x12; // 0x12 ‖ proof_id(8) → Proof
export const VotePrefix = 0x13; // 0x13 ‖ proof_id(8) ‖ len(1) ‖ validator → Vote
export const ProofByTaskPrefix = 0x14; // 0x14 ‖ task_id(8) ‖ proof_id(8) → ∅
export const LeaseQueuePrefix = 0x20; // 0x20 ‖ expiry(8) ‖ task_id(8) ‖ segment(8) → ∅
export const AwaitingChallengePrefix = 0x21; // 0x21 ‖ submitted_height(8) ‖ proof_id(8) → ∅
export const ChallengeQueuePrefix = 0x22; // 0x22 ‖ deadline(8) ‖ proof_id(8) → ∅
export const VotedThisBlockPrefix = 0x23; // 0x23 ‖ proof_id(8) → ∅ (consumed by EndBlock's tally)

const u = uint64BE;

export const taskKey = (id: bigint): Uint8Array => concatBytes(Uint8Array.of(TaskPrefix), u(id));
export const segmentKey = (taskId: bigint, index: bigint): Uint8Array => concatBytes(Uint8Array.of(SegmentPrefix), u(taskId), u(index));
export const proofKey = (id: bigint): Uint8Array => concatBytes(Uint8Array.of(ProofPrefix), u(id));
export const votePrefixOf = (proofId: bigint): Uint8Array => concatBytes(Uint8Array.of(VotePrefix), u(proofId));
export const voteKey = (proofId: bigint, validator: Uint8Array): Uint8Array =>
  concatBytes(votePrefixOf(proofId), Uint8Array.of(validator.length), validator);
export const proofByTaskKey = (taskId: bigint, proofId: bigint): Uint8Array => concatBytes(Uint8Array.of(ProofByTaskPrefix), u(taskId), u(proofId));
export const leaseQueueKey = (expiry: bigint, taskId: bigint, index: bigint): Uint8Array =>
  concatBytes(Uint8Array.of(LeaseQueuePrefix), u(expiry), u(taskId), u(index));
export const awaitingChallengeKey = (height: bigint, proofId: bigint): Uint8Array => concatBytes(Uint8Array.of(AwaitingChallengePrefix), u(height), u(proofId));
export const challengeQueueKey = (deadline: bigint, proofId: bigint): Uint8Array => concatBytes(Uint8Array.of(ChallengeQueuePrefix), u(deadline), u(proofId));
export const votedThisBlockKey = (proofId: bigint): Uint8Array => concatBytes(Uint8Array.of(VotedThisBlockPrefix), u(proofId));
/** Queue bound: every entry keyed by a height < `height`. */
export const queueEnd = (prefix: number, height: bigint): Uint8Array => concatBytes(Uint8Array.of(prefix), u(height));
