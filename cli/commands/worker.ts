// `trainchain worker start --from KEY [--device cuda|cpu] [--task ID] [--node URL] [--blobs URL] [--home DIR]`:
// the training worker. Ctrl-C finishes the current interval and abandons the segment (or completes
// it when near the end); a second Ctrl-C quits at once.
import { pino } from "pino";
import { homeCacheDir } from "../../worker/proof/artifacts.ts";
import { startWorker } from "../../worker/miner/index.ts";
import { flagString, parseFlags, positionals, requireFlag, homeOf } from "../args.ts";
import { nodeUrl } from "../client.ts";
import { Keyring } from "../keyring.ts";

export const DEFAULT_BLOBS = "http://127.0.0.1:1317";
const USAGE = "trainchain worker start --from KEY [--device cuda|cpu] [--task ID] [--node URL] [--blobs URL] [--home DIR]";

export async function workerCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action !== "start") throw new Error(`unknown worker command ${JSON.stringify(action ?? "")}; usage: ${USAGE}`);
  const f = parseFlags(
    rest,
    { from: "string", device: "string", task: "string", node: "string", blobs: "string", home: "string", "keyring-backend": "string", "log-level": "string", "max-segments": "string" },
    "worker start",
  );
  positionals(f, 0, USAGE);
  const device = flagString(f, "device") ?? "cpu";
  if (device !== "cpu" && device !== "cuda") throw new Error(`invalid --device ${JSON.stringify(device)}: expected cpu or cuda`);
  const task = flagString(f, "task");
  if (task !== undefined && !/^[1-9][0-9]*$/.test(task)) throw new Error(`invalid --task ${JSON.stringify(task)}: expected a task id (a positive integer)`);
  const maxSegments = flagString(f, "max-segments");
  if (maxSegments !== undefined && !/^[1-9][0-9]*$/.test(maxSegments)) throw new Error(`invalid --max-segments ${JSON.stringify(maxSegments)}: expected a positive integer`);
  const home = homeOf(f);
  const keyring = Keyring.forHome(home, flagString(f, "keyring-backend"));
  const mnemonic = keyring.mnemonic(requireFlag(f, "from", "worker start"));
  const log = pino({ level: flagString(f, "log-level") ?? "info" }, pino.destination(2));
  const handle = startWorker({
    rpc: nodeUrl(f),
    blobBase: flagString(f, "blobs") ?? DEFAULT_BLOBS,
    mnemonic,
    device,
    log,
    cacheDir: homeCacheDir(home),
    ...(task !== undefined ? { taskId: BigInt(task) } : {}),
    ...(maxSegments !== undefined ? { maxSegments: Number(maxSegments) } : {}),
  });
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    log.info({ signal }, "stopping: finishing the current interval (Ctrl-C again to quit now)");
    void handle.stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await handle.done;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
