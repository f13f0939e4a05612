// The ABCI 2.0 application: Info, InitChain, CheckTx, PrepareProposal, ProcessProposal,
// FinalizeBlock, Commit, Query. State transitions are synchronous over in-memory branches; the
// only I/O is the single atomic batch written at Commit.
import {
  ExecTxResult,
  RequestCheckTx,
  RequestFinalizeBlock,
  RequestInfo,
  RequestInitChain,
  RequestPrepareProposal,
  RequestProcessProposal,
  RequestQuery,
  ResponseCheckTx,
  ResponseCommit,
  ResponseFinalizeBlock,
  ResponseInfo,
  ResponseInitChain,
  ResponsePrepareProposal,
  ResponseProcessProposal,
  ResponseProcessProposal_ProposalStatus,
  ResponseQuery,
  CheckTxType,
  type Event,
  type ValidatorUpdate,
} from "cosmjs-types/tendermint/abci/types";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import type { Logger } from "pino";
import { compact } from "./framework/proto-fast.ts";
import { runAnte, signDocBytes, type AnteDeps, type AnteOptions } from "./ante.ts";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { fromBech32 } from "./framework/address.ts";
import { decodeTx, txHash, type DecodedTx } from "./tx.ts";
import { decodeTxRaw } from "./tx-wire.ts";
import type { SigCheck } from "./node/sigpool.ts";
import { Context, type BlockInfo, type ExecMode } from "./framework/context.ts";
import { AppError, errorResult, SdkErrors } from "./framework/errors.ts";
import { DiscardingEventManager, EventManager } from "./framework/events.ts";
import { GasMeter, infiniteGasMeter } from "./framework/gas.ts";
import type { AppModule, MsgHandler, QueryHandler } from "./framework/module.ts";
import { bytesEqual, keyToString, readUint64BE, stringToKey, toHex, uint64BE } from "./store/bytes.ts";
import { CacheStore, MemoryStore } from "./store/kv.ts";
import { MerkleTrie } from "./store/merkle.ts";
import { ChainDb, DbPrefix, dbKey, type BatchOp } from "./store/db.ts";
import { AccountKeeper, authModule, FEE_COLLECTOR, SECP256K1_PUBKEY_URL } from "../modules/auth/index.ts";
import { BankKeeper, bankModule } from "../modules/bank/index.ts";
import { BONDED_POOL, NOT_BONDED_POOL, StakingKeeper, stakingModule, votingPower } from "../modules/staking/index.ts";
import { DataRegistryKeeper, dataRegistryModule } from "../modules/data-registry/index.ts";
import { MINING_POOL, RewardKeeper, rewardModule, TASK_ESCROW, WORKER_BONDS } from "../modules/reward/index.ts";
import { TrainingTaskKeeper, trainingTaskModule } from "../modules/training-task/index.ts";

export const APP_NAME = "trainchain";
export const APP_VERSION = "0.1.0";
const META_KEY = dbKey(DbPrefix.meta, new TextEncoder().encode("app"));
const EMPTY = new Uint8Array();

/** The ABCI 2.0 surface both drivers (embedded engine, socket server) call. */
export interface AbciApplication {
  info(req: RequestInfo): Promise<ResponseInfo>;
  initChain(req: RequestInitChain): Promise<ResponseInitChain>;
  checkTx(req: RequestCheckTx): Promise<ResponseCheckTx>;
  prepareProposal(req: RequestPrepareProposal): Promise<ResponsePrepareProposal>;
  processProposal(req: RequestProcessProposal): Promise<ResponseProcessProposal>;
  finalizeBlock(req: RequestFinalizeBlock): Promise<ResponseFinalizeBlock>;
  /** Persists the finalized block's state together with `extraOps` (block store, indexes) in one batch. */
  commit(extraOps?: BatchOp[]): Promise<ResponseCommit>;
  query(req: RequestQuery): Promise<ResponseQuery>;
}

export interface AppOptions {
  db: ChainDb;
  logger: Logger;
  /** Node-local minimum gas prices, ppm of a denom unit per gas (0.025utrain → 25000). */
  minGasPrices?: { denom: string; ppm: bigint }[];
  maxTxBytes?: number;
  /** Block gas limit; a tx may not ask for more gas. Absent or 0: no limit (genesis max_gas -1). */
  maxBlockGas?: bigint;
}

interface PendingBlock {
  height: bigint;
  store: CacheStore;
  trie: MerkleTrie;
  appHash: Uint8Array;
}

/** A tx's signature checks for the signature pool (TrainchainApp.signatureChecks). */
export interface PreparedSignatures {
  checks: SigCheck[];
  /** The decoded tx CheckTx will find in the app's cache (the verdicts are kept on it). */
  tx: DecodedTx;
  /** Each check's signer account number. */
  accounts: bigint[];
}

export class TrainchainApp implements AbciApplication {
  readonly accounts = new AccountKeeper();
  readonly bank = new BankKeeper(this.accounts);
  readonly staking = new StakingKeeper(this.bank);
  readonly dataRegistry = new DataRegistryKeeper();
  readonly reward = new RewardKeeper(this.bank, this.staking);
  readonly trainingTask = new TrainingTaskKeeper(this.reward, this.staking, this.dataRegistry);
  readonly modules: AppModule[];
  readonly msgRouter = new Map<string, MsgHandler<unknown>>();
  readonly queryRouter = new Map<string, QueryHandler>();

  private committed = new MemoryStore();
  private trie = MerkleTrie.empty();
  private lastHeight = 0n;
  private lastAppHash: Uint8Array = new Uint8Array();
  private chainId = "";
  private lastBlockTime = { seconds: 0n, nanos: 0 };
  private genesisStore: CacheStore | undefined;
  private checkStore: CacheStore;
  private pending: PendingBlock | undefined;
  /** Txs decoded by CheckTx, by hash, so FinalizeBlock does not decode them again. */
  private readonly decoded = new Map<string, DecodedTx>();
  /** Hashes of the tx byte arrays CheckTx saw (by identity), so FinalizeBlock does not hash them again. */
  private readonly hashes = new WeakMap<Uint8Array, Uint8Array>();
  private readonly anteOptions: AnteOptions;
  private readonly log: Logger;

  private constructor(private readonly options: AppOptions) {
    this.log = options.logger.child({ module: "app" });
    this.accounts.modulePermissions.set(FEE_COLLECTOR, []);
    this.accounts.modulePermissions.set(BONDED_POOL, ["burner", "staking"]);
    this.accounts.modulePermissions.set(NOT_BONDED_POOL, ["burner", "staking"]);
    this.accounts.modulePermissions.set(TASK_ESCROW, []);
    this.accounts.modulePermissions.set(WORKER_BONDS, ["burner"]);
    this.accounts.modulePermissions.set(MINING_POOL, ["minter"]);
    this.modules = [
      authModule(this.accounts),
      bankModule(this.bank),
      stakingModule(this.staking, this.bank),
      dataRegistryModule(this.dataRegistry),
      rewardModule(this.reward, this.bank),
      trainingTaskModule(this.trainingTask),
    ];
    const prefixes = new Set<number>();
    for (const m of this.modules) {
      if (prefixes.has(m.storePrefix)) throw new Error(`store prefix 0x${m.storePrefix.toString(16)} used twice`);
      prefixes.add(m.storePrefix);
      for (const h of m.msgs) this.msgRouter.set(h.typeUrl, h);
      for (const q of m.queries) this.queryRouter.set(q.path, q);
    }
    this.anteOptions = {
      minGasPrices: options.minGasPrices ?? [],
      maxTxBytes: options.maxTxBytes ?? 1024 * 1024,
      maxBlockGas: options.maxBlockGas ?? 0n,
    };
    this.checkStore = new CacheStore(this.committed);
  }

  /** Opens the app over a database: loads the committed state and checks it against the stored app hash. */
  /** Every module's default genesis, keyed by module name (for `trainchain init`). */
  static defaultAppState(logger: Logger): Record<string, unknown> {
    // The constructor touches no I/O; the database is used only from Commit on.
    const app = new TrainchainApp({ db: undefined as unknown as ChainDb, logger });
    const state: Record<string, unknown> = {};
    for (const m of app.modules) state[m.name] = m.defaultGenesis();
    return state;
  }

  static async open(options: AppOptions): Promise<TrainchainApp> {
    const app = new TrainchainApp(options);
    const meta = await options.db.get(META_KEY);
    if (meta) {
      const entries = await options.db.loadState();
      app.committed.map.loadSorted(entries);
      app.trie = MerkleTrie.empty().update(entries.map(([k, v]) => [stringToKey(k), v]));
      app.lastHeight = readUint64BE(meta, 0);
      app.lastAppHash = meta.slice(8, 40);
      app.lastBlockTime = { seconds: readUint64BE(meta, 40), nanos: new DataView(meta.buffer, meta.byteOffset).getUint32(48) };
      app.chainId = new TextDecoder().decode(meta.subarray(52));
      const root = app.trie.rootHash();
      if (!bytesEqual(root, app.lastAppHash)) {
        throw new Error(`state at height ${app.lastHeight} is corrupt: app hash ${toHex(root)} != committed ${toHex(app.lastAppHash)}`);
      }
      app.checkStore = new CacheStore(app.committed);
    }
    return app;
  }

  get height(): bigint {
    return this.lastHeight;
  }

  get appHash(): Uint8Array {
    return this.lastAppHash;
  }

  get chain(): string {
    return this.chainId;
  }

  async info(_req: RequestInfo): Promise<ResponseInfo> {
    return ResponseInfo.fromPartial({
      data: APP_NAME,
      version: APP_VERSION,
      appVersion: 1n,
      lastBlockHeight: this.lastHeight,
      lastBlockAppHash: this.lastHeight > 0n ? this.lastAppHash : new Uint8Array(),
    });
  }

  async initChain(req: RequestInitChain): Promise<ResponseInitChain> {
    if (this.lastHeight > 0n) throw new Error(`InitChain called on a chain already at height ${this.lastHeight}`);
    this.chainId = req.chainId;
    const store = new CacheStore(this.committed);
    const block: BlockInfo = { height: 0n, time: toTime(req.time), chainId: req.chainId, hash: new Uint8Array(32), proposer: new Uint8Array() };
    const ctx = new Context(store, block, "genesis");
    const appState = parseAppState(req.appStateBytes);
    for (const m of this.modules) m.initGenesis(ctx, appState[m.name] ?? m.defaultGenesis());
    // every module account exists from genesis (sorted: account numbers must not depend on map order)
    for (const name of [...this.accounts.modulePermissions.keys()].sort()) this.accounts.getModuleAccount(ctx, name);
    this.genesisStore = store;
    this.checkStore = new CacheStore(store);
    const trie = this.trie.update(changesOf(store));
    return ResponseInitChain.fromPartial({ validators: this.validatorSet(ctx), appHash: trie.rootHash() });
  }

  /** The bonded validator set as ABCI validator updates. */
  validatorSet(ctx?: Context): ValidatorUpdate[] {
    const c = ctx ?? this.queryContext();
    return this.staking
      .validators(c)
      .filter((v) => votingPower(v) > 0n)
      .map((v) => ({ pubKey: { ed25519: v.consensusPubKey, secp256k1: undefined }, power: votingPower(v) }));
  }

  async checkTx(req: RequestCheckTx): Promise<ResponseCheckTx> {
    return this.checkTxSync(req.tx, req.type === CheckTxType.RECHECK);
  }

  /** Decodes a tx once: later CheckTx/FinalizeBlock calls for the same bytes reuse it. */
  private decodeCached(bytes: Uint8Array, hash: Uint8Array): DecodedTx {
    const key = keyToString(hash);
    const cached = this.decoded.get(key);
    if (cached) return cached;
    const decoded = decodeTx(bytes, this.msgRouter, hash);
    this.hashes.set(bytes, hash);
    if (this.decoded.size > 50_000) this.decoded.clear();
    this.decoded.set(key, decoded);
    return decoded;
  }

  /**
   * The signature checks CheckTx will need for these tx bytes against the current check state,
   * for verification off the main thread, with the decoded tx and each signer's account number;
   * undefined when the tx cannot be prepared (CheckTx will report why).
   */
  signatureChecks(bytes: Uint8Array, hash: Uint8Array): PreparedSignatures | undefined {
    let tx: DecodedTx;
    try {
      tx = this.decodeCached(bytes, hash);
    } catch {
      return undefined;
    }
    const ctx = new Context(this.checkStore, this.blockInfoForCheck(), "check");
    const checks: SigCheck[] = [];
    const accounts: bigint[] = [];
    for (let i = 0; i < tx.signers.length; i++) {
      const signature = tx.raw.signatures[i];
      const info = tx.authInfo.signerInfos[i];
      if (!signature || !info) return undefined;
      let account;
      try {
        account = this.accounts.getAccount(ctx, fromBech32(tx.signers[i]!));
      } catch {
        return undefined;
      }
      if (!account) return undefined;
      let pubKey = account.pubKey;
      const announced = info.publicKey;
      if (!pubKey && announced?.typeUrl === SECP256K1_PUBKEY_URL) {
        try {
          pubKey = PubKey.decode(announced.value).key;
        } catch {
          return undefined;
        }
      }
      if (!pubKey || pubKey.length !== 33) return undefined;
      checks.push({ signDoc: signDocBytes(tx, this.chainId, account.accountNumber), signature, pubKey });
      accounts.push(account.accountNumber);
    }
    return { checks, tx, accounts };
  }

  /**
   * Records on the decoded tx the signatures the pool verified (`prepared` from signatureChecks);
   * CheckTx then skips them when the account number and public key are still the ones checked.
   */
  markSignaturesVerified(prepared: PreparedSignatures, results: ArrayLike<number>): void {
    const memo: DecodedTx["poolVerified"] = [];
    for (let i = 0; i < prepared.checks.length; i++) {
      memo.push(results[i] ? { accountNumber: prepared.accounts[i]!, pubKey: prepared.checks[i]!.pubKey } : undefined);
    }
    prepared.tx.poolVerified = memo;
  }

  checkTxSync(bytes: Uint8Array, recheck = false, hash: Uint8Array = txHash(bytes)): ResponseCheckTx {
    let decoded: DecodedTx;
    try {
      decoded = this.decodeCached(bytes, hash);
    } catch (err) {
      return checkTxError(err, 0n, 0n);
    }
    const gasLimit = decoded.authInfo.fee?.gasLimit ?? 0n;
    const meter = new GasMeter(gasLimit);
    const branch = new CacheStore(this.checkStore);
    // CheckTx answers without events, so none are built
    const ctx = new Context(branch, this.blockInfoForCheck(), recheck ? "recheck" : "check", meter, new DiscardingEventManager());
    try {
      runAnte(ctx, decoded, this.anteDeps, this.anteOptions);
    } catch (err) {
      return checkTxError(err, gasLimit, meter.consumed());
    }
    branch.write();
    decoded.checked = true;
    return { code: 0, data: EMPTY, log: "", info: "", gasWanted: gasLimit, gasUsed: meter.consumed(), events: [], codespace: "" };
  }

  async prepareProposal(req: RequestPrepareProposal): Promise<ResponsePrepareProposal> {
    const txs: Uint8Array[] = [];
    let bytes = 0n;
    for (const tx of req.txs) {
      if (bytes + BigInt(tx.length) > req.maxTxBytes) break;
      bytes += BigInt(tx.length);
      txs.push(tx);
    }
    return { txs };
  }

  async processProposal(req: RequestProcessProposal): Promise<ResponseProcessProposal> {
    // Deterministic structural check only: every tx must decode (failing txs are still valid in a block).
    for (const tx of req.txs) {
      try {
        decodeTxRaw(tx);
      } catch {
        return { status: ResponseProcessProposal_ProposalStatus.REJECT };
      }
    }
    return { status: ResponseProcessProposal_ProposalStatus.ACCEPT };
  }

  async finalizeBlock(req: RequestFinalizeBlock): Promise<ResponseFinalizeBlock> {
    return this.finalizeBlockSync(req);
  }

  finalizeBlockSync(req: RequestFinalizeBlock): ResponseFinalizeBlock {
    if (req.height !== this.lastHeight + 1n) {
      throw new Error(`FinalizeBlock for height ${req.height}, but the last committed height is ${this.lastHeight}`);
    }
    const base = this.genesisStore ?? this.committed;
    const store = new CacheStore(base);
    const block: BlockInfo = { height: req.height, time: toTime(req.time), chainId: this.chainId, hash: req.hash, proposer: req.proposerAddress };
    const blockEvents: Event[] = [];

    const beginCtx = new Context(store, block, "deliver");
    for (const m of this.modules) m.beginBlock?.(beginCtx);
    blockEvents.push(...withMode(beginCtx.events.events, "BeginBlock"));

    const txResults: ExecTxResult[] = [];
    for (const tx of req.txs) txResults.push(this.deliverTx(store, block, tx));

    const endCtx = new Context(store, block, "deliver");
    const validatorUpdates: ValidatorUpdate[] = [];
    for (const m of this.modules) {
      const updates = m.endBlock?.(endCtx);
      if (updates) validatorUpdates.push(...updates);
    }
    blockEvents.push(...withMode(endCtx.events.events, "EndBlock"));

    const trie = this.trie.update(changesOf(store, this.genesisStore));
    const appHash = trie.rootHash();
    this.pending = { height: req.height, store, trie, appHash };
    this.lastBlockTime = block.time;
    return { events: blockEvents, txResults, validatorUpdates, consensusParamUpdates: undefined, appHash };
  }

  private deliverTx(blockStore: CacheStore, block: BlockInfo, bytes: Uint8Array): ExecTxResult {
    // the block's txs are the very byte arrays CheckTx admitted, whose hashes it kept
    const hash = this.hashes.get(bytes) ?? txHash(bytes);
    const key = keyToString(hash);
    let decoded = this.decoded.get(key);
    if (decoded) this.decoded.delete(key);
    else {
      try {
        decoded = decodeTx(bytes, this.msgRouter, hash);
      } catch (err) {
        return execError(err, 0n, 0n, []);
      }
    }
    return this.runTx(blockStore, block, decoded, "deliver");
  }

  /** runTx: ante on a branch (kept even if the msgs fail), then msgs on a branch written only on success. */
  private runTx(parent: CacheStore, block: BlockInfo, tx: DecodedTx, mode: ExecMode): ExecTxResult {
    const gasLimit = mode === "simulate" ? infiniteGasMeter().limit : (tx.authInfo.fee?.gasLimit ?? 0n);
    const meter = new GasMeter(gasLimit);
    const wanted = tx.authInfo.fee?.gasLimit ?? 0n;
    const anteStore = new CacheStore(parent);
    const anteCtx = new Context(anteStore, block, mode, meter);
    try {
      runAnte(anteCtx, tx, this.anteDeps, this.anteOptions);
    } catch (err) {
      return execError(err, wanted, meter.consumed(), []);
    }
    anteStore.write();
    const anteEvents = anteCtx.events.events;
    const msgStore = new CacheStore(parent);
    const msgEvents = new EventManager();
    const responses: { typeUrl: string; value: Uint8Array }[] = [];
    try {
      for (let i = 0; i < tx.msgs.length; i++) {
        const m = tx.msgs[i]!;
        const ctx = new Context(msgStore, block, mode, meter, new EventManager());
        const response = m.handler.handle(ctx, m.msg);
        responses.push(response);
        const signer = m.handler.signers(m.msg)[0] ?? "";
        msgEvents.emit("message", [
          ["action", m.typeUrl],
          ["sender", signer],
          ["module", moduleOf(m.typeUrl)],
          ["msg_index", String(i)],
        ]);
        for (const e of ctx.events.events) {
          msgEvents.events.push({ type: e.type, attributes: [...e.attributes, { key: "msg_index", value: String(i), index: true }] });
        }
      }
    } catch (err) {
      return execError(err, wanted, meter.consumed(), anteEvents);
    }
    msgStore.write();
    return {
      code: 0,
      data: TxMsgData.encode({ data: [], msgResponses: responses }).finish(),
      log: "",
      info: "",
      gasWanted: wanted,
      gasUsed: meter.consumed(),
      events: anteEvents.concat(msgEvents.events),
      codespace: "",
    };
  }

  /**
   * After FinalizeBlock, while Commit writes the block (embedded engine): CheckTx runs against the
   * block's resulting state, so the mempool can be rechecked and reopened during the write instead
   * of after it. Queries keep reading the last committed state until the write is done; Commit then
   * keeps what CheckTx did meanwhile, over the new committed state.
   */
  checkOnPending(): void {
    if (!this.pending) throw new Error("checkOnPending without a finalized block");
    this.checkStore = new CacheStore(this.pending.store);
    this.checkOnHeight = this.pending.height;
  }
  /** The finalized height CheckTx runs on (see checkOnPending), until its Commit is done. */
  private checkOnHeight: bigint | undefined;

  async commit(extraOps: BatchOp[] = []): Promise<ResponseCommit> {
    const pending = this.pending;
    if (!pending) throw new Error("Commit without a finalized block");
    const ops: BatchOp[] = [];
    const changes = new Map<string, Uint8Array | null>();
    if (this.genesisStore) for (const [k, v] of this.genesisStore.writes) changes.set(k, v);
    for (const [k, v] of pending.store.writes) changes.set(k, v);
    for (const [k, v] of changes) {
      const key = dbKey(DbPrefix.state, stringToKey(k));
      ops.push(v === null ? { type: "del", key } : { type: "put", key, value: v });
    }
    ops.push({ type: "put", key: META_KEY, value: encodeMeta(pending.height, pending.appHash, this.lastBlockTime, this.chainId) });
    for (const op of extraOps) ops.push(op);
    await this.options.db.commit(ops);
    for (const [k, v] of changes) {
      if (v === null) this.committed.map.deleteS(k);
      else this.committed.map.setS(k, compact(v));
    }
    this.trie = pending.trie;
    this.lastHeight = pending.height;
    this.lastAppHash = pending.appHash;
    this.pending = undefined;
    this.genesisStore = undefined;
    if (this.checkOnHeight === pending.height) {
      // the committed state now reads as the block's state did: CheckTx's writes stay on top
      this.checkStore.rebase(this.committed);
    } else {
      this.checkStore = new CacheStore(this.committed);
    }
    this.checkOnHeight = undefined;
    return { retainHeight: 0n };
  }

  async query(req: RequestQuery): Promise<ResponseQuery> {
    return this.querySync(req);
  }

  querySync(req: RequestQuery): ResponseQuery {
    const height = this.lastHeight;
    if (req.height !== 0n && req.height !== height) {
      return ResponseQuery.fromPartial({
        code: SdkErrors.InvalidRequest.code,
        codespace: "sdk",
        log: `historical queries are not supported: requested height ${req.height}, latest is ${height}`,
        height,
      });
    }
    try {
      if (req.path === "/cosmos.tx.v1beta1.Service/Simulate" || req.path === "app/simulate") {
        return ResponseQuery.fromPartial({ code: 0, value: this.simulate(req.data), height });
      }
      const handler = this.queryRouter.get(req.path);
      if (!handler) throw SdkErrors.UnknownRequest.wrap(`unknown query path ${req.path}`);
      const value = handler.handle(this.queryContext(), req.data);
      return ResponseQuery.fromPartial({ code: 0, value, height });
    } catch (err) {
      const r = errorResult(err);
      return ResponseQuery.fromPartial({ code: r.code, codespace: r.codespace, log: r.log, height });
    }
  }

  private simulate(request: Uint8Array): Uint8Array {
    const req = SimulateRequest.decode(request);
    // tx_bytes is what CosmJS sends; the deprecated decoded `tx` field is not accepted.
    const bytes = req.txBytes;
    if (bytes.length === 0) throw SdkErrors.InvalidRequest.wrap("simulate needs tx_bytes");
    const decoded = decodeTx(bytes, this.msgRouter);
    const block = this.blockInfoForCheck();
    const result = this.runTx(new CacheStore(this.committed), block, decoded, "simulate");
    if (result.code !== 0) throw new AppError(result.codespace, result.code, result.log);
    const msgData = TxMsgData.decode(result.data);
    return SimulateResponse.encode({
      gasInfo: { gasWanted: result.gasWanted, gasUsed: result.gasUsed },
      result: { data: result.data, log: "", events: result.events, msgResponses: msgData.msgResponses },
    }).finish();
  }

  queryContext(): Context {
    return new Context(this.genesisStore ?? this.committed, this.blockInfoForCheck(), "query");
  }

  /** The block CheckTx and queries run in: the next height, at the last block's time. One per height. */
  private blockInfoForCheck(): BlockInfo {
    const height = (this.checkOnHeight ?? this.lastHeight) + 1n;
    if (this.checkBlock?.height !== height || this.checkBlock.time !== this.lastBlockTime || this.checkBlock.chainId !== this.chainId) {
      this.checkBlock = { height, time: this.lastBlockTime, chainId: this.chainId, hash: new Uint8Array(32), proposer: new Uint8Array() };
    }
    return this.checkBlock;
  }
  private checkBlock: BlockInfo | undefined;

  private readonly anteDeps: AnteDeps = {
    accounts: this.accounts,
    bank: this.bank,
    isVerified: (tx) => tx.checked === true,
  };

  /** Runs every module invariant against the committed state; returns the broken ones. */
  checkInvariants(): string[] {
    const ctx = this.queryContext();
    const broken: string[] = [];
    for (const m of this.modules) for (const inv of m.invariants ?? []) {
      const r = inv.check(ctx);
      if (r) broken.push(`${m.name}/${inv.name}: ${r}`);
    }
    return broken;
  }

  exportGenesis(): Record<string, unknown> {
    const ctx = this.queryContext();
    const out: Record<string, unknown> = {};
    for (const m of this.modules) out[m.name] = m.exportGenesis(ctx);
    return out;
  }
}

function moduleOf(typeUrl: string): string {
  // "/cosmos.bank.v1beta1.MsgSend" → "bank"; "/trainchain.training_task.v1.MsgX" → "training_task"
  const parts = typeUrl.replace(/^\//, "").split(".");
  return parts.length >= 3 ? parts[1]! : parts[0]!;
}

function withMode(events: Event[], mode: string): Event[] {
  return events.map((e) => ({ type: e.type, attributes: [...e.attributes, { key: "mode", value: mode, index: true }] }));
}

function changesOf(store: CacheStore, under?: CacheStore): [Uint8Array, Uint8Array | undefined][] {
  const merged = new Map<string, Uint8Array | null>();
  if (under) for (const [k, v] of under.writes) merged.set(k, v);
  for (const [k, v] of store.writes) merged.set(k, v);
  // sorted so the trie update order (and so every intermediate) is deterministic
  return [...merged.keys()].sort().map((k) => {
    const v = merged.get(k)!;
    return [stringToKey(k), v === null ? undefined : v];
  });
}

function toTime(t: { seconds: bigint; nanos: number } | undefined): { seconds: bigint; nanos: number } {
  return t ? { seconds: t.seconds, nanos: t.nanos } : { seconds: 0n, nanos: 0 };
}

function parseAppState(bytes: Uint8Array): Record<string, unknown> {
  if (bytes.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof parsed !== "object" || parsed === null) throw new Error("app_state is not an object");
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new Error(`invalid genesis app_state: ${(err as Error).message}`);
  }
}

function encodeMeta(height: bigint, appHash: Uint8Array, time: { seconds: bigint; nanos: number }, chainId: string): Uint8Array {
  const chain = new TextEncoder().encode(chainId);
  const out = new Uint8Array(52 + chain.length);
  out.set(uint64BE(height), 0);
  out.set(appHash, 8);
  out.set(uint64BE(time.seconds), 40);
  new DataView(out.buffer).setUint32(48, time.nanos);
  out.set(chain, 52);
  return out;
}

// Responses are built as plain objects: fromPartial would deep-copy every event once more.
function checkTxError(err: unknown, gasWanted: bigint, gasUsed: bigint): ResponseCheckTx {
  const r = errorResult(err);
  return { code: r.code, data: EMPTY, log: r.log, info: "", gasWanted, gasUsed, events: [], codespace: r.codespace };
}

function execError(err: unknown, gasWanted: bigint, gasUsed: bigint, events: Event[]): ExecTxResult {
  const r = errorResult(err);
  return { code: r.code, data: EMPTY, log: r.log, info: "", gasWanted, gasUsed, events, codespace: r.codespace };
}

