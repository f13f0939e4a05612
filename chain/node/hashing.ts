// Block-level hashes: RFC 6962 Merkle roots (as CometBFT's crypto/merkle) for txs and results,
// sha256 of the protobuf header for the block hash.
import { createHash } from "node:crypto";

function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

const LEAF = Uint8Array.of(0);
const INNER = Uint8Array.of(1);

export function merkleRoot(items: Uint8Array[]): Uint8Array {
  if (items.length === 0) return sha256();
  if (items.length === 1) return sha256(LEAF, items[0]!);
  let k = 1;
  while (k * 2 < items.length) k *= 2;
  return sha256(INNER, merkleRoot(items.slice(0, k)), merkleRoot(items.slice(k)));
}

export { sha256 };
