// The mempool: CheckTx on admission, arrival order (which is per-sender sequence order, since
// CheckTx state advances the sender's sequence), duplicate rejection, size limits, recheck after
// every commit.
import type { ResponseCheckTx } from "cosmjs-types/tendermint/abci/types";
import { ResponseCheckTx as ResponseCheckTxCodec } from "cosmjs-types/tendermint/abci/types";
import { SdkErrors } from "../framework/errors.ts";
import { keyToString } from "../store/bytes.ts";
import { txHash } from "../tx.ts";
import { compact } from "../framework/proto-fast.ts";

export interface MempoolLimits {
  maxTxs: number;
  maxBytes: number;
  maxTxBytes: number;
}

export const defaultMempoolLimits: MempoolLimits = { maxTxs: 20_000, maxBytes: 128 * 1024 * 1024, maxTxBytes: 1024 * 1024 };

interface Entry {
  tx: Uint8Array;
  hash: Uint8Array;
  gasWanted: bigint;
}

export interface CheckTxFn {
  (tx: Uint8Array, recheck: boolean, hash: Uint8Array): ResponseCheckTx;
}

/** Txs reaped for a block, with their hashes (each tx is hashed once, on admission). */
export interface Reaped {
  txs: Uint8Array[];
  hashes: Uint8Array[];
}

export class Mempool {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private locked: Promise<void> | undefined;

  constructor(
    private readonly checkTx: CheckTxFn,
    private readonly limits: MempoolLimits = defaultMempoolLimits,
  ) {}

  /**
   * Holds new admissions while a block is produced, from reap until its state is final and the
   * mempool updated against it (CometBFT locks its mempool the same way): a tx admitted meanwhile
   * would be checked against the pre-block state and then rechecked; held, it is checked once,
   * against the new state. (The engine reopens during the block's durable write: CheckTx then
   * already runs on the block's state.) Callers of add() wait on `open()`. Returns the release.
   */
  lock(): () => void {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    this.locked = gate;
    return () => {
      if (this.locked === gate) this.locked = undefined;
      release();
    };
  }

  /** Resolves when admissions may proceed (undefined: now). */
  open(): Promise<void> | undefined {
    return this.locked;
  }

  get size(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  add(tx: Uint8Array, hash: Uint8Array = txHash(tx)): ResponseCheckTx {
    if (tx.length > this.limits.maxTxBytes) return reject(SdkErrors.TxTooLarge.wrap(`tx of ${tx.length} bytes exceeds the mempool limit of ${this.limits.maxTxBytes}`));
    const key = keyToString(hash);
    // Only txs still pending are duplicates; a replay of a committed tx reaches CheckTx and fails
    // on its sequence (code 32), as on a Cosmos SDK chain.
    if (this.entries.has(key)) return reject(SdkErrors.TxInMempoolCache.wrap(""));
    if (this.entries.size >= this.limits.maxTxs || this.bytes + tx.length > this.limits.maxBytes) {
      return reject(SdkErrors.MempoolIsFull.wrap(`mempool holds ${this.entries.size} txs (${this.bytes} bytes)`));
    }
    // Kept until its block is committed and then in the block store's cache: a request's tx bytes
    // are a slice of a shared buffer (node's Buffer pool), which they would keep alive.
    tx = compact(tx);
    const res = this.checkTx(tx, false, hash);
    if (res.code !== 0) return res;
    this.entries.set(key, { tx, hash, gasWanted: res.gasWanted });
    this.bytes += tx.length;
    return res;
  }

  /** Txs for the next block, in order, within the byte and gas limits. */
  reap(maxBytes: number, maxGas: bigint): Reaped {
    const out: Reaped = { txs: [], hashes: [] };
    let bytes = 0;
    let gas = 0n;
    for (const e of this.entries.values()) {
      if (bytes + e.tx.length > maxBytes) break;
      if (maxGas > 0n && gas + e.gasWanted > maxGas) break;
      bytes += e.tx.length;
      gas += e.gasWanted;
      out.txs.push(e.tx);
      out.hashes.push(e.hash);
    }
    return out;
  }

  /** After a commit: drop the block's txs, then recheck the rest against the new state. */
  update(committedHashes: Uint8Array[]): void {
    for (const hash of committedHashes) {
      const key = keyToString(hash);
      const e = this.entries.get(key);
      if (e) {
        this.entries.delete(key);
        this.bytes -= e.tx.length;
      }
    }
    for (const [key, e] of [...this.entries]) {
      const res = this.checkTx(e.tx, true, e.hash);
      if (res.code !== 0) {
        this.entries.delete(key);
        this.bytes -= e.tx.length;
      }
    }
  }

  list(limit: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const e of this.entries.values()) {
      if (out.length >= limit) break;
      out.push(e.tx);
    }
    return out;
  }
}

function reject(err: { codespace: string; code: number; message: string }): ResponseCheckTx {
  return ResponseCheckTxCodec.fromPartial({ code: err.code, codespace: err.codespace, log: err.message });
}
