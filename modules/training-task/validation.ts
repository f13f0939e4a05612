// Stateless checks of messages (validateBasic): each failure says what was wrong and what is expected.
import type { Coin } from "cosmjs-types/cosmos/base/v1beta1/coin";
import { fromBech32 } from "../../chain/framework/address.ts";
import { quote } from "../../chain/framework/errors.ts";
import type { Coins } from "../../chain/framework/coins.ts";
import { Verdict, type TaskSpec } from "../../proto/trainchain/training_task/v1/generated.ts";
import { TrainingTaskErrors } from "./errors.ts";

const DENOM_RE = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;
const DECIMAL_RE = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;
export const HASH_BYTES = 32;
export const MAX_URI_LENGTH = 512;

/** A bech32 account address, or a training_task/2 error naming the field. */
export function checkAddress(field: string, address: string): Uint8Array {
  try {
    return fromBech32(address);
  } catch (err) {
    throw TrainingTaskErrors.InvalidAddress.wrap(`${field} ${quote(address)}: ${(err as Error).message}`);
  }
}

/** A strictly positive coin, or a training_task/3 error naming the field. */
export function checkPositiveCoin(field: string, coin: Coin | undefined): Coins {
  if (!coin) throw TrainingTaskErrors.InvalidAmount.wrap(`${field} is missing; expected e.g. 1000utrain`);
  if (!DENOM_RE.test(coin.denom)) throw TrainingTaskErrors.InvalidAmount.wrap(`${field} has invalid denom ${quote(coin.denom)}`);
  if (!/^-?[0-9]+$/.test(coin.amount)) throw TrainingTaskErrors.InvalidAmount.wrap(`${field} amount ${quote(coin.amount)} is not an integer`);
  const amount = BigInt(coin.amount);
  if (amount <= 0n) throw TrainingTaskErrors.InvalidAmount.wrap(`${field} must be positive, got ${coin.amount}${coin.denom}`);
  return { denom: coin.denom, amount };
}

function checkHash(field: string, hash: Uint8Array): void {
  if (hash.length !== HASH_BYTES) throw TrainingTaskErrors.InvalidSpec.wrap(`${field} must be a ${HASH_BYTES}-byte sha256, got ${hash.length} bytes`);
}

function checkUri(field: string, uri: string, required: boolean): void {
  if (required && uri === "") throw TrainingTaskErrors.InvalidSpec.wrap(`${field} is empty; give where the blob can be fetched`);
  if (uri.length > MAX_URI_LENGTH) throw TrainingTaskErrors.InvalidSpec.wrap(`${field} is ${uri.length} characters, at most ${MAX_URI_LENGTH}`);
}

/** Everything about a task spec that needs no state or params. */
export function validateTaskSpec(spec: TaskSpec | undefined): void {
  if (!spec) throw TrainingTaskErrors.InvalidSpec.wrap("spec is missing");
  if (spec.datasetId === 0n) throw TrainingTaskErrors.InvalidSpec.wrap("dataset_id must be set (ids start at 1)");
  checkHash("step_graph_hash", spec.stepGraphHash);
  checkHash("initial_checkpoint_hash", spec.initialCheckpointHash);
  checkHash("forward_graph_hash", spec.forwardGraphHash);
  checkUri("step_graph_uri", spec.stepGraphUri, false);
  checkUri("initial_checkpoint_uri", spec.initialCheckpointUri, false);
  checkUri("forward_graph_uri", spec.forwardGraphUri, false);
  const hp = spec.hyperParams;
  if (!hp) throw TrainingTaskErrors.InvalidSpec.wrap("hyper_params are missing");
  if (hp.batchSize < 1) throw TrainingTaskErrors.InvalidSpec.wrap(`batch_size must be ≥ 1, got ${hp.batchSize}`);
  if (!DECIMAL_RE.test(hp.learningRate) || /^0(\.0+)?$/.test(hp.learningRate)) {
    throw TrainingTaskErrors.InvalidSpec.wrap(`learning_rate ${quote(hp.learningRate)} must be a positive exact decimal such as "0.001"`);
  }
  if (!/^[a-z][a-z0-9_]{0,31}$/.test(hp.optimizer)) throw TrainingTaskErrors.InvalidSpec.wrap(`optimizer ${quote(hp.optimizer)} must be a lowercase name such as "sgd" or "adam"`);
  const np = spec.numerics;
  if (!np) throw TrainingTaskErrors.InvalidSpec.wrap("numerics profile is missing");
  if (np.executionProvider !== "cpu" && np.executionProvider !== "cuda") {
    throw TrainingTaskErrors.InvalidSpec.wrap(`execution_provider ${quote(np.executionProvider)} must be "cpu" or "cuda"`);
  }
  if (np.intraOpThreads < 1) throw TrainingTaskErrors.InvalidSpec.wrap(`intra_op_threads must be ≥ 1, got ${np.intraOpThreads}`);
  if (!["disabled", "basic", "extended", "all"].includes(np.graphOptimizationLevel)) {
    throw TrainingTaskErrors.InvalidSpec.wrap(`graph_optimization_level ${quote(np.graphOptimizationLevel)} must be disabled, basic, extended or all`);
  }
  if (!/^[0-9]+\.[0-9]+\.[0-9]+$/.test(np.onnxruntimeVersion)) {
    throw TrainingTaskErrors.InvalidSpec.wrap(`onnxruntime_version ${quote(np.onnxruntimeVersion)} must be a version such as "1.20.1"`);
  }
  if (spec.checkpointInterval < 1n) throw TrainingTaskErrors.InvalidSpec.wrap("checkpoint_interval must be ≥ 1");
  if (spec.segmentSteps < 1n) throw TrainingTaskErrors.InvalidSpec.wrap("segment_steps must be ≥ 1");
  if (spec.segmentSteps % spec.checkpointInterval !== 0n) {
    throw TrainingTaskErrors.StepsNotMultiple.wrap(`segment_steps ${spec.segmentSteps} is not a multiple of checkpoint_interval ${spec.checkpointInterval}`);
  }
  const intervals = spec.segmentSteps / spec.checkpointInterval;
  if (spec.samplesPerSegment < 1) throw TrainingTaskErrors.TooManySamples.wrap("samples_per_segment must be ≥ 1");
  if (BigInt(spec.samplesPerSegment) > intervals) {
    throw TrainingTaskErrors.TooManySamples.wrap(`samples_per_segment ${spec.samplesPerSegment} > ${intervals} intervals (segment_steps / checkpoint_interval)`);
  }
  if (spec.totalSegments < 1n) throw TrainingTaskErrors.InvalidSpec.wrap("total_segments must be ≥ 1");
  if (spec.tolerancePpb > 1_000_000_000n) throw TrainingTaskErrors.ToleranceOutOfRange.wrap(`tolerance_ppb ${spec.tolerancePpb} > 1000000000`);
  checkPositiveCoin("reward_per_segment", spec.rewardPerSegment);
  checkPositiveCoin("worker_bond", spec.workerBond);
  if (spec.verifyWindow < 1n) throw TrainingTaskErrors.InvalidSpec.wrap("verify_window must be ≥ 1 block");
  if (spec.claimTimeout < 1n) throw TrainingTaskErrors.InvalidSpec.wrap("claim_timeout must be ≥ 1 block");
  if (spec.flopsPerStep < 1n) throw TrainingTaskErrors.InvalidSpec.wrap("flops_per_step must be ≥ 1");
}

export function checkVerdict(verdict: number): void {
  if (verdict !== Verdict.VERDICT_VALID && verdict !== Verdict.VERDICT_INVALID && verdict !== Verdict.VERDICT_UNAVAILABLE) {
    throw TrainingTaskErrors.InvalidVote.wrap(`verdict ${verdict}: expected VALID (1), INVALID (2) or UNAVAILABLE (3)`);
  }
}

export function verdictName(verdict: number): string {
  return verdict === Verdict.VERDICT_VALID ? "VALID" : verdict === Verdict.VERDICT_INVALID ? "INVALID" : verdict === Verdict.VERDICT_UNAVAILABLE ? "UNAVAILABLE" : String(verdict);
}
