// The node: app + block store + mempool + embedded engine + RPC and API servers, and the
// NodeView the servers read through.
import { existsSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { pino, type Logger } from "pino";
import { Registry, Gauge, Counter, collectDefaultMetrics } from "prom-client";
import type { Commit } from "cosmjs-types/tendermint/types/types";
import type { ResponseCheckTx, ResponseInfo, ResponseQuery } from "cosmjs-types/tendermint/abci/types";
import { TrainchainApp } from "../app.ts";
import { ChainDb } from "../store/db.ts";
import { toHex } from "../store/bytes.ts";
import { BlockStore } from "./blockstore.ts";
import { SignaturePool } from "./sigpool.ts";
import { Mempool } from "./mempool.ts";
import { txHash } from "../tx.ts";
import { BlockEngine, newBlockEvent, txEvent, type EngineApp } from "./engine.ts";
import { startAbciLoopback, type AbciLoopback } from "../abci/loopback.ts";
import { consensusParamsHash, initChainRequest, readGenesis, type GenesisDoc } from "./genesis.ts";
import { homePaths, parseGasPrices, parseListenAddress } from "./config.ts";
import { readValidatorKey, validatorAddress, type ValidatorKey } from "./validator-key.ts";
import type { BlockRecord, BlockResultsRecord, NodeEvent, NodeView, SearchOptions, TxRecord, ValidatorInfo } from "./types.ts";
import { buildRpcServer } from "../rpc/server.ts";
import { buildApiServer } from "../rpc/api.ts";

export interface NodeOptions {
  home: string;
  rpcLaddr: string;
  apiLaddr: string;
  blockTimeMs: number;
  minGasPrices: string;
  moniker: string;
  logger?: Logger;
  /** Extra routes on the API server (blob service etc.). */
  apiRoutes?: (app: FastifyInstance) => void;
  /** Test mode: serve the app on this ABCI address (tcp:// or unix://) and let the engine drive it over the socket. */
  abciLoopback?: string;
}

export class Node implements NodeView {
  readonly chainId: string;
  readonly moniker: string;
  readonly nodeId: string;
  readonly rpcAddress: string;
  readonly listenAddress: string;
  readonly metrics = new Registry();
  private readonly listeners = new Set<(event: NodeEvent) => void>();
  private readonly waiters = new Map<string, ((tx: TxRecord) => void)[]>();
  private rpc: FastifyInstance | undefined;
  private sigPool: SignaturePool | undefined;
  private admission: Promise<void> = Promise.resolve();
  private api: FastifyInstance | undefined;
  private loopback: AbciLoopback | undefined;
  private readonly heightGauge: Gauge;
  private readonly txCounter: Counter;
  private readonly mempoolGauge: Gauge;

  private constructor(
    readonly app: TrainchainApp,
    readonly db: ChainDb,
    readonly store: BlockStore,
    readonly mempool: Mempool,
    private engine: BlockEngine | undefined,
    private readonly genesis: GenesisDoc,
    private readonly key: ValidatorKey,
    private readonly options: NodeOptions,
    readonly log: Logger,
  ) {
    this.chainId = genesis.chain_id;
    this.moniker = options.moniker;
    this.nodeId = toHex(validatorAddress(key.pubKey));
    this.rpcAddress = options.rpcLaddr;
    this.listenAddress = "tcp://0.0.0.0:26656";
    collectDefaultMetrics({ register: this.metrics });
    this.heightGauge = new Gauge({ name: "trainchain_block_height", help: "Latest committed block height", registers: [this.metrics] });
    this.txCounter = new Counter({ name: "trainchain_txs_committed_total", help: "Transactions committed", registers: [this.metrics] });
    this.mempoolGauge = new Gauge({ name: "trainchain_mempool_size", help: "Transactions in the mempool", registers: [this.metrics] });
  }

  static async open(options: NodeOptions): Promise<Node> {
    const paths = homePaths(options.home);
    if (!existsSync(paths.genesis)) throw new Error(`no genesis at ${paths.genesis}: run \`trainchain init <moniker> --home ${options.home}\` first`);
    const genesis = readGenesis(paths.genesis);
    const key = readValidatorKey(paths.privValidatorKey);
    const log = options.logger ?? pino({ level: "info" });
    const db = await ChainDb.open(paths.db);
    try {
      const maxBlockGas = BigInt(genesis.consensus_params.block.max_gas);
      const app = await TrainchainApp.open({
        db,
        logger: log,
        minGasPrices: parseGasPrices(options.minGasPrices),
        maxBlockGas: maxBlockGas > 0n ? maxBlockGas : 0n,
      });
      if (app.height > 0n && app.chain !== genesis.chain_id) {
        throw new Error(`the data directory holds chain ${app.chain}, but genesis is for ${genesis.chain_id}`);
      }
      const store = new BlockStore(db);
      await store.load();
      const mempool = new Mempool((tx, recheck, hash) => app.checkTxSync(tx, recheck, hash));
      const node = new Node(app, db, store, mempool, undefined, genesis, key, options, log);
      return node;
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  /** InitChain on a fresh database; then the engine and servers. */
  async start(): Promise<void> {
    this.sigPool = new SignaturePool();
    let driver: EngineApp & Pick<TrainchainApp, "initChain"> = this.app;
    if (this.options.abciLoopback) {
      this.loopback = await startAbciLoopback(this.app, { address: this.options.abciLoopback, db: this.db, validators: this.app.validatorSet(), logger: this.log });
      driver = this.loopback.app;
    }
    if (driver.height === 0n) {
      const res = await driver.initChain(initChainRequest(this.genesis));
      if (!res.validators.some((v) => v.pubKey?.ed25519 && Buffer.compare(Buffer.from(v.pubKey.ed25519), Buffer.from(this.key.pubKey)) === 0)) {
        throw new Error("this node's consensus key is not a genesis validator: run `trainchain genesis add-validator <key> <stake>` before start");
      }
    }
    const maxGas = BigInt(this.genesis.consensus_params.block.max_gas);
    this.engine = new BlockEngine(
      driver,
      this.store,
      this.mempool,
      this.key,
      {
        merkleRoot: (items) => this.sigPool!.merkleRoot(items),
        blockTimeMs: this.options.blockTimeMs,
        maxBlockBytes: Number(this.genesis.consensus_params.block.max_bytes),
        maxBlockGas: maxGas > 0n ? maxGas : 0n,
        chainId: this.chainId,
        consensusParamsHash: consensusParamsHash(this.genesis),
      },
      { onBlock: (block, results, txs) => this.onBlock(block, results, txs) },
      this.log.child({ module: "engine" }),
    );
    await this.engine.init();
    this.engine.start();
    // serve only once a block exists: CosmJS rejects a status with empty hashes
    while (this.store.latestHeight() === 0n) {
      if (this.engine.failed) throw new Error("the block engine failed to produce the first block");
      await new Promise((r) => setTimeout(r, 20));
    }
    const rpcAddr = parseListenAddress(this.options.rpcLaddr);
    const apiAddr = parseListenAddress(this.options.apiLaddr);
    this.rpc = buildRpcServer(this, { logger: this.log });
    this.api = buildApiServer(this, { logger: this.log, registry: this.metrics, ...(this.options.apiRoutes ? { extraRoutes: this.options.apiRoutes } : {}) });
    try {
      await this.rpc.listen({ host: rpcAddr.host, port: rpcAddr.port });
      await this.api.listen({ host: apiAddr.host, port: apiAddr.port });
    } catch (err) {
      await this.stop();
      throw new Error(`cannot listen: ${(err as Error).message}`);
    }
    this.log.info({ rpc: this.options.rpcLaddr, api: this.options.apiLaddr, height: Number(this.store.latestHeight()) }, "node started");
  }

  async stop(): Promise<void> {
    await this.engine?.stop();
    await this.loopback?.close();
    await this.rpc?.close();
    await this.api?.close();
    await this.sigPool?.close();
    await this.db.close();
  }

  private onBlock(block: BlockRecord, results: BlockResultsRecord, txs: TxRecord[]): void {
    this.heightGauge.set(Number(block.header.height));
    this.txCounter.inc(txs.length);
    this.mempoolGauge.set(this.mempool.size);
    if (this.listeners.size > 0) {
      const ev = newBlockEvent(block, results);
      for (const l of this.listeners) l(ev);
      for (const tx of txs) {
        const te = txEvent(tx);
        for (const l of this.listeners) l(te);
      }
    }
    if (this.waiters.size > 0) {
      for (const tx of txs) {
        const key = toHex(tx.hash);
        const ws = this.waiters.get(key);
        if (ws) {
          this.waiters.delete(key);
          for (const w of ws) w(tx);
        }
      }
    }
  }

  // ---- NodeView ----
  genesisDoc(): Record<string, unknown> {
    return this.genesis as unknown as Record<string, unknown>;
  }
  latestHeight(): bigint {
    return this.store.latestHeight();
  }
  earliestHeight(): bigint {
    return this.store.earliestHeight();
  }
  block(height: bigint): Promise<BlockRecord | undefined> {
    return this.store.block(height);
  }
  blockByHash(hash: Uint8Array): Promise<BlockRecord | undefined> {
    return this.store.blockByHash(hash);
  }
  blockResults(height: bigint): Promise<BlockResultsRecord | undefined> {
    return this.store.blockResults(height);
  }
  tx(hash: Uint8Array): Promise<TxRecord | undefined> {
    return this.store.tx(hash);
  }
  searchTxs(query: string, options: SearchOptions): Promise<{ txs: TxRecord[]; total: number }> {
    return this.store.searchTxs(query, options);
  }
  searchBlocks(query: string, options: SearchOptions): Promise<{ heights: bigint[]; total: number }> {
    return this.store.searchBlocks(query, options);
  }
  validators(_height: bigint): ValidatorInfo[] {
    return this.app.validatorSet().map((v) => ({
      address: validatorAddress(v.pubKey!.ed25519!),
      pubKey: v.pubKey!.ed25519!,
      votingPower: v.power,
      proposerPriority: 0n,
    }));
  }
  validatorSelf(): ValidatorInfo {
    const mine = this.validators(this.latestHeight()).find((v) => Buffer.compare(Buffer.from(v.pubKey), Buffer.from(this.key.pubKey)) === 0);
    return mine ?? { address: this.key.address, pubKey: this.key.pubKey, votingPower: 0n, proposerPriority: 0n };
  }
  abciInfo(): ResponseInfo {
    return {
      data: "trainchain",
      version: "0.1.0",
      appVersion: 1n,
      lastBlockHeight: this.app.height,
      lastBlockAppHash: this.app.appHash,
    };
  }
  abciQuery(path: string, data: Uint8Array, height: bigint, prove: boolean): ResponseQuery {
    return this.app.querySync({ path, data, height, prove });
  }
  async broadcastTx(tx: Uint8Array, hash: Uint8Array = txHash(tx)): Promise<ResponseCheckTx> {
    // Signatures are verified on the pool's threads while earlier txs are admitted; admission
    // itself stays in arrival order so one sender's sequence order is kept.
    const prepared = this.sigPool ? this.app.signatureChecks(tx, hash) : undefined;
    const verified = prepared && this.sigPool ? this.sigPool.verify(prepared.checks) : undefined;
    const previous = this.admission;
    let release!: () => void;
    this.admission = new Promise<void>((r) => (release = r));
    try {
      if (verified && prepared) this.app.markSignaturesVerified(prepared, await verified);
      await previous;
      // held while a block is produced (Mempool.lock); signatures verify meanwhile
      const gate = this.mempool.open();
      if (gate) await gate;
      const res = this.mempool.add(tx, hash);
      this.mempoolGauge.set(this.mempool.size);
      return res;
    } finally {
      release();
    }
  }
  waitForTx(hash: Uint8Array, timeoutMs: number): Promise<TxRecord | undefined> {
    const key = toHex(hash);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const list = this.waiters.get(key);
        if (list) {
          const i = list.indexOf(done);
          if (i >= 0) list.splice(i, 1);
          if (list.length === 0) this.waiters.delete(key);
        }
        resolve(undefined);
      }, timeoutMs);
      const done = (tx: TxRecord): void => {
        clearTimeout(timer);
        resolve(tx);
      };
      const list = this.waiters.get(key) ?? [];
      list.push(done);
      this.waiters.set(key, list);
    });
  }
  unconfirmedTxs(limit: number): { count: number; total: number; totalBytes: number; txs: Uint8Array[] } {
    const txs = this.mempool.list(limit);
    return { count: txs.length, total: this.mempool.size, totalBytes: this.mempool.totalBytes, txs };
  }
  subscribe(listener: (event: NodeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  seenCommit(height: bigint): Commit | undefined {
    return this.engine?.seenCommit(height);
  }
  consensusParamsJson(): Record<string, unknown> {
    return this.genesis.consensus_params as unknown as Record<string, unknown>;
  }
}
