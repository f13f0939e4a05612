// The blob service with fastify inject() over a real disk dir: hash check, size limit, quota, path
// safety, HEAD/GET, idempotent PUT, and ALLOWLIST reads with real signatures checked against a real
// node's HasAccess (and the BlobClient against a listening server).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { pino } from "pino";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient } from "@cosmjs/stargate";
import { blobRoutes, accessFromRpc, type AccessChecker } from "../../chain/blobs/index.ts";
import { BlobClient, blobSignerFromMnemonic, fetchBlobUri, signedBlobHeaders, type BlobSigner } from "../../worker/blob/index.ts";
import { trainchainRegistry } from "../../proto/client/index.ts";
import { MsgRegisterDatasetResponse } from "../../proto/trainchain/data_registry/v1/generated.ts";
import { makeHome, startNode, type RunningNode, type TestHome } from "../helpers/chain.ts";

const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
const silent = pino({ level: "silent" });

async function build(dir: string, extra: { maxBlobBytes?: number; maxTotalBytes?: number; access?: AccessChecker; now?: () => number } = {}): Promise<FastifyInstance> {
  const app = Fastify() as unknown as FastifyInstance;
  await app.register(blobRoutes({ dir, logger: silent, ...extra }));
  await app.ready();
  return app;
}

describe("blob store (inject, real disk)", () => {
  let dir: string;
  let app: FastifyInstance;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "trainchain-blobs-"));
    app = await build(dir, { maxBlobBytes: 1024, maxTotalBytes: 4096 });
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("stores content-addressed under ab/cd/<hash>, serves GET and HEAD, PUT is idempotent", async () => {
    const bytes = randomBytes(300);
    const hash = sha(bytes);
    const put = await app.inject({ method: "PUT", url: `/blobs?sha256=${hash}`, payload: bytes, headers: { "content-type": "application/octet-stream" } });
    assert.equal(put.statusCode, 201, put.body);
    assert.deepEqual(put.json(), { sha256: hash, size: 300, created: true });
    assert.ok(existsSync(join(dir, hash.slice(0, 2), hash.slice(2, 4), hash)));
    const again = await app.inject({ method: "PUT", url: "/blobs", payload: bytes, headers: { "content-type": "application/octet-stream" } });
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().created, false);
    const get = await app.inject({ method: "GET", url: `/blobs/${hash}` });
    assert.equal(get.statusCode, 200);
    assert.deepEqual(new Uint8Array(get.rawPayload), new Uint8Array(bytes));
    const head = await app.inject({ method: "HEAD", url: `/blobs/${hash}` });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers["content-length"], "300");
    assert.equal(head.body, "");
    assert.equal((await app.inject({ method: "HEAD", url: `/blobs/${"0".repeat(64)}` })).statusCode, 404);
    const missing = await app.inject({ method: "GET", url: `/blobs/${"0".repeat(64)}` });
    assert.equal(missing.statusCode, 404);
    assert.match(missing.json().message, /not found/);
    assert.deepEqual(readdirSync(join(dir, ".tmp")), [], "no temp files left behind");
  });

  it("accepts any content type as raw bytes (JSON is not parsed)", async () => {
    const bytes = Buffer.from('{"a":1}');
    const put = await app.inject({ method: "PUT", url: "/blobs", payload: bytes, headers: { "content-type": "application/json" } });
    assert.equal(put.statusCode, 201, put.body);
    assert.equal(put.json().sha256, sha(bytes));
  });

  it("rejects a body that does not hash to ?sha256= and bad hashes", async () => {
    const bytes = randomBytes(10);
    const res = await app.inject({ method: "PUT", url: `/blobs?sha256=${"a".repeat(64)}`, payload: bytes, headers: { "content-type": "application/octet-stream" } });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().message, /hashes to sha256/);
    const bad = await app.inject({ method: "PUT", url: "/blobs?sha256=XYZ", payload: bytes, headers: { "content-type": "application/octet-stream" } });
    assert.equal(bad.statusCode, 400);
  });

  it("answers 413 over the size limit and 507 over the quota", async () => {
    const res = await app.inject({ method: "PUT", url: "/blobs", payload: randomBytes(1025), headers: { "content-type": "application/octet-stream" } });
    assert.equal(res.statusCode, 413);
    assert.match(res.json().message, /limit of 1024 bytes/);
    let status = 0;
    for (let i = 0; i < 8 && status !== 507; i++) {
      status = (await app.inject({ method: "PUT", url: "/blobs", payload: randomBytes(1000), headers: { "content-type": "application/octet-stream" } })).statusCode;
    }
    assert.equal(status, 507);
  });

  it("only serves 64-lowercase-hex paths", async () => {
    for (const bad of ["..%2F..%2Fetc%2Fpasswd", "A".repeat(64), "a".repeat(63), `${"a".repeat(64)}.tmp`, ".tmp", "..", "%2e%2e"]) {
      const res = await app.inject({ method: "GET", url: `/blobs/${bad}` });
      assert.ok(res.statusCode === 400 || res.statusCode === 404, `${bad}: ${res.statusCode}`);
      assert.notEqual(res.statusCode, 200);
    }
    assert.equal((await app.inject({ method: "GET", url: `/blobs/${"A".repeat(64)}` })).statusCode, 400);
  });

  it("a blob of a dataset is refused without a signature or a chain connection", async () => {
    const bytes = randomBytes(20);
    const hash = sha(bytes);
    assert.equal((await app.inject({ method: "PUT", url: "/blobs?dataset=7", payload: bytes, headers: { "content-type": "application/octet-stream" } })).statusCode, 201);
    const res = await app.inject({ method: "GET", url: `/blobs/${hash}` });
    assert.equal(res.statusCode, 403);
    assert.match(res.json().message, /sign the request/);
    assert.equal((await app.inject({ method: "PUT", url: "/blobs?dataset=abc", payload: bytes, headers: { "content-type": "application/octet-stream" } })).statusCode, 400);
  });
});

describe("ALLOWLIST blobs against a real node's HasAccess", { timeout: 180_000 }, () => {
  let home: TestHome;
  let node: RunningNode;
  let dir: string;
  let app: FastifyInstance;
  let access: AccessChecker;
  let owner: BlobSigner;
  let stranger: BlobSigner;
  let datasetId: bigint;
  const shard = randomBytes(64);
  const hash = sha(shard);
  const now = (): number => Math.floor(Date.now() / 1000);

  before(async () => {
    home = await makeHome({ accounts: 2 });
    node = await startNode(home.home);
    owner = await blobSignerFromMnemonic(home.keys[1]!.mnemonic);
    stranger = await blobSignerFromMnemonic(home.keys[2]!.mnemonic);
    assert.equal(owner.address, home.keys[1]!.address);
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(home.keys[1]!.mnemonic, { prefix: "train" });
    const client = await SigningStargateClient.connectWithSigner(node.rpc, wallet, { registry: trainchainRegistry(), gasPrice: GasPrice.fromString("0.025utrain") });
    try {
      const res = await client.signAndBroadcast(
        owner.address,
        [
          {
            typeUrl: "/trainchain.data_registry.v1.MsgRegisterDataset",
            value: {
              owner: owner.address,
              name: "private",
              format: { featureShape: [4], featureDtype: "float32", labelDtype: "int64", classCount: 2 },
              sampleCount: 4n,
              manifestHash: new Uint8Array(createHash("sha256").update("m").digest()),
              uris: ["http://127.0.0.1:1/"],
              license: "proprietary",
              royaltyBps: 0,
              access: 2,
            },
          },
        ],
        "auto",
      );
      assert.equal(res.code, 0, res.rawLog);
      datasetId = MsgRegisterDatasetResponse.decode(res.msgResponses[0]!.value).datasetId;
    } finally {
      client.disconnect();
    }
    dir = mkdtempSync(join(tmpdir(), "trainchain-blobs-"));
    access = accessFromRpc(node.rpc);
    app = await build(dir, { access });
    const put = await app.inject({ method: "PUT", url: `/blobs?dataset=${datasetId}`, payload: shard, headers: { "content-type": "application/octet-stream" } });
    assert.equal(put.statusCode, 201);
  });
  after(async () => {
    await app?.close();
    access?.close?.();
    await node?.stop();
    home?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("serves the owner's signed request (200) and refuses a stranger's (403)", async () => {
    const ok = await app.inject({ method: "GET", url: `/blobs/${hash}`, headers: signedBlobHeaders(owner, hash) });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(new Uint8Array(ok.rawPayload), new Uint8Array(shard));
    const denied = await app.inject({ method: "GET", url: `/blobs/${hash}`, headers: signedBlobHeaders(stranger, hash) });
    assert.equal(denied.statusCode, 403);
    assert.match(denied.json().message, new RegExp(`${stranger.address} has no access to dataset ${datasetId}`));
  });

  it("refuses stale times, a wrong address, a signature over another hash", async () => {
    const stale = await app.inject({ method: "GET", url: `/blobs/${hash}`, headers: signedBlobHeaders(owner, hash, now() - 301) });
    assert.equal(stale.statusCode, 403);
    assert.match(stale.json().message, /more than 300s/);
    const future = await app.inject({ method: "GET", url: `/blobs/${hash}`, headers: signedBlobHeaders(owner, hash, now() + 301) });
    assert.equal(future.statusCode, 403);
    const forged = { ...signedBlobHeaders(stranger, hash), "x-trainchain-address": owner.address };
    const f = await app.inject({ method: "GET", url: `/blobs/${hash}`, headers: forged });
    assert.equal(f.statusCode, 403);
    assert.match(f.json().message, /does not match the pubkey/);
    const other = "b".repeat(64);
    const wrongHash = await app.inject({ method: "GET", url: `/blobs/${hash}`, headers: signedBlobHeaders(owner, other) });
    assert.equal(wrongHash.statusCode, 403);
    assert.match(wrongHash.json().message, /signature verification failed/);
  });

  it("BlobClient and fetchBlobUri sign reads against a listening server", async () => {
    const server = Fastify() as unknown as FastifyInstance;
    await server.register(blobRoutes({ dir, logger: silent, access }));
    await server.listen({ host: "127.0.0.1", port: 0 });
    try {
      const addr = server.server.address();
      const base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
      const anonymous = new BlobClient(base);
      const mine = new BlobClient(base, { signer: owner });
      assert.deepEqual(await mine.get(hash), new Uint8Array(shard));
      await assert.rejects(anonymous.get(hash), /HTTP 403 .*sign the request/);
      assert.deepEqual(await fetchBlobUri(base, hash, owner), new Uint8Array(shard));
      const pub = new Uint8Array(randomBytes(33));
      const h = await anonymous.put(pub);
      assert.equal(h, sha(pub));
      assert.equal(await anonymous.has(h), true);
      assert.equal(await anonymous.has("c".repeat(64)), false);
      assert.equal(anonymous.uri(h), `${base}/blobs/${h}`);
      assert.deepEqual(await fetchBlobUri(anonymous.uri(h), h), pub);
      await assert.rejects(fetchBlobUri(anonymous.uri(h), "d".repeat(64)), /hash mismatch/);
    } finally {
      await server.close();
    }
  });
});
