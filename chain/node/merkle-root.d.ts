export interface PackedItems {
  bytes: Uint8Array;
  lengths: Uint32Array;
}
export function sha256(data: Uint8Array): Uint8Array;
export function merkleRoot(items: Uint8Array[]): Uint8Array;
export function packItems(items: Uint8Array[]): PackedItems;
export function unpackItems(packed: PackedItems): Uint8Array[];
