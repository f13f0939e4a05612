// Challenge sampling: which intervals of a proof are re-executed. Seeded by the hash of the block
// after the proof's block, so the worker could not know them when it committed its hashes.
import { createHash } from "node:crypto";
import { concatBytes, readUint64BE, uint64BE } from "../../chain/store/bytes.ts";

const TWO_64 = 1n << 64n;

/** seed = sha256(block hash ‖ proof id as uint64 BE). */
export function challengeSeed(blockHash: Uint8Array, proofId: bigint): Uint8Array {
  return new Uint8Array(createHash("sha256").update(concatBytes(blockHash, uint64BE(proofId))).digest());
}

/** A deterministic stream of uint64s: sha256(seed ‖ counter)[0..8). */
export class SeedStream {
  private counter = 0n;
  constructor(private readonly seed: Uint8Array) {}

  next64(): bigint {
    const block = createHash("sha256").update(concatBytes(this.seed, uint64BE(this.counter++))).digest();
    return readUint64BE(new Uint8Array(block), 0);
  }

  /** Uniform in [0, n) by rejection sampling (no modulo bias). */
  below(n: bigint): bigint {
    if (n <= 0n) throw new Error(`SeedStream.below(${n})`);
    const limit = TWO_64 - (TWO_64 % n);
    for (;;) {
      const x = this.next64();
      if (x < limit) return x % n;
    }
  }
}

/**
 * The interval with the largest committed update norm (lowest index on ties) plus `samples − 1`
 * distinct others drawn uniformly (partial Fisher–Yates over the rest); returned sorted.
 */
export function challengeIntervals(seed: Uint8Array, updateNorms: readonly bigint[], samples: number): number[] {
  const m = updateNorms.length;
  if (m === 0) return [];
  const count = Math.min(Math.max(samples, 1), m);
  let top = 0;
  for (let i = 1; i < m; i++) if (updateNorms[i]! > updateNorms[top]!) top = i;
  const rest: number[] = [];
  for (let i = 0; i < m; i++) if (i !== top) rest.push(i);
  const stream = new SeedStream(seed);
  for (let i = 0; i < count - 1; i++) {
    const j = i + Number(stream.below(BigInt(rest.length - i)));
    const t = rest[i]!;
    rest[i] = rest[j]!;
    rest[j] = t;
  }
  return [top, ...rest.slice(0, count - 1)].sort((a, b) => a - b);
}
