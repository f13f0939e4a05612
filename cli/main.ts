// The `trainchain` command: dispatches to subcommands; any error is one line on stderr, exit 1.
import { STOP_WITH_PARENT } from "./commands/devnet-roles.ts";
// Every command that signs or encodes Cosmos messages needs cosmjs-types' writer fixed for 64-bit
// values in [2^31, 2^32) (see proto-fast.ts), not only those that load the app.
import "../chain/framework/proto-fast.ts";

const USAGE = `usage: trainchain <command> [args] [flags]

commands:
  init <moniker> --chain-id <id>           create a node home (genesis, validator key)
  keys add|show|list                        manage keys (--keyring-backend test)
  genesis add-account|add-validator         edit genesis
  start                                     run the node (embedded block engine, RPC, API)
  start --abci tcp://127.0.0.1:26658        serve the app to a CometBFT node instead (or unix://PATH)
  cometbft export --out-dir CMTHOME         write CometBFT genesis.json and validator key files
  status                                    show the node's status
  tx bank send <from> <to> <amount>         send tokens
  query bank balances|total, auth account, tx <hash>
  model build|import|train|eval             build and train models locally
  dataset import                            import a dataset into the canonical shard format
  dataset register|show|list                register a dataset on chain, show or list datasets
  task create|show|list|export              post a training task (builds + uploads the model), follow it, export the model
  devnet [--home DIR] [--output json]       the whole system on one machine: node, verifier, 2 workers, MNIST task
  blobd --dir DIR                           run a standalone blob store (the node serves /blobs too)
  worker start --from KEY [--task ID]       train tasks and submit proofs (--device cuda|cpu, --blobs URL)
  verifier start --from VALIDATOR_KEY       re-execute challenged intervals and vote (--concurrency N)
  tx staking create-validator|bond|unbond   manage your validator's stake
  tx data-registry update|grant|revoke|deprecate
  query staking validators|validator|params|unbonding
  query data-registry dataset|datasets|has-access|grants

global flags: --home DIR (default ~/.trainchain), --node URL, --output text|json`;

type Command = (argv: string[]) => Promise<void>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  init: async () => (await import("./commands/chain.ts")).initCommand,
  keys: async () => (await import("./commands/chain.ts")).keysCommand,
  genesis: async () => (await import("./commands/chain.ts")).genesisCommand,
  start: async () => (await import("./commands/chain.ts")).startCommand,
  status: async () => (await import("./commands/chain.ts")).statusCommand,
  cometbft: async () => (await import("./commands/chain.ts")).cometbftCommand,
  tx: async () => (await import("./commands/txquery.ts")).txCommand,
  query: async () => (await import("./commands/txquery.ts")).queryCommand,
  q: async () => (await import("./commands/txquery.ts")).queryCommand,
  model: async () => (await import("./commands/model.ts")).modelCommand,
  blobd: async () => (await import("./commands/blobd.ts")).blobdCommand,
  task: async () => (await import("./commands/task-high.ts")).taskCommand,
  devnet: async () => (await import("./commands/devnet.ts")).devnetCommand,
  worker: async () => (await import("./commands/worker.ts")).workerCommand,
  verifier: async () => (await import("./commands/verifier.ts")).verifierCommand,
  dataset: async () => async (argv: string[]) => {
    const [action, ...rest] = argv;
    if (action === "import") return (await import("./commands/dataset-import.ts")).datasetImportCommand(rest);
    await (await import("./commands/dataset.ts")).datasetCommand(argv);
  },
};

export async function main(argv: string[]): Promise<void> {
  // a devnet role: when the devnet process dies (even by kill -9), stop as on SIGINT instead of lingering
  if (process.env[STOP_WITH_PARENT] === "1") {
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid === parent) return;
      clearInterval(watch);
      process.kill(process.pid, "SIGINT");
      setTimeout(() => process.exit(1), 15_000).unref();
    }, 1000);
    watch.unref();
  }
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(USAGE + "\n");
    return;
  }
  const load = COMMANDS[name];
  try {
    if (!load) throw new Error(`unknown command ${JSON.stringify(name)}; run \`trainchain help\` for the list`);
    const command = await load();
    await command(rest);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`Error: ${message.split("\n")[0]}\n`);
    process.exitCode = 1;
  }
}
