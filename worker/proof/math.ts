// Proof-of-training arithmetic shared by the worker (which commits to it) and the verifier (which
// checks it): step numbering, interval update norms, mean losses, replay distances. Everything is
// accumulated in float64 over tensors in sorted-name, row-major order so both sides get the same
// bits from the same checkpoint bytes.
import type { Checkpoint } from "../checkpoint/checkpoint.ts";

/** Largest uint64: the distance reported when a claim cannot be measured (malformed, zero-norm, NaN). */
export const MAX_DISTANCE_PPB = (1n << 64n) - 1n;
const MAX_U64 = MAX_DISTANCE_PPB;
const PPB = 1e9;
const MICRO = 1e6;

/** Segment geometry of a task: `segmentSteps` steps cut into intervals of `interval` (= k) steps. */
export interface SegmentGeometry {
  segmentSteps: bigint;
  interval: bigint;
}

/** Number of intervals m = segment_steps / k (the chain guarantees divisibility). */
export function intervalCount(g: SegmentGeometry): number {
  if (g.interval < 1n || g.segmentSteps % g.interval !== 0n) throw new Error(`segment_steps ${g.segmentSteps} is not a positive multiple of checkpoint_interval ${g.interval}`);
  return Number(g.segmentSteps / g.interval);
}

/** Global step of step j of segment s: s·segment_steps + j (= the step counter before that step runs). */
export function globalStep(g: SegmentGeometry, segment: bigint, j: bigint): bigint {
  return segment * g.segmentSteps + j;
}

/** Global step range [begin, end) of interval i of segment s: segment steps [i·k, (i+1)·k). */
export function intervalSteps(g: SegmentGeometry, segment: bigint, index: number): { begin: bigint; end: bigint } {
  const i = BigInt(index);
  return { begin: globalStep(g, segment, i * g.interval), end: globalStep(g, segment, (i + 1n) * g.interval) };
}

function toU64(x: number, scale: number): bigint {
  const v = x * scale;
  if (!Number.isFinite(v)) return MAX_U64;
  if (v <= 0) return 0n;
  const r = BigInt(Math.round(v));
  return r > MAX_U64 ? MAX_U64 : r;
}

/** round(mean(losses) × 1e6) as a uint64; non-finite → MAX, negative → 0. Mean in float64, in order. */
export function meanLossMicro(losses: ArrayLike<number>): bigint {
  if (losses.length === 0) return 0n;
  let sum = 0;
  for (let i = 0; i < losses.length; i++) sum += losses[i] as number;
  return toU64(sum / losses.length, MICRO);
}

function checkSameLayout(a: Checkpoint, b: Checkpoint, what: string): string[] {
  const names = [...a.tensors.keys()].sort();
  const other = [...b.tensors.keys()].sort();
  if (names.length !== other.length || names.some((n, i) => n !== other[i])) {
    throw new Error(`${what}: tensor sets differ ([${names.join(",")}] vs [${other.join(",")}])`);
  }
  for (const n of names) {
    const x = a.tensors.get(n)!;
    const y = b.tensors.get(n)!;
    if (x.data.length !== y.data.length || x.dims.length !== y.dims.length || x.dims.some((d, i) => d !== y.dims[i])) {
      throw new Error(`${what}: tensor ${n} has shape [${x.dims.join(",")}] vs [${y.dims.join(",")}]`);
    }
  }
  return names;
}

/**
 * ‖a − b‖₂ over every parameter and optimizer-state tensor (the step counter excluded), float64
 * accumulation in sorted-name row-major order. Throws when the two checkpoints' layouts differ.
 */
export function l2Distance(a: Checkpoint, b: Checkpoint): number {
  const names = checkSameLayout(a, b, "l2 distance");
  let sum = 0;
  for (const n of names) {
    const x = a.tensors.get(n)!.data;
    const y = b.tensors.get(n)!.data;
    for (let i = 0; i < x.length; i++) {
      const d = (x[i] as number) - (y[i] as number);
      sum += d * d;
    }
  }
  return Math.sqrt(sum);
}

/** interval_update_norm_ppb = round(‖end − start‖₂ × 1e9); non-finite → MAX. */
export function updateNormPpb(start: Checkpoint, end: Checkpoint): bigint {
  return toU64(l2Distance(end, start), PPB);
}

/** What the distance of one replayed interval is measured from. */
export interface DistanceInput {
  start: Checkpoint;
  claimed: Checkpoint;
  replayed: Checkpoint;
  claimedBytes: Uint8Array;
  replayedBytes: Uint8Array;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * d = ‖replayed − claimed‖ / ‖claimed − start‖ in ppb.
 * - 0 when the claimed bytes equal the replayed bytes (the bit-exact case);
 * - MAX when the claimed checkpoint cannot be compared (other step counter, other tensors/shapes)
 *   or is non-finite;
 * - 0 when the values agree but the bytes do not (only possible through NaN payloads / signed
 *   zeros; the step counters already matched);
 * - degenerate claimed == start (‖claimed − start‖ = 0) while the replay moved: MAX — a claim of
 *   "no update" is measured against zero, so any real movement is an infinite relative error.
 */
export function distancePpb(x: DistanceInput): bigint {
  if (bytesEqual(x.claimedBytes, x.replayedBytes)) return 0n;
  if (x.claimed.step !== x.replayed.step) return MAX_U64;
  let num: number;
  let den: number;
  try {
    num = l2Distance(x.replayed, x.claimed);
    den = l2Distance(x.claimed, x.start);
  } catch {
    return MAX_U64;
  }
  if (Number.isNaN(num) || Number.isNaN(den)) return MAX_U64;
  if (num === 0) return 0n;
  if (den === 0) return MAX_U64;
  return toU64(num / den, PPB);
}
