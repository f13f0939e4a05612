// The row copy of a minibatch, shared by the batch assembler (batch.ts) and the gather thread
// (gather-thread.js, which loads it with tsx's tsImport, as it loads the sampler).

/**
 * Copies the samples `indices[0..count)` of a dataset — features `x` (fs floats per sample) and
 * label words `words` (yw int32 words per sample; an int64 class is two words) of `samples`
 * samples — into `bx` and `by`, sample k at k × fs and k × yw.
 */
export function gatherRows(x: Float32Array, words: Int32Array, fs: number, yw: number, samples: number, indices: ArrayLike<number>, count: number, bx: Float32Array, by: Int32Array): void {
  for (let k = 0; k < count; k++) {
    const i = indices[k] as number;
    if (i >= samples) throw new Error(`sample index ${i} out of range; dataset has ${samples}`);
    bx.set(x.subarray(i * fs, (i + 1) * fs), k * fs);
    for (let w = 0; w < yw; w++) by[k * yw + w] = words[i * yw + w] as number;
  }
}
