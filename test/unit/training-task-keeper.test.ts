// training_task keeper specs on an in-memory store: the accept/reject/expiry paths with exact
// balances, each validation error, the tally thresholds and the invariants.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "../../chain/framework/errors.ts";
import { fromBech32 } from "../../chain/framework/address.ts";
import { MINING_POOL, TASK_ESCROW, WORKER_BONDS } from "../../modules/reward/index.ts";
import { trainingTaskMsgs, tallyOutcome, TrainingTaskErrors, type TrainingTaskKeeper } from "../../modules/training-task/index.ts";
import { ProofStatus, SegmentStatus, TaskStatus, Verdict, type MsgCreateTask } from "../../proto/trainchain/training_task/v1/generated.ts";
import { CREATOR, fixture, hash, OWNER, proofMsg, spec, VAL_A, VAL_B, VAL_C, WORKER, addr, type Fixture } from "./training-task-fixture.ts";

function expectCode(fn: () => unknown, err: { code: number; codespace: string }, match?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AppError, `expected AppError, got ${String(e)}`);
    assert.equal(`${e.codespace}/${e.code}`, `${err.codespace}/${err.code}`, e.message);
    if (match) assert.match(e.message, match);
    return true;
  });
}

function invariants(f: Fixture): void {
  const ctx = f.ctx();
  assert.equal(f.tasks.checkSegments(ctx), undefined);
  assert.equal(f.reward.checkEscrow(ctx), undefined);
  assert.equal(f.reward.checkBonds(ctx), undefined);
  assert.equal(f.reward.checkPool(ctx), undefined);
}

/** Creates a task, claims segment 0, submits a proof and runs the next block (the challenge). */
function proveSegment(f: Fixture, keeper: TrainingTaskKeeper, taskId: bigint, segment = 0n): bigint {
  keeper.claimSegment(f.ctx(), WORKER, taskId, segment);
  const head = keeper.getTask(f.ctx(), taskId)!.headHash;
  const proofId = keeper.submitProof(f.ctx(), proofMsg(WORKER, taskId, segment, head));
  f.nextBlock(); // proof's block
  f.nextBlock(); // challenge drawn here
  assert.equal(keeper.getProof(f.ctx(), proofId)!.status, ProofStatus.PROOF_STATUS_CHALLENGED);
  return proofId;
}

describe("training_task keeper", () => {
  it("accept path: escrow, bond, royalty, verifier fee split with remainder to the worker, head advances, task completes", () => {
    const f = fixture();
    f.staking.set(VAL_A, 300n);
    f.staking.set(VAL_B, 400n);
    f.staking.set(VAL_C, 300n);
    const k = f.tasks;
    const s = spec();
    const taskId = k.createTask(f.ctx(), CREATOR, s);
    assert.equal(taskId, 1n);
    const R = 1_000_003n;
    const B = 100_007n;
    assert.equal(f.moduleBalance(TASK_ESCROW), 2n * R);
    assert.equal(f.balance(CREATOR), 10_000_000n - 2n * R);
    invariants(f);

    const proofId = proveSegment(f, k, taskId);
    assert.equal(f.moduleBalance(WORKER_BONDS), B);
    assert.equal(k.getSegment(f.ctx(), taskId, 0n)!.status, SegmentStatus.SEGMENT_STATUS_CHALLENGED);
    invariants(f);
    const proof = k.getProof(f.ctx(), proofId)!;
    assert.equal(proof.challengedIntervals.length, 2);
    assert.ok(proof.challengedIntervals.includes(1), "the largest update norm interval is always challenged");
    assert.deepEqual(k.pendingChallenges(f.ctx(), fromBech32(VAL_A)).map((p) => p.id), [proofId]);

    const d = proof.challengedIntervals.map(() => 0n);
    k.submitVerification(f.ctx(), VAL_A, proofId, Verdict.VERDICT_VALID, d);
    k.submitVerification(f.ctx(), VAL_B, proofId, Verdict.VERDICT_VALID, d);
    assert.deepEqual(k.pendingChallenges(f.ctx(), fromBech32(VAL_A)), []);
    const workerBefore = f.balance(WORKER);
    f.nextBlock(); // tally: 700/1000 > 2/3
    assert.equal(k.getProof(f.ctx(), proofId)!.status, ProofStatus.PROOF_STATUS_ACCEPTED);

    const royalty = (R * 1000n) / 10_000n; // 100000
    const fee = (R * 500n) / 10_000n; // 50000
    const shareA = (fee * 300n) / 700n; // 21428
    const shareB = (fee * 400n) / 700n; // 28571
    const remainder = fee - shareA - shareB; // 1
    assert.equal(f.balance(OWNER), royalty);
    assert.equal(f.balance(VAL_A), shareA);
    assert.equal(f.balance(VAL_B), shareB);
    assert.equal(f.balance(VAL_C), 0n);
    assert.equal(f.balance(WORKER), workerBefore + B + R - royalty - fee + remainder);
    assert.equal(f.moduleBalance(TASK_ESCROW), R);
    assert.equal(f.moduleBalance(WORKER_BONDS), 0n);
    const task = k.getTask(f.ctx(), taskId)!;
    assert.deepEqual(task.headHash, proof.intervalHashes[3]);
    assert.equal(task.segmentsDone, 1n);
    assert.deepEqual(f.reward.pendingWork(f.ctx()).map((w) => w.work), [40n * 1000n]);
    invariants(f);

    // second (last) segment from the new head → COMPLETED, escrow empty
    const p2 = proveSegment(f, k, taskId, 1n);
    k.submitVerification(f.ctx(), VAL_A, p2, Verdict.VERDICT_VALID, d);
    k.submitVerification(f.ctx(), VAL_B, p2, Verdict.VERDICT_VALID, d);
    f.nextBlock();
    assert.equal(k.getTask(f.ctx(), taskId)!.status, TaskStatus.TASK_STATUS_COMPLETED);
    assert.equal(f.moduleBalance(TASK_ESCROW), 0n);
    assert.equal(f.reward.getEscrow(f.ctx(), taskId), undefined);
    invariants(f);
  });

  it("reject path: bond slashed, slash_reward_bps to catchers by stake, the rest burned, segment reopens from the old head", () => {
    const f = fixture();
    f.staking.set(VAL_A, 500n);
    f.staking.set(VAL_B, 250n);
    f.staking.set(VAL_C, 250n);
    const k = f.tasks;
    const taskId = k.createTask(f.ctx(), CREATOR, spec());
    const head0 = k.getTask(f.ctx(), taskId)!.headHash;
    const workerStart = f.balance(WORKER);
    const proofId = proveSegment(f, k, taskId);
    const n = k.getProof(f.ctx(), proofId)!.challengedIntervals.length;
    k.submitVerification(f.ctx(), VAL_B, proofId, Verdict.VERDICT_INVALID, Array(n).fill(5_000_000n));
    k.submitVerification(f.ctx(), VAL_C, proofId, Verdict.VERDICT_UNAVAILABLE, []);
    const supplyBefore = f.bank.getSupply(f.ctx(), "utrain");
    f.nextBlock(); // 500/1000 against > 1/3
    assert.equal(k.getProof(f.ctx(), proofId)!.status, ProofStatus.PROOF_STATUS_REJECTED);
    const B = 100_007n;
    const pot = (B * 2000n) / 10_000n; // 20001
    const shareB = pot / 2n; // 10000 (equal stakes), remainder burned
    assert.equal(f.balance(VAL_B), shareB);
    assert.equal(f.balance(VAL_C), shareB);
    assert.equal(f.balance(WORKER), workerStart - B);
    assert.equal(f.bank.getSupply(f.ctx(), "utrain"), supplyBefore - (B - 2n * shareB));
    const seg = k.getSegment(f.ctx(), taskId, 0n)!;
    assert.equal(seg.status, SegmentStatus.SEGMENT_STATUS_OPEN);
    assert.equal(seg.failedAttempts, 1);
    assert.deepEqual(k.getTask(f.ctx(), taskId)!.headHash, head0);
    assert.equal(f.moduleBalance(TASK_ESCROW), 2n * 1_000_003n, "escrow untouched");
    invariants(f);
    // the segment can be claimed again
    k.claimSegment(f.ctx(), WORKER, taskId, 0n);
    invariants(f);
  });

  it("lease expiry: lease_slash_bps of the bond burned, the rest returned, segment reopens", () => {
    const f = fixture();
    f.staking.set(VAL_A, 1n);
    const k = f.tasks;
    const taskId = k.createTask(f.ctx(), CREATOR, spec({ claimTimeout: 3n }));
    const start = f.balance(WORKER);
    const expires = k.claimSegment(f.ctx(), WORKER, taskId, 0n);
    assert.equal(expires, f.height + 3n);
    while (f.height < expires) f.nextBlock();
    assert.equal(k.getSegment(f.ctx(), taskId, 0n)!.status, SegmentStatus.SEGMENT_STATUS_CLAIMED, "still claimed during the lease's last block");
    f.nextBlock(); // EndBlock at the expiry height
    const seg = k.getSegment(f.ctx(), taskId, 0n)!;
    assert.equal(seg.status, SegmentStatus.SEGMENT_STATUS_OPEN);
    const slash = (100_007n * 1000n) / 10_000n;
    assert.equal(f.balance(WORKER), start - slash);
    expectCode(() => k.submitProof(f.ctx(), proofMsg(WORKER, taskId, 0n, hash("ckpt-0"))), TrainingTaskErrors.SegmentNotClaimed);
    invariants(f);
  });

  it("verification window expiry with no quorum: bond returned in full, no reward, segment reopens; a late vote is refused", () => {
    const f = fixture();
    f.staking.set(VAL_A, 600n);
    f.staking.set(VAL_B, 400n);
    const k = f.tasks;
    const taskId = k.createTask(f.ctx(), CREATOR, spec({ verifyWindow: 2n }));
    const start = f.balance(WORKER);
    const proofId = proveSegment(f, k, taskId);
    const n = k.getProof(f.ctx(), proofId)!.challengedIntervals.length;
    // 600/1000 VALID is not > 2/3; nothing against
    k.submitVerification(f.ctx(), VAL_A, proofId, Verdict.VERDICT_VALID, Array(n).fill(0n));
    const deadline = k.getProof(f.ctx(), proofId)!.deadlineHeight;
    while (f.height <= deadline) f.nextBlock();
    assert.equal(k.getProof(f.ctx(), proofId)!.status, ProofStatus.PROOF_STATUS_EXPIRED);
    assert.equal(f.balance(WORKER), start);
    assert.equal(f.balance(OWNER), 0n);
    assert.equal(k.getSegment(f.ctx(), taskId, 0n)!.status, SegmentStatus.SEGMENT_STATUS_OPEN);
    expectCode(() => k.submitVerification(f.ctx(), VAL_B, proofId, Verdict.VERDICT_VALID, Array(n).fill(0n)), TrainingTaskErrors.WindowClosed);
    invariants(f);
  });

  it("abandon returns the bond (abandon_fee_bps = 0 by default); cancel refunds escrow and is refused while a segment is in flight", () => {
    const f = fixture();
    const k = f.tasks;
    const taskId = k.createTask(f.ctx(), CREATOR, spec());
    const start = f.balance(WORKER);
    k.claimSegment(f.ctx(), WORKER, taskId, 0n);
    expectCode(() => k.cancelTask(f.ctx(), CREATOR, taskId), TrainingTaskErrors.SegmentInFlight);
    expectCode(() => k.abandonSegment(f.ctx(), addr("other"), taskId, 0n), TrainingTaskErrors.SegmentNotClaimed);
    k.abandonSegment(f.ctx(), WORKER, taskId, 0n);
    assert.equal(f.balance(WORKER), start);
    expectCode(() => k.cancelTask(f.ctx(), addr("other"), taskId), TrainingTaskErrors.NotTaskCreator);
    k.cancelTask(f.ctx(), CREATOR, taskId);
    assert.equal(f.balance(CREATOR), 10_000_000n);
    assert.equal(k.getTask(f.ctx(), taskId)!.status, TaskStatus.TASK_STATUS_CANCELLED);
    expectCode(() => k.claimSegment(f.ctx(), WORKER, taskId, 0n), TrainingTaskErrors.TaskNotOpen);
    invariants(f);
  });

  it("abandon with a fee burns abandon_fee_bps of the bond", () => {
    const f = fixture();
    const k = f.tasks;
    k.setParams(f.ctx(), { ...k.getParams(f.ctx()), abandonFeeBps: 250 });
    const taskId = k.createTask(f.ctx(), CREATOR, spec());
    const start = f.balance(WORKER);
    k.claimSegment(f.ctx(), WORKER, taskId, 0n);
    k.abandonSegment(f.ctx(), WORKER, taskId, 0n);
    assert.equal(f.balance(WORKER), start - (100_007n * 250n) / 10_000n);
    invariants(f);
  });

  it("head claim priority: for head_claim_priority_blocks after an acceptance only the head's producer may claim the next segment", () => {
    const f = fixture();
    f.staking.set(VAL_A, 1000n);
    const k = f.tasks;
    const other = addr("other-worker");
    f.fund(other, 1_000_000n);
    const taskId = k.createTask(f.ctx(), CREATOR, spec());
    assert.equal(k.getParams(f.ctx()).headClaimPriorityBlocks, 5n);
    const proofId = proveSegment(f, k, taskId);
    const n = k.getProof(f.ctx(), proofId)!.challengedIntervals.length;
    k.submitVerification(f.ctx(), VAL_A, proofId, Verdict.VERDICT_VALID, Array(n).fill(0n));
    f.nextBlock();
    const decided = k.getProof(f.ctx(), proofId)!.decidedHeight;
    assert.ok(decided > 0n);
    expectCode(() => k.claimSegment(f.ctx(), other, taskId, 1n), TrainingTaskErrors.SegmentInFlight, new RegExp(`reserved for ${WORKER}.*until height ${decided + 5n}`));
    while (f.ctx().block.height < decided + 5n) f.nextBlock();
    expectCode(() => k.claimSegment(f.ctx(), other, taskId, 1n), TrainingTaskErrors.SegmentInFlight, /reserved/);
    f.nextBlock(); // priority over: first come
    k.claimSegment(f.ctx(), other, taskId, 1n);
    assert.equal(k.getSegment(f.ctx(), taskId, 1n)!.worker, other);
    invariants(f);

    // with the param at 0 anyone may claim at once
    const g = fixture();
    g.staking.set(VAL_A, 1000n);
    g.fund(other, 1_000_000n);
    const t2 = g.tasks.createTask(g.ctx(), CREATOR, spec());
    const p2 = proveSegment(g, g.tasks, t2);
    g.tasks.submitVerification(g.ctx(), VAL_A, p2, Verdict.VERDICT_VALID, Array(g.tasks.getProof(g.ctx(), p2)!.challengedIntervals.length).fill(0n));
    g.nextBlock();
    g.tasks.setParams(g.ctx(), { ...g.tasks.getParams(g.ctx()), headClaimPriorityBlocks: 0n });
    g.tasks.claimSegment(g.ctx(), other, t2, 1n);
    assert.equal(g.tasks.getSegment(g.ctx(), t2, 1n)!.worker, other);
  });

  it("tally thresholds: exactly 2/3 VALID is not enough, just above is; exactly 1/3 against is not a rejection", () => {
    assert.equal(tallyOutcome(2n, 0n, 3n), "pending");
    assert.equal(tallyOutcome(667n, 0n, 1000n), "accept");
    assert.equal(tallyOutcome(666n, 0n, 999n), "pending");
    assert.equal(tallyOutcome(0n, 1n, 3n), "pending");
    assert.equal(tallyOutcome(0n, 334n, 1000n), "reject");
    assert.equal(tallyOutcome(0n, 0n, 0n), "pending");
    // through the keeper: stakes 200/100 → VAL_A alone holds exactly 2/3
    const f = fixture();
    f.staking.set(VAL_A, 200n);
    f.staking.set(VAL_B, 100n);
    const taskId = f.tasks.createTask(f.ctx(), CREATOR, spec());
    const proofId = proveSegment(f, f.tasks, taskId);
    const n = f.tasks.getProof(f.ctx(), proofId)!.challengedIntervals.length;
    f.tasks.submitVerification(f.ctx(), VAL_A, proofId, Verdict.VERDICT_VALID, Array(n).fill(0n));
    f.nextBlock();
    assert.equal(f.tasks.getProof(f.ctx(), proofId)!.status, ProofStatus.PROOF_STATUS_CHALLENGED);
    f.tasks.submitVerification(f.ctx(), VAL_B, proofId, Verdict.VERDICT_VALID, Array(n).fill(0n));
    f.nextBlock();
    assert.equal(f.tasks.getProof(f.ctx(), proofId)!.status, ProofStatus.PROOF_STATUS_ACCEPTED);
  });

  it("refuses each invalid message with its own code", () => {
    const f = fixture();
    f.staking.set(VAL_A, 10n);
    f.staking.set(VAL_B, 10n);
    const k = f.tasks;
    const handlers = new Map(trainingTaskMsgs(k).map((h) => [h.typeUrl, h]));
    const create = handlers.get("/trainchain.training_task.v1.MsgCreateTask")!;
    const vb = (s: ReturnType<typeof spec>, creator = CREATOR): void => create.validateBasic({ creator, spec: s } satisfies MsgCreateTask);
    expectCode(() => vb(spec(), "cosmos1bad"), TrainingTaskErrors.InvalidAddress);
    expectCode(() => vb(spec({ rewardPerSegment: { denom: "utrain", amount: "0" } })), TrainingTaskErrors.InvalidAmount, /positive/);
    expectCode(() => vb(spec({ workerBond: { denom: "utrain", amount: "-5" } })), TrainingTaskErrors.InvalidAmount);
    expectCode(() => vb(spec({ segmentSteps: 45n })), TrainingTaskErrors.StepsNotMultiple, /45.*10/);
    expectCode(() => vb(spec({ samplesPerSegment: 5 })), TrainingTaskErrors.TooManySamples, /5 > 4/);
    expectCode(() => vb(spec({ tolerancePpb: 2_000_000_000n })), TrainingTaskErrors.ToleranceOutOfRange);
    expectCode(() => vb(spec({ stepGraphHash: new Uint8Array(31) })), TrainingTaskErrors.InvalidSpec, /32-byte/);
    expectCode(() => vb(spec({ hyperParams: { batchSize: 8, learningRate: "1e-3", optimizer: "sgd", seed: 1n } })), TrainingTaskErrors.InvalidSpec, /decimal/);
    // stateful checks
    expectCode(() => k.createTask(f.ctx(), CREATOR, spec({ tolerancePpb: 200_000_000n })), TrainingTaskErrors.ToleranceOutOfRange, /max_tolerance_ppb/);
    expectCode(() => k.createTask(f.ctx(), CREATOR, spec({ datasetId: 9n })), TrainingTaskErrors.UnknownDataset);
    f.registry.datasets.set(2n, { ...f.registry.datasets.get(1n)!, status: 2 });
    expectCode(() => k.createTask(f.ctx(), CREATOR, spec({ datasetId: 2n })), TrainingTaskErrors.DatasetDeprecated);
    f.registry.datasets.set(3n, { ...f.registry.datasets.get(1n)!, access: 2 });
    expectCode(() => k.createTask(f.ctx(), CREATOR, spec({ datasetId: 3n })), TrainingTaskErrors.NoDatasetAccess);
    f.registry.grants.add(`3/${CREATOR}`);
    k.createTask(f.ctx(), CREATOR, spec({ datasetId: 3n }));

    const taskId = k.createTask(f.ctx(), CREATOR, spec());
    expectCode(() => k.claimSegment(f.ctx(), WORKER, taskId, 1n), TrainingTaskErrors.WrongSegment);
    expectCode(() => k.submitProof(f.ctx(), proofMsg(WORKER, taskId, 0n, hash("ckpt-0"))), TrainingTaskErrors.SegmentNotClaimed);
    k.claimSegment(f.ctx(), WORKER, taskId, 0n);
    expectCode(() => k.claimSegment(f.ctx(), addr("w2"), taskId, 0n), TrainingTaskErrors.SegmentInFlight);
    expectCode(() => k.submitProof(f.ctx(), proofMsg(addr("w2"), taskId, 0n, hash("ckpt-0"))), TrainingTaskErrors.SegmentNotClaimed);
    expectCode(() => k.submitProof(f.ctx(), proofMsg(WORKER, taskId, 0n, hash("elsewhere"))), TrainingTaskErrors.WrongStartHash);
    expectCode(() => k.submitProof(f.ctx(), proofMsg(WORKER, taskId, 0n, hash("ckpt-0"), 3)), TrainingTaskErrors.WrongHashCount, /expected 4/);
    const proofId = k.submitProof(f.ctx(), proofMsg(WORKER, taskId, 0n, hash("ckpt-0")));
    expectCode(() => k.submitVerification(f.ctx(), VAL_A, proofId, Verdict.VERDICT_VALID, [0n, 0n]), TrainingTaskErrors.NotChallenged, /next block/);
    f.nextBlock();
    f.nextBlock();
    expectCode(() => k.submitVerification(f.ctx(), addr("nobody"), proofId, Verdict.VERDICT_VALID, [0n, 0n]), TrainingTaskErrors.NotValidator);
    expectCode(() => k.submitVerification(f.ctx(), VAL_A, proofId, Verdict.VERDICT_VALID, [0n]), TrainingTaskErrors.InvalidVote);
    k.submitVerification(f.ctx(), VAL_A, proofId, Verdict.VERDICT_VALID, [0n, 0n]);
    expectCode(() => k.submitVerification(f.ctx(), VAL_A, proofId, Verdict.VERDICT_INVALID, [1n, 1n]), TrainingTaskErrors.DuplicateVote);
    expectCode(() => k.submitVerification(f.ctx(), VAL_B, 99n, Verdict.VERDICT_VALID, []), TrainingTaskErrors.ProofNotFound);
    invariants(f);
  });

  it("registers stable error codes from 2 under the training_task codespace", () => {
    const codes = Object.values(TrainingTaskErrors).map((e) => e.code);
    assert.equal(Math.min(...codes), 2);
    assert.equal(new Set(codes).size, codes.length);
    for (const e of Object.values(TrainingTaskErrors)) assert.equal(e.codespace, "training_task");
  });

  it("the invariant catches a segment in two states and a bond without a segment", () => {
    const f = fixture();
    const k = f.tasks;
    const taskId = k.createTask(f.ctx(), CREATOR, spec());
    k.claimSegment(f.ctx(), WORKER, taskId, 0n);
    // corrupt: mark the claimed segment accepted without advancing the head
    const seg = k.getSegment(f.ctx(), taskId, 0n)!;
    k.setSegment(f.ctx(), { ...seg, status: SegmentStatus.SEGMENT_STATUS_ACCEPTED });
    assert.match(k.checkSegments(f.ctx()) ?? "", /segment 0/);
    // bank-side: a coin sent straight to the escrow account breaks the escrow invariant
    f.fund(addr("x"), 5n);
    f.bank.sendToModule(f.ctx(), fromBech32(addr("x")), TASK_ESCROW, [{ denom: "utrain", amount: 5n }]);
    assert.match(f.reward.checkEscrow(f.ctx()) ?? "", /task_escrow/);
    assert.equal(f.moduleBalance(MINING_POOL), 0n);
  });
});
