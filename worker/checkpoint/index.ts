// Public API of the checkpoint package.
export { encodeSafetensors, decodeSafetensors, dtypeOf } from "./safetensors.ts";
export type { SafetensorsDtype } from "./safetensors.ts";
export {
  STEP_TENSOR,
  checkpointId,
  encodeCheckpoint,
  decodeCheckpoint,
  verifyCheckpointBytes,
  saveCheckpoint,
  loadCheckpoint,
  sidecarPath,
} from "./checkpoint.ts";
export type { Checkpoint, CheckpointSidecar, LoadedCheckpoint } from "./checkpoint.ts";
