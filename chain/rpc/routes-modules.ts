// REST routes for the staking and data-registry modules (grpc-gateway style JSON), answered through
// ABCI queries on the NodeView like the bank/auth routes in api.ts.
import type { FastifyInstance } from "fastify";
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
  type PageRequest,
} from "../../proto/trainchain/data_registry/v1/generated.ts";
import {
  QueryParamsResponse as StakingParamsResponse,
  QueryUnbondingEntriesRequest,
  QueryUnbondingEntriesResponse,
  QueryValidatorRequest,
  QueryValidatorResponse,
  QueryValidatorsResponse,
} from "../../proto/trainchain/staking/v1/generated.ts";
import { datasetJson, unbondingEntryJson, validatorJson } from "../../proto/client/json.ts";
import type { NodeView } from "../node/types.js";
import { ApiError, apiErrorFromAbci } from "./errors.js";

interface PaginationQuery {
  "pagination.key"?: string;
  "pagination.offset"?: string;
  "pagination.limit"?: string;
  "pagination.count_total"?: string;
  "pagination.reverse"?: string;
}

const PAGINATION_PROPERTIES = {
  "pagination.key": { type: "string" },
  "pagination.offset": { type: "string", pattern: "^[0-9]+$" },
  "pagination.limit": { type: "string", pattern: "^[0-9]+$" },
  "pagination.count_total": { type: "string", enum: ["true", "false"] },
  "pagination.reverse": { type: "string", enum: ["true", "false"] },
} as const;

const ID_PARAMS = { type: "object", properties: { id: { type: "string", pattern: "^[0-9]+$" } }, required: ["id"] } as const;

function pageRequest(q: PaginationQuery): PageRequest | undefined {
  if (Object.keys(q).every((k) => !k.startsWith("pagination."))) return undefined;
  return {
    key: new Uint8Array(Buffer.from(q["pagination.key"] ?? "", "base64")),
    offset: BigInt(q["pagination.offset"] ?? "0"),
    limit: BigInt(q["pagination.limit"] ?? "0"),
    countTotal: q["pagination.count_total"] === "true",
    reverse: q["pagination.reverse"] === "true",
  };
}

function datasetId(text: string): bigint {
  const id = BigInt(text);
  if (id < 1n || id >= 1n << 64n) throw new ApiError("INVALID_ARGUMENT", `invalid dataset id ${text}: expected a positive 64-bit integer`);
  return id;
}

/** Registers the module routes on the API server. */
export function registerModuleRoutes(app: FastifyInstance, view: NodeView): void {
  function abci<Res>(path: string, request: Uint8Array, decode: (bytes: Uint8Array) => Res): Res {
    const response = view.abciQuery(path, request, 0n, false);
    if (response.code !== 0) throw apiErrorFromAbci(response.code, response.codespace, response.log);
    return decode(response.value);
  }

  app.get<{ Querystring: PaginationQuery & { owner?: string } }>(
    "/trainchain/data_registry/v1/datasets",
    { schema: { querystring: { type: "object", properties: { ...PAGINATION_PROPERTIES, owner: { type: "string" } } } } },
    async (request) => {
      const pagination = pageRequest(request.query);
      const owner = request.query.owner;
      const res =
        owner !== undefined && owner !== ""
          ? abci("/trainchain.data_registry.v1.Query/DatasetsByOwner", QueryDatasetsByOwnerRequest.encode({ owner, pagination }).finish(), (b) => QueryDatasetsResponse.decode(b))
          : abci("/trainchain.data_registry.v1.Query/Datasets", QueryDatasetsRequest.encode({ pagination }).finish(), (b) => QueryDatasetsResponse.decode(b));
      const next = res.pagination?.nextKey ?? new Uint8Array();
      return {
        datasets: res.datasets.map(datasetJson),
        pagination: { next_key: next.length === 0 ? null : Buffer.from(next).toString("base64"), total: (res.pagination?.total ?? 0n).toString() },
      };
    },
  );

  app.get<{ Params: { id: string } }>("/trainchain/data_registry/v1/datasets/:id", { schema: { params: ID_PARAMS } }, async (request) => {
    const req = QueryDatasetRequest.encode({ datasetId: datasetId(request.params.id) }).finish();
    const res = abci("/trainchain.data_registry.v1.Query/Dataset", req, (b) => QueryDatasetResponse.decode(b));
    if (!res.dataset) throw new ApiError("NOT_FOUND", `dataset ${request.params.id} not found`);
    return { dataset: datasetJson(res.dataset) };
  });

  app.get<{ Params: { id: string } }>("/trainchain/data_registry/v1/datasets/:id/grants", { schema: { params: ID_PARAMS } }, async (request) => {
    const req = QueryGrantsRequest.encode({ datasetId: datasetId(request.params.id) }).finish();
    return { grantees: abci("/trainchain.data_registry.v1.Query/Grants", req, (b) => QueryGrantsResponse.decode(b)).grantees };
  });

  app.get<{ Params: { id: string; address: string } }>(
    "/trainchain/data_registry/v1/datasets/:id/access/:address",
    { schema: { params: { type: "object", properties: { id: { type: "string", pattern: "^[0-9]+$" }, address: { type: "string" } }, required: ["id", "address"] } } },
    async (request) => {
      const req = QueryHasAccessRequest.encode({ datasetId: datasetId(request.params.id), address: request.params.address }).finish();
      return { has_access: abci("/trainchain.data_registry.v1.Query/HasAccess", req, (b) => QueryHasAccessResponse.decode(b)).hasAccess };
    },
  );

  app.get("/trainchain/staking/v1/validators", async () => {
    const res = abci("/trainchain.staking.v1.Query/Validators", new Uint8Array(), (b) => QueryValidatorsResponse.decode(b));
    return { validators: res.validators.map(validatorJson) };
  });

  app.get<{ Params: { operator: string } }>("/trainchain/staking/v1/validators/:operator", async (request) => {
    const req = QueryValidatorRequest.encode({ operatorAddress: request.params.operator }).finish();
    const res = abci("/trainchain.staking.v1.Query/Validator", req, (b) => QueryValidatorResponse.decode(b));
    if (!res.validator) throw new ApiError("NOT_FOUND", `validator ${request.params.operator} not found`);
    return { validator: validatorJson(res.validator) };
  });

  app.get("/trainchain/staking/v1/params", async () => {
    const p = abci("/trainchain.staking.v1.Query/Params", new Uint8Array(), (b) => StakingParamsResponse.decode(b)).params;
    return { params: { bond_denom: p?.bondDenom ?? "", unbonding_blocks: (p?.unbondingBlocks ?? 0n).toString() } };
  });

  app.get<{ Querystring: { operator?: string } }>(
    "/trainchain/staking/v1/unbonding_entries",
    { schema: { querystring: { type: "object", properties: { operator: { type: "string" } } } } },
    async (request) => {
      const req = QueryUnbondingEntriesRequest.encode({ operatorAddress: request.query.operator ?? "" }).finish();
      return { entries: abci("/trainchain.staking.v1.Query/UnbondingEntries", req, (b) => QueryUnbondingEntriesResponse.decode(b)).entries.map(unbondingEntryJson) };
    },
  );
}
