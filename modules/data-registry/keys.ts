// data-registry store layout (under the module's prefix 0x04). Never renumber; retired prefixes stay as comments.
import { concatBytes, uint64BE } from "../../chain/store/bytes.ts";

export const DATA_REGISTRY_STORE_PREFIX = 0x04;
export const DatasetPrefix = 0x01; // 0x01 ‖ id(8 BE) → Dataset
export const NextDatasetIdKey = Uint8Array.of(0x02); // → uint64 BE (first id is 1)
export const OwnerIndexPrefix = 0x03; // 0x03 ‖ len(owner) ‖ owner ‖ id(8 BE) → empty
export const GrantPrefix = 0x04; // 0x04 ‖ id(8 BE) ‖ grantee address → empty
export const ParamsKey = Uint8Array.of(0x05); // → Params

export function datasetKey(id: bigint): Uint8Array {
  return concatBytes(Uint8Array.of(DatasetPrefix), uint64BE(id));
}

export function ownerIndexPrefix(owner: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(OwnerIndexPrefix, owner.length), owner);
}

export function ownerIndexKey(owner: Uint8Array, id: bigint): Uint8Array {
  return concatBytes(ownerIndexPrefix(owner), uint64BE(id));
}

export function grantPrefix(id: bigint): Uint8Array {
  return concatBytes(Uint8Array.of(GrantPrefix), uint64BE(id));
}

export function grantKey(id: bigint, grantee: Uint8Array): Uint8Array {
  return concatBytes(grantPrefix(id), grantee);
}
