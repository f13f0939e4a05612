// Public API of the proof package: the arithmetic both sides of a proof of training share, and the
// task plumbing (artifacts, chain access, replay) the worker and the verifier both go through.
export { MAX_DISTANCE_PPB, intervalCount, globalStep, intervalSteps, meanLossMicro, l2Distance, updateNormPpb, distancePpb } from "./math.ts";
export type { SegmentGeometry, DistanceInput } from "./math.ts";
export { checkInterval, judgeProof, unavailableJudgement } from "./verdict.ts";
export type { IntervalEvidence, IntervalCheck, ProofJudgement } from "./verdict.ts";
export { taskProfile, taskLearningRate, stepGraphSpecOf, runInterval } from "./task.ts";
export type { TrainingContext, IntervalRun } from "./task.ts";
export { ArtifactStore, DEFAULT_CACHE_DIR, toHex } from "./artifacts.ts";
export { ChainClient, TxError, DEFAULT_GAS_PRICE } from "./chain.ts";
export type { ChainClientOptions } from "./chain.ts";
export { prepareTask, trainingContext, headSources, fetchCheckpoint } from "./prepare.ts";
export type { PreparedTask } from "./prepare.ts";
export { withRetry, sleep, isTransient } from "./retry.ts";
export type { RetryOptions } from "./retry.ts";
