// training_task genesis: params, id counters, and the state as proto-encoded (base64) records so an
// export round-trips exactly (queues are rebuilt from segment and proof states).
import type { Context } from "../../chain/framework/context.ts";
import {
  Proof as ProofCodec,
  ProofStatus,
  Segment as SegmentCodec,
  SegmentStatus,
  Task as TaskCodec,
  Vote as VoteCodec,
} from "../../proto/trainchain/training_task/v1/generated.ts";
import { fromBech32 } from "../../chain/framework/address.ts";
import type { TrainingTaskKeeper } from "./keeper.ts";
import {
  awaitingChallengeKey,
  challengeQueueKey,
  leaseQueueKey,
  proofByTaskKey,
  TRAINING_TASK_STORE_PREFIX,
  voteKey,
} from "./keys.ts";
import { trainingTaskParamsFromJson, trainingTaskParamsToJson, type TrainingTaskParamsJson } from "./params.ts";

export interface TrainingTaskGenesis {
  params: Partial<TrainingTaskParamsJson>;
  next_task_id?: string;
  next_proof_id?: string;
  /** base64 of the proto-encoded records */
  tasks?: string[];
  segments?: string[];
  proofs?: string[];
  votes?: string[];
}

export function defaultTrainingTaskGenesis(): TrainingTaskGenesis {
  return { params: trainingTaskParamsToJson(trainingTaskParamsFromJson(undefined)) };
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");
const unb64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"));

export function initTrainingTaskGenesis(ctx: Context, keeper: TrainingTaskKeeper, state: TrainingTaskGenesis): void {
  keeper.setParams(ctx, trainingTaskParamsFromJson(state.params));
  keeper.setNextIds(ctx, { task: BigInt(state.next_task_id ?? "1"), proof: BigInt(state.next_proof_id ?? "1") });
  const store = ctx.kv(TRAINING_TASK_STORE_PREFIX);
  for (const t of state.tasks ?? []) keeper.setTask(ctx, TaskCodec.decode(unb64(t)));
  for (const s of state.segments ?? []) {
    const seg = SegmentCodec.decode(unb64(s));
    keeper.setSegment(ctx, seg);
    if (seg.status === SegmentStatus.SEGMENT_STATUS_CLAIMED) store.set(leaseQueueKey(seg.leaseExpiresHeight, seg.taskId, seg.index), new Uint8Array());
  }
  for (const p of state.proofs ?? []) {
    const proof = ProofCodec.decode(unb64(p));
    keeper.setProof(ctx, proof);
    store.set(proofByTaskKey(proof.taskId, proof.id), new Uint8Array());
    if (proof.status === ProofStatus.PROOF_STATUS_PENDING) store.set(awaitingChallengeKey(proof.submittedHeight, proof.id), new Uint8Array());
    if (proof.status === ProofStatus.PROOF_STATUS_CHALLENGED) store.set(challengeQueueKey(proof.deadlineHeight, proof.id), new Uint8Array());
  }
  for (const v of state.votes ?? []) {
    const vote = VoteCodec.decode(unb64(v));
    store.set(voteKey(vote.proofId, fromBech32(vote.validator)), VoteCodec.encode(vote).finish());
  }
}

export function exportTrainingTaskGenesis(ctx: Context, keeper: TrainingTaskKeeper): TrainingTaskGenesis {
  const ids = keeper.peekNextIds(ctx);
  const tasks = keeper.allTasks(ctx);
  const proofs = tasks.flatMap((t) => keeper.proofsByTask(ctx, t.id));
  return {
    params: trainingTaskParamsToJson(keeper.getParams(ctx)),
    next_task_id: ids.task.toString(),
    next_proof_id: ids.proof.toString(),
    tasks: tasks.map((t) => b64(TaskCodec.encode(t).finish())),
    segments: keeper.allSegments(ctx).map((s) => b64(SegmentCodec.encode(s).finish())),
    proofs: proofs.map((p) => b64(ProofCodec.encode(p).finish())),
    votes: proofs.flatMap((p) => keeper.votes(ctx, p.id)).map((v) => b64(VoteCodec.encode(v).finish())),
  };
}
