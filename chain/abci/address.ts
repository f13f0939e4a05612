// ABCI listen/dial addresses as CometBFT writes them: tcp://HOST:PORT or unix://PATH.
import { parseListenAddress } from "../node/config.ts";

export type AbciAddress = { kind: "tcp"; host: string; port: number } | { kind: "unix"; path: string };

export function parseAbciAddress(s: string): AbciAddress {
  const trimmed = s.trim();
  if (trimmed.startsWith("unix://")) {
    const path = trimmed.slice("unix://".length);
    if (path === "") throw new Error(`invalid ABCI address ${JSON.stringify(s)}: expected unix:///path/to/socket`);
    return { kind: "unix", path };
  }
  if (!trimmed.startsWith("tcp://")) throw new Error(`invalid ABCI address ${JSON.stringify(s)}: expected tcp://HOST:PORT or unix://PATH`);
  const { host, port } = parseListenAddress(trimmed);
  return { kind: "tcp", host, port };
}

export function formatAbciAddress(a: AbciAddress): string {
  return a.kind === "unix" ? `unix://${a.path}` : `tcp://${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}`;
}
