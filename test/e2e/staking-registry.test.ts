// End to end: a real node driven by unmodified CosmJS (SigningStargateClient + trainchainRegistry())
// and by the `trainchain` CLI — staking (create/bond/unbond, validator set changes, unbonding
// payback) and the data registry (register, query, grant/revoke, update, deprecate), plus REST.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { calculateFee, GasPrice, SigningStargateClient, StargateClient, type DeliverTxResponse } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { createTrainchainQueries, trainchainRegistry, type TrainchainQueryClient } from "../../proto/client/index.ts";
import { MsgRegisterDatasetResponse } from "../../proto/trainchain/data_registry/v1/generated.ts";
import { manifestHash, type DatasetManifest } from "../../worker/data/index.ts";
import { BIN, makeHome, startNode, type RunningNode, type TestHome } from "../helpers/chain.ts";

// Blocks come every 200 ms here. CosmJS polls for a broadcast tx every 3 s by default, which is how
// long 15 blocks take: the unbonding entry could mature before signAndBroadcast returned. The
// signers poll every 250 ms, and the period leaves several seconds of margin.
const UNBONDING_BLOCKS = 30;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe("staking and data registry against a real node", { timeout: 600_000 }, () => {
  let home: TestHome;
  let node: RunningNode;
  let comet: Comet38Client;
  let queries: TrainchainQueryClient;
  let stargate: StargateClient;

  const cli = (args: string[]): Promise<CliResult> =>
    new Promise((resolve, reject) => {
      const proc = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      proc.on("error", reject);
      proc.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  const common = (): string[] => ["--home", home.home, "--node", node.rpc, "--keyring-backend", "test", "--output", "json"];
  const txArgs = (from: string): string[] => [...common(), "--from", from, "--chain-id", home.chainId, "-y"];
  /** Runs a CLI command that must succeed and print one JSON document. */
  const cliJson = async (args: string[]): Promise<Record<string, unknown>> => {
    const r = await cli(args);
    assert.equal(r.code, 0, `trainchain ${args.join(" ")} failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  /** Runs a CLI command that must fail with a one-line error. */
  const cliFails = async (args: string[], pattern: RegExp): Promise<void> => {
    const r = await cli(args);
    assert.notEqual(r.code, 0, `trainchain ${args.join(" ")} should fail; stdout: ${r.stdout}`);
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, `one-line error expected, got: ${r.stderr}`);
    assert.match(lines[0]!, /^Error: /);
    assert.match(lines[0]!, pattern);
  };

  async function signer(index: number): Promise<{ client: SigningStargateClient; address: string }> {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(home.keys[index]!.mnemonic, { prefix: "train" });
    const client = await SigningStargateClient.connectWithSigner(node.rpc, wallet, { registry: trainchainRegistry(), gasPrice: GasPrice.fromString("0.025utrain"), broadcastPollIntervalMs: 250 });
    return { client, address: home.keys[index]!.address };
  }

  async function rpcValidators(): Promise<{ pub_key: { value: string }; voting_power: string }[]> {
    const res = (await (await fetch(`${node.rpc}/validators`)).json()) as { result: { validators: { pub_key: { value: string }; voting_power: string }[] } };
    return res.result.validators;
  }

  async function waitBlocks(n: number): Promise<void> {
    const target = (await stargate.getHeight()) + n;
    while ((await stargate.getHeight()) < target) await new Promise((r) => setTimeout(r, 100));
  }

  before(async () => {
    home = await makeHome({ chainId: "staking-e2e", accounts: 4 });
    const genesisPath = join(home.home, "config", "genesis.json");
    const genesis = JSON.parse(readFileSync(genesisPath, "utf8")) as { app_state: { staking: { params: { unbonding_blocks: string } } } };
    genesis.app_state.staking.params.unbonding_blocks = String(UNBONDING_BLOCKS);
    writeFileSync(genesisPath, JSON.stringify(genesis, null, 2));
    node = await startNode(home.home);
    comet = await Comet38Client.connect(node.rpc);
    queries = createTrainchainQueries(comet);
    stargate = await StargateClient.connect(node.rpc);
  });

  after(async () => {
    comet?.disconnect();
    stargate?.disconnect();
    await node?.stop();
    home?.cleanup();
  });

  it("creates, bonds and unbonds a second validator with CosmJS; the validator set follows", async () => {
    const { client, address } = await signer(1); // k0
    try {
      assert.equal((await rpcValidators()).length, 1);
      assert.equal((await queries.trainchainStaking.params()).unbondingBlocks, BigInt(UNBONDING_BLOCKS));
      const consensusKey = new Uint8Array(randomBytes(32));
      const before = BigInt((await stargate.getBalance(address, "utrain")).amount);
      let fees = 0n;
      const send = async (typeUrl: string, value: Record<string, unknown>): Promise<DeliverTxResponse> => {
        const res = await client.signAndBroadcast(address, [{ typeUrl, value }], "auto");
        assert.equal(res.code, 0, res.rawLog);
        const tx = await stargate.getTx(res.transactionHash);
        assert.ok(tx);
        fees += BigInt(Math.ceil(Number(res.gasWanted) * 0.025));
        return res;
      };

      const created = await send("/trainchain.staking.v1.MsgCreateValidator", {
        operatorAddress: address,
        consensusPubkey: consensusKey,
        moniker: "second",
        selfBond: { denom: "utrain", amount: "5000000" },
      });
      assert.ok(created.events.some((e) => e.type === "create_validator" && e.attributes.some((a) => a.key === "operator" && a.value === address)));
      const found = await stargate.searchTx([{ key: "create_validator.operator", value: address }]);
      assert.ok(found.some((t) => t.hash === created.transactionHash), "create_validator.operator is indexed");
      await waitBlocks(1);
      const key64 = Buffer.from(consensusKey).toString("base64");
      const power = async (): Promise<string | undefined> => (await rpcValidators()).find((v) => v.pub_key.value === key64)?.voting_power;
      assert.equal(await power(), "5");
      const v = await queries.trainchainStaking.validator(address);
      assert.equal(v.tokens, "5000000");
      assert.equal(v.moniker, "second");

      await send("/trainchain.staking.v1.MsgBond", { operatorAddress: address, amount: { denom: "utrain", amount: "3000000" } });
      await waitBlocks(1);
      assert.equal(await power(), "8");

      const unbond = await send("/trainchain.staking.v1.MsgUnbond", { operatorAddress: address, amount: { denom: "utrain", amount: "8000000" } });
      const entries = await queries.trainchainStaking.unbondingEntries(address);
      assert.equal(entries.length, 1);
      assert.equal(entries[0]!.amount, "8000000");
      assert.equal(entries[0]!.completionHeight, BigInt(unbond.height + UNBONDING_BLOCKS));
      await waitBlocks(1);
      assert.equal(await power(), undefined, "power 0 removes the validator from the set");
      assert.equal((await rpcValidators()).length, 1);

      // after the unbonding period the operator is paid back
      while ((await stargate.getHeight()) < unbond.height + UNBONDING_BLOCKS + 1) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(await queries.trainchainStaking.unbondingEntries(address), []);
      assert.equal(BigInt((await stargate.getBalance(address, "utrain")).amount), before - fees);

      // a failing message: unbonding more than bonded → staking/10
      const bad = await client.signAndBroadcast(address, [{ typeUrl: "/trainchain.staking.v1.MsgUnbond", value: { operatorAddress: address, amount: { denom: "utrain", amount: "1" } } }], "auto").catch((err: Error) => err);
      assert.ok(bad instanceof Error ? /not enough bonded tokens/.test(bad.message) : bad.code === 10, String(bad instanceof Error ? bad.message : bad.rawLog));
    } finally {
      client.disconnect();
    }
  });

  it("registers, queries, grants, revokes and deprecates a dataset with CosmJS", async () => {
    const { client, address } = await signer(2); // k1
    const grantee = home.keys[3]!.address; // k2
    try {
      const hash = new Uint8Array(createHash("sha256").update("e2e manifest").digest());
      const res = await client.signAndBroadcast(
        address,
        [
          {
            typeUrl: "/trainchain.data_registry.v1.MsgRegisterDataset",
            value: {
              owner: address,
              name: "e2e-set",
              format: { featureShape: [28, 28], featureDtype: "float32", labelDtype: "int64", classCount: 10 },
              sampleCount: 1000n,
              manifestHash: hash,
              uris: ["https://blobs.example/e2e"],
              license: "MIT",
              royaltyBps: 250,
              access: 2,
            },
          },
        ],
        "auto",
      );
      assert.equal(res.code, 0, res.rawLog);
      const id = MsgRegisterDatasetResponse.decode(res.msgResponses[0]!.value).datasetId;
      const byEvent = await stargate.searchTx([{ key: "dataset_registered.dataset_id", value: id.toString() }]);
      assert.ok(byEvent.some((t) => t.hash === res.transactionHash));
      const d = await queries.dataRegistry.dataset(id);
      assert.equal(d.owner, address);
      assert.equal(d.royaltyBps, 250);
      assert.deepEqual(d.manifestHash, hash);
      assert.equal(d.access, 2);
      assert.equal(await queries.dataRegistry.hasAccess(id, grantee), false);

      const tx = async (typeUrl: string, value: Record<string, unknown>): Promise<void> => {
        const r = await client.signAndBroadcast(address, [{ typeUrl, value }], "auto");
        assert.equal(r.code, 0, r.rawLog);
      };
      await tx("/trainchain.data_registry.v1.MsgGrantAccess", { owner: address, datasetId: id, grantee });
      assert.equal(await queries.dataRegistry.hasAccess(id, grantee), true);
      assert.deepEqual(await queries.dataRegistry.grants(id), [grantee]);
      await tx("/trainchain.data_registry.v1.MsgRevokeAccess", { owner: address, datasetId: id, grantee });
      assert.equal(await queries.dataRegistry.hasAccess(id, grantee), false);
      await tx("/trainchain.data_registry.v1.MsgUpdateDataset", { owner: address, datasetId: id, royalty: { royaltyBps: 0 }, access: 1 });
      const updated = await queries.dataRegistry.dataset(id);
      assert.equal(updated.royaltyBps, 0);
      assert.equal(await queries.dataRegistry.hasAccess(id, grantee), true, "public now");
      await tx("/trainchain.data_registry.v1.MsgDeprecateDataset", { owner: address, datasetId: id, reason: "superseded" });
      assert.equal((await queries.dataRegistry.dataset(id)).status, 2);
      // a second deprecation fails with data_registry/15, only the fee moves
      const again = await client.signAndBroadcast(address, [{ typeUrl: "/trainchain.data_registry.v1.MsgDeprecateDataset", value: { owner: address, datasetId: id, reason: "" } }], calculateFee(200_000, "0.025utrain"));
      assert.equal(again.code, 15);
      assert.match(again.rawLog ?? "", /deprecated/);

      const page = await queries.dataRegistry.datasets({ limit: 10n, countTotal: true });
      assert.ok(page.datasets.some((x) => x.id === id));
      const mine = await queries.dataRegistry.datasetsByOwner(address);
      assert.deepEqual(mine.datasets.map((x) => x.id), [id]);

      // REST
      const rest = (await (await fetch(`${node.api}/trainchain/data_registry/v1/datasets/${id}`)).json()) as { dataset: { owner: string; status: string; manifest_hash: string } };
      assert.equal(rest.dataset.owner, address);
      assert.equal(rest.dataset.status, "DATASET_STATUS_DEPRECATED");
      assert.equal(rest.dataset.manifest_hash, Buffer.from(hash).toString("hex"));
      const list = (await (await fetch(`${node.api}/trainchain/data_registry/v1/datasets?owner=${address}`)).json()) as { datasets: { id: string }[] };
      assert.deepEqual(list.datasets.map((x) => x.id), [id.toString()]);
      assert.equal((await fetch(`${node.api}/trainchain/data_registry/v1/datasets/999999`)).status, 404);
      const vals = (await (await fetch(`${node.api}/trainchain/staking/v1/validators`)).json()) as { validators: { operator_address: string; power: string }[] };
      assert.ok(vals.validators.some((v) => v.operator_address === home.keys[0]!.address && v.power === "100"));
    } finally {
      client.disconnect();
    }
  });

  it("runs every staking CLI command with --output json, and fails bad input in one line", async () => {
    const k2 = home.keys[3]!;
    const pubkey = randomBytes(32).toString("hex");
    await Promise.all([
      cliFails(["tx", "staking", "create-validator", "--pubkey", "abcd", "--amount", "2000000utrain", ...txArgs("k2")], /--pubkey/),
      cliFails(["tx", "staking", "bond", "0utrain", ...txArgs("k2")], /positive/),
      cliFails(["tx", "staking", "unbond", "lots", ...txArgs("k2")], /invalid amount/),
      cliFails(["query", "staking", "validators", "extra", ...common()], /expected 0 arguments/),
      cliFails(["query", "staking", "validator", "train1bogus", ...common()], /invalid/i),
    ]);
    const created = await cliJson(["tx", "staking", "create-validator", "--pubkey", pubkey, "--amount", "2000000utrain", "--moniker", "cli-val", ...txArgs("k2")]);
    assert.equal(created.code, 0);
    // the chain's own check: bonding to a validator that does not exist (k3 has none) fails in one line
    await cliFails(["tx", "staking", "bond", "1000000utrain", ...txArgs("k3")], /\(9\)|code 9/);
    assert.equal((await cliJson(["tx", "staking", "bond", "1000000utrain", ...txArgs("k2")])).code, 0);
    assert.equal((await cliJson(["tx", "staking", "unbond", "1000000utrain", ...txArgs("k2")])).code, 0);
    const all = (await cliJson(["query", "staking", "validators", ...common()])) as { validators: { operator_address: string; power: string; moniker: string }[] };
    const mine = all.validators.find((v) => v.operator_address === k2.address);
    assert.ok(mine);
    assert.equal(mine.power, "2");
    assert.equal(mine.moniker, "cli-val");
    const one = (await cliJson(["query", "staking", "validator", k2.address, ...common()])) as { validator: { tokens: string; consensus_pubkey: { key: string } } };
    assert.equal(one.validator.tokens, "2000000");
    assert.equal(one.validator.consensus_pubkey.key, Buffer.from(pubkey, "hex").toString("base64"));
    const unbonding = (await cliJson(["query", "staking", "unbonding", "k2", ...common()])) as { entries: unknown[] };
    assert.ok(Array.isArray(unbonding.entries));
  });

  it("runs every dataset / data-registry CLI command with --output json, and fails bad input in one line", async () => {
    const k2 = home.keys[3]!;
    const k3 = home.keys[4]!;
    const hash = createHash("sha256").update("cli manifest").digest("hex");
    const register = ["dataset", "register", "--name", "cli-set", "--manifest-hash", hash, "--samples", "500", "--feature-shape", "784", "--classes", "10", "--royalty-bps", "100", "--uri", "https://a.example/x", "--uri", "ipfs://cid", "--allowlist", ...txArgs("k2")];
    await Promise.all([
      cliFails([...register, "--royalty-bps", "10001"], /--royalty-bps/),
      cliFails(["dataset", "register", "--name", "x", "--manifest-hash", "abc", "--samples", "1", "--feature-shape", "784", "--classes", "10", ...txArgs("k2")], /--manifest-hash/),
      cliFails(["dataset", "show", "abc", ...common()], /invalid dataset id/),
      cliFails(["dataset", "list", "--owner", "train1bogus", ...common()], /invalid --owner/),
      cliFails(["tx", "data-registry", "update", "1", "--access", "secret", ...txArgs("k2")], /--access/),
      cliFails(["query", "data-registry", "dataset", "0", ...common()], /invalid dataset id/),
      cliFails(["query", "data-registry", "datasets", "--limit", "x", ...common()], /--limit/),
      cliFails(["query", "data-registry", "has-access", "1", ...common()], /expected 2 arguments/),
    ]);
    const reg = await cliJson(register);
    assert.equal(reg.code, 0);
    const id = String(reg.dataset_id);
    assert.match(id, /^[0-9]+$/);

    // register from a dataset directory: manifest hash, samples and format come from manifest.json
    const dir = join(home.home, "cli-dataset");
    mkdirSync(dir);
    const manifest: DatasetManifest = {
      version: 1,
      format: { features: { dtype: "float32", shape: [4] }, labels: { dtype: "int64", shape: [] }, classes: 3 },
      samples: 6,
      shards: [{ sha256: createHash("sha256").update("shard").digest("hex"), bytes: 1234, samples: 6 }],
    };
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
    const fromDir = await cliJson(["dataset", "register", dir, "--uri", "https://b.example/y", ...txArgs("k3")]);
    const dirId = String(fromDir.dataset_id);
    const shownDir = (await cliJson(["dataset", "show", dirId, ...common()])) as { dataset: { manifest_hash: string; sample_count: string; name: string; format: { feature_shape: number[]; class_count: number } } };
    assert.equal(shownDir.dataset.manifest_hash, manifestHash(manifest));
    assert.equal(shownDir.dataset.sample_count, "6");
    assert.equal(shownDir.dataset.name, "cli-dataset");
    assert.deepEqual(shownDir.dataset.format.feature_shape, [4]);
    assert.equal(shownDir.dataset.format.class_count, 3);
    await cliFails(["dataset", "register", join(home.home, "nope"), ...txArgs("k3")], /does not exist/);

    const shown = (await cliJson(["dataset", "show", id, ...common()])) as { dataset: { owner: string; uris: string[]; access: string; royalty_bps: number } };
    assert.equal(shown.dataset.owner, k2.address);
    assert.deepEqual(shown.dataset.uris, ["https://a.example/x", "ipfs://cid"]);
    assert.equal(shown.dataset.access, "ACCESS_ALLOWLIST");
    assert.equal(shown.dataset.royalty_bps, 100);
    const listed = (await cliJson(["dataset", "list", "--owner", k2.address, ...common()])) as { datasets: { id: string }[]; pagination: { total: string } };
    assert.deepEqual(listed.datasets.map((d) => d.id), [id]);
    const everything = (await cliJson(["dataset", "list", ...common()])) as { datasets: { id: string }[] };
    assert.ok(everything.datasets.length >= 3);

    // grant / revoke / has-access
    await cliFails(["tx", "data-registry", "grant", "999999", k3.address, ...txArgs("k2")], /\(11\)|code 11/);
    assert.equal((await cliJson(["tx", "data-registry", "grant", id, k3.address, ...txArgs("k2")])).code, 0);
    const has = (await cliJson(["query", "data-registry", "has-access", id, k3.address, ...common()])) as { has_access: boolean };
    assert.equal(has.has_access, true);
    const grants = (await cliJson(["query", "data-registry", "grants", id, ...common()])) as { grantees: string[] };
    assert.deepEqual(grants.grantees, [k3.address]);
    assert.equal((await cliJson(["tx", "data-registry", "revoke", id, "k3", ...txArgs("k2")])).code, 0);
    await cliFails(["tx", "data-registry", "revoke", id, k3.address, ...txArgs("k2")], /\(14\)|code 14/);
    assert.equal(((await cliJson(["query", "data-registry", "has-access", id, k3.address, ...common()])) as { has_access: boolean }).has_access, false);

    // update / deprecate
    assert.equal((await cliJson(["tx", "data-registry", "update", id, "--royalty-bps", "50", "--license", "MIT", "--uri", "https://c.example/z", ...txArgs("k2")])).code, 0);
    const afterUpdate = (await cliJson(["query", "data-registry", "dataset", id, ...common()])) as { dataset: { royalty_bps: number; license: string; uris: string[] } };
    assert.equal(afterUpdate.dataset.royalty_bps, 50);
    assert.equal(afterUpdate.dataset.license, "MIT");
    assert.deepEqual(afterUpdate.dataset.uris, ["https://c.example/z"]);
    await cliFails(["tx", "data-registry", "deprecate", id, ...txArgs("k3")], /\(12\)|code 12/);
    assert.equal((await cliJson(["tx", "data-registry", "deprecate", id, "--reason", "old", ...txArgs("k2")])).code, 0);
    const deprecated = (await cliJson(["query", "data-registry", "datasets", "--limit", "100", ...common()])) as { datasets: { id: string; status: string }[] };
    assert.equal(deprecated.datasets.find((d) => d.id === id)?.status, "DATASET_STATUS_DEPRECATED");
  });
});
