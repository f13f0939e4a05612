// Judging one challenged proof: fetch each challenged interval's start and claimed end checkpoints
// (hash-checked), replay the k steps under the task's numerics profile from the start, and compare.
import type { Logger } from "pino";
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from "../checkpoint/checkpoint.ts";
import { MAX_DISTANCE_PPB, intervalSteps } from "../proof/math.ts";
import { checkInterval, judgeProof, unavailableJudgement, type IntervalCheck, type ProofJudgement } from "../proof/verdict.ts";
import { runInterval, type TrainingContext } from "../proof/task.ts";
import type { PreparedTask } from "../proof/prepare.ts";
import { toHex } from "../proof/artifacts.ts";
import { withRetry } from "../proof/retry.ts";
import type { Proof } from "../../proto/trainchain/training_task/v1/generated.ts";

export interface ProofInputs {
  proof: Proof;
  prepared: PreparedTask;
  /** URIs where the proof's start checkpoint (the task head when it was claimed) may be found. */
  headUris: string[];
  /** Fetches a blob by hash (hash-checked), trying the URIs given. */
  fetch(hash: string, uris: readonly string[]): Promise<Uint8Array>;
  /** Attempts per blob before the proof is judged UNAVAILABLE. */
  fetchAttempts: number;
  log: Logger;
}

interface Fetched {
  index: number;
  startBytes: Uint8Array;
  endBytes: Uint8Array;
}

/** Fetch the checkpoints of every challenged interval, or say which one could not be had. */
async function fetchIntervals(x: ProofInputs): Promise<Fetched[] | { missing: string }> {
  const p = x.proof;
  const out: Fetched[] = [];
  for (const index of p.challengedIntervals) {
    const startHash = index === 0 ? p.startHash : p.intervalHashes[index - 1];
    const endHash = p.intervalHashes[index];
    if (!startHash || !endHash) return { missing: `interval ${index} is outside the proof's ${p.intervalHashes.length} intervals` };
    const startUris = index === 0 ? x.headUris : [p.checkpointUris[index - 1] ?? ""];
    const endUris = [p.checkpointUris[index] ?? ""];
    const get = (hash: Uint8Array, uris: string[]): Promise<Uint8Array> =>
      withRetry(() => x.fetch(toHex(hash), uris), { log: x.log, what: `fetch checkpoint ${toHex(hash)}`, attempts: x.fetchAttempts, retryable: () => true, initialMs: 500 });
    try {
      out.push({ index, startBytes: await get(startHash, startUris), endBytes: await get(endHash, endUris) });
    } catch (err) {
      return { missing: (err as Error).message.split("\n")[0] ?? "blob unavailable" };
    }
  }
  return out;
}

function invalid(index: number, problem: string): IntervalCheck {
  return { index, distancePpb: MAX_DISTANCE_PPB, problems: [problem] };
}

/** Replay one interval and check it; malformed committed checkpoints are INVALID, not errors. */
export async function checkChallengedInterval(ctx: TrainingContext, prepared: PreparedTask, proof: Proof, f: Fetched): Promise<IntervalCheck> {
  const { begin } = intervalSteps(prepared.geometry, proof.segment, f.index);
  let start: Checkpoint;
  let claimed: Checkpoint;
  try {
    start = decodeCheckpoint(f.startBytes);
  } catch (err) {
    return invalid(f.index, `start checkpoint is malformed: ${(err as Error).message}`);
  }
  try {
    claimed = decodeCheckpoint(f.endBytes);
  } catch (err) {
    return invalid(f.index, `claimed checkpoint is malformed: ${(err as Error).message}`);
  }
  if (start.step !== begin) return invalid(f.index, `start checkpoint is at step ${start.step}, expected ${begin}`);
  try {
    ctx.runner.load(start);
  } catch (err) {
    return invalid(f.index, `start checkpoint does not fit the step graph: ${(err as Error).message}`);
  }
  const replay = await runInterval(ctx, undefined, prepared.stepsPerInterval);
  return checkInterval(
    {
      index: f.index,
      expectedStartStep: begin,
      start,
      claimed,
      claimedBytes: f.endBytes,
      replayed: replay.end,
      replayedBytes: encodeCheckpoint(replay.end),
      replayedLosses: replay.losses,
      claimedNormPpb: proof.intervalUpdateNormPpb[f.index] ?? 0n,
      claimedLossMicro: proof.intervalLossMicro[f.index] ?? 0n,
    },
    prepared.tolerancePpb,
  );
}

/** The verdict on a challenged proof, with one distance per challenged interval. */
export async function judgeChallengedProof(ctx: TrainingContext, x: ProofInputs): Promise<ProofJudgement> {
  const fetched = await fetchIntervals(x);
  if (!Array.isArray(fetched)) return unavailableJudgement(fetched.missing);
  const checks: IntervalCheck[] = [];
  for (const f of fetched) checks.push(await checkChallengedInterval(ctx, x.prepared, x.proof, f));
  return judgeProof(checks);
}
