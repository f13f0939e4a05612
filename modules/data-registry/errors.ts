// data-registry errors: codespace "data_registry", stable codes from 2 (never renumbered).
import { registerError } from "../../chain/framework/errors.ts";

export const DATA_REGISTRY_CODESPACE = "data_registry";

export const DataRegistryErrors = {
  InvalidAddress: registerError(DATA_REGISTRY_CODESPACE, 2, "invalid address"),
  InvalidName: registerError(DATA_REGISTRY_CODESPACE, 3, "invalid dataset name"),
  InvalidFormat: registerError(DATA_REGISTRY_CODESPACE, 4, "invalid dataset format"),
  InvalidSampleCount: registerError(DATA_REGISTRY_CODESPACE, 5, "invalid sample count"),
  InvalidManifestHash: registerError(DATA_REGISTRY_CODESPACE, 6, "invalid manifest hash"),
  InvalidUri: registerError(DATA_REGISTRY_CODESPACE, 7, "invalid storage URI"),
  InvalidLicense: registerError(DATA_REGISTRY_CODESPACE, 8, "invalid license"),
  InvalidRoyalty: registerError(DATA_REGISTRY_CODESPACE, 9, "invalid royalty"),
  InvalidAccess: registerError(DATA_REGISTRY_CODESPACE, 10, "invalid access mode"),
  DatasetNotFound: registerError(DATA_REGISTRY_CODESPACE, 11, "dataset not found"),
  NotOwner: registerError(DATA_REGISTRY_CODESPACE, 12, "signer is not the dataset owner"),
  AlreadyGranted: registerError(DATA_REGISTRY_CODESPACE, 13, "access already granted"),
  GrantNotFound: registerError(DATA_REGISTRY_CODESPACE, 14, "no access grant to revoke"),
  DatasetDeprecated: registerError(DATA_REGISTRY_CODESPACE, 15, "dataset is deprecated"),
  EmptyUpdate: registerError(DATA_REGISTRY_CODESPACE, 16, "update changes nothing"),
  InvalidDatasetId: registerError(DATA_REGISTRY_CODESPACE, 17, "invalid dataset id"),
  SelfGrant: registerError(DATA_REGISTRY_CODESPACE, 18, "the owner always has access"),
  InvalidParams: registerError(DATA_REGISTRY_CODESPACE, 19, "invalid data registry params"),
  InvalidPagination: registerError(DATA_REGISTRY_CODESPACE, 20, "invalid pagination"),
} as const;
