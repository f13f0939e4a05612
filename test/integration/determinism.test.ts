// Determinism: the blocks a node produced, replayed into two fresh applications from the same
// genesis, give the same app hash at every height as the original node.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appFromGenesis, readHomeGenesis } from "../helpers/app.ts";
import type { TrainchainApp } from "../../chain/app.ts";
import type { ChainDb } from "../../chain/store/db.ts";
import { parseTime, type GenesisDoc } from "../../chain/node/genesis.ts";
import { makeHome, startNode, type TestHome } from "../helpers/chain.ts";
import { accountInfo, rpcCall, signedSend, signerFromMnemonic } from "../helpers/txs.ts";

interface RpcBlock {
  block_id: { hash: string };
  block: { header: { height: string; time: string; app_hash: string; proposer_address: string }; data: { txs: string[] | null } };
}

describe("determinism", { timeout: 240_000 }, () => {
  let home: TestHome;
  const dirs: string[] = [];
  before(async () => {
    home = await makeHome({ chainId: "det-1", accounts: 4 });
  });
  after(() => {
    home?.cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("replays a node's blocks into two fresh apps with identical app hashes", async () => {
    const node = await startNode(home.home, { blockTime: "150ms" });
    const blocks: RpcBlock[] = [];
    try {
      const signers = await Promise.all(home.keys.slice(1).map((k) => signerFromMnemonic(k.mnemonic)));
      for (let round = 0; round < 6; round++) {
        for (let i = 0; i < signers.length; i++) {
          const s = signers[i]!;
          const info = await accountInfo(node.rpc, s.address);
          // include failing txs too (insufficient funds), their fee and sequence still change state
          const amount = round === 3 && i === 0 ? "999999999999999" : String(1000 + round);
          const tx = signedSend(s, { chainId: "det-1", accountNumber: info.accountNumber, sequence: info.sequence, to: signers[(i + 1) % signers.length]!.address, amount });
          await rpcCall(node.rpc, "broadcast_tx_commit", { tx: Buffer.from(tx).toString("base64") });
        }
      }
      const status = await rpcCall<{ sync_info: { latest_block_height: string } }>(node.rpc, "status", {});
      const top = Number(status.sync_info.latest_block_height);
      for (let h = 1; h <= top; h++) blocks.push(await rpcCall<RpcBlock>(node.rpc, "block", { height: String(h) }));
    } finally {
      await node.stop();
    }
    assert.ok(blocks.some((b) => (b.block.data.txs ?? []).length > 0));

    const genesis = readHomeGenesis(home.home);
    const replicas: TrainchainApp[] = [];
    const dbs: ChainDb[] = [];
    for (let r = 0; r < 2; r++) {
      const dir = mkdtempSync(join(tmpdir(), "trainchain-replica-"));
      dirs.push(dir);
      const { app, db } = await appFromGenesis(genesis, join(dir, "db"));
      dbs.push(db);
      replicas.push(app);
    }
    for (let i = 0; i < blocks.length - 1; i++) {
      const b = blocks[i]!;
      const next = blocks[i + 1]!;
      const hashes: string[] = [];
      for (const app of replicas) {
        const res = await app.finalizeBlock({
          txs: (b.block.data.txs ?? []).map((t) => new Uint8Array(Buffer.from(t, "base64"))),
          decidedLastCommit: { round: 0, votes: [] },
          misbehavior: [],
          hash: new Uint8Array(Buffer.from(b.block_id.hash, "hex")),
          height: BigInt(b.block.header.height),
          time: parseTime(b.block.header.time),
          nextValidatorsHash: new Uint8Array(),
          proposerAddress: new Uint8Array(Buffer.from(b.block.header.proposer_address, "hex")),
        });
        await app.commit();
        hashes.push(Buffer.from(res.appHash).toString("hex").toUpperCase());
      }
      // block H+1's header carries the app hash after H
      assert.equal(hashes[0], next.block.header.app_hash, `height ${b.block.header.height}`);
      assert.equal(hashes[1], hashes[0]);
    }
    for (const app of replicas) assert.deepEqual(app.checkInvariants(), []);
    for (const db of dbs) await db.close();
  });
});
