// Deterministic minibatch sampler: the sample indices of step t are a published function of
// (task seed, t), so worker and verifier load the same batches and nobody picks them. The exact
// algorithm (a third party must re-implement it bit for bit) is in worker/data/README.md.

const DOMAIN = new TextEncoder().encode("trainchain/sampler/v1");
const U64_MAX = 0xffffffffffffffffn;
const TWO_32 = 0x1_0000_0000;

// SHA-256 round constants (FIPS 180-4 §4.2.2) and initial hash value (§5.3.3).
const K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);
const H0 = Int32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);

/**
 * SHA-256 of a message that fits one padded block (≤ 55 bytes), given as that padded block's 16
 * big-endian words (as int32: V8 keeps int32 arithmetic in registers, uint32 above 2^31 not); the digest's 8 big-endian words go to `out`. The sampler hashes one short
 * block per 8 draws — node:crypto's per-call cost (~5 µs here) made an epoch's permutation of 60k
 * samples take ~45 ms; this takes a few.
 */
export function sha256SingleBlock(block: Int32Array, w: Int32Array, out: Uint32Array): void {
  for (let i = 0; i < 16; i++) w[i] = block[i] as number;
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15] as number;
    const y = w[i - 2] as number;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0;
  }
  let a = H0[0] as number, b = H0[1] as number, c = H0[2] as number, d = H0[3] as number;
  let e = H0[4] as number, f = H0[5] as number, g = H0[6] as number, h = H0[7] as number;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (w[i] as number)) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  out[0] = (H0[0] as number) + a;
  out[1] = (H0[1] as number) + b;
  out[2] = (H0[2] as number) + c;
  out[3] = (H0[3] as number) + d;
  out[4] = (H0[4] as number) + e;
  out[5] = (H0[5] as number) + f;
  out[6] = (H0[6] as number) + g;
  out[7] = (H0[7] as number) + h;
}

/** A stream of uniform uint32s: sha256(DOMAIN ‖ seed ‖ epoch ‖ counter) blocks, 8 words each. */
class Sha256CounterStream {
  // The padded SHA-256 block of DOMAIN ‖ seed ‖ epoch ‖ counter as big-endian words; only the
  // counter's bytes change per block.
  private readonly bytes = Buffer.alloc(64);
  private readonly words = new Int32Array(16);
  private readonly ctrOffset: number;
  private readonly w = new Int32Array(64);
  private readonly digest = new Uint32Array(8);
  private counter = 0;
  private pos = 8;

  constructor(seed: bigint, epoch: bigint) {
    const len = DOMAIN.length + 24;
    this.bytes.set(DOMAIN, 0);
    this.bytes.writeBigUInt64BE(seed, DOMAIN.length);
    this.bytes.writeBigUInt64BE(epoch, DOMAIN.length + 8);
    this.ctrOffset = DOMAIN.length + 16;
    this.bytes[len] = 0x80;
    this.bytes.writeUInt32BE(len * 8, 60);
    for (let i = 0; i < 16; i++) this.words[i] = this.bytes.readInt32BE(4 * i);
  }

  nextUint32(): number {
    if (this.pos === 8) {
      // u64 big-endian counter as two u32 halves (counter < 2^53 in any feasible run).
      this.bytes.writeUInt32BE(Math.floor(this.counter / TWO_32), this.ctrOffset);
      this.bytes.writeUInt32BE(this.counter % TWO_32, this.ctrOffset + 4);
      this.counter += 1;
      for (let i = this.ctrOffset >> 2; i <= (this.ctrOffset + 7) >> 2; i++) this.words[i] = this.bytes.readInt32BE(4 * i);
      sha256SingleBlock(this.words, this.w, this.digest);
      this.pos = 0;
    }
    return this.digest[this.pos++] as number;
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
