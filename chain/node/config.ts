// The node's home directory layout (as simd's): config/ (genesis, keys, app settings), data/.
import { join } from "node:path";
import { homedir } from "node:os";

export function defaultHome(): string {
  return join(homedir(), ".trainchain");
}

export function homePaths(home: string): {
  config: string;
  data: string;
  genesis: string;
  privValidatorKey: string;
  nodeKey: string;
  appConfig: string;
  db: string;
  keyring: string;
} {
  return {
    config: join(home, "config"),
    data: join(home, "data"),
    genesis: join(home, "config", "genesis.json"),
    privValidatorKey: join(home, "config", "priv_validator_key.json"),
    nodeKey: join(home, "config", "node_key.json"),
    appConfig: join(home, "config", "app.json"),
    db: join(home, "data", "chain.db"),
    keyring: join(home, "keyring-test"),
  };
}

export interface AppConfig {
  moniker: string;
  minimum_gas_prices: string;
  rpc_laddr: string;
  api_laddr: string;
  block_time: string;
}

export function defaultAppConfig(moniker: string): AppConfig {
  return {
    moniker,
    minimum_gas_prices: "0.025utrain",
    rpc_laddr: "tcp://127.0.0.1:26657",
    api_laddr: "tcp://127.0.0.1:1317",
    block_time: "1s",
  };
}

/** "0.025utrain,1foo" → ppm per gas unit by denom (exact decimal, no floats). */
export function parseGasPrices(s: string): { denom: string; ppm: bigint }[] {
  if (s.trim() === "") return [];
  return s.split(",").map((part) => {
    const m = /^([0-9]+)(?:\.([0-9]{1,6}))?([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/.exec(part.trim());
    if (!m) throw new Error(`invalid gas price ${JSON.stringify(part)}: expected e.g. 0.025utrain (at most 6 decimals)`);
    return { denom: m[3]!, ppm: BigInt(m[1]!) * 1_000_000n + BigInt((m[2] ?? "").padEnd(6, "0")) };
  });
}

/** "1s", "200ms", "1.5s" → milliseconds. */
export function parseDuration(s: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m)$/.exec(s.trim());
  if (!m) throw new Error(`invalid duration ${JSON.stringify(s)}: expected e.g. 1s or 200ms`);
  const n = Number(m[1]);
  const ms = m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : n * 60_000;
  if (ms < 10) throw new Error(`duration ${s} is too short (minimum 10ms)`);
  return Math.round(ms);
}

/** "tcp://127.0.0.1:26657" → host and port. */
export function parseListenAddress(s: string): { host: string; port: number } {
  const m = /^(?:tcp:\/\/)?([^:/]+|\[[^\]]+\]):([0-9]{1,5})$/.exec(s.trim());
  if (!m) throw new Error(`invalid listen address ${JSON.stringify(s)}: expected tcp://HOST:PORT`);
  const port = Number(m[2]);
  if (port > 65535) throw new Error(`invalid port in ${s}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
}
