// data-registry event types and attribute keys (all indexed, so tx_search finds e.g. dataset_registered.dataset_id=7).
export const DataRegistryEvents = {
  registered: "dataset_registered",
  updated: "dataset_updated",
  accessGranted: "dataset_access_granted",
  accessRevoked: "dataset_access_revoked",
  deprecated: "dataset_deprecated",
} as const;

export const DataRegistryAttributes = {
  datasetId: "dataset_id",
  owner: "owner",
  name: "name",
  manifestHash: "manifest_hash",
  access: "access",
  royaltyBps: "royalty_bps",
  fields: "fields",
  grantee: "grantee",
  reason: "reason",
} as const;
