// /websocket: subscribe delivers CometBFT-shaped NewBlock and filtered Tx events; unsubscribe and
// errors follow CometBFT. Uses a real loopback port and the `ws` client.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import WebSocket from "ws";
import type { FastifyInstance } from "fastify";
import { buildRpcServer } from "../../chain/rpc/server.js";
import { MemoryNodeView, fixtureAddress, hexUpper, makeSendTx, sha256 } from "../../chain/rpc/testing/memory-view.js";

type Json = Record<string, unknown>;

class Client {
  private readonly queue: Json[] = [];
  private waiting: ((message: Json) => void) | undefined;
  constructor(readonly socket: WebSocket) {
    socket.on("message", (data: Buffer) => {
      const message = JSON.parse(data.toString("utf8")) as Json;
      if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = undefined;
        resolve(message);
      } else this.queue.push(message);
    });
  }

  static async open(url: string): Promise<Client> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return new Client(socket);
  }

  send(message: Json): void {
    this.socket.send(JSON.stringify(message));
  }

  next(timeoutMs = 2000): Promise<Json> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no websocket message")), timeoutMs);
      this.waiting = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
    });
  }

  pending(): number {
    return this.queue.length;
  }

  close(): void {
    this.socket.close();
  }
}

describe("rpc websocket", () => {
  const view = new MemoryNodeView();
  const alice = fixtureAddress("alice");
  const bob = fixtureAddress("bob");
  let app: FastifyInstance;
  let url: string;

  before(async () => {
    view.fund(alice, "1000");
    view.fund(bob, "1000");
    view.produceBlock();
    app = buildRpcServer(view, { logger: false });
    await app.listen({ host: "127.0.0.1", port: 0 });
    url = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/websocket`;
  });

  after(async () => {
    await app.close();
  });

  it("delivers NewBlock and only the matching Tx events, with the subscribe id", async () => {
    const client = await Client.open(url);
    client.send({ jsonrpc: "2.0", id: 7, method: "subscribe", params: { query: "tm.event='NewBlock'" } });
    assert.deepEqual(await client.next(), { jsonrpc: "2.0", id: 7, result: {} });
    const txQuery = `tm.event='Tx' AND message.sender='${alice}'`;
    client.send({ jsonrpc: "2.0", id: "tx-sub", method: "subscribe", params: { query: txQuery } });
    assert.deepEqual(await client.next(), { jsonrpc: "2.0", id: "tx-sub", result: {} });

    const fromAlice = makeSendTx(alice, bob, "5", 0n);
    await view.broadcastTx(fromAlice);
    await view.broadcastTx(makeSendTx(bob, alice, "6", 0n));
    view.produceBlock();

    const newBlock = await client.next();
    assert.equal(newBlock.jsonrpc, "2.0");
    assert.equal(newBlock.id, 7);
    const result = newBlock.result as Json;
    assert.equal(result.query, "tm.event='NewBlock'");
    const data = result.data as Json;
    assert.equal(data.type, "tendermint/event/NewBlock");
    const value = data.value as Json;
    assert.equal(((value.block as Json).header as Json).height, "2");
    assert.equal(((value.block as Json).data as Json as { txs: string[] }).txs.length, 2);
    assert.match(String((value.block_id as Json).hash), /^[0-9A-F]{64}$/);
    const finalize = value.result_finalize_block as Json;
    assert.equal((finalize.tx_results as unknown[]).length, 2);
    assert.equal(typeof finalize.app_hash, "string");
    assert.deepEqual((result.events as Json)["tm.event"], ["NewBlock"]);

    const txEvent = await client.next();
    assert.equal(txEvent.id, "tx-sub");
    const txResult = txEvent.result as Json;
    assert.equal(txResult.query, txQuery);
    const txData = txResult.data as Json;
    assert.equal(txData.type, "tendermint/event/Tx");
    const inner = (txData.value as Json).TxResult as Json;
    assert.equal(inner.height, "2");
    assert.equal(inner.index, 0);
    assert.equal(inner.tx, Buffer.from(fromAlice).toString("base64"));
    assert.equal((inner.result as Json).code, 0);
    const events = txResult.events as Record<string, string[]>;
    assert.deepEqual(events["tx.hash"], [hexUpper(sha256(fromAlice))]);
    assert.deepEqual(events["message.sender"], [alice]);

    // bob's tx does not match; nothing else arrives.
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(client.pending(), 0);
    client.close();
  });

  it("unsubscribe, unsubscribe_all, duplicate and bad queries, other methods over the socket", async () => {
    const client = await Client.open(url);
    client.send({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { query: "tm.event='NewBlock'" } });
    await client.next();
    client.send({ jsonrpc: "2.0", id: 2, method: "subscribe", params: { query: "tm.event='NewBlock'" } });
    assert.deepEqual((await client.next()).error, { code: -32603, message: "Internal error", data: "already subscribed" });
    client.send({ jsonrpc: "2.0", id: 3, method: "subscribe", params: { query: "tm.event = = 'x'" } });
    const bad = (await client.next()).error as Json;
    assert.equal(bad.code, -32603);
    assert.match(String(bad.data), /failed to parse query/);
    client.send({ jsonrpc: "2.0", id: 4, method: "unsubscribe", params: { query: "tm.event='NewBlock'" } });
    assert.deepEqual(await client.next(), { jsonrpc: "2.0", id: 4, result: {} });
    client.send({ jsonrpc: "2.0", id: 5, method: "unsubscribe", params: { query: "tm.event='NewBlock'" } });
    assert.equal(((await client.next()).error as Json).data, "subscription not found");

    client.send({ jsonrpc: "2.0", id: 6, method: "subscribe", params: { query: "tm.event='NewBlockHeader'" } });
    await client.next();
    client.send({ jsonrpc: "2.0", id: 7, method: "unsubscribe_all", params: {} });
    assert.deepEqual(await client.next(), { jsonrpc: "2.0", id: 7, result: {} });
    view.produceBlock();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(client.pending(), 0);

    client.send({ jsonrpc: "2.0", id: 8, method: "block", params: { height: "1" } });
    const block = await client.next();
    assert.equal((((block.result as Json).block as Json).header as Json).height, "1");
    client.send({ jsonrpc: "2.0", id: 9, method: "nope" });
    assert.equal(((await client.next()).error as Json).code, -32601);
    client.close();
  });

  it("derives NewBlockHeader events and stops listening to the node when clients leave", async () => {
    const client = await Client.open(url);
    client.send({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { query: "tm.event='NewBlockHeader'" } });
    await client.next();
    assert.equal(view.listenerCount(), 1);
    view.produceBlock();
    const header = await client.next();
    const data = (header.result as Json).data as Json;
    assert.equal(data.type, "tendermint/event/NewBlockHeader");
    assert.equal(((data.value as Json).header as Json).height, String(view.latestHeight()));
    client.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(view.listenerCount(), 0);
  });
});
