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
} from "../../proto/trainchain/data_registry/v1/generated.ts";
import {
  QueryParamsResponse as StakingParamsResponse,
  QueryUnbondingEntriesRequest,
  QueryUnbondingEntriesResponse,
  QueryValidatorRequest,
  QueryValidatorResponse,
  QueryValidatorsResponse,
} from "../../proto/trainchain/staking/v1/generated.ts";
import {
  QueryPendingChallengesRequest,
  QueryPendingChallengesResponse,
  QueryProofRequest,
  QueryProofResponse,
  QueryProofsByTaskRequest,
  QueryProofsByTaskResponse,
  QuerySegmentRequest,
  QuerySegmentResponse,
  QueryTaskRequest,
  QueryTaskResponse,
  QueryTasksRequest,
  QueryTasksResponse,
  QueryParamsResponse as TrainingTaskParamsResponse,
} from "../../proto/trainchain/training_task/v1/generated.ts";
import {
  QueryParamsResponse as RewardParamsResponse,
  QueryPendingResponse as RewardPendingResponse,
  QueryPoolsResponse,
  QueryRewardsRequest,
  QueryRewardsResponse,
} from "../../proto/trainchain/reward/v1/generated.ts";
import { datasetJson, unbondingEntryJson, validatorJson } from "../../proto/client/json.ts";
import type { NodeView } from "../node/types.js";
import { ApiError, apiErrorFromAbci } from "./errors.js";
import { PAGINATION_PROPERTIES, pageRequest, type PaginationQuery } from "./pagination.ts";

const ID_PARAMS = { type: "object", properties: { id: { type: "string", pattern: "^[0-9]+$" } }, required: ["id"] } as const;

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

  registerTrainingRoutes(app, abci);
}

// --- training_task and reward -------------------------------------------------------------------

type AbciFn = <Res>(path: string, request: Uint8Array, decode: (bytes: Uint8Array) => Res) => Res;

/** grpc-gateway style view: snake_case keys, 64-bit integers as strings, bytes as base64. */
function gatewayJson(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(gatewayJson);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = gatewayJson(v);
    return out;
  }
  return value;
}

function uint64Param(text: string, what: string): bigint {
  const n = BigInt(text);
  if (n >= 1n << 64n) throw new ApiError("INVALID_ARGUMENT", `invalid ${what} ${text}: expected a 64-bit integer`);
  return n;
}

const TASK_STATUS: Record<string, number> = { open: 1, completed: 2, cancelled: 3 };
const UINT_PARAM = { type: "string", pattern: "^[0-9]+$" } as const;

function registerTrainingRoutes(app: FastifyInstance, abci: AbciFn): void {
  const tt = (method: string): string => `/trainchain.training_task.v1.Query/${method}`;
  const rw = (method: string): string => `/trainchain.reward.v1.Query/${method}`;

  app.get<{ Querystring: { status?: string; start_after?: string; limit?: string } }>(
    "/trainchain/training_task/v1/tasks",
    { schema: { querystring: { type: "object", properties: { status: { type: "string", enum: ["open", "completed", "cancelled"] }, start_after: UINT_PARAM, limit: UINT_PARAM } } } },
    async (request) => {
      const q = request.query;
      const req = QueryTasksRequest.encode({ status: q.status ? TASK_STATUS[q.status]! : 0, startAfter: uint64Param(q.start_after ?? "0", "start_after"), limit: uint64Param(q.limit ?? "0", "limit") }).finish();
      return gatewayJson(abci(tt("Tasks"), req, (b) => QueryTasksResponse.decode(b)));
    },
  );
  app.get<{ Params: { id: string } }>("/trainchain/training_task/v1/tasks/:id", { schema: { params: ID_PARAMS } }, async (request) =>
    gatewayJson(abci(tt("Task"), QueryTaskRequest.encode({ taskId: uint64Param(request.params.id, "task id") }).finish(), (b) => QueryTaskResponse.decode(b))),
  );
  app.get<{ Params: { id: string } }>("/trainchain/training_task/v1/tasks/:id/proofs", { schema: { params: ID_PARAMS } }, async (request) =>
    gatewayJson(abci(tt("ProofsByTask"), QueryProofsByTaskRequest.encode({ taskId: uint64Param(request.params.id, "task id") }).finish(), (b) => QueryProofsByTaskResponse.decode(b))),
  );
  app.get<{ Params: { id: string; index: string } }>(
    "/trainchain/training_task/v1/tasks/:id/segments/:index",
    { schema: { params: { type: "object", properties: { id: UINT_PARAM, index: UINT_PARAM }, required: ["id", "index"] } } },
    async (request) =>
      gatewayJson(
        abci(tt("Segment"), QuerySegmentRequest.encode({ taskId: uint64Param(request.params.id, "task id"), segment: uint64Param(request.params.index, "segment") }).finish(), (b) =>
          QuerySegmentResponse.decode(b),
        ),
      ),
  );
  app.get<{ Params: { id: string } }>("/trainchain/training_task/v1/proofs/:id", { schema: { params: ID_PARAMS } }, async (request) =>
    gatewayJson(abci(tt("Proof"), QueryProofRequest.encode({ proofId: uint64Param(request.params.id, "proof id") }).finish(), (b) => QueryProofResponse.decode(b))),
  );
  app.get<{ Params: { address: string } }>("/trainchain/training_task/v1/pending_challenges/:address", async (request) =>
    gatewayJson(abci(tt("PendingChallenges"), QueryPendingChallengesRequest.encode({ verifier: request.params.address }).finish(), (b) => QueryPendingChallengesResponse.decode(b))),
  );
  app.get("/trainchain/training_task/v1/params", async () => gatewayJson(abci(tt("Params"), new Uint8Array(), (b) => TrainingTaskParamsResponse.decode(b))));

  app.get("/trainchain/reward/v1/pools", async () => gatewayJson(abci(rw("Pools"), new Uint8Array(), (b) => QueryPoolsResponse.decode(b))));
  app.get("/trainchain/reward/v1/pending", async () => gatewayJson(abci(rw("Pending"), new Uint8Array(), (b) => RewardPendingResponse.decode(b))));
  app.get("/trainchain/reward/v1/params", async () => gatewayJson(abci(rw("Params"), new Uint8Array(), (b) => RewardParamsResponse.decode(b))));
  app.get<{ Params: { address: string } }>("/trainchain/reward/v1/rewards/:address", async (request) =>
    gatewayJson(abci(rw("Rewards"), QueryRewardsRequest.encode({ address: request.params.address }).finish(), (b) => QueryRewardsResponse.decode(b))),
  );
}
