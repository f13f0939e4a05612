// The training worker ("miner"): find a runnable task, claim its next segment, train it under the
// task's numerics profile, upload the interval checkpoints, submit the proof, wait for the verdict,
// repeat. Node restarts and RPC errors are waited out; a stop finishes the current interval and
// abandons the segment (or completes it when near the end).
import type { Logger } from "pino";
import { blobSignerFromMnemonic } from "../blob/auth.ts";
import { buildModel } from "../onnx/api.ts";
import { createDeviceSession, defaultProfile, ORT_VERSION } from "../runtime/device.ts";
import { ArtifactStore, DEFAULT_CACHE_DIR, toHex } from "../proof/artifacts.ts";
import { ChainClient, TxError } from "../proof/chain.ts";
import { fetchCheckpoint, headSources, prepareTask, trainingContext, type PreparedTask } from "../proof/prepare.ts";
import { sleep, withRetry } from "../proof/retry.ts";
import { taskProfile, type TrainingContext } from "../proof/task.ts";
import {
  MsgAbandonSegment,
  MsgClaimSegment,
  MsgSubmitProof,
  MsgSubmitProofResponse,
  ProofStatus,
  SegmentStatus,
  TaskStatus,
  type Task,
} from "../../proto/trainchain/training_task/v1/generated.ts";
import { createProgressBar } from "./progress.ts";
import { trainSegment, type SegmentOutcome, type SegmentProof } from "./segment.ts";
import type { Checkpoint } from "../checkpoint/checkpoint.ts";
import type { WorkerDependencies, WorkerHandle, WorkerOptions, WorkerProgress } from "./types.ts";

/** An error that ends the worker (bad configuration or input), as opposed to one it waits out. */
export class WorkerFatalError extends Error {}

const CLAIM = "/trainchain.training_task.v1.MsgClaimSegment";
const ABANDON = "/trainchain.training_task.v1.MsgAbandonSegment";
const SUBMIT = "/trainchain.training_task.v1.MsgSubmitProof";

/** Can this process run the task's profile bit-exactly? undefined = yes, else why not. */
export function unrunnableReason(task: Task, cudaAvailable: boolean): string | undefined {
  if (!task.spec) return "task has no spec";
  let profile;
  try {
    profile = taskProfile(task.spec);
  } catch (err) {
    return (err as Error).message;
  }
  if (profile.ortVersion !== ORT_VERSION) return `its numerics profile needs onnxruntime ${profile.ortVersion}; ${ORT_VERSION} is installed`;
  if (profile.executionProvider === "cuda" && !cudaAvailable) return "its numerics profile needs the CUDA execution provider (run with --device cuda on a machine with CUDA)";
  return undefined;
}

/** Whether a CUDA session can be created here; prints the one fallback warning when not. */
async function probeCuda(log: Logger): Promise<boolean> {
  const model = buildModel({ arch: "logreg:2-2", loss: "cross_entropy", optimizer: { kind: "sgd" }, seed: 1 });
  const { session, profile } = await createDeviceSession(model.step, defaultProfile({ executionProvider: "cuda" }), { warn: (line) => log.warn({}, line) });
  await session.release();
  return profile.executionProvider === "cuda";
}

/** Start a worker; `dependencies.strategy` is for test harnesses only. */
export function startWorker(options: WorkerOptions, dependencies: WorkerDependencies = {}): WorkerHandle {
  const log = options.log.child({ module: "worker" });
  const idle = new AbortController();
  let stopping = false;
  const pollMs = options.pollMs ?? 500;
  const progress = options.onProgress ?? (process.stderr.isTTY ? createProgressBar(process.stderr) : (): void => undefined);
  const skipped = new Set<string>();
  let chain: ChainClient | undefined;
  let prepared: { task: PreparedTask; ctx: TrainingContext } | undefined;
  /** Segments submitted or given up so far (for maxSegments). */
  let attempts = 0;

  async function findWork(c: ChainClient, cuda: boolean): Promise<{ task: Task; mine: boolean } | "finished" | undefined> {
    let tasks: Task[];
    if (options.taskId !== undefined) {
      const t = await c.task(options.taskId);
      if (!t) throw new WorkerFatalError(`unknown task ${options.taskId}: no such task on the chain at ${options.rpc}`);
      if (t.status !== TaskStatus.TASK_STATUS_OPEN) return "finished";
      tasks = [t];
    } else {
      tasks = await c.tasks(TaskStatus.TASK_STATUS_OPEN);
    }
    for (const task of tasks) {
      const total = task.spec?.totalSegments ?? 0n;
      if (task.status !== TaskStatus.TASK_STATUS_OPEN || task.segmentsDone >= total) continue;
      const why = unrunnableReason(task, cuda);
      if (why !== undefined) {
        if (options.taskId !== undefined) throw new WorkerFatalError(`task ${task.id} cannot run here: ${why}`);
        if (!skipped.has(task.id.toString())) log.info({ taskId: task.id.toString() }, `skipping task: ${why}`);
        skipped.add(task.id.toString());
        continue;
      }
      const seg = await c.segment(task.id, task.segmentsDone);
      const status = seg?.status ?? SegmentStatus.SEGMENT_STATUS_OPEN;
      if (status === SegmentStatus.SEGMENT_STATUS_OPEN || status === SegmentStatus.SEGMENT_STATUS_UNSPECIFIED) return { task, mine: false };
      // a claim of ours that outlived a restart of this process: train it
      if (status === SegmentStatus.SEGMENT_STATUS_CLAIMED && seg?.worker === c.address) return { task, mine: true };
    }
    return undefined;
  }

  async function prepare(c: ChainClient, store: ArtifactStore, task: Task): Promise<{ task: PreparedTask; ctx: TrainingContext }> {
    const hash = toHex(task.spec!.stepGraphHash);
    if (prepared && prepared.task.taskId === task.id && prepared.task.stepGraphHash === hash) return prepared;
    if (prepared) await prepared.ctx.runner.release();
    prepared = undefined;
    const p = await prepareTask(task, c, store);
    prepared = { task: p, ctx: await trainingContext(p, log) };
    return prepared;
  }

  /** Training of the next segment started before its start checkpoint was accepted. */
  interface Ahead {
    outcome: Promise<SegmentOutcome>;
    cancel(): void;
  }

  /**
   * Claim (unless `mine`) and train the task's next segment, then keep going: while a proof waits
   * for its verdict, the next segment already trains from the checkpoint just proven; once that is
   * accepted (and head_claim_priority_blocks keeps the next claim ours) it is claimed and proven in
   * turn. Returns the number of segments this worker submitted or gave up.
   */
  async function mineSegments(c: ChainClient, store: ArtifactStore, task: Task, mine: boolean): Promise<number> {
    const taskId = task.id;
    let segment = task.segmentsDone;
    const total = task.spec!.totalSegments;
    const segmentLog = (index: bigint): Logger => log.child({ taskId: taskId.toString(), segment: index.toString() });
    let slog = segmentLog(segment);
    const bond = task.spec!.workerBond!;
    if (!mine) {
      const balance = await c.balance(bond.denom);
      if (balance < BigInt(bond.amount)) {
        throw new WorkerFatalError(`account ${c.address} holds ${balance}${bond.denom}; claiming a segment of task ${taskId} bonds ${bond.amount}${bond.denom} plus fees, so fund the account first`);
      }
    }
    progress({ phase: "fetching", taskId, segment });
    const { task: p, ctx } = await withRetry(() => prepare(c, store, task), { log: slog, what: "fetch task artifacts", signal: idle.signal, attempts: 5, retryable: () => true });
    let startHash: Uint8Array = task.headHash;
    const head = await withRetry(async () => fetchCheckpoint(store, toHex(startHash), await headSources(task, c)), { log: slog, what: "fetch head checkpoint", signal: idle.signal, attempts: 5, retryable: () => true });
    const expectedStep = segment * p.geometry.segmentSteps;
    if (head.checkpoint.step !== expectedStep) throw new Error(`head checkpoint ${toHex(startHash)} of task ${taskId} is at step ${head.checkpoint.step}; segment ${segment} starts at step ${expectedStep}`);
    if (!mine && !(await claim(c, task, segment, slog))) return 0;

    const train = (index: bigint, from: Checkpoint, cancelled?: () => boolean): Promise<SegmentOutcome> =>
      trainSegment({
        taskId,
        segment: index,
        ctx,
        head: from,
        intervals: p.intervals,
        stepsPerInterval: p.stepsPerInterval,
        ...(dependencies.strategy ? { strategy: dependencies.strategy } : {}),
        upload: (bytes, hash) => withRetry(() => store.put(bytes, hash), { log: segmentLog(index), what: "upload checkpoint", attempts: 6, retryable: () => true }),
        stopRequested: () => stopping,
        ...(cancelled ? { cancelled } : {}),
        progress,
        log: segmentLog(index),
      });
    let outcome: Promise<SegmentOutcome> = train(segment, head.checkpoint);
    let done = 0;
    for (;;) {
      progress({ phase: "claimed", taskId, segment, intervals: p.intervals, steps: p.intervals * p.stepsPerInterval });
      const result = await outcome;
      done++;
      if (result.kind !== "proof") {
        await abandon(c, taskId, segment, slog, result.kind === "stopped" ? `stopped after ${result.intervalsDone}/${p.intervals} intervals` : `checkpoint upload failed: ${result.error}`);
        return done;
      }
      const proofId = await submit(c, taskId, segment, startHash, result, slog);
      if (proofId === undefined) return done;
      progress({ phase: "submitted", taskId, segment, proofId, trainingMs: result.trainingMs });
      if (stopping) return done;
      const next = segment + 1n;
      const attemptsLeft = options.maxSegments === undefined || attempts + done < options.maxSegments;
      let ahead: Ahead | undefined;
      if (next < total && attemptsLeft) {
        let cancelled = false;
        ahead = { outcome: train(next, result.end, () => cancelled), cancel: () => (cancelled = true) };
      }
      const verdict = await waitVerdict(c, taskId, segment, proofId, slog);
      if (!ahead) return done;
      const nextLog = segmentLog(next);
      if (verdict !== "accepted" || stopping || !(await claim(c, task, next, nextLog))) {
        ahead.cancel();
        const dropped = await ahead.outcome;
        if (dropped.kind === "proof") nextLog.info({}, "dropped the segment trained ahead");
        return done;
      }
      segment = next;
      slog = nextLog;
      startHash = result.proof.intervalHashes[result.proof.intervalHashes.length - 1]!;
      outcome = ahead.outcome;
    }
  }

  /** Claims a segment; false when another worker was faster (or the claim is otherwise refused). */
  async function claim(c: ChainClient, task: Task, segment: bigint, slog: Logger): Promise<boolean> {
    const taskId = task.id;
    const bond = task.spec!.workerBond!;
    const claimedByMe = async (): Promise<boolean> => {
      const s = await c.segment(taskId, segment);
      return s?.status === SegmentStatus.SEGMENT_STATUS_CLAIMED && s.worker === c.address;
    };
    try {
      await c.send("claim segment", [{ typeUrl: CLAIM, value: MsgClaimSegment.fromPartial({ worker: c.address, taskId, segment }) }], claimedByMe);
    } catch (err) {
      if (err instanceof TxError && (err.code === 5 || /insufficient funds/i.test(err.message))) {
        throw new WorkerFatalError(`account ${c.address} cannot pay the worker bond of ${bond.amount}${bond.denom} for task ${taskId} plus fees: fund the account first`);
      }
      if (err instanceof TxError) {
        slog.info({ err: err.message.split("\n")[0] }, "claim refused (another worker was faster?)");
        return false;
      }
      throw err;
    }
    slog.info({}, "segment claimed");
    return true;
  }

  async function abandon(c: ChainClient, taskId: bigint, segment: bigint, slog: Logger, why: string): Promise<void> {
    const notMine = async (): Promise<boolean> => {
      const s = await c.segment(taskId, segment);
      return !(s?.status === SegmentStatus.SEGMENT_STATUS_CLAIMED && s.worker === c.address);
    };
    try {
      await c.send("abandon segment", [{ typeUrl: ABANDON, value: MsgAbandonSegment.fromPartial({ worker: c.address, taskId, segment }) }], notMine);
      slog.warn({}, `segment abandoned: ${why}`);
    } catch (err) {
      slog.warn({ err: (err as Error).message.split("\n")[0] }, `could not abandon the segment (${why}); its lease will expire`);
    }
    progress({ phase: "abandoned", taskId, segment });
  }

  /** Submits a proof; its id, or undefined when the chain refused it (lease expired?). */
  async function submit(c: ChainClient, taskId: bigint, segment: bigint, startHash: Uint8Array, trained: { proof: SegmentProof; trainingMs: number }, slog: Logger): Promise<bigint | undefined> {
    const proof = trained.proof;
    const proven = async (): Promise<boolean> => {
      const s = await c.segment(taskId, segment);
      return s?.worker === c.address && s.proofId !== 0n && (s.status === SegmentStatus.SEGMENT_STATUS_PROVEN || s.status === SegmentStatus.SEGMENT_STATUS_CHALLENGED || s.status === SegmentStatus.SEGMENT_STATUS_ACCEPTED);
    };
    try {
      const res = await c.send("submit proof", [{ typeUrl: SUBMIT, value: MsgSubmitProof.fromPartial({ worker: c.address, taskId, segment, startHash, ...proof }) }], proven);
      const proofId = res ? MsgSubmitProofResponse.decode(res.msgResponses[0]!.value).proofId : (await c.segment(taskId, segment))!.proofId;
      const lossMicro = proof.intervalLossMicro[proof.intervalLossMicro.length - 1]?.toString();
      slog.info({ proofId: proofId.toString(), trainingMs: Math.round(trained.trainingMs), lossMicro }, "proof submitted");
      return proofId;
    } catch (err) {
      if (err instanceof TxError) {
        slog.warn({ err: err.message.split("\n")[0] }, "proof refused (lease expired?)");
        return undefined;
      }
      throw err;
    }
  }

  /** Polls a proof until it is decided (or the worker stops). */
  async function waitVerdict(c: ChainClient, taskId: bigint, segment: bigint, proofId: bigint, slog: Logger): Promise<"accepted" | "rejected" | "expired" | "stopped"> {
    for (;;) {
      await sleep(pollMs, idle.signal);
      if (stopping) return "stopped";
      const status = (await c.proof(proofId))?.proof?.status;
      const outcomeName = status === ProofStatus.PROOF_STATUS_ACCEPTED ? "accepted" : status === ProofStatus.PROOF_STATUS_REJECTED ? "rejected" : status === ProofStatus.PROOF_STATUS_EXPIRED ? "expired" : undefined;
      if (outcomeName === undefined) continue;
      (outcomeName === "accepted" ? slog.info.bind(slog) : slog.warn.bind(slog))({ proofId: proofId.toString() }, `proof ${outcomeName}`);
      progress({ phase: "verdict", taskId, segment, proofId, outcome: outcomeName });
      return outcomeName;
    }
  }

  async function run(): Promise<void> {
    const c = await ChainClient.connect({ rpc: options.rpc, mnemonic: options.mnemonic, log, signal: idle.signal });
    chain = c;
    const store = new ArtifactStore(options.blobBase, options.cacheDir ?? DEFAULT_CACHE_DIR, log, await blobSignerFromMnemonic(options.mnemonic));
    const cuda = options.device === "cuda" ? await probeCuda(log) : false;
    log.info({ address: c.address, device: options.device ?? "cpu", cuda, taskId: options.taskId?.toString() }, "worker started");
    while (!stopping) {
      const work = await findWork(c, cuda);
      if (work === "finished") {
        log.info({ taskId: options.taskId?.toString() }, "task is no longer open; worker done");
        return;
      }
      if (work === undefined) {
        progress({ phase: "idle" });
        await sleep(pollMs, idle.signal);
        continue;
      }
      attempts += await mineSegments(c, store, work.task, work.mine);
      if (options.maxSegments !== undefined && attempts >= options.maxSegments) return;
    }
  }

  const done = run()
    .catch((err: unknown) => {
      if (stopping && !(err instanceof WorkerFatalError)) {
        log.warn({ err: (err as Error).message }, "worker stopped with an error");
        return;
      }
      throw err instanceof Error ? new Error(err.message.split("\n")[0]) : new Error(String(err));
    })
    .finally(async () => {
      if (prepared) await prepared.ctx.runner.release().catch(() => undefined);
      chain?.disconnect();
    });
  done.catch(() => undefined);
  return {
    done,
    async stop(): Promise<void> {
      stopping = true;
      idle.abort();
      await done.catch(() => undefined);
    },
  };
}

export type { WorkerProgress };
