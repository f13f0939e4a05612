// data-registry genesis: params, datasets (JSON with hex manifest hashes and enum names), grants
// and the next dataset id.
import type { Context } from "../../chain/framework/context.ts";
import { fromHex } from "../../chain/store/bytes.ts";
import { Access, DatasetStatus, type Dataset } from "../../proto/trainchain/data_registry/v1/generated.ts";
import { datasetJson, type DatasetJson } from "../../proto/client/json.ts";
import type { DataRegistryKeeper } from "./keeper.ts";
import { defaultDataRegistryParams } from "./params.ts";
import {
  checkAccess,
  checkFormat,
  checkManifestHash,
  checkName,
  checkRoyalty,
  checkSampleCount,
  checkUris,
  parseAddress,
} from "./validation.ts";

export interface DataRegistryGenesis {
  params: { max_name_length: number; max_license_length: number; max_uris: number; max_uri_length: number };
  datasets: DatasetJson[];
  grants: { dataset_id: string; grantee: string }[];
  next_dataset_id: string;
}

export function defaultDataRegistryGenesis(): DataRegistryGenesis {
  const p = defaultDataRegistryParams();
  return {
    params: { max_name_length: p.maxNameLength, max_license_length: p.maxLicenseLength, max_uris: p.maxUris, max_uri_length: p.maxUriLength },
    datasets: [],
    grants: [],
    next_dataset_id: "1",
  };
}

function enumValue(name: string, values: Record<string, number>, field: string): number {
  const v = values[name];
  if (v === undefined) throw new Error(`genesis: data_registry ${field} "${name}"; expected one of ${Object.keys(values).join(", ")}`);
  return v;
}

function uint(value: string, field: string): bigint {
  if (!/^[0-9]+$/.test(String(value))) throw new Error(`genesis: data_registry ${field} must be a non-negative integer string, got "${value}"`);
  return BigInt(value);
}

export function datasetFromJson(d: DatasetJson): Dataset {
  return {
    id: uint(d.id, "dataset id"),
    owner: d.owner,
    name: d.name,
    format: { featureShape: [...d.format.feature_shape], featureDtype: d.format.feature_dtype, labelDtype: d.format.label_dtype, classCount: d.format.class_count },
    sampleCount: uint(d.sample_count, `dataset ${d.id} sample_count`),
    manifestHash: fromHex(d.manifest_hash),
    uris: [...(d.uris ?? [])],
    license: d.license ?? "",
    royaltyBps: d.royalty_bps,
    access: enumValue(d.access, Access, "access"),
    status: enumValue(d.status, DatasetStatus, "status"),
    createdHeight: uint(d.created_height ?? "0", "created_height"),
    updatedHeight: uint(d.updated_height ?? "0", "updated_height"),
  };
}

/** The genesis/JSON view of a dataset (the same view the CLI and REST API print). */
export const datasetToJson: (d: Dataset) => DatasetJson = datasetJson;

export function initDataRegistryGenesis(ctx: Context, keeper: DataRegistryKeeper, state: DataRegistryGenesis): void {
  const d = defaultDataRegistryParams();
  const p = state.params ?? {};
  try {
    keeper.setParams(ctx, {
      maxNameLength: p.max_name_length ?? d.maxNameLength,
      maxLicenseLength: p.max_license_length ?? d.maxLicenseLength,
      maxUris: p.max_uris ?? d.maxUris,
      maxUriLength: p.max_uri_length ?? d.maxUriLength,
    });
  } catch (err) {
    throw new Error(`genesis: ${(err as Error).message}`);
  }
  let maxId = 0n;
  for (const json of state.datasets ?? []) {
    const dataset = datasetFromJson(json);
    try {
      if (dataset.id < 1n) throw new Error("id must be ≥ 1");
      parseAddress(dataset.owner, "owner");
      checkName(dataset.name);
      checkFormat(dataset.format);
      checkSampleCount(dataset.sampleCount);
      checkManifestHash(dataset.manifestHash);
      checkUris(dataset.uris);
      checkRoyalty(dataset.royaltyBps);
      checkAccess(dataset.access);
      if (dataset.status !== DatasetStatus.DATASET_STATUS_ACTIVE && dataset.status !== DatasetStatus.DATASET_STATUS_DEPRECATED) throw new Error("status must be ACTIVE or DEPRECATED");
    } catch (err) {
      throw new Error(`genesis: dataset ${json.id}: ${(err as Error).message}`);
    }
    if (keeper.getDataset(ctx, dataset.id)) throw new Error(`genesis: duplicate dataset id ${dataset.id}`);
    keeper.importDataset(ctx, dataset);
    if (dataset.id > maxId) maxId = dataset.id;
  }
  for (const g of state.grants ?? []) {
    const id = uint(g.dataset_id, "grant dataset_id");
    const dataset = keeper.getDataset(ctx, id);
    if (!dataset) throw new Error(`genesis: grant for unknown dataset ${id}`);
    const grantee = parseAddress(g.grantee, "grantee");
    if (keeper.isGranted(ctx, id, grantee)) throw new Error(`genesis: duplicate grant of dataset ${id} to ${g.grantee}`);
    keeper.importGrant(ctx, id, grantee);
  }
  const next = uint(state.next_dataset_id ?? "1", "next_dataset_id");
  keeper.setNextDatasetId(ctx, next > maxId ? next : maxId + 1n);
}

export function exportDataRegistryGenesis(ctx: Context, keeper: DataRegistryKeeper): DataRegistryGenesis {
  const p = keeper.getParams(ctx);
  return {
    params: { max_name_length: p.maxNameLength, max_license_length: p.maxLicenseLength, max_uris: p.maxUris, max_uri_length: p.maxUriLength },
    datasets: keeper.allDatasets(ctx).map(datasetToJson),
    grants: keeper.allGrants(ctx).map((g) => ({ dataset_id: g.datasetId.toString(), grantee: g.grantee })),
    next_dataset_id: keeper.nextDatasetId(ctx).toString(),
  };
}
