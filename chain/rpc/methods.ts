// The CometBFT v0.38 RPC methods over a NodeView. Each method declares its param names (for
// positional params and the GET-URI form) and returns the `result` object, ready to serialize.
import type { Logger } from "pino";
import type { NodeView, SearchOptions } from "../node/types.js";
import { QuerySyntaxError } from "../node/query.js";
import { RpcError, internalError } from "./errors.js";
import * as cmtjson from "./json.js";
import type { JsonObject, JsonValue } from "./json.js";
import type { ParamReader } from "./params.js";
import { txHash } from "../tx.ts";

export interface MethodContext {
  view: NodeView;
  log: Logger;
}

export interface RpcMethod {
  params: readonly string[];
  run(ctx: MethodContext, params: ParamReader): Promise<JsonValue> | JsonValue;
}

const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;
const BLOCKCHAIN_MAX_METAS = 20n;
const BROADCAST_COMMIT_TIMEOUT_MS = 10_000;


/** CometBFT's getHeight: absent or 0 → latest; otherwise within [earliest, latest]. */
function resolveHeight(view: NodeView, params: ParamReader, name = "height"): bigint {
  const latest = view.latestHeight();
  const requested = params.int(name, 0n);
  if (requested === 0n) {
    if (latest === 0n) throw internalError("no blocks yet");
    return latest;
  }
  if (requested < 0n) throw internalError(`height must be greater than 0, but got ${requested}`);
  if (requested > latest) {
    throw internalError(`height ${requested} must be less than or equal to the current blockchain height ${latest}`);
  }
  const earliest = view.earliestHeight();
  if (requested < earliest) throw internalError(`height ${requested} is not available, lowest height is ${earliest}`);
  return requested;
}

function perPage(params: ParamReader): number {
  const requested = params.int("per_page", BigInt(DEFAULT_PER_PAGE));
  if (requested < 1n) return DEFAULT_PER_PAGE;
  return requested > BigInt(MAX_PER_PAGE) ? MAX_PER_PAGE : Number(requested);
}

function page(params: ParamReader): number {
  const requested = params.int("page", 1n);
  if (requested < 1n || requested > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw internalError(`page should be within [1, ∞) range, given ${requested}`);
  }
  return Number(requested);
}

/** CometBFT's validatePage, applied once the total is known. */
function checkPage(pageNumber: number, size: number, total: number): void {
  const pages = total === 0 ? 1 : Math.ceil(total / size);
  if (pageNumber > pages) throw internalError(`page should be within [1, ${pages}] range, given ${pageNumber}`);
}

function orderBy(params: ParamReader): SearchOptions["orderBy"] {
  const value = params.string("order_by", "");
  if (value === "" || value === "asc") return "asc";
  if (value === "desc") return "desc";
  throw internalError("expected order_by to be either `asc` or `desc` or empty");
}

function searchOptions(params: ParamReader): SearchOptions {
  return { page: page(params), perPage: perPage(params), orderBy: orderBy(params) };
}

/** Query-language errors are method errors (-32603) in CometBFT, with the parser's message. */
async function withQuery<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof QuerySyntaxError) throw internalError(`failed to parse query: ${err.message}`);
    throw err;
  }
}

async function requireBlock(view: NodeView, height: bigint): Promise<NonNullable<Awaited<ReturnType<NodeView["block"]>>>> {
  const record = await view.block(height);
  if (!record) throw internalError(`block at height ${height} not found`);
  return record;
}

function broadcastSyncResult(check: { code: number; log: string; codespace: string }, hash: Uint8Array): JsonObject {
  // `data` stays "" as CometBFT's mempool answer does for SDK apps.
  return { code: check.code, data: "", log: check.log, codespace: check.codespace, hash: cmtjson.hex(hash) };
}

async function status(ctx: MethodContext): Promise<JsonValue> {
  const { view } = ctx;
  const latest = view.latestHeight();
  // CosmJS rejects empty latest hashes, so there is no status before block 1.
  if (latest === 0n) throw internalError("no blocks yet");
  const [latestBlock, earliestBlock] = await Promise.all([view.block(latest), view.block(view.earliestHeight())]);
  if (!latestBlock) throw internalError("no blocks yet");
  const latestAppHash = latestBlock.header.appHash.length > 0 ? latestBlock.header.appHash : view.abciInfo().lastBlockAppHash;
  const self = view.validatorSelf();
  return {
    node_info: {
      protocol_version: {
        p2p: cmtjson.P2P_PROTOCOL.toString(),
        block: cmtjson.BLOCK_PROTOCOL.toString(),
        app: latestBlock.header.version.app.toString(),
      },
      id: view.nodeId,
      listen_addr: view.listenAddress,
      network: view.chainId,
      version: cmtjson.COMETBFT_VERSION,
      channels: "40202122233038606100",
      moniker: view.moniker,
      other: { tx_index: "on", rpc_address: view.rpcAddress },
    },
    sync_info: {
      latest_block_hash: cmtjson.hex(latestBlock.blockId.hash),
      latest_app_hash: cmtjson.hex(latestAppHash),
      latest_block_height: latest.toString(),
      latest_block_time: cmtjson.rfc3339Nano(latestBlock.header.time),
      earliest_block_hash: earliestBlock ? cmtjson.hex(earliestBlock.blockId.hash) : "",
      earliest_app_hash: earliestBlock ? cmtjson.hex(earliestBlock.header.appHash) : "",
      earliest_block_height: view.earliestHeight().toString(),
      earliest_block_time: earliestBlock ? cmtjson.rfc3339Nano(earliestBlock.header.time) : "",
      catching_up: false,
    },
    validator_info: {
      address: cmtjson.hex(self.address),
      pub_key: cmtjson.ed25519PubKey(self.pubKey),
      voting_power: self.votingPower.toString(),
    },
  };
}

export const RPC_METHODS: ReadonlyMap<string, RpcMethod> = new Map<string, RpcMethod>([
  ["health", { params: [], run: () => ({}) }],
  ["status", { params: [], run: (ctx) => status(ctx) }],
  ["genesis", { params: [], run: (ctx) => ({ genesis: ctx.view.genesisDoc() as JsonObject }) }],
  ["abci_info", { params: [], run: (ctx) => ({ response: cmtjson.abciInfo(ctx.view.abciInfo()) }) }],
  [
    "abci_query",
    {
      params: ["path", "data", "height", "prove"],
      run(ctx, p) {
        const height = p.int("height", 0n);
        if (height < 0n) throw internalError(`height must be non-negative, got ${height}`);
        const response = ctx.view.abciQuery(p.string("path", ""), p.bytesHex("data"), height, p.bool("prove", false));
        // CosmJS rejects height "0"; answer the height the query ran at.
        const answeredAt = response.height > 0n ? response.height : height > 0n ? height : ctx.view.latestHeight();
        return { response: cmtjson.abciQuery(response, answeredAt) };
      },
    },
  ],
  [
    "broadcast_tx_sync",
    {
      params: ["tx"],
      async run(ctx, p) {
        const tx = p.bytesBase64("tx");
        const hash = txHash(tx);
        return broadcastSyncResult(await ctx.view.broadcastTx(tx, hash), hash);
      },
    },
  ],
  [
    "broadcast_tx_async",
    {
      params: ["tx"],
      run(ctx, p) {
        const tx = p.bytesBase64("tx");
        const hash = txHash(tx);
        ctx.view.broadcastTx(tx, hash).then(
          (check) => {
            if (check.code !== 0) ctx.log.debug({ hash: cmtjson.hex(hash), code: check.code, log: check.log }, "async tx rejected by CheckTx");
          },
          (err: unknown) => ctx.log.warn({ hash: cmtjson.hex(hash), err }, "async broadcast failed"),
        );
        return broadcastSyncResult({ code: 0, log: "", codespace: "" }, hash);
      },
    },
  ],
  [
    "broadcast_tx_commit",
    {
      params: ["tx"],
      async run(ctx, p) {
        const tx = p.bytesBase64("tx");
        const hash = txHash(tx);
        const check = await ctx.view.broadcastTx(tx, hash);
        if (check.code !== 0) {
          return {
            check_tx: cmtjson.execTxResult(check),
            tx_result: cmtjson.execTxResult({ code: 0, data: new Uint8Array(), log: "", info: "", gasWanted: 0n, gasUsed: 0n, events: [], codespace: "" }),
            hash: cmtjson.hex(hash),
            height: "0",
          };
        }
        // waitForTx also answers for a tx already committed, so a block right after CheckTx is not missed.
        const record = await ctx.view.waitForTx(hash, BROADCAST_COMMIT_TIMEOUT_MS);
        if (!record) throw internalError("timed out waiting for tx to be included in a block");
        return {
          check_tx: cmtjson.execTxResult(check),
          tx_result: cmtjson.execTxResult(record.result),
          hash: cmtjson.hex(hash),
          height: record.height.toString(),
        };
      },
    },
  ],
  [
    "tx",
    {
      params: ["hash", "prove"],
      async run(ctx, p) {
        const hash = p.bytesBase64("hash");
        const record = await ctx.view.tx(hash);
        if (!record) throw internalError(`tx (${cmtjson.hex(hash)}) not found`);
        return cmtjson.txResponse(record);
      },
    },
  ],
  [
    "tx_search",
    {
      params: ["query", "prove", "page", "per_page", "order_by"],
      async run(ctx, p) {
        const query = p.requiredString("query");
        const options = searchOptions(p);
        const { txs, total } = await withQuery(() => ctx.view.searchTxs(query, options));
        checkPage(options.page, options.perPage, total);
        return { txs: txs.map(cmtjson.txResponse), total_count: String(total) };
      },
    },
  ],
  [
    "block_search",
    {
      params: ["query", "page", "per_page", "order_by"],
      async run(ctx, p) {
        const query = p.requiredString("query");
        const options = searchOptions(p);
        const { heights, total } = await withQuery(() => ctx.view.searchBlocks(query, options));
        checkPage(options.page, options.perPage, total);
        const blocks = await Promise.all(heights.map((h) => requireBlock(ctx.view, h)));
        return { blocks: blocks.map(cmtjson.blockResponse), total_count: String(total) };
      },
    },
  ],
  [
    "block",
    {
      params: ["height"],
      async run(ctx, p) {
        return cmtjson.blockResponse(await requireBlock(ctx.view, resolveHeight(ctx.view, p)));
      },
    },
  ],
  [
    "block_by_hash",
    {
      params: ["hash"],
      async run(ctx, p) {
        const record = await ctx.view.blockByHash(p.bytesBase64("hash"));
        // CometBFT answers an unknown hash with an empty block id and a null block.
        if (!record) return { block_id: { hash: "", parts: { total: 0, hash: "" } }, block: null };
        return cmtjson.blockResponse(record);
      },
    },
  ],
  [
    "block_results",
    {
      params: ["height"],
      async run(ctx, p) {
        const height = resolveHeight(ctx.view, p);
        const results = await ctx.view.blockResults(height);
        if (!results) throw internalError(`could not find results for height #${height}`);
        return cmtjson.blockResults(results);
      },
    },
  ],
  [
    "blockchain",
    {
      params: ["minHeight", "maxHeight"],
      async run(ctx, p) {
        const latest = ctx.view.latestHeight();
        let min = p.int("minHeight", 0n);
        let max = p.int("maxHeight", 0n);
        if (min < 0n || max < 0n) throw internalError("heights must be non-negative");
        if (min === 0n) min = 1n;
        if (max === 0n || max > latest) max = latest;
        const earliest = ctx.view.earliestHeight();
        if (min < earliest) min = earliest;
        if (min < max - BLOCKCHAIN_MAX_METAS + 1n) min = max - BLOCKCHAIN_MAX_METAS + 1n;
        if (min > max) throw internalError(`min height ${min} can't be greater than max height ${max}`);
        const heights: bigint[] = [];
        for (let h = max; h >= min; h--) heights.push(h);
        const records = await Promise.all(heights.map((h) => requireBlock(ctx.view, h)));
        return { last_height: latest.toString(), block_metas: records.map(cmtjson.blockMeta) };
      },
    },
  ],
  [
    "commit",
    {
      params: ["height"],
      async run(ctx, p) {
        const height = resolveHeight(ctx.view, p);
        const record = await requireBlock(ctx.view, height);
        // The canonical commit for H is the last_commit of block H+1; the tip has only the seen commit.
        const next = height < ctx.view.latestHeight() ? await ctx.view.block(height + 1n) : undefined;
        const seen = next ? undefined : ctx.view.seenCommit?.(height);
        const signed = next?.lastCommit ?? seen;
        if (!signed) throw internalError(`commit for height ${height} is not available yet`);
        return {
          signed_header: { header: cmtjson.header(record.header), commit: cmtjson.commit(signed) },
          canonical: next !== undefined,
        };
      },
    },
  ],
  [
    "validators",
    {
      params: ["height", "page", "per_page"],
      run(ctx, p) {
        const height = resolveHeight(ctx.view, p);
        const all = ctx.view.validators(height);
        const size = perPage(p);
        const pageNumber = page(p);
        checkPage(pageNumber, size, all.length);
        const slice = all.slice((pageNumber - 1) * size, pageNumber * size);
        return {
          block_height: height.toString(),
          validators: slice.map(cmtjson.validator),
          count: String(slice.length),
          total: String(all.length),
        };
      },
    },
  ],
  [
    "num_unconfirmed_txs",
    {
      params: [],
      run(ctx) {
        const pool = ctx.view.unconfirmedTxs(0);
        return { n_txs: String(pool.total), total: String(pool.total), total_bytes: String(pool.totalBytes), txs: null };
      },
    },
  ],
  [
    "unconfirmed_txs",
    {
      params: ["limit"],
      run(ctx, p) {
        const requested = p.int("limit", BigInt(DEFAULT_PER_PAGE));
        const limit = requested < 1n ? DEFAULT_PER_PAGE : requested > BigInt(MAX_PER_PAGE) ? MAX_PER_PAGE : Number(requested);
        const pool = ctx.view.unconfirmedTxs(limit);
        return {
          n_txs: String(pool.txs.length),
          total: String(pool.total),
          total_bytes: String(pool.totalBytes),
          txs: pool.txs.map(cmtjson.base64),
        };
      },
    },
  ],
]);

/** Runs one method; everything that is not already an RpcError becomes -32603 with its message. */
export async function callMethod(ctx: MethodContext, method: RpcMethod, params: ParamReader): Promise<JsonValue> {
  try {
    return await method.run(ctx, params);
  } catch (err) {
    if (err instanceof RpcError) throw err;
    if (err instanceof QuerySyntaxError) throw internalError(err.message);
    const message = err instanceof Error ? err.message : String(err);
    ctx.log.error({ err }, "rpc method failed");
    throw internalError(message);
  }
}
