// The low-level training-task and reward CLI against a real node: create → claim → submit-proof →
// verify → accepted, every query with --output json, and one-line errors on bad input.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { BIN, makeHome, startNode, waitForHeight, type RunningNode, type TestHome } from "../helpers/chain.ts";
import { rpcCall } from "../helpers/txs.ts";

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

const HASH = (c: string): string => c.repeat(64);
/** Status fields print as the enum number (proto3 JSON may also give the name): accept either. */
const isStatus = (value: unknown, name: string, num: number): boolean => value === num || value === name || String(value).endsWith(name);

describe("training-task CLI", { timeout: 300_000 }, () => {
  let home: TestHome;
  let node: RunningNode;
  const cli = (args: string[]): Run => {
    const r = spawnSync(process.execPath, [BIN, ...args, "--home", home.home, "--keyring-backend", "test", "--node", node.rpc], { encoding: "utf8", timeout: 120_000 });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const json = <T>(args: string[]): T => {
    const r = cli([...args, "--output", "json"]);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  };
  const fails = (args: string[], pattern: RegExp): void => {
    const r = cli(args);
    assert.notEqual(r.status, 0, r.stdout);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, pattern);
  };
  const height = async (): Promise<number> => Number((await rpcCall<{ sync_info: { latest_block_height: string } }>(node.rpc, "status", {})).sync_info.latest_block_height);

  before(async () => {
    home = await makeHome({ chainId: "tt-cli", accounts: 2 });
    node = await startNode(home.home, { blockTime: "300ms" });
  });
  after(async () => {
    await node?.stop();
    home?.cleanup();
  });

  it("runs a segment from create to accepted through the CLI", async () => {
    const reg = json<{ code: number }>(["dataset", "register", "--name", "toy", "--manifest-hash", HASH("a"), "--samples", "100", "--feature-shape", "4", "--classes", "3", "--uri", "http://127.0.0.1:1/blobs", "--from", "k0", "-y"]);
    assert.equal(reg.code, 0);
    const create = [
      "tx", "training-task", "create", "--from", "k0", "-y",
      "--dataset-id", "1", "--step-graph-hash", HASH("1"), "--step-graph-uri", "http://x/step",
      "--initial-checkpoint-hash", HASH("2"), "--initial-checkpoint-uri", "http://x/init",
      "--forward-graph-hash", HASH("3"), "--forward-graph-uri", "http://x/fwd",
      "--batch-size", "8", "--learning-rate", "0.1", "--segment-steps", "4", "--checkpoint-interval", "2",
      "--total-segments", "1", "--samples-per-segment", "1", "--reward-per-segment", "1000000utrain",
      "--worker-bond", "100000utrain", "--verify-window", "300", "--claim-timeout", "300", "--flops-per-step", "1000", "--onnxruntime-version", "1.30.0",
    ];
    assert.equal(json<{ code: number }>(create).code, 0);
    const task = json<{ task: { id: string; status: unknown } }>(["query", "training-task", "task", "1"]);
    assert.equal(task.task.id, "1");
    const tasks = json<{ tasks: unknown[] }>(["query", "training-task", "tasks"]);
    assert.equal(tasks.tasks.length, 1);
    assert.equal(json<{ code: number }>(["tx", "training-task", "claim", "1", "0", "--from", "k1", "-y"]).code, 0);
    const seg = json<{ segment: { status: unknown; worker: string } }>(["query", "training-task", "segment", "1", "0"]);
    assert.ok(isStatus(seg.segment.status, "CLAIMED", 2), String(seg.segment.status));
    const proof = ["tx", "training-task", "submit-proof", "1", "0", "--start-hash", HASH("2"), "--hashes", `${HASH("4")},${HASH("5")}`, "--losses-micro", "900000,800000", "--update-norms-ppb", "5000,7000", "--uris", "http://x/a,http://x/b", "--from", "k1", "-y"];
    assert.equal(json<{ code: number }>(proof).code, 0);
    await waitForHeight(node.rpc, (await height()) + 2);
    const val = home.keys[0]!.address;
    const pending = json<{ proofs: { id: string; challenged_intervals: number[] }[] }>(["query", "training-task", "pending-challenges", val]);
    assert.equal(pending.proofs.length, 1);
    const distances = pending.proofs[0]!.challenged_intervals.map(() => "0").join(",");
    fails(["tx", "training-task", "verify", "1", "VALID", "--distances-ppb", distances, "--from", "k0", "--gas", "300000", "-y"], /not a bonded validator|validator/i);
    assert.equal(json<{ code: number }>(["tx", "training-task", "verify", "1", "VALID", "--distances-ppb", distances, "--from", "val", "-y"]).code, 0);
    await waitForHeight(node.rpc, (await height()) + 2);
    const accepted = json<{ proof: { status: unknown } }>(["query", "training-task", "proof", "1"]);
    assert.ok(isStatus(accepted.proof.status, "ACCEPTED", 3), String(accepted.proof.status));
    const byTask = json<{ proofs: unknown[] }>(["query", "training-task", "proofs", "1"]);
    assert.equal(byTask.proofs.length, 1);
    const done = json<{ task: { status: unknown } }>(["query", "training-task", "task", "1"]);
    assert.ok(isStatus(done.task.status, "COMPLETED", 2), String(done.task.status));
    json<Record<string, unknown>>(["query", "training-task", "params"]);
    const pools = json<Record<string, unknown>>(["query", "reward", "pools"]);
    assert.ok(Object.keys(pools).length > 0);
    const rewards = json<Record<string, unknown>>(["query", "reward", "rewards", home.keys[2]!.address]);
    assert.ok(JSON.stringify(rewards).includes("utrain"));
  });

  it("bad input is a one-line error", () => {
    fails(["tx", "training-task", "claim", "99", "0", "--from", "k1", "--gas", "300000", "-y"], /task 99|not found|unknown/i);
    fails(["tx", "training-task", "claim", "abc", "0", "--from", "k1", "-y"], /task id/);
    fails(["tx", "training-task", "verify", "1", "MAYBE", "--from", "val", "-y"], /invalid verdict/);
    fails(["tx", "training-task", "submit-proof", "1", "0", "--start-hash", "zz", "--hashes", HASH("4"), "--losses-micro", "1", "--update-norms-ppb", "1", "--from", "k1", "-y"], /start-hash/);
    fails(["query", "training-task", "task", "12345"], /not found|12345/);
    fails(["tx", "training-task", "create", "--from", "k0", "--dataset-id", "1", "--segment-steps", "5", "--checkpoint-interval", "2", "-y"], /multiple|segment_steps|hash/i);
  });
});
