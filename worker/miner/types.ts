// Public types of the training worker.
import type { Logger } from "pino";
import type { Checkpoint } from "../checkpoint/checkpoint.ts";
import type { MinibatchSampler } from "../data/sampler.ts";
import type { IntervalRun, TrainingContext } from "../proof/task.ts";

export interface WorkerOptions {
  /** CometBFT RPC of a node, e.g. http://127.0.0.1:26657. */
  rpc: string;
  /** Blob store base URL (uploads go here; fetches try it first). */
  blobBase: string;
  mnemonic: string;
  /** Device to train on (default cpu); CUDA falls back to CPU with one warning. */
  device?: "cpu" | "cuda";
  /** Work only on this task; the worker ends when it is completed or cancelled. */
  taskId?: bigint;
  log: Logger;
  onProgress?: (e: WorkerProgress) => void;
  /** Disk cache of blobs and datasets, by hash (default: <tmpdir>/trainchain-cache). */
  cacheDir?: string;
  /** Stop after this many segment attempts (default: no limit). */
  maxSegments?: number;
  /** How often to look for work / poll a verdict, ms (default 500). */
  pollMs?: number;
}

export interface WorkerHandle {
  /** Finishes the current interval, then abandons the segment (or completes it when near the end). */
  stop(): Promise<void>;
  /** Resolves when the worker ends (stopped, task finished, maxSegments); rejects with a one-line error. */
  done: Promise<void>;
}

export type WorkerPhase = "idle" | "fetching" | "claimed" | "training" | "uploading" | "submitted" | "verdict" | "abandoned";

export interface WorkerProgress {
  phase: WorkerPhase;
  taskId?: bigint;
  segment?: bigint;
  /** Steps done in the segment / its segment_steps. */
  step?: number;
  steps?: number;
  /** Intervals committed so far / m. */
  interval?: number;
  intervals?: number;
  loss?: number;
  proofId?: bigint;
  /** For phase "submitted": milliseconds this segment's steps took (checkpoint encoding included). */
  trainingMs?: number;
  /** For phase "verdict": accepted, rejected or expired. */
  outcome?: "accepted" | "rejected" | "expired";
}

/** What a strategy sees of one interval: the honest training is one call away. */
export interface IntervalPlan {
  taskId: bigint;
  segment: bigint;
  index: number;
  intervals: number;
  stepsPerInterval: number;
  start: Checkpoint;
  ctx: TrainingContext;
  /** Honest training of this interval from `start` (a different sampler trains on other data). */
  train(sampler?: MinibatchSampler): Promise<IntervalRun>;
}

/**
 * How the worker produces and publishes interval checkpoints. The worker's own behaviour is the
 * honest default; test harnesses (test/adversary) inject other strategies through
 * `startWorker(options, { strategy })` — the CLI never does.
 */
export interface SegmentStrategy {
  readonly name: string;
  interval?(plan: IntervalPlan): Promise<IntervalRun>;
  /** Publish a checkpoint; `upload()` stores it in the blob store and returns its URI. */
  publish?(bytes: Uint8Array, hash: string, upload: () => Promise<string>): Promise<string>;
}

export interface WorkerDependencies {
  strategy?: SegmentStrategy;
}
