// Test helpers: build a node home with funded keys (through the CLI's own code paths) and run the
// node as a real child process on loopback ports.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { genesisCommand, initCommand } from "../../cli/commands/chain.ts";
import { Keyring } from "../../cli/keyring.ts";
import { withResultSink } from "../../cli/args.ts";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BIN = join(ROOT, "cli", "bin.js");

export interface TestKey {
  name: string;
  address: string;
  mnemonic: string;
}

export interface TestHome {
  home: string;
  chainId: string;
  keys: TestKey[];
  cleanup(): void;
}

// Command output is dropped through the CLI's result sink; the test runner's stdout is untouched.
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  return withResultSink(() => undefined, fn);
}

/** A node home: validator key "val" (bonded), plus `accounts` funded keys named k0…kN-1. */
export async function makeHome(options: { chainId?: string; accounts?: number; balance?: string; mnemonics?: string[] } = {}): Promise<TestHome> {
  const home = mkdtempSync(join(tmpdir(), "trainchain-test-"));
  const chainId = options.chainId ?? "test-chain";
  const keyring = new Keyring(join(home, "keyring-test"));
  const keys: TestKey[] = [];
  await quietly(async () => {
    await initCommand(["val", "--chain-id", chainId, "--home", home]);
    const names = ["val", ...Array.from({ length: options.accounts ?? 2 }, (_, i) => `k${i}`)];
    for (let i = 0; i < names.length; i++) {
      const given = options.mnemonics?.[i];
      const { info, mnemonic } = await keyring.add(names[i]!, given);
      keys.push({ name: names[i]!, address: info.address, mnemonic });
      await genesisCommand(["add-account", info.address, options.balance ?? "1000000000000utrain", "--home", home]);
    }
    await genesisCommand(["add-validator", "val", "100000000utrain", "--home", home, "--keyring-backend", "test"]);
  });
  return { home, chainId, keys, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export interface RunningNode {
  rpc: string;
  api: string;
  proc: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

export async function startNode(home: string, options: { blockTime?: string; minGasPrices?: string; extraArgs?: string[]; env?: Record<string, string>; nodeArgs?: string[]; ports?: { rpc: number; api: number } } = {}): Promise<RunningNode> {
  // fixed ports let a test restart a node where its clients expect it
  const rpcPort = options.ports?.rpc ?? (await freePort());
  const apiPort = options.ports?.api ?? (await freePort());
  const args = [
    ...(options.nodeArgs ?? []),
    BIN,
    "start",
    "--home",
    home,
    "--rpc.laddr",
    `tcp://127.0.0.1:${rpcPort}`,
    "--api.laddr",
    `tcp://127.0.0.1:${apiPort}`,
    "--block-time",
    options.blockTime ?? "200ms",
    "--log-level",
    "warn",
    ...(options.minGasPrices !== undefined ? ["--minimum-gas-prices", options.minGasPrices] : []),
    ...(options.extraArgs ?? []),
  ];
  const proc = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...(options.env ?? {}) } });
  let output = "";
  proc.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const rpc = `http://127.0.0.1:${rpcPort}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`node exited with ${proc.exitCode}: ${output}`);
    try {
      const res = await fetch(`${rpc}/status`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`node did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  return {
    rpc,
    api: `http://127.0.0.1:${apiPort}`,
    proc,
    log: () => output,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      await exited;
    },
    kill9: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
      await exited;
    },
  };
}

export async function waitForHeight(rpc: string, height: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = (await (await fetch(`${rpc}/status`)).json()) as { result: { sync_info: { latest_block_height: string } } };
    if (Number(res.result.sync_info.latest_block_height) >= height) return;
    if (Date.now() > deadline) throw new Error(`height ${height} not reached`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
