// `npm run bench`: every benchmark in test/bench, one after another (figures only, no assertions).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = dirname(fileURLToPath(import.meta.url));
const benches: [string, string[]][] = [
  ["chain-throughput.ts", ["100000", "50"]],
  ["training.ts", []],
  ["verification.ts", []],
  ["devnet.ts", []],
];
let failed = 0;
for (const [file, args] of benches) {
  const path = join(dir, file);
  if (!existsSync(path)) continue;
  process.stdout.write(`\n=== ${file} ${args.join(" ")}\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", path, ...args], { stdio: "inherit" });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`${file} exited with ${r.status}\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
