// The block engine computes the last results hash of a large block on the node's worker pool (on a
// thread of its own, not a signature thread; the data hash inline): pool roots must equal the
// inline RFC 6962 roots, for any number of leaves, and headers carry the roots of their txs and
// results. While it produces a block, admissions to the mempool wait and are checked against the
// new state.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { pino } from "pino";
import { SignaturePool } from "../../chain/node/sigpool.ts";
import { merkleRoot, sha256 } from "../../chain/node/hashing.ts";
import { Node } from "../../chain/node/node.ts";
import { encodeExecTxResult } from "../../chain/node/tx-result-codec.ts";
import { fromBech32 } from "../../chain/framework/address.ts";
import { freePort, makeHome } from "../helpers/chain.ts";
import { signedSend, signerFromMnemonic } from "../helpers/txs.ts";

describe("block engine", () => {
  it("hashes as node:crypto does: sha256 of any length, RFC 6962 roots", () => {
    const H = (...parts: Uint8Array[]): Buffer => createHash("sha256").update(Buffer.concat(parts)).digest();
    for (const n of [0, 1, 31, 32, 55, 56, 63, 64, 65, 250, 4096]) {
      const data = randomBytes(n);
      assert.deepEqual(Buffer.from(sha256(data)), H(data), `${n} bytes`);
    }
    const [a, b, c] = [randomBytes(20), randomBytes(1), randomBytes(300)];
    const leaf = (x: Uint8Array): Buffer => H(Uint8Array.of(0), x);
    const inner = (l: Uint8Array, r: Uint8Array): Buffer => H(Uint8Array.of(1), l, r);
    assert.deepEqual(Buffer.from(merkleRoot([])), H(new Uint8Array()));
    assert.deepEqual(Buffer.from(merkleRoot([a!])), leaf(a!));
    assert.deepEqual(Buffer.from(merkleRoot([a!, b!, c!])), inner(inner(leaf(a!), leaf(b!)), leaf(c!)));
  });

  it("the worker pool's Merkle roots equal the inline ones", async () => {
    const pool = new SignaturePool(1);
    try {
      for (const n of [0, 1, 2, 3, 5, 64, 65, 100, 257]) {
        const items = Array.from({ length: n }, (_, i) => sha256(Uint8Array.of(i & 0xff, i >> 8)).subarray(0, 1 + (i % 32)));
        assert.deepEqual(Buffer.from(await pool.merkleRoot(items)), Buffer.from(merkleRoot(items)), `${n} leaves`);
      }
    } finally {
      await pool.close();
    }
  });

  it("a block of many txs carries the data hash of its txs and the next block the results hash of its results", async () => {
    const home = await makeHome({ chainId: "hash-1", accounts: 2 });
    const node = await Node.open({
      home: home.home,
      rpcLaddr: `tcp://127.0.0.1:${await freePort()}`,
      apiLaddr: `tcp://127.0.0.1:${await freePort()}`,
      blockTimeMs: 1e9, // blocks are produced by hand below
      minGasPrices: "0.025utrain",
      moniker: "t",
      logger: pino({ level: "silent" }),
    });
    try {
      await node.start();
      const engine = (node as unknown as { engine: { produceBlock(): Promise<void> } }).engine;
      const signer = await signerFromMnemonic(home.keys[1]!.mnemonic);
      const to = (await signerFromMnemonic(home.keys[2]!.mnemonic)).address;
      const account = node.app.accounts.getAccount(node.app.queryContext(), fromBech32(signer.address))!;
      const txs = Array.from({ length: 100 }, (_, i) =>
        signedSend(signer, { chainId: "hash-1", accountNumber: account.accountNumber, sequence: account.sequence + BigInt(i), to, fee: "5000", gas: 100_000n }),
      );
      for (const tx of txs) assert.equal((await node.broadcastTx(tx)).code, 0);
      await engine.produceBlock();
      const height = node.latestHeight();
      const block = (await node.block(height))!;
      assert.equal(block.txs.length, 100);
      assert.deepEqual(Buffer.from(block.header.dataHash), Buffer.from(merkleRoot(txs.map((t) => sha256(t)))));
      const results = (await node.blockResults(height))!.txResults;
      await engine.produceBlock();
      const next = (await node.block(height + 1n))!;
      const leaves = results.map((r) => encodeExecTxResult({ ...r, log: "", info: "", events: [], codespace: "" }));
      assert.deepEqual(Buffer.from(next.header.lastResultsHash), Buffer.from(merkleRoot(leaves)));

      // A tx broadcast while a block is produced waits for the block's commit, then is checked
      // once, against the state after it.
      const later = signedSend(signer, { chainId: "hash-1", accountNumber: account.accountNumber, sequence: account.sequence + 100n, to, fee: "5000", gas: 100_000n });
      const release = node.mempool.lock();
      let answered = false;
      const pending = node.broadcastTx(later).then((r) => ((answered = true), r));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(answered, false);
      assert.equal(node.mempool.size, 0);
      release();
      assert.equal((await pending).code, 0);
      assert.equal(node.mempool.size, 1);
    } finally {
      await node.stop();
      home.cleanup();
    }
  });
});
