// reward keeper specs: stake splits and their remainders, emission into the pool, epoch
// distribution to workers by work and to validators by stake × participation, invariants.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fromBech32 } from "../../chain/framework/address.ts";
import { bpsOf, MINING_POOL, RewardErrors, splitByStake } from "../../modules/reward/index.ts";
import { Verdict } from "../../proto/trainchain/training_task/v1/generated.ts";
import { addr, CREATOR, fixture, proofMsg, spec, VAL_A, VAL_B, WORKER } from "./training-task-fixture.ts";

describe("reward keeper", () => {
  it("splits by stake rounding down and reports the remainder", () => {
    assert.deepEqual(splitByStake(100n, [1n, 1n, 1n]), { shares: [33n, 33n, 33n], remainder: 1n });
    assert.deepEqual(splitByStake(10n, [0n, 0n]), { shares: [0n, 0n], remainder: 10n });
    assert.deepEqual(splitByStake(0n, [5n]), { shares: [0n], remainder: 0n });
    assert.deepEqual(splitByStake(7n, []), { shares: [], remainder: 7n });
    assert.equal(bpsOf(1_000_003n, 500), 50_000n);
  });

  it("mints the emission every block and distributes the pool each epoch; remainders and missed participation stay in the pool", () => {
    const f = fixture({ emission: 1001n, epochBlocks: 4n });
    f.staking.set(VAL_A, 300n);
    f.staking.set(VAL_B, 100n);
    const W2 = addr("worker-2");
    f.fund(W2, 1_000_000n);
    // blocks 1..3: emission only; a task is accepted in between for work credit
    const taskId = f.tasks.createTask(f.ctx(), CREATOR, spec({ totalSegments: 3n }));
    f.reward.beginBlock(f.ctx());
    f.tasks.claimSegment(f.ctx(), WORKER, taskId, 0n);
    f.tasks.submitProof(f.ctx(), proofMsg(WORKER, taskId, 0n, f.tasks.getTask(f.ctx(), taskId)!.headHash));
    f.nextBlock();
    f.reward.beginBlock(f.ctx());
    f.nextBlock(); // challenge (1 challenge this epoch)
    f.reward.beginBlock(f.ctx());
    const proof = f.tasks.proofsByTask(f.ctx(), taskId)[0]!;
    f.tasks.submitVerification(f.ctx(), VAL_A, proof.id, Verdict.VERDICT_VALID, proof.challengedIntervals.map(() => 0n));
    f.nextBlock(); // 300/400 > 2/3 → accepted; VAL_B never voted
    assert.equal(f.reward.getPool(f.ctx()).amount, 3n * 1001n);
    assert.equal(f.reward.checkPool(f.ctx()), undefined);
    const valA = f.balance(VAL_A);
    const valB = f.balance(VAL_B);
    const worker = f.balance(WORKER);
    f.reward.beginBlock(f.ctx()); // height 4: mint, then epoch
    const pool = 4n * 1001n; // 4004
    const workerPart = (pool * 7000n) / 10_000n; // 2802
    const validatorPart = pool - workerPart; // 1202
    const shareA = (validatorPart * 300n * 1n) / (400n * 1n); // 901 (1/1 participation)
    assert.equal(f.balance(WORKER), worker + workerPart, "sole worker gets the whole worker part");
    assert.equal(f.balance(VAL_A), valA + shareA);
    assert.equal(f.balance(VAL_B), valB, "no votes in an epoch with challenges → nothing");
    assert.equal(f.reward.getPool(f.ctx()).amount, pool - workerPart - shareA);
    assert.equal(f.moduleBalance(MINING_POOL), pool - workerPart - shareA);
    assert.equal(f.reward.checkPool(f.ctx()), undefined);
    assert.deepEqual(f.reward.pendingWork(f.ctx()), []);
    assert.equal(f.reward.epochChallenges(f.ctx()), 0n);
    assert.equal(f.reward.epoch(f.ctx()), 1n);
  });

  it("an epoch without challenges pays validators by stake alone and leaves the worker part when nobody worked", () => {
    const f = fixture({ emission: 1000n, epochBlocks: 2n });
    f.staking.set(VAL_A, 1n);
    f.staking.set(VAL_B, 2n);
    f.reward.beginBlock(f.ctx());
    f.height = 2n;
    f.reward.beginBlock(f.ctx());
    // pool 2000: workers 1400 stay; validators 600 → 200 / 400
    assert.equal(f.balance(VAL_A), 200n);
    assert.equal(f.balance(VAL_B), 400n);
    assert.equal(f.reward.getPool(f.ctx()).amount, 1400n);
    assert.equal(f.reward.checkPool(f.ctx()), undefined);
    assert.equal(f.reward.paidTo(f.ctx(), fromBech32(VAL_B))[0]!.amount!.amount, "400");
  });

  it("refuses invalid params and a second escrow for the same task", () => {
    const f = fixture();
    assert.throws(() => f.reward.setParams(f.ctx(), { ...f.reward.getParams(f.ctx()), workerShareBps: 10_001 }), (e: Error) => e.message.includes("worker_share_bps"));
    assert.throws(() => f.reward.setParams(f.ctx(), { ...f.reward.getParams(f.ctx()), epochBlocks: 0n }), (e: Error) => e.message.includes("epoch_blocks"));
    f.reward.lockEscrow(f.ctx(), 77n, fromBech32(CREATOR), { denom: "utrain", amount: 5n });
    assert.throws(() => f.reward.lockEscrow(f.ctx(), 77n, fromBech32(CREATOR), { denom: "utrain", amount: 5n }), (e: { code?: number }) => e.code === RewardErrors.EscrowExists.code);
    assert.equal(f.reward.checkEscrow(f.ctx()), undefined);
  });
});
