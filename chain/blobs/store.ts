// The blob store on disk: content-addressed by sha256 under <dir>/ab/cd/<hash>, written atomically
// (temp file + rename), with a total-size quota and per-blob dataset tags for ALLOWLIST reads.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const BLOB_HASH_RE = /^[0-9a-f]{64}$/;

export type BlobStoreErrorCode = "INVALID_HASH" | "HASH_MISMATCH" | "TOO_LARGE" | "QUOTA_EXCEEDED";

export class BlobStoreError extends Error {
  constructor(readonly code: BlobStoreErrorCode, message: string) {
    super(message);
    this.name = "BlobStoreError";
  }
}

export interface BlobStoreOptions {
  dir: string;
  /** Largest single blob in bytes. */
  maxBlobBytes: number;
  /** Disk quota over all blobs in bytes (0 = unlimited). */
  maxTotalBytes: number;
}

export interface PutResult {
  hash: string;
  size: number;
  created: boolean;
}

const TMP_DIR = ".tmp";
const META_DIR = ".datasets";

function walkBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    if (name === TMP_DIR || name === META_DIR) continue;
    const p = join(dir, name);
    const st = statSync(p);
    total += st.isDirectory() ? walkBytes(p) : st.size;
  }
  return total;
}

export class BlobStore {
  readonly dir: string;
  readonly maxBlobBytes: number;
  readonly maxTotalBytes: number;
  private usedBytes: number;

  constructor(options: BlobStoreOptions) {
    this.dir = options.dir;
    this.maxBlobBytes = options.maxBlobBytes;
    this.maxTotalBytes = options.maxTotalBytes;
    mkdirSync(join(this.dir, TMP_DIR), { recursive: true });
    mkdirSync(join(this.dir, META_DIR), { recursive: true });
    // stale temp files are from writes that died before their rename
    for (const name of readdirSync(join(this.dir, TMP_DIR))) rmSyncQuiet(join(this.dir, TMP_DIR, name));
    this.usedBytes = walkBytes(this.dir);
  }

  get used(): number {
    return this.usedBytes;
  }

  path(hash: string): string {
    if (!BLOB_HASH_RE.test(hash)) throw new BlobStoreError("INVALID_HASH", `invalid blob hash ${JSON.stringify(hash)}: expected 64 lowercase hex characters`);
    return join(this.dir, hash.slice(0, 2), hash.slice(2, 4), hash);
  }

  private tagPath(hash: string): string {
    return join(this.dir, META_DIR, hash.slice(0, 2), hash);
  }

  async size(hash: string): Promise<number | undefined> {
    try {
      return (await stat(this.path(hash))).size;
    } catch {
      return undefined;
    }
  }

  async read(hash: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path(hash)));
    } catch {
      return undefined;
    }
  }

  /** Stores bytes; `expected` (if given) must be their sha256. Idempotent. */
  async put(bytes: Uint8Array, expected?: string): Promise<PutResult> {
    if (bytes.length > this.maxBlobBytes) throw new BlobStoreError("TOO_LARGE", `blob of ${bytes.length} bytes exceeds the limit of ${this.maxBlobBytes} bytes`);
    const hash = createHash("sha256").update(bytes).digest("hex");
    if (expected !== undefined && expected !== hash) {
      throw new BlobStoreError("HASH_MISMATCH", `body hashes to sha256 ${hash}, but the request says ${expected}`);
    }
    const final = this.path(hash);
    if (existsSync(final)) return { hash, size: bytes.length, created: false };
    if (this.maxTotalBytes > 0 && this.usedBytes + bytes.length > this.maxTotalBytes) {
      throw new BlobStoreError("QUOTA_EXCEEDED", `blob store quota exceeded: ${this.usedBytes} of ${this.maxTotalBytes} bytes used, blob is ${bytes.length} bytes`);
    }
    const tmp = join(this.dir, TMP_DIR, `${hash}.${randomBytes(6).toString("hex")}`);
    const fh = await open(tmp, "w");
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    mkdirSync(join(this.dir, hash.slice(0, 2), hash.slice(2, 4)), { recursive: true });
    const existedMeanwhile = existsSync(final);
    await rename(tmp, final);
    if (!existedMeanwhile) this.usedBytes += bytes.length;
    return { hash, size: bytes.length, created: !existedMeanwhile };
  }

  /** Datasets a blob was uploaded for (its reads then need access to one of them). */
  async datasets(hash: string): Promise<bigint[]> {
    try {
      const text = await readFile(this.tagPath(hash), "utf8");
      return text.split("\n").filter((l) => l !== "").map((l) => BigInt(l));
    } catch {
      return [];
    }
  }

  async tag(hash: string, datasetId: bigint): Promise<void> {
    const have = await this.datasets(hash);
    if (have.includes(datasetId)) return;
    const next = [...have, datasetId].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    mkdirSync(join(this.dir, META_DIR, hash.slice(0, 2)), { recursive: true });
    const tmp = join(this.dir, TMP_DIR, `${hash}.tags.${randomBytes(6).toString("hex")}`);
    await writeFile(tmp, next.map((id) => `${id}\n`).join(""));
    await rename(tmp, this.tagPath(hash));
  }
}

function rmSyncQuiet(path: string): void {
  void rm(path, { force: true }).catch(() => undefined);
}
