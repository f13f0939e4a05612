// Unmodified CosmJS parses every response of the RPC server (its own strict JSON checks), over a
// real loopback port backed by the in-memory NodeView fixture.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { Comet38Client, HttpClient, WebsocketClient, connectComet } from "@cosmjs/tendermint-rpc";
import { StargateClient } from "@cosmjs/stargate";
import { buildRpcServer } from "../../chain/rpc/server.js";
import { MemoryNodeView, fixtureAddress, hexUpper, makeSendTx, sha256 } from "../../chain/rpc/testing/memory-view.js";

describe("CosmJS 0.39 against the RPC server", () => {
  const view = new MemoryNodeView();
  const alice = fixtureAddress("alice");
  const bob = fixtureAddress("bob");
  let app: FastifyInstance;
  let url: string;
  let client: Comet38Client;
  const txs: Uint8Array[] = [];

  before(async () => {
    view.fund(alice, "1000000");
    view.produceBlock();
    for (let i = 0; i < 3; i++) {
      const tx = makeSendTx(alice, bob, String(10 + i), BigInt(i));
      txs.push(tx);
      await view.broadcastTx(tx);
    }
    view.produceBlock();
    view.produceBlock();
    app = buildRpcServer(view, { logger: false });
    await app.listen({ host: "127.0.0.1", port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    client = await Comet38Client.create(new HttpClient(url));
  });

  after(async () => {
    client.disconnect();
    await app.close();
  });

  it("connectComet picks the Comet38 client from node_info.version", async () => {
    const detected = await connectComet(url);
    assert.ok(detected instanceof Comet38Client);
    detected.disconnect();
  });

  it("status", async () => {
    const status = await client.status();
    assert.equal(status.nodeInfo.network, "trainchain-test-1");
    assert.equal(status.syncInfo.latestBlockHeight, 3);
    assert.equal(status.syncInfo.latestBlockHash.length, 32);
    assert.equal(status.syncInfo.latestAppHash.length, 32);
    assert.equal(status.validatorInfo.votingPower, 10n);
  });

  it("block, blockchain, blockResults, commit, validators, genesis", async () => {
    const b1 = await client.block(1);
    assert.equal(b1.block.header.height, 1);
    assert.equal(b1.block.lastCommit, null);
    assert.equal(b1.block.header.lastBlockId, null);
    const b2 = await client.block(2);
    assert.equal(b2.block.txs.length, 3);
    assert.equal(b2.block.lastCommit?.signatures.length, 1);
    assert.equal(b2.block.header.time.toISOString(), "2026-11-22T02:40:01.000Z");
    const latest = await client.block();
    assert.equal(latest.block.header.height, 3);

    const chain = await client.blockchain(1, 3);
    assert.equal(chain.blockMetas.length, 3);
    assert.equal(chain.lastHeight, 3);

    const results = await client.blockResults(2);
    assert.equal(results.results.length, 3);
    assert.equal(results.results[0]!.code, 0);
    assert.equal(results.results[0]!.gasUsed, 61_234n);
    const r1 = await client.blockResults(1);
    assert.equal(r1.validatorUpdates.length, 1);
    assert.equal(r1.validatorUpdates[0]!.pubkey.algorithm, "ed25519");

    const commit = await client.commit(2);
    assert.equal(commit.canonical, true);
    assert.equal(commit.commit.height, 2);

    const validators = await client.validators({ height: 2 });
    assert.equal(validators.total, 1);
    assert.equal(validators.validators[0]!.votingPower, 10n);

    const genesis = await client.genesis();
    assert.equal(genesis.chainId, "trainchain-test-1");
    assert.equal(genesis.validators.length, 1);

    const search = await client.blockSearch({ query: "block.height >= 1" });
    assert.equal(search.totalCount, 3);
    assert.equal(search.blocks.length, 3);
  });

  it("tx, txSearch, txSearchAll", async () => {
    const hash = sha256(txs[1]!);
    const tx = await client.tx({ hash });
    assert.equal(tx.height, 2);
    assert.equal(tx.index, 1);
    const search = await client.txSearch({ query: `message.sender='${alice}'`, per_page: 2 });
    assert.equal(search.totalCount, 3);
    assert.equal(search.txs.length, 2);
    const all = await client.txSearchAll({ query: `message.sender='${alice}'`, per_page: 2 });
    assert.equal(all.txs.length, 3);
  });

  it("abciInfo, abciQuery", async () => {
    const info = await client.abciInfo();
    assert.equal(info.lastBlockHeight, 3);
    const query = await client.abciQuery({ path: "/cosmos.bank.v1beta1.Query/Balance", data: new Uint8Array([0x0a, 0x00]) });
    assert.equal(query.code, 0);
    assert.equal(query.height, 3);
  });

  it("broadcastTxSync, broadcastTxAsync, numUnconfirmedTxs", async () => {
    const tx = makeSendTx(alice, bob, "99", 3n);
    const sync = await client.broadcastTxSync({ tx });
    assert.equal(sync.code, 0);
    assert.equal(hexUpper(sync.hash), hexUpper(sha256(tx)));
    const rejected = await client.broadcastTxSync({ tx: makeSendTx(alice, bob, "1", 4n, "reject") });
    assert.equal(rejected.code, 13);
    const asyncTx = makeSendTx(alice, bob, "98", 4n);
    const asyncResult = await client.broadcastTxAsync({ tx: asyncTx });
    assert.equal(hexUpper(asyncResult.hash), hexUpper(sha256(asyncTx)));
    const pending = await client.numUnconfirmedTxs();
    assert.equal(pending.total, 2);
    view.produceBlock();
  });

  it("StargateClient: chain id, height, account, balances, getTx, searchTx", async () => {
    const stargate = await StargateClient.connect(url);
    try {
      assert.equal(await stargate.getChainId(), "trainchain-test-1");
      assert.equal(await stargate.getHeight(), 4);
      const account = await stargate.getAccount(alice);
      assert.equal(account?.address, alice);
      assert.equal(account?.sequence, 5);
      assert.equal(await stargate.getAccount(fixtureAddress("nobody")), null);
      const balance = await stargate.getBalance(alice, "utrain");
      assert.equal(balance.amount, "1000000");
      const tx = await stargate.getTx(hexUpper(sha256(txs[0]!)));
      assert.equal(tx?.height, 2);
      assert.equal(tx?.code, 0);
      const found = await stargate.searchTx([{ key: "message.sender", value: alice }]);
      assert.equal(found.length, 5);
    } finally {
      stargate.disconnect();
    }
  });

  it("websocket: subscribeNewBlock and subscribeTx decode CometBFT events", async () => {
    // WebsocketClient appends "/websocket" itself.
    const wsClient = new WebsocketClient(url.replace("http://", "ws://"));
    const ws = await Comet38Client.create(wsClient);
    try {
      const heights: number[] = [];
      const txHashes: string[] = [];
      const gotBlock = new Promise<void>((resolve, reject) => {
        ws.subscribeNewBlock().subscribe({ next: (b) => { heights.push(b.header.height); resolve(); }, error: reject, complete: () => undefined });
      });
      const gotTx = new Promise<void>((resolve, reject) => {
        ws.subscribeTx(`message.sender='${alice}'`).subscribe({ next: (t) => { txHashes.push(hexUpper(t.hash)); resolve(); }, error: reject, complete: () => undefined });
      });
      const gotHeader = new Promise<void>((resolve, reject) => {
        ws.subscribeNewBlockHeader().subscribe({ next: () => resolve(), error: reject, complete: () => undefined });
      });
      await new Promise((r) => setTimeout(r, 100));
      const tx = makeSendTx(alice, bob, "7", 5n);
      await view.broadcastTx(tx);
      view.produceBlock();
      await Promise.all([gotBlock, gotTx, gotHeader]);
      assert.deepEqual(heights, [5]);
      assert.deepEqual(txHashes, [hexUpper(sha256(tx))]);
    } finally {
      ws.disconnect();
      // CosmJS's ReconnectingSocket schedules a reconnect even after a deliberate disconnect; cancel it
      // once the close has been seen so the test process can exit.
      await new Promise((r) => setTimeout(r, 50));
      const reconnecting = (wsClient as unknown as { socket: { reconnectTimeout: ReturnType<typeof setTimeout> | null } }).socket;
      if (reconnecting.reconnectTimeout) clearTimeout(reconnecting.reconnectTimeout);
    }
  });
});
