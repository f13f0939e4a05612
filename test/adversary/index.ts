// Test-only cheating workers (never reachable from the CLI): the normal worker with a strategy hook.
import { startWorker, type WorkerHandle, type WorkerOptions } from "../../worker/miner/index.ts";
import type { SegmentStrategy } from "../../worker/miner/types.ts";

export { copyStart, perturbOne, wrongData, replayOther, withholdBlobs, simulatedCheat, CHEAT_KINDS } from "./strategies.ts";
export type { CheatKind } from "./strategies.ts";

/** A worker that produces its checkpoints with `strategy`. */
export function startAdversary(options: WorkerOptions, strategy: SegmentStrategy): WorkerHandle {
  return startWorker(options, { strategy });
}
