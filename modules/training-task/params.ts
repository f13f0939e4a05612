// training_task params: defaults, validation, genesis JSON form.
import type { Params } from "../../proto/trainchain/training_task/v1/generated.ts";
import { TrainingTaskErrors } from "./errors.ts";

export type TrainingTaskParams = Params;

export function defaultTrainingTaskParams(): TrainingTaskParams {
  return {
    maxTolerancePpb: 100_000_000n, // d ≤ 0.1: a replayed interval may differ by at most 10% of its update
    maxIntervalsPerSegment: 1024n,
    maxTotalSegments: 1_000_000n,
    minVerifyWindow: 2n,
    minClaimTimeout: 2n,
    abandonFeeBps: 0,
    headClaimPriorityBlocks: 5n,
  };
}

export function validateTrainingTaskParams(p: TrainingTaskParams): void {
  const bad = (msg: string): never => {
    throw TrainingTaskErrors.InvalidSpec.wrap(`params: ${msg}`);
  };
  if (p.maxTolerancePpb > 1_000_000_000n) bad(`max_tolerance_ppb must be ≤ 1000000000, got ${p.maxTolerancePpb}`);
  if (p.maxIntervalsPerSegment < 1n) bad("max_intervals_per_segment must be ≥ 1");
  if (p.maxTotalSegments < 1n) bad("max_total_segments must be ≥ 1");
  if (p.minVerifyWindow < 1n) bad("min_verify_window must be ≥ 1");
  if (p.minClaimTimeout < 1n) bad("min_claim_timeout must be ≥ 1");
  if (!Number.isInteger(p.abandonFeeBps) || p.abandonFeeBps < 0 || p.abandonFeeBps > 10_000) bad(`abandon_fee_bps must be 0…10000, got ${p.abandonFeeBps}`);
}

export interface TrainingTaskParamsJson {
  max_tolerance_ppb: string;
  max_intervals_per_segment: string;
  max_total_segments: string;
  min_verify_window: string;
  min_claim_timeout: string;
  abandon_fee_bps: number;
  head_claim_priority_blocks: string;
}

export function trainingTaskParamsToJson(p: TrainingTaskParams): TrainingTaskParamsJson {
  return {
    max_tolerance_ppb: p.maxTolerancePpb.toString(),
    max_intervals_per_segment: p.maxIntervalsPerSegment.toString(),
    max_total_segments: p.maxTotalSegments.toString(),
    min_verify_window: p.minVerifyWindow.toString(),
    min_claim_timeout: p.minClaimTimeout.toString(),
    abandon_fee_bps: p.abandonFeeBps,
    head_claim_priority_blocks: p.headClaimPriorityBlocks.toString(),
  };
}

/** Missing fields take their defaults. */
export function trainingTaskParamsFromJson(j: Partial<TrainingTaskParamsJson> | undefined): TrainingTaskParams {
  const d = defaultTrainingTaskParams();
  if (!j) return d;
  const big = (v: string | undefined, dv: bigint): bigint => (v !== undefined ? BigInt(v) : dv);
  const p: TrainingTaskParams = {
    maxTolerancePpb: big(j.max_tolerance_ppb, d.maxTolerancePpb),
    maxIntervalsPerSegment: big(j.max_intervals_per_segment, d.maxIntervalsPerSegment),
    maxTotalSegments: big(j.max_total_segments, d.maxTotalSegments),
    minVerifyWindow: big(j.min_verify_window, d.minVerifyWindow),
    minClaimTimeout: big(j.min_claim_timeout, d.minClaimTimeout),
    abandonFeeBps: j.abandon_fee_bps !== undefined ? Number(j.abandon_fee_bps) : d.abandonFeeBps,
    headClaimPriorityBlocks: big(j.head_claim_priority_blocks, d.headClaimPriorityBlocks),
  };
  validateTrainingTaskParams(p);
  return p;
}
