// A mining network for end-to-end tests: a real node (fast blocks, small windows) serving /blobs,
// a tiny dataset and model uploaded as blobs, the dataset registered and tasks created through
// CosmJS, exactly as a task creator would.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, QueryClient, SigningStargateClient, StargateClient, type DeliverTxResponse } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { makeHome, startNode, type RunningNode, type TestHome } from "../helpers/chain.ts";
import { readGenesis, writeGenesis } from "../../chain/node/genesis.ts";
import { trainchainRegistry } from "../../proto/client/index.ts";
import { MsgRegisterDataset, MsgRegisterDatasetResponse } from "../../proto/trainchain/data_registry/v1/generated.ts";
import { MsgCreateTask, MsgCreateTaskResponse, QueryTaskRequest, QueryTaskResponse, type Task, type TaskSpec } from "../../proto/trainchain/training_task/v1/generated.ts";
import { BlobClient } from "../../worker/blob/client.ts";
import { encodeCheckpoint } from "../../worker/checkpoint/checkpoint.ts";
import { MANIFEST_FILE, shardFileName, writeDataset } from "../../worker/data/dataset.ts";
import { ORT_VERSION } from "../../worker/runtime/device.ts";
import { tinyTask } from "../unit/proof-fixtures.ts";

export const DENOM = "utrain";

export interface Party {
  address: string;
  mnemonic: string;
  client: SigningStargateClient;
}

export interface MiningNet {
  home: TestHome;
  node: RunningNode;
  blobBase: string;
  comet: Comet38Client;
  abci: QueryClient;
  query: StargateClient;
  parties: Party[];
  datasetId: bigint;
  /** Creates a task for the tiny model on the registered dataset; returns its id. */
  createTask(over?: Partial<TaskSpec>): Promise<bigint>;
  task(id: bigint): Promise<Task>;
  /** Every event of `type` in blocks [from, latest]. */
  events(type: string, from?: number): Promise<Record<string, string>[]>;
  balance(address: string): Promise<bigint>;
  log: Logger;
  close(): Promise<void>;
}

export async function send(p: Party, typeUrl: string, value: object): Promise<DeliverTxResponse> {
  const res = await p.client.signAndBroadcast(p.address, [{ typeUrl, value }], "auto");
  if (res.code !== 0) throw new Error(`${typeUrl}: code ${res.code} ${res.rawLog}`);
  return res;
}

export async function startMiningNet(options: { accounts: number; chainId: string; genesisBalances?: Record<number, string> }): Promise<MiningNet> {
  const home = await makeHome({ chainId: options.chainId, accounts: options.accounts });
  const path = join(home.home, "config", "genesis.json");
  const genesis = readGenesis(path);
  genesis.app_state.training_task = { params: { min_verify_window: "1", min_claim_timeout: "1" } };
  writeGenesis(path, genesis);
  const node = await startNode(home.home, { blockTime: "200ms" });
  const comet = await Comet38Client.connect(node.rpc);
  const abci = QueryClient.withExtensions(comet);
  const query = await StargateClient.connect(node.rpc);
  const parties: Party[] = [];
  for (const k of home.keys) {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(k.mnemonic, { prefix: "train" });
    const client = await SigningStargateClient.connectWithSigner(node.rpc, wallet, { registry: trainchainRegistry(), gasPrice: GasPrice.fromString("0.025utrain"), broadcastPollIntervalMs: 200 });
    parties.push({ address: k.address, mnemonic: k.mnemonic, client });
  }
  const blobBase = node.api;
  const blobs = new BlobClient(blobBase);

  // the tiny model and dataset, as blobs
  const t = tinyTask("mlp:8-16-3", "adam", 512);
  const dir = mkdtempSync(join(tmpdir(), "trainchain-ds-"));
  const { manifest, manifestHash } = writeDataset(dir, t.dataset, 200);
  await blobs.put(new Uint8Array(readFileSync(join(dir, MANIFEST_FILE))));
  for (const s of manifest.shards) await blobs.put(new Uint8Array(readFileSync(join(dir, shardFileName(s.sha256)))));
  rmSync(dir, { recursive: true, force: true });
  const stepHash = await blobs.put(t.bundle.step);
  const forwardHash = await blobs.put(t.bundle.forward);
  const initHash = await blobs.put(encodeCheckpoint(t.init));

  const owner = parties[1]!;
  const creator = parties[2]!;
  const reg = await send(owner, MsgRegisterDataset.typeUrl, {
    owner: owner.address,
    name: "synthetic-8x3",
    format: { featureShape: [8], featureDtype: "float32", labelDtype: "int64", classCount: 3 },
    sampleCount: BigInt(t.dataset.samples),
    manifestHash: new Uint8Array(Buffer.from(manifestHash, "hex")),
    uris: [blobBase],
    license: "CC0-1.0",
    royaltyBps: 500,
    access: 1,
  });
  const datasetId = MsgRegisterDatasetResponse.decode(reg.msgResponses[0]!.value).datasetId;
  const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, "hex"));

  const net: MiningNet = {
    home,
    node,
    blobBase,
    comet,
    abci,
    query,
    parties,
    datasetId,
    log: pino({ level: process.env.TEST_LOG ?? "silent" }),
    async createTask(over: Partial<TaskSpec> = {}): Promise<bigint> {
      const spec: TaskSpec = {
        datasetId,
        stepGraphHash: hex(stepHash),
        stepGraphUri: blobs.uri(stepHash),
        initialCheckpointHash: hex(initHash),
        initialCheckpointUri: blobs.uri(initHash),
        forwardGraphHash: hex(forwardHash),
        forwardGraphUri: blobs.uri(forwardHash),
        hyperParams: { batchSize: 16, learningRate: "0.05", optimizer: "adam", seed: 7n },
        numerics: { executionProvider: "cpu", intraOpThreads: 1, graphOptimizationLevel: "all", onnxruntimeVersion: ORT_VERSION },
        segmentSteps: 20n,
        checkpointInterval: 5n,
        totalSegments: 3n,
        samplesPerSegment: 2,
        tolerancePpb: 0n,
        rewardPerSegment: { denom: DENOM, amount: "1000000" },
        workerBond: { denom: DENOM, amount: "100000" },
        verifyWindow: 20n,
        claimTimeout: 30n,
        flopsPerStep: 1000n,
        ...over,
      };
      const res = await send(creator, MsgCreateTask.typeUrl, { creator: creator.address, spec });
      return MsgCreateTaskResponse.decode(res.msgResponses[0]!.value).taskId;
    },
    async task(id: bigint): Promise<Task> {
      return QueryTaskResponse.decode((await abci.queryAbci("/trainchain.training_task.v1.Query/Task", QueryTaskRequest.encode({ taskId: id }).finish())).value).task!;
    },
    async events(type: string, from = 1): Promise<Record<string, string>[]> {
      const latest = (await comet.status()).syncInfo.latestBlockHeight;
      const out: Record<string, string>[] = [];
      for (let h = from; h <= latest; h++) {
        for (const e of (await comet.blockResults(h)).finalizeBlockEvents) {
          if (e.type !== type) continue;
          const attrs: Record<string, string> = { height: String(h) };
          for (const a of e.attributes) attrs[a.key] = a.value;
          out.push(attrs);
        }
      }
      return out;
    },
    async balance(address: string): Promise<bigint> {
      return BigInt((await query.getBalance(address, DENOM)).amount);
    },
    async close(): Promise<void> {
      for (const p of parties) p.client.disconnect();
      query.disconnect();
      comet.disconnect();
      await node.stop();
      home.cleanup();
    },
  };
  return net;
}

/** Polls `check` every 200 ms until it returns a value, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
