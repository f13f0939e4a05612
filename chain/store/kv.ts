// Key-value views used by the state machine. All access is synchronous: the committed state is
// held in memory (loaded from LevelDB at start) and I/O happens only at Commit.
import { keyToString, stringToKey } from "./bytes.ts";

export interface KVEntry {
  key: Uint8Array;
  value: Uint8Array;
}

export interface KVStore {
  get(key: Uint8Array): Uint8Array | undefined;
  has(key: Uint8Array): boolean;
  set(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
  // The same by the key's binary-string form (keyToString): the layers of a store stack
  // (prefix → gas → branches → committed state) pass it down instead of re-encoding the key.
  getS(key: string): Uint8Array | undefined;
  hasS(key: string): boolean;
  setS(key: string, value: Uint8Array): void;
  deleteS(key: string): void;
  /** Entries with start <= key < end (end undefined = no upper bound), in byte order. */
  range(start: Uint8Array, end: Uint8Array | undefined, reverse?: boolean): KVEntry[];
}

/** Binary search for the first index whose key is >= s. */
function lowerBound(keys: string[], s: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** An ordered in-memory map: a hash map for lookups plus a sorted key list for ranges. */
export class OrderedMap {
  private readonly values = new Map<string, Uint8Array>();
  private readonly sorted: string[] = [];

  get size(): number {
    return this.values.size;
  }

  getS(k: string): Uint8Array | undefined {
    return this.values.get(k);
  }

  setS(k: string, value: Uint8Array): void {
    if (!this.values.has(k)) {
      const i = lowerBound(this.sorted, k);
      this.sorted.splice(i, 0, k);
    }
    this.values.set(k, value);
  }

  deleteS(k: string): void {
    if (!this.values.delete(k)) return;
    const i = lowerBound(this.sorted, k);
    this.sorted.splice(i, 1);
  }

  /** Bulk load of many entries at start-up (sorts once instead of inserting one by one). */
  loadSorted(entries: Iterable<[string, Uint8Array]>): void {
    for (const [k, v] of entries) {
      this.values.set(k, v);
    }
    this.sorted.length = 0;
    for (const k of this.values.keys()) this.sorted.push(k);
    this.sorted.sort();
  }

  rangeS(start: string, end: string | undefined): string[] {
    const from = lowerBound(this.sorted, start);
    const to = end === undefined ? this.sorted.length : lowerBound(this.sorted, end);
    return this.sorted.slice(from, to > from ? to : from);
  }

  *entriesS(): IterableIterator<[string, Uint8Array]> {
    for (const k of this.sorted) yield [k, this.values.get(k)!];
  }
}

/** The committed state as a KVStore (writes go through branches; direct writes are for genesis/commit). */
export class MemoryStore implements KVStore {
  readonly map = new OrderedMap();

  get(key: Uint8Array): Uint8Array | undefined {
    return this.map.getS(keyToString(key));
  }
  has(key: Uint8Array): boolean {
    return this.hasS(keyToString(key));
  }
  set(key: Uint8Array, value: Uint8Array): void {
    this.map.setS(keyToString(key), value);
  }
  delete(key: Uint8Array): void {
    this.map.deleteS(keyToString(key));
  }
  getS(key: string): Uint8Array | undefined {
    return this.map.getS(key);
  }
  hasS(key: string): boolean {
    return this.map.getS(key) !== undefined;
  }
  setS(key: string, value: Uint8Array): void {
    this.map.setS(key, value);
  }
  deleteS(key: string): void {
    this.map.deleteS(key);
  }
  range(start: Uint8Array, end: Uint8Array | undefined, reverse = false): KVEntry[] {
    const keys = this.map.rangeS(keyToString(start), end === undefined ? undefined : keyToString(end));
    if (reverse) keys.reverse();
    return keys.map((k) => ({ key: stringToKey(k), value: this.map.getS(k)! }));
  }
}

/**
 * A write-back branch over a parent store: reads fall through, writes stay here until `write()`.
 * Each tx runs on one; the block runs on one over the committed state.
 */
export class CacheStore implements KVStore {
  /** Pending writes; null marks a delete. */
  readonly writes = new Map<string, Uint8Array | null>();

  constructor(private parent: KVStore) {}

  /** Reads fall through to `parent` from now on: for a parent that reads exactly as the old one. */
  rebase(parent: KVStore): void {
    this.parent = parent;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.getS(keyToString(key));
  }
  has(key: Uint8Array): boolean {
    return this.getS(keyToString(key)) !== undefined;
  }
  set(key: Uint8Array, value: Uint8Array): void {
    this.writes.set(keyToString(key), value);
  }
  delete(key: Uint8Array): void {
    this.writes.set(keyToString(key), null);
  }
  getS(k: string): Uint8Array | undefined {
    const w = this.writes.get(k);
    if (w !== undefined) return w === null ? undefined : w;
    return this.parent.getS(k);
  }
  hasS(k: string): boolean {
    return this.getS(k) !== undefined;
  }
  setS(k: string, value: Uint8Array): void {
    this.writes.set(k, value);
  }
  deleteS(k: string): void {
    this.writes.set(k, null);
  }
  range(start: Uint8Array, end: Uint8Array | undefined, reverse = false): KVEntry[] {
    const s = keyToString(start);
    const e = end === undefined ? undefined : keyToString(end);
    const merged = new Map<string, Uint8Array>();
    for (const entry of this.parent.range(start, end)) merged.set(keyToString(entry.key), entry.value);
    for (const [k, v] of this.writes) {
      if (k < s || (e !== undefined && k >= e)) continue;
      if (v === null) merged.delete(k);
      else merged.set(k, v);
    }
    const keys = [...merged.keys()].sort();
    if (reverse) keys.reverse();
    return keys.map((k) => ({ key: stringToKey(k), value: merged.get(k)! }));
  }
  /** Applies this branch's writes to its parent. */
  write(): void {
    if (this.parent instanceof CacheStore) {
      for (const [k, v] of this.writes) this.parent.writes.set(k, v);
      this.writes.clear();
      return;
    }
    for (const [k, v] of this.writes) {
      if (v === null) this.parent.deleteS(k);
      else this.parent.setS(k, v);
    }
    this.writes.clear();
  }
  discard(): void {
    this.writes.clear();
  }
}
