// Every trainchain Msg type, as [typeUrl, codec] pairs for CosmJS's Registry. A module adds its
// messages here with one line each.
import type { GeneratedType } from "@cosmjs/proto-signing";
import {
  MsgBond,
  MsgCreateValidator,
  MsgUnbond,
} from "../trainchain/staking/v1/generated.ts";
import {
  MsgDeprecateDataset,
  MsgGrantAccess,
  MsgRegisterDataset,
  MsgRevokeAccess,
  MsgUpdateDataset,
} from "../trainchain/data_registry/v1/generated.ts";
import {
  MsgAbandonSegment,
  MsgCancelTask,
  MsgClaimSegment,
  MsgCreateTask,
  MsgSubmitProof,
  MsgSubmitVerification,
} from "../trainchain/training_task/v1/generated.ts";

export const TRAINCHAIN_MSG_TYPES: [string, GeneratedType][] = [
  ["/trainchain.staking.v1.MsgCreateValidator", MsgCreateValidator],
  ["/trainchain.staking.v1.MsgBond", MsgBond],
  ["/trainchain.staking.v1.MsgUnbond", MsgUnbond],
  ["/trainchain.data_registry.v1.MsgRegisterDataset", MsgRegisterDataset],
  ["/trainchain.data_registry.v1.MsgUpdateDataset", MsgUpdateDataset],
  ["/trainchain.data_registry.v1.MsgGrantAccess", MsgGrantAccess],
  ["/trainchain.data_registry.v1.MsgRevokeAccess", MsgRevokeAccess],
  ["/trainchain.data_registry.v1.MsgDeprecateDataset", MsgDeprecateDataset],
  ["/trainchain.training_task.v1.MsgCreateTask", MsgCreateTask],
  ["/trainchain.training_task.v1.MsgCancelTask", MsgCancelTask],
  ["/trainchain.training_task.v1.MsgClaimSegment", MsgClaimSegment],
  ["/trainchain.training_task.v1.MsgAbandonSegment", MsgAbandonSegment],
  ["/trainchain.training_task.v1.MsgSubmitProof", MsgSubmitProof],
  ["/trainchain.training_task.v1.MsgSubmitVerification", MsgSubmitVerification],
];
