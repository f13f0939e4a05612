// Fetching what a task needs to run steps (step graph, dataset, sampler, profile) and where a
// task's checkpoints can be found. Shared by the worker and the verifier.
import type { Logger } from "pino";
import { decodeCheckpoint, type Checkpoint } from "../checkpoint/checkpoint.ts";
import { createSampler, type MinibatchSampler } from "../data/sampler.ts";
import type { LoadedDataset } from "../data/dataset.ts";
import { createStepRunner, type StepGraphSpec, type StepRunner } from "../runtime/runner.ts";
import type { NumericsProfile } from "../types.ts";
import type { Task } from "../../proto/trainchain/training_task/v1/generated.ts";
import type { ArtifactStore } from "./artifacts.ts";
import { toHex } from "./artifacts.ts";
import type { ChainClient } from "./chain.ts";
import type { SegmentGeometry } from "./math.ts";
import { intervalCount } from "./math.ts";
import { stepGraphSpecOf, taskLearningRate, taskProfile, type TrainingContext } from "./task.ts";

export interface PreparedTask {
  taskId: bigint;
  stepGraphHash: string;
  stepGraph: Uint8Array;
  graphSpec: StepGraphSpec;
  dataset: LoadedDataset;
  profile: NumericsProfile;
  lr: number;
  seed: bigint;
  batchSize: number;
  geometry: SegmentGeometry;
  intervals: number;
  stepsPerInterval: number;
  tolerancePpb: bigint;
}

/** Fetch (hash-checked, cached) and interpret everything a task's steps need. */
export async function prepareTask(task: Task, chain: ChainClient, store: ArtifactStore): Promise<PreparedTask> {
  const spec = task.spec;
  if (!spec || !spec.hyperParams) throw new Error(`task ${task.id} has no spec`);
  const stepGraphHash = toHex(spec.stepGraphHash);
  const stepGraph = await store.get(stepGraphHash, [spec.stepGraphUri]);
  const graphSpec = stepGraphSpecOf(stepGraph);
  const ds = await chain.dataset(spec.datasetId);
  if (!ds) throw new Error(`task ${task.id} trains on dataset ${spec.datasetId}, which is not registered`);
  const dataset = await store.dataset(toHex(ds.manifestHash), ds.uris);
  const geometry = { segmentSteps: spec.segmentSteps, interval: spec.checkpointInterval };
  return {
    taskId: task.id,
    stepGraphHash,
    stepGraph,
    graphSpec,
    dataset,
    profile: taskProfile(spec),
    lr: taskLearningRate(spec),
    seed: spec.hyperParams.seed,
    batchSize: spec.hyperParams.batchSize,
    geometry,
    intervals: intervalCount(geometry),
    stepsPerInterval: Number(spec.checkpointInterval),
    tolerancePpb: spec.tolerancePpb,
  };
}

/** A step runner and sampler for a prepared task under the task's numerics profile. */
export async function trainingContext(p: PreparedTask, log: Logger): Promise<TrainingContext> {
  const runner: StepRunner = await createStepRunner(p.stepGraph, p.profile, p.graphSpec, { warn: (line) => log.warn({ taskId: p.taskId.toString() }, line) });
  const sampler: MinibatchSampler = createSampler(p.seed, p.dataset.samples, p.batchSize);
  return { runner, spec: p.graphSpec, dataset: p.dataset, sampler, lr: p.lr };
}

/**
 * Where checkpoint `hash` of a task may be found besides the local store: the task's initial
 * checkpoint URI, and the URIs of the accepted proof of the previous segment (the head's producer).
 */
export async function headSources(task: Task, chain: ChainClient): Promise<string[]> {
  const uris: string[] = [];
  if (task.spec?.initialCheckpointUri) uris.push(task.spec.initialCheckpointUri);
  if (task.segmentsDone > 0n) {
    const prev = await chain.segment(task.id, task.segmentsDone - 1n);
    if (prev && prev.proofId !== 0n) {
      const proof = (await chain.proof(prev.proofId))?.proof;
      const last = proof?.checkpointUris[proof.checkpointUris.length - 1];
      if (last) uris.unshift(last);
    }
  }
  return uris;
}

/** Fetch and decode a checkpoint by hash. */
export async function fetchCheckpoint(store: ArtifactStore, hash: string, uris: readonly string[]): Promise<{ checkpoint: Checkpoint; bytes: Uint8Array }> {
  const bytes = await store.get(hash, uris);
  return { checkpoint: decodeCheckpoint(bytes), bytes };
}
