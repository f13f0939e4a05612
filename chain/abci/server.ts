// The ABCI socket server CometBFT v0.38 connects to (`trainchain start --abci ADDR`). CometBFT opens
// four connections — query, snapshot, mempool, consensus — without naming them, so requests are
// routed by type to the one application. Per connection, requests are answered strictly in the
// order received (each handler is awaited before the next starts); responses are buffered and
// written on Flush or when the connection has nothing left queued. Across connections, calls into
// the application are serialised too, so a CheckTx or Query never interleaves with a Commit.
import { createServer, type Server, type Socket } from "node:net";
import { existsSync, lstatSync, unlinkSync } from "node:fs";
import {
  Request,
  Response,
  ResponseApplySnapshotChunk_Result,
  ResponseOfferSnapshot_Result,
  ResponseVerifyVoteExtension_VerifyStatus,
} from "cosmjs-types/tendermint/abci/types";
import type { Logger } from "pino";
import type { AbciApplication } from "../app.ts";
import { DEFAULT_MAX_FRAME_BYTES, encodeFrame, FrameDecoder } from "./frame.ts";
import { formatAbciAddress, parseAbciAddress, type AbciAddress } from "./address.ts";

export interface AbciServerOptions {
  /** tcp://HOST:PORT (port 0 picks a free one) or unix://PATH. */
  address: string;
  logger: Logger;
  maxFrameBytes?: number;
}

/** The connection a request type belongs to in CometBFT; used in logs only. */
export type AbciConnectionKind = "consensus" | "mempool" | "query" | "snapshot";

type RequestKind = keyof Request;

const CONNECTION_OF: Record<RequestKind, AbciConnectionKind | undefined> = {
  echo: undefined,
  flush: undefined,
  info: "query",
  query: "query",
  checkTx: "mempool",
  initChain: "consensus",
  prepareProposal: "consensus",
  processProposal: "consensus",
  extendVote: "consensus",
  verifyVoteExtension: "consensus",
  finalizeBlock: "consensus",
  commit: "consensus",
  listSnapshots: "snapshot",
  offerSnapshot: "snapshot",
  loadSnapshotChunk: "snapshot",
  applySnapshotChunk: "snapshot",
};

const REQUEST_KINDS = Object.keys(CONNECTION_OF) as RequestKind[];

/** The oneof case a decoded Request carries, or undefined for an empty or unknown one. */
export function requestKind(req: Request): RequestKind | undefined {
  return REQUEST_KINDS.find((k) => req[k] !== undefined);
}

/** Serialises calls into the application across connections. */
class AppLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** Answers one request; undefined means the request type is unknown (the connection closes). */
async function dispatch(app: AbciApplication, req: Request, lock: AppLock): Promise<Response | undefined> {
  if (req.echo) return Response.fromPartial({ echo: { message: req.echo.message } });
  if (req.flush) return Response.fromPartial({ flush: {} });
  if (req.info) {
    const r = req.info;
    return Response.fromPartial({ info: await lock.run(() => app.info(r)) });
  }
  if (req.query) {
    const r = req.query;
    return Response.fromPartial({ query: await lock.run(() => app.query(r)) });
  }
  if (req.checkTx) {
    const r = req.checkTx;
    return Response.fromPartial({ checkTx: await lock.run(() => app.checkTx(r)) });
  }
  if (req.initChain) {
    const r = req.initChain;
    return Response.fromPartial({ initChain: await lock.run(() => app.initChain(r)) });
  }
  if (req.prepareProposal) {
    const r = req.prepareProposal;
    return Response.fromPartial({ prepareProposal: await lock.run(() => app.prepareProposal(r)) });
  }
  if (req.processProposal) {
    const r = req.processProposal;
    return Response.fromPartial({ processProposal: await lock.run(() => app.processProposal(r)) });
  }
  // Vote extensions are not used: empty extension, every extension accepted.
  if (req.extendVote) return Response.fromPartial({ extendVote: { voteExtension: new Uint8Array() } });
  if (req.verifyVoteExtension) return Response.fromPartial({ verifyVoteExtension: { status: ResponseVerifyVoteExtension_VerifyStatus.ACCEPT } });
  if (req.finalizeBlock) {
    const r = req.finalizeBlock;
    return Response.fromPartial({ finalizeBlock: await lock.run(() => app.finalizeBlock(r)) });
  }
  // In ABCI mode Commit persists the application state only: CometBFT keeps its own block store.
  if (req.commit) return Response.fromPartial({ commit: await lock.run(() => app.commit()) });
  // State sync is not supported: no snapshots to offer, and any offered one aborts restoration.
  if (req.listSnapshots) return Response.fromPartial({ listSnapshots: { snapshots: [] } });
  if (req.offerSnapshot) return Response.fromPartial({ offerSnapshot: { result: ResponseOfferSnapshot_Result.ABORT } });
  if (req.loadSnapshotChunk) return Response.fromPartial({ loadSnapshotChunk: { chunk: new Uint8Array() } });
  if (req.applySnapshotChunk) return Response.fromPartial({ applySnapshotChunk: { result: ResponseApplySnapshotChunk_Result.ABORT, refetchChunks: [], rejectSenders: [] } });
  return undefined;
}

class AbciConnection {
  private readonly decoder: FrameDecoder;
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private out: Uint8Array[] = [];
  private kind: AbciConnectionKind | undefined;
  private closed = false;
  private readonly log: Logger;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly app: AbciApplication,
    private readonly lock: AppLock,
    maxFrameBytes: number,
    logger: Logger,
  ) {
    this.decoder = new FrameDecoder(maxFrameBytes);
    this.log = logger.child({ conn: id });
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) => this.log.warn({ err: err.message }, "ABCI connection error"));
    socket.on("close", () => {
      this.closed = true;
      this.log.debug({ kind: this.kind }, "ABCI connection closed");
    });
  }

  /** Resolves once every request received so far has been answered. */
  idle(): Promise<void> {
    return this.chain;
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    for (const event of this.decoder.push(chunk)) {
      if (event.kind === "error") {
        // stop reading: nothing after a broken frame can be trusted
        this.socket.pause();
        this.enqueue(async () => this.fail(event.reason));
        return;
      }
      const body = event.body;
      this.enqueue(() => this.handle(body));
    }
  }

  private enqueue(step: () => Promise<void>): void {
    this.queued++;
    this.chain = this.chain.then(async () => {
      try {
        if (!this.closed) await step();
      } catch (err) {
        this.log.error({ err: (err as Error).message }, "ABCI connection failed");
        this.destroy();
      } finally {
        this.queued--;
      }
      if (this.queued === 0) await this.write();
    });
  }

  private async handle(body: Uint8Array): Promise<void> {
    let req: Request;
    try {
      req = Request.decode(body);
    } catch (err) {
      return this.fail(`undecodable Request: ${(err as Error).message}`);
    }
    const kind = requestKind(req);
    if (kind === undefined) return this.fail("Request carries no known request type (unknown oneof field)");
    const connection = CONNECTION_OF[kind];
    if (connection && this.kind === undefined) {
      this.kind = connection;
      this.log.debug({ kind: connection }, "ABCI connection identified");
    }
    let res: Response | undefined;
    try {
      res = await dispatch(this.app, req, this.lock);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.error({ request: kind, err: message }, "ABCI request failed; answering with an exception");
      res = Response.fromPartial({ exception: { error: message } });
    }
    if (res === undefined) return this.fail(`request type ${kind} is not served`);
    this.out.push(encodeFrame(Response.encode(res).finish()));
    if (kind === "flush") await this.write();
  }

  private async fail(reason: string): Promise<void> {
    this.log.warn({ kind: this.kind, reason }, "malformed ABCI frame; closing the connection");
    await this.write();
    this.closed = true;
    this.socket.end(() => this.socket.destroy());
  }

  /** Writes the buffered responses; waits for the socket to drain when its buffer is full. */
  private async write(): Promise<void> {
    if (this.out.length === 0 || this.socket.destroyed) {
      this.out = [];
      return;
    }
    const bytes = Buffer.concat(this.out);
    this.out = [];
    if (!this.socket.write(bytes)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.socket.off("drain", done);
          this.socket.off("close", done);
          resolve();
        };
        this.socket.on("drain", done);
        this.socket.on("close", done);
      });
    }
  }
}

export class AbciServer {
  private readonly connections = new Set<AbciConnection>();
  private nextId = 1;
  private readonly log: Logger;
  private readonly lock = new AppLock();

  private constructor(
    private readonly server: Server,
    private readonly app: AbciApplication,
    private readonly bound: AbciAddress,
    private readonly options: AbciServerOptions,
  ) {
    this.log = options.logger.child({ module: "abci" });
  }

  /** Listens on the address and serves `app` to every connection. */
  static async listen(app: AbciApplication, options: AbciServerOptions): Promise<AbciServer> {
    const address = parseAbciAddress(options.address);
    if (address.kind === "unix" && existsSync(address.path)) {
      // a socket left by a killed process; anything else at that path is not ours to remove
      if (!lstatSync(address.path).isSocket()) throw new Error(`cannot listen on ${options.address}: ${address.path} exists and is not a socket`);
      unlinkSync(address.path);
    }
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", (err) => reject(new Error(`cannot listen on ${options.address}: ${err.message}`)));
      if (address.kind === "unix") server.listen(address.path, () => resolve());
      else server.listen(address.port, address.host, () => resolve());
    });
    let bound = address;
    const info = server.address();
    if (address.kind === "tcp" && typeof info === "object" && info) bound = { kind: "tcp", host: address.host, port: info.port };
    const abci = new AbciServer(server, app, bound, options);
    server.on("connection", (socket) => abci.accept(socket));
    abci.log.info({ address: abci.address }, "ABCI server listening");
    return abci;
  }

  /** The address actually bound (with the chosen port when 0 was asked for). */
  get address(): string {
    return formatAbciAddress(this.bound);
  }

  private accept(socket: Socket): void {
    const conn = new AbciConnection(this.nextId++, socket, this.app, this.lock, this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES, this.log);
    this.connections.add(conn);
    socket.on("close", () => this.connections.delete(conn));
    this.log.debug({ conn: conn.id, remote: socket.remoteAddress ?? "unix" }, "ABCI connection opened");
  }

  /** Stops accepting, lets each connection finish the request it is handling, then closes them. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const conns = [...this.connections];
    for (const c of conns) c.destroy();
    await Promise.all(conns.map((c) => c.idle()));
    await closed;
    this.log.info({ address: this.address }, "ABCI server closed");
  }
}
