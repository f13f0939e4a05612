// CometBFT JSON-RPC shapes and errors of buildRpcServer, checked with app.inject() against the
// in-memory NodeView fixture.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { buildRpcServer } from "../../chain/rpc/server.js";
import { MemoryNodeView, fixtureAddress, hexUpper, makeSendTx, sha256 } from "../../chain/rpc/testing/memory-view.js";

type Json = Record<string, unknown>;

const HEX64 = /^[0-9A-F]{64}$/;
const HEX40 = /^[0-9A-F]{40}$/;
const RFC3339_NANO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const INT_STRING = /^-?\d+$/;

async function rpc(app: FastifyInstance, method: string, params: Json = {}, id: number | string = 1): Promise<Json> {
  const res = await app.inject({ method: "POST", url: "/", payload: { jsonrpc: "2.0", id, method, params } });
  assert.equal(res.statusCode, 200, `HTTP status for ${method}`);
  assert.match(String(res.headers["content-type"]), /application\/json/);
  const body = res.json() as Json;
  assert.equal(body.jsonrpc, "2.0");
  assert.equal(body.id, id);
  return body;
}

async function result(app: FastifyInstance, method: string, params: Json = {}): Promise<Json> {
  const body = await rpc(app, method, params);
  assert.equal(body.error, undefined, `${method} failed: ${JSON.stringify(body.error)}`);
  return body.result as Json;
}

async function rpcError(app: FastifyInstance, method: string, params: Json = {}): Promise<{ code: number; message: string; data: string }> {
  const body = await rpc(app, method, params);
  assert.ok(body.error, `${method} should fail`);
  return body.error as { code: number; message: string; data: string };
}

function obj(value: unknown): Json {
  assert.equal(typeof value, "object");
  assert.notEqual(value, null);
  return value as Json;
}

function assertBlockId(value: unknown, empty = false): void {
  const id = obj(value);
  const parts = obj(id.parts);
  if (empty) {
    assert.deepEqual(id, { hash: "", parts: { total: 0, hash: "" } });
    return;
  }
  assert.match(String(id.hash), HEX64);
  assert.equal(typeof parts.total, "number");
  assert.ok((parts.total as number) > 0);
  assert.match(String(parts.hash), HEX64);
}

function assertHeader(value: unknown, height: string): void {
  const h = obj(value);
  assert.deepEqual(h.version, { block: "11", app: "0" });
  assert.equal(h.chain_id, "trainchain-test-1");
  assert.equal(h.height, height);
  assert.match(String(h.time), RFC3339_NANO);
  for (const field of ["last_commit_hash", "data_hash", "validators_hash", "next_validators_hash", "consensus_hash", "app_hash", "last_results_hash", "evidence_hash"]) {
    assert.equal(typeof h[field], "string", field);
    assert.match(String(h[field]), /^([0-9A-F]{64})?$/, field);
  }
  assert.match(String(h.proposer_address), HEX40);
}

function assertExecTxResult(value: unknown): void {
  const r = obj(value);
  assert.equal(typeof r.code, "number");
  assert.equal(typeof r.log, "string");
  assert.equal(typeof r.codespace, "string");
  assert.match(String(r.gas_wanted), INT_STRING);
  assert.match(String(r.gas_used), INT_STRING);
  assert.ok(Array.isArray(r.events));
  for (const e of r.events as Json[]) {
    assert.equal(typeof e.type, "string");
    for (const a of e.attributes as Json[]) {
      assert.equal(typeof a.key, "string");
      assert.equal(typeof a.value, "string");
      assert.equal(typeof a.index, "boolean");
    }
  }
}

describe("rpc server", () => {
  const view = new MemoryNodeView();
  const alice = fixtureAddress("alice");
  const bob = fixtureAddress("bob");
  let app: FastifyInstance;
  const sentTxs: Uint8Array[] = [];

  before(async () => {
    view.fund(alice, "1000000");
    app = buildRpcServer(view, { logger: false });
    await app.ready();
  });

  after(async () => {
    await app.close();
  });

  it("refuses status before block 1 (CosmJS rejects empty hashes)", async () => {
    const err = await rpcError(app, "status");
    assert.deepEqual(err, { code: -32603, message: "Internal error", data: "no blocks yet" });
  });

  it("produces the chain used by the following tests", async () => {
    view.produceBlock(); // 1: empty
    for (let i = 0; i < 7; i++) {
      const tx = makeSendTx(alice, bob, String(i + 1), BigInt(i));
      sentTxs.push(tx);
      await view.broadcastTx(tx);
      if (i === 2 || i === 6) view.produceBlock(); // 2: three txs, 3: four txs
    }
    view.produceBlock(); // 4: empty
    assert.equal(view.latestHeight(), 4n);
  });

  it("status has CometBFT 0.38 node_info and non-empty sync hashes", async () => {
    const r = await result(app, "status");
    const nodeInfo = obj(r.node_info);
    assert.ok(String(nodeInfo.version).startsWith("0.38."));
    assert.deepEqual(nodeInfo.protocol_version, { p2p: "8", block: "11", app: "0" });
    assert.deepEqual(nodeInfo.other, { tx_index: "on", rpc_address: "tcp://127.0.0.1:26657" });
    assert.equal(nodeInfo.network, "trainchain-test-1");
    assert.match(String(nodeInfo.id), /^[0-9a-f]{40}$/);
    const sync = obj(r.sync_info);
    assert.match(String(sync.latest_block_hash), HEX64);
    assert.match(String(sync.latest_app_hash), HEX64);
    assert.equal(sync.latest_block_height, "4");
    assert.match(String(sync.latest_block_time), RFC3339_NANO);
    assert.equal(sync.catching_up, false);
    const validator = obj(r.validator_info);
    assert.match(String(validator.address), HEX40);
    assert.equal(obj(validator.pub_key).type, "tendermint/PubKeyEd25519");
    assert.equal(validator.voting_power, "10");
  });

  it("prints times as RFC3339 with nanoseconds, trailing zeros trimmed like Go", async () => {
    const b1 = obj(obj((await result(app, "block", { height: "1" })).block).header);
    assert.equal(b1.time, "2026-11-22T02:40:00.123456789Z");
    const b2 = obj(obj((await result(app, "block", { height: "2" })).block).header);
    assert.equal(b2.time, "2026-11-22T02:40:01Z");
  });

  it("block at height 1 has an empty last_block_id and last_commit", async () => {
    const r = await result(app, "block", { height: "1" });
    assertBlockId(r.block_id);
    const block = obj(r.block);
    assertHeader(block.header, "1");
    assertBlockId(obj(block.header).last_block_id, true);
    assert.deepEqual(block.data, { txs: [] });
    assert.deepEqual(block.evidence, { evidence: [] });
    assert.deepEqual(block.last_commit, { height: "0", round: 0, block_id: { hash: "", parts: { total: 0, hash: "" } }, signatures: [] });
  });

  it("block with txs and a signed last_commit; missing height means latest", async () => {
    const r = await result(app, "block", { height: "2" });
    const block = obj(r.block);
    assert.deepEqual(obj(block.data).txs, sentTxs.slice(0, 3).map((t) => Buffer.from(t).toString("base64")));
    const commit = obj(block.last_commit);
    assert.equal(commit.height, "1");
    assert.equal(commit.round, 0);
    assertBlockId(commit.block_id);
    const sig = obj((commit.signatures as unknown[])[0]);
    assert.equal(sig.block_id_flag, 2);
    assert.match(String(sig.validator_address), HEX40);
    assert.match(String(sig.timestamp), RFC3339_NANO);
    assert.equal(typeof sig.signature, "string");

    const latest = await result(app, "block");
    assert.equal(obj(obj(latest.block).header).height, "4");
  });

  it("block out of range answers CometBFT's error", async () => {
    assert.deepEqual(await rpcError(app, "block", { height: "99" }), {
      code: -32603,
      message: "Internal error",
      data: "height 99 must be less than or equal to the current blockchain height 4",
    });
    assert.equal((await rpcError(app, "block", { height: "-1" })).code, -32603);
    assert.equal((await rpcError(app, "block", { height: "abc" })).code, -32602);
  });

  it("block_by_hash finds the block; an unknown hash gives a null block", async () => {
    const b3 = await result(app, "block", { height: "3" });
    const hash = Buffer.from(String(obj(b3.block_id).hash), "hex").toString("base64");
    const r = await result(app, "block_by_hash", { hash });
    assert.deepEqual(r, b3);
    const missing = await result(app, "block_by_hash", { hash: Buffer.alloc(32).toString("base64") });
    assert.equal(missing.block, null);
  });

  it("block_results has tx results, finalize events and validator updates", async () => {
    const r1 = await result(app, "block_results", { height: "1" });
    assert.equal(r1.height, "1");
    assert.equal(r1.txs_results, null);
    const update = obj((r1.validator_updates as unknown[])[0]);
    assert.equal(update.power, "10");
    assert.equal(obj(obj(update.pub_key).Sum).type, "tendermint.crypto.PublicKey_Ed25519");
    const r3 = await result(app, "block_results", { height: "3" });
    assert.equal((r3.txs_results as unknown[]).length, 4);
    for (const tx of r3.txs_results as unknown[]) assertExecTxResult(tx);
    assert.equal(typeof r3.app_hash, "string");
    assert.ok(Array.isArray(r3.finalize_block_events));
  });

  it("tx by base64 and by 0x-hex hash; unknown hash is an error", async () => {
    const hash = sha256(sentTxs[4]!);
    const r = await result(app, "tx", { hash: Buffer.from(hash).toString("base64") });
    assert.equal(r.hash, hexUpper(hash));
    assert.equal(r.height, "3");
    assert.equal(r.index, 1);
    assert.equal(r.tx, Buffer.from(sentTxs[4]!).toString("base64"));
    assertExecTxResult(r.tx_result);
    assert.deepEqual(await result(app, "tx", { hash: `0x${hexUpper(hash)}` }), r);
    const err = await rpcError(app, "tx", { hash: Buffer.alloc(32, 1).toString("base64") });
    assert.equal(err.code, -32603);
    assert.match(err.data, /^tx \([0-9A-F]{64}\) not found$/);
  });

  it("tx_search pages with an exact total_count", async () => {
    const query = `message.sender='${alice}'`;
    const all = await result(app, "tx_search", { query, page: "1", per_page: "100" });
    assert.equal(all.total_count, "7");
    assert.equal((all.txs as unknown[]).length, 7);
    const p1 = await result(app, "tx_search", { query, page: "1", per_page: "3" });
    const p3 = await result(app, "tx_search", { query, page: "3", per_page: "3" });
    assert.equal(p1.total_count, "7");
    assert.equal((p1.txs as unknown[]).length, 3);
    assert.equal((p3.txs as unknown[]).length, 1);
    const first = obj((p1.txs as unknown[])[0]);
    assert.equal(typeof first.index, "number");
    assert.match(String(first.height), INT_STRING);
    assert.match(String(first.hash), HEX64);
    assertExecTxResult(first.tx_result);
    const desc = await result(app, "tx_search", { query, order_by: "desc", per_page: "1" });
    assert.equal(obj((desc.txs as unknown[])[0]).hash, hexUpper(sha256(sentTxs[6]!)));
    const byHash = await result(app, "tx_search", { query: `tx.hash='${hexUpper(sha256(sentTxs[0]!))}'`, prove: false, page: "1" });
    assert.equal(byHash.total_count, "1");
    const none = await result(app, "tx_search", { query: "tx.height=1" });
    assert.deepEqual(none, { txs: [], total_count: "0" });
  });

  it("tx_search errors: page out of range, bad query, bad order_by", async () => {
    assert.match((await rpcError(app, "tx_search", { query: "tx.height=2", page: "5" })).data, /page should be within \[1, 1\] range, given 5/);
    const bad = await rpcError(app, "tx_search", { query: "tx.height ~ 5" });
    assert.equal(bad.code, -32603);
    assert.match(bad.data, /failed to parse query/);
    assert.equal((await rpcError(app, "tx_search", { query: "tx.height=2", order_by: "sideways" })).code, -32603);
    assert.equal((await rpcError(app, "tx_search", {})).code, -32602);
  });

  it("block_search returns blocks and total_count", async () => {
    const r = await result(app, "block_search", { query: "block.height >= 2", order_by: "asc" });
    assert.equal(r.total_count, "3");
    assert.equal((r.blocks as unknown[]).length, 3);
    assertBlockId(obj((r.blocks as unknown[])[0]).block_id);
  });

  it("blockchain returns metas newest first within [minHeight, maxHeight]", async () => {
    const r = await result(app, "blockchain", { minHeight: "2", maxHeight: "3" });
    assert.equal(r.last_height, "4");
    const metas = r.block_metas as Json[];
    assert.deepEqual(metas.map((m) => obj(m.header).height), ["3", "2"]);
    assert.equal(metas[0]!.num_txs, "4");
    assert.match(String(metas[0]!.block_size), INT_STRING);
    assertBlockId(metas[0]!.block_id);
    const all = await result(app, "blockchain", {});
    assert.equal((all.block_metas as unknown[]).length, 4);
    assert.match((await rpcError(app, "blockchain", { minHeight: "4", maxHeight: "2" })).data, /min height 4 can't be greater than max height 2/);
  });

  it("commit: canonical below the tip, seen commit at the tip", async () => {
    const c2 = await result(app, "commit", { height: "2" });
    assert.equal(c2.canonical, true);
    assertHeader(obj(c2.signed_header).header, "2");
    assert.equal(obj(obj(c2.signed_header).commit).height, "2");
    const tip = await result(app, "commit");
    assert.equal(tip.canonical, false);
    assert.equal(obj(obj(tip.signed_header).commit).height, "4");
  });

  it("validators with paging fields as strings", async () => {
    const r = await result(app, "validators", { height: "2", page: "1", per_page: "10" });
    assert.equal(r.block_height, "2");
    assert.equal(r.count, "1");
    assert.equal(r.total, "1");
    const v = obj((r.validators as unknown[])[0]);
    assert.equal(v.voting_power, "10");
    assert.equal(v.proposer_priority, "0");
  });

  it("abci_info and abci_query (height never 0, value base64, errors as code)", async () => {
    const info = obj((await result(app, "abci_info")).response);
    assert.equal(info.last_block_height, "4");
    assert.equal(info.app_version, "1");
    const q = obj((await result(app, "abci_query", { path: "/cosmos.bank.v1beta1.Query/Balance", data: "0a00", prove: false })).response);
    assert.equal(q.code, 0);
    assert.equal(q.height, "4");
    assert.equal(q.index, "0");
    assert.equal(q.proof_ops, null);
    assert.equal(typeof q.value, "string");
    const missing = obj((await result(app, "abci_query", { path: "/cosmos.auth.v1beta1.Query/Account", data: "0a03616263" })).response);
    assert.equal(missing.code, 22);
    assert.equal(missing.codespace, "sdk");
    assert.match(String(missing.log), /NotFound/);
    assert.equal(missing.value, null);
    const atHeight = obj((await result(app, "abci_query", { path: "/cosmos.bank.v1beta1.Query/Balance", data: "", height: "2" })).response);
    assert.equal(atHeight.height, "2");
    assert.equal((await rpcError(app, "abci_query", { path: "/x", data: "zz" })).code, -32602);
  });

  it("broadcast_tx_sync/async/commit", async () => {
    const tx = makeSendTx(alice, bob, "42", 7n);
    const sync = await result(app, "broadcast_tx_sync", { tx: Buffer.from(tx).toString("base64") });
    assert.deepEqual(sync, { code: 0, data: "", log: "", codespace: "", hash: hexUpper(sha256(tx)) });
    const rejected = await result(app, "broadcast_tx_sync", { tx: Buffer.from(makeSendTx(alice, bob, "1", 8n, "reject")).toString("base64") });
    assert.equal(rejected.code, 13);
    assert.equal(rejected.codespace, "sdk");
    assert.equal(rejected.data, "");

    const asyncTx = makeSendTx(alice, bob, "43", 8n);
    const asyncResult = await result(app, "broadcast_tx_async", { tx: Buffer.from(asyncTx).toString("base64") });
    assert.equal(asyncResult.code, 0);
    assert.equal(asyncResult.hash, hexUpper(sha256(asyncTx)));

    const num = await result(app, "num_unconfirmed_txs");
    assert.deepEqual(num, { n_txs: "2", total: "2", total_bytes: String(tx.length + asyncTx.length), txs: null });
    const unconfirmed = await result(app, "unconfirmed_txs", { limit: "1" });
    assert.equal(unconfirmed.n_txs, "1");
    assert.deepEqual(unconfirmed.txs, [Buffer.from(tx).toString("base64")]);

    const commitTx = makeSendTx(alice, bob, "44", 9n);
    const pending = result(app, "broadcast_tx_commit", { tx: Buffer.from(commitTx).toString("base64") });
    setTimeout(() => view.produceBlock(), 20);
    const committed = await pending;
    assert.equal(committed.height, "5");
    assert.equal(committed.hash, hexUpper(sha256(commitTx)));
    assertExecTxResult(committed.check_tx);
    assertExecTxResult(committed.tx_result);

    const failed = await result(app, "broadcast_tx_commit", { tx: Buffer.from(makeSendTx(alice, bob, "1", 10n, "reject")).toString("base64") });
    assert.equal(obj(failed.check_tx).code, 13);
    assert.equal(failed.height, "0");
  });

  it("genesis and health", async () => {
    const g = obj((await result(app, "genesis")).genesis);
    assert.equal(g.chain_id, "trainchain-test-1");
    // bigints in app_state are printed as strings rather than failing the response.
    assert.deepEqual(obj(g.app_state), { bank: { supply: [{ denom: "utrain", amount: "1000000" }] } });
    assert.deepEqual(await result(app, "health"), {});
  });

  it("JSON-RPC errors: unknown method, invalid params, parse error, positional params", async () => {
    assert.deepEqual(await rpcError(app, "no_such_method"), { code: -32601, message: "Method not found", data: "" });
    assert.equal((await rpcError(app, "tx", { hash: "!!not base64!!" })).code, -32602);
    const parse = await app.inject({ method: "POST", url: "/", payload: "{not json", headers: { "content-type": "application/json" } });
    assert.equal(parse.statusCode, 200);
    const parsed = parse.json() as Json;
    assert.equal(obj(parsed.error).code, -32700);
    assert.equal(obj(parsed.error).message, "Parse error");
    const positional = await app.inject({ method: "POST", url: "/", payload: { jsonrpc: "2.0", id: "p", method: "block", params: ["2"] } });
    assert.equal(obj(obj(obj(positional.json()).result).block_id).hash, obj((await result(app, "block", { height: "2" })).block_id).hash);
  });

  it("batch requests answer every request in order", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/",
      payload: [
        { jsonrpc: "2.0", id: 1, method: "health" },
        { jsonrpc: "2.0", id: "two", method: "block", params: { height: "1" } },
        { jsonrpc: "2.0", id: 3, method: "nope" },
      ],
    });
    assert.equal(res.statusCode, 200);
    const body = res.json() as Json[];
    assert.equal(body.length, 3);
    assert.deepEqual(body[0], { jsonrpc: "2.0", id: 1, result: {} });
    assert.equal(body[1]!.id, "two");
    assert.equal(obj(obj(obj(body[1]!.result).block).header).height, "1");
    assert.equal(obj(body[2]!.error).code, -32601);
  });

  it("GET-URI form with quoted strings, 0x-hex bytes and bare numbers", async () => {
    const status = await app.inject({ method: "GET", url: "/status" });
    assert.equal(status.statusCode, 200);
    const statusBody = status.json() as Json;
    assert.equal(statusBody.id, -1);
    assert.equal(obj(obj(statusBody.result).sync_info).latest_block_height, "5");

    const block = (await app.inject({ method: "GET", url: "/block?height=2" })).json() as Json;
    assert.equal(obj(obj(obj(block.result).block).header).height, "2");

    const hash = hexUpper(sha256(sentTxs[0]!));
    const tx = (await app.inject({ method: "GET", url: `/tx?hash=0x${hash}` })).json() as Json;
    assert.equal(obj(tx.result).hash, hash);

    const search = (await app.inject({ method: "GET", url: `/tx_search?query=${encodeURIComponent(`"tx.hash='${hash}'"`)}&per_page=5` })).json() as Json;
    assert.equal(obj(search.result).total_count, "1");

    const q = (await app.inject({ method: "GET", url: `/abci_query?path=${encodeURIComponent('"/cosmos.bank.v1beta1.Query/Balance"')}&data=0x0a00` })).json() as Json;
    assert.equal(obj(obj(q.result).response).code, 0);

    const err = (await app.inject({ method: "GET", url: "/block?height=99" })).json() as Json;
    assert.equal(obj(err.error).code, -32603);

    const unknown = await app.inject({ method: "GET", url: "/nope" });
    assert.equal(unknown.statusCode, 404);
    assert.equal(obj((unknown.json() as Json).error).code, -32601);
  });
});
