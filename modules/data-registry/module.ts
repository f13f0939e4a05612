// The data-registry AppModule: msgs, queries, genesis and invariants.
import type { Context } from "../../chain/framework/context.ts";
import type { AppModule, Invariant } from "../../chain/framework/module.ts";
import { defaultDataRegistryGenesis, exportDataRegistryGenesis, initDataRegistryGenesis, type DataRegistryGenesis } from "./genesis.ts";
import type { DataRegistryKeeper } from "./keeper.ts";
import { DATA_REGISTRY_STORE_PREFIX } from "./keys.ts";
import { dataRegistryMsgs } from "./msg-server.ts";
import { MAX_ROYALTY_BPS } from "./params.ts";
import { dataRegistryQueries } from "./query-server.ts";

export const DATA_REGISTRY_MODULE = "data_registry";

export function dataRegistryInvariants(keeper: DataRegistryKeeper): Invariant[] {
  return [
    {
      name: "dataset-ids",
      // ids are below the next id; each dataset is listed once under its owner, and nothing else is
      check: (ctx: Context) => {
        const next = keeper.nextDatasetId(ctx);
        const datasets = keeper.allDatasets(ctx);
        const owners = new Map<bigint, string>();
        for (const d of datasets) {
          if (d.id < 1n || d.id >= next) return `dataset id ${d.id} outside [1, ${next})`;
          if (d.royaltyBps > MAX_ROYALTY_BPS) return `dataset ${d.id} royalty ${d.royaltyBps} bps above ${MAX_ROYALTY_BPS}`;
          owners.set(d.id, d.owner);
        }
        const index = keeper.ownerIndex(ctx);
        if (index.length !== datasets.length) return `owner index has ${index.length} entries for ${datasets.length} datasets`;
        for (const e of index) if (owners.get(e.datasetId) !== e.owner) return `owner index lists dataset ${e.datasetId} under ${e.owner}`;
        return undefined;
      },
    },
    {
      name: "grants-reference-datasets",
      check: (ctx: Context) => {
        for (const g of keeper.allGrants(ctx)) {
          const d = keeper.getDataset(ctx, g.datasetId);
          if (!d) return `grant to ${g.grantee} on unknown dataset ${g.datasetId}`;
          if (d.owner === g.grantee) return `dataset ${g.datasetId} grants its own owner`;
        }
        return undefined;
      },
    },
  ];
}

export function dataRegistryModule(keeper: DataRegistryKeeper): AppModule {
  return {
    name: DATA_REGISTRY_MODULE,
    storePrefix: DATA_REGISTRY_STORE_PREFIX,
    msgs: dataRegistryMsgs(keeper),
    queries: dataRegistryQueries(keeper),
    defaultGenesis: defaultDataRegistryGenesis,
    initGenesis: (ctx, state) => initDataRegistryGenesis(ctx, keeper, state as DataRegistryGenesis),
    exportGenesis: (ctx) => exportDataRegistryGenesis(ctx, keeper),
    invariants: dataRegistryInvariants(keeper),
  };
}
