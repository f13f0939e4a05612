// The worker's artifact cache against a listening blob store: a dataset fetched once and shared by
// stores on the same cache dir, a dataset seeded from a local copy, and a corrupt cached shard
// detected on load and fetched again.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { pino } from "pino";
import { blobRoutes } from "../../chain/blobs/index.ts";
import { BlobClient } from "../../worker/blob/index.ts";
import { uploadDatasetDir } from "../../worker/blob/dataset.ts";
import { shardFileName, writeDataset, type Dataset } from "../../worker/data/dataset.ts";
import { ArtifactStore } from "../../worker/proof/artifacts.ts";

const silent = pino({ level: "silent" });

function smallDataset(): Dataset {
  const samples = 30;
  const x = new Float32Array(samples * 4).map((_, i) => i / 7);
  const y = BigInt64Array.from({ length: samples }, (_, i) => BigInt(i % 3));
  return { format: { features: { dtype: "float32", shape: [4] }, labels: { dtype: "int64", shape: [] }, classes: 3 }, samples, x, y };
}

describe("artifact store: datasets in the cache", () => {
  let root: string;
  let app: FastifyInstance;
  let base: string;
  let local: string;
  let manifestHash: string;
  let shards: string[];

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "trainchain-artifacts-"));
    app = Fastify() as unknown as FastifyInstance;
    await app.register(blobRoutes({ dir: join(root, "blobs"), logger: silent }));
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    local = join(root, "owner-dataset");
    const written = writeDataset(local, smallDataset(), 10);
    manifestHash = written.manifestHash;
    shards = written.manifest.shards.map((s) => s.sha256);
    await uploadDatasetDir(new BlobClient(base), local);
  });
  after(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("fetches a dataset once per cache dir and process; both stores get the same loaded dataset", async () => {
    const cache = join(root, "cache-shared");
    const a = new ArtifactStore(base, cache, silent);
    const b = new ArtifactStore(base, cache, silent);
    const [da, db] = await Promise.all([a.dataset(manifestHash, [base]), b.dataset(manifestHash, [base])]);
    assert.equal(da, db);
    assert.equal(da.samples, 30);
    assert.deepEqual([...da.y.slice(0, 4)], [0n, 1n, 2n, 0n]);
  });

  it("a corrupt cached shard is detected on load and fetched again", async () => {
    const cache = join(root, "cache-corrupt");
    const store = new ArtifactStore(base, cache, silent);
    store.seedDataset(manifestHash, local);
    // overwrite (not through the hard link) the cached copy of the second shard with garbage
    const cached = join(cache, "datasets", manifestHash, shardFileName(shards[1]!));
    rmSync(cached);
    writeFileSync(cached, new Uint8Array(64).fill(7));
    const ds = await new ArtifactStore(base, cache, silent).dataset(manifestHash, [base]);
    assert.equal(ds.samples, 30);
    assert.equal(ds.x[4 * 12], Math.fround(48 / 7)); // sample 12 lives in the refetched shard
  });

  it("a seeded dataset whose shard is missing from the blob store and corrupt locally is a one-line error", async () => {
    const cache = join(root, "cache-unavailable");
    const store = new ArtifactStore("http://127.0.0.1:9", cache, silent, undefined, 1);
    store.seedDataset(manifestHash, local);
    const cached = join(cache, "datasets", manifestHash, shardFileName(shards[0]!));
    rmSync(cached);
    writeFileSync(cached, new Uint8Array(8));
    await assert.rejects(store.dataset(manifestHash, []), (err: Error) => {
      assert.match(err.message, new RegExp(`dataset shard ${shards[0]} is unavailable`));
      assert.ok(!err.message.includes("\n"));
      return true;
    });
  });
});
