// Client helpers for trainchain: a CosmJS Registry with every trainchain Msg type, typed query
// extensions for QueryClient, and JSON views of state.
import { Registry } from "@cosmjs/proto-signing";
import { defaultRegistryTypes } from "@cosmjs/stargate";
import { TRAINCHAIN_MSG_TYPES } from "./registry.ts";

/** CosmJS Registry: the default Stargate types plus all trainchain Msg types. */
export function trainchainRegistry(): Registry {
  return new Registry([...defaultRegistryTypes, ...TRAINCHAIN_MSG_TYPES]);
}

export { TRAINCHAIN_MSG_TYPES } from "./registry.ts";
export {
  setupTrainchainStakingExtension,
  setupDataRegistryExtension,
  createTrainchainQueries,
} from "./queries.ts";
export type { TrainchainStakingExtension, DataRegistryExtension, TrainchainQueryClient } from "./queries.ts";
export { datasetJson, validatorJson, unbondingEntryJson, accessName, statusName, POWER_REDUCTION } from "./json.ts";
export type { DatasetJson, ValidatorJson } from "./json.ts";
