// data-registry keeper specs on an in-memory store: register/update/grant/revoke/deprecate, every
// validation error, hasAccess, pagination, genesis and invariants.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { AppError } from "../../chain/framework/errors.ts";
import { toBech32 } from "../../chain/framework/address.ts";
import type { MsgHandler } from "../../chain/framework/module.ts";
import type { Context } from "../../chain/framework/context.ts";
import { CacheStore } from "../../chain/store/kv.ts";
import { uint64BE } from "../../chain/store/bytes.ts";
import {
  Access,
  DATA_REGISTRY_MSG_TYPES as T,
  DATA_REGISTRY_QUERY_PATHS as Q,
  DataRegistryKeeper,
  dataRegistryModule,
  DatasetStatus,
  type DataRegistryGenesis,
} from "../../modules/data-registry/index.ts";
import {
  MsgRegisterDatasetResponse,
  QueryDatasetsRequest,
  QueryDatasetsResponse,
  QueryDatasetsByOwnerRequest,
  QueryHasAccessRequest,
  QueryHasAccessResponse,
} from "../../proto/trainchain/data_registry/v1/generated.ts";
import { memoryChain, type TestChain } from "../helpers/context.ts";

const addr = (n: number): string => toBech32(new Uint8Array(20).fill(n));
const OWNER = addr(1);
const OTHER = addr(2);
const THIRD = addr(3);
const HASH = new Uint8Array(createHash("sha256").update("manifest").digest());

function registerMsg(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    owner: OWNER,
    name: "mnist",
    format: { featureShape: [784], featureDtype: "float32", labelDtype: "int64", classCount: 10 },
    sampleCount: 60000n,
    manifestHash: HASH,
    uris: ["https://data.example/mnist"],
    license: "CC-BY-SA-3.0",
    royaltyBps: 100,
    access: Access.ACCESS_PUBLIC,
    ...over,
  };
}

interface Fixture {
  chain: TestChain;
  keeper: DataRegistryKeeper;
  module: ReturnType<typeof dataRegistryModule>;
  handler(typeUrl: string): MsgHandler<unknown>;
  deliver(typeUrl: string, msg: unknown, height?: bigint): { ctx: Context; value: Uint8Array };
  query(path: string, request: Uint8Array): Uint8Array;
  invariants(): string[];
}

function fixture(genesis?: DataRegistryGenesis): Fixture {
  const chain = memoryChain();
  const keeper = new DataRegistryKeeper();
  const module = dataRegistryModule(keeper);
  module.initGenesis(chain.ctx(0n, "genesis"), genesis ?? module.defaultGenesis());
  const handler = (typeUrl: string): MsgHandler<unknown> => module.msgs.find((m) => m.typeUrl === typeUrl)!;
  return {
    chain,
    keeper,
    module,
    handler,
    deliver: (typeUrl, msg, height = 1n) => {
      const h = handler(typeUrl);
      h.validateBasic(msg);
      const branch = new CacheStore(chain.store);
      const ctx = chain.ctx(height).withStore(branch);
      const res = h.handle(ctx, msg);
      branch.write();
      return { ctx, value: res.value };
    },
    query: (path, request) => module.queries.find((q) => q.path === path)!.handle(chain.ctx(1n, "query"), request),
    invariants: () => module.invariants!.map((i) => i.check(chain.ctx(1n, "query"))).filter((r): r is string => r !== undefined),
  };
}

function expectCode(fn: () => unknown, codespace: string, code: number, pattern?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`);
    assert.equal(err.codespace, codespace, err.message);
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

describe("data-registry keeper", () => {
  it("registers datasets with sequential ids from 1 and emits dataset_registered", () => {
    const f = fixture();
    const { ctx, value } = f.deliver(T.registerDataset, registerMsg(), 7n);
    assert.equal(MsgRegisterDatasetResponse.decode(value).datasetId, 1n);
    const d = f.keeper.getDataset(f.chain.ctx(), 1n)!;
    assert.equal(d.owner, OWNER);
    assert.equal(d.royaltyBps, 100);
    assert.equal(d.status, DatasetStatus.DATASET_STATUS_ACTIVE);
    assert.equal(d.access, Access.ACCESS_PUBLIC);
    assert.equal(d.sampleCount, 60000n);
    assert.deepEqual(d.manifestHash, HASH);
    assert.deepEqual(d.format, { featureShape: [784], featureDtype: "float32", labelDtype: "int64", classCount: 10 });
    assert.equal(d.createdHeight, 7n);
    const ev = ctx.events.events.find((e) => e.type === "dataset_registered")!;
    assert.deepEqual(ev.attributes.slice(0, 2).map((a) => [a.key, a.value, a.index]), [["dataset_id", "1", true], ["owner", OWNER, true]]);
    assert.ok(ev.attributes.some((a) => a.key === "manifest_hash" && a.value === Buffer.from(HASH).toString("hex")));
    assert.equal(MsgRegisterDatasetResponse.decode(f.deliver(T.registerDataset, registerMsg({ name: "second" })).value).datasetId, 2n);
    assert.equal(f.keeper.getDataset(f.chain.ctx(), 3n), undefined);
    assert.equal(f.keeper.getDataset(f.chain.ctx(), 0n), undefined);
    assert.deepEqual(f.invariants(), []);
  });

  it("rejects bad registrations with data_registry codes", () => {
    const f = fixture();
    const v = (over: Record<string, unknown>): void => f.handler(T.registerDataset).validateBasic(registerMsg(over));
    expectCode(() => v({ owner: "train1xyz" }), "data_registry", 2, /owner/);
    expectCode(() => v({ name: "" }), "data_registry", 3, /empty/);
    expectCode(() => v({ name: " padded " }), "data_registry", 3);
    expectCode(() => v({ format: undefined }), "data_registry", 4, /missing/);
    expectCode(() => v({ format: { featureShape: [], featureDtype: "float32", labelDtype: "int64", classCount: 10 } }), "data_registry", 4, /feature_shape is empty/);
    expectCode(() => v({ format: { featureShape: [28, 0], featureDtype: "float32", labelDtype: "int64", classCount: 10 } }), "data_registry", 4, /zero dimension/);
    expectCode(() => v({ format: { featureShape: [784], featureDtype: "float64", labelDtype: "int64", classCount: 10 } }), "data_registry", 4, /feature_dtype/);
    expectCode(() => v({ format: { featureShape: [784], featureDtype: "float32", labelDtype: "string", classCount: 10 } }), "data_registry", 4, /label_dtype/);
    expectCode(() => v({ format: { featureShape: [784], featureDtype: "float32", labelDtype: "int64", classCount: 1 } }), "data_registry", 4, /at least 2 classes/);
    expectCode(() => v({ format: { featureShape: [3], featureDtype: "float32", labelDtype: "float32", classCount: 4 } }), "data_registry", 4, /must be 0/);
    expectCode(() => v({ sampleCount: 0n }), "data_registry", 5);
    expectCode(() => v({ manifestHash: new Uint8Array(31) }), "data_registry", 6, /32-byte sha256/);
    expectCode(() => v({ uris: ["not a uri"] }), "data_registry", 7, /scheme/);
    expectCode(() => v({ uris: ["ipfs://x", "ipfs://x"] }), "data_registry", 7, /twice/);
    expectCode(() => v({ license: "bad\nlicense" }), "data_registry", 8);
    expectCode(() => v({ royaltyBps: 10001 }), "data_registry", 9, /0 to 10000/);
    expectCode(() => v({ access: Access.ACCESS_UNSPECIFIED }), "data_registry", 10, /ACCESS_PUBLIC/);
    // stateful limits from params
    expectCode(() => f.deliver(T.registerDataset, registerMsg({ name: "n".repeat(129) })), "data_registry", 3, /at most 128/);
    expectCode(() => f.deliver(T.registerDataset, registerMsg({ uris: Array.from({ length: 17 }, (_, i) => `ipfs://x${i}`) })), "data_registry", 7, /at most 16/);
    // the keeper checks too (another module could call it directly)
    expectCode(() => f.keeper.registerDataset(f.chain.ctx(), registerMsg({ royaltyBps: 20000 }) as never), "data_registry", 9);
    assert.equal(f.keeper.nextDatasetId(f.chain.ctx()), 1n);
    // royalty at exactly 10000 is allowed
    f.deliver(T.registerDataset, registerMsg({ royaltyBps: 10000 }));
  });

  it("updates only the set fields, owner only", () => {
    const f = fixture();
    f.deliver(T.registerDataset, registerMsg());
    const h = f.handler(T.updateDataset);
    expectCode(() => h.validateBasic({ owner: OWNER, datasetId: 1n, access: 0 }), "data_registry", 16, /at least one/);
    expectCode(() => h.validateBasic({ owner: OWNER, datasetId: 0n, royalty: { royaltyBps: 5 }, access: 0 }), "data_registry", 17);
    expectCode(() => h.validateBasic({ owner: OWNER, datasetId: 1n, royalty: { royaltyBps: 10001 }, access: 0 }), "data_registry", 9);
    expectCode(() => f.deliver(T.updateDataset, { owner: OWNER, datasetId: 9n, royalty: { royaltyBps: 5 }, access: 0 }), "data_registry", 11, /dataset 9 does not exist/);
    expectCode(() => f.deliver(T.updateDataset, { owner: OTHER, datasetId: 1n, royalty: { royaltyBps: 5 }, access: 0 }), "data_registry", 12, new RegExp(`owned by ${OWNER}`));
    const { ctx } = f.deliver(T.updateDataset, { owner: OWNER, datasetId: 1n, royalty: { royaltyBps: 0 }, uris: { uris: [] }, access: Access.ACCESS_ALLOWLIST }, 3n);
    const d = f.keeper.getDataset(f.chain.ctx(), 1n)!;
    assert.equal(d.royaltyBps, 0);
    assert.deepEqual(d.uris, []);
    assert.equal(d.license, "CC-BY-SA-3.0", "license unchanged");
    assert.equal(d.access, Access.ACCESS_ALLOWLIST);
    assert.equal(d.updatedHeight, 3n);
    const ev = ctx.events.events.find((e) => e.type === "dataset_updated")!;
    assert.ok(ev.attributes.some((a) => a.key === "fields" && a.value === "uris,royalty_bps,access"));
    f.deliver(T.updateDataset, { owner: OWNER, datasetId: 1n, license: { license: "MIT" }, access: 0 });
    assert.equal(f.keeper.getDataset(f.chain.ctx(), 1n)!.license, "MIT");
  });

  it("grants and revokes access on allowlist datasets; hasAccess follows the rules", () => {
    const f = fixture();
    f.deliver(T.registerDataset, registerMsg({ access: Access.ACCESS_ALLOWLIST }));
    f.deliver(T.registerDataset, registerMsg({ name: "public" }));
    const ctx = f.chain.ctx();
    assert.equal(f.keeper.hasAccess(ctx, 1n, OWNER), true, "owner always");
    assert.equal(f.keeper.hasAccess(ctx, 1n, OTHER), false);
    assert.equal(f.keeper.hasAccess(ctx, 2n, OTHER), true, "public → everyone");
    assert.equal(f.keeper.hasAccess(ctx, 3n, OWNER), false, "unknown dataset");
    assert.equal(f.keeper.hasAccess(ctx, 1n, "garbage"), false);

    const grant = { owner: OWNER, datasetId: 1n, grantee: OTHER };
    expectCode(() => f.handler(T.grantAccess).validateBasic({ ...grant, grantee: "nope" }), "data_registry", 2, /grantee/);
    expectCode(() => f.handler(T.grantAccess).validateBasic({ ...grant, grantee: OWNER }), "data_registry", 18);
    expectCode(() => f.deliver(T.grantAccess, { ...grant, owner: THIRD }), "data_registry", 12);
    expectCode(() => f.deliver(T.grantAccess, { ...grant, datasetId: 5n }), "data_registry", 11);
    const { ctx: gctx } = f.deliver(T.grantAccess, grant);
    assert.deepEqual(
      gctx.events.events.find((e) => e.type === "dataset_access_granted")!.attributes.map((a) => [a.key, a.value]),
      [["dataset_id", "1"], ["owner", OWNER], ["grantee", OTHER]],
    );
    assert.equal(f.keeper.hasAccess(f.chain.ctx(), 1n, OTHER), true);
    assert.equal(f.keeper.hasAccess(f.chain.ctx(), 1n, THIRD), false);
    expectCode(() => f.deliver(T.grantAccess, grant), "data_registry", 13, /already has access/);
    const hasAccess = (address: string): boolean =>
      QueryHasAccessResponse.decode(f.query(Q.hasAccess, QueryHasAccessRequest.encode({ datasetId: 1n, address }).finish())).hasAccess;
    assert.equal(hasAccess(OTHER), true);
    assert.deepEqual(f.keeper.grants(f.chain.ctx(), 1n), [OTHER]);

    expectCode(() => f.deliver(T.revokeAccess, { ...grant, grantee: THIRD }), "data_registry", 14);
    expectCode(() => f.deliver(T.revokeAccess, { ...grant, owner: THIRD }), "data_registry", 12);
    f.deliver(T.revokeAccess, grant);
    assert.equal(f.keeper.hasAccess(f.chain.ctx(), 1n, OTHER), false);
    assert.equal(hasAccess(OTHER), false);
    expectCode(() => f.query(Q.hasAccess, QueryHasAccessRequest.encode({ datasetId: 9n, address: OTHER }).finish()), "sdk", 38);
    assert.deepEqual(f.invariants(), []);
  });

  it("deprecates: status 2, no further updates or grants, twice is an error", () => {
    const f = fixture();
    f.deliver(T.registerDataset, registerMsg());
    expectCode(() => f.deliver(T.deprecateDataset, { owner: OTHER, datasetId: 1n, reason: "" }), "data_registry", 12);
    expectCode(() => f.deliver(T.deprecateDataset, { owner: OWNER, datasetId: 2n, reason: "" }), "data_registry", 11);
    const { ctx } = f.deliver(T.deprecateDataset, { owner: OWNER, datasetId: 1n, reason: "label noise" });
    assert.ok(ctx.events.events.some((e) => e.type === "dataset_deprecated" && e.attributes.some((a) => a.key === "reason" && a.value === "label noise")));
    assert.equal(f.keeper.getDataset(f.chain.ctx(), 1n)!.status, 2);
    expectCode(() => f.deliver(T.deprecateDataset, { owner: OWNER, datasetId: 1n, reason: "" }), "data_registry", 15);
    expectCode(() => f.deliver(T.updateDataset, { owner: OWNER, datasetId: 1n, license: { license: "x" }, access: 0 }), "data_registry", 15);
    expectCode(() => f.deliver(T.grantAccess, { owner: OWNER, datasetId: 1n, grantee: OTHER }), "data_registry", 15);
  });

  it("paginates datasets and datasets by owner", () => {
    const f = fixture();
    for (let i = 0; i < 5; i++) f.deliver(T.registerDataset, registerMsg({ name: `d${i}`, owner: i % 2 === 0 ? OWNER : OTHER }));
    const page = (req: Record<string, unknown>): QueryDatasetsResponse =>
      QueryDatasetsResponse.decode(f.query(Q.datasets, QueryDatasetsRequest.encode({ pagination: { key: new Uint8Array(), offset: 0n, limit: 0n, countTotal: false, reverse: false, ...req } }).finish()));
    const first = page({ limit: 2n });
    assert.deepEqual(first.datasets.map((d) => d.id), [1n, 2n]);
    assert.deepEqual(first.pagination!.nextKey, uint64BE(3n));
    assert.equal(first.pagination!.total, 5n);
    const second = page({ key: first.pagination!.nextKey, limit: 2n });
    assert.deepEqual(second.datasets.map((d) => d.id), [3n, 4n]);
    const last = page({ key: second.pagination!.nextKey, limit: 2n });
    assert.deepEqual(last.datasets.map((d) => d.id), [5n]);
    assert.equal(last.pagination!.nextKey.length, 0);
    assert.deepEqual(page({ offset: 3n, limit: 10n }).datasets.map((d) => d.id), [4n, 5n]);
    assert.deepEqual(page({ reverse: true, limit: 2n }).datasets.map((d) => d.id), [5n, 4n]);
    expectCode(() => page({ key: uint64BE(1n), offset: 1n }), "data_registry", 20);
    expectCode(() => page({ limit: 1001n }), "data_registry", 20);
    // no pagination at all → the first 100
    assert.equal(QueryDatasetsResponse.decode(f.query(Q.datasets, QueryDatasetsRequest.encode({ pagination: undefined }).finish())).datasets.length, 5);
    const byOwner = QueryDatasetsResponse.decode(f.query(Q.datasetsByOwner, QueryDatasetsByOwnerRequest.encode({ owner: OTHER, pagination: undefined }).finish()));
    assert.deepEqual(byOwner.datasets.map((d) => d.id), [2n, 4n]);
    expectCode(() => f.query(Q.datasetsByOwner, QueryDatasetsByOwnerRequest.encode({ owner: "bad", pagination: undefined }).finish()), "data_registry", 2);
  });

  it("exports genesis that imports to the same state; invariants hold and catch a broken index", () => {
    const f = fixture();
    f.deliver(T.registerDataset, registerMsg({ access: Access.ACCESS_ALLOWLIST }));
    f.deliver(T.registerDataset, registerMsg({ name: "other", owner: OTHER }));
    f.deliver(T.grantAccess, { owner: OWNER, datasetId: 1n, grantee: THIRD });
    f.deliver(T.deprecateDataset, { owner: OTHER, datasetId: 2n, reason: "" });
    const exported = f.module.exportGenesis(f.chain.ctx(1n, "query")) as DataRegistryGenesis;
    assert.equal(exported.next_dataset_id, "3");
    assert.equal(exported.datasets[0]!.access, "ACCESS_ALLOWLIST");
    assert.equal(exported.datasets[1]!.status, "DATASET_STATUS_DEPRECATED");
    assert.equal(exported.datasets[0]!.manifest_hash, Buffer.from(HASH).toString("hex"));
    const g = fixture(exported);
    assert.deepEqual(g.module.exportGenesis(g.chain.ctx(1n, "query")), exported);
    assert.equal(g.keeper.hasAccess(g.chain.ctx(), 1n, THIRD), true);
    assert.deepEqual(g.invariants(), []);
    assert.equal(MsgRegisterDatasetResponse.decode(g.deliver(T.registerDataset, registerMsg()).value).datasetId, 3n);
    assert.throws(() => fixture({ ...exported, grants: [{ dataset_id: "9", grantee: THIRD }] }), /unknown dataset 9/);
    assert.throws(() => fixture({ ...exported, datasets: [{ ...exported.datasets[0]!, royalty_bps: 10001 }] }), /royalty_bps/);

    // a dataset stored without its owner index entry breaks the invariant
    const d = g.keeper.getDataset(g.chain.ctx(), 1n)!;
    const ctx = g.chain.ctx();
    g.keeper.importDataset(ctx, { ...d, id: 7n });
    assert.match(g.invariants().join("\n"), /outside \[1, 4\)/);
  });
});
