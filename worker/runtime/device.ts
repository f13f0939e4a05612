// Sessions under a numerics profile: the ORT options that make a step reproducible, the CUDA →
// CPU fallback (ORT throws instead of falling back) and the onnxruntime version check.
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as ort from "onnxruntime-node";
import type { NumericsProfile } from "../types.ts";

/** The installed onnxruntime-node version; recorded in every profile this process creates. */
export const ORT_VERSION: string = ort.env.versions.node ?? ort.env.versions.common;

const OPT_LEVELS: readonly NumericsProfile["graphOptimizationLevel"][] = ["disabled", "basic", "extended", "all"];

export type WarnFn = (line: string) => void;

const stderrWarn: WarnFn = (line) => {
  process.stderr.write(line + "\n");
};

/**
 * The default profile: CPU, 1 intra-op thread (ORT's own default is the core count, which would
 * make results depend on the machine), full graph optimisation, the installed ORT version.
 */
export function defaultProfile(overrides: Partial<NumericsProfile> = {}): NumericsProfile {
  return checkProfileShape({
    executionProvider: "cpu",
    intraOpThreads: 1,
    graphOptimizationLevel: "all",
    ortVersion: ORT_VERSION,
    ...overrides,
  });
}

/** Validate a profile's fields (from JSON, a task, a CLI flag); returns it unchanged. */
export function checkProfileShape(p: NumericsProfile): NumericsProfile {
  if (p.executionProvider !== "cpu" && p.executionProvider !== "cuda") {
    throw new Error(`numerics profile: execution provider "${String(p.executionProvider)}"; expected "cpu" or "cuda"`);
  }
  if (!Number.isSafeInteger(p.intraOpThreads) || p.intraOpThreads < 1 || p.intraOpThreads > 256) {
    throw new Error(`numerics profile: intraOpThreads ${String(p.intraOpThreads)}; expected an integer 1..256 (0/"auto" is not reproducible)`);
  }
  if (!OPT_LEVELS.includes(p.graphOptimizationLevel)) {
    throw new Error(`numerics profile: graphOptimizationLevel "${String(p.graphOptimizationLevel)}"; expected one of ${OPT_LEVELS.join(", ")}`);
  }
  if (typeof p.ortVersion !== "string" || !/^\d+\.\d+\.\d+/.test(p.ortVersion)) {
    throw new Error(`numerics profile: ortVersion "${String(p.ortVersion)}"; expected a version like "${ORT_VERSION}"`);
  }
  return p;
}

export type VersionPolicy = "refuse" | "warn";

/**
 * A profile recorded under another onnxruntime version may not reproduce bit-for-bit (kernels
 * change between releases): refuse it (verification), or warn once (local experiments).
 */
export function checkProfileVersion(p: NumericsProfile, policy: VersionPolicy = "refuse", warn: WarnFn = stderrWarn): void {
  if (p.ortVersion === ORT_VERSION) return;
  const msg = `numerics profile was recorded with onnxruntime ${p.ortVersion} but ${ORT_VERSION} is installed; steps may not be bit-identical`;
  if (policy === "refuse") throw new Error(`${msg} (install onnxruntime-node@${p.ortVersion} or use a profile for ${ORT_VERSION})`);
  warn(`warning: ${msg}`);
}

function sessionOptions(p: NumericsProfile, provider: "cpu" | "cuda"): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: provider === "cuda" ? ["cuda", "cpu"] : ["cpu"],
    intraOpNumThreads: p.intraOpThreads,
    // One op at a time: inter-op parallelism adds scheduling, not numerics, but keep it fixed.
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: p.graphOptimizationLevel,
    // Errors still throw; ORT's log lines would duplicate them (and, for a missing CUDA provider,
    // spam a multi-line error where we print one warning).
    logSeverityLevel: provider === "cuda" ? 4 : 3,
  };
}

/**
 * Why CUDA cannot work without trying, if that can be told from the files: onnxruntime-node loads
 * the provider from a shared library next to its binding (installed only with
 * `--onnxruntime-node-install=cuda12`). Checking first avoids ORT's multi-line error log.
 */
function missingCudaProvider(): string | undefined {
  try {
    const pkg = dirname(createRequire(import.meta.url).resolve("onnxruntime-node/package.json"));
    const binRoot = join(pkg, "bin");
    for (const napi of readdirSync(binRoot)) {
      const dir = join(binRoot, napi, process.platform, process.arch);
      if (!existsSync(dir)) continue;
      const libs = readdirSync(dir);
      if (libs.some((f) => /onnxruntime_providers_cuda\.(so|dll)/.test(f))) return undefined;
      return `no onnxruntime_providers_cuda library in ${dir}; install onnxruntime-node with --onnxruntime-node-install=cuda12`;
    }
  } catch {
    // Unknown layout: let session creation decide.
  }
  return undefined;
}

// Once CUDA failed in this process, later sessions go straight to CPU: one warning, one attempt.
let cudaFailure: string | undefined;

export interface DeviceSession {
  session: ort.InferenceSession;
  /** The profile the session really runs under (executionProvider "cpu" after a fallback). */
  profile: NumericsProfile;
}

export interface SessionOpts {
  warn?: WarnFn;
  versionPolicy?: VersionPolicy;
}

/** Create a session for `model` under `profile`, falling back from CUDA to CPU with one warning. */
export async function createDeviceSession(model: Uint8Array, profile: NumericsProfile, opts: SessionOpts = {}): Promise<DeviceSession> {
  checkProfileShape(profile);
  const warn = opts.warn ?? stderrWarn;
  checkProfileVersion(profile, opts.versionPolicy ?? "refuse", warn);
  if (profile.executionProvider === "cuda" && cudaFailure === undefined) {
    const missing = missingCudaProvider();
    if (missing !== undefined) {
      cudaFailure = missing;
      warn(`warning: CUDA execution provider unavailable (${cudaFailure}); falling back to CPU with ${profile.intraOpThreads} thread(s)`);
    }
  }
  if (profile.executionProvider === "cuda" && cudaFailure === undefined) {
    try {
      const session = await ort.InferenceSession.create(model, sessionOptions(profile, "cuda"));
      return { session, profile };
    } catch (e) {
      const message = (e as Error).message;
      // Only a missing/broken provider is a reason to fall back; a bad model must still throw.
      if (!/cuda|provider|shared library/i.test(message)) throw e;
      // ORT appends a colourised multi-line log to the message; keep the first clause.
      cudaFailure = message.split(/\x1b|\n/)[0]?.trim() ?? "unknown error";
      warn(`warning: CUDA execution provider unavailable (${cudaFailure}); falling back to CPU with ${profile.intraOpThreads} thread(s)`);
    }
  }
  const cpuProfile: NumericsProfile = { ...profile, executionProvider: "cpu" };
  const session = await ort.InferenceSession.create(model, sessionOptions(cpuProfile, "cpu"));
  return { session, profile: cpuProfile };
}

/** For tests: forget a previous CUDA failure so the fallback path runs again. */
export function resetCudaFallbackForTests(): void {
  cudaFailure = undefined;
}
