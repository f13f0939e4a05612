// The state commitment: an immutable radix-16 Merkle trie over sha256(key). A leaf sits at the
// shallowest depth where its key hash is unique, so depth ~ log16(n). Updates copy only the path
// from the root to the changed leaf, and node hashes are computed lazily, once, when the root is
// asked for: a block's update costs O(changed keys × log n) and shared upper nodes hash once.
import { createHash } from "node:crypto";
import { sha256 } from "../node/merkle-root.js";
import { bytesEqual } from "./bytes.ts";

type Node = Leaf | Branch;

interface Leaf {
  kind: 0;
  keyHash: Uint8Array;
  valueHash: Uint8Array;
  hash?: Uint8Array;
}

interface Branch {
  kind: 1;
  children: (Node | undefined)[];
  count: number;
  hash?: Uint8Array;
}

const EMPTY_ROOT: Uint8Array = createHash("sha256").update("trainchain/empty").digest();

function nibble(keyHash: Uint8Array, depth: number): number {
  const b = keyHash[depth >> 1]!;
  return depth & 1 ? b & 0x0f : b >> 4;
}

function nodeHash(node: Node): Uint8Array {
  if (node.hash) return node.hash;
  if (node.kind === 0) {
    // domain-separated leaf hash: 0x00 ‖ sha256(key) ‖ sha256(value)
    const buf = new Uint8Array(65);
    buf.set(node.keyHash, 1);
    buf.set(node.valueHash, 33);
    node.hash = sha256(buf);
  } else {
    // 0x01 ‖ 16-bit child bitmap ‖ child hashes in nibble order
    const buf = new Uint8Array(3 + 32 * node.count);
    buf[0] = 1;
    let bitmap = 0;
    let offset = 3;
    for (let i = 0; i < 16; i++) {
      const c = node.children[i];
      if (!c) continue;
      bitmap |= 1 << i;
      buf.set(nodeHash(c), offset);
      offset += 32;
    }
    buf[1] = bitmap >> 8;
    buf[2] = bitmap & 0xff;
    node.hash = sha256(buf);
  }
  return node.hash;
}



function insert(node: Node | undefined, leaf: Leaf, depth: number): Node {
  if (!node) return leaf;
  if (node.kind === 0) {
    if (bytesEqual(node.keyHash, leaf.keyHash)) return leaf;
    // Split: push the existing leaf down one level and retry.
    const children: (Node | undefined)[] = [
      undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined,
      undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined,
    ];
    children[nibble(node.keyHash, depth)] = node;
    return insert({ kind: 1, children, count: 1 }, leaf, depth);
  }
  const i = nibble(leaf.keyHash, depth);
  const children = node.children.slice();
  const before = children[i];
  children[i] = insert(before, leaf, depth + 1);
  return { kind: 1, children, count: before ? node.count : node.count + 1 };
}

function remove(node: Node | undefined, keyHash: Uint8Array, depth: number): Node | undefined {
  if (!node) return undefined;
  if (node.kind === 0) return bytesEqual(node.keyHash, keyHash) ? undefined : node;
  const i = nibble(keyHash, depth);
  const before = node.children[i];
  if (!before) return node;
  const after = remove(before, keyHash, depth + 1);
  if (after === before) return node;
  const children = node.children.slice();
  children[i] = after;
  const count = after ? node.count : node.count - 1;
  if (count === 0) return undefined;
  if (count === 1) {
    // Collapse a branch holding a single leaf so every leaf stays at its shallowest depth.
    const only = children.find((c) => c !== undefined)!;
    if (only.kind === 0) return only;
  }
  return { kind: 1, children, count };
}

export class MerkleTrie {
  private constructor(private readonly root: Node | undefined) {}

  static empty(): MerkleTrie {
    return new MerkleTrie(undefined);
  }

  /** Returns a new trie with the changes applied (value undefined = delete); this one is unchanged. */
  update(changes: Iterable<[Uint8Array, Uint8Array | undefined]>): MerkleTrie {
    let root = this.root;
    for (const [key, value] of changes) {
      const keyHash = sha256(key);
      if (value === undefined) root = remove(root, keyHash, 0);
      else root = insert(root, { kind: 0, keyHash, valueHash: sha256(value) }, 0);
    }
    return new MerkleTrie(root);
  }

  /** The 32-byte root hash (a fixed tag hash for the empty trie). */
  rootHash(): Uint8Array {
    return this.root ? nodeHash(this.root) : EMPTY_ROOT;
  }
}
