// Gather thread of the training loop (worker/runtime/batch.ts): gathers the rows of the next steps'
// samples into ordinary (non-shared) buffers while the main thread is inside session.run, and
// hands them over by transfer — onnxruntime-node refuses SharedArrayBuffer-backed tensors, so a
// shared slot would cost the main thread a batch-sized copy per step. Plain JavaScript so it loads
// without the TypeScript loader.
//
// A job message carries: ctrl (Int32Array on a SharedArrayBuffer: [REQ, DONE, STOP, SLEEP]), the
// dataset's features x (Float32Array) and labels yWords (Int32Array, yw words per sample), both
// shared, the request slots idx (shared Uint32Array: `depth` slots of `batch` indices; request seq
// uses slot seq mod depth), fs (floats per sample), bytes and yOffset (a batch buffer's payload
// size and where its label words start), seq0 (REQ when the job was made) and port (a
// MessagePort). Requests are sequence numbers: REQ is the last one made (its indices are in its
// slot before REQ is raised). For each request in order the thread fills a free buffer — features,
// label words, and the request's seq as an int32 after the payload — posts it on the port
// (transferred) and sets DONE = seq. With nothing to do it sets SLEEP = 1 and waits on REQ (the main
// thread notifies only a sleeping thread). The main thread returns used buffers as an array on the
// same port (transferred); they are picked up with receiveMessageOnPort, since this thread never
// returns to its event loop while serving a job. With none back, a new buffer is allocated (only
// the first requests of a job do that). STOP = 1 ends the job; the thread answers STOP = 2.
import { parentPort, receiveMessageOnPort } from "node:worker_threads";

const REQ = 0;
const DONE = 1;
const STOP = 2;
const SLEEP = 3;

parentPort.on("message", (job) => {
  const { ctrl, x, yWords, idx, depth, batch: n, fs, yw, bytes, yOffset, seq0, port } = job;
  const free = [];
  let done = seq0;
  for (;;) {
    let req = Atomics.load(ctrl, REQ);
    if (req === done && Atomics.load(ctrl, STOP) === 0) {
      // Announce the sleep before re-checking, so a request made meanwhile is either seen here or
      // followed by a notify.
      Atomics.store(ctrl, SLEEP, 1);
      if (Atomics.load(ctrl, REQ) === done && Atomics.load(ctrl, STOP) === 0) Atomics.wait(ctrl, REQ, done);
      Atomics.store(ctrl, SLEEP, 0);
      req = Atomics.load(ctrl, REQ);
    }
    if (Atomics.load(ctrl, STOP) !== 0) break;
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) free.push(...m.message);
    while (done !== req && Atomics.load(ctrl, STOP) === 0) {
      const seq = (done + 1) | 0;
      const slot = (((seq % depth) + depth) % depth) * n;
      const buf = free.pop() ?? new ArrayBuffer(bytes + 8);
      const bx = new Float32Array(buf, 0, n * fs);
      const by = new Int32Array(buf, yOffset, n * yw);
      for (let k = 0; k < n; k++) {
        const i = idx[slot + k];
        bx.set(x.subarray(i * fs, i * fs + fs), k * fs);
        for (let w = 0; w < yw; w++) by[k * yw + w] = yWords[i * yw + w];
      }
      new Int32Array(buf, bytes, 1)[0] = seq;
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
