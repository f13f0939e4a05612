// What the node exposes to its RPC/API servers: read access to blocks, results, txs and the app,
// and the write paths (broadcast). The servers never touch the store or the app directly.
import type { Commit, Header } from "cosmjs-types/tendermint/types/types";
import type {
  Event,
  ExecTxResult,
  ResponseCheckTx,
  ResponseInfo,
  ResponseQuery,
  ValidatorUpdate,
} from "cosmjs-types/tendermint/abci/types";

export interface BlockRecord {
  /** sha256-based block hash (32 bytes) and the single part-set header. */
  blockId: { hash: Uint8Array; partSetHeader: { total: number; hash: Uint8Array } };
  header: Header;
  txs: Uint8Array[];
  /** Commit for the previous block (height - 1); empty signatures at height 1. */
  lastCommit: Commit;
  /** Serialized size in bytes, as `blockchain` reports it. */
  size: number;
}

export interface BlockResultsRecord {
  height: bigint;
  txResults: ExecTxResult[];
  finalizeBlockEvents: Event[];
  validatorUpdates: ValidatorUpdate[];
  appHash: Uint8Array;
}

export interface TxRecord {
  hash: Uint8Array;
  height: bigint;
  index: number;
  tx: Uint8Array;
  result: ExecTxResult;
}

export interface ValidatorInfo {
  /** 20-byte address = first 20 bytes of sha256(ed25519 pubkey). */
  address: Uint8Array;
  /** 32-byte ed25519 public key. */
  pubKey: Uint8Array;
  votingPower: bigint;
  proposerPriority: bigint;
}

/** Events published to websocket subscribers. `events` uses CometBFT's flattened "type.key" form. */
export type NodeEvent =
  | { kind: "NewBlock"; block: BlockRecord; results: BlockResultsRecord; events: Map<string, string[]> }
  | { kind: "Tx"; tx: TxRecord; events: Map<string, string[]> };

export interface SearchOptions {
  page: number;
  perPage: number;
  orderBy: "asc" | "desc";
}

export interface NodeView {
  readonly chainId: string;
  readonly moniker: string;
  /** Hex node id (20 bytes of the node key's address). */
  readonly nodeId: string;
  readonly rpcAddress: string;
  readonly listenAddress: string;
  /** The genesis document in CometBFT's JSON form (genesis_time, chain_id, initial_height, consensus_params, validators, app_hash, app_state). */
  genesisDoc(): Record<string, unknown>;
  latestHeight(): bigint;
  earliestHeight(): bigint;
  block(height: bigint): Promise<BlockRecord | undefined>;
  blockByHash(hash: Uint8Array): Promise<BlockRecord | undefined>;
  blockResults(height: bigint): Promise<BlockResultsRecord | undefined>;
  tx(hash: Uint8Array): Promise<TxRecord | undefined>;
  /** Runs a CometBFT query (see chain/node/query.ts); throws QuerySyntaxError on bad input. */
  searchTxs(query: string, options: SearchOptions): Promise<{ txs: TxRecord[]; total: number }>;
  /** Heights of blocks matching a query (block_search). */
  searchBlocks(query: string, options: SearchOptions): Promise<{ heights: bigint[]; total: number }>;
  validators(height: bigint): ValidatorInfo[];
  validatorSelf(): ValidatorInfo;
  abciInfo(): ResponseInfo;
  abciQuery(path: string, data: Uint8Array, height: bigint, prove: boolean): ResponseQuery;
  /** CheckTx then mempool admission; `hash` is the tx's hash when the caller has it already. */
  broadcastTx(tx: Uint8Array, hash?: Uint8Array): Promise<ResponseCheckTx>;
  /** Resolves with the committed tx or undefined after timeoutMs. */
  waitForTx(hash: Uint8Array, timeoutMs: number): Promise<TxRecord | undefined>;
  unconfirmedTxs(limit: number): { count: number; total: number; totalBytes: number; txs: Uint8Array[] };
  /** Subscribe to node events; returns the unsubscribe function. */
  subscribe(listener: (event: NodeEvent) => void): () => void;
  /** Consensus params in CometBFT JSON form (block.max_bytes etc. as strings). */
  consensusParamsJson(): Record<string, unknown>;
  /**
   * The commit the node holds for `height` before block height+1 exists (CometBFT's "seen commit"),
   * so the `commit` RPC can answer for the latest height. Optional: without it `commit` at the tip
   * answers an error; earlier heights use block height+1's last_commit.
   */
  seenCommit?(height: bigint): Commit | undefined;
}
