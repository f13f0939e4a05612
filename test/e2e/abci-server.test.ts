// `trainchain start --abci` as a real process, driven the way CometBFT drives it: genesis from
// `trainchain cometbft export`, InitChain with its app_state and validators, blocks, a clean
// SIGTERM, and a restart whose Info lets CometBFT resume.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { AbciClient } from "../../chain/abci/client.ts";
import { parseTime } from "../../chain/node/genesis.ts";
import { validatorAddress } from "../../chain/node/validator-key.ts";
import { BIN, makeHome, type TestHome } from "../helpers/chain.ts";

interface CometGenesis {
  genesis_time: string;
  chain_id: string;
  initial_height: string;
  app_hash: string;
  consensus_params: { block: { max_bytes: string } };
  validators: { address: string; pub_key: { type: string; value: string }; power: string; name: string }[];
  app_state: Record<string, unknown>;
}

function run(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (out += d.toString()));
    p.on("exit", (code) => resolve({ code: code ?? 1, out }));
  });
}

async function serve(home: string, address: string): Promise<{ stop(): Promise<number>; log(): string }> {
  const proc = spawn(process.execPath, [BIN, "start", "--abci", address, "--home", home, "--log-level", "info"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number>((resolve) => proc.once("exit", (code) => resolve(code ?? 1)));
  const deadline = Date.now() + 30_000;
  while (!out.includes("serving the application to CometBFT")) {
    if (proc.exitCode !== null) throw new Error(`start --abci exited: ${out}`);
    if (Date.now() > deadline) throw new Error(`start --abci did not come up: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    stop: async () => {
      proc.kill("SIGTERM");
      return exited;
    },
    log: () => out,
  };
}

describe("trainchain start --abci (the app for a CometBFT node)", { timeout: 120_000 }, () => {
  let home: TestHome;
  // made before any test runs: makeHome silences stdout, which must not overlap a test's report
  before(async () => {
    home = await makeHome({ chainId: "abci-srv-1", accounts: 1 });
  });
  after(() => home?.cleanup());

  it("exports a CometBFT home, takes InitChain from its genesis, commits blocks, and resumes after SIGTERM", async () => {
    const cmt = join(home.home, "cmt");
    const exported = await run(["cometbft", "export", "--home", home.home, "--out-dir", cmt]);
    assert.equal(exported.code, 0, exported.out);
    const genesis = JSON.parse(readFileSync(join(cmt, "config", "genesis.json"), "utf8")) as CometGenesis;
    assert.equal(genesis.chain_id, "abci-srv-1");
    assert.equal(genesis.initial_height, "1");
    assert.equal(genesis.app_hash, "");
    assert.equal(genesis.validators.length, 1);
    const v = genesis.validators[0]!;
    assert.equal(v.pub_key.type, "tendermint/PubKeyEd25519");
    assert.equal(v.power, "100");
    assert.equal(v.address, Buffer.from(validatorAddress(new Uint8Array(Buffer.from(v.pub_key.value, "base64")))).toString("hex").toUpperCase());
    const key = JSON.parse(readFileSync(join(cmt, "config", "priv_validator_key.json"), "utf8")) as { address: string; pub_key: { value: string } };
    assert.equal(key.address, v.address);
    assert.equal(key.pub_key.value, v.pub_key.value);
    assert.equal(statSync(join(cmt, "config", "priv_validator_key.json")).mode & 0o077, 0);
    assert.deepEqual(JSON.parse(readFileSync(join(cmt, "data", "priv_validator_state.json"), "utf8")), { height: "0", round: 0, step: 0 });

    const address = `unix://${join(home.home, "app.sock")}`;
    let app = await serve(home.home, address);
    let client = await AbciClient.connect(address);
    assert.equal(await client.echo("ping"), "ping");
    assert.equal((await client.info({ version: "0.38.12", blockVersion: 11n, p2pVersion: 8n, abciVersion: "2.0.0" })).lastBlockHeight, 0n);
    const time = parseTime(genesis.genesis_time);
    const init = await client.initChain({
      time,
      chainId: genesis.chain_id,
      consensusParams: undefined,
      validators: [{ pubKey: { ed25519: new Uint8Array(Buffer.from(v.pub_key.value, "base64")), secp256k1: undefined }, power: BigInt(v.power) }],
      appStateBytes: new TextEncoder().encode(JSON.stringify(genesis.app_state)),
      initialHeight: 1n,
    });
    // the app's validator set is the one written into CometBFT's genesis
    assert.deepEqual(init.validators.map((u) => [Buffer.from(u.pubKey!.ed25519!).toString("base64"), u.power.toString()]), [[v.pub_key.value, v.power]]);
    const hashes: Uint8Array[] = [];
    for (let h = 1n; h <= 2n; h++) {
      const proposal = await client.prepareProposal({ maxTxBytes: 1_000_000n, txs: [], localLastCommit: { round: 0, votes: [] }, misbehavior: [], height: h, time, nextValidatorsHash: new Uint8Array(32), proposerAddress: new Uint8Array(20) });
      const fb = await client.finalizeBlock({ txs: proposal.txs, decidedLastCommit: { round: 0, votes: [] }, misbehavior: [], hash: new Uint8Array(32).fill(Number(h)), height: h, time: { seconds: time.seconds + h, nanos: 0 }, nextValidatorsHash: new Uint8Array(32), proposerAddress: new Uint8Array(20) });
      hashes.push(fb.appHash);
      await client.commit();
    }
    client.close();
    assert.equal(await app.stop(), 0, app.log());

    app = await serve(home.home, address);
    client = await AbciClient.connect(address);
    const info = await client.info({ version: "0.38.12", blockVersion: 11n, p2pVersion: 8n, abciVersion: "2.0.0" });
    assert.equal(info.lastBlockHeight, 2n);
    assert.deepEqual(info.lastBlockAppHash, hashes[1]);
    await assert.rejects(client.finalizeBlock({ txs: [], decidedLastCommit: { round: 0, votes: [] }, misbehavior: [], hash: new Uint8Array(32), height: 5n, time, nextValidatorsHash: new Uint8Array(32), proposerAddress: new Uint8Array(20) }), /ABCI exception: .*height 5/);
    client.close();
    assert.equal(await app.stop(), 0, app.log());
  });

  it("refuses a bad address with a one-line error", async () => {
    const res = await run(["start", "--abci", "http://127.0.0.1:1", "--home", home.home]);
    assert.equal(res.code, 1);
    assert.match(res.out, /^Error: invalid ABCI address "http:\/\/127.0.0.1:1": expected tcp:\/\/HOST:PORT or unix:\/\/PATH\n$/);
  });
});
