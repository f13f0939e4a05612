// CometBFT's /websocket endpoint: JSON-RPC over a websocket, plus subscribe / unsubscribe /
// unsubscribe_all to event queries. One hub listens to the node and encodes each event's payload
// once, however many clients receive it; each client gets it wrapped with its own id and query.
import type { WebSocket } from "ws";
import type { Logger } from "pino";
import type { NodeEvent, NodeView } from "../node/types.js";
import { matchesQuery, parseQuery, QuerySyntaxError, type Query } from "../node/query.js";
import { RpcError, internalError } from "./errors.js";
import * as cmtjson from "./json.js";
import type { JsonValue } from "./json.js";
import { ParamReader } from "./params.js";
import { RPC_METHODS, callMethod, type MethodContext } from "./methods.js";
import { errorResponse, parseRequestBody, successResponse, type RequestId } from "./jsonrpc.js";

/** CometBFT defaults (config rpc.max_subscriptions_per_client / max_subscription_clients). */
const MAX_SUBSCRIPTIONS_PER_CLIENT = 5;
const MAX_SUBSCRIPTION_CLIENTS = 100;
/** A client whose unsent data exceeds this is dropped, as CometBFT cancels slow subscribers. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

interface Subscription {
  query: Query;
  /** Pre-serialized id of the subscribe request, echoed on every event. */
  idJson: string;
  queryJson: string;
}

class Client {
  readonly subscriptions = new Map<string, Subscription>();
  constructor(readonly socket: WebSocket) {}
}

/** One node event, with its JSON pieces encoded on first use and shared by all receivers. */
class EncodedEvent {
  private dataJson: string | undefined;
  private eventsJson: string | undefined;
  constructor(
    readonly event: NodeEvent,
    private readonly encodeData: (event: NodeEvent) => JsonValue,
    readonly events: Map<string, string[]>,
  ) {}

  message(sub: Subscription): string {
    this.dataJson ??= JSON.stringify(this.encodeData(this.event));
    this.eventsJson ??= JSON.stringify(cmtjson.eventMap(this.events));
    return `{"jsonrpc":"2.0","id":${sub.idJson},"result":{"query":${sub.queryJson},"data":${this.dataJson},"events":${this.eventsJson}}}`;
  }
}

function encodeEventData(event: NodeEvent): JsonValue {
  if (event.kind === "NewBlock") {
    return {
      type: "tendermint/event/NewBlock",
      value: {
        block: cmtjson.block(event.block),
        block_id: cmtjson.blockId(event.block.blockId),
        result_finalize_block: cmtjson.finalizeBlockResult(event.results),
      },
    };
  }
  return { type: "tendermint/event/Tx", value: { TxResult: cmtjson.txEventResult(event.tx) } };
}

function encodeHeaderData(event: NodeEvent): JsonValue {
  if (event.kind !== "NewBlock") throw new Error("NewBlockHeader is derived from NewBlock only");
  return { type: "tendermint/event/NewBlockHeader", value: { header: cmtjson.header(event.block.header) } };
}

export class EventHub {
  private readonly clients = new Set<Client>();
  private unsubscribeView: (() => void) | undefined;

  constructor(
    private readonly view: NodeView,
    private readonly log: Logger,
  ) {}

  /** Serves one websocket connection until it closes. */
  attach(socket: WebSocket): void {
    const client = new Client(socket);
    const ctx: MethodContext = { view: this.view, log: this.log };
    socket.on("message", (raw: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      void this.handleMessage(client, ctx, raw.toString("utf8")).then((reply) => {
        if (reply !== undefined && socket.readyState === socket.OPEN) socket.send(reply);
      });
    });
    socket.on("close", () => this.detach(client));
    socket.on("error", (err) => {
      this.log.debug({ err }, "websocket error");
      this.detach(client);
    });
  }

  close(): void {
    for (const client of this.clients) client.socket.close(1001, "server shutting down");
    this.clients.clear();
    this.stopListening();
  }

  private detach(client: Client): void {
    client.subscriptions.clear();
    this.clients.delete(client);
    if (this.clients.size === 0) this.stopListening();
  }

  private stopListening(): void {
    this.unsubscribeView?.();
    this.unsubscribeView = undefined;
  }

  private async handleMessage(client: Client, ctx: MethodContext, text: string): Promise<string | undefined> {
    const parsed = parseRequestBody(text);
    if (!parsed.ok) return parsed.response;
    if (Array.isArray(parsed.body)) {
      return errorResponse(null, new RpcError("INVALID_REQUEST", "batch requests are not supported over websocket"));
    }
    const request = parsed.body;
    const id: RequestId = request.id ?? null;
    try {
      switch (request.method) {
        case "subscribe":
          this.subscribe(client, id, ParamReader.fromJsonRpc(request.params, ["query"]));
          return successResponse(id, {});
        case "unsubscribe": {
          const query = ParamReader.fromJsonRpc(request.params, ["query"]).requiredString("query");
          if (!client.subscriptions.delete(query)) throw internalError("subscription not found");
          return successResponse(id, {});
        }
        case "unsubscribe_all":
          if (client.subscriptions.size === 0) throw internalError("subscription not found");
          client.subscriptions.clear();
          return successResponse(id, {});
      }
      const method = typeof request.method === "string" ? RPC_METHODS.get(request.method) : undefined;
      if (!method) throw new RpcError("METHOD_NOT_FOUND", "");
      const result = await callMethod(ctx, method, ParamReader.fromJsonRpc(request.params, method.params));
      return successResponse(id, result);
    } catch (err) {
      const rpcError = err instanceof RpcError ? err : internalError(err instanceof Error ? err.message : String(err));
      return errorResponse(id, rpcError);
    }
  }

  private subscribe(client: Client, id: RequestId, params: ParamReader): void {
    const source = params.requiredString("query");
    let query: Query;
    try {
      query = parseQuery(source);
    } catch (err) {
      if (err instanceof QuerySyntaxError) throw internalError(`failed to parse query: ${err.message}`);
      throw err;
    }
    if (client.subscriptions.has(source)) throw internalError("already subscribed");
    if (client.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_CLIENT) {
      throw internalError(`max_subscriptions_per_client ${MAX_SUBSCRIPTIONS_PER_CLIENT} reached`);
    }
    if (!this.clients.has(client) && this.clients.size >= MAX_SUBSCRIPTION_CLIENTS) {
      throw internalError(`max_subscription_clients ${MAX_SUBSCRIPTION_CLIENTS} reached`);
    }
    client.subscriptions.set(source, { query, idJson: JSON.stringify(id), queryJson: JSON.stringify(source) });
    this.clients.add(client);
    this.unsubscribeView ??= this.view.subscribe((event) => this.publish(event));
  }

  private publish(event: NodeEvent): void {
    const encoded = new EncodedEvent(event, encodeEventData, event.events);
    // CometBFT also publishes NewBlockHeader for every block; derive it so header subscribers work.
    let header: EncodedEvent | undefined;
    for (const client of this.clients) {
      for (const sub of client.subscriptions.values()) {
        let message: string | undefined;
        if (matchesQuery(sub.query, event.events)) {
          message = encoded.message(sub);
        } else if (event.kind === "NewBlock") {
          header ??= new EncodedEvent(event, encodeHeaderData, new Map([...event.events, ["tm.event", ["NewBlockHeader"]]]));
          if (matchesQuery(sub.query, header.events)) message = header.message(sub);
        }
        if (message !== undefined) this.send(client, message);
      }
    }
  }

  private send(client: Client, message: string): void {
    const socket = client.socket;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.log.warn({ buffered: socket.bufferedAmount }, "dropping websocket client that is not reading events");
      this.detach(client);
      socket.terminate();
      return;
    }
    socket.send(message);
  }
}
