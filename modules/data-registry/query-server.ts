// data-registry gRPC queries over ABCI: Dataset, Datasets, DatasetsByOwner, HasAccess, Grants, Params.
import { SdkErrors } from "../../chain/framework/errors.ts";
import type { QueryHandler } from "../../chain/framework/module.ts";
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
  QueryParamsResponse,
} from "../../proto/trainchain/data_registry/v1/generated.ts";
import type { DataRegistryKeeper } from "./keeper.ts";
import { checkDatasetId, parseAddress } from "./validation.ts";

export const DATA_REGISTRY_QUERY_PATHS = {
  dataset: "/trainchain.data_registry.v1.Query/Dataset",
  datasets: "/trainchain.data_registry.v1.Query/Datasets",
  datasetsByOwner: "/trainchain.data_registry.v1.Query/DatasetsByOwner",
  hasAccess: "/trainchain.data_registry.v1.Query/HasAccess",
  grants: "/trainchain.data_registry.v1.Query/Grants",
  params: "/trainchain.data_registry.v1.Query/Params",
} as const;

export function dataRegistryQueries(keeper: DataRegistryKeeper): QueryHandler[] {
  return [
    {
      path: DATA_REGISTRY_QUERY_PATHS.dataset,
      handle: (ctx, request) => {
        const req = QueryDatasetRequest.decode(request);
        checkDatasetId(req.datasetId);
        const dataset = keeper.getDataset(ctx, req.datasetId);
        if (!dataset) throw SdkErrors.NotFound.wrap(`rpc error: code = NotFound desc = dataset ${req.datasetId} not found`);
        return QueryDatasetResponse.encode({ dataset }).finish();
      },
    },
    {
      path: DATA_REGISTRY_QUERY_PATHS.datasets,
      handle: (ctx, request) => QueryDatasetsResponse.encode(keeper.datasets(ctx, QueryDatasetsRequest.decode(request).pagination)).finish(),
    },
    {
      path: DATA_REGISTRY_QUERY_PATHS.datasetsByOwner,
      handle: (ctx, request) => {
        const req = QueryDatasetsByOwnerRequest.decode(request);
        return QueryDatasetsResponse.encode(keeper.datasetsByOwner(ctx, req.owner, req.pagination)).finish();
      },
    },
    {
      path: DATA_REGISTRY_QUERY_PATHS.hasAccess,
      handle: (ctx, request) => {
        const req = QueryHasAccessRequest.decode(request);
        checkDatasetId(req.datasetId);
        parseAddress(req.address, "address");
        if (!keeper.getDataset(ctx, req.datasetId)) throw SdkErrors.NotFound.wrap(`rpc error: code = NotFound desc = dataset ${req.datasetId} not found`);
        return QueryHasAccessResponse.encode({ hasAccess: keeper.hasAccess(ctx, req.datasetId, req.address) }).finish();
      },
    },
    {
      path: DATA_REGISTRY_QUERY_PATHS.grants,
      handle: (ctx, request) => {
        const req = QueryGrantsRequest.decode(request);
        checkDatasetId(req.datasetId);
        if (!keeper.getDataset(ctx, req.datasetId)) throw SdkErrors.NotFound.wrap(`rpc error: code = NotFound desc = dataset ${req.datasetId} not found`);
        return QueryGrantsResponse.encode({ grantees: keeper.grants(ctx, req.datasetId) }).finish();
      },
    },
    {
      path: DATA_REGISTRY_QUERY_PATHS.params,
      handle: (ctx) => QueryParamsResponse.encode({ params: keeper.getParams(ctx) }).finish(),
    },
  ];
}
