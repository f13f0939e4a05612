// Block store and tx/event indexer over the chain database. Writes are returned as batch ops so
// the engine commits a height's state, block, results and indexes in one atomic batch.
import { BlockID } from "cosmjs-types/tendermint/types/types";
import { Block } from "cosmjs-types/tendermint/types/block";
import { ResponseFinalizeBlock, TxResult, type Event } from "cosmjs-types/tendermint/abci/types";
import { ChainDb, DbPrefix, dbKey, heightKey, type BatchOp } from "../store/db.ts";
import { concatBytes, readUint64BE, toHex, uint32BE, uint64BE } from "../store/bytes.ts";
import { txHash } from "../tx.ts";
import { encodeTxResult } from "./tx-result-codec.ts";
import { matchesQuery, parseQuery, type Query } from "./query.ts";
import type { BlockRecord, BlockResultsRecord, SearchOptions, TxRecord } from "./types.ts";

const enc = new TextEncoder();
const SEP = Uint8Array.of(0);

/** 'v' ‖ type.key ‖ 0 ‖ value ‖ 0 ‖ height, with one UTF-8 encode. */
function txEventKey(type: string, attribute: string, value: string, height: Uint8Array): Uint8Array {
  const text = Buffer.from(`${type}.${attribute}\u0000${value}\u0000`, "utf8");
  const key = new Uint8Array(1 + text.length + height.length);
  key[0] = DbPrefix.txEvent;
  key.set(text, 1);
  key.set(height, 1 + text.length);
  return key;
}

/** Flattens events into CometBFT's "type.key" → values map (indexed attributes only). */
export function flattenEvents(events: Event[], into = new Map<string, string[]>()): Map<string, string[]> {
  for (const e of events) {
    for (const a of e.attributes) {
      if (!a.index) continue;
      const k = `${e.type}.${a.key}`;
      const list = into.get(k);
      if (list) list.push(a.value);
      else into.set(k, [a.value]);
    }
  }
  return into;
}

export function txEventMap(record: TxRecord): Map<string, string[]> {
  const map = flattenEvents(record.result.events);
  map.set("tx.hash", [toHex(record.hash).toUpperCase()]);
  map.set("tx.height", [record.height.toString()]);
  return map;
}

export class BlockStore {
  private latest = 0n;
  private earliest = 0n;
  private readonly cache = new Map<bigint, BlockRecord>();

  constructor(private readonly db: ChainDb) {}

  async load(): Promise<void> {
    for await (const [k] of this.db.iterate(Uint8Array.of(DbPrefix.block), { reverse: true, limit: 1 })) this.latest = readUint64BE(k, 1);
    for await (const [k] of this.db.iterate(Uint8Array.of(DbPrefix.block), { limit: 1 })) this.earliest = readUint64BE(k, 1);
  }

  latestHeight(): bigint {
    return this.latest;
  }

  earliestHeight(): bigint {
    return this.earliest;
  }

  /** Batch ops that store a block, its results and its indexes (`txHashes`: the hashes of block.txs). */
  blockOps(block: BlockRecord, results: BlockResultsRecord, txHashes: Uint8Array[]): BatchOp[] {
    const h = block.header.height;
    const ops: BatchOp[] = [];
    const encoded = Block.encode({
      header: block.header,
      data: { txs: block.txs },
      evidence: { evidence: [] },
      lastCommit: block.lastCommit,
    }).finish();
    ops.push({ type: "put", key: heightKey(DbPrefix.block, h), value: encoded });
    ops.push({ type: "put", key: heightKey(DbPrefix.blockId, h), value: BlockID.encode({ hash: block.blockId.hash, partSetHeader: block.blockId.partSetHeader }).finish() });
    ops.push({ type: "put", key: dbKey(DbPrefix.blockHash, block.blockId.hash), value: uint64BE(h) });
    ops.push({
      type: "put",
      key: heightKey(DbPrefix.results, h),
      value: ResponseFinalizeBlock.encode({
        events: results.finalizeBlockEvents,
        txResults: [],
        validatorUpdates: results.validatorUpdates,
        consensusParamUpdates: undefined,
        appHash: results.appHash,
      }).finish(),
    });
    const hb = uint64BE(h);
    // The event index holds one entry per indexed (type.key, value) and height, listing the txs
    // that carry it: most attributes (sender, fee, action, amount…) repeat across a block's txs.
    // Grouped by type, then key, then value: no string is built per attribute.
    const carriers = new Map<string, Map<string, Map<string, number[]>>>();
    for (let i = 0; i < block.txs.length; i++) {
      const tx = block.txs[i]!;
      const result = results.txResults[i]!;
      const pos = concatBytes(hb, uint32BE(i));
      ops.push({ type: "put", key: dbKey(DbPrefix.tx, pos), value: encodeTxResult(h, i, tx, result) });
      ops.push({ type: "put", key: dbKey(DbPrefix.txHash, txHashes[i]!), value: pos });
      for (const e of result.events) {
        let byKey = carriers.get(e.type);
        if (!byKey) carriers.set(e.type, (byKey = new Map()));
        for (const a of e.attributes) {
          if (!a.index) continue;
          let byValue = byKey.get(a.key);
          if (!byValue) byKey.set(a.key, (byValue = new Map()));
          const txs = byValue.get(a.value);
          if (!txs) byValue.set(a.value, [i]);
          else if (txs[txs.length - 1] !== i) txs.push(i);
        }
      }
    }
    for (const [type, byKey] of carriers) {
      for (const [key, byValue] of byKey) {
        for (const [value, txs] of byValue) {
          const list = new Uint8Array(4 * txs.length);
          const view = new DataView(list.buffer);
          for (let j = 0; j < txs.length; j++) view.setUint32(4 * j, txs[j]!);
          ops.push({ type: "put", key: txEventKey(type, key, value, hb), value: list });
        }
      }
    }
    for (const e of results.finalizeBlockEvents) {
      for (const a of e.attributes) {
        if (!a.index) continue;
        ops.push({ type: "put", key: dbKey(DbPrefix.blockEvent, enc.encode(`${e.type}.${a.key}`), SEP, enc.encode(a.value), SEP, hb), value: new Uint8Array() });
      }
    }
    return ops;
  }

  /** Call after the batch holding blockOps() was committed. */
  committed(block: BlockRecord): void {
    this.latest = block.header.height;
    if (this.earliest === 0n) this.earliest = block.header.height;
    this.cache.set(block.header.height, block);
    if (this.cache.size > 64) this.cache.delete(this.cache.keys().next().value!);
  }

  // LevelDB shows a batch to readers as soon as it is written, before the engine has applied the
  // height to the app's state (`committed()` runs after that). A height is read only once `latest`
  // has reached it (it never goes back), so a tx is never found before a query can see its effects.
  private visible(height: bigint): boolean {
    return height <= this.latest;
  }

  async block(height: bigint): Promise<BlockRecord | undefined> {
    const cached = this.cache.get(height);
    if (cached) return cached;
    if (!this.visible(height)) return undefined;
    const raw = await this.db.get(heightKey(DbPrefix.block, height));
    const rawId = await this.db.get(heightKey(DbPrefix.blockId, height));
    if (!raw || !rawId) return undefined;
    const b = Block.decode(raw);
    const id = BlockID.decode(rawId);
    return {
      blockId: { hash: id.hash, partSetHeader: { total: id.partSetHeader?.total ?? 1, hash: id.partSetHeader?.hash ?? new Uint8Array() } },
      header: b.header!,
      txs: b.data?.txs ?? [],
      lastCommit: b.lastCommit!,
      size: raw.length,
    };
  }

  async blockByHash(hash: Uint8Array): Promise<BlockRecord | undefined> {
    const raw = await this.db.get(dbKey(DbPrefix.blockHash, hash));
    return raw ? this.block(readUint64BE(raw)) : undefined;
  }

  async blockResults(height: bigint): Promise<BlockResultsRecord | undefined> {
    if (!this.visible(height)) return undefined;
    const raw = await this.db.get(heightKey(DbPrefix.results, height));
    if (!raw) return undefined;
    const r = ResponseFinalizeBlock.decode(raw);
    const txResults = [];
    for await (const [, v] of this.db.iterate(heightKey(DbPrefix.tx, height))) txResults.push(TxResult.decode(v).result!);
    return { height, txResults, finalizeBlockEvents: r.events, validatorUpdates: r.validatorUpdates, appHash: r.appHash };
  }

  private async txAt(pos: Uint8Array): Promise<TxRecord | undefined> {
    if (!this.visible(readUint64BE(pos))) return undefined;
    const raw = await this.db.get(dbKey(DbPrefix.tx, pos));
    if (!raw) return undefined;
    const t = TxResult.decode(raw);
    return { hash: txHash(t.tx), height: t.height, index: t.index, tx: t.tx, result: t.result! };
  }

  async tx(hash: Uint8Array): Promise<TxRecord | undefined> {
    const pos = await this.db.get(dbKey(DbPrefix.txHash, hash));
    return pos ? this.txAt(pos) : undefined;
  }

  /** Positions (height‖index) of txs with an indexed attribute `key` = `value`. */
  private async eventPositions(key: string, value: string): Promise<Uint8Array[]> {
    const prefix = dbKey(DbPrefix.txEvent, enc.encode(key), SEP, enc.encode(value), SEP);
    const out: Uint8Array[] = [];
    for await (const [k, v] of this.db.iterate(prefix)) {
      const height = k.subarray(prefix.length);
      for (let j = 0; j + 4 <= v.length; j += 4) out.push(concatBytes(height, v.subarray(j, j + 4)));
    }
    return out;
  }

  async searchTxs(source: string, options: SearchOptions): Promise<{ txs: TxRecord[]; total: number }> {
    const query = parseQuery(source);
    const candidates = await this.txCandidates(query);
    const matched: TxRecord[] = [];
    for (const pos of candidates) {
      const rec = await this.txAt(pos);
      if (rec && matchesQuery(query, txEventMap(rec))) matched.push(rec);
    }
    matched.sort((a, b) => (a.height === b.height ? a.index - b.index : a.height < b.height ? -1 : 1));
    if (options.orderBy === "desc") matched.reverse();
    const start = (options.page - 1) * options.perPage;
    return { txs: matched.slice(start, start + options.perPage), total: matched.length };
  }

  /** Narrows the search with the index: tx.hash, then equality on event keys, then a tx.height range, else a scan. */
  private async txCandidates(query: Query): Promise<Uint8Array[]> {
    const hashCond = query.conditions.find((c) => c.key === "tx.hash" && c.op === "=");
    if (hashCond?.value) {
      const hex = hashCond.value.text.replace(/^0x/i, "");
      if (!/^[0-9a-fA-F]{64}$/.test(hex)) return [];
      const pos = await this.db.get(dbKey(DbPrefix.txHash, new Uint8Array(Buffer.from(hex, "hex"))));
      return pos ? [pos] : [];
    }
    let set: Map<string, Uint8Array> | undefined;
    for (const c of query.conditions) {
      if (c.op !== "=" || !c.value || c.key.startsWith("tx.") || c.key === "tm.event") continue;
      const positions = await this.eventPositions(c.key, c.value.text);
      const next = new Map<string, Uint8Array>();
      for (const p of positions) {
        const k = Buffer.from(p).toString("latin1");
        if (!set || set.has(k)) next.set(k, p);
      }
      set = next;
    }
    if (set) return [...set.values()];
    let lo = 1n;
    let hi = this.latest;
    for (const c of query.conditions) {
      if (c.key !== "tx.height" || c.value?.kind !== "number") continue;
      const v = BigInt(c.value.text.split(".")[0]!);
      if (c.op === "=") (lo = v > lo ? v : lo), (hi = v < hi ? v : hi);
      else if (c.op === ">") lo = v + 1n > lo ? v + 1n : lo;
      else if (c.op === ">=") lo = v > lo ? v : lo;
      else if (c.op === "<") hi = v - 1n < hi ? v - 1n : hi;
      else if (c.op === "<=") hi = v < hi ? v : hi;
    }
    const out: Uint8Array[] = [];
    if (lo > hi) return out;
    for await (const [k] of this.db.iterate(Uint8Array.of(DbPrefix.tx), { gte: heightKey(DbPrefix.tx, lo), lt: heightKey(DbPrefix.tx, hi + 1n) })) {
      out.push(k.slice(1));
    }
    return out;
  }

  async searchBlocks(source: string, options: SearchOptions): Promise<{ heights: bigint[]; total: number }> {
    const query = parseQuery(source);
    const heights: bigint[] = [];
    for (let h = this.earliest; h <= this.latest && h > 0n; h++) {
      const r = await this.blockResults(h);
      if (!r) continue;
      const map = flattenEvents(r.finalizeBlockEvents);
      map.set("block.height", [h.toString()]);
      if (matchesQuery(query, map)) heights.push(h);
    }
    if (options.orderBy === "desc") heights.reverse();
    const start = (options.page - 1) * options.perPage;
    return { heights: heights.slice(start, start + options.perPage), total: heights.length };
  }
}

