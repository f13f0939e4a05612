// training_task errors: codespace "training_task", stable codes from 2 (never renumbered).
import { registerError } from "../../chain/framework/errors.ts";

const CS = "training_task";

export const TrainingTaskErrors = {
  InvalidAddress: registerError(CS, 2, "invalid address"),
  InvalidAmount: registerError(CS, 3, "invalid amount"),
  InvalidSpec: registerError(CS, 4, "invalid task spec"),
  StepsNotMultiple: registerError(CS, 5, "segment_steps is not a multiple of checkpoint_interval"),
  TooManySamples: registerError(CS, 6, "more samples than intervals"),
  ToleranceOutOfRange: registerError(CS, 7, "tolerance out of range"),
  UnknownDataset: registerError(CS, 8, "unknown dataset"),
  DatasetDeprecated: registerError(CS, 9, "dataset is deprecated"),
  NoDatasetAccess: registerError(CS, 10, "no access to allowlist dataset"),
  TaskNotFound: registerError(CS, 11, "task not found"),
  TaskNotOpen: registerError(CS, 12, "task is not open"),
  NotTaskCreator: registerError(CS, 13, "not the task creator"),
  SegmentInFlight: registerError(CS, 14, "a segment is in flight"),
  WrongSegment: registerError(CS, 15, "segment is not the next one to train"),
  SegmentNotClaimed: registerError(CS, 16, "segment not claimed by sender"),
  WrongStartHash: registerError(CS, 17, "start hash is not the task head"),
  WrongHashCount: registerError(CS, 18, "wrong number of interval hashes"),
  ProofNotFound: registerError(CS, 19, "proof not found"),
  NotValidator: registerError(CS, 20, "sender is not a bonded validator"),
  DuplicateVote: registerError(CS, 21, "validator already voted on this proof"),
  WindowClosed: registerError(CS, 22, "verification window closed"),
  NotChallenged: registerError(CS, 23, "proof is not awaiting verification"),
  InvalidVote: registerError(CS, 24, "invalid verification vote"),
  InvalidProof: registerError(CS, 25, "invalid proof"),
  SegmentNotFound: registerError(CS, 26, "segment not found"),
} as const;
