// End to end: the proof-of-training protocol on a real node, driven by unmodified CosmJS —
// dataset → task → claim → proof → challenge → vote, with exact balance movements for the
// accept and reject paths, lease expiry and verification-window expiry.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { QueryClient, SigningStargateClient, StargateClient, calculateFee, type DeliverTxResponse, type StdFee } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { makeHome, startNode, type RunningNode, type TestHome } from "../helpers/chain.ts";
import { readGenesis, writeGenesis } from "../../chain/node/genesis.ts";
import { moduleAddress, toBech32 } from "../../chain/framework/address.ts";
import { trainchainRegistry } from "../../proto/client/index.ts";
import { MsgRegisterDataset, MsgRegisterDatasetResponse } from "../../proto/trainchain/data_registry/v1/generated.ts";
import {
  MsgCreateTaskResponse,
  MsgSubmitProofResponse,
  ProofStatus,
  QueryPendingChallengesRequest,
  QueryPendingChallengesResponse,
  QueryProofRequest,
  QueryProofResponse,
  QuerySegmentRequest,
  QuerySegmentResponse,
  QueryTaskRequest,
  QueryTaskResponse,
  SegmentStatus,
  Verdict,
  type TaskSpec,
} from "../../proto/trainchain/training_task/v1/generated.ts";
import { QueryPoolsResponse, QueryRewardsRequest, QueryRewardsResponse } from "../../proto/trainchain/reward/v1/generated.ts";

const DENOM = "utrain";
const FEE: StdFee = calculateFee(600_000, `0.025${DENOM}`);
const FEE_AMOUNT = BigInt(FEE.amount[0]!.amount);
const REWARD_PARAMS = {
  emission_per_block: { denom: DENOM, amount: "1000" },
  epoch_blocks: "1000000", // no epoch payout during the test, so balances move only by the segment outcomes
  worker_share_bps: 7000,
  verifier_fee_bps: 500,
  slash_reward_bps: 2000,
  lease_slash_bps: 1000,
};
const ROYALTY_BPS = 1000n;
const R = 1_000_003n;
const B = 100_007n;
const M = 4; // intervals per segment
const VERIFY_WINDOW = 20n;
const CLAIM_TIMEOUT = 20n;

const sha = (s: string): Uint8Array => new Uint8Array(createHash("sha256").update(s).digest());
const bps = (x: bigint, b: bigint | number): bigint => (x * BigInt(b)) / 10_000n;

interface Party {
  address: string;
  client: SigningStargateClient;
}

describe("proof of training over CosmJS", { timeout: 300_000 }, () => {
  let home: TestHome;
  let node: RunningNode;
  let query: StargateClient;
  let comet: Comet38Client;
  let abci: QueryClient;
  let val: Party;
  let owner: Party;
  let creator: Party;
  let worker: Party;
  let datasetId: bigint;
  let taskId: bigint;

  async function party(mnemonic: string): Promise<Party> {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: "train" });
    const [account] = await wallet.getAccounts();
    const registry = trainchainRegistry();
    const client = await SigningStargateClient.connectWithSigner(node.rpc, wallet, { registry, broadcastPollIntervalMs: 200 });
    return { address: account!.address, client };
  }

  async function send(p: Party, typeUrl: string, value: object): Promise<DeliverTxResponse> {
    const res = await p.client.signAndBroadcast(p.address, [{ typeUrl, value }], FEE);
    assert.equal(res.code, 0, `${typeUrl}: ${res.rawLog}`);
    return res;
  }

  async function balance(address: string): Promise<bigint> {
    return BigInt((await query.getBalance(address, DENOM)).amount);
  }

  const moduleAccount = (name: string): string => toBech32(moduleAddress(name));

  /** Scans block results from `from` for an event of `type` whose attributes include `match`. */
  async function waitForBlockEvent(type: string, match: Record<string, string>, from: number, timeoutMs = 30_000): Promise<{ height: number; attrs: Record<string, string> }> {
    const deadline = Date.now() + timeoutMs;
    let h = from;
    for (;;) {
      const latest = (await comet.status()).syncInfo.latestBlockHeight;
      for (; h <= latest; h++) {
        const results = await comet.blockResults(h);
        for (const e of results.finalizeBlockEvents) {
          if (e.type !== type) continue;
          const attrs: Record<string, string> = {};
          for (const a of e.attributes) attrs[a.key] = a.value;
          if (Object.entries(match).every(([k, v]) => attrs[k] === v)) return { height: h, attrs };
        }
      }
      if (Date.now() > deadline) throw new Error(`no ${type} event matching ${JSON.stringify(match)} since height ${from}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function getProof(id: bigint): Promise<QueryProofResponse> {
    return QueryProofResponse.decode(await abci.queryAbci("/trainchain.training_task.v1.Query/Proof", QueryProofRequest.encode({ proofId: id }).finish()).then((r) => r.value));
  }

  async function getTask(): Promise<QueryTaskResponse> {
    return QueryTaskResponse.decode((await abci.queryAbci("/trainchain.training_task.v1.Query/Task", QueryTaskRequest.encode({ taskId }).finish())).value);
  }

  async function segmentStatus(index: bigint): Promise<number> {
    const res = await abci.queryAbci("/trainchain.training_task.v1.Query/Segment", QuerySegmentRequest.encode({ taskId, segment: index }).finish());
    return QuerySegmentResponse.decode(res.value).segment!.status;
  }

  async function claim(index: bigint): Promise<DeliverTxResponse> {
    const res = await send(worker, "/trainchain.training_task.v1.MsgClaimSegment", { worker: worker.address, taskId, segment: index });
    assert.ok(res.events.some((e) => e.type === "segment_claimed"));
    return res;
  }

  async function prove(index: bigint, label: string): Promise<{ proofId: bigint; res: DeliverTxResponse }> {
    const head = (await getTask()).task!.headHash;
    const res = await send(worker, "/trainchain.training_task.v1.MsgSubmitProof", {
      worker: worker.address,
      taskId,
      segment: index,
      startHash: head,
      intervalHashes: Array.from({ length: M }, (_, i) => sha(`${label}-${i}`)),
      intervalLossMicro: Array.from({ length: M }, (_, i) => BigInt(2_300_000 - 10_000 * i)),
      intervalUpdateNormPpb: Array.from({ length: M }, (_, i) => BigInt(i === 2 ? 5_000_000 : 1_000_000 + i)),
      checkpointUris: Array.from({ length: M }, (_, i) => `blob://${label}-${i}`),
    });
    const proofId = MsgSubmitProofResponse.decode(res.msgResponses[0]!.value).proofId;
    const submitted = res.events.find((e) => e.type === "proof_submitted");
    assert.ok(submitted);
    assert.equal(submitted.attributes.find((a) => a.key === "proof_id")?.value, proofId.toString());
    return { proofId, res };
  }

  async function challengeOf(proofId: bigint, from: number): Promise<{ intervals: number[]; deadline: bigint; height: number }> {
    const ev = await waitForBlockEvent("challenge", { proof_id: proofId.toString() }, from);
    assert.equal(ev.attrs.task_id, taskId.toString());
    assert.equal(ev.attrs.mode, "EndBlock");
    const intervals = ev.attrs.intervals!.split(",").map(Number);
    assert.ok(intervals.includes(2), "the interval with the largest update norm is challenged");
    assert.equal(intervals.length, 2);
    assert.equal(BigInt(ev.attrs.deadline!), BigInt(ev.height) + VERIFY_WINDOW);
    return { intervals, deadline: BigInt(ev.attrs.deadline!), height: ev.height };
  }

  async function vote(proofId: bigint, verdict: number, n: number): Promise<DeliverTxResponse> {
    return send(val, "/trainchain.training_task.v1.MsgSubmitVerification", {
      validator: val.address,
      proofId,
      verdict,
      distancesPpb: Array.from({ length: n }, () => (verdict === Verdict.VERDICT_VALID ? 0n : 250_000_000n)),
    });
  }

  before(async () => {
    home = await makeHome({ chainId: "protocol-1", accounts: 3 });
    const path = join(home.home, "config", "genesis.json");
    const genesis = readGenesis(path);
    genesis.app_state.reward = { params: REWARD_PARAMS };
    genesis.app_state.training_task = { params: { min_verify_window: "1", min_claim_timeout: "1" } };
    writeGenesis(path, genesis);
    node = await startNode(home.home, { blockTime: "250ms" });
    query = await StargateClient.connect(node.rpc);
    comet = await Comet38Client.connect(node.rpc);
    abci = QueryClient.withExtensions(comet);
    val = await party(home.keys[0]!.mnemonic);
    owner = await party(home.keys[1]!.mnemonic);
    creator = await party(home.keys[2]!.mnemonic);
    worker = await party(home.keys[3]!.mnemonic);
  });

  after(async () => {
    for (const p of [val, owner, creator, worker]) p?.client.disconnect();
    query?.disconnect();
    comet?.disconnect();
    await node?.stop();
    home?.cleanup();
  });

  it("registers a dataset and creates a task whose escrow moves to the escrow account", async () => {
    const reg = await send(owner, MsgRegisterDataset.typeUrl, {
      owner: owner.address,
      name: "mnist-e2e",
      format: { featureShape: [784], featureDtype: "float32", labelDtype: "int64", classCount: 10 },
      sampleCount: 60000n,
      manifestHash: sha("manifest"),
      uris: ["https://example.org/mnist"],
      license: "CC-BY-SA-3.0",
      royaltyBps: Number(ROYALTY_BPS),
      access: 1,
    });
    datasetId = MsgRegisterDatasetResponse.decode(reg.msgResponses[0]!.value).datasetId;
    const creatorBefore = await balance(creator.address);
    const spec: TaskSpec = {
      datasetId,
      stepGraphHash: sha("step-graph"),
      stepGraphUri: "blob://step",
      initialCheckpointHash: sha("ckpt-0"),
      initialCheckpointUri: "blob://ckpt-0",
      forwardGraphHash: sha("forward"),
      forwardGraphUri: "blob://forward",
      hyperParams: { batchSize: 32, learningRate: "0.05", optimizer: "sgd", seed: 42n },
      numerics: { executionProvider: "cpu", intraOpThreads: 1, graphOptimizationLevel: "disabled", onnxruntimeVersion: "1.20.1" },
      segmentSteps: 20n,
      checkpointInterval: 5n,
      totalSegments: 2n,
      samplesPerSegment: 2,
      tolerancePpb: 0n,
      rewardPerSegment: { denom: DENOM, amount: R.toString() },
      workerBond: { denom: DENOM, amount: B.toString() },
      verifyWindow: VERIFY_WINDOW,
      claimTimeout: CLAIM_TIMEOUT,
      flopsPerStep: 1_000_000n,
    };
    const res = await send(creator, "/trainchain.training_task.v1.MsgCreateTask", { creator: creator.address, spec });
    taskId = MsgCreateTaskResponse.decode(res.msgResponses[0]!.value).taskId;
    const created = res.events.find((e) => e.type === "task_created")!;
    assert.equal(created.attributes.find((a) => a.key === "dataset_id")?.value, datasetId.toString());
    assert.equal(await balance(creator.address), creatorBefore - FEE_AMOUNT - 2n * R);
    assert.equal(await balance(moduleAccount("task_escrow")), 2n * R);
    // the creation is found by tx_search on its indexed attributes
    const found = await query.searchTx([{ key: "task_created.task_id", value: taskId.toString() }]);
    assert.equal(found.length, 1);
  });

  it("accept path: claim → proof → challenge → VALID vote; royalty, verifier fee and reward paid exactly", async () => {
    const w0 = await balance(worker.address);
    const o0 = await balance(owner.address);
    const v0 = await balance(val.address);
    await claim(0n);
    assert.equal(await balance(moduleAccount("worker_bonds")), B);
    const { proofId, res } = await prove(0n, "seg0");
    const ch = await challengeOf(proofId, res.height);
    const pending = QueryPendingChallengesResponse.decode(
      (await abci.queryAbci("/trainchain.training_task.v1.Query/PendingChallenges", QueryPendingChallengesRequest.encode({ verifier: val.address }).finish())).value,
    );
    assert.deepEqual(pending.proofs.map((p) => p.id), [proofId]);
    const voted = await vote(proofId, Verdict.VERDICT_VALID, ch.intervals.length);
    const accepted = await waitForBlockEvent("proof_accepted", { proof_id: proofId.toString() }, voted.height);
    assert.equal(accepted.attrs.worker, worker.address);

    const royalty = bps(R, ROYALTY_BPS);
    const verifierFee = bps(R, REWARD_PARAMS.verifier_fee_bps); // one validator: the whole fee, no remainder
    assert.equal(await balance(worker.address), w0 - 2n * FEE_AMOUNT + (R - royalty - verifierFee));
    assert.equal(await balance(owner.address), o0 + royalty);
    assert.equal(await balance(val.address), v0 - FEE_AMOUNT + verifierFee);
    assert.equal(await balance(moduleAccount("task_escrow")), R);
    assert.equal(await balance(moduleAccount("worker_bonds")), 0n);
    const proof = await getProof(proofId);
    assert.equal(proof.proof!.status, ProofStatus.PROOF_STATUS_ACCEPTED);
    assert.equal(proof.votes.length, 1);
    const task = (await getTask()).task!;
    assert.equal(task.segmentsDone, 1n);
    assert.deepEqual(task.headHash, sha(`seg0-${M - 1}`));
    assert.equal(await segmentStatus(0n), SegmentStatus.SEGMENT_STATUS_ACCEPTED);

    // the pool holds exactly height × emission (no epoch has ended); the paid-rewards query agrees
    const pools = await abci.queryAbci("/trainchain.reward.v1.Query/Pools", new Uint8Array());
    const pool = QueryPoolsResponse.decode(pools.value);
    assert.equal(BigInt(pool.miningPool[0]!.amount), BigInt(pools.height) * BigInt(REWARD_PARAMS.emission_per_block.amount));
    assert.deepEqual(pool.taskEscrow, [{ denom: DENOM, amount: R.toString() }]);
    const rewards = QueryRewardsResponse.decode(
      (await abci.queryAbci("/trainchain.reward.v1.Query/Rewards", QueryRewardsRequest.encode({ address: owner.address }).finish())).value,
    );
    assert.deepEqual(rewards.paid.map((p) => p.amount?.amount), [royalty.toString()]);
    const work = QueryRewardsResponse.decode(
      (await abci.queryAbci("/trainchain.reward.v1.Query/Rewards", QueryRewardsRequest.encode({ address: worker.address }).finish())).value,
    );
    assert.equal(work.pendingWork, (20n * 1_000_000n).toString());

    // REST views of the task, the proof and the pools
    const rest = (await (await fetch(`${node.api}/trainchain/training_task/v1/tasks/${taskId}`)).json()) as { task: { segments_done: string; creator: string } };
    assert.equal(rest.task.segments_done, "1");
    assert.equal(rest.task.creator, creator.address);
    const restProof = (await (await fetch(`${node.api}/trainchain/training_task/v1/proofs/${proofId}`)).json()) as { proof: { status: number } };
    assert.equal(restProof.proof.status, ProofStatus.PROOF_STATUS_ACCEPTED);
    const restPools = (await (await fetch(`${node.api}/trainchain/reward/v1/pools`)).json()) as { task_escrow: { amount: string }[] };
    assert.equal(restPools.task_escrow[0]!.amount, R.toString());
  });

  it("reject path: INVALID vote slashes the whole bond, slash_reward_bps to the validator, the rest burned", async () => {
    const w0 = await balance(worker.address);
    const v0 = await balance(val.address);
    const head = (await getTask()).task!.headHash;
    await claim(1n);
    const { proofId, res } = await prove(1n, "seg1-bad");
    const ch = await challengeOf(proofId, res.height);
    const voted = await vote(proofId, Verdict.VERDICT_INVALID, ch.intervals.length);
    const rejected = await waitForBlockEvent("proof_rejected", { proof_id: proofId.toString() }, voted.height);
    const slashed = await waitForBlockEvent("slashed", { task_id: taskId.toString(), segment: "1", reason: "proof_rejected" }, rejected.height);
    const toValidator = bps(B, REWARD_PARAMS.slash_reward_bps);
    assert.equal(slashed.attrs.burned, `${B - toValidator}${DENOM}`);
    assert.equal(await balance(worker.address), w0 - 2n * FEE_AMOUNT - B);
    assert.equal(await balance(val.address), v0 - FEE_AMOUNT + toValidator);
    assert.equal(await balance(moduleAccount("worker_bonds")), 0n);
    assert.equal(await balance(moduleAccount("task_escrow")), R);
    assert.equal(await segmentStatus(1n), SegmentStatus.SEGMENT_STATUS_OPEN);
    assert.deepEqual((await getTask()).task!.headHash, head);
  });

  it("lease expiry: a claim never proven loses lease_slash_bps of the bond and the segment reopens", async () => {
    const w0 = await balance(worker.address);
    const res = await claim(1n);
    const expired = await waitForBlockEvent("segment_expired", { task_id: taskId.toString(), segment: "1" }, res.height);
    assert.equal(BigInt(expired.height), BigInt(res.height) + CLAIM_TIMEOUT);
    assert.equal(await balance(worker.address), w0 - FEE_AMOUNT - bps(B, REWARD_PARAMS.lease_slash_bps));
    assert.equal(await balance(moduleAccount("worker_bonds")), 0n);
    assert.equal(await segmentStatus(1n), SegmentStatus.SEGMENT_STATUS_OPEN);
  });

  it("verification window expiry with no vote: the bond comes back, no reward, the segment reopens", async () => {
    const w0 = await balance(worker.address);
    const o0 = await balance(owner.address);
    await claim(1n);
    const { proofId, res } = await prove(1n, "seg1-unverified");
    const ch = await challengeOf(proofId, res.height);
    const expired = await waitForBlockEvent("verification_expired", { proof_id: proofId.toString() }, ch.height);
    assert.equal(BigInt(expired.height), ch.deadline);
    assert.equal(await balance(worker.address), w0 - 2n * FEE_AMOUNT);
    assert.equal(await balance(owner.address), o0);
    assert.equal((await getProof(proofId)).proof!.status, ProofStatus.PROOF_STATUS_EXPIRED);
    assert.equal(await segmentStatus(1n), SegmentStatus.SEGMENT_STATUS_OPEN);
    assert.equal(await balance(moduleAccount("task_escrow")), R);
    // a vote after the window is refused with the module's code
    const late = await val.client.signAndBroadcast(
      val.address,
      [{ typeUrl: "/trainchain.training_task.v1.MsgSubmitVerification", value: { validator: val.address, proofId, verdict: Verdict.VERDICT_VALID, distancesPpb: ch.intervals.map(() => 0n) } }],
      FEE,
    );
    assert.equal(late.code, 22, late.rawLog);
  });
});
