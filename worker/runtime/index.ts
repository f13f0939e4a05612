// Public API of the runtime package: sessions under a numerics profile, the step runner, the
// training loop and evaluation.
export { ORT_VERSION, defaultProfile, checkProfileShape, checkProfileVersion, createDeviceSession } from "./device.ts";
export type { DeviceSession, SessionOpts, VersionPolicy, WarnFn } from "./device.ts";
export { createStepRunner } from "./runner.ts";
export type { StepBatch, StepGraphSpec, StepRunner } from "./runner.ts";
export { createBatchAssembler, createBatchSource, checkCompatible } from "./batch.ts";
export type { BatchAssembler, BatchSource } from "./batch.ts";
export { trainSteps } from "./train.ts";
export type { TrainOptions, TrainResult } from "./train.ts";
export { evaluate } from "./evaluate.ts";
export type { EvalOptions, EvalResult } from "./evaluate.ts";
