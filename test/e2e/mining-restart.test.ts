// Resilience: the node is stopped mid-task and restarted on the same ports; the worker and the
// verifier ride through the outage with their retries and the task still completes, unslashed.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWorker, type WorkerHandle } from "../../worker/miner/index.ts";
import { startVerifier, type VerifierHandle } from "../../worker/verifier/index.ts";
import { TaskStatus } from "../../proto/trainchain/training_task/v1/generated.ts";
import { startMiningNet, waitFor, type MiningNet } from "./mining-harness.ts";
import { BIN, startNode, type RunningNode } from "../helpers/chain.ts";
import { spawn } from "node:child_process";
import { SegmentStatus } from "../../proto/trainchain/training_task/v1/generated.ts";

describe("mining through a node restart", { timeout: 240_000 }, () => {
  let net: MiningNet;
  let verifier: VerifierHandle | undefined;
  let worker: WorkerHandle | undefined;
  let restarted: RunningNode | undefined;
  const cache = mkdtempSync(join(tmpdir(), "trainchain-restart-cache-"));

  before(async () => {
    net = await startMiningNet({ accounts: 4, chainId: "restart-1" });
  });
  after(async () => {
    await worker?.stop();
    await verifier?.stop();
    await restarted?.stop();
    await net?.close();
    rmSync(cache, { recursive: true, force: true });
  });

  it("the worker and verifier retry through the outage and the task completes", async () => {
    const taskId = await net.createTask({ totalSegments: 3n, claimTimeout: 200n, verifyWindow: 100n });
    verifier = startVerifier({ rpc: net.node.rpc, blobBase: net.blobBase, mnemonic: net.parties[0]!.mnemonic, log: net.log, cacheDir: join(cache, "v"), pollMs: 200 });
    await verifier.ready;
    worker = startWorker({ rpc: net.node.rpc, blobBase: net.blobBase, mnemonic: net.parties[3]!.mnemonic, taskId, log: net.log, cacheDir: join(cache, "w"), pollMs: 200 });
    await waitFor("the first accepted segment", async () => ((await net.task(taskId)).segmentsDone >= 1n ? true : undefined), 120_000);

    assert.ok((await net.task(taskId)).segmentsDone < 3n, "the outage must fall inside the task");
    const rpcPort = Number(new URL(net.node.rpc).port);
    const apiPort = Number(new URL(net.node.api).port);
    await net.node.stop();
    await new Promise((r) => setTimeout(r, 3000)); // both processes keep calling a dead node meanwhile
    restarted = await startNode(net.home.home, { blockTime: "200ms", ports: { rpc: rpcPort, api: apiPort } });

    const done = await waitFor("task completion after the restart", async () => {
      const t = await net.task(taskId);
      return t.status === TaskStatus.TASK_STATUS_COMPLETED ? t : undefined;
    }, 150_000);
    assert.equal(done.segmentsDone, 3n);
    assert.deepEqual(await net.events("slashed"), []);
  });

  it("SIGINT stops a CLI worker cleanly: it exits 0 and leaves no segment claimed", async () => {
    const node = restarted ?? net.node;
    const taskId = await net.createTask({ totalSegments: 2n, segmentSteps: 400n, checkpointInterval: 5n, claimTimeout: 500n });
    const worker2 = net.home.keys[4]!;
    const proc = spawn(process.execPath, [BIN, "worker", "start", "--from", worker2.name, "--task", String(taskId), "--home", net.home.home, "--keyring-backend", "test", "--node", node.rpc, "--blobs", net.blobBase], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
    await waitFor("the CLI worker's claim", async () => {
      const t = await net.task(taskId);
      return t.status === TaskStatus.TASK_STATUS_OPEN && (await segmentOf(net, taskId, 0n)) === SegmentStatus.SEGMENT_STATUS_CLAIMED ? true : undefined;
    }, 90_000);
    proc.kill("SIGINT");
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("timeout"), 60_000))]);
    assert.equal(code, 0, stderr);
    // abandoned (reopened) or, if it was nearly done, proven — never left claimed
    const status = await segmentOf(net, taskId, 0n);
    assert.notEqual(status, SegmentStatus.SEGMENT_STATUS_CLAIMED, stderr);
  });
});

async function segmentOf(net: MiningNet, taskId: bigint, index: bigint): Promise<number> {
  const { QuerySegmentRequest, QuerySegmentResponse } = await import("../../proto/trainchain/training_task/v1/generated.ts");
  const res = await net.abci.queryAbci("/trainchain.training_task.v1.Query/Segment", QuerySegmentRequest.encode(QuerySegmentRequest.fromPartial({ taskId, segment: index })).finish());
  return QuerySegmentResponse.decode(res.value).segment?.status ?? -1;
}
