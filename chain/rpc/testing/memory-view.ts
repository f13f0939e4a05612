// An in-memory NodeView for testing the RPC/API JSON layer without a store or an app: blocks are
// produced on demand from the mempool, bank/auth/simulate queries answer from a small account map.
// It is a fixture for the servers' encoding and protocol handling, not a model of the chain.
import { createHash } from "node:crypto";
import { toBech32 } from "@cosmjs/encoding";
import { Any } from "cosmjs-types/google/protobuf/any";
import type { Coin } from "cosmjs-types/cosmos/base/v1beta1/coin";
import {
  QueryAllBalancesRequest,
  QueryAllBalancesResponse,
  QueryBalanceRequest,
  QueryBalanceResponse,
  QueryTotalSupplyResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/query";
import { MsgSend, MsgSendResponse } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { PubKey as Secp256k1PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { Header, type BlockID, type Commit } from "cosmjs-types/tendermint/types/types";
import { BlockIDFlag } from "cosmjs-types/tendermint/types/validator";
import type { Event, ExecTxResult, ResponseCheckTx, ResponseInfo, ResponseQuery } from "cosmjs-types/tendermint/abci/types";
import { matchesQuery, parseQuery } from "../../node/query.js";
import type {
  BlockRecord,
  BlockResultsRecord,
  NodeEvent,
  NodeView,
  SearchOptions,
  TxRecord,
  ValidatorInfo,
} from "../../node/types.js";

export const FIXTURE_CHAIN_ID = "trainchain-test-1";
/** Block 1's time; block h is h-1 seconds later. */
export const FIXTURE_GENESIS_SECONDS = 1_795_315_200n; // 2026-11-22T02:40:00Z
export const FIXTURE_NANOS = 123_456_789;

export function sha256(bytes: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(bytes).digest());
}

export function hexUpper(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex").toUpperCase();
}

/** A deterministic bech32 account address ("train1…") from a seed string. */
export function fixtureAddress(seed: string): string {
  return toBech32("train", sha256(seed).slice(0, 20));
}

/** A SIGN_MODE_DIRECT TxRaw with one MsgSend (signature bytes are filler; the fixture never verifies). */
export function makeSendTx(from: string, to: string, amount: string, sequence: bigint, memo = ""): Uint8Array {
  const msg = MsgSend.fromPartial({ fromAddress: from, toAddress: to, amount: [{ denom: "utrain", amount }] });
  const bodyBytes = TxBody.encode(
    TxBody.fromPartial({ messages: [{ typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: MsgSend.encode(msg).finish() }], memo }),
  ).finish();
  const authInfoBytes = AuthInfo.encode(
    AuthInfo.fromPartial({
      signerInfos: [
        {
          publicKey: { typeUrl: "/cosmos.crypto.secp256k1.PubKey", value: Secp256k1PubKey.encode({ key: new Uint8Array(33).fill(2) }).finish() },
          modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } },
          sequence,
        },
      ],
      fee: { amount: [{ denom: "utrain", amount: "200" }], gasLimit: 200_000n, payer: "", granter: "" },
    }),
  ).finish();
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [new Uint8Array(64).fill(7)] }).finish();
}

interface FixtureAccount {
  accountNumber: bigint;
  sequence: bigint;
  balances: Coin[];
}

interface IndexedTx {
  record: TxRecord;
  events: Map<string, string[]>;
}

function emptyBlockId(): BlockID {
  return { hash: new Uint8Array(), partSetHeader: { total: 0, hash: new Uint8Array() } };
}

function flatten(events: Event[], into: Map<string, string[]>): void {
  for (const event of events) {
    for (const attribute of event.attributes) {
      if (!attribute.index) continue;
      const key = `${event.type}.${attribute.key}`;
      const values = into.get(key) ?? [];
      values.push(attribute.value);
      into.set(key, values);
    }
  }
}

function sendOf(tx: Uint8Array): MsgSend | undefined {
  try {
    const body = TxBody.decode(TxRaw.decode(tx).bodyBytes);
    const first = body.messages[0];
    return first?.typeUrl === "/cosmos.bank.v1beta1.MsgSend" ? MsgSend.decode(first.value) : undefined;
  } catch {
    return undefined;
  }
}

function memoOf(tx: Uint8Array): string {
  try {
    return TxBody.decode(TxRaw.decode(tx).bodyBytes).memo;
  } catch {
    return "";
  }
}

export class MemoryNodeView implements NodeView {
  readonly chainId = FIXTURE_CHAIN_ID;
  readonly moniker = "fixture-node";
  readonly nodeId = "3f9a1d2c4b5e6f708192a3b4c5d6e7f801234567";
  readonly rpcAddress = "tcp://127.0.0.1:26657";
  readonly listenAddress = "tcp://0.0.0.0:26656";

  readonly validator: ValidatorInfo;
  readonly accounts = new Map<string, FixtureAccount>();
  private readonly blocks: BlockRecord[] = [];
  private readonly results: BlockResultsRecord[] = [];
  private readonly blockEvents: Map<string, string[]>[] = [];
  private readonly txs: IndexedTx[] = [];
  private readonly txByHash = new Map<string, IndexedTx>();
  private readonly seen = new Map<bigint, Commit>();
  private mempool: Uint8Array[] = [];
  private readonly listeners = new Set<(event: NodeEvent) => void>();
  private readonly waiters = new Map<string, ((tx: TxRecord) => void)[]>();

  constructor() {
    const pubKey = sha256("fixture validator key");
    this.validator = { address: sha256(pubKey).slice(0, 20), pubKey, votingPower: 10n, proposerPriority: 0n };
  }

  fund(address: string, amount: string): void {
    const existing = this.accounts.get(address);
    if (existing) {
      existing.balances = [{ denom: "utrain", amount }];
      return;
    }
    this.accounts.set(address, { accountNumber: BigInt(this.accounts.size), sequence: 0n, balances: [{ denom: "utrain", amount }] });
  }

  /** Commits the mempool as the next block and publishes NewBlock and Tx events. */
  produceBlock(): BlockRecord {
    const height = BigInt(this.blocks.length + 1);
    const txs = this.mempool;
    this.mempool = [];
    const previous = this.blocks[this.blocks.length - 1];
    const time = { seconds: FIXTURE_GENESIS_SECONDS + height - 1n, nanos: height === 2n ? 0 : FIXTURE_NANOS };
    const header = Header.fromPartial({
      version: { block: 11n, app: 0n },
      chainId: this.chainId,
      height,
      time,
      lastBlockId: previous ? previous.blockId : emptyBlockId(),
      lastCommitHash: previous ? sha256(`commit ${height - 1n}`) : new Uint8Array(),
      dataHash: txs.length > 0 ? sha256(Buffer.concat(txs)) : new Uint8Array(),
      validatorsHash: sha256("validators"),
      nextValidatorsHash: sha256("validators"),
      consensusHash: sha256("consensus params"),
      appHash: sha256(`app ${height - 1n}`),
      lastResultsHash: previous ? sha256(`results ${height - 1n}`) : new Uint8Array(),
      evidenceHash: new Uint8Array(),
      proposerAddress: this.validator.address,
    });
    const hash = sha256(Header.encode(header).finish());
    const blockId: BlockID = { hash, partSetHeader: { total: 1, hash: sha256(hash) } };
    const lastCommit: Commit = previous ? this.commitFor(previous) : { height: 0n, round: 0, blockId: emptyBlockId(), signatures: [] };
    const record: BlockRecord = { blockId, header, txs, lastCommit, size: 600 + txs.reduce((n, tx) => n + tx.length, 0) };

    const txResults = txs.map((tx) => this.execute(tx));
    const results: BlockResultsRecord = {
      height,
      txResults,
      finalizeBlockEvents: [
        { type: "coinbase", attributes: [{ key: "minter", value: "train1minter", index: true }, { key: "amount", value: "0utrain", index: true }] },
      ],
      validatorUpdates: height === 1n ? [{ pubKey: { ed25519: this.validator.pubKey }, power: 10n }] : [],
      appHash: sha256(`app ${height}`),
    };
    this.blocks.push(record);
    this.results.push(results);
    this.seen.set(height, this.commitFor(record));

    const blockEvents = new Map<string, string[]>([["tm.event", ["NewBlock"]], ["block.height", [height.toString()]]]);
    flatten(results.finalizeBlockEvents, blockEvents);
    this.blockEvents.push(blockEvents);
    const indexed = txs.map((tx, index) => this.index(tx, index, height, txResults[index]!));
    this.publish({ kind: "NewBlock", block: record, results, events: blockEvents });
    for (const item of indexed) {
      this.publish({ kind: "Tx", tx: item.record, events: item.events });
      const key = hexUpper(item.record.hash);
      for (const resolve of this.waiters.get(key) ?? []) resolve(item.record);
      this.waiters.delete(key);
    }
    return record;
  }

  private commitFor(record: BlockRecord): Commit {
    return {
      height: record.header.height,
      round: 0,
      blockId: record.blockId,
      signatures: [
        {
          blockIdFlag: BlockIDFlag.BLOCK_ID_FLAG_COMMIT,
          validatorAddress: this.validator.address,
          timestamp: { seconds: record.header.time.seconds, nanos: 987_654_321 },
          signature: new Uint8Array(64).fill(9),
        },
      ],
    };
  }

  private execute(tx: Uint8Array): ExecTxResult {
    const send = sendOf(tx);
    const events: Event[] = [
      { type: "tx", attributes: [{ key: "fee", value: "200utrain", index: true }] },
      {
        type: "message",
        attributes: [
          { key: "action", value: "/cosmos.bank.v1beta1.MsgSend", index: true },
          { key: "sender", value: send?.fromAddress ?? "unknown", index: true },
          { key: "module", value: "bank", index: true },
        ],
      },
    ];
    if (send) {
      events.push({
        type: "transfer",
        attributes: [
          { key: "recipient", value: send.toAddress, index: true },
          { key: "sender", value: send.fromAddress, index: true },
          { key: "amount", value: `${send.amount[0]?.amount ?? "0"}utrain`, index: false },
        ],
      });
      const account = this.accounts.get(send.fromAddress);
      if (account) account.sequence += 1n;
    }
    const data = new Uint8Array(
      Buffer.concat([Buffer.from([0x12, 0x26, 0x0a, 0x24]), Buffer.from("/cosmos.bank.v1beta1.MsgSendResponse")]),
    );
    return { code: 0, data, log: "", info: "", gasWanted: 200_000n, gasUsed: 61_234n, events, codespace: "" };
  }

  private index(tx: Uint8Array, index: number, height: bigint, result: ExecTxResult): IndexedTx {
    const record: TxRecord = { hash: sha256(tx), height, index, tx, result };
    const events = new Map<string, string[]>([
      ["tm.event", ["Tx"]],
      ["tx.hash", [hexUpper(record.hash)]],
      ["tx.height", [height.toString()]],
    ]);
    flatten(result.events, events);
    const item = { record, events };
    this.txs.push(item);
    this.txByHash.set(hexUpper(record.hash), item);
    return item;
  }

  private publish(event: NodeEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  genesisDoc(): Record<string, unknown> {
    return {
      genesis_time: "2026-11-21T23:59:59.5Z",
      chain_id: this.chainId,
      initial_height: "1",
      consensus_params: this.consensusParamsJson(),
      validators: [
        {
          address: hexUpper(this.validator.address),
          pub_key: { type: "tendermint/PubKeyEd25519", value: Buffer.from(this.validator.pubKey).toString("base64") },
          power: "10",
          name: "fixture",
        },
      ],
      app_hash: "",
      app_state: { bank: { supply: [{ denom: "utrain", amount: 1_000_000n }] } },
    };
  }

  latestHeight(): bigint {
    return BigInt(this.blocks.length);
  }

  earliestHeight(): bigint {
    return this.blocks.length === 0 ? 0n : 1n;
  }

  async block(height: bigint): Promise<BlockRecord | undefined> {
    return this.blocks[Number(height) - 1];
  }

  async blockByHash(hash: Uint8Array): Promise<BlockRecord | undefined> {
    return this.blocks.find((b) => Buffer.from(b.blockId.hash).equals(Buffer.from(hash)));
  }

  async blockResults(height: bigint): Promise<BlockResultsRecord | undefined> {
    return this.results[Number(height) - 1];
  }

  async tx(hash: Uint8Array): Promise<TxRecord | undefined> {
    return this.txByHash.get(hexUpper(hash))?.record;
  }

  async searchTxs(query: string, options: SearchOptions): Promise<{ txs: TxRecord[]; total: number }> {
    const parsed = parseQuery(query);
    const matching = this.txs.filter((t) => matchesQuery(parsed, t.events)).map((t) => t.record);
    if (options.orderBy === "desc") matching.reverse();
    const start = (options.page - 1) * options.perPage;
    return { txs: matching.slice(start, start + options.perPage), total: matching.length };
  }

  async searchBlocks(query: string, options: SearchOptions): Promise<{ heights: bigint[]; total: number }> {
    const parsed = parseQuery(query);
    const heights = this.blockEvents.flatMap((events, i) => (matchesQuery(parsed, events) ? [BigInt(i + 1)] : []));
    if (options.orderBy === "desc") heights.reverse();
    const start = (options.page - 1) * options.perPage;
    return { heights: heights.slice(start, start + options.perPage), total: heights.length };
  }

  validators(_height: bigint): ValidatorInfo[] {
    return [this.validator];
  }

  validatorSelf(): ValidatorInfo {
    return this.validator;
  }

  abciInfo(): ResponseInfo {
    const height = this.latestHeight();
    return { data: "trainchain", version: "0.1.0", appVersion: 1n, lastBlockHeight: height, lastBlockAppHash: sha256(`app ${height}`) };
  }

  abciQuery(path: string, data: Uint8Array, height: bigint, _prove: boolean): ResponseQuery {
    const at = height > 0n ? height : this.latestHeight();
    const ok = (value: Uint8Array): ResponseQuery => ({
      code: 0, log: "", info: "", index: 0n, key: new Uint8Array(), value, height: at, codespace: "",
    });
    const fail = (code: number, log: string): ResponseQuery => ({
      code, log, info: "", index: 0n, key: new Uint8Array(), value: new Uint8Array(), height: at, codespace: "sdk",
    });
    switch (path) {
      case "/cosmos.bank.v1beta1.Query/AllBalances": {
        const req = QueryAllBalancesRequest.decode(data);
        const balances = this.accounts.get(req.address)?.balances ?? [];
        return ok(QueryAllBalancesResponse.encode({ balances, pagination: { nextKey: new Uint8Array(), total: BigInt(balances.length) } }).finish());
      }
      case "/cosmos.bank.v1beta1.Query/Balance": {
        const req = QueryBalanceRequest.decode(data);
        const coin = this.accounts.get(req.address)?.balances.find((c) => c.denom === req.denom) ?? { denom: req.denom, amount: "0" };
        return ok(QueryBalanceResponse.encode({ balance: coin }).finish());
      }
      case "/cosmos.bank.v1beta1.Query/TotalSupply": {
        let total = 0n;
        for (const account of this.accounts.values()) for (const c of account.balances) total += BigInt(c.amount);
        return ok(QueryTotalSupplyResponse.encode({ supply: [{ denom: "utrain", amount: total.toString() }], pagination: { nextKey: new Uint8Array(), total: 1n } }).finish());
      }
      case "/cosmos.auth.v1beta1.Query/Account": {
        const req = QueryAccountRequest.decode(data);
        const account = this.accounts.get(req.address);
        if (!account) return fail(22, `rpc error: code = NotFound desc = account ${req.address} not found: key not found`);
        const base = BaseAccount.fromPartial({
          address: req.address,
          pubKey:
            account.sequence > 0n
              ? { typeUrl: "/cosmos.crypto.secp256k1.PubKey", value: Secp256k1PubKey.encode({ key: new Uint8Array(33).fill(2) }).finish() }
              : undefined,
          accountNumber: account.accountNumber,
          sequence: account.sequence,
        });
        const any = Any.fromPartial({ typeUrl: "/cosmos.auth.v1beta1.BaseAccount", value: BaseAccount.encode(base).finish() });
        return ok(QueryAccountResponse.encode({ account: any }).finish());
      }
      case "/cosmos.tx.v1beta1.Service/Simulate":
        return ok(
          SimulateResponse.encode({
            gasInfo: { gasWanted: 0n, gasUsed: 77_777n },
            result: {
              data: new Uint8Array(),
              log: "",
              events: [],
              msgResponses: [{ typeUrl: "/cosmos.bank.v1beta1.MsgSendResponse", value: MsgSendResponse.encode({}).finish() }],
            },
          }).finish(),
        );
      default:
        return fail(6, `unknown query path: ${path}`);
    }
  }

  async broadcastTx(tx: Uint8Array): Promise<ResponseCheckTx> {
    const base = { data: new Uint8Array(), info: "", gasWanted: 200_000n, gasUsed: 0n, events: [] };
    if (memoOf(tx) === "reject") {
      return { ...base, code: 13, log: "insufficient fees; got: 0utrain required: 200utrain", codespace: "sdk" };
    }
    this.mempool.push(tx);
    return { ...base, code: 0, log: "", codespace: "" };
  }

  waitForTx(hash: Uint8Array, timeoutMs: number): Promise<TxRecord | undefined> {
    const key = hexUpper(hash);
    const existing = this.txByHash.get(key);
    if (existing) return Promise.resolve(existing.record);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      const list = this.waiters.get(key) ?? [];
      list.push((tx) => {
        clearTimeout(timer);
        resolve(tx);
      });
      this.waiters.set(key, list);
    });
  }

  unconfirmedTxs(limit: number): { count: number; total: number; totalBytes: number; txs: Uint8Array[] } {
    const txs = this.mempool.slice(0, limit);
    return { count: txs.length, total: this.mempool.length, totalBytes: this.mempool.reduce((n, t) => n + t.length, 0), txs };
  }

  subscribe(listener: (event: NodeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  consensusParamsJson(): Record<string, unknown> {
    return {
      block: { max_bytes: "22020096", max_gas: "-1" },
      evidence: { max_age_num_blocks: "100000", max_age_duration: "172800000000000", max_bytes: "1048576" },
      validator: { pub_key_types: ["ed25519"] },
      version: { app: "0" },
    };
  }

  seenCommit(height: bigint): Commit | undefined {
    return this.seen.get(height);
  }
}
