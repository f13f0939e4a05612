// CometBFT's JSON encoding (cmtjson) of the node's records: int64/uint64 as strings, int32 as numbers,
// []byte as base64, HexBytes (hashes, addresses) as uppercase hex, times as RFC3339Nano UTC. Every
// RPC response and websocket event is built from these encoders and serialized once.
import type { BlockID, Commit, CommitSig, Header } from "cosmjs-types/tendermint/types/types";
import type { Event, ExecTxResult, ResponseCheckTx, ResponseInfo, ResponseQuery, ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { BlockRecord, BlockResultsRecord, TxRecord, ValidatorInfo } from "../node/types.js";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** CometBFT v0.38 version strings reported by `status` (CosmJS picks its Comet38 client on "0.38."). */
export const COMETBFT_VERSION = "0.38.17";
export const P2P_PROTOCOL = 8n;
export const BLOCK_PROTOCOL = 11n;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** HexBytes: uppercase hex, "" when empty. */
export function hex(bytes: Uint8Array): string {
  return asBuffer(bytes).toString("hex").toUpperCase();
}

/** []byte: standard base64, "" when empty. */
export function base64(bytes: Uint8Array): string {
  return asBuffer(bytes).toString("base64");
}

/** []byte that Go leaves nil when empty (cmtjson prints null). */
export function base64OrNull(bytes: Uint8Array): string | null {
  return bytes.length === 0 ? null : base64(bytes);
}

/** Go's time.RFC3339Nano in UTC: fractional seconds with trailing zeros trimmed (none when zero). */
export function rfc3339Nano(time: Timestamp): string {
  const millis = Number(time.seconds) * 1000;
  const date = new Date(millis);
  if (Number.isNaN(date.getTime())) throw new RangeError(`timestamp ${time.seconds}s is out of range`);
  const iso = date.toISOString();
  // Years beyond 9999 get a sign prefix from toISOString; CometBFT never produces them.
  const base = iso.slice(0, iso.indexOf("."));
  if (time.nanos === 0) return `${base}Z`;
  const fraction = String(time.nanos).padStart(9, "0").replace(/0+$/, "");
  return `${base}.${fraction}Z`;
}

export function blockId(id: BlockID): JsonObject {
  return {
    hash: hex(id.hash),
    parts: { total: id.partSetHeader.total, hash: hex(id.partSetHeader.hash) },
  };
}

export function header(h: Header): JsonObject {
  return {
    version: { block: h.version.block.toString(), app: h.version.app.toString() },
    chain_id: h.chainId,
    height: h.height.toString(),
    time: rfc3339Nano(h.time),
    last_block_id: blockId(h.lastBlockId),
    last_commit_hash: hex(h.lastCommitHash),
    data_hash: hex(h.dataHash),
    validators_hash: hex(h.validatorsHash),
    next_validators_hash: hex(h.nextValidatorsHash),
    consensus_hash: hex(h.consensusHash),
    app_hash: hex(h.appHash),
    last_results_hash: hex(h.lastResultsHash),
    evidence_hash: hex(h.evidenceHash),
    proposer_address: hex(h.proposerAddress),
  };
}

export function commitSig(sig: CommitSig): JsonObject {
  return {
    block_id_flag: sig.blockIdFlag,
    validator_address: hex(sig.validatorAddress),
    timestamp: rfc3339Nano(sig.timestamp),
    signature: base64OrNull(sig.signature),
  };
}

export function commit(c: Commit): JsonObject {
  return {
    height: c.height.toString(),
    round: c.round,
    block_id: blockId(c.blockId),
    signatures: c.signatures.map(commitSig),
  };
}

export function block(record: BlockRecord): JsonObject {
  return {
    header: header(record.header),
    data: { txs: record.txs.map(base64) },
    evidence: { evidence: [] },
    last_commit: commit(record.lastCommit),
  };
}

/** `block`, `block_by_hash` and each entry of `block_search`. */
export function blockResponse(record: BlockRecord): JsonObject {
  return { block_id: blockId(record.blockId), block: block(record) };
}

export function blockMeta(record: BlockRecord): JsonObject {
  return {
    block_id: blockId(record.blockId),
    block_size: String(record.size),
    header: header(record.header),
    num_txs: String(record.txs.length),
  };
}

export function event(e: Event): JsonObject {
  return {
    type: e.type,
    attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: a.index })),
  };
}

/** ExecTxResult (also the shape of ResponseCheckTx's shared fields). */
export function execTxResult(r: ExecTxResult | ResponseCheckTx): JsonObject {
  return {
    code: r.code,
    data: base64OrNull(r.data),
    log: r.log,
    info: r.info,
    gas_wanted: r.gasWanted.toString(),
    gas_used: r.gasUsed.toString(),
    events: r.events.map(event),
    codespace: r.codespace,
  };
}

/** tendermint.crypto.PublicKey as CometBFT v0.38 prints the proto oneof (CosmJS reads the `Sum` form). */
export function validatorUpdate(update: ValidatorUpdate): JsonObject {
  const key = update.pubKey;
  const sum: JsonObject =
    key.secp256k1 !== undefined
      ? { type: "tendermint.crypto.PublicKey_Secp256K1", value: { secp256k1: base64(key.secp256k1) } }
      : { type: "tendermint.crypto.PublicKey_Ed25519", value: { ed25519: base64(key.ed25519 ?? new Uint8Array()) } };
  return { pub_key: { Sum: sum }, power: update.power.toString() };
}

export function ed25519PubKey(pubKey: Uint8Array): JsonObject {
  return { type: "tendermint/PubKeyEd25519", value: base64(pubKey) };
}

/** A validator in `validators` and `status.validator_info`. */
export function validator(v: ValidatorInfo): JsonObject {
  return {
    address: hex(v.address),
    pub_key: ed25519PubKey(v.pubKey),
    voting_power: v.votingPower.toString(),
    proposer_priority: v.proposerPriority.toString(),
  };
}

export function blockResults(r: BlockResultsRecord): JsonObject {
  return {
    height: r.height.toString(),
    txs_results: r.txResults.length === 0 ? null : r.txResults.map(execTxResult),
    finalize_block_events: r.finalizeBlockEvents.map(event),
    validator_updates: r.validatorUpdates.length === 0 ? null : r.validatorUpdates.map(validatorUpdate),
    consensus_param_updates: null,
    app_hash: base64(r.appHash),
  };
}

/** ResponseFinalizeBlock as carried by the NewBlock event. */
export function finalizeBlockResult(r: BlockResultsRecord): JsonObject {
  return {
    events: r.finalizeBlockEvents.map(event),
    tx_results: r.txResults.map(execTxResult),
    validator_updates: r.validatorUpdates.map(validatorUpdate),
    consensus_param_updates: null,
    app_hash: base64(r.appHash),
  };
}

/** ResultTx (`tx` and each entry of `tx_search`). */
export function txResponse(tx: TxRecord): JsonObject {
  return {
    hash: hex(tx.hash),
    height: tx.height.toString(),
    index: tx.index,
    tx_result: execTxResult(tx.result),
    tx: base64(tx.tx),
  };
}

/** The TxResult carried by a Tx event. */
export function txEventResult(tx: TxRecord): JsonObject {
  return {
    height: tx.height.toString(),
    index: tx.index,
    tx: base64(tx.tx),
    result: execTxResult(tx.result),
  };
}

export function abciInfo(info: ResponseInfo): JsonObject {
  return {
    data: info.data,
    version: info.version,
    app_version: info.appVersion.toString(),
    last_block_height: info.lastBlockHeight.toString(),
    last_block_app_hash: base64(info.lastBlockAppHash),
  };
}

/** ResponseQuery; `height` must be the non-zero height the query ran at (CosmJS rejects "0"). */
export function abciQuery(response: ResponseQuery, height: bigint): JsonObject {
  return {
    code: response.code,
    log: response.log,
    info: response.info,
    index: response.index.toString(),
    key: base64OrNull(response.key),
    value: base64OrNull(response.value),
    proof_ops: null,
    height: height.toString(),
    codespace: response.codespace,
  };
}

/** Flattened event map (`type.key` → values) as sent with websocket events. */
export function eventMap(events: Map<string, string[]>): JsonObject {
  const out: JsonObject = {};
  for (const [key, values] of events) out[key] = values;
  return out;
}
