// ABCI loopback mode (the embedded engine drives the app over the socket): the socket serves the
// node's own app to any client, and the node stops cleanly and resumes after a restart.
// (A separate file: makeHome silences stdout, which must not overlap another test's report.)
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { AbciClient } from "../../chain/abci/client.ts";
import { makeHome, startNode, waitForHeight } from "../helpers/chain.ts";

describe("ABCI loopback mode", { timeout: 120_000 }, () => {
  it("serves the node's app on the socket (Info matches RPC status) and resumes after a restart", async () => {
    const home = await makeHome({ chainId: "abci-loop-1", accounts: 1 });
    const address = `unix://${join(home.home, "abci.sock")}`;
    try {
      let node = await startNode(home.home, { extraArgs: ["--abci-loopback", address] });
      await waitForHeight(node.rpc, 3);
      const client = await AbciClient.connect(address);
      const info = await client.info({ version: "0.38.12", blockVersion: 11n, p2pVersion: 8n, abciVersion: "2.0.0" });
      client.close();
      const status = (await (await fetch(`${node.rpc}/abci_info`)).json()) as { result: { response: { last_block_height: string; last_block_app_hash: string } } };
      assert.ok(info.lastBlockHeight >= 3n);
      assert.ok(BigInt(status.result.response.last_block_height) >= info.lastBlockHeight);
      await node.stop();
      assert.equal(node.proc.exitCode, 0, node.log());
      node = await startNode(home.home, { extraArgs: ["--abci-loopback", address] });
      await waitForHeight(node.rpc, Number(info.lastBlockHeight) + 2);
      await node.stop();
      assert.equal(node.proc.exitCode, 0, node.log());
    } finally {
      home.cleanup();
    }
  });
});
