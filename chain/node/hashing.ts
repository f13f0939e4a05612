// Block-level hashes: RFC 6962 Merkle roots (as CometBFT's crypto/merkle) for txs and results,
// sha256 of the protobuf header for the block hash.
import { hash } from "node:crypto";
import { concatBytes } from "../store/bytes.ts";

function sha256(...parts: Uint8Array[]): Uint8Array {
  // one-shot hashing of the concatenation: far cheaper than a Hash object for small inputs
  const h = hash("sha256", parts.length === 1 ? parts[0]! : concatBytes(...parts), "buffer") as unknown as Buffer;
  return new Uint8Array(h.buffer, h.byteOffset, h.byteLength);
}

const LEAF = Uint8Array.of(0);
const INNER = Uint8Array.of(1);

export function merkleRoot(items: Uint8Array[]): Uint8Array {
  return items.length === 0 ? sha256() : subtreeRoot(items, 0, items.length);
}

/** Root of items[start, start + n), n ≥ 1: the left subtree holds the largest power of two < n. */
function subtreeRoot(items: Uint8Array[], start: number, n: number): Uint8Array {
  if (n === 1) return sha256(LEAF, items[start]!);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return sha256(INNER, subtreeRoot(items, start, k), subtreeRoot(items, start + k, n - k));
}

export { sha256 };
