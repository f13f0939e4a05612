// training_task queries over ABCI: Params, Task, Tasks, Segment, Proof, ProofsByTask, PendingChallenges.
import type { QueryHandler } from "../../chain/framework/module.ts";
import {
  QueryParamsResponse,
  QueryPendingChallengesRequest,
  QueryPendingChallengesResponse,
  QueryProofRequest,
  QueryProofResponse,
  QueryProofsByTaskRequest,
  QueryProofsByTaskResponse,
  QuerySegmentRequest,
  QuerySegmentResponse,
  QueryTaskRequest,
  QueryTaskResponse,
  QueryTasksRequest,
  QueryTasksResponse,
} from "../../proto/trainchain/training_task/v1/generated.ts";
import { TrainingTaskErrors } from "./errors.ts";
import type { TrainingTaskKeeper } from "./keeper.ts";
import { checkAddress } from "./validation.ts";

export const TRAINING_TASK_QUERY = {
  params: "/trainchain.training_task.v1.Query/Params",
  task: "/trainchain.training_task.v1.Query/Task",
  tasks: "/trainchain.training_task.v1.Query/Tasks",
  segment: "/trainchain.training_task.v1.Query/Segment",
  proof: "/trainchain.training_task.v1.Query/Proof",
  proofsByTask: "/trainchain.training_task.v1.Query/ProofsByTask",
  pendingChallenges: "/trainchain.training_task.v1.Query/PendingChallenges",
} as const;

const DEFAULT_LIMIT = 100n;
const MAX_LIMIT = 1000n;

export function trainingTaskQueries(keeper: TrainingTaskKeeper): QueryHandler[] {
  return [
    { path: TRAINING_TASK_QUERY.params, handle: (ctx) => QueryParamsResponse.encode({ params: keeper.getParams(ctx) }).finish() },
    {
      path: TRAINING_TASK_QUERY.task,
      handle: (ctx, request) => {
        const { taskId } = QueryTaskRequest.decode(request);
        const task = keeper.getTask(ctx, taskId);
        if (!task) throw TrainingTaskErrors.TaskNotFound.wrap(`task ${taskId} does not exist`);
        return QueryTaskResponse.encode({ task }).finish();
      },
    },
    {
      path: TRAINING_TASK_QUERY.tasks,
      handle: (ctx, request) => {
        const req = QueryTasksRequest.decode(request);
        const limit = req.limit === 0n ? DEFAULT_LIMIT : req.limit > MAX_LIMIT ? MAX_LIMIT : req.limit;
        const tasks = [];
        let next = 0n;
        for (const t of keeper.allTasks(ctx, req.startAfter)) {
          if (req.status !== 0 && t.status !== req.status) continue;
          if (BigInt(tasks.length) === limit) {
            next = tasks[tasks.length - 1]!.id;
            break;
          }
          tasks.push(t);
        }
        return QueryTasksResponse.encode({ tasks, nextStartAfter: next }).finish();
      },
    },
    {
      path: TRAINING_TASK_QUERY.segment,
      handle: (ctx, request) => {
        const req = QuerySegmentRequest.decode(request);
        const segment = keeper.getSegment(ctx, req.taskId, req.segment);
        if (!segment) throw TrainingTaskErrors.SegmentNotFound.wrap(`task ${req.taskId} has no segment ${req.segment}`);
        return QuerySegmentResponse.encode({ segment }).finish();
      },
    },
    {
      path: TRAINING_TASK_QUERY.proof,
      handle: (ctx, request) => {
        const { proofId } = QueryProofRequest.decode(request);
        const proof = keeper.getProof(ctx, proofId);
        if (!proof) throw TrainingTaskErrors.ProofNotFound.wrap(`proof ${proofId} does not exist`);
        return QueryProofResponse.encode({ proof, votes: keeper.votes(ctx, proofId) }).finish();
      },
    },
    {
      path: TRAINING_TASK_QUERY.proofsByTask,
      handle: (ctx, request) => {
        const { taskId } = QueryProofsByTaskRequest.decode(request);
        if (!keeper.getTask(ctx, taskId)) throw TrainingTaskErrors.TaskNotFound.wrap(`task ${taskId} does not exist`);
        return QueryProofsByTaskResponse.encode({ proofs: keeper.proofsByTask(ctx, taskId) }).finish();
      },
    },
    {
      path: TRAINING_TASK_QUERY.pendingChallenges,
      handle: (ctx, request) => {
        const { verifier } = QueryPendingChallengesRequest.decode(request);
        return QueryPendingChallengesResponse.encode({ proofs: keeper.pendingChallenges(ctx, checkAddress("verifier", verifier)) }).finish();
      },
    },
  ];
}
