// Typed query helpers over ABCI for CosmJS's QueryClient: `QueryClient.withExtensions(comet,
// setupTrainchainStakingExtension, setupDataRegistryExtension)` or createTrainchainQueries(comet).
import { createProtobufRpcClient, QueryClient } from "@cosmjs/stargate";
import type { CometClient } from "@cosmjs/tendermint-rpc";
import {
  QueryDatasetRequest,
  QueryDatasetResponse,
  QueryDatasetsByOwnerRequest,
  QueryDatasetsRequest,
  QueryDatasetsResponse,
  QueryGrantsRequest,
  QueryGrantsResponse,
  QueryHasAccessRequest,
  QueryHasAccessResponse,
  QueryParamsRequest as DataRegistryParamsRequest,
  QueryParamsResponse as DataRegistryParamsResponse,
  type Dataset,
  type PageRequest,
  type Params as DataRegistryParams,
} from "../trainchain/data_registry/v1/generated.ts";
import {
  QueryParamsRequest as StakingParamsRequest,
  QueryParamsResponse as StakingParamsResponse,
  QueryUnbondingEntriesRequest,
  QueryUnbondingEntriesResponse,
  QueryValidatorRequest,
  QueryValidatorResponse,
  QueryValidatorsRequest,
  QueryValidatorsResponse,
  type Params as StakingParams,
  type UnbondingEntry,
  type Validator,
} from "../trainchain/staking/v1/generated.ts";

const STAKING_SERVICE = "trainchain.staking.v1.Query";
const DATA_REGISTRY_SERVICE = "trainchain.data_registry.v1.Query";

export interface TrainchainStakingExtension {
  readonly trainchainStaking: {
    validators(): Promise<Validator[]>;
    validator(operatorAddress: string): Promise<Validator>;
    params(): Promise<StakingParams>;
    unbondingEntries(operatorAddress?: string): Promise<UnbondingEntry[]>;
  };
}

export interface DataRegistryExtension {
  readonly dataRegistry: {
    dataset(id: bigint): Promise<Dataset>;
    datasets(pagination?: Partial<PageRequest>): Promise<QueryDatasetsResponse>;
    datasetsByOwner(owner: string, pagination?: Partial<PageRequest>): Promise<QueryDatasetsResponse>;
    hasAccess(id: bigint, address: string): Promise<boolean>;
    grants(id: bigint): Promise<string[]>;
    params(): Promise<DataRegistryParams>;
  };
}

function pageRequest(p: Partial<PageRequest> | undefined): PageRequest | undefined {
  if (!p) return undefined;
  return { key: p.key ?? new Uint8Array(), offset: p.offset ?? 0n, limit: p.limit ?? 0n, countTotal: p.countTotal ?? false, reverse: p.reverse ?? false };
}

export function setupTrainchainStakingExtension(base: QueryClient): TrainchainStakingExtension {
  const rpc = createProtobufRpcClient(base);
  return {
    trainchainStaking: {
      validators: async () => QueryValidatorsResponse.decode(await rpc.request(STAKING_SERVICE, "Validators", QueryValidatorsRequest.encode({}).finish())).validators,
      validator: async (operatorAddress) => {
        const res = QueryValidatorResponse.decode(await rpc.request(STAKING_SERVICE, "Validator", QueryValidatorRequest.encode({ operatorAddress }).finish()));
        if (!res.validator) throw new Error(`validator ${operatorAddress} not found`);
        return res.validator;
      },
      params: async () => {
        const res = StakingParamsResponse.decode(await rpc.request(STAKING_SERVICE, "Params", StakingParamsRequest.encode({}).finish()));
        if (!res.params) throw new Error("staking params missing from the response");
        return res.params;
      },
      unbondingEntries: async (operatorAddress = "") =>
        QueryUnbondingEntriesResponse.decode(await rpc.request(STAKING_SERVICE, "UnbondingEntries", QueryUnbondingEntriesRequest.encode({ operatorAddress }).finish())).entries,
    },
  };
}

export function setupDataRegistryExtension(base: QueryClient): DataRegistryExtension {
  const rpc = createProtobufRpcClient(base);
  return {
    dataRegistry: {
      dataset: async (id) => {
        const res = QueryDatasetResponse.decode(await rpc.request(DATA_REGISTRY_SERVICE, "Dataset", QueryDatasetRequest.encode({ datasetId: id }).finish()));
        if (!res.dataset) throw new Error(`dataset ${id} not found`);
        return res.dataset;
      },
      datasets: async (pagination) =>
        QueryDatasetsResponse.decode(await rpc.request(DATA_REGISTRY_SERVICE, "Datasets", QueryDatasetsRequest.encode({ pagination: pageRequest(pagination) }).finish())),
      datasetsByOwner: async (owner, pagination) =>
        QueryDatasetsResponse.decode(
          await rpc.request(DATA_REGISTRY_SERVICE, "DatasetsByOwner", QueryDatasetsByOwnerRequest.encode({ owner, pagination: pageRequest(pagination) }).finish()),
        ),
      hasAccess: async (id, address) =>
        QueryHasAccessResponse.decode(await rpc.request(DATA_REGISTRY_SERVICE, "HasAccess", QueryHasAccessRequest.encode({ datasetId: id, address }).finish())).hasAccess,
      grants: async (id) => QueryGrantsResponse.decode(await rpc.request(DATA_REGISTRY_SERVICE, "Grants", QueryGrantsRequest.encode({ datasetId: id }).finish())).grantees,
      params: async () => {
        const res = DataRegistryParamsResponse.decode(await rpc.request(DATA_REGISTRY_SERVICE, "Params", DataRegistryParamsRequest.encode({}).finish()));
        if (!res.params) throw new Error("data registry params missing from the response");
        return res.params;
      },
    },
  };
}

export type TrainchainQueryClient = QueryClient & TrainchainStakingExtension & DataRegistryExtension;

/** A QueryClient with every trainchain query extension. */
export function createTrainchainQueries(comet: CometClient): TrainchainQueryClient {
  return QueryClient.withExtensions(comet, setupTrainchainStakingExtension, setupDataRegistryExtension);
}
