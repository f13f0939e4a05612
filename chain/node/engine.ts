// The embedded block engine: a single-validator block producer. Every `blockTime` it reaps the
// mempool, builds and signs a header, drives FinalizeBlock, and commits state + block + results +
// indexes in one atomic batch.
import { Header } from "cosmjs-types/tendermint/types/types";
import type { Commit } from "cosmjs-types/tendermint/types/types";
import { BlockIDFlag } from "cosmjs-types/tendermint/types/validator";
import type { ExecTxResult, ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import { encodeExecTxResult } from "./tx-result-codec.ts";
import type { Logger } from "pino";
import type { AbciApplication } from "../app.ts";
import type { BlockStore } from "./blockstore.ts";
import { flattenEvents, txEventMap } from "./blockstore.ts";
import type { Mempool } from "./mempool.ts";
import { merkleRoot, sha256 } from "./hashing.ts";
import { concatBytes, uint64BE } from "../store/bytes.ts";
import { signVote, voteSignBytes, type ValidatorKey } from "./validator-key.ts";
import type { BlockRecord, BlockResultsRecord, NodeEvent, TxRecord } from "./types.ts";

export interface EngineOptions {
  /** Computes large Merkle roots off the event loop (the node's worker pool); inline when absent. */
  merkleRoot?: (items: Uint8Array[]) => Promise<Uint8Array>;
  blockTimeMs: number;
  maxBlockBytes: number;
  maxBlockGas: bigint;
  chainId: string;
  consensusParamsHash: Uint8Array;
}

/** What the engine drives: the in-process TrainchainApp, or the app behind an ABCI socket (chain/abci/loopback.ts, test mode). */
export interface EngineApp extends Pick<AbciApplication, "finalizeBlock" | "commit"> {
  readonly height: bigint;
  readonly appHash: Uint8Array;
  validatorSet(): ValidatorUpdate[];
  /**
   * CheckTx against the finalized block's state while its Commit writes it (TrainchainApp). An app
   * without it (one reached over ABCI) is rechecked and reopened to only after its Commit.
   */
  checkOnPending?(): void;
}

export interface EngineHooks {
  onBlock(block: BlockRecord, results: BlockResultsRecord, txs: TxRecord[]): void;
}

type Time = { seconds: bigint; nanos: number };

function nowTime(): Time {
  const ms = Date.now();
  return { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

function later(a: Time, b: Time): boolean {
  return a.seconds > b.seconds || (a.seconds === b.seconds && a.nanos > b.nanos);
}

/** Deterministic parts of tx results, the leaves of LastResultsHash, as CometBFT hashes them. */
function resultsLeaves(results: ExecTxResult[]): Uint8Array[] {
  return results.map((r) => encodeExecTxResult({ code: r.code, data: r.data, log: "", info: "", gasWanted: r.gasWanted, gasUsed: r.gasUsed, events: [], codespace: "" }));
}

/** Below this many leaves a root is computed inline: a worker round trip costs more. */
const OFFLOAD_LEAVES = 64;

export class BlockEngine {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private producing: Promise<void> | undefined;
  private lastBlock: BlockRecord | undefined;
  /** LastResultsHash for the next header; a promise while a worker computes it. */
  private lastResultsHash: Uint8Array | Promise<Uint8Array> = sha256();
  private stopped = false;

  constructor(
    private readonly app: EngineApp,
    private readonly store: BlockStore,
    private readonly mempool: Mempool,
    private readonly key: ValidatorKey,
    private readonly options: EngineOptions,
    private readonly hooks: EngineHooks,
    private readonly log: Logger,
  ) {}

  /** This validator's precommit for a block (timestamped with the block time, so it is reproducible). */
  commitFor(block: BlockRecord): Commit {
    const time = block.header.time!;
    return {
      height: block.header.height,
      round: 0,
      blockId: block.blockId,
      signatures: [
        {
          blockIdFlag: BlockIDFlag.BLOCK_ID_FLAG_COMMIT,
          validatorAddress: this.key.address,
          timestamp: time,
          signature: signVote(this.key, voteSignBytes(this.options.chainId, block.header.height, block.blockId.hash, time)),
        },
      ],
    };
  }

  /** The commit for the latest block, before the next block carries it (CometBFT's "seen commit"). */
  seenCommit(height: bigint): Commit | undefined {
    return this.lastBlock && this.lastBlock.header.height === height ? this.commitFor(this.lastBlock) : undefined;
  }

  async init(): Promise<void> {
    const h = this.store.latestHeight();
    if (h > 0n) {
      this.lastBlock = await this.store.block(h);
      const r = await this.store.blockResults(h);
      if (r) this.lastResultsHash = merkleRoot(resultsLeaves(r.txResults));
    }
    if (this.store.latestHeight() !== this.app.height) {
      throw new Error(`block store is at height ${this.store.latestHeight()} but the state is at ${this.app.height}; the data directory is inconsistent`);
    }
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      const started = Date.now();
      this.producing = this.produceBlock()
        .catch((err: Error) => {
          this.log.error({ err: err.message }, "block production failed; stopping the engine");
          this.running = false;
          this.stopped = true;
          process.exitCode = 1;
        })
        .finally(() => {
          this.producing = undefined;
          this.schedule(Math.max(0, this.options.blockTimeMs - (Date.now() - started)));
        });
    }, delay);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.producing;
  }

  /** A Merkle root, on the worker pool when there are many leaves (the event loop serves RPC meanwhile). */
  private root(items: Uint8Array[]): Uint8Array | Promise<Uint8Array> {
    return this.options.merkleRoot && items.length >= OFFLOAD_LEAVES ? this.options.merkleRoot(items) : merkleRoot(items);
  }

  get failed(): boolean {
    return this.stopped;
  }

  async produceBlock(): Promise<void> {
    const height = this.app.height + 1n;
    const prev = this.lastBlock;
    let time = nowTime();
    if (prev && !later(time, prev.header.time!)) {
      const t = prev.header.time!;
      time = t.nanos + 1_000_000 < 1_000_000_000 ? { seconds: t.seconds, nanos: t.nanos + 1_000_000 } : { seconds: t.seconds + 1n, nanos: 0 };
    }
    const unlock = this.mempool.lock();
    try {
      await this.produce(height, time, prev, unlock);
    } finally {
      unlock();
    }
  }

  /** Produces and commits one block; `reopen` releases the mempool once the block's state is final. */
  private async produce(height: bigint, time: Time, prev: BlockRecord | undefined, reopen: () => void): Promise<void> {
    const { txs, hashes } = this.mempool.reap(this.options.maxBlockBytes, this.options.maxBlockGas);
    const lastCommit: Commit = prev
      ? this.commitFor(prev)
      : { height: 0n, round: 0, blockId: { hash: new Uint8Array(), partSetHeader: { total: 0, hash: new Uint8Array() } }, signatures: [] };
    const validatorsHash = merkleRoot(this.app.validatorSet().map((v) => concatBytes(v.pubKey!.ed25519!, uint64BE(v.power))));
    const header: Header = {
      version: { block: 11n, app: 0n },
      chainId: this.options.chainId,
      height,
      time,
      lastBlockId: lastCommit.blockId!,
      lastCommitHash: merkleRoot(lastCommit.signatures.map((s) => s.signature)),
      // inline: the block waits on it with the mempool locked, and a pool thread shares the cores
      dataHash: merkleRoot(hashes),
      validatorsHash,
      nextValidatorsHash: validatorsHash,
      consensusHash: this.options.consensusParamsHash,
      appHash: this.app.appHash.length > 0 ? this.app.appHash : sha256(),
      lastResultsHash: await this.lastResultsHash,
      evidenceHash: merkleRoot([]),
      proposerAddress: this.key.address,
    };
    const headerBytes = Header.encode(header).finish();
    const hash = sha256(headerBytes);
    const response = await this.app.finalizeBlock({
      txs,
      decidedLastCommit: { round: 0, votes: [] },
      misbehavior: [],
      hash,
      height,
      time,
      nextValidatorsHash: validatorsHash,
      proposerAddress: this.key.address,
    });
    let size = headerBytes.length;
    for (const t of txs) size += t.length;
    const block: BlockRecord = { blockId: { hash, partSetHeader: { total: 1, hash: sha256(hash, headerBytes) } }, header, txs, lastCommit, size };
    const results: BlockResultsRecord = {
      height,
      txResults: response.txResults,
      finalizeBlockEvents: response.events,
      validatorUpdates: response.validatorUpdates,
      appHash: response.appHash,
    };
    const written = this.app.commit(this.store.blockOps(block, results, hashes));
    // While the block is written, the mempool drops its txs, rechecks the rest against the block's
    // resulting state and admits again (checked against that state); the block is reported, and
    // its state queried, only once it is durable.
    const early = this.app.checkOnPending !== undefined;
    if (early) {
      this.app.checkOnPending!();
      this.mempool.update(hashes);
      reopen();
    }
    // needed by the next header only: computed while this block is written and its txs answered
    this.lastResultsHash = this.root(resultsLeaves(response.txResults));
    await written;
    this.store.committed(block);
    this.lastBlock = block;
    if (!early) this.mempool.update(hashes);
    const records: TxRecord[] = txs.map((tx, index) => ({ hash: hashes[index]!, height, index, tx, result: response.txResults[index]! }));
    this.hooks.onBlock(block, results, records);
    if (txs.length > 0) this.log.info({ height: Number(height), txs: txs.length }, "committed block");
  }
}

/** Websocket event for a block, with CometBFT's flattened event keys. */
export function newBlockEvent(block: BlockRecord, results: BlockResultsRecord): NodeEvent {
  const events = flattenEvents(results.finalizeBlockEvents);
  events.set("tm.event", ["NewBlock"]);
  events.set("block.height", [block.header.height.toString()]);
  return { kind: "NewBlock", block, results, events };
}

export function txEvent(tx: TxRecord): NodeEvent {
  const events = txEventMap(tx);
  events.set("tm.event", ["Tx"]);
  return { kind: "Tx", tx, events };
}
