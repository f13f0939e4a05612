// kill -9 while the node commits under load; after restart every tx reported committed is still
// there, every height's block and app hash is unchanged, and the chain goes on.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { makeHome, startNode, waitForHeight, type RunningNode, type TestHome } from "../helpers/chain.ts";
import { accountInfo, rpcCall, signedSend, signerFromMnemonic, type FastSigner } from "../helpers/txs.ts";

interface BlockSeen {
  hash: string;
  appHash: string;
  txs: string[];
}

describe("crash safety", { timeout: 300_000 }, () => {
  let home: TestHome;
  let signers: FastSigner[];
  const seqs = new Map<string, { accountNumber: bigint; sequence: bigint }>();

  before(async () => {
    home = await makeHome({ chainId: "crash-1", accounts: 8 });
    signers = await Promise.all(home.keys.slice(1).map((k) => signerFromMnemonic(k.mnemonic)));
  });
  after(() => home?.cleanup());

  async function load(node: RunningNode, stopAt: number): Promise<number> {
    let sent = 0;
    for (const s of signers) seqs.set(s.address, await accountInfo(node.rpc, s.address));
    while (Date.now() < stopAt) {
      await Promise.all(
        signers.map(async (s, i) => {
          const info = seqs.get(s.address)!;
          const tx = signedSend(s, { chainId: "crash-1", accountNumber: info.accountNumber, sequence: info.sequence, to: signers[(i + 1) % signers.length]!.address });
          try {
            const r = await rpcCall<{ code: number }>(node.rpc, "broadcast_tx_sync", { tx: Buffer.from(tx).toString("base64") });
            if (r.code === 0) {
              info.sequence += 1n;
              sent++;
            }
          } catch {
            // the node may be gone
          }
        }),
      );
    }
    return sent;
  }

  async function record(node: RunningNode, seen: Map<number, BlockSeen>): Promise<void> {
    const status = await rpcCall<{ sync_info: { latest_block_height: string } }>(node.rpc, "status", {});
    const latest = Number(status.sync_info.latest_block_height);
    for (let h = Math.max(1, latest - 30); h <= latest; h++) {
      if (seen.has(h)) continue;
      const b = await rpcCall<{ block_id: { hash: string }; block: { header: { app_hash: string }; data: { txs: string[] | null } } }>(node.rpc, "block", { height: String(h) });
      const { createHash } = await import("node:crypto");
      const txs = (b.block.data.txs ?? []).map((t) => createHash("sha256").update(Buffer.from(t, "base64")).digest("hex").toUpperCase());
      seen.set(h, { hash: b.block_id.hash, appHash: b.block.header.app_hash, txs });
    }
  }

  it("loses nothing committed across three kill -9 restarts", async () => {
    const seen = new Map<number, BlockSeen>();
    let totalSent = 0;
    for (let round = 0; round < 3; round++) {
      const node = await startNode(home.home, { blockTime: "100ms" });
      const loadDone = load(node, Date.now() + 2500 + round * 700);
      const recorder = (async () => {
        while (node.proc.exitCode === null && node.proc.signalCode === null) {
          try {
            await record(node, seen);
          } catch {
            break;
          }
          await new Promise((r) => setTimeout(r, 150));
        }
      })();
      await new Promise((r) => setTimeout(r, 2000 + round * 700));
      await node.kill9();
      totalSent += await loadDone;
      await recorder;
    }
    assert.ok(totalSent > 50, `load sent only ${totalSent} txs`);
    const node = await startNode(home.home, { blockTime: "100ms" });
    try {
      const committedTxs = [...seen.values()].flatMap((b) => b.txs);
      assert.ok(committedTxs.length > 20, `only ${committedTxs.length} txs were seen committed`);
      for (const [h, b] of seen) {
        const again = await rpcCall<{ block_id: { hash: string }; block: { header: { app_hash: string } } }>(node.rpc, "block", { height: String(h) });
        assert.equal(again.block_id.hash, b.hash, `block hash at height ${h}`);
        assert.equal(again.block.header.app_hash, b.appHash, `app hash at height ${h}`);
      }
      for (const hash of committedTxs) {
        const tx = await rpcCall<{ hash: string; tx_result: { code: number } }>(node.rpc, "tx", { hash: Buffer.from(hash, "hex").toString("base64") });
        assert.equal(tx.hash, hash);
      }
      const top = Math.max(...seen.keys());
      await waitForHeight(node.rpc, top + 3);
      // and it still takes transactions
      const s = signers[0]!;
      const info = await accountInfo(node.rpc, s.address);
      const r = await rpcCall<{ check_tx: { code: number; log: string }; tx_result: { code: number; log: string } }>(node.rpc, "broadcast_tx_commit", {
        tx: Buffer.from(signedSend(s, { chainId: "crash-1", accountNumber: info.accountNumber, sequence: info.sequence, to: signers[1]!.address })).toString("base64"),
      });
      assert.equal(r.check_tx.code, 0, r.check_tx.log);
      assert.equal(r.tx_result.code, 0, r.tx_result.log);
    } finally {
      await node.stop();
    }
  });
});
