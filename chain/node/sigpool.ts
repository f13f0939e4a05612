// A worker_threads pool that hashes SignDocs and verifies secp256k1 signatures off the main
// thread, in batches. CheckTx then finds each verified signature in the app's cache and skips the
// check on the event loop. Results never feed state directly: the ante chain still verifies any
// signature it does not find in the cache. One more thread of the pool computes the block engine's
// results hashes, so they never queue behind signature checks.
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { packItems } from "./merkle-root.js";

export interface SigCheck {
  /** The encoded SignDoc; the worker verifies the signature over its sha256. */
  signDoc: Uint8Array;
  signature: Uint8Array;
  pubKey: Uint8Array;
}

interface Pending {
  items: SigCheck[];
  /** Per check: 1 when the signature is valid, else 0. */
  resolve: (results: Uint8Array) => void;
}

/** Signature checks per worker job. */
const CHUNK = 32;

export class SignaturePool {
  /** Signature threads, then (last) the Merkle thread: a block's roots never queue behind checks. */
  private readonly workers: Worker[] = [];
  /** Jobs each worker has not answered yet: a worker with work keeps the process alive. */
  private readonly busy: number[] = [];
  private readonly waiting = new Map<number, (msg: { results?: Uint8Array; root?: Uint8Array }) => void>();
  private queue: Pending[] = [];
  private nextId = 1;
  private nextWorker = 0;
  private scheduled = false;

  private readonly signers: number;

  constructor(size = Math.max(1, availableParallelism() - 1)) {
    this.signers = size;
    for (let i = 0; i <= size; i++) {
      const w = new Worker(new URL("./sig-worker.js", import.meta.url));
      w.on("message", (msg: { id: number; results?: Uint8Array; root?: Uint8Array }) => {
        if (--this.busy[i]! === 0) w.unref();
        const done = this.waiting.get(msg.id);
        this.waiting.delete(msg.id);
        done?.(msg);
      });
      w.unref();
      this.workers.push(w);
      this.busy.push(0);
    }
  }

  /** Verifies the checks (1 = valid); requests made in the same tick travel to a worker as one batch. */
  verify(items: SigCheck[]): Promise<Uint8Array> {
    if (items.length === 0) return Promise.resolve(new Uint8Array(0));
    return new Promise((resolve) => {
      this.queue.push({ items, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const queue = this.queue;
    this.queue = [];
    // Jobs of about CHUNK checks: the event loop admits the first txs while the worker verifies
    // the rest, instead of both taking turns over one large batch (after a block, hundreds of
    // requests arrive in one tick).
    for (let start = 0; start < queue.length; ) {
      let end = start;
      let count = 0;
      while (end < queue.length && count < CHUNK) count += queue[end++]!.items.length;
      this.send(queue.slice(start, end));
      start = end;
    }
  }

  private send(pending: Pending[]): void {
    // The checks travel as two transferred buffers (SignDoc, signature and key of each, back to
    // back, and their lengths): cloning them as objects would copy each view's whole backing
    // buffer — a request's Buffer pool slab, the encoder's slab — and cost an object per field.
    const fields: Uint8Array[] = [];
    for (const p of pending) for (const c of p.items) fields.push(c.signDoc, c.signature, c.pubKey);
    const packed = packItems(fields);
    const id = this.nextId++;
    this.waiting.set(id, ({ results = new Uint8Array(fields.length / 3) }) => {
      let offset = 0;
      for (const p of pending) {
        p.resolve(results.subarray(offset, offset + p.items.length));
        offset += p.items.length;
      }
    });
    this.post(this.nextWorker++ % this.signers, { id, checks: packed }, [packed.bytes.buffer as ArrayBuffer, packed.lengths.buffer as ArrayBuffer]);
  }

  private post(i: number, job: object, transfer: ArrayBuffer[] = []): void {
    if (this.busy[i]!++ === 0) this.workers[i]!.ref();
    this.workers[i]!.postMessage(job, transfer);
  }

  /** The RFC 6962 Merkle root of `items` (merkle-root.js), computed on the pool's Merkle thread. */
  merkleRoot(items: Uint8Array[]): Promise<Uint8Array> {
    const packed = packItems(items);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, ({ root }) => resolve(root!));
      this.post(this.signers, { id, merkle: packed }, [packed.bytes.buffer as ArrayBuffer, packed.lengths.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
