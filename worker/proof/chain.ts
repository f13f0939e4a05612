// Chain access for the worker and the verifier: unmodified CosmJS (SigningStargateClient with the
// trainchain registry, ABCI queries), every call retried through node restarts and RPC errors.
import type { Logger } from "pino";
import { DirectSecp256k1HdWallet, type EncodeObject } from "@cosmjs/proto-signing";
import { GasPrice, QueryClient, SigningStargateClient, type DeliverTxResponse } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { trainchainRegistry } from "../../proto/client/index.ts";
import {
  QueryPendingChallengesRequest,
  QueryPendingChallengesResponse,
  QueryProofRequest,
  QueryProofResponse,
  QuerySegmentRequest,
  QuerySegmentResponse,
  QueryTaskRequest,
  QueryTaskResponse,
  QueryTasksRequest,
  QueryTasksResponse,
  type Proof,
  type Segment,
  type Task,
  type TaskStatus,
} from "../../proto/trainchain/training_task/v1/generated.ts";
import { QueryDatasetRequest, QueryDatasetResponse, type Dataset } from "../../proto/trainchain/data_registry/v1/generated.ts";
import { QueryValidatorRequest, QueryValidatorResponse, type Validator } from "../../proto/trainchain/staking/v1/generated.ts";
import { withRetry } from "./retry.ts";

export const DEFAULT_GAS_PRICE = "0.025utrain";
const TT = "/trainchain.training_task.v1.Query";

/** A transaction that reached the chain and failed there (or in simulation): not retried. */
export class TxError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly codespace: string,
  ) {
    super(message);
  }
}

function isNotFound(err: unknown): boolean {
  return /not found|Query failed with \(22\)/i.test((err as Error).message ?? "");
}

/** "Query failed with (5): …" / "… codespace: sdk, code: 5 …" → the code, when the message names one. */
function txErrorFromSimulation(err: unknown): TxError | undefined {
  const msg = (err as Error).message ?? "";
  const m = /failed with \((\d+)\)/.exec(msg) ?? /code[":\s]+(\d+)/.exec(msg);
  if (!m) return undefined;
  return new TxError(msg.split("\n")[0] ?? msg, Number(m[1]), "");
}

export interface ChainClientOptions {
  rpc: string;
  mnemonic: string;
  log: Logger;
  signal?: AbortSignal;
  gasPrice?: string;
}

export class ChainClient {
  private constructor(
    readonly address: string,
    readonly rpc: string,
    private readonly comet: Comet38Client,
    private readonly abci: QueryClient,
    private readonly signer: SigningStargateClient,
    private readonly log: Logger,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Connects (retrying while the node is unreachable). */
  static async connect(o: ChainClientOptions): Promise<ChainClient> {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(o.mnemonic, { prefix: "train" });
    const [account] = await wallet.getAccounts();
    if (!account) throw new Error("the mnemonic yields no account");
    const comet = await withRetry(() => Comet38Client.connect(o.rpc), { log: o.log, what: `connect to ${o.rpc}`, signal: o.signal });
    const signer = SigningStargateClient.createWithSigner(comet, wallet, {
      registry: trainchainRegistry(),
      gasPrice: GasPrice.fromString(o.gasPrice ?? DEFAULT_GAS_PRICE),
      broadcastPollIntervalMs: 200,
      broadcastTimeoutMs: 30_000,
    });
    return new ChainClient(account.address, o.rpc, comet, QueryClient.withExtensions(comet), signer, o.log, o.signal);
  }

  disconnect(): void {
    this.signer.disconnect();
  }

  private retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, { log: this.log, what, signal: this.signal });
  }

  private async query(path: string, request: Uint8Array): Promise<Uint8Array> {
    return this.retry(`query ${path}`, async () => (await this.abci.queryAbci(path, request)).value);
  }

  private async maybe<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async height(): Promise<number> {
    return this.retry("status", async () => (await this.comet.status()).syncInfo.latestBlockHeight);
  }

  async balance(denom: string): Promise<bigint> {
    return this.retry("balance", async () => BigInt((await this.signer.getBalance(this.address, denom)).amount));
  }

  async task(taskId: bigint): Promise<Task | undefined> {
    return this.maybe(async () => QueryTaskResponse.decode(await this.query(`${TT}/Task`, QueryTaskRequest.encode({ taskId }).finish())).task);
  }

  /** Every task with `status` (0 = any), following pages. */
  async tasks(status: TaskStatus): Promise<Task[]> {
    const out: Task[] = [];
    let startAfter = 0n;
    for (;;) {
      const res = QueryTasksResponse.decode(await this.query(`${TT}/Tasks`, QueryTasksRequest.encode({ status, startAfter, limit: 100n }).finish()));
      out.push(...res.tasks);
      if (res.nextStartAfter === 0n || res.tasks.length === 0) return out;
      startAfter = res.nextStartAfter;
    }
  }

  async segment(taskId: bigint, segment: bigint): Promise<Segment | undefined> {
    return this.maybe(async () => QuerySegmentResponse.decode(await this.query(`${TT}/Segment`, QuerySegmentRequest.encode({ taskId, segment }).finish())).segment);
  }

  async proof(proofId: bigint): Promise<QueryProofResponse | undefined> {
    return this.maybe(async () => QueryProofResponse.decode(await this.query(`${TT}/Proof`, QueryProofRequest.encode({ proofId }).finish())));
  }

  async pendingChallenges(verifier: string): Promise<Proof[]> {
    return QueryPendingChallengesResponse.decode(await this.query(`${TT}/PendingChallenges`, QueryPendingChallengesRequest.encode({ verifier }).finish())).proofs;
  }

  async dataset(datasetId: bigint): Promise<Dataset | undefined> {
    return this.maybe(async () => QueryDatasetResponse.decode(await this.query("/trainchain.data_registry.v1.Query/Dataset", QueryDatasetRequest.encode({ datasetId }).finish())).dataset);
  }

  async validator(operatorAddress: string): Promise<Validator | undefined> {
    return this.maybe(async () => QueryValidatorResponse.decode(await this.query("/trainchain.staking.v1.Query/Validator", QueryValidatorRequest.encode({ operatorAddress }).finish())).validator);
  }

  /**
   * Sign and broadcast `msgs` (gas by simulation). Connection failures are retried; before each
   * retry `applied()` is asked whether the previous attempt landed after all (a broadcast can
   * succeed while its confirmation is lost to a node restart), which then counts as success.
   * A failure on chain (or in simulation) throws TxError.
   */
  async send(what: string, msgs: EncodeObject[], applied?: () => Promise<boolean>): Promise<DeliverTxResponse | undefined> {
    let first = true;
    return this.retry(what, async () => {
      if (!first && applied && (await applied())) return undefined;
      first = false;
      let res: DeliverTxResponse;
      try {
        res = await this.signer.signAndBroadcast(this.address, msgs, "auto");
      } catch (err) {
        const tx = txErrorFromSimulation(err);
        if (tx) throw tx;
        throw err;
      }
      if (res.code !== 0) throw new TxError(`${what} failed on chain with code ${res.code}: ${res.rawLog ?? ""}`, res.code, "");
      return res;
    });
  }
}
