// The CometBFT-compatible RPC server: JSON-RPC 2.0 over POST / (single and batch), the GET-URI form
// (/block?height=5) and /websocket. Method errors are HTTP 200 with a JSON-RPC error, as in CometBFT.
import Fastify, { LogController, type FastifyInstance } from "fastify";
import websocketPlugin from "@fastify/websocket";
import { pino, type Logger } from "pino";
import type { NodeView } from "../node/types.js";
import { RPC_METHODS, type MethodContext } from "./methods.js";
import { handleRequest, handleUriRequest, parseRequestBody } from "./jsonrpc.js";
import { EventHub } from "./websocket.js";

export interface RpcServerOptions {
  /** Parent logger (a child `{module: "rpc"}` is used); false or absent disables logging. */
  logger?: Logger | false;
  /** Largest accepted request body; CometBFT's rpc.max_body_bytes default. */
  bodyLimit?: number;
}

const DEFAULT_BODY_LIMIT = 1_000_000;

function routeList(): string {
  const names = [...RPC_METHODS.keys()].sort();
  const links = names.map((name) => {
    const args = RPC_METHODS.get(name)!.params.map((p) => `${p}=_`).join("&");
    return `<a href="/${name}">/${name}${args ? `?${args}` : ""}</a></br>`;
  });
  return `<html><body><br>Available endpoints:<br>${links.join("")}</body></html>`;
}

export function buildRpcServer(view: NodeView, options: RpcServerOptions): FastifyInstance {
  const log: Logger = options.logger ? options.logger.child({ module: "rpc" }) : pino({ enabled: false });
  const app = Fastify({
    loggerInstance: log,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
  }) as unknown as FastifyInstance;
  const ctx: MethodContext = { view, log };
  const hub = new EventHub(view, log);

  // JSON-RPC bodies are parsed here, not by fastify, so malformed JSON answers -32700 like CometBFT.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));

  app.post("/", async (request, reply) => {
    const parsed = parseRequestBody(typeof request.body === "string" ? request.body : undefined);
    reply.header("content-type", "application/json");
    if (!parsed.ok) return reply.send(parsed.response);
    if (Array.isArray(parsed.body)) {
      const responses = await Promise.all(parsed.body.map((r) => handleRequest(ctx, r)));
      const present = responses.filter((r): r is string => r !== undefined);
      return reply.send(present.length === 0 ? "" : `[${present.join(",")}]`);
    }
    return reply.send((await handleRequest(ctx, parsed.body)) ?? "");
  });

  app.get("/", async (_request, reply) => reply.header("content-type", "text/html").send(routeList()));

  app.get<{ Params: { method: string }; Querystring: Record<string, string | string[] | undefined> }>(
    "/:method",
    async (request, reply) => {
      const { found, body } = await handleUriRequest(ctx, request.params.method, request.query);
      return reply.code(found ? 200 : 404).header("content-type", "application/json").send(body);
    },
  );

  void app.register(websocketPlugin, { options: { maxPayload: options.bodyLimit ?? DEFAULT_BODY_LIMIT } });
  void app.register(async (instance) => {
    instance.get("/websocket", { websocket: true }, (socket) => hub.attach(socket));
  });
  app.addHook("preClose", async () => hub.close());

  return app;
}
