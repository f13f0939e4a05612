// LevelDB persistence (classic-level). One database holds the state, the block store, the block
// results, the tx index and the commit metadata; everything of one height is written in one
// atomic batch, so a crash at any moment leaves either the whole height or none of it.
import { ClassicLevel } from "classic-level";
import { concatBytes, keyToString, prefixEnd, uint64BE } from "./bytes.ts";

/** Top-level namespaces of the database. Never renumber. */
export const DbPrefix = {
  state: 0x73, // 's' + state key → value
  block: 0x62, // 'b' + height → Block
  blockId: 0x69, // 'i' + height → BlockID
  blockHash: 0x68, // 'h' + block hash → height
  results: 0x72, // 'r' + height → ResponseFinalizeBlock (tx results stored per tx)
  tx: 0x78, // 'x' + height + index → TxResult
  txHash: 0x74, // 't' + tx hash → height + index
  // 0x65 'e' (one entry per tx and indexed attribute) is retired: txEvent replaces it
  txEvent: 0x76, // 'v' + type.key + 0 + value + 0 + height → indexes (uint32 each) of the height's txs carrying it
  blockEvent: 0x45, // 'E' + type.key + 0 + value + 0 + height → ''
  meta: 0x6d, // 'm' + name → value
} as const;

export type BatchOp = { type: "put"; key: Uint8Array; value: Uint8Array } | { type: "del"; key: Uint8Array };

export class ChainDb {
  private constructor(readonly level: ClassicLevel<Uint8Array, Uint8Array>) {}

  static async open(path: string): Promise<ChainDb> {
    const level = new ClassicLevel<Uint8Array, Uint8Array>(path, { keyEncoding: "view", valueEncoding: "view" });
    try {
      await level.open();
    } catch (err) {
      const cause = (err as { cause?: Error }).cause;
      const detail = cause?.message ?? (err as Error).message;
      const hint = /lock/i.test(detail) ? " (is another trainchain process using this home?)" : "";
      throw new Error(`cannot open the chain database at ${path}: ${detail}${hint}`);
    }
    return new ChainDb(level);
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return (await this.level.get(key)) ?? undefined;
  }

  /** Writes all ops atomically and durably (fsync) before resolving. */
  async commit(ops: BatchOp[]): Promise<void> {
    // The chained form is several times cheaper per op than level.batch(array) (measured: 100k
    // puts in 0.27 s vs 2.3 s), and is still written as one atomic LevelDB write batch.
    const batch = this.level.batch();
    for (const op of ops) {
      if (op.type === "put") batch.put(op.key, op.value);
      else batch.del(op.key);
    }
    await batch.write({ sync: true });
  }

  /** Iterates keys under a prefix in byte order. */
  async *iterate(
    prefix: Uint8Array,
    options: { reverse?: boolean; gte?: Uint8Array; lt?: Uint8Array; limit?: number } = {},
  ): AsyncGenerator<[Uint8Array, Uint8Array]> {
    const end = prefixEnd(prefix);
    const it = this.level.iterator({
      gte: options.gte ?? prefix,
      ...(options.lt ? { lt: options.lt } : end ? { lt: end } : {}),
      reverse: options.reverse ?? false,
      limit: options.limit ?? -1,
    });
    try {
      for await (const [k, v] of it) yield [k, v];
    } finally {
      await it.close();
    }
  }

  /** Loads every state entry (key without the namespace byte) for the in-memory state. */
  async loadState(): Promise<[string, Uint8Array][]> {
    const out: [string, Uint8Array][] = [];
    for await (const [k, v] of this.iterate(Uint8Array.of(DbPrefix.state))) {
      out.push([keyToString(k.subarray(1)), v]);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.level.close();
  }
}

export function dbKey(prefix: number, ...parts: Uint8Array[]): Uint8Array {
  return concatBytes(Uint8Array.of(prefix), ...parts);
}

export function heightKey(prefix: number, height: bigint): Uint8Array {
  return dbKey(prefix, uint64BE(height));
}
