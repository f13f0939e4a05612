// End to end: two honest workers and the validator's verifier on a real node train a task to
// completion; every proof is challenged, replayed bit-exactly, voted VALID and accepted; nobody
// is slashed and every bond comes back.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startWorker, type WorkerHandle, type WorkerProgress } from "../../worker/miner/index.ts";
import { startVerifier, type VerifierHandle } from "../../worker/verifier/index.ts";
import { TaskStatus } from "../../proto/trainchain/training_task/v1/generated.ts";
import { startMiningNet, waitFor, type MiningNet } from "./mining-harness.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("mining: honest workers and a verifier complete a task", { timeout: 180_000 }, () => {
  let net: MiningNet;
  let verifier: VerifierHandle;
  const workers: WorkerHandle[] = [];
  const cache = mkdtempSync(join(tmpdir(), "trainchain-mining-cache-"));

  before(async () => {
    net = await startMiningNet({ accounts: 4, chainId: "mining-1" });
  });

  after(async () => {
    for (const w of workers) await w.stop();
    await verifier?.stop();
    await net?.close();
    rmSync(cache, { recursive: true, force: true });
  });

  it("trains every segment, each proof accepted, no slashing", async () => {
    const taskId = await net.createTask({ totalSegments: 4n });
    const start = (await net.comet.status()).syncInfo.latestBlockHeight;
    verifier = startVerifier({ rpc: net.node.rpc, blobBase: net.blobBase, mnemonic: net.parties[0]!.mnemonic, log: net.log, cacheDir: join(cache, "v"), pollMs: 200 });
    await verifier.ready;
    const outcomes: WorkerProgress[] = [];
    // when each worker started training a segment and learnt a verdict, in order
    const timeline: { worker: number; phase: string; segment: bigint }[] = [];
    const w1 = net.parties[3]!;
    const w2 = net.parties[4]!;
    const bonds0 = [await net.balance(w1.address), await net.balance(w2.address)];
    for (const [i, p] of [w1, w2].entries()) {
      workers.push(
        startWorker({
          rpc: net.node.rpc,
          blobBase: net.blobBase,
          mnemonic: p.mnemonic,
          taskId,
          log: net.log,
          cacheDir: join(cache, `w${i}`),
          pollMs: 200,
          onProgress: (e) => {
            if (e.phase === "verdict") outcomes.push(e);
            const first = e.phase === "training" && !timeline.some((x) => x.worker === i && x.phase === "training" && x.segment === e.segment);
            if (e.phase === "verdict" || first) timeline.push({ worker: i, phase: e.phase, segment: e.segment! });
          },
        }),
      );
    }
    const task = await waitFor("task completion", async () => {
      const t = await net.task(taskId);
      return t.status === TaskStatus.TASK_STATUS_COMPLETED ? t : undefined;
    }, 150_000);
    assert.equal(task.segmentsDone, 4n);
    // the workers notice completion and end by themselves
    await Promise.all(workers.map((w) => w.done));

    const accepted = await net.events("proof_accepted", start);
    assert.equal(accepted.length, 4);
    assert.deepEqual(await net.events("proof_rejected", start), []);
    assert.deepEqual(await net.events("slashed", start), []);
    assert.ok(outcomes.every((o) => o.outcome === "accepted"), JSON.stringify(outcomes.map((o) => o.outcome)));
    assert.equal(outcomes.length, 4);
    // each vote the verifier cast was VALID
    assert.ok(verifier.votes.size >= 4);
    assert.ok([...verifier.votes.values()].every((v) => v === "VALID"), JSON.stringify([...verifier.votes.values()]));
    // the workers earned: whoever trained a segment ends with more than it started with (no bond lost)
    const paid = new Set(accepted.map((a) => a.worker));
    for (const [i, p] of [w1, w2].entries()) {
      if (paid.has(p.address)) assert.ok((await net.balance(p.address)) > bonds0[i]!, `worker ${i} was paid`);
    }
    // pipelined: a worker that trained segments i and i + 1 started i + 1 before the verdict on i
    for (const a of accepted) {
      const i = BigInt(a.segment);
      const w = [w1, w2].findIndex((p) => p.address === a.worker);
      if (!accepted.some((b) => b.worker === a.worker && BigInt(b.segment) === i + 1n)) continue;
      const startedNext = timeline.findIndex((e) => e.worker === w && e.phase === "training" && e.segment === i + 1n);
      const verdict = timeline.findIndex((e) => e.worker === w && e.phase === "verdict" && e.segment === i);
      assert.ok(startedNext >= 0 && verdict >= 0 && startedNext < verdict, `worker ${w} waited for the verdict on segment ${i} before training ${i + 1n}: ${JSON.stringify(timeline, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`);
    }
    assert.ok(accepted.some((a) => accepted.some((b) => b.worker === a.worker && BigInt(b.segment) === BigInt(a.segment) + 1n)), "one worker proved two consecutive segments");
    // the head is the last accepted segment's final checkpoint
    assert.equal(Buffer.from(task.headHash).toString("hex").length, 64);
  });
});
