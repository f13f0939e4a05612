// Gather thread of the training loop (worker/runtime/batch.ts): computes the sample indices of the
// next steps with the task's sampler and gathers their rows into ordinary (non-shared) buffers
// while the main thread is inside session.run, and hands them over by transfer — onnxruntime-node
// refuses SharedArrayBuffer-backed tensors, so a shared slot would cost the main thread a
// batch-sized copy per step. Plain JavaScript so it starts without the TypeScript loader; the
// sampler (worker/data/sampler.ts, the one published implementation) and the row copy the main
// thread's assembler uses too (rows.ts) are loaded with tsx's tsImport, and the thread announces
// itself ready with a message once they are loaded.
//
// A job message carries: ctrl (Int32Array on a SharedArrayBuffer: [REQ, DONE, STOP, SLEEP]), the
// dataset's features x (Float32Array) and labels yWords (Int32Array, yw words per sample), both
// shared, reqAt (shared Float64Array: the main thread's performance.now() at the last request) and
// timeOrigin (the main thread's performance.timeOrigin), the sampler's seed, n (dataset size) and
// batch, the request slots first and counts
// (shared BigInt64Array / Int32Array of `slots` entries; request seq uses slot seq mod slots), fs
// (floats per sample), stride, yOffset and chunkBytes (a chunk buffer holds up to chunk batches,
// batch j at j × stride: features, then the label words at yOffset; the request's seq is an int32
// at chunkBytes), seq0 (REQ when the job was made) and port (a MessagePort). Requests are sequence
// numbers: REQ is the last one made (its first step and count are in its slot before REQ is
// raised). Request seq asks for the batches of counts[slot] consecutive steps from first[slot]:
// the thread fills one free buffer with the rows of sampler.indices(step) for each of them, posts
// it on the port (transferred) and sets DONE = seq — one message per request, so the main thread
// receives once per chunk, not once per step. With nothing to do it first computes the
// permutation of the epoch after the last step it gathered (~10 ms per 60k samples, which would
// otherwise delay the request that first needs it), then waits for the next request in timed waits
// (below) and at last sets SLEEP = 1 and waits on REQ untimed (the main thread notifies a sleeping
// thread, and a waiting one when it needs the request at once). The main thread returns used buffers as an array on the
// same port (transferred); they are picked up with receiveMessageOnPort, since this thread never
// returns to its event loop while serving a job. With none back, a new buffer is allocated (only
// the first requests of a job do that). STOP = 1 ends the job (a chunk being gathered is
// abandoned); the thread answers STOP = 2.
import { parentPort, receiveMessageOnPort } from "node:worker_threads";
import { tsImport } from "tsx/esm/api";

const { createSampler } = await tsImport("../data/sampler.ts", import.meta.url);
const { gatherRows } = await tsImport("./rows.ts", import.meta.url);

const REQ = 0;
const DONE = 1;
const STOP = 2;
const SLEEP = 3;
// With nothing to do, the thread sleeps in timed waits until the next request is due, then polls
// for it, and after LINGER_MS (or three request intervals, if longer; at most LINGER_MAX_MS) without
// one it sleeps until notified. The main thread stamps each request with its time (reqAt), so the
// thread knows the request interval and wakes once, just after the next request is made, instead of
// polling: on this 2-vCPU VM each wake-up of the idle vCPU slows the training thread's session.run
// (in a synthetic test, 85 µs of work every 1.25 ms, each in its own wake-up, slowed a raw B = 64
// loop ~5 %; the same work in one burst per 20 ms ~1 %). A request asks for a chunk a whole chunk before it is needed, so the thread can afford to
// wake an eighth of an interval (1–10 ms) after the request is due — request times jitter with the
// step times and GC pauses, and a wake-up before the request costs another — and then polls for it
// at growing intervals (an eighth of an interval, then twice, four times that…, at most half an
// interval, or 10 ms while the interval is unknown): a late request is usually a pause between two
// runs of steps (a checkpoint written; the bench's raw rounds), and a run's first request, needed at
// once, is notified.
const POLL_MIN_MS = 1;
const POLL_MAX_MS = 10;
const LINGER_MS = 100;
const LINGER_MAX_MS = 1000;

// The last job's sampler, kept for the next job over the same (seed, n, batch): it caches the
// permutations of the current and next epoch.
let sampler;

parentPort.on("message", (job) => {
  const { ctrl, reqAt, timeOrigin, x, yWords, seed, n: size, first, counts, slots, batch: n, fs, yw, stride, yOffset, chunkBytes, seq0, port } = job;
  // The main thread's performance.now() in this thread's clock.
  const clock = timeOrigin - performance.timeOrigin;
  if (sampler === undefined || sampler.seed !== seed || sampler.datasetSize !== size || sampler.batchSize !== n) sampler = createSampler(seed, size, n);
  const indices = new Uint32Array(n);
  const scratch = new Uint32Array(n);
  const samples = BigInt(size);
  const B = BigInt(n);
  // The next epoch whose permutation is computed ahead (-1n: none pending), and the last one done.
  let ahead = -1n;
  let prepared = -1n;
  const free = [];
  let done = seq0;
  // Request timing: the main thread's time of the last request picked up (reqAt, in this thread's
  // clock; 0: none yet), the last time between two lone requests, and the expected interval: the
  // smaller of the last two (0: unknown), so a pause between two runs of steps is not taken for the
  // request rate.
  let lastAt = 0;
  let gap = 0;
  let interval = 0;
  let idleSince = 0;
  let backoff = 1;
  const gather = (buf, j, step) => {
    sampler.indices(step, indices);
    const bx = new Float32Array(buf, j * stride, n * fs);
    const by = new Int32Array(buf, j * stride + yOffset, n * yw);
    gatherRows(x, yWords, fs, yw, size, indices, n, bx, by);
    // The epoch after this batch's last sample, once per epoch.
    const next = ((step + 1n) * B - 1n) / samples + 1n;
    if (next !== prepared) ahead = next;
  };
  for (;;) {
    let req = Atomics.load(ctrl, REQ);
    if (req === done && Atomics.load(ctrl, STOP) === 0) {
      if (ahead >= 0n) {
        // indices() of the first step that reaches epoch `ahead` computes (and caches) its permutation.
        sampler.indices((ahead * samples) / B, scratch);
        prepared = ahead;
        ahead = -1n;
        continue;
      }
      // Wait in timed waits for the next request a while before sleeping: waking a sleeping thread
      // takes the main thread a futex syscall (and the VM an inter-processor interrupt) at a
      // request, while a timed wait here wakes on this thread's own vCPU.
      const now = performance.now();
      if (idleSince === 0) {
        idleSince = now;
        backoff = 1;
      }
      if (now - idleSince < Math.min(LINGER_MAX_MS, Math.max(LINGER_MS, 3 * interval))) {
        const poll = Math.min(POLL_MAX_MS, Math.max(POLL_MIN_MS, interval / 8));
        const due = lastAt + interval + poll - now;
        if (interval > 0 && due > poll) {
          Atomics.wait(ctrl, REQ, done, due);
        } else {
          Atomics.wait(ctrl, REQ, done, Math.min(poll * backoff, interval > 0 ? Math.max(poll, interval / 2) : POLL_MAX_MS));
          backoff *= 2;
        }
        continue;
      }
      // Announce the sleep before re-checking, so a request made meanwhile is either seen here or
      // followed by a notify.
      Atomics.store(ctrl, SLEEP, 1);
      if (Atomics.load(ctrl, REQ) === done && Atomics.load(ctrl, STOP) === 0) Atomics.wait(ctrl, REQ, done);
      Atomics.store(ctrl, SLEEP, 0);
      req = Atomics.load(ctrl, REQ);
    }
    if (Atomics.load(ctrl, STOP) !== 0) break;
    // Requests made together (a run's first ones) share a time and say nothing about the rate.
    const at = reqAt[0] + clock;
    if (lastAt !== 0 && ((req - done) | 0) === 1) {
      interval = gap === 0 ? 0 : Math.min(gap, at - lastAt);
      gap = at - lastAt;
    }
    lastAt = at;
    idleSince = 0;
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) free.push(...m.message);
    while (done !== req && Atomics.load(ctrl, STOP) === 0) {
      const seq = (done + 1) | 0;
      const slot = ((seq % slots) + slots) % slots;
      const step0 = first[slot];
      const count = counts[slot];
      const buf = free.pop() ?? new ArrayBuffer(chunkBytes + 8);
      let j = 0;
      for (; j < count && Atomics.load(ctrl, STOP) === 0; j++) gather(buf, j, step0 + BigInt(j));
      if (j < count) {
        free.push(buf);
        break;
      }
      new Int32Array(buf, chunkBytes, 1)[0] = seq;
      port.postMessage(buf, [buf]);
      done = seq;
      Atomics.store(ctrl, DONE, seq);
      Atomics.notify(ctrl, DONE);
    }
  }
  port.close();
  // Acknowledge the stop: the main thread may hand out the next job once STOP reads 2.
  Atomics.store(ctrl, STOP, 2);
  Atomics.notify(ctrl, STOP);
});
parentPort.postMessage("ready");
