// `npm run bench`: every benchmark in test/bench, one after another (figures only, no assertions).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TRAINING_NODE_FLAGS } from "../../worker/runtime/node-flags.ts";

const dir = dirname(fileURLToPath(import.meta.url));
// [file, args, node flags]: the training and verification benches run under the flags a
// worker's or verifier's process runs with (worker/runtime/node-flags.ts).
const benches: [string, string[], readonly string[]][] = [
  ["chain-throughput.ts", ["100000", "50"], []],
  ["training.ts", [], TRAINING_NODE_FLAGS],
  ["verification.ts", [], TRAINING_NODE_FLAGS],
  ["devnet.ts", [], []],
];
let failed = 0;
for (const [file, args, flags] of benches) {
  const path = join(dir, file);
  if (!existsSync(path)) continue;
  process.stdout.write(`\n=== ${file} ${args.join(" ")}\n`);
  const r = spawnSync(process.execPath, [...flags, "--import", "tsx", path, ...args], { stdio: "inherit" });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`${file} exited with ${r.status}\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
