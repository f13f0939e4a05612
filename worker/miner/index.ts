// Public API of the training worker.
export { startWorker, unrunnableReason, WorkerFatalError } from "./worker.ts";
export { trainSegment, finishThreshold } from "./segment.ts";
export type { SegmentJob, SegmentOutcome, SegmentProof } from "./segment.ts";
export { createProgressBar } from "./progress.ts";
export type { WorkerOptions, WorkerHandle, WorkerProgress, WorkerPhase, SegmentStrategy, IntervalPlan, WorkerDependencies } from "./types.ts";
