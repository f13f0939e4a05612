// Node commands: init, keys, genesis, start (embedded engine or --abci for CometBFT), status, cometbft export.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { pino, type Logger } from "pino";
import { flagBool, flagString, homeOf, parseFlags, positionals, printResult, requireFlag } from "../args.ts";
import { Keyring } from "../keyring.ts";
import { defaultAppConfig, homePaths, parseDuration, parseGasPrices, parseListenAddress, type AppConfig } from "../../chain/node/config.ts";
import { defaultConsensusParams, readGenesis, validateChainId, writeGenesis, type GenesisDoc } from "../../chain/node/genesis.ts";
import { generateValidatorKey, readValidatorKey, writeValidatorKey } from "../../chain/node/validator-key.ts";
import { parseCoinsString } from "../../chain/framework/coins.ts";
import { fromBech32 } from "../../chain/framework/address.ts";
import { defaultAuthGenesis, type AuthGenesis } from "../../modules/auth/index.ts";
import { defaultBankGenesis, type BankGenesis } from "../../modules/bank/index.ts";
import { defaultStakingGenesis, type StakingGenesis } from "../../modules/staking/index.ts";
import { Node } from "../../chain/node/node.ts";
import { TrainchainApp } from "../../chain/app.ts";
import { connectComet } from "../client.ts";
import { parseAbciAddress } from "../../chain/abci/address.ts";
import { serveAbci } from "../../chain/abci/serve.ts";
import { exportCometbftHome } from "../../chain/abci/cometbft.ts";
import { nodeBlobRoutes } from "../../chain/blobs/index.ts";
import { parseByteSize } from "./blobd.ts";

export async function initCommand(argv: string[]): Promise<void> {
  const f = parseFlags(argv, { "chain-id": "string", home: "string", overwrite: "boolean", output: "string", o: "string" }, "init");
  const [moniker] = positionals(f, 1, "trainchain init <moniker> --chain-id <id> [--home DIR]");
  const chainId = flagString(f, "chain-id") ?? `trainchain-${Math.floor(Math.random() * 1e6)}`;
  validateChainId(chainId);
  const home = homeOf(f);
  const paths = homePaths(home);
  if (existsSync(paths.genesis) && !flagBool(f, "overwrite")) throw new Error(`genesis already exists at ${paths.genesis}; use --overwrite to replace it`);
  mkdirSync(paths.config, { recursive: true });
  mkdirSync(paths.data, { recursive: true });
  if (!existsSync(paths.privValidatorKey)) writeValidatorKey(paths.privValidatorKey, generateValidatorKey());
  if (!existsSync(paths.nodeKey)) writeValidatorKey(paths.nodeKey, generateValidatorKey());
  const genesis: GenesisDoc = {
    genesis_time: new Date().toISOString(),
    chain_id: chainId,
    initial_height: "1",
    consensus_params: defaultConsensusParams(),
    app_hash: "",
    app_state: TrainchainApp.defaultAppState(pino({ enabled: false })),
  };
  writeGenesis(paths.genesis, genesis);
  writeFileSync(paths.appConfig, JSON.stringify(defaultAppConfig(moniker!), null, 2) + "\n");
  const key = readValidatorKey(paths.privValidatorKey);
  printResult(f, { moniker, chain_id: chainId, home, validator_address: Buffer.from(key.address).toString("hex").toUpperCase() }, `initialized ${moniker} for chain ${chainId} in ${home}`);
}

export async function keysCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  const spec = { home: "string", "keyring-backend": "string", recover: "boolean", a: "boolean", address: "boolean", output: "string", o: "string" } as const;
  const f = parseFlags(rest, spec, `keys ${action ?? ""}`);
  const keyring = Keyring.forHome(homeOf(f), flagString(f, "keyring-backend"));
  switch (action) {
    case "add": {
      const [name] = positionals(f, 1, "trainchain keys add <name> [--recover] --keyring-backend test");
      let mnemonic: string | undefined;
      if (flagBool(f, "recover")) {
        mnemonic = readFileSync(0, "utf8").trim();
        if (!mnemonic) throw new Error("--recover reads a mnemonic from stdin, but stdin was empty");
      }
      const { info, mnemonic: words } = await keyring.add(name!, mnemonic);
      printResult(f, { ...info, ...(mnemonic ? {} : { mnemonic: words }) }, `- address: ${info.address}\n  name: ${info.name}\n  pubkey: ${info.pubkey}${mnemonic ? "" : `\n\n**Write this mnemonic phrase in a safe place.**\n\n${words}`}`);
      return;
    }
    case "show": {
      const [name] = positionals(f, 1, "trainchain keys show <name> [-a]");
      const info = keyring.show(name!);
      if (flagBool(f, "a") || flagBool(f, "address")) process.stdout.write(info.address + "\n");
      else printResult(f, info, `- address: ${info.address}\n  name: ${info.name}\n  pubkey: ${info.pubkey}`);
      return;
    }
    case "list": {
      positionals(f, 0, "trainchain keys list");
      const keys = keyring.list();
      printResult(f, keys, keys.map((k) => `- name: ${k.name}\n  address: ${k.address}`).join("\n") || "no keys");
      return;
    }
    default:
      throw new Error(`unknown keys command ${JSON.stringify(action ?? "")}; expected add, show or list`);
  }
}

export async function genesisCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  const f = parseFlags(rest, { home: "string", "keyring-backend": "string", moniker: "string", output: "string", o: "string" }, `genesis ${action ?? ""}`);
  const home = homeOf(f);
  const paths = homePaths(home);
  const genesis = readGenesis(paths.genesis);
  const auth = (genesis.app_state.auth ?? defaultAuthGenesis()) as AuthGenesis;
  const bank = (genesis.app_state.bank ?? defaultBankGenesis()) as BankGenesis;
  const staking = (genesis.app_state.staking ?? defaultStakingGenesis()) as StakingGenesis;
  const keyring = Keyring.forHome(home, flagString(f, "keyring-backend"));
  switch (action) {
    case "add-account": {
      const [who, coinsArg] = positionals(f, 2, "trainchain genesis add-account <address|key> <coins>");
      const address = keyring.resolveAddress(who!);
      const coins = parseCoinsString(coinsArg!);
      if (coins.length === 0 || coins.some((c) => c.amount <= 0n)) throw new Error(`invalid coins ${JSON.stringify(coinsArg)}: amounts must be positive`);
      if (auth.accounts.some((a) => a.address === address)) throw new Error(`account ${address} is already in genesis`);
      auth.accounts.push({ address });
      bank.balances.push({ address, coins: coins.map((c) => ({ denom: c.denom, amount: c.amount.toString() })) });
      bank.supply = [];
      break;
    }
    case "add-validator": {
      const [keyName, stakeArg] = positionals(f, 2, "trainchain genesis add-validator <key> <stake>");
      const operator = keyring.resolveAddress(keyName!);
      fromBech32(operator);
      const stake = parseCoinsString(stakeArg!);
      const denom = staking.params.bond_denom;
      if (stake.length !== 1 || stake[0]!.denom !== denom || stake[0]!.amount <= 0n) throw new Error(`invalid stake ${JSON.stringify(stakeArg)}: expected a positive amount of ${denom}, e.g. 100000000${denom}`);
      const balance = bank.balances.find((b) => b.address === operator)?.coins.find((c) => c.denom === denom);
      if (!balance || BigInt(balance.amount) < stake[0]!.amount) {
        throw new Error(`account ${operator} holds ${balance?.amount ?? 0}${denom} in genesis, less than the stake ${stakeArg}: run genesis add-account first`);
      }
      const key = readValidatorKey(paths.privValidatorKey);
      const pub = Buffer.from(key.pubKey).toString("base64");
      if (staking.validators.some((v) => v.consensus_pubkey === pub || v.operator === operator)) throw new Error(`a genesis validator already uses this node's consensus key or operator ${operator}`);
      const cfg = readAppConfig(home);
      staking.validators.push({ operator, consensus_pubkey: pub, moniker: flagString(f, "moniker") ?? cfg.moniker, tokens: stake[0]!.amount.toString() });
      break;
    }
    default:
      throw new Error(`unknown genesis command ${JSON.stringify(action ?? "")}; expected add-account or add-validator`);
  }
  genesis.app_state = { ...genesis.app_state, auth, bank, staking };
  writeGenesis(paths.genesis, genesis);
  printResult(f, { ok: true }, `updated ${paths.genesis}`);
}

export function readAppConfig(home: string): AppConfig {
  const path = homePaths(home).appConfig;
  if (!existsSync(path)) return defaultAppConfig("node");
  try {
    return { ...defaultAppConfig("node"), ...(JSON.parse(readFileSync(path, "utf8")) as Partial<AppConfig>) };
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
}

export async function startCommand(argv: string[]): Promise<void> {
  const f = parseFlags(
    argv,
    { home: "string", "rpc.laddr": "string", "api.laddr": "string", "block-time": "string", "minimum-gas-prices": "string", abci: "string", "abci-loopback": "string", "log-level": "string", "blobs.dir": "string", "blobs.max-bytes": "string" },
    "start",
  );
  positionals(f, 0, "trainchain start [--home DIR] [--abci tcp://127.0.0.1:26658|unix://PATH]");
  const home = homeOf(f);
  const cfg = readAppConfig(home);
  const minGasPrices = flagString(f, "minimum-gas-prices") ?? cfg.minimum_gas_prices;
  parseGasPrices(minGasPrices);
  const logger = pino({ level: flagString(f, "log-level") ?? "info" });
  const abciAddress = flagString(f, "abci");
  if (abciAddress !== undefined) {
    // the app alone, for a CometBFT node: no engine, no RPC/API (CometBFT serves RPC)
    parseAbciAddress(abciAddress);
    if (flagString(f, "abci-loopback") !== undefined) throw new Error("--abci and --abci-loopback exclude each other: --abci serves CometBFT, --abci-loopback is the embedded engine's test mode");
    const served = await serveAbci({ home, address: abciAddress, minGasPrices, logger });
    stopOnSignals(logger, () => served.close());
    return;
  }
  const rpcLaddr = flagString(f, "rpc.laddr") ?? cfg.rpc_laddr;
  const apiLaddr = flagString(f, "api.laddr") ?? cfg.api_laddr;
  parseListenAddress(rpcLaddr);
  parseListenAddress(apiLaddr);
  const blockTimeMs = parseDuration(flagString(f, "block-time") ?? cfg.block_time);
  // hidden test mode: the embedded engine drives the app over an ABCI socket at this address
  const abciLoopback = flagString(f, "abci-loopback");
  if (abciLoopback !== undefined) parseAbciAddress(abciLoopback);
  const blobsDir = flagString(f, "blobs.dir");
  const blobsMax = flagString(f, "blobs.max-bytes");
  let opened: Node | undefined;
  const apiRoutes = nodeBlobRoutes(
    { home, logger: logger.child({ module: "blobs" }), ...(blobsDir !== undefined ? { dir: blobsDir } : {}), ...(blobsMax !== undefined ? { maxBlobBytes: parseByteSize(blobsMax, "--blobs.max-bytes") } : {}) },
    () => {
      if (!opened) throw new Error("node not open");
      return opened;
    },
  );
  const node = await Node.open({ home, rpcLaddr, apiLaddr, blockTimeMs, minGasPrices, moniker: cfg.moniker, logger, apiRoutes, ...(abciLoopback !== undefined ? { abciLoopback } : {}) });
  opened = node;
  stopOnSignals(logger, () => node.stop());
  await node.start();
}

/** Stops cleanly on SIGINT/SIGTERM: exit 0 once `stop` resolves, 1 if it fails. */
function stopOnSignals(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    stop().then(
      () => process.exit(0),
      (err: Error) => {
        logger.error({ err: err.message }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

/** `trainchain cometbft export --home DIR --out-dir CMTHOME`: CometBFT genesis and validator key files. */
export async function cometbftCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action !== "export") throw new Error(`unknown cometbft command ${JSON.stringify(action ?? "")}; expected export`);
  const f = parseFlags(rest, { home: "string", "out-dir": "string", output: "string", o: "string" }, "cometbft export");
  positionals(f, 0, "trainchain cometbft export --home DIR --out-dir CMTHOME");
  const outDir = requireFlag(f, "out-dir", "cometbft export");
  const res = exportCometbftHome(homeOf(f), outDir);
  const notes = [
    `wrote ${res.genesis} and ${res.privValidatorKey}`,
    res.wroteState ? `wrote ${res.privValidatorState}` : `kept the existing ${res.privValidatorState} (signing state)`,
    ...(res.genesisValidator ? [] : ["note: this home's consensus key is not a genesis validator; CometBFT will run it as a full node"]),
  ];
  printResult(f, res, notes.join("\n"));
}

export async function statusCommand(argv: string[]): Promise<void> {
  const f = parseFlags(argv, { node: "string", output: "string", o: "string" }, "status");
  const comet = await connectComet(f);
  const status = await comet.status();
  comet.disconnect();
  const json = {
    node_info: { network: status.nodeInfo.network, version: status.nodeInfo.version, moniker: status.nodeInfo.moniker },
    sync_info: {
      latest_block_height: String(status.syncInfo.latestBlockHeight),
      latest_block_hash: Buffer.from(status.syncInfo.latestBlockHash).toString("hex").toUpperCase(),
      latest_app_hash: Buffer.from(status.syncInfo.latestAppHash).toString("hex").toUpperCase(),
      latest_block_time: status.syncInfo.latestBlockTime.toISOString(),
      catching_up: status.syncInfo.catchingUp,
    },
  };
  printResult(f, json, `chain ${json.node_info.network} at height ${json.sync_info.latest_block_height} (app hash ${json.sync_info.latest_app_hash})`);
}
