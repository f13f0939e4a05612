// data-registry Msg service: thin handlers — stateless checks in validateBasic, one keeper call each.
import { msgHandler, type MsgHandler } from "../../chain/framework/module.ts";
import {
  Access,
  MsgDeprecateDataset,
  MsgDeprecateDatasetResponse,
  MsgGrantAccess,
  MsgGrantAccessResponse,
  MsgRegisterDataset,
  MsgRegisterDatasetResponse,
  MsgRevokeAccess,
  MsgRevokeAccessResponse,
  MsgUpdateDataset,
  MsgUpdateDatasetResponse,
} from "../../proto/trainchain/data_registry/v1/generated.ts";
import { DataRegistryErrors } from "./errors.ts";
import type { DataRegistryKeeper, DatasetChanges } from "./keeper.ts";
import {
  checkAccess,
  checkDatasetId,
  checkFormat,
  checkLicense,
  checkManifestHash,
  checkName,
  checkRoyalty,
  checkSampleCount,
  checkUris,
  parseAddress,
} from "./validation.ts";

export const DATA_REGISTRY_MSG_TYPES = {
  registerDataset: "/trainchain.data_registry.v1.MsgRegisterDataset",
  updateDataset: "/trainchain.data_registry.v1.MsgUpdateDataset",
  grantAccess: "/trainchain.data_registry.v1.MsgGrantAccess",
  revokeAccess: "/trainchain.data_registry.v1.MsgRevokeAccess",
  deprecateDataset: "/trainchain.data_registry.v1.MsgDeprecateDataset",
} as const;

/** The changes a MsgUpdateDataset asks for (presence wrappers → optional fields). */
export function updateChanges(msg: MsgUpdateDataset): DatasetChanges {
  const changes: DatasetChanges = {};
  if (msg.uris) changes.uris = msg.uris.uris;
  if (msg.license) changes.license = msg.license.license;
  if (msg.royalty) changes.royaltyBps = msg.royalty.royaltyBps;
  if (msg.access !== Access.ACCESS_UNSPECIFIED) changes.access = msg.access;
  return changes;
}

export function validateRegisterDataset(msg: MsgRegisterDataset): void {
  parseAddress(msg.owner, "owner");
  checkName(msg.name);
  checkFormat(msg.format);
  checkSampleCount(msg.sampleCount);
  checkManifestHash(msg.manifestHash);
  checkUris(msg.uris);
  checkLicense(msg.license);
  checkRoyalty(msg.royaltyBps);
  checkAccess(msg.access);
}

export function validateUpdateDataset(msg: MsgUpdateDataset): void {
  parseAddress(msg.owner, "owner");
  checkDatasetId(msg.datasetId);
  const changes = updateChanges(msg);
  if (Object.keys(changes).length === 0) throw DataRegistryErrors.EmptyUpdate.wrap("set at least one of uris, license, royalty, access");
  if (changes.uris) checkUris(changes.uris);
  if (changes.license !== undefined) checkLicense(changes.license);
  if (changes.royaltyBps !== undefined) checkRoyalty(changes.royaltyBps);
  if (changes.access !== undefined) checkAccess(changes.access);
}

function validateGrant(msg: { owner: string; datasetId: bigint; grantee: string }): void {
  parseAddress(msg.owner, "owner");
  checkDatasetId(msg.datasetId);
  parseAddress(msg.grantee, "grantee");
  if (msg.grantee === msg.owner) throw DataRegistryErrors.SelfGrant.wrap(`grantee ${msg.grantee} is the signer`);
}

export function dataRegistryMsgs(keeper: DataRegistryKeeper): MsgHandler<unknown>[] {
  return [
    msgHandler<MsgRegisterDataset>({
      typeUrl: DATA_REGISTRY_MSG_TYPES.registerDataset,
      codec: MsgRegisterDataset,
      signers: (msg) => [msg.owner],
      validateBasic: validateRegisterDataset,
      handle: (ctx, msg) => {
        const dataset = keeper.registerDataset(ctx, msg);
        return {
          typeUrl: "/trainchain.data_registry.v1.MsgRegisterDatasetResponse",
          value: MsgRegisterDatasetResponse.encode({ datasetId: dataset.id }).finish(),
        };
      },
    }),
    msgHandler<MsgUpdateDataset>({
      typeUrl: DATA_REGISTRY_MSG_TYPES.updateDataset,
      codec: MsgUpdateDataset,
      signers: (msg) => [msg.owner],
      validateBasic: validateUpdateDataset,
      handle: (ctx, msg) => {
        keeper.updateDataset(ctx, msg.owner, msg.datasetId, updateChanges(msg));
        return { typeUrl: "/trainchain.data_registry.v1.MsgUpdateDatasetResponse", value: MsgUpdateDatasetResponse.encode({}).finish() };
      },
    }),
    msgHandler<MsgGrantAccess>({
      typeUrl: DATA_REGISTRY_MSG_TYPES.grantAccess,
      codec: MsgGrantAccess,
      signers: (msg) => [msg.owner],
      validateBasic: validateGrant,
      handle: (ctx, msg) => {
        keeper.grantAccess(ctx, msg.owner, msg.datasetId, msg.grantee);
        return { typeUrl: "/trainchain.data_registry.v1.MsgGrantAccessResponse", value: MsgGrantAccessResponse.encode({}).finish() };
      },
    }),
    msgHandler<MsgRevokeAccess>({
      typeUrl: DATA_REGISTRY_MSG_TYPES.revokeAccess,
      codec: MsgRevokeAccess,
      signers: (msg) => [msg.owner],
      validateBasic: validateGrant,
      handle: (ctx, msg) => {
        keeper.revokeAccess(ctx, msg.owner, msg.datasetId, msg.grantee);
        return { typeUrl: "/trainchain.data_registry.v1.MsgRevokeAccessResponse", value: MsgRevokeAccessResponse.encode({}).finish() };
      },
    }),
    msgHandler<MsgDeprecateDataset>({
      typeUrl: DATA_REGISTRY_MSG_TYPES.deprecateDataset,
      codec: MsgDeprecateDataset,
      signers: (msg) => [msg.owner],
      validateBasic: (msg) => {
        parseAddress(msg.owner, "owner");
        checkDatasetId(msg.datasetId);
        checkLicense(msg.reason);
      },
      handle: (ctx, msg) => {
        keeper.deprecateDataset(ctx, msg.owner, msg.datasetId, msg.reason);
        return { typeUrl: "/trainchain.data_registry.v1.MsgDeprecateDatasetResponse", value: MsgDeprecateDatasetResponse.encode({}).finish() };
      },
    }),
  ];
}
