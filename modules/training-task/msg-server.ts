// training_task Msg service: thin handlers — check the signer and the message, call one keeper method.
import { msgHandler, type MsgHandler } from "../../chain/framework/module.ts";
import {
  MsgAbandonSegment,
  MsgAbandonSegmentResponse,
  MsgCancelTask,
  MsgCancelTaskResponse,
  MsgClaimSegment,
  MsgClaimSegmentResponse,
  MsgCreateTask,
  MsgCreateTaskResponse,
  MsgSubmitProof,
  MsgSubmitProofResponse,
  MsgSubmitVerification,
  MsgSubmitVerificationResponse,
} from "../../proto/trainchain/training_task/v1/generated.ts";
import { TrainingTaskErrors } from "./errors.ts";
import type { TrainingTaskKeeper } from "./keeper.ts";
import { checkAddress, checkVerdict, HASH_BYTES, MAX_URI_LENGTH, validateTaskSpec } from "./validation.ts";

export const TRAINING_TASK_MSG = {
  createTask: "/trainchain.training_task.v1.MsgCreateTask",
  cancelTask: "/trainchain.training_task.v1.MsgCancelTask",
  claimSegment: "/trainchain.training_task.v1.MsgClaimSegment",
  abandonSegment: "/trainchain.training_task.v1.MsgAbandonSegment",
  submitProof: "/trainchain.training_task.v1.MsgSubmitProof",
  submitVerification: "/trainchain.training_task.v1.MsgSubmitVerification",
} as const;

function requireTaskId(taskId: bigint): void {
  if (taskId === 0n) throw TrainingTaskErrors.TaskNotFound.wrap("task_id must be set (ids start at 1)");
}

export function validateSubmitProof(msg: MsgSubmitProof): void {
  checkAddress("worker", msg.worker);
  requireTaskId(msg.taskId);
  if (msg.startHash.length !== HASH_BYTES) throw TrainingTaskErrors.InvalidProof.wrap(`start_hash must be ${HASH_BYTES} bytes, got ${msg.startHash.length}`);
  if (msg.intervalHashes.length === 0) throw TrainingTaskErrors.WrongHashCount.wrap("no interval hashes; give one per checkpoint interval");
  msg.intervalHashes.forEach((h, i) => {
    if (h.length !== HASH_BYTES) throw TrainingTaskErrors.InvalidProof.wrap(`interval hash ${i} must be ${HASH_BYTES} bytes, got ${h.length}`);
  });
  if (msg.checkpointUris.length !== 0 && msg.checkpointUris.length !== msg.intervalHashes.length) {
    throw TrainingTaskErrors.InvalidProof.wrap(`give no checkpoint URIs or one per interval (${msg.intervalHashes.length}), got ${msg.checkpointUris.length}`);
  }
  for (const uri of msg.checkpointUris) if (uri.length > MAX_URI_LENGTH) throw TrainingTaskErrors.InvalidProof.wrap(`checkpoint URI longer than ${MAX_URI_LENGTH}`);
}

export function trainingTaskMsgs(keeper: TrainingTaskKeeper): MsgHandler<unknown>[] {
  return [
    msgHandler<MsgCreateTask>({
      typeUrl: TRAINING_TASK_MSG.createTask,
      codec: MsgCreateTask,
      signers: (msg) => [msg.creator],
      validateBasic: (msg) => {
        checkAddress("creator", msg.creator);
        validateTaskSpec(msg.spec);
      },
      handle: (ctx, msg) => {
        const taskId = keeper.createTask(ctx, msg.creator, msg.spec!);
        return { typeUrl: `${TRAINING_TASK_MSG.createTask}Response`, value: MsgCreateTaskResponse.encode({ taskId }).finish() };
      },
    }),
    msgHandler<MsgCancelTask>({
      typeUrl: TRAINING_TASK_MSG.cancelTask,
      codec: MsgCancelTask,
      signers: (msg) => [msg.creator],
      validateBasic: (msg) => {
        checkAddress("creator", msg.creator);
        requireTaskId(msg.taskId);
      },
      handle: (ctx, msg) => {
        keeper.cancelTask(ctx, msg.creator, msg.taskId);
        return { typeUrl: `${TRAINING_TASK_MSG.cancelTask}Response`, value: MsgCancelTaskResponse.encode({}).finish() };
      },
    }),
    msgHandler<MsgClaimSegment>({
      typeUrl: TRAINING_TASK_MSG.claimSegment,
      codec: MsgClaimSegment,
      signers: (msg) => [msg.worker],
      validateBasic: (msg) => {
        checkAddress("worker", msg.worker);
        requireTaskId(msg.taskId);
      },
      handle: (ctx, msg) => {
        const leaseExpiresHeight = keeper.claimSegment(ctx, msg.worker, msg.taskId, msg.segment);
        return { typeUrl: `${TRAINING_TASK_MSG.claimSegment}Response`, value: MsgClaimSegmentResponse.encode({ leaseExpiresHeight }).finish() };
      },
    }),
    msgHandler<MsgAbandonSegment>({
      typeUrl: TRAINING_TASK_MSG.abandonSegment,
      codec: MsgAbandonSegment,
      signers: (msg) => [msg.worker],
      validateBasic: (msg) => {
        checkAddress("worker", msg.worker);
        requireTaskId(msg.taskId);
      },
      handle: (ctx, msg) => {
        keeper.abandonSegment(ctx, msg.worker, msg.taskId, msg.segment);
        return { typeUrl: `${TRAINING_TASK_MSG.abandonSegment}Response`, value: MsgAbandonSegmentResponse.encode({}).finish() };
      },
    }),
    msgHandler<MsgSubmitProof>({
      typeUrl: TRAINING_TASK_MSG.submitProof,
      codec: MsgSubmitProof,
      signers: (msg) => [msg.worker],
      validateBasic: validateSubmitProof,
      handle: (ctx, msg) => {
        const proofId = keeper.submitProof(ctx, msg);
        return { typeUrl: `${TRAINING_TASK_MSG.submitProof}Response`, value: MsgSubmitProofResponse.encode({ proofId }).finish() };
      },
    }),
    msgHandler<MsgSubmitVerification>({
      typeUrl: TRAINING_TASK_MSG.submitVerification,
      codec: MsgSubmitVerification,
      signers: (msg) => [msg.validator],
      validateBasic: (msg) => {
        checkAddress("validator", msg.validator);
        if (msg.proofId === 0n) throw TrainingTaskErrors.ProofNotFound.wrap("proof_id must be set (ids start at 1)");
        checkVerdict(msg.verdict);
      },
      handle: (ctx, msg) => {
        keeper.submitVerification(ctx, msg.validator, msg.proofId, msg.verdict, msg.distancesPpb);
        return { typeUrl: `${TRAINING_TASK_MSG.submitVerification}Response`, value: MsgSubmitVerificationResponse.encode({}).finish() };
      },
    }),
  ];
}
