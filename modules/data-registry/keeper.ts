// Datasets: registration (sequential ids from 1), owner-only updates, allowlist grants and
// deprecation. The training-task and reward modules read datasets through getDataset/hasAccess.
import type { Context } from "../../chain/framework/context.ts";
import { fromBech32, toBech32 } from "../../chain/framework/address.ts";
import { prefixEnd, readUint64BE, toHex, uint64BE } from "../../chain/store/bytes.ts";
import type { KVStore } from "../../chain/store/kv.ts";
import {
  Access,
  Dataset as DatasetCodec,
  DatasetStatus,
  Params as ParamsCodec,
  type Dataset,
  type DatasetFormat,
  type PageRequest,
  type PageResponse,
} from "../../proto/trainchain/data_registry/v1/generated.ts";
import { accessName } from "../../proto/client/json.ts";
import { DataRegistryErrors } from "./errors.ts";
import { DataRegistryAttributes as A, DataRegistryEvents } from "./events.ts";
import {
  DATA_REGISTRY_STORE_PREFIX,
  DatasetPrefix,
  datasetKey,
  grantKey,
  grantPrefix,
  GrantPrefix,
  NextDatasetIdKey,
  ownerIndexKey,
  OwnerIndexPrefix,
  ownerIndexPrefix,
  ParamsKey,
} from "./keys.ts";
import { defaultDataRegistryParams, validateDataRegistryParams, type DataRegistryParams } from "./params.ts";
import {
  checkAccess,
  checkFormat,
  checkLicense,
  checkManifestHash,
  checkName,
  checkRoyalty,
  checkSampleCount,
  checkUris,
  parseAddress,
} from "./validation.ts";

export interface RegisterDatasetInput {
  owner: string;
  name: string;
  format: DatasetFormat | undefined;
  sampleCount: bigint;
  manifestHash: Uint8Array;
  uris: string[];
  license: string;
  royaltyBps: number;
  access: number;
}

/** Fields an owner may change; an absent field is left as it is. */
export interface DatasetChanges {
  uris?: string[];
  license?: string;
  royaltyBps?: number;
  access?: number;
}

export interface DatasetPage {
  datasets: Dataset[];
  pagination: PageResponse;
}

export const DEFAULT_PAGE_LIMIT = 100n;
export const MAX_PAGE_LIMIT = 1000n;

export class DataRegistryKeeper {
  private store(ctx: Context): KVStore {
    return ctx.kv(DATA_REGISTRY_STORE_PREFIX);
  }

  // ---- params

  getParams(ctx: Context): DataRegistryParams {
    const raw = this.store(ctx).get(ParamsKey);
    return raw ? ParamsCodec.decode(raw) : defaultDataRegistryParams();
  }

  setParams(ctx: Context, params: DataRegistryParams): void {
    validateDataRegistryParams(params);
    this.store(ctx).set(ParamsKey, ParamsCodec.encode(params).finish());
  }

  // ---- reads (the surface other modules use)

  getDataset(ctx: Context, id: bigint): Dataset | undefined {
    if (id < 1n) return undefined;
    const raw = this.store(ctx).get(datasetKey(id));
    return raw ? DatasetCodec.decode(raw) : undefined;
  }

  /** Whether `address` may train on dataset `id`: the owner always; PUBLIC → everyone; ALLOWLIST → granted only. */
  hasAccess(ctx: Context, id: bigint, address: string): boolean {
    const dataset = this.getDataset(ctx, id);
    if (!dataset) return false;
    if (address === dataset.owner) return true;
    if (dataset.access === Access.ACCESS_PUBLIC) return true;
    let grantee: Uint8Array;
    try {
      grantee = fromBech32(address);
    } catch {
      return false;
    }
    return this.isGranted(ctx, id, grantee);
  }

  isGranted(ctx: Context, id: bigint, grantee: Uint8Array): boolean {
    return this.store(ctx).has(grantKey(id, grantee));
  }

  /** Granted addresses of a dataset, in address-byte order. */
  grants(ctx: Context, id: bigint): string[] {
    const prefix = grantPrefix(id);
    return this.store(ctx)
      .range(prefix, prefixEnd(prefix))
      .map((e) => toBech32(e.key.subarray(prefix.length)));
  }

  /** The id the next registration gets. */
  nextDatasetId(ctx: Context): bigint {
    const raw = this.store(ctx).get(NextDatasetIdKey);
    return raw ? readUint64BE(raw) : 1n;
  }

  setNextDatasetId(ctx: Context, id: bigint): void {
    this.store(ctx).set(NextDatasetIdKey, uint64BE(id));
  }

  /** All datasets by ascending id (genesis export, invariants). */
  allDatasets(ctx: Context): Dataset[] {
    return this.store(ctx)
      .range(Uint8Array.of(DatasetPrefix), Uint8Array.of(DatasetPrefix + 1))
      .map((e) => DatasetCodec.decode(e.value));
  }

  /** A page of datasets by id; pagination.key is the 8-byte big-endian id to start from. */
  datasets(ctx: Context, page: PageRequest | undefined): DatasetPage {
    const ids = this.store(ctx)
      .range(Uint8Array.of(DatasetPrefix), Uint8Array.of(DatasetPrefix + 1))
      .map((e) => readUint64BE(e.key, 1));
    return this.page(ctx, ids, page);
  }

  datasetsByOwner(ctx: Context, owner: string, page: PageRequest | undefined): DatasetPage {
    const prefix = ownerIndexPrefix(parseAddress(owner, "owner"));
    const ids = this.store(ctx)
      .range(prefix, prefixEnd(prefix))
      .map((e) => readUint64BE(e.key, prefix.length));
    return this.page(ctx, ids, page);
  }

  private page(ctx: Context, ascendingIds: bigint[], page: PageRequest | undefined): DatasetPage {
    const req: PageRequest = page ?? { key: new Uint8Array(), offset: 0n, limit: 0n, countTotal: false, reverse: false };
    if (req.key.length > 0 && req.offset > 0n) throw DataRegistryErrors.InvalidPagination.wrap("give either pagination.key or pagination.offset, not both");
    if (req.key.length !== 0 && req.key.length !== 8) throw DataRegistryErrors.InvalidPagination.wrap(`pagination.key must be the 8-byte next_key of a previous page, got ${req.key.length} bytes`);
    const limit = req.limit === 0n ? DEFAULT_PAGE_LIMIT : req.limit;
    if (limit > MAX_PAGE_LIMIT) throw DataRegistryErrors.InvalidPagination.wrap(`pagination.limit ${limit} is above the maximum ${MAX_PAGE_LIMIT}`);
    const ids = req.reverse ? [...ascendingIds].reverse() : ascendingIds;
    let start = 0;
    if (req.key.length === 8) {
      const from = readUint64BE(req.key);
      start = ids.findIndex((id) => (req.reverse ? id <= from : id >= from));
      if (start < 0) start = ids.length;
    } else if (req.offset > 0n) {
      start = req.offset > BigInt(ids.length) ? ids.length : Number(req.offset);
    }
    const end = BigInt(start) + limit > BigInt(ids.length) ? ids.length : start + Number(limit);
    const datasets = ids.slice(start, end).map((id) => this.getDataset(ctx, id)!);
    const next = ids[end];
    return {
      datasets,
      pagination: {
        nextKey: next === undefined ? new Uint8Array() : uint64BE(next),
        total: req.countTotal || req.offset > 0n || (req.key.length === 0 && start === 0) ? BigInt(ids.length) : 0n,
      },
    };
  }

  // ---- writes

  private requireDataset(ctx: Context, id: bigint): Dataset {
    const dataset = this.getDataset(ctx, id);
    if (!dataset) throw DataRegistryErrors.DatasetNotFound.wrap(`dataset ${id} does not exist`);
    return dataset;
  }

  private requireOwner(ctx: Context, id: bigint, signer: string): Dataset {
    parseAddress(signer, "owner");
    const dataset = this.requireDataset(ctx, id);
    if (dataset.owner !== signer) throw DataRegistryErrors.NotOwner.wrap(`dataset ${id} is owned by ${dataset.owner}, not ${signer}`);
    return dataset;
  }

  private requireActive(dataset: Dataset): void {
    if (dataset.status === DatasetStatus.DATASET_STATUS_DEPRECATED) throw DataRegistryErrors.DatasetDeprecated.wrap(`dataset ${dataset.id} was deprecated`);
  }

  private setDataset(ctx: Context, dataset: Dataset): void {
    this.store(ctx).set(datasetKey(dataset.id), DatasetCodec.encode(dataset).finish());
  }

  /** Stores a dataset as given (genesis import); keeps the owner index in step. */
  importDataset(ctx: Context, dataset: Dataset): void {
    this.setDataset(ctx, dataset);
    this.store(ctx).set(ownerIndexKey(fromBech32(dataset.owner), dataset.id), new Uint8Array());
  }

  registerDataset(ctx: Context, input: RegisterDatasetInput): Dataset {
    const params = this.getParams(ctx);
    const owner = parseAddress(input.owner, "owner");
    checkName(input.name);
    if (input.name.length > params.maxNameLength) throw DataRegistryErrors.InvalidName.wrap(`name has ${input.name.length} characters, at most ${params.maxNameLength} allowed`);
    checkFormat(input.format);
    checkSampleCount(input.sampleCount);
    checkManifestHash(input.manifestHash);
    checkUris(input.uris, params);
    checkLicense(input.license, params.maxLicenseLength);
    checkRoyalty(input.royaltyBps);
    checkAccess(input.access);
    const id = this.nextDatasetId(ctx);
    const dataset: Dataset = {
      id,
      owner: input.owner,
      name: input.name,
      format: input.format,
      sampleCount: input.sampleCount,
      manifestHash: input.manifestHash,
      uris: [...input.uris],
      license: input.license,
      royaltyBps: input.royaltyBps,
      access: input.access,
      status: DatasetStatus.DATASET_STATUS_ACTIVE,
      createdHeight: ctx.block.height,
      updatedHeight: ctx.block.height,
    };
    this.setNextDatasetId(ctx, id + 1n);
    this.setDataset(ctx, dataset);
    this.store(ctx).set(ownerIndexKey(owner, id), new Uint8Array());
    ctx.events.emit(DataRegistryEvents.registered, [
      [A.datasetId, id.toString()],
      [A.owner, input.owner],
      [A.name, input.name],
      [A.manifestHash, toHex(input.manifestHash)],
      [A.access, accessName(input.access)],
      [A.royaltyBps, String(input.royaltyBps)],
    ]);
    return dataset;
  }

  updateDataset(ctx: Context, signer: string, id: bigint, changes: DatasetChanges): Dataset {
    const dataset = this.requireOwner(ctx, id, signer);
    this.requireActive(dataset);
    const params = this.getParams(ctx);
    const fields: string[] = [];
    const updated: Dataset = { ...dataset, updatedHeight: ctx.block.height };
    if (changes.uris !== undefined) {
      checkUris(changes.uris, params);
      updated.uris = [...changes.uris];
      fields.push("uris");
    }
    if (changes.license !== undefined) {
      checkLicense(changes.license, params.maxLicenseLength);
      updated.license = changes.license;
      fields.push("license");
    }
    if (changes.royaltyBps !== undefined) {
      checkRoyalty(changes.royaltyBps);
      updated.royaltyBps = changes.royaltyBps;
      fields.push("royalty_bps");
    }
    if (changes.access !== undefined) {
      checkAccess(changes.access);
      updated.access = changes.access;
      fields.push("access");
    }
    if (fields.length === 0) throw DataRegistryErrors.EmptyUpdate.wrap("set at least one of uris, license, royalty, access");
    this.setDataset(ctx, updated);
    ctx.events.emit(DataRegistryEvents.updated, [
      [A.datasetId, id.toString()],
      [A.owner, signer],
      [A.fields, fields.join(",")],
    ]);
    return updated;
  }

  grantAccess(ctx: Context, signer: string, id: bigint, grantee: string): void {
    const dataset = this.requireOwner(ctx, id, signer);
    this.requireActive(dataset);
    const granteeBytes = parseAddress(grantee, "grantee");
    if (grantee === dataset.owner) throw DataRegistryErrors.SelfGrant.wrap(`${grantee} owns dataset ${id}`);
    if (this.isGranted(ctx, id, granteeBytes)) throw DataRegistryErrors.AlreadyGranted.wrap(`${grantee} already has access to dataset ${id}`);
    this.store(ctx).set(grantKey(id, granteeBytes), new Uint8Array());
    ctx.events.emit(DataRegistryEvents.accessGranted, [
      [A.datasetId, id.toString()],
      [A.owner, signer],
      [A.grantee, grantee],
    ]);
  }

  revokeAccess(ctx: Context, signer: string, id: bigint, grantee: string): void {
    this.requireOwner(ctx, id, signer);
    const granteeBytes = parseAddress(grantee, "grantee");
    if (!this.isGranted(ctx, id, granteeBytes)) throw DataRegistryErrors.GrantNotFound.wrap(`${grantee} has no grant on dataset ${id}`);
    this.store(ctx).delete(grantKey(id, granteeBytes));
    ctx.events.emit(DataRegistryEvents.accessRevoked, [
      [A.datasetId, id.toString()],
      [A.owner, signer],
      [A.grantee, grantee],
    ]);
  }

  deprecateDataset(ctx: Context, signer: string, id: bigint, reason: string): Dataset {
    const dataset = this.requireOwner(ctx, id, signer);
    this.requireActive(dataset);
    const updated: Dataset = { ...dataset, status: DatasetStatus.DATASET_STATUS_DEPRECATED, updatedHeight: ctx.block.height };
    this.setDataset(ctx, updated);
    ctx.events.emit(DataRegistryEvents.deprecated, [
      [A.datasetId, id.toString()],
      [A.owner, signer],
      [A.reason, reason],
    ]);
    return updated;
  }

  /** Stores a grant as given (genesis import). */
  importGrant(ctx: Context, id: bigint, grantee: Uint8Array): void {
    this.store(ctx).set(grantKey(id, grantee), new Uint8Array());
  }

  /** Raw grant keys (dataset id, grantee) for genesis export. */
  allGrants(ctx: Context): { datasetId: bigint; grantee: string }[] {
    const prefix = Uint8Array.of(GrantPrefix);
    return this.store(ctx)
      .range(prefix, prefixEnd(prefix))
      .map((e) => ({ datasetId: readUint64BE(e.key, 1), grantee: toBech32(e.key.subarray(9)) }));
  }

  /** Every owner-index entry as (owner, id), for the index invariant. */
  ownerIndex(ctx: Context): { owner: string; datasetId: bigint }[] {
    const prefix = Uint8Array.of(OwnerIndexPrefix);
    return this.store(ctx)
      .range(prefix, prefixEnd(prefix))
      .map((e) => {
        const len = e.key[1]!;
        return { owner: toBech32(e.key.subarray(2, 2 + len)), datasetId: readUint64BE(e.key, 2 + len) };
      });
  }
}
