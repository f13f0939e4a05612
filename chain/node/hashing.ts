// Block-level hashes: RFC 6962 Merkle roots (as CometBFT's crypto/merkle) for txs and results,
// sha256 of the protobuf header for the block hash.
import { sha256 as sha256One, merkleRoot } from "./merkle-root.js";
import { concatBytes } from "../store/bytes.ts";

/** sha256 of the concatenation of `parts`. */
function sha256(...parts: Uint8Array[]): Uint8Array {
  return sha256One(parts.length === 1 ? parts[0]! : concatBytes(...parts));
}

export { merkleRoot, sha256 };
