// training_task: tasks, segments, proofs, challenges and votes. Message handlers call the
// process* methods; EndBlock runs lease expiry, challenge sampling, the tally and window expiry.
import type { Context } from "../../chain/framework/context.ts";
import { formatCoins } from "../../chain/framework/coins.ts";
import { bytesEqual, concatBytes, readUint64BE, toHex, uint64BE } from "../../chain/store/bytes.ts";
import type { KVStore } from "../../chain/store/kv.ts";
import {
  Params as ParamsCodec,
  Proof as ProofCodec,
  ProofStatus,
  Segment as SegmentCodec,
  SegmentStatus,
  Task as TaskCodec,
  TaskStatus,
  Verdict,
  Vote as VoteCodec,
  type MsgSubmitProof,
  type Proof,
  type Segment,
  type Task,
  type TaskSpec,
  type Vote,
} from "../../proto/trainchain/training_task/v1/generated.ts";
import { challengeIntervals, challengeSeed } from "./challenge.ts";
import { TrainingTaskErrors } from "./errors.ts";
import { TrainingTaskEvents } from "./events.ts";
import {
  DATASET_ACCESS_ALLOWLIST,
  DATASET_STATUS_DEPRECATED,
  type DataRegistryForTasks,
  type RewardForTasks,
  type StakeWeight,
  type StakingForTasks,
} from "./expected-keepers.ts";
import {
  AwaitingChallengePrefix,
  awaitingChallengeKey,
  ChallengeQueuePrefix,
  challengeQueueKey,
  LeaseQueuePrefix,
  leaseQueueKey,
  NextProofIdKey,
  NextTaskIdKey,
  ParamsKey,
  ProofByTaskPrefix,
  proofByTaskKey,
  proofKey,
  queueEnd,
  SegmentPrefix,
  segmentKey,
  TaskPrefix,
  taskKey,
  TRAINING_TASK_STORE_PREFIX,
  VotedThisBlockPrefix,
  votedThisBlockKey,
  votePrefixOf,
  voteKey,
} from "./keys.ts";
import { defaultTrainingTaskParams, validateTrainingTaskParams, type TrainingTaskParams } from "./params.ts";
import { checkAddress, checkPositiveCoin, verdictName } from "./validation.ts";

export interface TallyResult {
  validStake: bigint;
  againstStake: bigint;
  totalStake: bigint;
  outcome: "accept" | "reject" | "pending";
}

/** Accept when VALID stake > 2/3 of bonded stake; reject when INVALID+UNAVAILABLE > 1/3. */
export function tallyOutcome(validStake: bigint, againstStake: bigint, totalStake: bigint): TallyResult["outcome"] {
  if (totalStake <= 0n) return "pending";
  if (3n * validStake > 2n * totalStake) return "accept";
  if (3n * againstStake > totalStake) return "reject";
  return "pending";
}

export class TrainingTaskKeeper {
  constructor(
    private readonly reward: RewardForTasks,
    private readonly staking: StakingForTasks,
    private readonly registry: DataRegistryForTasks,
  ) {}

  private store(ctx: Context): KVStore {
    return ctx.kv(TRAINING_TASK_STORE_PREFIX);
  }

  // -------------------------------------------------------------------------------- storage

  getParams(ctx: Context): TrainingTaskParams {
    const raw = this.store(ctx).get(ParamsKey);
    return raw ? ParamsCodec.decode(raw) : defaultTrainingTaskParams();
  }

  setParams(ctx: Context, params: TrainingTaskParams): void {
    validateTrainingTaskParams(params);
    this.store(ctx).set(ParamsKey, ParamsCodec.encode(params).finish());
  }

  private nextId(ctx: Context, key: Uint8Array): bigint {
    const raw = this.store(ctx).get(key);
    const id = raw ? readUint64BE(raw) : 1n;
    this.store(ctx).set(key, uint64BE(id + 1n));
    return id;
  }

  peekNextIds(ctx: Context): { task: bigint; proof: bigint } {
    const t = this.store(ctx).get(NextTaskIdKey);
    const p = this.store(ctx).get(NextProofIdKey);
    return { task: t ? readUint64BE(t) : 1n, proof: p ? readUint64BE(p) : 1n };
  }

  setNextIds(ctx: Context, ids: { task: bigint; proof: bigint }): void {
    this.store(ctx).set(NextTaskIdKey, uint64BE(ids.task));
    this.store(ctx).set(NextProofIdKey, uint64BE(ids.proof));
  }

  getTask(ctx: Context, id: bigint): Task | undefined {
    const raw = this.store(ctx).get(taskKey(id));
    return raw ? TaskCodec.decode(raw) : undefined;
  }

  setTask(ctx: Context, task: Task): void {
    this.store(ctx).set(taskKey(task.id), TaskCodec.encode(task).finish());
  }

  allTasks(ctx: Context, startAfter = 0n): Task[] {
    return this.store(ctx)
      .range(taskKey(startAfter + 1n), Uint8Array.of(TaskPrefix + 1))
      .map((e) => TaskCodec.decode(e.value));
  }

  /** The stored segment, or the implicit OPEN one for an index never claimed. */
  getSegment(ctx: Context, taskId: bigint, index: bigint): Segment | undefined {
    const raw = this.store(ctx).get(segmentKey(taskId, index));
    if (raw) return SegmentCodec.decode(raw);
    const task = this.getTask(ctx, taskId);
    if (!task || index >= task.spec!.totalSegments) return undefined;
    return openSegment(taskId, index);
  }

  setSegment(ctx: Context, s: Segment): void {
    this.store(ctx).set(segmentKey(s.taskId, s.index), SegmentCodec.encode(s).finish());
  }

  /** Stored segment records of a task (index order). */
  storedSegments(ctx: Context, taskId: bigint): Segment[] {
    const start = concatBytes(Uint8Array.of(SegmentPrefix), uint64BE(taskId));
    return this.store(ctx)
      .range(start, concatBytes(start, Uint8Array.of(0xff)))
      .map((e) => SegmentCodec.decode(e.value));
  }

  allSegments(ctx: Context): Segment[] {
    return this.store(ctx)
      .range(Uint8Array.of(SegmentPrefix), Uint8Array.of(SegmentPrefix + 1))
      .map((e) => SegmentCodec.decode(e.value));
  }

  getProof(ctx: Context, id: bigint): Proof | undefined {
    const raw = this.store(ctx).get(proofKey(id));
    return raw ? ProofCodec.decode(raw) : undefined;
  }

  setProof(ctx: Context, p: Proof): void {
    this.store(ctx).set(proofKey(p.id), ProofCodec.encode(p).finish());
  }

  proofsByTask(ctx: Context, taskId: bigint): Proof[] {
    const start = concatBytes(Uint8Array.of(ProofByTaskPrefix), uint64BE(taskId));
    return this.store(ctx)
      .range(start, concatBytes(start, Uint8Array.of(0xff)))
      .map((e) => this.getProof(ctx, readUint64BE(e.key, 9))!)
      .filter((p) => p !== undefined);
  }

  votes(ctx: Context, proofId: bigint): Vote[] {
    const start = votePrefixOf(proofId);
    return this.store(ctx)
      .range(start, concatBytes(start, Uint8Array.of(0xff)))
      .map((e) => VoteCodec.decode(e.value));
  }

  /** Challenged proofs whose window is open (at the context's height) and `verifier` has not voted on. */
  pendingChallenges(ctx: Context, verifier: Uint8Array): Proof[] {
    const out: Proof[] = [];
    for (const e of this.store(ctx).range(queueEnd(ChallengeQueuePrefix, ctx.block.height), Uint8Array.of(ChallengeQueuePrefix + 1))) {
      const proof = this.getProof(ctx, readUint64BE(e.key, 9));
      if (!proof || proof.status !== ProofStatus.PROOF_STATUS_CHALLENGED) continue;
      if (this.store(ctx).has(voteKey(proof.id, verifier))) continue;
      out.push(proof);
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  // -------------------------------------------------------------------------------- messages

  createTask(ctx: Context, creator: string, spec: TaskSpec): bigint {
    const creatorBytes = checkAddress("creator", creator);
    const params = this.getParams(ctx);
    const intervals = spec.segmentSteps / spec.checkpointInterval;
    if (intervals > params.maxIntervalsPerSegment) {
      throw TrainingTaskErrors.InvalidSpec.wrap(`segment has ${intervals} intervals (segment_steps / checkpoint_interval); at most ${params.maxIntervalsPerSegment}`);
    }
    if (spec.tolerancePpb > params.maxTolerancePpb) {
      throw TrainingTaskErrors.ToleranceOutOfRange.wrap(`tolerance_ppb ${spec.tolerancePpb} > max_tolerance_ppb ${params.maxTolerancePpb}`);
    }
    if (spec.totalSegments > params.maxTotalSegments) throw TrainingTaskErrors.InvalidSpec.wrap(`total_segments ${spec.totalSegments} > ${params.maxTotalSegments}`);
    if (spec.verifyWindow < params.minVerifyWindow) throw TrainingTaskErrors.InvalidSpec.wrap(`verify_window ${spec.verifyWindow} < min_verify_window ${params.minVerifyWindow} blocks`);
    if (spec.claimTimeout < params.minClaimTimeout) throw TrainingTaskErrors.InvalidSpec.wrap(`claim_timeout ${spec.claimTimeout} < min_claim_timeout ${params.minClaimTimeout} blocks`);
    const dataset = this.registry.getDataset(ctx, spec.datasetId);
    if (!dataset) throw TrainingTaskErrors.UnknownDataset.wrap(`dataset ${spec.datasetId} is not registered`);
    if (dataset.status === DATASET_STATUS_DEPRECATED) throw TrainingTaskErrors.DatasetDeprecated.wrap(`dataset ${spec.datasetId} is deprecated; pick another dataset`);
    if (dataset.access === DATASET_ACCESS_ALLOWLIST && !this.registry.hasAccess(ctx, spec.datasetId, creator)) {
      throw TrainingTaskErrors.NoDatasetAccess.wrap(`${creator} has no access to allowlist dataset ${spec.datasetId}; ask its owner ${dataset.owner} for a grant`);
    }
    const reward = checkPositiveCoin("reward_per_segment", spec.rewardPerSegment);
    checkPositiveCoin("worker_bond", spec.workerBond);
    const id = this.nextId(ctx, NextTaskIdKey);
    const escrow = { denom: reward.denom, amount: reward.amount * spec.totalSegments };
    this.reward.lockEscrow(ctx, id, creatorBytes, escrow);
    this.setTask(ctx, {
      id,
      creator,
      spec,
      status: TaskStatus.TASK_STATUS_OPEN,
      headHash: spec.initialCheckpointHash,
      segmentsDone: 0n,
      createdHeight: ctx.block.height,
      completedHeight: 0n,
    });
    ctx.events.emit(TrainingTaskEvents.taskCreated, [
      ["task_id", id.toString()],
      ["creator", creator],
      ["dataset_id", spec.datasetId.toString()],
      ["total_segments", spec.totalSegments.toString()],
      ["escrow", formatCoins([escrow])],
    ]);
    return id;
  }

  private requireTask(ctx: Context, taskId: bigint): Task {
    const task = this.getTask(ctx, taskId);
    if (!task) throw TrainingTaskErrors.TaskNotFound.wrap(`task ${taskId} does not exist`);
    return task;
  }

  private requireOpenTask(ctx: Context, taskId: bigint): Task {
    const task = this.requireTask(ctx, taskId);
    if (task.status !== TaskStatus.TASK_STATUS_OPEN) throw TrainingTaskErrors.TaskNotOpen.wrap(`task ${taskId} is ${taskStatusName(task.status)}`);
    return task;
  }

  cancelTask(ctx: Context, creator: string, taskId: bigint): void {
    checkAddress("creator", creator);
    const task = this.requireOpenTask(ctx, taskId);
    if (task.creator !== creator) throw TrainingTaskErrors.NotTaskCreator.wrap(`task ${taskId} was created by ${task.creator}, not ${creator}`);
    const current = this.getSegment(ctx, taskId, task.segmentsDone);
    if (current && current.status !== SegmentStatus.SEGMENT_STATUS_OPEN) {
      throw TrainingTaskErrors.SegmentInFlight.wrap(`segment ${current.index} of task ${taskId} is ${segmentStatusName(current.status)}; cancel after it is decided or expires`);
    }
    const refund = this.reward.refundEscrow(ctx, taskId);
    task.status = TaskStatus.TASK_STATUS_CANCELLED;
    task.completedHeight = ctx.block.height;
    this.setTask(ctx, task);
    ctx.events.emit(TrainingTaskEvents.taskCancelled, [
      ["task_id", taskId.toString()],
      ["creator", creator],
      ["refund", formatCoins([refund])],
    ]);
  }

  claimSegment(ctx: Context, worker: string, taskId: bigint, index: bigint): bigint {
    const workerBytes = checkAddress("worker", worker);
    const task = this.requireOpenTask(ctx, taskId);
    if (index !== task.segmentsDone) {
      throw TrainingTaskErrors.WrongSegment.wrap(`segment ${index} of task ${taskId} cannot be claimed: segments are trained in order and the next is ${task.segmentsDone}`);
    }
    const segment = this.getSegment(ctx, taskId, index)!;
    if (segment.status !== SegmentStatus.SEGMENT_STATUS_OPEN) {
      throw TrainingTaskErrors.SegmentInFlight.wrap(`segment ${index} of task ${taskId} is ${segmentStatusName(segment.status)} by ${segment.worker}`);
    }
    this.checkHeadPriority(ctx, worker, taskId, index);
    this.reward.lockBond(ctx, taskId, index, workerBytes, checkPositiveCoin("worker_bond", task.spec!.workerBond));
    const expires = ctx.block.height + task.spec!.claimTimeout;
    this.setSegment(ctx, {
      ...segment,
      status: SegmentStatus.SEGMENT_STATUS_CLAIMED,
      worker,
      claimedHeight: ctx.block.height,
      leaseExpiresHeight: expires,
      proofId: 0n,
      startHash: task.headHash,
      endHash: new Uint8Array(),
    });
    this.store(ctx).set(leaseQueueKey(expires, taskId, index), new Uint8Array());
    ctx.events.emit(TrainingTaskEvents.segmentClaimed, [
      ["task_id", taskId.toString()],
      ["segment", index.toString()],
      ["worker", worker],
      ["lease_expires", expires.toString()],
    ]);
    return expires;
  }

  /**
   * For head_claim_priority_blocks after segment `index − 1` was accepted, only the worker that
   * produced it may claim segment `index`: it holds the head in memory and may be training ahead.
   */
  private checkHeadPriority(ctx: Context, worker: string, taskId: bigint, index: bigint): void {
    const blocks = this.getParams(ctx).headClaimPriorityBlocks;
    if (blocks === 0n || index === 0n) return;
    const prev = this.getSegment(ctx, taskId, index - 1n);
    if (!prev || prev.worker === worker || prev.proofId === 0n) return;
    const decided = this.getProof(ctx, prev.proofId)?.decidedHeight ?? 0n;
    const until = decided + blocks;
    if (ctx.block.height <= until) {
      throw TrainingTaskErrors.SegmentInFlight.wrap(`segment ${index} of task ${taskId} is reserved for ${prev.worker}, who produced its start checkpoint, until height ${until}`);
    }
  }

  private requireClaimedBy(ctx: Context, worker: string, taskId: bigint, index: bigint): Segment {
    const segment = this.getSegment(ctx, taskId, index);
    if (!segment) throw TrainingTaskErrors.SegmentNotFound.wrap(`task ${taskId} has no segment ${index}`);
    if (segment.status !== SegmentStatus.SEGMENT_STATUS_CLAIMED || segment.worker !== worker) {
      const state = segment.status === SegmentStatus.SEGMENT_STATUS_OPEN ? "not claimed" : `${segmentStatusName(segment.status)} by ${segment.worker}`;
      throw TrainingTaskErrors.SegmentNotClaimed.wrap(`segment ${index} of task ${taskId} is ${state}; ${worker} must claim it first`);
    }
    return segment;
  }

  abandonSegment(ctx: Context, worker: string, taskId: bigint, index: bigint): void {
    checkAddress("worker", worker);
    this.requireTask(ctx, taskId);
    const segment = this.requireClaimedBy(ctx, worker, taskId, index);
    this.reward.returnBond(ctx, taskId, index, this.getParams(ctx).abandonFeeBps, "abandoned");
    this.store(ctx).delete(leaseQueueKey(segment.leaseExpiresHeight, taskId, index));
    this.reopen(ctx, segment);
    ctx.events.emit(TrainingTaskEvents.segmentAbandoned, [
      ["task_id", taskId.toString()],
      ["segment", index.toString()],
      ["worker", worker],
    ]);
  }

  submitProof(ctx: Context, msg: MsgSubmitProof): bigint {
    checkAddress("worker", msg.worker);
    const task = this.requireOpenTask(ctx, msg.taskId);
    const segment = this.requireClaimedBy(ctx, msg.worker, msg.taskId, msg.segment);
    if (!bytesEqual(msg.startHash, task.headHash)) {
      throw TrainingTaskErrors.WrongStartHash.wrap(`start hash ${toHex(msg.startHash)} is not the head of task ${task.id} (${toHex(task.headHash)}); train from the head checkpoint`);
    }
    const m = task.spec!.segmentSteps / task.spec!.checkpointInterval;
    if (BigInt(msg.intervalHashes.length) !== m) {
      throw TrainingTaskErrors.WrongHashCount.wrap(`got ${msg.intervalHashes.length} interval hashes, expected ${m} (segment_steps ${task.spec!.segmentSteps} / checkpoint_interval ${task.spec!.checkpointInterval})`);
    }
    if (BigInt(msg.intervalLossMicro.length) !== m || BigInt(msg.intervalUpdateNormPpb.length) !== m) {
      throw TrainingTaskErrors.InvalidProof.wrap(`need ${m} interval_loss_micro and ${m} interval_update_norm_ppb values, got ${msg.intervalLossMicro.length} and ${msg.intervalUpdateNormPpb.length}`);
    }
    const id = this.nextId(ctx, NextProofIdKey);
    const h = ctx.block.height;
    this.setProof(ctx, {
      id,
      taskId: task.id,
      segment: msg.segment,
      worker: msg.worker,
      startHash: msg.startHash,
      intervalHashes: msg.intervalHashes,
      intervalLossMicro: msg.intervalLossMicro,
      intervalUpdateNormPpb: msg.intervalUpdateNormPpb,
      checkpointUris: msg.checkpointUris,
      submittedHeight: h,
      status: ProofStatus.PROOF_STATUS_PENDING,
      challengeHeight: 0n,
      challengedIntervals: [],
      deadlineHeight: 0n,
      decidedHeight: 0n,
    });
    this.store(ctx).set(proofByTaskKey(task.id, id), new Uint8Array());
    this.store(ctx).set(awaitingChallengeKey(h, id), new Uint8Array());
    this.store(ctx).delete(leaseQueueKey(segment.leaseExpiresHeight, task.id, msg.segment));
    this.setSegment(ctx, { ...segment, status: SegmentStatus.SEGMENT_STATUS_PROVEN, proofId: id });
    ctx.events.emit(TrainingTaskEvents.proofSubmitted, [
      ["proof_id", id.toString()],
      ["task_id", task.id.toString()],
      ["segment", msg.segment.toString()],
      ["worker", msg.worker],
    ]);
    return id;
  }

  submitVerification(ctx: Context, validator: string, proofId: bigint, verdict: number, distancesPpb: bigint[]): void {
    const operator = checkAddress("validator", validator);
    const v = this.staking.getValidator(ctx, operator);
    if (!v || v.jailed || v.tokens <= 0n) throw TrainingTaskErrors.NotValidator.wrap(`${validator} is not a bonded validator; only bonded validators verify proofs`);
    const proof = this.getProof(ctx, proofId);
    if (!proof) throw TrainingTaskErrors.ProofNotFound.wrap(`proof ${proofId} does not exist`);
    if (proof.deadlineHeight > 0n && ctx.block.height > proof.deadlineHeight) {
      throw TrainingTaskErrors.WindowClosed.wrap(`the window for proof ${proofId} closed at height ${proof.deadlineHeight}; this is height ${ctx.block.height}`);
    }
    if (proof.status !== ProofStatus.PROOF_STATUS_CHALLENGED) {
      const why = proof.status === ProofStatus.PROOF_STATUS_PENDING ? "its challenge is drawn in the block after the proof; retry next block" : `it is already ${proofStatusName(proof.status)}`;
      throw TrainingTaskErrors.NotChallenged.wrap(`proof ${proofId} cannot be voted on: ${why}`);
    }
    if (this.store(ctx).has(voteKey(proofId, operator))) throw TrainingTaskErrors.DuplicateVote.wrap(`${validator} already voted on proof ${proofId}`);
    const challenged = proof.challengedIntervals.length;
    const needDistances = verdict !== Verdict.VERDICT_UNAVAILABLE || distancesPpb.length > 0;
    if (needDistances && distancesPpb.length !== challenged) {
      throw TrainingTaskErrors.InvalidVote.wrap(`got ${distancesPpb.length} distances, expected one per challenged interval (${challenged}: ${proof.challengedIntervals.join(",")})`);
    }
    this.store(ctx).set(voteKey(proofId, operator), VoteCodec.encode({ proofId, validator, verdict, distancesPpb, height: ctx.block.height }).finish());
    this.store(ctx).set(votedThisBlockKey(proofId), new Uint8Array());
    this.reward.recordVote(ctx, operator);
    ctx.events.emit(TrainingTaskEvents.verificationSubmitted, [
      ["proof_id", proofId.toString()],
      ["task_id", proof.taskId.toString()],
      ["segment", proof.segment.toString()],
      ["validator", validator],
      ["verdict", verdictName(verdict)],
    ]);
  }

  // ------------------------------------------------------------------------------- EndBlock

  endBlock(ctx: Context): void {
    const h = ctx.block.height;
    const store = this.store(ctx);
    // 1. claim leases that ran out without a proof (a proof in this block already removed its entry)
    for (const e of store.range(Uint8Array.of(LeaseQueuePrefix), queueEnd(LeaseQueuePrefix, h + 1n))) {
      store.delete(e.key);
      this.expireLease(ctx, readUint64BE(e.key, 9), readUint64BE(e.key, 17));
    }
    // 2. challenges for proofs included in earlier blocks, seeded by this block's hash
    for (const e of store.range(Uint8Array.of(AwaitingChallengePrefix), queueEnd(AwaitingChallengePrefix, h))) {
      store.delete(e.key);
      this.issueChallenge(ctx, readUint64BE(e.key, 9));
    }
    // 3. tally proofs that received votes in this block
    for (const e of store.range(Uint8Array.of(VotedThisBlockPrefix), Uint8Array.of(VotedThisBlockPrefix + 1))) {
      store.delete(e.key);
      const proof = this.getProof(ctx, readUint64BE(e.key, 1));
      if (proof && proof.status === ProofStatus.PROOF_STATUS_CHALLENGED) this.decide(ctx, proof);
    }
    // 4. windows that closed with neither quorum
    for (const e of store.range(Uint8Array.of(ChallengeQueuePrefix), queueEnd(ChallengeQueuePrefix, h + 1n))) {
      store.delete(e.key);
      const proof = this.getProof(ctx, readUint64BE(e.key, 9));
      if (proof && proof.status === ProofStatus.PROOF_STATUS_CHALLENGED) this.expireWindow(ctx, proof);
    }
  }

  private expireLease(ctx: Context, taskId: bigint, index: bigint): void {
    const segment = this.getSegment(ctx, taskId, index);
    if (!segment || segment.status !== SegmentStatus.SEGMENT_STATUS_CLAIMED) return;
    this.reward.slashLeaseExpired(ctx, taskId, index);
    this.reopen(ctx, segment);
    ctx.events.emit(TrainingTaskEvents.segmentExpired, [
      ["task_id", taskId.toString()],
      ["segment", index.toString()],
      ["worker", segment.worker],
      ["lease_expired", segment.leaseExpiresHeight.toString()],
    ]);
  }

  private issueChallenge(ctx: Context, proofId: bigint): void {
    const proof = this.getProof(ctx, proofId);
    if (!proof || proof.status !== ProofStatus.PROOF_STATUS_PENDING) return;
    const task = this.getTask(ctx, proof.taskId)!;
    const intervals = challengeIntervals(challengeSeed(ctx.block.hash, proofId), proof.intervalUpdateNormPpb, task.spec!.samplesPerSegment);
    const deadline = ctx.block.height + task.spec!.verifyWindow;
    proof.status = ProofStatus.PROOF_STATUS_CHALLENGED;
    proof.challengeHeight = ctx.block.height;
    proof.challengedIntervals = intervals;
    proof.deadlineHeight = deadline;
    this.setProof(ctx, proof);
    const segment = this.getSegment(ctx, proof.taskId, proof.segment)!;
    this.setSegment(ctx, { ...segment, status: SegmentStatus.SEGMENT_STATUS_CHALLENGED });
    this.store(ctx).set(challengeQueueKey(deadline, proofId), new Uint8Array());
    this.reward.recordChallenge(ctx);
    ctx.events.emit(TrainingTaskEvents.challenge, [
      ["proof_id", proofId.toString()],
      ["task_id", proof.taskId.toString()],
      ["segment", proof.segment.toString()],
      ["worker", proof.worker],
      ["intervals", intervals.join(",")],
      ["deadline", deadline.toString()],
    ]);
  }

  /** Stake-weighted tally of a proof's votes against the current bonded set. */
  tally(ctx: Context, proofId: bigint): TallyResult & { valid: StakeWeight[]; against: StakeWeight[] } {
    const stakes = new Map<string, bigint>();
    let totalStake = 0n;
    for (const v of this.staking.bondedValidators(ctx)) {
      stakes.set(toHex(v.operator), v.tokens);
      totalStake += v.tokens;
    }
    const valid: StakeWeight[] = [];
    const against: StakeWeight[] = [];
    let validStake = 0n;
    let againstStake = 0n;
    for (const vote of this.votes(ctx, proofId)) {
      const address = checkAddress("validator", vote.validator);
      const stake = stakes.get(toHex(address)) ?? 0n;
      if (stake === 0n) continue; // unbonded or jailed since voting
      if (vote.verdict === Verdict.VERDICT_VALID) {
        valid.push({ address, stake });
        validStake += stake;
      } else {
        against.push({ address, stake });
        againstStake += stake;
      }
    }
    return { validStake, againstStake, totalStake, outcome: tallyOutcome(validStake, againstStake, totalStake), valid, against };
  }

  private decide(ctx: Context, proof: Proof): void {
    const t = this.tally(ctx, proof.id);
    if (t.outcome === "accept") this.accept(ctx, proof, t.valid, t);
    else if (t.outcome === "reject") this.reject(ctx, proof, t.against, t);
  }

  private accept(ctx: Context, proof: Proof, verifiers: StakeWeight[], t: TallyResult): void {
    const task = this.getTask(ctx, proof.taskId)!;
    const spec = task.spec!;
    const workerBytes = checkAddress("worker", proof.worker);
    const dataset = this.registry.getDataset(ctx, spec.datasetId);
    // EndBlock must not throw: a dataset gone or with an unusable owner forfeits the royalty to the worker
    const owner = dataset ? tryAddress(dataset.owner) : undefined;
    const reward = checkPositiveCoin("reward_per_segment", spec.rewardPerSegment);
    this.reward.payAcceptedSegment(ctx, {
      taskId: task.id,
      segment: proof.segment,
      worker: workerBytes,
      reward,
      dataOwner: owner ?? workerBytes,
      royaltyBps: owner && dataset ? dataset.royaltyBps : 0,
      verifiers,
      work: spec.segmentSteps * spec.flopsPerStep,
    });
    const end = proof.intervalHashes[proof.intervalHashes.length - 1]!;
    this.closeProof(ctx, proof, ProofStatus.PROOF_STATUS_ACCEPTED);
    const segment = this.getSegment(ctx, task.id, proof.segment)!;
    this.setSegment(ctx, { ...segment, status: SegmentStatus.SEGMENT_STATUS_ACCEPTED, endHash: end });
    task.headHash = end;
    task.segmentsDone += 1n;
    ctx.events.emit(TrainingTaskEvents.proofAccepted, [
      ["proof_id", proof.id.toString()],
      ["task_id", task.id.toString()],
      ["segment", proof.segment.toString()],
      ["worker", proof.worker],
      ["head", toHex(end)],
      ["valid_stake", t.validStake.toString()],
      ["total_stake", t.totalStake.toString()],
    ]);
    if (task.segmentsDone === spec.totalSegments) {
      task.status = TaskStatus.TASK_STATUS_COMPLETED;
      task.completedHeight = ctx.block.height;
      this.reward.closeEscrow(ctx, task.id);
      ctx.events.emit(TrainingTaskEvents.taskCompleted, [
        ["task_id", task.id.toString()],
        ["creator", task.creator],
        ["head", toHex(end)],
      ]);
    }
    this.setTask(ctx, task);
  }

  private reject(ctx: Context, proof: Proof, catchers: StakeWeight[], t: TallyResult): void {
    this.reward.slashRejected(ctx, proof.taskId, proof.segment, catchers);
    this.closeProof(ctx, proof, ProofStatus.PROOF_STATUS_REJECTED);
    this.reopen(ctx, this.getSegment(ctx, proof.taskId, proof.segment)!);
    ctx.events.emit(TrainingTaskEvents.proofRejected, [
      ["proof_id", proof.id.toString()],
      ["task_id", proof.taskId.toString()],
      ["segment", proof.segment.toString()],
      ["worker", proof.worker],
      ["against_stake", t.againstStake.toString()],
      ["total_stake", t.totalStake.toString()],
    ]);
  }

  private expireWindow(ctx: Context, proof: Proof): void {
    this.reward.returnBond(ctx, proof.taskId, proof.segment, 0, "verification_expired");
    this.closeProof(ctx, proof, ProofStatus.PROOF_STATUS_EXPIRED);
    this.reopen(ctx, this.getSegment(ctx, proof.taskId, proof.segment)!);
    ctx.events.emit(TrainingTaskEvents.verificationExpired, [
      ["proof_id", proof.id.toString()],
      ["task_id", proof.taskId.toString()],
      ["segment", proof.segment.toString()],
      ["worker", proof.worker],
    ]);
  }

  private closeProof(ctx: Context, proof: Proof, status: ProofStatus): void {
    this.store(ctx).delete(challengeQueueKey(proof.deadlineHeight, proof.id));
    proof.status = status;
    proof.decidedHeight = ctx.block.height;
    this.setProof(ctx, proof);
  }

  private reopen(ctx: Context, segment: Segment): void {
    this.setSegment(ctx, {
      ...openSegment(segment.taskId, segment.index),
      failedAttempts: segment.failedAttempts + 1,
    });
  }

  // ----------------------------------------------------------------------------- invariants

  /**
   * Every segment is in exactly one state: index < segments_done ACCEPTED (stored), index =
   * segments_done OPEN/CLAIMED/PROVEN/CHALLENGED (OPEN unless the task is open), beyond that no
   * record (implicitly OPEN); CLAIMED has a lease entry and a bond, PROVEN/CHALLENGED a proof in
   * the matching state and a bond.
   */
  checkSegments(ctx: Context): string | undefined {
    const store = this.store(ctx);
    for (const task of this.allTasks(ctx)) {
      const records = this.storedSegments(ctx, task.id);
      let accepted = 0n;
      for (const s of records) {
        const where = `task ${task.id} segment ${s.index}`;
        if (s.index >= task.spec!.totalSegments) return `${where}: beyond total_segments`;
        if (s.index < task.segmentsDone) {
          if (s.status !== SegmentStatus.SEGMENT_STATUS_ACCEPTED) return `${where}: before the head but ${segmentStatusName(s.status)}`;
          accepted++;
          continue;
        }
        if (s.index > task.segmentsDone) return `${where}: record beyond the next segment ${task.segmentsDone}`;
        if (s.status === SegmentStatus.SEGMENT_STATUS_OPEN) continue;
        if (task.status !== TaskStatus.TASK_STATUS_OPEN) return `${where}: ${segmentStatusName(s.status)} in a ${taskStatusName(task.status)} task`;
        if (!this.reward.getBond(ctx, task.id, s.index)) return `${where}: ${segmentStatusName(s.status)} without a locked bond`;
        if (s.status === SegmentStatus.SEGMENT_STATUS_CLAIMED) {
          if (!store.has(leaseQueueKey(s.leaseExpiresHeight, task.id, s.index))) return `${where}: CLAIMED without a lease entry`;
        } else if (s.status === SegmentStatus.SEGMENT_STATUS_PROVEN || s.status === SegmentStatus.SEGMENT_STATUS_CHALLENGED) {
          const p = this.getProof(ctx, s.proofId);
          const want = s.status === SegmentStatus.SEGMENT_STATUS_PROVEN ? ProofStatus.PROOF_STATUS_PENDING : ProofStatus.PROOF_STATUS_CHALLENGED;
          if (!p || p.status !== want) return `${where}: ${segmentStatusName(s.status)} but proof ${s.proofId} is ${p ? proofStatusName(p.status) : "missing"}`;
        } else return `${where}: unknown status ${s.status}`;
      }
      if (accepted !== task.segmentsDone) return `task ${task.id}: ${task.segmentsDone} segments done but ${accepted} ACCEPTED records`;
      if (task.segmentsDone > task.spec!.totalSegments) return `task ${task.id}: segments_done beyond total_segments`;
      if ((task.status === TaskStatus.TASK_STATUS_COMPLETED) !== (task.segmentsDone === task.spec!.totalSegments)) {
        return `task ${task.id}: ${taskStatusName(task.status)} with ${task.segmentsDone}/${task.spec!.totalSegments} segments`;
      }
    }
    return undefined;
  }
}

function tryAddress(address: string): Uint8Array | undefined {
  try {
    return checkAddress("address", address);
  } catch {
    return undefined;
  }
}

export function openSegment(taskId: bigint, index: bigint): Segment {
  return {
    taskId,
    index,
    status: SegmentStatus.SEGMENT_STATUS_OPEN,
    worker: "",
    claimedHeight: 0n,
    leaseExpiresHeight: 0n,
    proofId: 0n,
    failedAttempts: 0,
    startHash: new Uint8Array(),
    endHash: new Uint8Array(),
  };
}

export function taskStatusName(s: number): string {
  return ["UNSPECIFIED", "OPEN", "COMPLETED", "CANCELLED"][s] ?? String(s);
}

export function segmentStatusName(s: number): string {
  return ["UNSPECIFIED", "OPEN", "CLAIMED", "PROVEN", "CHALLENGED", "ACCEPTED"][s] ?? String(s);
}

export function proofStatusName(s: number): string {
  return ["UNSPECIFIED", "PENDING", "CHALLENGED", "ACCEPTED", "REJECTED", "EXPIRED"][s] ?? String(s);
}
