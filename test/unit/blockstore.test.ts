// Block store: the event index (one entry per indexed attribute value and height, listing the txs
// carrying it) answers tx_search exactly like a scan of the stored results.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Header } from "cosmjs-types/tendermint/types/types";
import type { ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import { ChainDb } from "../../chain/store/db.ts";
import { BlockStore } from "../../chain/node/blockstore.ts";
import { txHash } from "../../chain/tx.ts";
import type { BlockRecord, BlockResultsRecord } from "../../chain/node/types.ts";

function result(events: [string, [string, string][]][]): ExecTxResult {
  return {
    code: 0,
    data: new Uint8Array(),
    log: "",
    info: "",
    gasWanted: 1n,
    gasUsed: 1n,
    codespace: "",
    events: events.map(([type, attrs]) => ({ type, attributes: attrs.map(([key, value]) => ({ key, value, index: true })) })),
  };
}

function send(sender: string, amount: string): ExecTxResult {
  // the amount appears twice in one tx (fee and transfer), as in a real MsgSend
  return result([
    ["tx", [["fee", "5utrain"]]],
    ["message", [["sender", sender], ["action", "/cosmos.bank.v1beta1.MsgSend"]]],
    ["transfer", [["sender", sender], ["amount", amount]]],
    ["coin_spent", [["spender", sender], ["amount", amount]]],
  ]);
}

describe("block store event index", () => {
  let dir: string;
  let db: ChainDb;
  let store: BlockStore;
  // height → [sender, amount] per tx
  const blocks: [string, string][][] = [
    [["alice", "5utrain"], ["bob", "7utrain"], ["alice", "9utrain"]],
    [],
    [["bob", "5utrain"], ["carol", "7utrain"], ["bob", "7utrain"], ["alice", "1utrain"]],
  ];

  function record(i: number): { block: BlockRecord; txs: Uint8Array[]; results: BlockResultsRecord } {
    const height = BigInt(i + 1);
    const txs = blocks[i]!.map(([sender, amount], j) => new TextEncoder().encode(`${height}/${j}/${sender}/${amount}`));
    const block: BlockRecord = {
      blockId: { hash: new Uint8Array(32).fill(i + 1), partSetHeader: { total: 1, hash: new Uint8Array(32) } },
      header: Header.fromPartial({ chainId: "t", height, time: { seconds: height, nanos: 0 } }),
      txs,
      lastCommit: { height: height - 1n, round: 0, blockId: { hash: new Uint8Array(), partSetHeader: { total: 0, hash: new Uint8Array() } }, signatures: [] },
      size: 0,
    };
    const results = { height, txResults: blocks[i]!.map(([s, a]) => send(s, a)), finalizeBlockEvents: [], validatorUpdates: [], appHash: new Uint8Array(32) };
    return { block, txs, results };
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "trainchain-blockstore-"));
    db = await ChainDb.open(join(dir, "db"));
    store = new BlockStore(db);
    await store.load();
    for (let i = 0; i < blocks.length - 1; i++) {
      const { block, txs, results } = record(i);
      await db.commit(store.blockOps(block, results, txs.map((t) => txHash(t))));
      store.committed(block);
    }
  });

  after(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function positions(query: string, orderBy: "asc" | "desc" = "asc"): Promise<string[]> {
    const { txs, total } = await store.searchTxs(query, { page: 1, perPage: 100, orderBy });
    assert.equal(total, txs.length);
    return txs.map((t) => `${t.height}/${t.index}`);
  }

  it("shows a height only once committed() says the app has applied it", async () => {
    // LevelDB serves the batch as soon as it is written; the engine applies the state after that
    const { block, txs, results } = record(blocks.length - 1);
    await db.commit(store.blockOps(block, results, txs.map((t) => txHash(t))));
    const height = block.header.height;
    assert.equal(await store.tx(txHash(txs[0]!)), undefined);
    assert.equal(await store.block(height), undefined);
    assert.equal(await store.blockByHash(block.blockId.hash), undefined);
    assert.equal(await store.blockResults(height), undefined);
    assert.deepEqual(await positions("message.sender='carol'"), []);
    store.committed(block);
    assert.equal((await store.tx(txHash(txs[0]!)))?.height, height);
    assert.equal((await store.blockResults(height))?.txResults.length, txs.length);
    assert.deepEqual(await positions("message.sender='carol'"), ["3/1"]);
  });

  it("finds every tx carrying a value, across heights, in order", async () => {
    assert.deepEqual(await positions("message.sender='alice'"), ["1/0", "1/2", "3/3"]);
    assert.deepEqual(await positions("message.sender='bob'", "desc"), ["3/2", "3/0", "1/1"]);
    assert.deepEqual(await positions("tx.fee='5utrain'"), ["1/0", "1/1", "1/2", "3/0", "3/1", "3/2", "3/3"]);
  });

  it("lists a tx once when a value appears twice in it", async () => {
    assert.deepEqual(await positions("coin_spent.amount='7utrain'"), ["1/1", "3/1", "3/2"]);
  });

  it("intersects conditions and combines the index with tx.height", async () => {
    assert.deepEqual(await positions("message.sender='bob' AND transfer.amount='7utrain'"), ["1/1", "3/2"]);
    assert.deepEqual(await positions("message.sender='bob' AND tx.height=3"), ["3/0", "3/2"]);
    assert.deepEqual(await positions("message.sender='dave'"), []);
  });

  it("finds a tx by hash and by height", async () => {
    const tx = new TextEncoder().encode("3/1/carol/7utrain");
    assert.equal((await store.tx(txHash(tx)))?.index, 1);
    assert.deepEqual(await positions("tx.height=1"), ["1/0", "1/1", "1/2"]);
  });
});
