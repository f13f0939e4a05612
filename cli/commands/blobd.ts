// `trainchain blobd`: the blob store as its own server (the node also serves it on its API port).
import { resolve } from "node:path";
import { pino } from "pino";
import { flagString, parseFlags, positionals } from "../args.ts";
import { parseListenAddress } from "../../chain/node/config.ts";
import { accessFromRpc, buildBlobServer, DEFAULT_MAX_BLOB_BYTES } from "../../chain/blobs/index.ts";

const UNITS: Record<string, number> = { "": 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** "1048576", "512MiB", "2GB" → bytes. */
export function parseByteSize(text: string, what: string): number {
  const m = /^([0-9]+)\s*([a-zA-Z]*)$/.exec(text.trim());
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`invalid ${what} ${JSON.stringify(text)}: expected a byte count such as 1048576, 512MiB or 2GB`);
  const n = Number(m[1]) * unit;
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`invalid ${what} ${JSON.stringify(text)}: expected a positive size`);
  return n;
}

const USAGE = "trainchain blobd --dir DIR [--laddr tcp://127.0.0.1:1318] [--node URL] [--max-bytes 512MiB] [--quota SIZE]";

export async function blobdCommand(argv: string[]): Promise<void> {
  const f = parseFlags(argv, { dir: "string", laddr: "string", node: "string", "max-bytes": "string", quota: "string", "log-level": "string" }, "blobd");
  positionals(f, 0, USAGE);
  const dir = flagString(f, "dir");
  if (dir === undefined) throw new Error(`"blobd" needs --dir; usage: ${USAGE}`);
  const { host, port } = parseListenAddress(flagString(f, "laddr") ?? "tcp://127.0.0.1:1318");
  const maxBlobBytes = parseByteSize(flagString(f, "max-bytes") ?? String(DEFAULT_MAX_BLOB_BYTES), "--max-bytes");
  const quota = flagString(f, "quota");
  const nodeUrl = flagString(f, "node");
  const logger = pino({ level: flagString(f, "log-level") ?? "info" });
  const access = nodeUrl !== undefined ? accessFromRpc(nodeUrl) : undefined;
  const app = await buildBlobServer({
    dir: resolve(dir),
    logger,
    maxBlobBytes,
    ...(quota !== undefined ? { maxTotalBytes: parseByteSize(quota, "--quota") } : {}),
    ...(access ? { access } : {}),
  });
  await app.listen({ host, port });
  logger.info({ dir: resolve(dir), laddr: `tcp://${host}:${port}`, node: nodeUrl ?? null }, "blob store serving");
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    access?.close?.();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}
