// Task artifacts (step graph, checkpoints, dataset manifest and shards) fetched from blob stores,
// hash-checked, and cached on disk by sha256 so a restart or the next segment fetches nothing twice.
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import type { Logger } from "pino";
import { BlobClient, fetchBlobUri, sha256Hex } from "../blob/client.ts";
import type { BlobSigner } from "../blob/auth.ts";
import { MANIFEST_FILE, checkManifest, loadDataset, shardFileName, type LoadedDataset } from "../data/dataset.ts";

export const DEFAULT_CACHE_DIR = join(tmpdir(), "trainchain-cache");

/** The artifact cache of a home: one for all of its workers and verifiers (content-addressed, so sharing is safe). */
export const homeCacheDir = (home: string): string => join(home, "cache");

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/**
 * Datasets loaded in this process, by their cache directory: stores sharing a cache dir (a
 * worker and a verifier on one machine) fetch, check and hold a dataset once. Only the latest is kept.
 */
const loadedDatasets = new Map<string, Promise<LoadedDataset>>();

/** Content-addressed disk cache in front of a blob store (and any URIs a task names). */
export class ArtifactStore {
  readonly blobs: BlobClient;

  constructor(
    blobBase: string,
    private readonly cacheDir: string,
    private readonly log: Logger,
    private readonly signer?: BlobSigner,
    attempts = 5,
  ) {
    this.blobs = new BlobClient(blobBase, { ...(signer ? { signer } : {}), attempts });
    mkdirSync(join(cacheDir, "blobs"), { recursive: true });
  }

  private writeAtomic(path: string, bytes: Uint8Array): void {
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  }

  private cached(path: string, hash: string): Uint8Array | undefined {
    if (!existsSync(path)) return undefined;
    const bytes = new Uint8Array(readFileSync(path));
    return sha256Hex(bytes) === hash ? bytes : undefined;
  }

  /**
   * The blob with sha256 `hash`: from the disk cache, else this store, else each URI hint in turn.
   * Throws (one line, naming every source tried) when none has it.
   */
  async get(hash: string, uris: readonly string[] = []): Promise<Uint8Array> {
    const h = hash.toLowerCase();
    const path = join(this.cacheDir, "blobs", h);
    const hit = this.cached(path, h);
    if (hit) return hit;
    const errors: string[] = [];
    const sources: (() => Promise<Uint8Array>)[] = [() => this.blobs.get(h), ...uris.filter((u) => u !== "" && u !== this.blobs.uri(h)).map((u) => () => fetchBlobUri(u, h, this.signer))];
    for (const source of sources) {
      try {
        const bytes = await source();
        this.writeAtomic(path, bytes);
        return bytes;
      } catch (err) {
        errors.push((err as Error).message.split("\n")[0] ?? "");
      }
    }
    throw new Error(`blob ${h} is unavailable: ${errors.join("; ")}`);
  }

  /** Uploads `bytes` (idempotent; `sha256` when the caller knows it) and keeps a cached copy; returns the blob's URI. */
  async put(bytes: Uint8Array, sha256?: string): Promise<string> {
    const hash = await this.blobs.put(bytes, sha256 !== undefined ? { sha256 } : {});
    const path = join(this.cacheDir, "blobs", hash);
    if (!existsSync(path)) this.writeAtomic(path, bytes);
    return this.blobs.uri(hash);
  }

  /**
   * The dataset whose canonical manifest hashes to `manifestHash`, its shards fetched by their
   * sha256 (from this store, else the dataset's registered URIs) into a dataset directory that
   * `loadDataset` checks shard by shard.
   */
  dataset(manifestHash: string, uris: readonly string[]): Promise<LoadedDataset> {
    const h = manifestHash.toLowerCase();
    const dir = join(this.cacheDir, "datasets", h);
    const memo = loadedDatasets.get(dir);
    if (memo) return memo;
    const loading = this.fetchDataset(h, dir, uris);
    loadedDatasets.clear();
    loadedDatasets.set(dir, loading);
    loading.catch(() => loadedDatasets.get(dir) === loading && loadedDatasets.delete(dir));
    return loading;
  }

  private async fetchDataset(h: string, dir: string, uris: readonly string[]): Promise<LoadedDataset> {
    mkdirSync(dir, { recursive: true });
    const manifestBytes = this.cached(join(dir, MANIFEST_FILE), h) ?? (await this.get(h, uris));
    const manifest = checkManifest(JSON.parse(Buffer.from(manifestBytes).toString("utf8")));
    if (!existsSync(join(dir, MANIFEST_FILE))) this.writeAtomic(join(dir, MANIFEST_FILE), manifestBytes);
    // shards on disk are checked once, by loadDataset; a corrupt one is fetched again
    const fetchMissing = async (): Promise<void> => {
      for (const shard of manifest.shards) {
        const file = join(dir, shardFileName(shard.sha256));
        if (existsSync(file)) continue;
        this.log.info({ shard: shard.sha256, bytes: shard.bytes }, "fetching dataset shard");
        this.writeAtomic(file, await this.fetchShard(shard.sha256, uris));
      }
    };
    await fetchMissing();
    try {
      return loadDataset(dir, h);
    } catch (err) {
      const corrupt = manifest.shards.filter((shard) => !this.cached(join(dir, shardFileName(shard.sha256)), shard.sha256));
      if (corrupt.length === 0) throw err;
      this.log.warn({ shards: corrupt.map((c) => c.sha256) }, "cached dataset shards do not match their hashes; fetching them again");
      for (const shard of corrupt) rmSync(join(dir, shardFileName(shard.sha256)), { force: true });
      await fetchMissing();
      return loadDataset(dir, h);
    }
  }

  /**
   * Puts a dataset this machine already holds (`localDir`: its manifest and shards, e.g. what the
   * data owner imported) into the cache under `manifestHash`, by hard link where possible. Nothing is
   * trusted: `dataset()` checks every shard's hash when it loads them and fetches any that differ.
   */
  seedDataset(manifestHash: string, localDir: string): void {
    const dir = join(this.cacheDir, "datasets", manifestHash.toLowerCase());
    mkdirSync(dir, { recursive: true });
    const manifest = checkManifest(JSON.parse(readFileSync(join(localDir, MANIFEST_FILE), "utf8")));
    for (const name of [MANIFEST_FILE, ...manifest.shards.map((s) => shardFileName(s.sha256))]) {
      const to = join(dir, name);
      if (existsSync(to)) continue;
      try {
        linkSync(join(localDir, name), to);
      } catch {
        copyFileSync(join(localDir, name), to);
      }
    }
  }

  private async fetchShard(hash: string, uris: readonly string[]): Promise<Uint8Array> {
    try {
      return await this.blobs.get(hash);
    } catch (first) {
      for (const u of uris) {
        try {
          return await fetchBlobUri(u, hash, this.signer);
        } catch {
          // next source
        }
      }
      throw new Error(`dataset shard ${hash} is unavailable: ${(first as Error).message.split("\n")[0]}`);
    }
  }
}
