// JSON views of trainchain state for the CLI (--output json) and the REST API: snake_case field
// names, 64-bit integers as strings, hashes as lowercase hex, keys base64, enums by name.
import type { Dataset } from "../trainchain/data_registry/v1/generated.ts";
import type { UnbondingEntry, Validator } from "../trainchain/staking/v1/generated.ts";

/** Voting power units per bonded token unit (as modules/staking POWER_REDUCTION). */
export const POWER_REDUCTION = 1_000_000n;

const ACCESS_NAMES: Record<number, string> = { 0: "ACCESS_UNSPECIFIED", 1: "ACCESS_PUBLIC", 2: "ACCESS_ALLOWLIST" };
const STATUS_NAMES: Record<number, string> = { 0: "DATASET_STATUS_UNSPECIFIED", 1: "DATASET_STATUS_ACTIVE", 2: "DATASET_STATUS_DEPRECATED" };

export interface DatasetJson {
  id: string;
  owner: string;
  name: string;
  format: { feature_shape: number[]; feature_dtype: string; label_dtype: string; class_count: number };
  sample_count: string;
  manifest_hash: string;
  uris: string[];
  license: string;
  royalty_bps: number;
  access: string;
  status: string;
  created_height: string;
  updated_height: string;
}

export function accessName(access: number): string {
  return ACCESS_NAMES[access] ?? `ACCESS_${access}`;
}

export function statusName(status: number): string {
  return STATUS_NAMES[status] ?? `DATASET_STATUS_${status}`;
}

export function datasetJson(d: Dataset): DatasetJson {
  return {
    id: d.id.toString(),
    owner: d.owner,
    name: d.name,
    format: {
      feature_shape: [...(d.format?.featureShape ?? [])],
      feature_dtype: d.format?.featureDtype ?? "",
      label_dtype: d.format?.labelDtype ?? "",
      class_count: d.format?.classCount ?? 0,
    },
    sample_count: d.sampleCount.toString(),
    manifest_hash: Buffer.from(d.manifestHash).toString("hex"),
    uris: [...d.uris],
    license: d.license,
    royalty_bps: d.royaltyBps,
    access: accessName(d.access),
    status: statusName(d.status),
    created_height: d.createdHeight.toString(),
    updated_height: d.updatedHeight.toString(),
  };
}

export interface ValidatorJson {
  operator_address: string;
  consensus_pubkey: { "@type": string; key: string };
  moniker: string;
  tokens: string;
  power: string;
  jailed: boolean;
  created_height: string;
}

export function validatorJson(v: Validator): ValidatorJson {
  const tokens = BigInt(v.tokens === "" ? "0" : v.tokens);
  return {
    operator_address: v.operatorAddress,
    consensus_pubkey: { "@type": "/cosmos.crypto.ed25519.PubKey", key: Buffer.from(v.consensusPubkey).toString("base64") },
    moniker: v.moniker,
    tokens: tokens.toString(),
    power: (v.jailed ? 0n : tokens / POWER_REDUCTION).toString(),
    jailed: v.jailed,
    created_height: v.createdHeight.toString(),
  };
}

export function unbondingEntryJson(e: UnbondingEntry): Record<string, string> {
  return {
    id: e.id.toString(),
    operator_address: e.operatorAddress,
    amount: e.amount,
    creation_height: e.creationHeight.toString(),
    completion_height: e.completionHeight.toString(),
  };
}
