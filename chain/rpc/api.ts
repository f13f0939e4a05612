// The Cosmos REST API (grpc-gateway JSON: snake_case proto names, int64 as strings, bytes base64,
// enums by name) for bank/auth/tx/blocks, answered through ABCI queries on the NodeView, plus
// Prometheus /metrics. Errors are grpc-gateway's `{code, message, details}` with its HTTP status.
import Fastify, { LogController, type FastifyError, type FastifyInstance } from "fastify";
import { pino, type Logger } from "pino";
import { Registry, collectDefaultMetrics } from "prom-client";
import { fromBech32, toBech32 } from "@cosmjs/encoding";
import type { Any } from "cosmjs-types/google/protobuf/any";
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { Coin } from "cosmjs-types/cosmos/base/v1beta1/coin";
import type { PageResponse } from "cosmjs-types/cosmos/base/query/v1beta1/pagination";
import {
  QueryAllBalancesRequest,
  QueryAllBalancesResponse,
  QueryBalanceRequest,
  QueryBalanceResponse,
  QueryTotalSupplyRequest,
  QueryTotalSupplyResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/query";
import { MsgMultiSend, MsgSend, MsgSendResponse, MsgMultiSendResponse } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { BaseAccount, ModuleAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { PubKey as Secp256k1PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import { AuthInfo, TxBody, TxRaw, type ModeInfo } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { signModeToJSON } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import type { Event } from "cosmjs-types/tendermint/abci/types";
import type { BlockID, Commit, Header } from "cosmjs-types/tendermint/types/types";
import type { BlockRecord, NodeView, TxRecord } from "../node/types.js";
import { ApiError, API_ERRORS, apiErrorFromAbci } from "./errors.js";
import { registerModuleRoutes } from "./routes-modules.ts";
import { BLOCK_PROTOCOL, COMETBFT_VERSION, P2P_PROTOCOL, base64, hex, type JsonObject, type JsonValue } from "./json.js";
import { PAGINATION_PROPERTIES, pageRequest, type PaginationQuery } from "./pagination.ts";
import { txHash } from "../tx.ts";

/** How a message type (by type URL) is decoded and printed in tx JSON. */
export interface MessageCodec {
  decode(bytes: Uint8Array): unknown;
  /** cosmjs-types style toJSON (lowerCamelCase); keys are converted to the gateway's snake_case. */
  toJSON(message: never): unknown;
}

export interface ApiServerOptions {
  /** Parent logger (a child `{module: "api"}` is used); false or absent disables logging. */
  logger?: Logger | false;
  /** Registry served at /metrics; default metrics are added unless already present. */
  registry?: Registry;
  /** Registers further routes (module queries, /blobs) on the same server. */
  extraRoutes?: (app: FastifyInstance) => void;
  /** Account bech32 prefix (validator consensus addresses use `${prefix}valcons`). Default "train". */
  bech32Prefix?: string;
  /** Extra message codecs for tx JSON, keyed by type URL (module messages). */
  messageCodecs?: ReadonlyMap<string, MessageCodec>;
  /** application_version in node_info. */
  appVersion?: { name: string; version: string; gitCommit?: string };
}

const BUILTIN_CODECS: ReadonlyMap<string, MessageCodec> = new Map<string, MessageCodec>([
  ["/cosmos.bank.v1beta1.MsgSend", MsgSend as MessageCodec],
  ["/cosmos.bank.v1beta1.MsgMultiSend", MsgMultiSend as MessageCodec],
  ["/cosmos.bank.v1beta1.MsgSendResponse", MsgSendResponse as MessageCodec],
  ["/cosmos.bank.v1beta1.MsgMultiSendResponse", MsgMultiSendResponse as MessageCodec],
]);

const PATHS = {
  allBalances: "/cosmos.bank.v1beta1.Query/AllBalances",
  balance: "/cosmos.bank.v1beta1.Query/Balance",
  totalSupply: "/cosmos.bank.v1beta1.Query/TotalSupply",
  account: "/cosmos.auth.v1beta1.Query/Account",
  simulate: "/cosmos.tx.v1beta1.Service/Simulate",
} as const;

// ---------------------------------------------------------------------------------------------
// proto3 JSON printing (grpc-gateway with OrigName: snake_case field names)

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function snakeKeys(value: unknown): JsonValue {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object" || value === null) return value as JsonValue;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) out[snakeCase(k)] = snakeKeys(v);
  return out;
}

/** proto3 JSON Timestamp: Z-normalized, 0, 3, 6 or 9 fractional digits. */
function protoTimestamp(time: Timestamp): string {
  const base = new Date(Number(time.seconds) * 1000).toISOString().slice(0, 19);
  if (time.nanos === 0) return `${base}Z`;
  const nanos = String(time.nanos).padStart(9, "0");
  const digits = nanos.endsWith("000000") ? 3 : nanos.endsWith("000") ? 6 : 9;
  return `${base}.${nanos.slice(0, digits)}Z`;
}

function coinJson(coin: Coin): JsonObject {
  return { denom: coin.denom, amount: coin.amount };
}

function pageResponseJson(page: PageResponse | undefined): JsonValue {
  if (!page) return null;
  return { next_key: page.nextKey.length === 0 ? null : base64(page.nextKey), total: page.total.toString() };
}

function pubKeyJson(any: Any | undefined): JsonValue {
  if (!any) return null;
  if (any.typeUrl === "/cosmos.crypto.secp256k1.PubKey") return { "@type": any.typeUrl, key: base64(Secp256k1PubKey.decode(any.value).key) };
  if (any.typeUrl === "/cosmos.crypto.ed25519.PubKey") return { "@type": any.typeUrl, key: base64(Ed25519PubKey.decode(any.value).key) };
  return { "@type": any.typeUrl, value: base64(any.value) };
}

function baseAccountFields(account: BaseAccount): JsonObject {
  return {
    address: account.address,
    pub_key: pubKeyJson(account.pubKey),
    account_number: account.accountNumber.toString(),
    sequence: account.sequence.toString(),
  };
}

function accountJson(any: Any): JsonObject {
  switch (any.typeUrl) {
    case "/cosmos.auth.v1beta1.BaseAccount":
      return { "@type": any.typeUrl, ...baseAccountFields(BaseAccount.decode(any.value)) };
    case "/cosmos.auth.v1beta1.ModuleAccount": {
      const module = ModuleAccount.decode(any.value);
      return {
        "@type": any.typeUrl,
        base_account: module.baseAccount ? baseAccountFields(module.baseAccount) : null,
        name: module.name,
        permissions: module.permissions,
      };
    }
    default:
      return { "@type": any.typeUrl, value: base64(any.value) };
  }
}

function eventsJson(events: Event[]): JsonValue {
  return events.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: a.index })) }));
}

function modeInfoJson(info: ModeInfo | undefined): JsonValue {
  if (!info) return null;
  if (info.single) return { single: { mode: signModeToJSON(info.single.mode) } };
  if (info.multi) return { multi: { bitarray: null, mode_infos: info.multi.modeInfos.map(modeInfoJson) } };
  return null;
}

// ---------------------------------------------------------------------------------------------

const ADDRESS_PARAMS = {
  type: "object",
  required: ["address"],
  properties: { address: { type: "string", minLength: 1 } },
} as const;


function decodeBase64Field(value: string, field: string): Uint8Array {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw new ApiError("INVALID_ARGUMENT", `${field} must be base64`);
  return new Uint8Array(Buffer.from(value, "base64"));
}

export function buildApiServer(view: NodeView, options: ApiServerOptions): FastifyInstance {
  const log: Logger = options.logger ? options.logger.child({ module: "api" }) : pino({ enabled: false });
  const prefix = options.bech32Prefix ?? "train";
  const codecs = new Map<string, MessageCodec>([...BUILTIN_CODECS, ...(options.messageCodecs ?? [])]);
  const registry = options.registry ?? new Registry();
  // The node may already have collected default metrics into the registry it passes in.
  if (registry.getSingleMetric("process_cpu_user_seconds_total") === undefined) collectDefaultMetrics({ register: registry });

  const app = Fastify({ loggerInstance: log, logController: new LogController({ disableRequestLogging: true }) }) as unknown as FastifyInstance;

  function checkAddress(address: string): void {
    let decoded: { prefix: string };
    try {
      decoded = fromBech32(address);
    } catch (err) {
      throw new ApiError("INVALID_ARGUMENT", `invalid address ${JSON.stringify(address)}: decoding bech32 failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (decoded.prefix !== prefix) {
      throw new ApiError("INVALID_ARGUMENT", `invalid address ${JSON.stringify(address)}: invalid Bech32 prefix; expected ${prefix}, got ${decoded.prefix}`);
    }
  }

  function queryHeight(header: string | string[] | undefined): bigint {
    const text = Array.isArray(header) ? header[0] : header;
    if (text === undefined || text === "") return 0n;
    if (!/^[0-9]+$/.test(text)) throw new ApiError("INVALID_ARGUMENT", `x-cosmos-block-height must be a non-negative integer, got ${JSON.stringify(text)}`);
    return BigInt(text);
  }

  /** Runs a gRPC query through ABCI and decodes the answer, mapping failures to gateway errors. */
  function abci<Res>(path: string, request: Uint8Array, decode: (bytes: Uint8Array) => Res, height: bigint): Res {
    const response = view.abciQuery(path, request, height, false);
    if (response.code !== 0) throw apiErrorFromAbci(response.code, response.codespace, response.log);
    return decode(response.value);
  }

  function anyJson(any: Any): JsonObject {
    const codec = codecs.get(any.typeUrl);
    if (!codec) return { "@type": any.typeUrl, value: base64(any.value) };
    const fields = snakeKeys(codec.toJSON(codec.decode(any.value) as never));
    return { "@type": any.typeUrl, ...(fields !== null && typeof fields === "object" && !Array.isArray(fields) ? fields : {}) };
  }

  function txJson(raw: Uint8Array): JsonObject {
    const txRaw = TxRaw.decode(raw);
    const body = TxBody.decode(txRaw.bodyBytes);
    const authInfo = AuthInfo.decode(txRaw.authInfoBytes);
    return {
      body: {
        messages: body.messages.map(anyJson),
        memo: body.memo,
        timeout_height: body.timeoutHeight.toString(),
        extension_options: body.extensionOptions.map(anyJson),
        non_critical_extension_options: body.nonCriticalExtensionOptions.map(anyJson),
      },
      auth_info: {
        signer_infos: authInfo.signerInfos.map((s) => ({
          public_key: pubKeyJson(s.publicKey),
          mode_info: modeInfoJson(s.modeInfo),
          sequence: s.sequence.toString(),
        })),
        fee: authInfo.fee
          ? {
              amount: authInfo.fee.amount.map(coinJson),
              gas_limit: authInfo.fee.gasLimit.toString(),
              payer: authInfo.fee.payer,
              granter: authInfo.fee.granter,
            }
          : null,
        tip: authInfo.tip ? { amount: authInfo.tip.amount.map(coinJson), tipper: authInfo.tip.tipper } : null,
      },
      signatures: txRaw.signatures.map(base64),
    };
  }

  function txResponseJson(record: TxRecord, tx: JsonObject, block: BlockRecord | undefined): JsonObject {
    const r = record.result;
    return {
      height: record.height.toString(),
      txhash: hex(record.hash),
      codespace: r.codespace,
      code: r.code,
      data: hex(r.data),
      raw_log: r.log,
      logs: [],
      info: r.info,
      gas_wanted: r.gasWanted.toString(),
      gas_used: r.gasUsed.toString(),
      tx: { "@type": "/cosmos.tx.v1beta1.Tx", ...tx },
      // The SDK prints the block time with time.RFC3339 (whole seconds).
      timestamp: block ? protoTimestamp({ seconds: block.header.time.seconds, nanos: 0 }) : "",
      events: eventsJson(r.events),
    };
  }

  function blockIdJson(id: BlockID): JsonObject {
    return { hash: base64(id.hash), part_set_header: { total: id.partSetHeader.total, hash: base64(id.partSetHeader.hash) } };
  }

  function headerJson(h: Header, proposer: string): JsonObject {
    return {
      version: { block: h.version.block.toString(), app: h.version.app.toString() },
      chain_id: h.chainId,
      height: h.height.toString(),
      time: protoTimestamp(h.time),
      last_block_id: blockIdJson(h.lastBlockId),
      last_commit_hash: base64(h.lastCommitHash),
      data_hash: base64(h.dataHash),
      validators_hash: base64(h.validatorsHash),
      next_validators_hash: base64(h.nextValidatorsHash),
      consensus_hash: base64(h.consensusHash),
      app_hash: base64(h.appHash),
      last_results_hash: base64(h.lastResultsHash),
      evidence_hash: base64(h.evidenceHash),
      proposer_address: proposer,
    };
  }

  function commitJson(c: Commit): JsonObject {
    const flags = ["BLOCK_ID_FLAG_UNKNOWN", "BLOCK_ID_FLAG_ABSENT", "BLOCK_ID_FLAG_COMMIT", "BLOCK_ID_FLAG_NIL"];
    return {
      height: c.height.toString(),
      round: c.round,
      block_id: blockIdJson(c.blockId),
      signatures: c.signatures.map((s) => ({
        block_id_flag: flags[s.blockIdFlag] ?? "UNRECOGNIZED",
        validator_address: base64(s.validatorAddress),
        timestamp: protoTimestamp(s.timestamp),
        signature: base64(s.signature),
      })),
    };
  }

  function blockJson(record: BlockRecord): JsonObject {
    const rest = {
      data: { txs: record.txs.map(base64) },
      evidence: { evidence: [] },
      last_commit: commitJson(record.lastCommit),
    };
    const proposer = record.header.proposerAddress;
    return {
      block_id: blockIdJson(record.blockId),
      block: { header: headerJson(record.header, base64(proposer)), ...rest },
      sdk_block: { header: headerJson(record.header, proposer.length === 0 ? "" : toBech32(`${prefix}valcons`, proposer)), ...rest },
    };
  }

  async function blockAt(height: bigint): Promise<JsonObject> {
    const latest = view.latestHeight();
    if (height > latest) throw new ApiError("INVALID_ARGUMENT", "requested block height is bigger then the chain length");
    const record = await view.block(height);
    if (!record) throw new ApiError("NOT_FOUND", `block at height ${height} not found`);
    return blockJson(record);
  }

  app.setErrorHandler((error: FastifyError | ApiError | Error, request, reply) => {
    if (error instanceof ApiError) return reply.code(error.httpStatus).send(error.toBody());
    const fastifyError = error as FastifyError;
    if (fastifyError.validation !== undefined || (fastifyError.statusCode !== undefined && fastifyError.statusCode < 500)) {
      const bad = new ApiError("INVALID_ARGUMENT", error.message);
      return reply.code(fastifyError.statusCode === 413 ? 413 : bad.httpStatus).send(bad.toBody());
    }
    log.error({ err: error, url: request.url }, "api request failed");
    return reply.code(API_ERRORS.INTERNAL.httpStatus).send(new ApiError("INTERNAL", error.message).toBody());
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(new ApiError("NOT_FOUND", "Not Found").toBody()));

  app.get<{ Params: { address: string }; Querystring: PaginationQuery }>(
    "/cosmos/bank/v1beta1/balances/:address",
    { schema: { params: ADDRESS_PARAMS, querystring: { type: "object", properties: PAGINATION_PROPERTIES } } },
    async (request) => {
      checkAddress(request.params.address);
      const req = QueryAllBalancesRequest.encode({ address: request.params.address, pagination: pageRequest(request.query), resolveDenom: false }).finish();
      const res = abci(PATHS.allBalances, req, (b) => QueryAllBalancesResponse.decode(b), queryHeight(request.headers["x-cosmos-block-height"]));
      return { balances: res.balances.map(coinJson), pagination: pageResponseJson(res.pagination) ?? { next_key: null, total: "0" } };
    },
  );

  app.get<{ Params: { address: string }; Querystring: { denom?: string } }>(
    "/cosmos/bank/v1beta1/balances/:address/by_denom",
    { schema: { params: ADDRESS_PARAMS, querystring: { type: "object", properties: { denom: { type: "string" } } } } },
    async (request) => {
      checkAddress(request.params.address);
      const denom = request.query.denom ?? "";
      if (denom === "") throw new ApiError("INVALID_ARGUMENT", "invalid denom: denom query parameter is required");
      const req = QueryBalanceRequest.encode({ address: request.params.address, denom }).finish();
      const res = abci(PATHS.balance, req, (b) => QueryBalanceResponse.decode(b), queryHeight(request.headers["x-cosmos-block-height"]));
      return { balance: res.balance ? coinJson(res.balance) : { denom, amount: "0" } };
    },
  );

  app.get<{ Querystring: PaginationQuery }>(
    "/cosmos/bank/v1beta1/supply",
    { schema: { querystring: { type: "object", properties: PAGINATION_PROPERTIES } } },
    async (request) => {
      const req = QueryTotalSupplyRequest.encode({ pagination: pageRequest(request.query) }).finish();
      const res = abci(PATHS.totalSupply, req, (b) => QueryTotalSupplyResponse.decode(b), queryHeight(request.headers["x-cosmos-block-height"]));
      return { supply: res.supply.map(coinJson), pagination: pageResponseJson(res.pagination) ?? { next_key: null, total: "0" } };
    },
  );

  app.get<{ Params: { address: string } }>("/cosmos/auth/v1beta1/accounts/:address", { schema: { params: ADDRESS_PARAMS } }, async (request) => {
    checkAddress(request.params.address);
    const req = QueryAccountRequest.encode({ address: request.params.address }).finish();
    const res = abci(PATHS.account, req, (b) => QueryAccountResponse.decode(b), queryHeight(request.headers["x-cosmos-block-height"]));
    if (!res.account) throw new ApiError("NOT_FOUND", `account ${request.params.address} not found`);
    return { account: accountJson(res.account) };
  });

  app.get<{ Params: { hash: string } }>(
    "/cosmos/tx/v1beta1/txs/:hash",
    { schema: { params: { type: "object", required: ["hash"], properties: { hash: { type: "string" } } } } },
    async (request) => {
      const text = request.params.hash.replace(/^0x/i, "");
      if (!/^[0-9A-Fa-f]{64}$/.test(text)) throw new ApiError("INVALID_ARGUMENT", `invalid tx hash ${JSON.stringify(request.params.hash)}: expected 64 hex characters`);
      const record = await view.tx(new Uint8Array(Buffer.from(text, "hex")));
      if (!record) throw new ApiError("NOT_FOUND", `tx not found: ${text.toUpperCase()}`);
      const tx = txJson(record.tx);
      return { tx, tx_response: txResponseJson(record, tx, await view.block(record.height)) };
    },
  );

  app.get("/cosmos/base/tendermint/v1beta1/blocks/latest", async () => {
    const latest = view.latestHeight();
    if (latest === 0n) throw new ApiError("NOT_FOUND", "no blocks yet");
    return blockAt(latest);
  });

  app.get<{ Params: { height: string } }>(
    "/cosmos/base/tendermint/v1beta1/blocks/:height",
    { schema: { params: { type: "object", required: ["height"], properties: { height: { type: "string", pattern: "^[0-9]+$" } } } } },
    async (request) => {
      const height = BigInt(request.params.height);
      if (height === 0n) throw new ApiError("INVALID_ARGUMENT", "requested block height must be greater than 0");
      return blockAt(height);
    },
  );

  app.get("/cosmos/base/tendermint/v1beta1/node_info", async () => {
    const info = view.abciInfo();
    const latest = await view.block(view.latestHeight());
    const appVersion = options.appVersion ?? { name: "trainchain", version: info.version };
    return {
      default_node_info: {
        protocol_version: { p2p: P2P_PROTOCOL.toString(), block: BLOCK_PROTOCOL.toString(), app: (latest?.header.version.app ?? 0n).toString() },
        default_node_id: view.nodeId,
        listen_addr: view.listenAddress,
        network: view.chainId,
        version: COMETBFT_VERSION,
        channels: base64(Buffer.from("40202122233038606100", "hex")),
        moniker: view.moniker,
        other: { tx_index: "on", rpc_address: view.rpcAddress },
      },
      application_version: {
        name: appVersion.name,
        app_name: appVersion.name,
        version: appVersion.version,
        git_commit: appVersion.gitCommit ?? "",
        build_tags: "",
        go_version: "",
        build_deps: [],
        cosmos_sdk_version: "",
      },
    };
  });

  app.post<{ Body: { tx_bytes: string; mode?: string | number } }>(
    "/cosmos/tx/v1beta1/txs",
    {
      schema: {
        body: {
          type: "object",
          required: ["tx_bytes"],
          properties: { tx_bytes: { type: "string", minLength: 1 }, mode: { anyOf: [{ type: "string" }, { type: "integer" }] } },
        },
      },
    },
    async (request) => {
      const tx = decodeBase64Field(request.body.tx_bytes, "tx_bytes");
      const mode = request.body.mode ?? "BROADCAST_MODE_SYNC";
      const hash = txHash(tx);
      if (mode === "BROADCAST_MODE_ASYNC" || mode === 3) {
        view.broadcastTx(tx, hash).catch((err: unknown) => log.warn({ hash: hex(hash), err }, "async broadcast failed"));
        return { tx_response: broadcastResponse(hash, { code: 0, codespace: "", log: "", info: "", data: new Uint8Array(), gasWanted: 0n, gasUsed: 0n, events: [] }) };
      }
      if (mode !== "BROADCAST_MODE_SYNC" && mode !== 2) {
        throw new ApiError("INVALID_ARGUMENT", `unsupported broadcast mode ${JSON.stringify(mode)}; supported: BROADCAST_MODE_SYNC, BROADCAST_MODE_ASYNC`);
      }
      return { tx_response: broadcastResponse(hash, await view.broadcastTx(tx, hash)) };
    },
  );

  app.post<{ Body: { tx_bytes: string } }>(
    "/cosmos/tx/v1beta1/simulate",
    { schema: { body: { type: "object", required: ["tx_bytes"], properties: { tx_bytes: { type: "string", minLength: 1 } } } } },
    async (request) => {
      const txBytes = decodeBase64Field(request.body.tx_bytes, "tx_bytes");
      const req = SimulateRequest.encode({ txBytes }).finish();
      const res = abci(PATHS.simulate, req, (b) => SimulateResponse.decode(b), 0n);
      return {
        gas_info: res.gasInfo ? { gas_wanted: res.gasInfo.gasWanted.toString(), gas_used: res.gasInfo.gasUsed.toString() } : null,
        result: res.result
          ? { data: base64(res.result.data), log: res.result.log, events: eventsJson(res.result.events), msg_responses: res.result.msgResponses.map(anyJson) }
          : null,
      };
    },
  );

  app.get("/metrics", async (_request, reply) => {
    const body = await registry.metrics();
    return reply.header("content-type", registry.contentType).send(body);
  });

  registerModuleRoutes(app, view);
  options.extraRoutes?.(app);
  return app;
}

function broadcastResponse(
  hash: Uint8Array,
  check: { code: number; codespace: string; log: string; info: string; data: Uint8Array; gasWanted: bigint; gasUsed: bigint; events: Event[] },
): JsonObject {
  return {
    height: "0",
    txhash: hex(hash),
    codespace: check.codespace,
    code: check.code,
    data: hex(check.data),
    raw_log: check.log,
    logs: [],
    info: check.info,
    gas_wanted: check.gasWanted.toString(),
    gas_used: check.gasUsed.toString(),
    tx: null,
    timestamp: "",
    events: eventsJson(check.events),
  };
}
