// While the embedded engine writes a block, CheckTx runs against the block's resulting state
// (checkOnPending); queries keep the last committed state until the write is done, and what
// CheckTx admitted meanwhile survives the Commit.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { TrainchainApp } from "../../chain/app.ts";
import { ChainDb } from "../../chain/store/db.ts";
import { parseTime, type GenesisDoc } from "../../chain/node/genesis.ts";
import { fromBech32 } from "../../chain/framework/address.ts";
import { makeHome } from "../helpers/chain.ts";
import { signedSend, signerFromMnemonic } from "../helpers/txs.ts";

describe("CheckTx during a block's write", () => {
  it("checks against the finalized block, queries the committed state, and keeps its admissions after Commit", async () => {
    const home = await makeHome({ chainId: "pend-1", accounts: 2 });
    const db = await ChainDb.open(join(mkdtempSync(join(tmpdir(), "pend-")), "db"));
    try {
      const genesis = JSON.parse(readFileSync(join(home.home, "config", "genesis.json"), "utf8")) as GenesisDoc;
      const app = await TrainchainApp.open({ db, logger: pino({ enabled: false }) });
      const t0 = parseTime(genesis.genesis_time);
      await app.initChain({ time: t0, chainId: "pend-1", consensusParams: undefined, validators: [], appStateBytes: new TextEncoder().encode(JSON.stringify(genesis.app_state)), initialHeight: 1n });
      const [alice, bob] = await Promise.all(home.keys.slice(1, 3).map((k) => signerFromMnemonic(k.mnemonic)));
      const account = app.accounts.getAccount(app.queryContext(), fromBech32(alice!.address))!;
      const send = (sequence: bigint): Uint8Array => signedSend(alice!, { chainId: "pend-1", accountNumber: account.accountNumber, sequence, to: bob!.address, amount: "7" });
      const balance = (): bigint => app.bank.getBalance(app.queryContext(), fromBech32(bob!.address), "utrain");
      const before = balance();
      const block = (height: bigint, txs: Uint8Array[]) =>
        app.finalizeBlockSync({ txs, decidedLastCommit: { round: 0, votes: [] }, misbehavior: [], hash: new Uint8Array(32), height, time: { seconds: t0.seconds + height, nanos: 0 }, nextValidatorsHash: new Uint8Array(), proposerAddress: new Uint8Array(20) });

      // a block whose tx this node's CheckTx never saw (another proposer's)
      const tx0 = send(0n);
      assert.equal(block(1n, [tx0]).txResults[0]!.code, 0);
      app.checkOnPending();
      // the block's state: sequence 0 is spent, 1 is next; the committed state is still the old one
      assert.equal(app.checkTxSync(tx0).code, 32, "a replay of the block's tx fails on its sequence");
      const tx1 = send(1n);
      assert.equal(app.checkTxSync(tx1).code, 0, "the next sequence is admitted against the block's state");
      assert.equal(balance(), before, "queries read the committed state until the write is done");
      await app.commit();
      assert.equal(balance(), before + 7n);
      // tx1's CheckTx effects survived the Commit: the sequence after it is admitted, tx1 is not again
      assert.equal(app.checkTxSync(send(2n)).code, 0);
      assert.equal(app.checkTxSync(send(1n)).code, 32);
      assert.equal(block(2n, [tx1]).txResults[0]!.code, 0);
      await app.commit();
      assert.equal(balance(), before + 14n);
    } finally {
      await db.close();
      home.cleanup();
    }
  });
});
