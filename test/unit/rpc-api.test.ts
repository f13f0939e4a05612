// Cosmos REST routes of buildApiServer (grpc-gateway JSON and error bodies) and /metrics, checked
// with app.inject() against the in-memory NodeView fixture.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";
import { Counter, Registry } from "prom-client";
import { buildApiServer } from "../../chain/rpc/api.js";
import { MemoryNodeView, fixtureAddress, hexUpper, makeSendTx, sha256 } from "../../chain/rpc/testing/memory-view.js";

type Json = Record<string, unknown>;

describe("api server", () => {
  const view = new MemoryNodeView();
  const alice = fixtureAddress("alice");
  const bob = fixtureAddress("bob");
  const registry = new Registry();
  const blocks = new Counter({ name: "trainchain_blocks_total", help: "blocks committed", registers: [registry] });
  let app: FastifyInstance;
  let sent: Uint8Array;

  before(async () => {
    view.fund(alice, "1000000");
    view.produceBlock();
    sent = makeSendTx(alice, bob, "25", 0n, "hello");
    await view.broadcastTx(sent);
    view.produceBlock();
    blocks.inc(2);
    app = buildApiServer(view, {
      logger: false,
      registry,
      extraRoutes: (instance) => instance.get("/extra", async () => ({ ok: true })),
    });
    await app.ready();
  });

  after(async () => {
    await app.close();
  });

  async function get(url: string): Promise<{ status: number; body: Json }> {
    const res = await app.inject({ method: "GET", url });
    return { status: res.statusCode, body: res.json() as Json };
  }

  it("bank balances, by_denom and supply", async () => {
    const all = await get(`/cosmos/bank/v1beta1/balances/${alice}`);
    assert.equal(all.status, 200);
    assert.deepEqual(all.body, { balances: [{ denom: "utrain", amount: "1000000" }], pagination: { next_key: null, total: "1" } });
    const paged = await get(`/cosmos/bank/v1beta1/balances/${alice}?pagination.limit=10&pagination.count_total=true`);
    assert.equal(paged.status, 200);
    const one = await get(`/cosmos/bank/v1beta1/balances/${bob}/by_denom?denom=utrain`);
    assert.deepEqual(one.body, { balance: { denom: "utrain", amount: "0" } });
    const noDenom = await get(`/cosmos/bank/v1beta1/balances/${bob}/by_denom`);
    assert.equal(noDenom.status, 400);
    assert.equal(noDenom.body.code, 3);
    const supply = await get("/cosmos/bank/v1beta1/supply");
    assert.deepEqual((supply.body.supply as unknown[])[0], { denom: "utrain", amount: "1000000" });
  });

  it("bad addresses are 400 with gateway error bodies", async () => {
    const bad = await get("/cosmos/bank/v1beta1/balances/notanaddress");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 3);
    assert.deepEqual(bad.body.details, []);
    assert.equal(typeof bad.body.message, "string");
    const wrongPrefix = await get("/cosmos/auth/v1beta1/accounts/cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu");
    assert.equal(wrongPrefix.status, 400);
  });

  it("auth account as BaseAccount JSON; unknown account is 404 code 5", async () => {
    const res = await get(`/cosmos/auth/v1beta1/accounts/${alice}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.account, {
      "@type": "/cosmos.auth.v1beta1.BaseAccount",
      address: alice,
      pub_key: { "@type": "/cosmos.crypto.secp256k1.PubKey", key: Buffer.alloc(33, 2).toString("base64") },
      account_number: "0",
      sequence: "1",
    });
    const missing = await get(`/cosmos/auth/v1beta1/accounts/${fixtureAddress("nobody")}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 5);
    assert.match(String(missing.body.message), /not found/);
    assert.deepEqual(missing.body.details, []);
  });

  it("tx by hash with decoded tx and tx_response", async () => {
    const hash = hexUpper(sha256(sent));
    const res = await get(`/cosmos/tx/v1beta1/txs/${hash.toLowerCase()}`);
    assert.equal(res.status, 200);
    const tx = res.body.tx as Json;
    const body = tx.body as Json;
    assert.equal(body.memo, "hello");
    assert.deepEqual((body.messages as unknown[])[0], {
      "@type": "/cosmos.bank.v1beta1.MsgSend",
      from_address: alice,
      to_address: bob,
      amount: [{ denom: "utrain", amount: "25" }],
    });
    const authInfo = tx.auth_info as Json;
    const signer = (authInfo.signer_infos as Json[])[0]!;
    assert.deepEqual(signer.mode_info, { single: { mode: "SIGN_MODE_DIRECT" } });
    assert.equal(signer.sequence, "0");
    assert.equal((authInfo.fee as Json).gas_limit, "200000");
    const response = res.body.tx_response as Json;
    assert.equal(response.height, "2");
    assert.equal(response.txhash, hash);
    assert.equal(response.code, 0);
    assert.equal(response.gas_used, "61234");
    assert.deepEqual(response.logs, []);
    assert.equal(response.timestamp, "2026-11-22T02:40:01Z");
    assert.equal((response.tx as Json)["@type"], "/cosmos.tx.v1beta1.Tx");
    assert.ok(Array.isArray(response.events));

    const missing = await get(`/cosmos/tx/v1beta1/txs/${"AB".repeat(32)}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 5);
    assert.equal((await get("/cosmos/tx/v1beta1/txs/xyz")).status, 400);
  });

  it("blocks latest and by height, with sdk_block proposer as valcons bech32", async () => {
    const latest = await get("/cosmos/base/tendermint/v1beta1/blocks/latest");
    assert.equal(latest.status, 200);
    const header = (latest.body.block as Json).header as Json;
    assert.equal(header.height, "2");
    assert.equal(header.chain_id, "trainchain-test-1");
    assert.equal(header.time, "2026-11-22T02:40:01Z");
    assert.equal(typeof (latest.body.block_id as Json).hash, "string");
    const sdkHeader = (latest.body.sdk_block as Json).header as Json;
    assert.match(String(sdkHeader.proposer_address), /^trainvalcons1/);
    const lastCommit = (latest.body.block as Json).last_commit as Json;
    assert.equal((lastCommit.signatures as Json[])[0]!.block_id_flag, "BLOCK_ID_FLAG_COMMIT");
    const first = await get("/cosmos/base/tendermint/v1beta1/blocks/1");
    assert.equal((((first.body.block as Json).header as Json).time), "2026-11-22T02:40:00.123456789Z");
    assert.equal((await get("/cosmos/base/tendermint/v1beta1/blocks/99")).status, 400);
    assert.equal((await get("/cosmos/base/tendermint/v1beta1/blocks/abc")).status, 400);
  });

  it("node_info", async () => {
    const res = await get("/cosmos/base/tendermint/v1beta1/node_info");
    const info = res.body.default_node_info as Json;
    assert.equal(info.network, "trainchain-test-1");
    assert.ok(String(info.version).startsWith("0.38."));
    assert.deepEqual(info.protocol_version, { p2p: "8", block: "11", app: "0" });
    assert.equal((res.body.application_version as Json).name, "trainchain");
  });

  it("broadcast (sync, async, rejected, bad mode) and simulate", async () => {
    const tx = makeSendTx(alice, bob, "1", 1n);
    const sync = await app.inject({ method: "POST", url: "/cosmos/tx/v1beta1/txs", payload: { tx_bytes: Buffer.from(tx).toString("base64"), mode: "BROADCAST_MODE_SYNC" } });
    assert.equal(sync.statusCode, 200);
    const syncBody = (sync.json() as Json).tx_response as Json;
    assert.equal(syncBody.code, 0);
    assert.equal(syncBody.txhash, hexUpper(sha256(tx)));
    assert.equal(syncBody.height, "0");

    const rejected = await app.inject({ method: "POST", url: "/cosmos/tx/v1beta1/txs", payload: { tx_bytes: Buffer.from(makeSendTx(alice, bob, "1", 2n, "reject")).toString("base64"), mode: "BROADCAST_MODE_SYNC" } });
    assert.equal(rejected.statusCode, 200);
    assert.equal(((rejected.json() as Json).tx_response as Json).code, 13);

    const asyncRes = await app.inject({ method: "POST", url: "/cosmos/tx/v1beta1/txs", payload: { tx_bytes: Buffer.from(makeSendTx(alice, bob, "2", 2n)).toString("base64"), mode: "BROADCAST_MODE_ASYNC" } });
    assert.equal(((asyncRes.json() as Json).tx_response as Json).code, 0);

    const blockMode = await app.inject({ method: "POST", url: "/cosmos/tx/v1beta1/txs", payload: { tx_bytes: "AAAA", mode: "BROADCAST_MODE_BLOCK" } });
    assert.equal(blockMode.statusCode, 400);
    const missing = await app.inject({ method: "POST", url: "/cosmos/tx/v1beta1/txs", payload: { mode: "BROADCAST_MODE_SYNC" } });
    assert.equal(missing.statusCode, 400);
    assert.equal((missing.json() as Json).code, 3);
    const notJson = await app.inject({ method: "POST", url: "/cosmos/tx/v1beta1/txs", payload: "{oops", headers: { "content-type": "application/json" } });
    assert.equal(notJson.statusCode, 400);

    const sim = await app.inject({ method: "POST", url: "/cosmos/tx/v1beta1/simulate", payload: { tx_bytes: Buffer.from(tx).toString("base64") } });
    assert.equal(sim.statusCode, 200);
    const simBody = sim.json() as Json;
    assert.deepEqual(simBody.gas_info, { gas_wanted: "0", gas_used: "77777" });
    assert.deepEqual(((simBody.result as Json).msg_responses as unknown[])[0], { "@type": "/cosmos.bank.v1beta1.MsgSendResponse" });
  });

  it("metrics include defaults and the node's registry; extra routes are mounted; unknown routes are gateway 404s", async () => {
    const res = await app.inject({ method: "GET", url: "/metrics" });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers["content-type"]), /text\/plain/);
    assert.match(res.body, /trainchain_blocks_total 2/);
    assert.match(res.body, /process_cpu_user_seconds_total/);
    assert.deepEqual((await get("/extra")).body, { ok: true });
    const unknown = await get("/cosmos/nothing/here");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 5);
  });
});
