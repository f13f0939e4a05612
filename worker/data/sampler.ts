// Deterministic minibatch sampler: the sample indices of step t are a published function of
// (task seed, t), so worker and verifier load the same batches and nobody picks them. The exact
// algorithm (a third party must re-implement it bit for bit) is in worker/data/README.md.
import { createHash } from "node:crypto";

const DOMAIN = new TextEncoder().encode("trainchain/sampler/v1");
const U64_MAX = 0xffffffffffffffffn;
const TWO_32 = 0x1_0000_0000;

/** A stream of uniform uint32s: sha256(DOMAIN ‖ seed ‖ epoch ‖ counter) blocks, 8 words each. */
class Sha256CounterStream {
  // DOMAIN ‖ seed ‖ epoch ‖ counter, rewritten in place per block (no per-block allocation).
  private readonly input: Buffer;
  private readonly ctrOffset: number;
  private counter = 0;
  private block: Buffer = Buffer.alloc(0);
  private pos = 32;

  constructor(seed: bigint, epoch: bigint) {
    this.input = Buffer.alloc(DOMAIN.length + 24);
    this.input.set(DOMAIN, 0);
    this.input.writeBigUInt64BE(seed, DOMAIN.length);
    this.input.writeBigUInt64BE(epoch, DOMAIN.length + 8);
    this.ctrOffset = DOMAIN.length + 16;
  }

  nextUint32(): number {
    if (this.pos === 32) {
      // u64 big-endian counter as two u32 halves (counter < 2^53 in any feasible run).
      this.input.writeUInt32BE(Math.floor(this.counter / TWO_32), this.ctrOffset);
      this.input.writeUInt32BE(this.counter % TWO_32, this.ctrOffset + 4);
      this.counter += 1;
      this.block = createHash("sha256").update(this.input).digest();
      this.pos = 0;
    }
    const v = this.block.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Uniform integer in [0, bound) by rejection: no modulo bias. */
  uniform(bound: number): number {
    // Values ≥ limit would make the low residues more likely; redraw them.
    const limit = TWO_32 - (TWO_32 % bound);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % bound;
    }
  }
}

function checkSeed(seed: bigint): void {
  if (seed < 0n || seed > U64_MAX) throw new Error(`sampler: seed ${seed} out of range; expected an unsigned 64-bit integer`);
}

/** The permutation of [0, n) used for `epoch` (Fisher–Yates from the last position down). */
export function epochPermutation(seed: bigint, epoch: bigint, n: number): Uint32Array {
  checkSeed(seed);
  if (!Number.isSafeInteger(n) || n < 1 || n > 0xffffffff) throw new Error(`sampler: dataset size ${n}; expected 1 ≤ n < 2^32`);
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const rng = new Sha256CounterStream(seed, epoch);
  for (let i = n - 1; i >= 1; i--) {
    const j = rng.uniform(i + 1);
    const tmp = perm[i] as number;
    perm[i] = perm[j] as number;
    perm[j] = tmp;
  }
  return perm;
}

export interface MinibatchSampler {
  readonly seed: bigint;
  readonly datasetSize: number;
  readonly batchSize: number;
  /** Sample indices of step t (0-based: t = steps already applied), written into `out` if given. */
  indices(step: bigint | number, out?: Uint32Array): Uint32Array;
}

/**
 * Sampler over a dataset of `datasetSize` samples. Step t takes positions t·B … t·B+B−1 of the
 * endless sequence perm_0 ‖ perm_1 ‖ …; a batch that crosses an epoch boundary takes the tail of
 * one epoch and the head of the next (nothing dropped, nothing repeated within an epoch).
 */
export function createSampler(seed: bigint, datasetSize: number, batchSize: number): MinibatchSampler {
  checkSeed(seed);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error(`sampler: batch size ${batchSize}; expected a positive integer`);
  if (!Number.isSafeInteger(datasetSize) || datasetSize < 1) throw new Error(`sampler: dataset size ${datasetSize}; expected a positive integer`);
  // Two cached epochs cover a batch that straddles a boundary without recomputing.
  const cache = new Map<bigint, Uint32Array>();
  const permFor = (epoch: bigint): Uint32Array => {
    let p = cache.get(epoch);
    if (p === undefined) {
      p = epochPermutation(seed, epoch, datasetSize);
      if (cache.size >= 2) cache.delete(cache.keys().next().value as bigint);
      cache.set(epoch, p);
    }
    return p;
  };
  const n = BigInt(datasetSize);
  return {
    seed,
    datasetSize,
    batchSize,
    indices(step: bigint | number, out?: Uint32Array): Uint32Array {
      const t = BigInt(step);
      if (t < 0n) throw new Error(`sampler: step ${t}; expected ≥ 0`);
      const res = out ?? new Uint32Array(batchSize);
      if (res.length !== batchSize) throw new Error(`sampler: output buffer holds ${res.length}; expected ${batchSize}`);
      let pos = t * BigInt(batchSize);
      let k = 0;
      while (k < batchSize) {
        const epoch = pos / n;
        const offset = Number(pos % n);
        const perm = permFor(epoch);
        const take = Math.min(batchSize - k, datasetSize - offset);
        res.set(perm.subarray(offset, offset + take), k);
        k += take;
        pos += BigInt(take);
      }
      return res;
    },
  };
}
