// The devnet's off-chain roles as their own processes — `trainchain worker start` and
// `trainchain verifier start`, the commands a user runs — so training, verification and the node
// each get a core. Their JSON log lines (stderr) are parsed for what the devnet reports.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import { TRAINING_NODE_FLAGS } from "../../worker/runtime/node-flags.ts";

const BIN = fileURLToPath(new URL("../bin.js", import.meta.url));

/** Set in a role's environment: the CLI stops itself (as on SIGINT) when its parent is gone. */
export const STOP_WITH_PARENT = "TRAINCHAIN_STOP_WITH_PARENT";

/** One pino record of a role's log. */
export type LogRecord = Record<string, unknown> & { level?: number; msg?: string };

export interface RoleProcess {
  readonly role: string;
  /** Exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** undefined while running, else the exit code (null when killed by a signal). */
  exitCode(): number | null | undefined;
  /** The last line that was not a log record (the CLI's one-line error), if any. */
  lastError(): string | undefined;
  /** SIGINT (the role finishes or abandons cleanly), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `trainchain <args>`; each log record goes to `onRecord`, warnings and errors also to `log`. */
export function spawnRole(role: string, args: string[], log: Logger, onRecord: (r: LogRecord) => void): RoleProcess {
  const env = { ...process.env, [STOP_WITH_PARENT]: "1" };
  // Roles train or verify: started with the training processes' V8 flags.
  const child: ChildProcess = spawn(process.execPath, [...TRAINING_NODE_FLAGS, BIN, ...args], { stdio: ["ignore", "ignore", "pipe"], env });
  let error: string | undefined;
  let code: number | null | undefined;
  let buffered = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line === "") continue;
      let record: LogRecord | undefined;
      try {
        const parsed = JSON.parse(line) as unknown;
        if (parsed !== null && typeof parsed === "object" && "msg" in parsed) record = parsed as LogRecord;
      } catch {
        // not a log record
      }
      if (!record) {
        error = line.replace(/^error:\s*/i, "");
        continue;
      }
      if ((record.level ?? 0) >= 50) log.error({ role, ...record }, String(record.msg));
      else if ((record.level ?? 0) >= 40) log.warn({ role, ...record }, String(record.msg));
      onRecord(record);
    }
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (c) => resolve((code = c)));
    child.once("error", (err) => {
      error = err.message;
      resolve((code = 1));
    });
  });
  return {
    role,
    exited,
    exitCode: () => code,
    lastError: () => error,
    async stop(graceMs = 10_000): Promise<void> {
      if (code !== undefined) return;
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
