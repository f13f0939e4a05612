// `trainchain verifier start --from VALIDATOR_KEY [--node URL] [--blobs URL] [--concurrency 2] [--home DIR]`:
// re-executes challenged intervals and votes; refuses keys that do not operate a bonded validator.
import { pino } from "pino";
import { homeCacheDir } from "../../worker/proof/artifacts.ts";
import { startVerifier } from "../../worker/verifier/index.ts";
import { flagString, parseFlags, positionals, requireFlag, homeOf } from "../args.ts";
import { nodeUrl } from "../client.ts";
import { Keyring } from "../keyring.ts";
import { DEFAULT_BLOBS } from "./worker.ts";

const USAGE = "trainchain verifier start --from VALIDATOR_KEY [--node URL] [--blobs URL] [--concurrency 2] [--home DIR]";

export async function verifierCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action !== "start") throw new Error(`unknown verifier command ${JSON.stringify(action ?? "")}; usage: ${USAGE}`);
  const f = parseFlags(rest, { from: "string", node: "string", blobs: "string", concurrency: "string", home: "string", "keyring-backend": "string", "log-level": "string" }, "verifier start");
  positionals(f, 0, USAGE);
  const concurrency = flagString(f, "concurrency") ?? "2";
  if (!/^[1-9][0-9]*$/.test(concurrency)) throw new Error(`invalid --concurrency ${JSON.stringify(concurrency)}: expected a positive integer`);
  const home = homeOf(f);
  const keyring = Keyring.forHome(home, flagString(f, "keyring-backend"));
  const mnemonic = keyring.mnemonic(requireFlag(f, "from", "verifier start"));
  const log = pino({ level: flagString(f, "log-level") ?? "info" }, pino.destination(2));
  const handle = startVerifier({ rpc: nodeUrl(f), blobBase: flagString(f, "blobs") ?? DEFAULT_BLOBS, mnemonic, concurrency: Number(concurrency), log, cacheDir: homeCacheDir(home) });
  const onSignal = (signal: NodeJS.Signals): void => {
    log.info({ signal }, "stopping the verifier");
    void handle.stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await handle.ready;
    await handle.done;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
