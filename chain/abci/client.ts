// An ABCI socket client: speaks the CometBFT v0.38 protocol to a server and presents it as an
// AbciApplication. The embedded engine uses it in the loopback test mode; tests use it to drive
// `trainchain start --abci`. Like CometBFT's socket client, every call is followed by a Flush and
// responses are matched to requests by order.
import { connect, type Socket } from "node:net";
import {
  Request,
  Response,
  type RequestCheckTx,
  type RequestFinalizeBlock,
  type RequestInfo,
  type RequestInitChain,
  type RequestPrepareProposal,
  type RequestProcessProposal,
  type RequestQuery,
  type ResponseCheckTx,
  type ResponseCommit,
  type ResponseFinalizeBlock,
  type ResponseInfo,
  type ResponseInitChain,
  type ResponsePrepareProposal,
  type ResponseProcessProposal,
  type ResponseQuery,
} from "cosmjs-types/tendermint/abci/types";
import type { AbciApplication } from "../app.ts";
import type { BatchOp } from "../store/db.ts";
import { DEFAULT_MAX_FRAME_BYTES, encodeFrame, FrameDecoder } from "./frame.ts";
import { parseAbciAddress } from "./address.ts";

type ResponseKind = Exclude<keyof Response, "exception">;

interface Waiter {
  kind: ResponseKind;
  resolve(res: Response): void;
  reject(err: Error): void;
}

/** A response of type "exception": the application failed the request. */
export class AbciException extends Error {}

export class AbciClient implements AbciApplication {
  private readonly waiters: Waiter[] = [];
  private readonly decoder: FrameDecoder;
  private closedError: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    maxFrameBytes: number,
  ) {
    this.decoder = new FrameDecoder(maxFrameBytes);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) => this.failAll(new Error(`ABCI connection failed: ${err.message}`)));
    socket.on("close", () => this.failAll(new Error("ABCI connection closed")));
  }

  static async connect(address: string, options: { maxFrameBytes?: number } = {}): Promise<AbciClient> {
    const a = parseAbciAddress(address);
    const socket = a.kind === "unix" ? connect(a.path) : connect(a.port, a.host);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("error", (err) => reject(new Error(`cannot connect to the ABCI server at ${address}: ${err.message}`)));
    });
    return new AbciClient(socket, options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
  }

  /** Sends one request followed by a Flush and resolves with the matching response. */
  async call<K extends ResponseKind>(request: Request, kind: K): Promise<NonNullable<Response[K]>> {
    if (this.closedError) throw this.closedError;
    const answered = this.expect(kind);
    const flushed = this.expect("flush");
    // a failed call still gets its Flush answered (or the connection fails): never left unhandled
    flushed.catch(() => undefined);
    this.socket.write(Buffer.concat([encodeFrame(Request.encode(request).finish()), encodeFrame(Request.encode(Request.fromPartial({ flush: {} })).finish())]));
    const res = await answered;
    await flushed;
    return res[kind] as NonNullable<Response[K]>;
  }

  private expect(kind: ResponseKind): Promise<Response> {
    return new Promise<Response>((resolve, reject) => this.waiters.push({ kind, resolve, reject }));
  }

  private onData(chunk: Buffer): void {
    for (const event of this.decoder.push(chunk)) {
      if (event.kind === "error") {
        this.close(new Error(`malformed frame from the ABCI server: ${event.reason}`));
        return;
      }
      const waiter = this.waiters.shift();
      if (!waiter) {
        this.close(new Error("ABCI server sent a response nobody asked for"));
        return;
      }
      let res: Response;
      try {
        res = Response.decode(event.body);
      } catch (err) {
        waiter.reject(new Error(`undecodable Response: ${(err as Error).message}`));
        this.close(new Error("ABCI server sent an undecodable Response"));
        return;
      }
      if (res.exception) waiter.reject(new AbciException(`ABCI exception: ${res.exception.error}`));
      else if (res[waiter.kind] === undefined) {
        waiter.reject(new Error(`ABCI server answered out of order: expected ${waiter.kind}`));
        this.close(new Error("ABCI server answered out of order"));
        return;
      } else waiter.resolve(res);
    }
  }

  private failAll(err: Error): void {
    this.closedError ??= err;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }

  close(err: Error = new Error("ABCI client closed")): void {
    this.failAll(err);
    this.socket.destroy();
  }

  async echo(message: string): Promise<string> {
    return (await this.call(Request.fromPartial({ echo: { message } }), "echo")).message;
  }

  async info(req: RequestInfo): Promise<ResponseInfo> {
    return this.call(Request.fromPartial({ info: req }), "info");
  }

  async initChain(req: RequestInitChain): Promise<ResponseInitChain> {
    return this.call(Request.fromPartial({ initChain: req }), "initChain");
  }

  async checkTx(req: RequestCheckTx): Promise<ResponseCheckTx> {
    return this.call(Request.fromPartial({ checkTx: req }), "checkTx");
  }

  async prepareProposal(req: RequestPrepareProposal): Promise<ResponsePrepareProposal> {
    return this.call(Request.fromPartial({ prepareProposal: req }), "prepareProposal");
  }

  async processProposal(req: RequestProcessProposal): Promise<ResponseProcessProposal> {
    return this.call(Request.fromPartial({ processProposal: req }), "processProposal");
  }

  async finalizeBlock(req: RequestFinalizeBlock): Promise<ResponseFinalizeBlock> {
    return this.call(Request.fromPartial({ finalizeBlock: req }), "finalizeBlock");
  }

  /** A remote application persists its own state; the caller writes anything else itself. */
  async commit(extraOps: BatchOp[] = []): Promise<ResponseCommit> {
    if (extraOps.length > 0) throw new Error("an ABCI socket application cannot persist extra batch ops; write them to the node's own database");
    return this.call(Request.fromPartial({ commit: {} }), "commit");
  }

  async query(req: RequestQuery): Promise<ResponseQuery> {
    return this.call(Request.fromPartial({ query: req }), "query");
  }
}
