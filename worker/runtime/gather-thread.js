// Gather thread of the training loop (worker/runtime/batch.ts): copies the rows of the next step's
// samples into a shared slot while the main thread is inside session.run. Plain JavaScript so it
// loads without the TypeScript loader.
//
// A job message shares, all on SharedArrayBuffers: ctrl (Int32Array: [REQ, DONE, STOP]), the
// dataset's features x (Float32Array) and labels yWords (Int32Array, yw words per sample), the
// slot's indices idx (Uint32Array) and outputs slotX / slotYWords, fs (floats per sample), and
// seq0 (REQ when the job was made). The thread then serves requests until STOP: a request is a new
// REQ value (indices already in idx); when the slot holds that request's rows, DONE = REQ.
import { parentPort } from "node:worker_threads";

const REQ = 0;
const DONE = 1;
const STOP = 2;

parentPort.on("message", (job) => {
  const { ctrl, x, yWords, idx, slotX, slotYWords, fs, yw, seq0 } = job;
  let seen = seq0;
  for (;;) {
    Atomics.wait(ctrl, REQ, seen);
    if (Atomics.load(ctrl, STOP) !== 0) break;
    const seq = Atomics.load(ctrl, REQ);
    if (seq === seen) continue;
    seen = seq;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k];
      slotX.set(x.subarray(i * fs, i * fs + fs), k * fs);
      for (let w = 0; w < yw; w++) slotYWords[k * yw + w] = yWords[i * yw + w];
    }
    Atomics.store(ctrl, DONE, seq);
    Atomics.notify(ctrl, DONE);
  }
  // Acknowledge the stop: the main thread may hand out the next job once STOP reads 2.
  Atomics.store(ctrl, STOP, 2);
  Atomics.notify(ctrl, STOP);
});
