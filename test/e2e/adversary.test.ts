// End to end against cheating workers: each strategy is caught whenever a faked interval is
// challenged and its worker slashed, while an honest worker on the same network never is; a worker
// killed with SIGKILL mid-segment loses its lease and another worker finishes the task; bad input
// (no funds for the bond, a verifier key that is no validator, an unknown task) is one line.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { startWorker, type WorkerHandle, type WorkerProgress } from "../../worker/miner/index.ts";
import { startVerifier, type VerifierHandle } from "../../worker/verifier/index.ts";
import { decodeCheckpoint, type Checkpoint } from "../../worker/checkpoint/checkpoint.ts";
import { BlobClient } from "../../worker/blob/client.ts";
import { ProofStatus, QueryProofRequest, QueryProofResponse, TaskStatus, type Proof } from "../../proto/trainchain/training_task/v1/generated.ts";
import { BIN } from "../helpers/chain.ts";
import { Keyring } from "../../cli/keyring.ts";
import { copyStart, perturbOne, replayOther, startAdversary, withholdBlobs, wrongData } from "../adversary/index.ts";
import type { SegmentStrategy } from "../../worker/miner/types.ts";
import { startMiningNet, waitFor, type MiningNet } from "./mining-harness.ts";

interface CliResult {
  code: number | null;
  stderr: string;
}

function cli(args: string[], timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      p.kill("SIGKILL");
      reject(new Error(`trainchain ${args.join(" ")} did not exit: ${stderr}`));
    }, timeoutMs);
    p.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe("adversarial workers", { timeout: 300_000 }, () => {
  let net: MiningNet;
  let verifier: VerifierHandle;
  const handles: WorkerHandle[] = [];
  const cache = mkdtempSync(join(tmpdir(), "trainchain-adv-cache-"));

  before(async () => {
    net = await startMiningNet({ accounts: 12, chainId: "adversary-1" });
    verifier = startVerifier({ rpc: net.node.rpc, blobBase: net.blobBase, mnemonic: net.parties[0]!.mnemonic, log: net.log, cacheDir: join(cache, "v"), pollMs: 200, fetchAttempts: 2 });
    await verifier.ready;
  });

  after(async () => {
    for (const h of handles) await h.stop();
    await verifier?.stop();
    await net?.close();
    rmSync(cache, { recursive: true, force: true });
  });

  async function proof(id: bigint): Promise<Proof> {
    return QueryProofResponse.decode((await net.abci.queryAbci("/trainchain.training_task.v1.Query/Proof", QueryProofRequest.encode({ proofId: id }).finish())).value).proof!;
  }

  it("each cheating strategy is rejected and slashed when a faked interval is challenged; the honest worker never is", async () => {
    const start = (await net.comet.status()).syncInfo.latestBlockHeight;
    const cheatTask = await net.createTask({ totalSegments: 10n, verifyWindow: 40n });
    // the honest worker's task differs (seed) so its checkpoints are no valid answer for the other
    const honestTask = await net.createTask({ totalSegments: 3n, hyperParams: { batchSize: 16, learningRate: "0.05", optimizer: "adam", seed: 8n } });
    const honest = net.parties[3]!;
    const honestVerdicts: WorkerProgress[] = [];
    const honestHandle = startWorker({
      rpc: net.node.rpc,
      blobBase: net.blobBase,
      mnemonic: honest.mnemonic,
      taskId: honestTask,
      log: net.log,
      cacheDir: join(cache, "honest"),
      pollMs: 200,
      onProgress: (e) => {
        if (e.phase === "verdict") honestVerdicts.push(e);
      },
    });
    handles.push(honestHandle);

    // checkpoints of the honest worker's first accepted proof, for the replaying cheater
    const firstHonest = await waitFor("an accepted honest proof", async () => (await net.events("proof_accepted", start)).find((e) => e.task_id === honestTask.toString()));
    const theirProof = await proof(BigInt(firstHonest.proof_id!));
    const blobs = new BlobClient(net.blobBase);
    const theirs: Checkpoint[] = [];
    for (const h of theirProof.intervalHashes) theirs.push(decodeCheckpoint(await blobs.get(Buffer.from(h).toString("hex"))));

    const cheats: { strategy: SegmentStrategy; faked: (m: number) => Set<number> }[] = [
      { strategy: copyStart(), faked: (m) => new Set(Array.from({ length: m }, (_, i) => i)) },
      { strategy: perturbOne(1), faked: () => new Set([1]) },
      { strategy: wrongData(), faked: (m) => new Set(Array.from({ length: m }, (_, i) => i)) },
      { strategy: replayOther(() => theirs), faked: (m) => new Set(Array.from({ length: m }, (_, i) => i)) },
      { strategy: withholdBlobs(net.blobBase), faked: (m) => new Set(Array.from({ length: m }, (_, i) => i)) },
    ];
    for (const [i, cheat] of cheats.entries()) {
      const party = net.parties[4 + i]!;
      const before = await net.balance(party.address);
      let proofId: bigint | undefined;
      const h = startAdversary(
        { rpc: net.node.rpc, blobBase: net.blobBase, mnemonic: party.mnemonic, taskId: cheatTask, log: net.log, cacheDir: join(cache, `adv${i}`), pollMs: 200, maxSegments: 1, onProgress: (e) => (e.phase === "submitted" ? (proofId = e.proofId) : undefined) },
        cheat.strategy,
      );
      handles.push(h);
      await h.done;
      assert.ok(proofId !== undefined, `${cheat.strategy.name}: a proof was submitted`);
      const p = await proof(proofId);
      const faked = cheat.faked(p.intervalHashes.length);
      const challengedFake = p.challengedIntervals.some((c) => faked.has(c));
      const slashed = (await net.events("slashed", start)).filter((e) => e.worker === party.address && e.reason === "proof_rejected");
      if (challengedFake) {
        assert.equal(p.status, ProofStatus.PROOF_STATUS_REJECTED, `${cheat.strategy.name}: challenged ${p.challengedIntervals} faked ${[...faked]}`);
        assert.equal(slashed.length, 1, `${cheat.strategy.name} slashed`);
        assert.ok((await net.balance(party.address)) < before - 100_000n + 1n, `${cheat.strategy.name} lost its bond`);
      } else {
        assert.equal(p.status, ProofStatus.PROOF_STATUS_ACCEPTED, cheat.strategy.name);
        assert.equal(slashed.length, 0);
      }
    }
    // a perturbation large enough to be the largest update is always challenged; all-fake strategies always are
    const rejected = (await net.events("proof_rejected", start)).length;
    assert.equal(rejected, cheats.length);

    await waitFor("the honest task to complete", async () => ((await net.task(honestTask)).status === TaskStatus.TASK_STATUS_COMPLETED ? true : undefined), 120_000);
    await honestHandle.done;
    assert.equal(honestVerdicts.length, 3);
    assert.ok(honestVerdicts.every((v) => v.outcome === "accepted"));
    assert.deepEqual((await net.events("slashed", start)).filter((e) => e.worker === honest.address), []);
  });

  it("kill -9 of a worker mid-segment: the lease expires (part of the bond slashed) and another worker finishes the task", async () => {
    const start = (await net.comet.status()).syncInfo.latestBlockHeight;
    const taskId = await net.createTask({ totalSegments: 1n, segmentSteps: 2_000n, checkpointInterval: 200n, claimTimeout: 40n });
    const victim = net.home.keys[9]!;
    const proc = spawn(process.execPath, [BIN, "worker", "start", "--from", victim.name, "--task", taskId.toString(), "--node", net.node.rpc, "--blobs", net.blobBase, "--home", net.home.home, "--keyring-backend", "test"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the worker never claimed: ${stderr}`)), 60_000);
      proc.stderr!.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes("segment claimed")) {
          clearTimeout(timer);
          proc.kill("SIGKILL");
          resolve();
        }
      });
    });
    await exited;
    const expired = await waitFor("the lease to expire", async () => (await net.events("segment_expired", start)).find((e) => e.task_id === taskId.toString()));
    assert.equal(expired.segment, "0");
    const leaseSlash = (await net.events("slashed", start)).filter((e) => e.worker === victim.address);
    assert.equal(leaseSlash.length, 1);
    assert.equal(leaseSlash[0]!.reason, "lease_expired");
    assert.deepEqual(await net.events("proof_submitted", start), [], "the killed worker never proved");

    const rescuer = net.parties[10]!;
    const h = startWorker({ rpc: net.node.rpc, blobBase: net.blobBase, mnemonic: rescuer.mnemonic, taskId, log: net.log, cacheDir: join(cache, "rescuer"), pollMs: 200 });
    handles.push(h);
    await h.done;
    const task = await net.task(taskId);
    assert.equal(task.status, TaskStatus.TASK_STATUS_COMPLETED);
    const accepted = (await net.events("proof_accepted", start)).filter((e) => e.task_id === taskId.toString());
    assert.deepEqual(accepted.map((e) => e.worker), [rescuer.address]);
  });

  it("bad input is one line: no funds for the bond, a verifier key that is no validator, an unknown task", async () => {
    const taskId = await net.createTask({ totalSegments: 1n });
    const keyring = Keyring.forHome(net.home.home, "test");
    const poor = await DirectSecp256k1HdWallet.generate(24, { prefix: "train" });
    await keyring.add("poor", poor.mnemonic);
    const common = ["--node", net.node.rpc, "--blobs", net.blobBase, "--home", net.home.home, "--keyring-backend", "test", "--log-level", "error"];

    const broke = await cli(["worker", "start", "--from", "poor", "--task", taskId.toString(), ...common]);
    assert.equal(broke.code, 1);
    assert.match(broke.stderr, /^Error: account train1\w+ holds 0utrain; claiming a segment of task \d+ bonds 100000utrain plus fees, so fund the account first\n$/);

    const notValidator = await cli(["verifier", "start", "--from", net.home.keys[1]!.name, ...common]);
    assert.equal(notValidator.code, 1);
    assert.match(notValidator.stderr, /^Error: key train1\w+ is not a validator operator[^\n]*\n$/);

    const unknown = await cli(["worker", "start", "--from", net.home.keys[2]!.name, "--task", "999", ...common]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^Error: unknown task 999: no such task on the chain at http[^\n]*\n$/);

    const badDevice = await cli(["worker", "start", "--from", "poor", "--device", "tpu", ...common]);
    assert.equal(badDevice.code, 1);
    assert.equal(badDevice.stderr, 'Error: invalid --device "tpu": expected cpu or cuda\n');
  });
});
