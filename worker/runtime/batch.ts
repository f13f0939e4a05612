// Gathers the samples of one step into reusable buffers shaped for the model's inputs.
import { Worker } from "node:worker_threads";
import type { Dataset } from "../data/dataset.ts";
import { featureSize, labelSize } from "../data/dataset.ts";
import type { MinibatchSampler } from "../data/sampler.ts";
import type { InputSpec } from "../types.ts";
import type { StepBatch } from "./runner.ts";

export interface BatchAssembler {
  readonly batchSize: number;
  /** Fill the buffers with samples `indices` (length = batchSize). Returned arrays are reused. */
  gather(indices: ArrayLike<number>): StepBatch;
}

/**
 * Model input shape for a dataset: the dataset's per-sample features may be reshaped (e.g. MNIST
 * [28,28] → MLP [784] or CNN [1,28,28]) when the element counts agree.
 */
export function checkCompatible(ds: Dataset, input: InputSpec, labels: InputSpec): number[] {
  if (input.dtype !== "float32") throw new Error(`model input ${input.name} is ${input.dtype}; datasets hold float32 features`);
  const sampleDims = input.dims.slice(1);
  if (sampleDims.some((d) => d < 0)) throw new Error(`model input ${input.name} has a dynamic non-batch dim [${input.dims.join(",")}]; expected only the batch dim dynamic`);
  const want = sampleDims.reduce((a, b) => a * b, 1);
  const have = featureSize(ds.format);
  if (want !== have) {
    throw new Error(`dataset samples have shape [${ds.format.features.shape.join(",")}] (${have} values); model input ${input.name} expects [${sampleDims.join(",")}] (${want})`);
  }
  if (labels.dtype !== ds.format.labels.dtype) {
    throw new Error(`dataset labels are ${ds.format.labels.dtype}; model labels ${labels.name} expect ${labels.dtype} (cross-entropy needs int64 classes, MSE float32 targets)`);
  }
  if (labels.dtype === "float32") {
    const k = labels.dims[1] ?? 1;
    if (k >= 0 && k !== labelSize(ds.format)) throw new Error(`dataset targets have ${labelSize(ds.format)} values per sample; model expects ${k}`);
  }
  return sampleDims;
}

/** Label words per sample: int64 classes are copied as two int32 words (no BigInt per sample). */
function labelWords(ds: Dataset): { words: Int32Array; perSample: number } {
  const perSample = ds.y instanceof BigInt64Array ? 2 : labelSize(ds.format);
  return { words: new Int32Array(ds.y.buffer, ds.y.byteOffset, ds.samples * perSample), perSample };
}

interface Assembler extends BatchAssembler {
  /** The buffers ORT reads: features, and labels as int32 words. */
  readonly x: Float32Array;
  readonly yWords: Int32Array;
  readonly batch: StepBatch;
}

function assembler(ds: Dataset, input: InputSpec, labels: InputSpec, batchSize: number): Assembler {
  const sampleDims = checkCompatible(ds, input, labels);
  const fs = featureSize(ds.format);
  const x = new Float32Array(batchSize * fs);
  const y = ds.y instanceof BigInt64Array ? new BigInt64Array(batchSize) : new Float32Array(batchSize * labelSize(ds.format));
  const yT = y instanceof BigInt64Array ? { dims: [batchSize], data: y } : { dims: [batchSize, labelSize(ds.format)], data: y };
  const batch: StepBatch = { inputs: { [input.name]: { dims: [batchSize, ...sampleDims], data: x } }, labels: yT };
  const src = labelWords(ds);
  const yw = src.perSample;
  const yWords = new Int32Array(y.buffer);
  const n = ds.samples;
  return {
    batchSize,
    x,
    yWords,
    batch,
    gather(indices: ArrayLike<number>): StepBatch {
      if (indices.length !== batchSize) throw new Error(`batch has ${indices.length} indices; expected ${batchSize}`);
      for (let k = 0; k < batchSize; k++) {
        const i = indices[k] as number;
        if (i >= n) throw new Error(`sample index ${i} out of range; dataset has ${n}`);
        x.set(ds.x.subarray(i * fs, (i + 1) * fs), k * fs);
        for (let w = 0; w < yw; w++) yWords[k * yw + w] = src.words[i * yw + w] as number;
      }
      return batch;
    },
  };
}

export function createBatchAssembler(ds: Dataset, input: InputSpec, labels: InputSpec, batchSize: number): BatchAssembler {
  return assembler(ds, input, labels, batchSize);
}

/** The batches of consecutive steps, optionally gathered one step ahead on another thread. */
export interface BatchSource {
  /** Whether batches are gathered on the gather thread. */
  readonly threaded: boolean;
  /** The batch of step t (buffers reused); starts gathering step `next` in the background if threaded. */
  take(t: bigint, next?: bigint): StepBatch;
  /** Stop background gathering (the thread is kept for the next source). */
  close(): void;
}

// ctrl words shared with gather-thread.js.
const REQ = 0;
const DONE = 1;
const STOP = 2;
// A gather takes well under a millisecond; a thread silent this long is treated as gone.
const WAIT_MS = 2000;

interface GatherThread {
  worker: Worker;
  ctrl: Int32Array;
  busy: boolean;
  broken: boolean;
}

// One gather thread per process, started on first use and reused by every later source (starting
// a thread costs tens of milliseconds); it never keeps the process alive once started.
let thread: Promise<GatherThread | undefined> | undefined;

async function gatherThread(): Promise<GatherThread | undefined> {
  thread ??= new Promise((resolve) => {
    const worker = new Worker(new URL("./gather-thread.js", import.meta.url));
    const t: GatherThread = { worker, ctrl: new Int32Array(new SharedArrayBuffer(12)), busy: false, broken: false };
    // Referenced until it is up (someone awaits it), then unref'd.
    worker.once("online", () => {
      worker.unref();
      resolve(t);
    });
    worker.on("error", () => {
      t.broken = true;
      resolve(undefined);
    });
    worker.on("exit", () => (t.broken = true));
  });
  const t = await thread;
  return t === undefined || t.busy || t.broken ? undefined : t;
}

/** Wait until ctrl[i] === want; false on timeout (the thread is then marked broken). */
function waitFor(t: GatherThread, i: number, want: number): boolean {
  for (;;) {
    const v = Atomics.load(t.ctrl, i);
    if (v === want) return true;
    if (Atomics.wait(t.ctrl, i, v, WAIT_MS) === "timed-out") {
      t.broken = true;
      return false;
    }
  }
}

const isShared = (a: ArrayBufferView): boolean => a.buffer instanceof SharedArrayBuffer;

/**
 * Batches for `sampler`'s steps. With `background` (the caller has a core that session.run does not
 * use) and a dataset on SharedArrayBuffers, step t+1's rows are gathered on the gather thread into
 * a shared slot while step t runs; taking it is one contiguous copy into the buffers ORT reads
 * (ORT refuses shared buffers). Either way the bytes are those of `gather(sampler.indices(t))`.
 */
export async function createBatchSource(ds: Dataset, input: InputSpec, labels: InputSpec, sampler: MinibatchSampler, background: boolean): Promise<BatchSource> {
  const asm = assembler(ds, input, labels, sampler.batchSize);
  const indices = new Uint32Array(sampler.batchSize);
  const sync = (t: bigint): StepBatch => asm.gather(sampler.indices(t, indices));
  const t = background && isShared(ds.x) && isShared(ds.y) ? await gatherThread() : undefined;
  if (t === undefined) return { threaded: false, take: sync, close: () => {} };

  t.busy = true;
  const shared = <T extends Float32Array | Int32Array | Uint32Array>(ctor: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, n: number): T =>
    new ctor(new SharedArrayBuffer(n * ctor.BYTES_PER_ELEMENT));
  const idx = shared(Uint32Array, sampler.batchSize);
  const slotX = shared(Float32Array, asm.x.length);
  const slotYWords = shared(Int32Array, asm.yWords.length);
  const src = labelWords(ds);
  Atomics.store(t.ctrl, STOP, 0);
  t.worker.postMessage({ ctrl: t.ctrl, x: ds.x, yWords: src.words, idx, slotX, slotYWords, fs: featureSize(ds.format), yw: src.perSample, seq0: Atomics.load(t.ctrl, REQ) });
  let pending: { step: bigint; seq: number } | undefined;
  let closed = false;
  return {
    threaded: true,
    take(step: bigint, next?: bigint): StepBatch {
      let batch: StepBatch;
      const p = pending;
      if (p !== undefined && p.step === step && !t.broken && waitFor(t, DONE, p.seq)) {
        asm.x.set(slotX);
        asm.yWords.set(slotYWords);
        batch = asm.batch;
      } else {
        batch = sync(step);
      }
      pending = undefined;
      if (next !== undefined && !closed && !t.broken) {
        sampler.indices(next, idx);
        pending = { step: next, seq: Atomics.add(t.ctrl, REQ, 1) + 1 };
        Atomics.notify(t.ctrl, REQ);
      }
      return batch;
    },
    close(): void {
      if (closed) return;
      closed = true;
      Atomics.store(t.ctrl, STOP, 1);
      Atomics.add(t.ctrl, REQ, 1);
      Atomics.notify(t.ctrl, REQ);
      // The thread acknowledges with STOP = 2 after at most one more gather; then it is free.
      if (!t.broken && waitFor(t, STOP, 2)) t.busy = false;
    },
  };
}
