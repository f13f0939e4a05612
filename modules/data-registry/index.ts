// Public API of the data-registry module. Other modules read datasets through
// DataRegistryKeeper.getDataset(ctx, id) and hasAccess(ctx, id, address).
export { DataRegistryKeeper, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "./keeper.ts";
export { accessName, statusName } from "../../proto/client/json.ts";
export type { RegisterDatasetInput, DatasetChanges, DatasetPage } from "./keeper.ts";
export { dataRegistryModule, dataRegistryInvariants, DATA_REGISTRY_MODULE } from "./module.ts";
export { dataRegistryMsgs, DATA_REGISTRY_MSG_TYPES, validateRegisterDataset, validateUpdateDataset, updateChanges } from "./msg-server.ts";
export { dataRegistryQueries, DATA_REGISTRY_QUERY_PATHS } from "./query-server.ts";
export { defaultDataRegistryGenesis, initDataRegistryGenesis, exportDataRegistryGenesis, datasetToJson, datasetFromJson } from "./genesis.ts";
export type { DataRegistryGenesis } from "./genesis.ts";
export type { DatasetJson } from "../../proto/client/json.ts";
export { defaultDataRegistryParams, validateDataRegistryParams, MAX_ROYALTY_BPS } from "./params.ts";
export type { DataRegistryParams } from "./params.ts";
export { DataRegistryErrors, DATA_REGISTRY_CODESPACE } from "./errors.ts";
export { DataRegistryEvents, DataRegistryAttributes } from "./events.ts";
export { DATA_REGISTRY_STORE_PREFIX } from "./keys.ts";
export { Access, DatasetStatus } from "../../proto/trainchain/data_registry/v1/generated.ts";
export type { Dataset, DatasetFormat } from "../../proto/trainchain/data_registry/v1/generated.ts";
export type { DataRegistryDependencies } from "./expected-keepers.ts";
