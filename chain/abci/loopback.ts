// Loopback test mode: the node serves its application on an ABCI socket and the embedded engine
// drives it through an ABCI client over that socket instead of calling it in-process, so the whole
// node (and CosmJS against it) runs over the same protocol CometBFT uses.
//
// Only in this mode the node's block store and the application's state are written in two
// batches: the block (block store, results, indexes) first — as CometBFT saves a block before the
// application commits it — then Commit over the socket. A crash between the two leaves the block
// store one height ahead of the state, which the embedded engine refuses to start on; the default
// in-process mode keeps the single atomic batch.
import type { RequestFinalizeBlock, RequestInitChain, ResponseCommit, ResponseFinalizeBlock, ResponseInitChain, ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import type { Logger } from "pino";
import type { AbciApplication } from "../app.ts";
import type { BatchOp, ChainDb } from "../store/db.ts";
import type { EngineApp } from "../node/engine.ts";
import { AbciClient } from "./client.ts";
import { AbciServer } from "./server.ts";

interface PendingBlock {
  height: bigint;
  appHash: Uint8Array;
  validatorUpdates: ValidatorUpdate[];
}

/** The application as the engine sees it, reached only through ABCI requests. */
export class SocketDrivenApp implements EngineApp {
  private pending: PendingBlock | undefined;

  constructor(
    private readonly client: AbciClient,
    private readonly db: ChainDb,
    private lastHeight: bigint,
    private lastAppHash: Uint8Array,
    /** The validator set CometBFT would hold in its own state store; updated from InitChain and FinalizeBlock. */
    private validators: ValidatorUpdate[],
  ) {}

  get height(): bigint {
    return this.lastHeight;
  }

  get appHash(): Uint8Array {
    return this.lastAppHash;
  }

  validatorSet(): ValidatorUpdate[] {
    return this.validators;
  }

  async initChain(req: RequestInitChain): Promise<ResponseInitChain> {
    const res = await this.client.initChain(req);
    if (res.validators.length > 0) this.validators = res.validators;
    return res;
  }

  async finalizeBlock(req: RequestFinalizeBlock): Promise<ResponseFinalizeBlock> {
    const res = await this.client.finalizeBlock(req);
    if (res.txResults.length !== req.txs.length) throw new Error(`FinalizeBlock returned ${res.txResults.length} tx results for ${req.txs.length} txs`);
    this.pending = { height: req.height, appHash: res.appHash, validatorUpdates: res.validatorUpdates };
    return res;
  }

  async commit(extraOps: BatchOp[] = []): Promise<ResponseCommit> {
    const pending = this.pending;
    if (!pending) throw new Error("Commit without a finalized block");
    if (extraOps.length > 0) await this.db.commit(extraOps);
    const res = await this.client.commit();
    this.lastHeight = pending.height;
    this.lastAppHash = pending.appHash;
    this.validators = applyValidatorUpdates(this.validators, pending.validatorUpdates);
    this.pending = undefined;
    return res;
  }
}

/** CometBFT's rule: an update replaces the power of the validator with that key; power 0 removes it. */
export function applyValidatorUpdates(current: ValidatorUpdate[], updates: ValidatorUpdate[]): ValidatorUpdate[] {
  const key = (v: ValidatorUpdate): string => Buffer.from(v.pubKey?.ed25519 ?? v.pubKey?.secp256k1 ?? new Uint8Array()).toString("hex");
  const next = new Map(current.map((v) => [key(v), v]));
  for (const u of updates) {
    if (u.power === 0n) next.delete(key(u));
    else next.set(key(u), u);
  }
  return [...next.values()];
}

export interface AbciLoopback {
  app: SocketDrivenApp;
  server: AbciServer;
  close(): Promise<void>;
}

export interface AbciLoopbackOptions {
  /** tcp://HOST:PORT or unix://PATH for the server; the client dials the bound address. */
  address: string;
  /** The node's database, for the block store's batch. */
  db: ChainDb;
  /** The current validator set (CometBFT would load it from its state store on restart). */
  validators: ValidatorUpdate[];
  logger: Logger;
}

/** Serves `app` on the address and returns the engine's view of it through a client on that socket. */
export async function startAbciLoopback(app: AbciApplication, options: AbciLoopbackOptions): Promise<AbciLoopback> {
  const server = await AbciServer.listen(app, { address: options.address, logger: options.logger });
  let client: AbciClient;
  try {
    client = await AbciClient.connect(server.address);
  } catch (err) {
    await server.close();
    throw err;
  }
  const info = await client.info({ version: "0.38.x", blockVersion: 11n, p2pVersion: 8n, abciVersion: "2.0.0" });
  options.logger.child({ module: "abci-loopback" }).info({ address: server.address, height: Number(info.lastBlockHeight) }, "engine drives the app over the ABCI socket (test mode)");
  return {
    app: new SocketDrivenApp(client, options.db, info.lastBlockHeight, info.lastBlockAppHash, options.validators),
    server,
    close: async () => {
      client.close();
      await server.close();
    },
  };
}
