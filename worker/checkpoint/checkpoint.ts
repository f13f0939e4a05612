// Training checkpoints: parameters + optimizer state + step as canonical safetensors, id = sha256
// of the bytes; the numerics profile lives in a sidecar JSON because canonical files carry no
// metadata.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import type { Float32Tensor, NumericsProfile, Tensor } from "../types.ts";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
import { canonicalJson } from "../data/canonical-json.ts";

/** Reserved tensor name holding the number of steps applied (int64 scalar, shape []). */
export const STEP_TENSOR = "step";

/** Parameters and optimizer state after `step` optimizer steps. */
export interface Checkpoint {
  step: bigint;
  /** Parameters and optimizer state tensors by name (`w`, `w.m`, `w.v`, …), all float32. */
  tensors: Map<string, Float32Tensor>;
}

/** Lowercase hex sha256 of a checkpoint's bytes: its content id. */
export function checkpointId(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Canonical safetensors bytes of a checkpoint. */
export function encodeCheckpoint(ckpt: Checkpoint): Uint8Array {
  if (ckpt.step < 0n || ckpt.step > 0x7fffffffffffffffn) throw new Error(`checkpoint: step ${ckpt.step} out of int64 range; expected 0 ≤ step < 2^63`);
  if (ckpt.tensors.has(STEP_TENSOR)) throw new Error(`checkpoint: tensor name "${STEP_TENSOR}" is reserved for the step counter`);
  const all = new Map<string, Tensor>(ckpt.tensors);
  for (const [name, t] of ckpt.tensors) {
    if (!(t.data instanceof Float32Array)) throw new Error(`checkpoint: tensor ${name} is not float32; parameters and optimizer state must be float32`);
  }
  all.set(STEP_TENSOR, { dims: [], data: BigInt64Array.of(ckpt.step) });
  return encodeSafetensors(all);
}

/** Decode and validate a checkpoint (strict canonical form; see worker/checkpoint/README.md). */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  const raw = decodeSafetensors(bytes, "checkpoint");
  const stepT = raw.get(STEP_TENSOR);
  if (stepT === undefined) throw new Error(`checkpoint: no "${STEP_TENSOR}" tensor; expected an int64 scalar step counter`);
  if (!(stepT.data instanceof BigInt64Array) || stepT.dims.length !== 0) {
    throw new Error(`checkpoint: "${STEP_TENSOR}" must be an int64 scalar (shape []), got shape [${stepT.dims.join(",")}]`);
  }
  const step = stepT.data[0] as bigint;
  if (step < 0n) throw new Error(`checkpoint: step is ${step}; expected ≥ 0`);
  const tensors = new Map<string, Float32Tensor>();
  for (const [name, t] of raw) {
    if (name === STEP_TENSOR) continue;
    if (!(t.data instanceof Float32Array)) throw new Error(`checkpoint: tensor ${name} is not F32; parameters and optimizer state must be float32`);
    tensors.set(name, t as Float32Tensor);
  }
  return { step, tensors };
}

/** Throws `hash mismatch: expected …, got …` unless sha256(bytes) is `expectedId`. */
export function verifyCheckpointBytes(bytes: Uint8Array, expectedId: string): void {
  const got = checkpointId(bytes);
  if (got !== expectedId.toLowerCase()) throw new Error(`checkpoint hash mismatch: expected ${expectedId.toLowerCase()}, got ${got}`);
}

/** Sidecar written next to `<name>.safetensors` as `<name>.profile.json` (canonical JSON). */
export interface CheckpointSidecar {
  /** sha256 of the checkpoint file this sidecar describes; a stale sidecar is detected by it. */
  checkpoint: string;
  /** Decimal string; int64 does not fit JSON numbers. */
  step: string;
  profile: NumericsProfile;
}

export function sidecarPath(checkpointPath: string): string {
  return checkpointPath.replace(/\.safetensors$/, "") + ".profile.json";
}

/** Write `<path>` (must end in .safetensors) and its profile sidecar; returns the checkpoint id. */
export function saveCheckpoint(path: string, ckpt: Checkpoint, profile: NumericsProfile): { id: string; bytes: Uint8Array } {
  if (!path.endsWith(".safetensors")) throw new Error(`checkpoint path ${path} must end in .safetensors`);
  const bytes = encodeCheckpoint(ckpt);
  const id = checkpointId(bytes);
  const sidecar: CheckpointSidecar = { checkpoint: id, step: ckpt.step.toString(), profile };
  // Write-then-rename so a crash never leaves a half-written checkpoint under its final name.
  writeFileSync(path + ".tmp", bytes);
  renameSync(path + ".tmp", path);
  writeFileSync(sidecarPath(path), canonicalJson({ ...sidecar, profile: { ...profile } }) + "\n");
  return { id, bytes };
}

export interface LoadedCheckpoint {
  id: string;
  checkpoint: Checkpoint;
  /** The profile recorded beside it, when a sidecar exists and names this file's id. */
  profile?: NumericsProfile;
}

/** Read, hash-check (when `expectedId` is given) and decode a checkpoint file. */
export function loadCheckpoint(path: string, expectedId?: string): LoadedCheckpoint {
  const bytes = readFileSync(path);
  const id = checkpointId(bytes);
  if (expectedId !== undefined && id !== expectedId.toLowerCase()) {
    throw new Error(`checkpoint ${path}: hash mismatch: expected ${expectedId.toLowerCase()}, got ${id}`);
  }
  const checkpoint = decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const side = sidecarPath(path);
  let profile: NumericsProfile | undefined;
  if (existsSync(side)) {
    const parsed = JSON.parse(readFileSync(side, "utf8")) as Partial<CheckpointSidecar>;
    if (parsed.checkpoint !== id) throw new Error(`checkpoint sidecar ${side} describes ${String(parsed.checkpoint)}, not ${id}; stale sidecar`);
    profile = parsed.profile;
  }
  return { id, checkpoint, profile };
}
