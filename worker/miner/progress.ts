// A one-line progress bar on a TTY stream (stderr), redrawn at most every 100 ms.
import type { WorkerProgress } from "./types.ts";

const WIDTH = 24;

function bar(done: number, total: number): string {
  const filled = total > 0 ? Math.min(WIDTH, Math.round((done / total) * WIDTH)) : 0;
  return `[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}]`;
}

/** Renders worker progress as a single updating line; other phases print a line of their own. */
export function createProgressBar(stream: NodeJS.WriteStream): (e: WorkerProgress) => void {
  let last = 0;
  let open = false;
  const line = (text: string, final: boolean): void => {
    stream.write(`\r\x1b[2K${text}${final ? "\n" : ""}`);
    open = !final;
  };
  return (e) => {
    const where = e.taskId !== undefined ? `task ${e.taskId} segment ${e.segment ?? "?"}` : "";
    if (e.phase === "training") {
      const now = Date.now();
      if (now - last < 100 && e.step !== e.steps) return;
      last = now;
      const pct = e.steps ? Math.floor(((e.step ?? 0) / e.steps) * 100) : 0;
      const loss = e.loss !== undefined ? ` loss ${e.loss.toFixed(4)}` : "";
      line(`${where} ${bar(e.step ?? 0, e.steps ?? 0)} ${pct}% step ${e.step}/${e.steps} interval ${e.interval ?? 0}/${e.intervals ?? 0}${loss}`, false);
      return;
    }
    if (e.phase === "idle") {
      if (open) line("", false);
      return;
    }
    const detail =
      e.phase === "claimed" ? "claimed" :
      e.phase === "uploading" ? "uploading checkpoints" :
      e.phase === "submitted" ? `proof ${e.proofId} submitted; waiting for the verdict` :
      e.phase === "verdict" ? `proof ${e.proofId} ${e.outcome}` :
      e.phase === "abandoned" ? "abandoned" :
      "fetching task artifacts";
    line(`${where}: ${detail}`, e.phase !== "uploading" && e.phase !== "fetching");
  };
}
