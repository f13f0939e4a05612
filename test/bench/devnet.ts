// Devnet benchmark: the main devnet at default settings, its wall time and the share of it spent
// training versus chain and protocol overhead. Prints figures only.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { runDevnet } from "../../cli/commands/devnet.ts";
import { freePort } from "../helpers/chain.ts";

const home = mkdtempSync(join(tmpdir(), "trainchain-devnet-bench-"));
try {
  const summary = await runDevnet({
    home,
    rpcLaddr: `tcp://127.0.0.1:${await freePort()}`,
    apiLaddr: `tcp://127.0.0.1:${await freePort()}`,
    log: pino({ level: "warn" }),
  });
  const share = summary.training_seconds / summary.wall_seconds;
  console.log(`devnet: task ${summary.status}, ${summary.segments_accepted}/${summary.segments_total} segments accepted, test accuracy ${((summary.test_accuracy ?? 0) * 100).toFixed(2)}%`);
  console.log(`wall ${summary.wall_seconds} s; worker training ${summary.training_seconds} s = ${(share * 100).toFixed(1)}% of wall (target ≥ 90%)`);
  const steps = Number(summary.segment_steps) * summary.segments_accepted;
  if (steps > 0) console.log(`${steps} steps trained: ${((summary.training_seconds * 1000) / steps).toFixed(2)} ms per step inside the devnet (worker, node and verifier share the 2 cores)`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
