// Gathers the samples of one step into reusable buffers shaped for the model's inputs.
import { MessageChannel, Worker, receiveMessageOnPort } from "node:worker_threads";
import type { Dataset } from "../data/dataset.ts";
import { featureSize, labelSize } from "../data/dataset.ts";
import type { MinibatchSampler } from "../data/sampler.ts";
import type { InputSpec, Tensor } from "../types.ts";
import type { StepBatch } from "./runner.ts";
import { gatherRows } from "./rows.ts";

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
      gatherRows(ds.x, src.words, fs, yw, n, indices, batchSize, x, yWords);
      return batch;
    },
  };
}

export function createBatchAssembler(ds: Dataset, input: InputSpec, labels: InputSpec, batchSize: number): BatchAssembler {
  return assembler(ds, input, labels, batchSize);
}

/** The batches of consecutive steps, optionally gathered ahead on another thread. */
export interface BatchSource {
  /** Whether batches are gathered on the gather thread. */
  readonly threaded: boolean;
  /**
   * The batch of step t. `following` = how many consecutive steps (t+1, t+2, …) will be taken right
   * after this one: a threaded source gathers up to a few of them ahead. The batch is valid until
   * the next `take` or `close` (its buffers are then reused).
   */
  take(t: bigint, following?: number): StepBatch;
  /** How many batches this source has gathered on the calling thread (all, when not threaded). */
  readonly inPlace: number;
  /** Steps the gather thread gathers in one burst and hands over in one buffer (0 when not threaded). */
  readonly chunkSteps: number;
  /** End this run of steps (a threaded source stays ready for the next one over the same data). */
  close(): void;
}

// ctrl words shared with gather-thread.js.
const REQ = 0;
const DONE = 1;
const STOP = 2;
const SLEEP = 3;
// A gather takes well under a millisecond; a thread silent this long is treated as gone.
const WAIT_MS = 2000;
// Steps requested ahead at most, and the bytes their batches may take together. Requests are made
// in chunks of up to CHUNK consecutive steps, and the thread delivers each chunk's batches in one
// buffer, so this thread receives one message and returns one buffer per chunk: with a message per
// step, receiving alone cost ~17 µs per step (p50, B = 64; code and data cold after session.run),
// and returns ~50 µs per 8 steps. The thread sleeps in timed waits until the next request is due
// (gather-thread.js) and is notified only when asleep, when a request is needed within two steps,
// or when this thread is about to wait for a chunk: on this 2-vCPU VM a wake-up cost the training
// thread 19 µs p50 and up to ~0.8 ms (the woken vCPU's burst tends to run in its place), and
// waking it per step measured ~15 % overhead at B = 64.
// A chunk is also kept to CHUNK_BYTES: the thread gathers a chunk in one burst, and a burst much
// larger than the cache it lands in evicts the training thread's working set from the shared L3 and
// leaves the chunk's later batches to be read back from memory. At B = 256 (800 KB a batch) chunks
// of 10 steps (8 MB) measured 2.8–7.5 % paired overhead over six runs (mean 5.6 %); of 5 steps
// (4 MB) −0.9–1.7 %, of 2 steps 0.9–4.9 %. At B = 64, 16 steps (3.2 MB) measured better than 10
// or 5.
const DEPTH = 32;
const CHUNK = 16;
const CHUNK_BYTES = 4 << 20;
const AHEAD_BYTES = 16 << 20;
// A source not reused this long after its last run stops (the thread holds the dataset).
const IDLE_MS = 10_000;

interface GatherThread {
  worker: Worker;
  ctrl: Int32Array;
  /** A source is between open and close. */
  busy: boolean;
  broken: boolean;
  /** The last closed source, still serving its job on the thread (reused by a matching source). */
  idle: ThreadedSource | undefined;
}

interface ThreadedSource extends BatchSource {
  readonly ds: Dataset;
  readonly input: InputSpec;
  readonly labels: InputSpec;
  readonly sampler: MinibatchSampler;
  open(): void;
  /** Stop the thread's job (waits for it to acknowledge). */
  stop(): void;
}

// One gather thread per process, started on first use and reused by every later source (starting
// a thread costs tens of milliseconds); it never keeps the process alive once started.
let thread: Promise<GatherThread | undefined> | undefined;

async function gatherThread(): Promise<GatherThread | undefined> {
  thread ??= new Promise((resolve) => {
    const worker = new Worker(new URL("./gather-thread.js", import.meta.url));
    const t: GatherThread = { worker, ctrl: new Int32Array(new SharedArrayBuffer(16)), busy: false, broken: false, idle: undefined };
    // Referenced until it is ready (someone awaits it; it loads the sampler first), then unref'd.
    worker.once("message", () => {
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

/** Wait until ctrl[i] has reached `want` (sequence numbers, int32 wrap-around safe); false on timeout (the thread is then marked broken). */
function waitFor(t: GatherThread, i: number, want: number): boolean {
  for (;;) {
    const v = Atomics.load(t.ctrl, i);
    if (((v - want) | 0) >= 0) return true;
    if (Atomics.wait(t.ctrl, i, v, WAIT_MS) === "timed-out") {
      t.broken = true;
      return false;
    }
  }
}

const isShared = (a: ArrayBufferView): boolean => a.buffer instanceof SharedArrayBuffer;

/**
 * Batches for `sampler`'s steps. With `background` (the caller has a core that session.run does not
 * use) and a dataset on SharedArrayBuffers, the next steps' indices are computed and their rows
 * gathered on the gather thread (by a sampler over the same seed, size and batch) into ordinary
 * buffers while this thread is inside session.run, and handed over by transfer (ORT refuses shared
 * buffers, so a shared slot would cost a batch-sized copy here every step). Either way the bytes
 * are those of `gather(sampler.indices(t))`.
 */
export async function createBatchSource(ds: Dataset, input: InputSpec, labels: InputSpec, sampler: MinibatchSampler, background: boolean): Promise<BatchSource> {
  const t = background && isShared(ds.x) && isShared(ds.y) ? await gatherThread() : undefined;
  if (t === undefined) {
    const asm = assembler(ds, input, labels, sampler.batchSize);
    const indices = new Uint32Array(sampler.batchSize);
    let inPlace = 0;
    return {
      threaded: false,
      chunkSteps: 0,
      get inPlace(): number {
        return inPlace;
      },
      take: (step) => {
        inPlace++;
        return asm.gather(sampler.indices(step, indices));
      },
      close: () => {},
    };
  }
  const idle = t.idle;
  t.idle = undefined;
  if (idle !== undefined) {
    const same = idle.ds === ds && idle.sampler === sampler && idle.labels === labels && idle.input.name === input.name && idle.input.dims.join() === input.dims.join();
    if (same) {
      idle.open();
      return idle;
    }
    idle.stop();
  }
  const src = threadedSource(t, ds, input, labels, sampler);
  src.open();
  return src;
}

function threadedSource(t: GatherThread, ds: Dataset, input: InputSpec, labels: InputSpec, sampler: MinibatchSampler): ThreadedSource {
  const asm = assembler(ds, input, labels, sampler.batchSize);
  const B = sampler.batchSize;
  const indices = new Uint32Array(B);
  const sync = (step: bigint): StepBatch => asm.gather(sampler.indices(step, indices));
  // A delivered chunk is one ArrayBuffer of up to `chunk` batches, batch j at j × stride: features,
  // then the label words (8-byte aligned); each batch starts on a 64-byte boundary of the buffer.
  const xBytes = asm.x.byteLength;
  const yOffset = Math.ceil(xBytes / 8) * 8;
  const bytes = yOffset + asm.yWords.byteLength;
  const stride = Math.ceil(bytes / 64) * 64;
  const depth = Math.max(2, Math.min(DEPTH, Math.floor(AHEAD_BYTES / stride)));
  const chunk = Math.max(1, Math.min(CHUNK, depth >> 1, Math.floor(CHUNK_BYTES / stride)));
  const chunkBytes = chunk * stride;
  // Request seq asks for counts[slot] consecutive steps from first[slot] (slot = seq mod depth). The
  // thread computes their indices with its own sampler over the same (seed, n, B), so the sampler's
  // work — above all the ~10 ms permutation of each new epoch — stays off this thread.
  const first = new BigInt64Array(new SharedArrayBuffer(depth * 8));
  const counts = new Int32Array(new SharedArrayBuffer(depth * 4));
  // The time of the last request (this thread's performance.now()): the thread learns the request
  // rate from it and sleeps until the next request is due (gather-thread.js).
  const reqAt = new Float64Array(new SharedArrayBuffer(8));
  const slotOf = (seq: number): number => ((seq % depth) + depth) % depth;
  const src = labelWords(ds);
  const { port1: port, port2 } = new MessageChannel();
  const seq0 = Atomics.load(t.ctrl, REQ);
  Atomics.store(t.ctrl, STOP, 0);
  Atomics.store(t.ctrl, DONE, seq0);
  const job = { ctrl: t.ctrl, reqAt, timeOrigin: performance.timeOrigin, x: ds.x, yWords: src.words, seed: sampler.seed, n: sampler.datasetSize, first, counts, slots: depth, batch: B, fs: featureSize(ds.format), yw: src.perSample, stride, yOffset, chunkBytes, seq0, port: port2 };
  t.worker.postMessage(job, [port2]);

  const inputName = input.name;
  const xDims = (asm.batch.inputs[inputName] as Tensor).dims;
  const yDims = asm.batch.labels.dims;
  const int64Labels = asm.batch.labels.data instanceof BigInt64Array;
  const xLen = asm.x.length;
  const yLen = asm.yWords.length / (int64Labels ? 2 : 1);
  // Requests seq ≤ requested have been made, for consecutive steps up to (not including) end;
  // nextSeq is the one to receive next. Requests before nextSeq were received or dropped. `ahead`
  // = end − nextStep: the steps requested and not yet taken (those left in the current chunk too).
  let requested = seq0;
  let nextSeq = (seq0 + 1) | 0;
  let end = -1n;
  let ahead = 0;
  // The chunk being taken from: its buffer, its batches (views made together when it arrives: one
  // at a time, each step's first touch of the view code after session.run cost ~10 µs p50), the
  // index of the next one and how many are left.
  let cur: ArrayBuffer | undefined;
  const batches: StepBatch[] = [];
  let at = 0;
  let left = 0;
  // The step the next take is expected to ask for.
  let nextStep = -1n;
  // Buffers used by this thread, returned to the gather thread with the next request.
  const used: ArrayBuffer[] = [];
  let active = false;
  let stopped = false;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let inPlace = 0;

  const retire = (): void => {
    if (cur !== undefined) used.push(cur);
    cur = undefined;
    left = 0;
  };
  /** The buffer of request `seq`; older messages are of dropped requests (their buffers are reused). */
  const receive = (seq: number): ArrayBuffer | undefined => {
    for (;;) {
      const m = receiveMessageOnPort(port);
      if (m === undefined) return undefined;
      const buf = m.message as ArrayBuffer;
      const got = new Int32Array(buf, chunkBytes, 1)[0] as number;
      if (got === seq) return buf;
      used.push(buf);
    }
  };
  /** Make the next chunk current, if it is the one that starts at `step` and it arrives. */
  const advance = (step: bigint): boolean => {
    if (((requested - nextSeq) | 0) < 0 || t.broken) return false;
    const slot = slotOf(nextSeq);
    if (first[slot] !== step) return false;
    // Not gathered yet: the thread may be in a timed wait that would end after the request was due.
    if (((Atomics.load(t.ctrl, DONE) - nextSeq) | 0) < 0) Atomics.notify(t.ctrl, REQ);
    if (!waitFor(t, DONE, nextSeq)) return false;
    const buf = receive(nextSeq);
    if (buf === undefined) return false;
    retire();
    cur = buf;
    at = 0;
    left = counts[slot] as number;
    batches.length = 0;
    for (let j = 0, o = 0; j < left; j++, o += stride) {
      const y = int64Labels ? new BigInt64Array(buf, o + yOffset, yLen) : new Float32Array(buf, o + yOffset, yLen);
      batches.push({ inputs: { [inputName]: { dims: xDims, data: new Float32Array(buf, o, xLen) } }, labels: { dims: yDims, data: y } });
    }
    nextSeq = (nextSeq + 1) | 0;
    return true;
  };
  /** Request the following steps, a chunk at a time, up to `want` ahead (at most `depth`). */
  const request = (want: number): void => {
    // A slot may be rewritten once the thread is done with its previous request.
    const done = Atomics.load(t.ctrl, DONE);
    // Needed within two steps: the thread is woken rather than left to find the request.
    const urgent = ahead < 2;
    let s = requested;
    while (ahead < want && ((s + 1 - depth - done) | 0) <= 0) {
      s = (s + 1) | 0;
      // A run's first chunks grow (1, 3, 12, 16 steps when nothing is ahead), so the first batch is
      // ready after one gather, not after a whole chunk's.
      const n = Math.min(chunk, want - ahead, Math.max(1, 3 * ahead));
      first[slotOf(s)] = end;
      counts[slotOf(s)] = n;
      end += BigInt(n);
      ahead += n;
    }
    if (s === requested) return;
    if (used.length > 0) port.postMessage(used, used);
    used.length = 0;
    requested = s;
    reqAt[0] = performance.now();
    Atomics.store(t.ctrl, REQ, s);
    if (urgent || Atomics.load(t.ctrl, SLEEP) !== 0) Atomics.notify(t.ctrl, REQ);
  };
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    if (t.idle === source) t.idle = undefined;
    Atomics.store(t.ctrl, STOP, 1);
    Atomics.add(t.ctrl, REQ, 1);
    Atomics.notify(t.ctrl, REQ);
    // The thread acknowledges with STOP = 2 after at most one more gather; then it is free.
    if (!t.broken) waitFor(t, STOP, 2);
    port.close();
  };

  const source: ThreadedSource = {
    threaded: true,
    chunkSteps: chunk,
    ds,
    input,
    labels,
    sampler,
    get inPlace(): number {
      return inPlace;
    },
    open(): void {
      if (idleTimer !== undefined) clearTimeout(idleTimer);
      idleTimer = undefined;
      active = true;
      t.busy = true;
    },
    take(step: bigint, following = 0): StepBatch {
      let batch: StepBatch;
      if (step === nextStep && (left > 0 || advance(step))) {
        batch = batches[at++] as StepBatch;
        left--;
        ahead--;
      } else {
        // Not the step gathered ahead (or nothing was): drop what is outstanding, gather in place.
        retire();
        nextSeq = (requested + 1) | 0;
        end = step + 1n;
        ahead = 0;
        inPlace++;
        batch = sync(step);
      }
      nextStep = step + 1n;
      // Keep up to `depth` of the following steps requested, a chunk at a time (the steps a run has
      // left are always covered: `following` shrinks with `ahead`), plus a chunk after the run: the
      // next run usually continues there (a worker's intervals), and then starts with a chunk ready
      // (with only its first step ready, it waited ~0.8 ms for the thread to wake and gather the next).
      const want = Math.min(following + chunk, depth);
      if (ahead < want && ahead + chunk <= depth && !t.broken && !stopped) request(want);
      return batch;
    },
    close(): void {
      if (!active) return;
      active = false;
      t.busy = false;
      if (stopped || t.broken) return;
      t.idle = source;
      idleTimer = setTimeout(stop, IDLE_MS);
      idleTimer.unref();
    },
    stop,
  };
  return source;
}
