// The genesis document, in CometBFT's genesis.json shape with our app_state inside.
import { readFileSync, writeFileSync } from "node:fs";
import { ConsensusParams } from "cosmjs-types/tendermint/types/params";
import type { RequestInitChain } from "cosmjs-types/tendermint/abci/types";
import { sha256 } from "./hashing.ts";

export interface GenesisDoc {
  genesis_time: string;
  chain_id: string;
  initial_height: string;
  consensus_params: {
    block: { max_bytes: string; max_gas: string };
    evidence: { max_age_num_blocks: string; max_age_duration: string; max_bytes: string };
    validator: { pub_key_types: string[] };
    version: { app: string };
    abci: { vote_extensions_enable_height: string };
  };
  validators?: { address: string; pub_key: { type: string; value: string }; power: string; name: string }[];
  app_hash: string;
  app_state: Record<string, unknown>;
}

export function defaultConsensusParams(): GenesisDoc["consensus_params"] {
  return {
    // CometBFT's defaults (as `simd init` writes them): 21 MiB blocks, no block gas limit
    block: { max_bytes: "22020096", max_gas: "-1" },
    evidence: { max_age_num_blocks: "100000", max_age_duration: "172800000000000", max_bytes: "1048576" },
    validator: { pub_key_types: ["ed25519"] },
    version: { app: "0" },
    abci: { vote_extensions_enable_height: "0" },
  };
}

const CHAIN_ID_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,49}$/;

export function validateChainId(chainId: string): void {
  if (!CHAIN_ID_RE.test(chainId)) throw new Error(`invalid chain id ${JSON.stringify(chainId)}: use 1-50 letters, digits, '.', '_' or '-'`);
}

export function readGenesis(path: string): GenesisDoc {
  let doc: GenesisDoc;
  try {
    doc = JSON.parse(readFileSync(path, "utf8")) as GenesisDoc;
  } catch (err) {
    throw new Error(`cannot read genesis ${path}: ${(err as Error).message}`);
  }
  if (typeof doc.chain_id !== "string") throw new Error(`genesis ${path} has no chain_id`);
  validateChainId(doc.chain_id);
  if (typeof doc.app_state !== "object" || doc.app_state === null) throw new Error(`genesis ${path} has no app_state object`);
  if (Number.isNaN(Date.parse(doc.genesis_time))) throw new Error(`genesis ${path}: genesis_time is not an RFC3339 time`);
  const block = (doc.consensus_params as Partial<GenesisDoc["consensus_params"]> | undefined)?.block;
  if (typeof block !== "object" || block === null) throw new Error(`genesis ${path} has no consensus_params.block`);
  // CometBFT's rules: blocks have a positive byte limit; max_gas -1 means no gas limit
  if (!/^[0-9]+$/.test(String(block.max_bytes)) || BigInt(block.max_bytes) === 0n) {
    throw new Error(`genesis ${path}: consensus_params.block.max_bytes must be a positive integer, got ${JSON.stringify(block.max_bytes)}`);
  }
  if (!/^(-1|[0-9]+)$/.test(String(block.max_gas))) {
    throw new Error(`genesis ${path}: consensus_params.block.max_gas must be -1 (no limit) or a non-negative integer, got ${JSON.stringify(block.max_gas)}`);
  }
  return doc;
}

export function writeGenesis(path: string, doc: GenesisDoc): void {
  writeFileSync(path, JSON.stringify(doc, null, 2) + "\n");
}

export function consensusParamsHash(doc: GenesisDoc): Uint8Array {
  return sha256(
    ConsensusParams.encode({
      block: { maxBytes: BigInt(doc.consensus_params.block.max_bytes), maxGas: BigInt(doc.consensus_params.block.max_gas) },
      evidence: undefined,
      validator: { pubKeyTypes: doc.consensus_params.validator.pub_key_types },
      version: { app: BigInt(doc.consensus_params.version.app) },
      abci: undefined,
    }).finish(),
  );
}

/** RFC3339 time (with nanoseconds when present) → protobuf Timestamp. */
export function parseTime(s: string): { seconds: bigint; nanos: number } {
  const m = /^(.*?)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) throw new Error(`invalid time ${JSON.stringify(s)}`);
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) throw new Error(`invalid time ${JSON.stringify(s)}`);
  return { seconds: BigInt(Math.floor(ms / 1000)), nanos: Number((m[2] ?? "").padEnd(9, "0")) };
}

/** The InitChain request for a genesis document (validators come from the app's staking genesis). */
export function initChainRequest(doc: GenesisDoc): RequestInitChain {
  return {
    time: parseTime(doc.genesis_time),
    chainId: doc.chain_id,
    consensusParams: undefined,
    validators: [],
    appStateBytes: new TextEncoder().encode(JSON.stringify(doc.app_state)),
    initialHeight: BigInt(doc.initial_height || "1"),
  };
}
