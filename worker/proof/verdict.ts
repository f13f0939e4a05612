// The verifier's judgement of one proof: each challenged interval is checked against its replay,
// and the proof is VALID iff every interval passes. Pure: no I/O, no chain access.
import { Verdict } from "../../proto/trainchain/training_task/v1/generated.ts";
import type { Checkpoint } from "../checkpoint/checkpoint.ts";
import { MAX_DISTANCE_PPB, distancePpb, meanLossMicro, updateNormPpb } from "./math.ts";

/** Everything known about one challenged interval after its replay. */
export interface IntervalEvidence {
  index: number;
  /** Step counter the interval must start from (s·segment_steps + i·k). */
  expectedStartStep: bigint;
  start: Checkpoint;
  claimed: Checkpoint;
  claimedBytes: Uint8Array;
  replayed: Checkpoint;
  replayedBytes: Uint8Array;
  /** Losses of the k replayed steps. */
  replayedLosses: ArrayLike<number>;
  /** The proof's interval_update_norm_ppb[i] and interval_loss_micro[i]. */
  claimedNormPpb: bigint;
  claimedLossMicro: bigint;
}

export interface IntervalCheck {
  index: number;
  distancePpb: bigint;
  /** Why the interval fails, empty when it passes. */
  problems: string[];
}

/**
 * Check one interval: d ≤ τ, the start checkpoint is at the expected step, and the committed
 * update norm matches the committed checkpoints (it decides which interval is always challenged,
 * so understating it is cheating). With τ = 0 (bit-exact profile) the committed mean loss must also
 * equal the replay's.
 */
export function checkInterval(e: IntervalEvidence, tolerancePpb: bigint): IntervalCheck {
  const problems: string[] = [];
  if (e.start.step !== e.expectedStartStep) {
    problems.push(`start checkpoint is at step ${e.start.step}, expected ${e.expectedStartStep}`);
    return { index: e.index, distancePpb: MAX_DISTANCE_PPB, problems };
  }
  const d = distancePpb({ start: e.start, claimed: e.claimed, replayed: e.replayed, claimedBytes: e.claimedBytes, replayedBytes: e.replayedBytes });
  if (d > tolerancePpb) problems.push(`distance ${d} ppb > tolerance ${tolerancePpb} ppb`);
  let norm: bigint;
  try {
    norm = updateNormPpb(e.start, e.claimed);
  } catch (err) {
    problems.push(`claimed checkpoint does not match the start's layout: ${(err as Error).message}`);
    return { index: e.index, distancePpb: MAX_DISTANCE_PPB, problems };
  }
  if (norm !== e.claimedNormPpb) problems.push(`committed update norm ${e.claimedNormPpb} ppb, the checkpoints give ${norm} ppb`);
  if (tolerancePpb === 0n) {
    const loss = meanLossMicro(e.replayedLosses);
    if (loss !== e.claimedLossMicro) problems.push(`committed mean loss ${e.claimedLossMicro} µ, the replay gives ${loss} µ`);
  }
  return { index: e.index, distancePpb: d, problems };
}

export interface ProofJudgement {
  verdict: Verdict;
  /** One per challenged interval, in the order given (the chain's challenged_intervals order). */
  distancesPpb: bigint[];
  problems: string[];
}

/** VALID iff every challenged interval passes; an empty challenge set is VALID. */
export function judgeProof(checks: readonly IntervalCheck[]): ProofJudgement {
  const problems = checks.flatMap((c) => c.problems.map((p) => `interval ${c.index}: ${p}`));
  return {
    verdict: problems.length === 0 ? Verdict.VERDICT_VALID : Verdict.VERDICT_INVALID,
    distancesPpb: checks.map((c) => c.distancePpb),
    problems,
  };
}

/** The vote for a proof whose checkpoints could not be fetched after bounded retries. */
export function unavailableJudgement(reason: string): ProofJudgement {
  return { verdict: Verdict.VERDICT_UNAVAILABLE, distancesPpb: [], problems: [reason] };
}
