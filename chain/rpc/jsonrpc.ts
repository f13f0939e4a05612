// JSON-RPC 2.0 envelopes as CometBFT writes them. Each response is serialized exactly once here.
import { RPC_ERRORS, RpcError } from "./errors.js";
import type { JsonValue } from "./json.js";
import { ParamReader } from "./params.js";
import { RPC_METHODS, callMethod, type MethodContext } from "./methods.js";

export type RequestId = string | number | null;

export interface JsonRpcRequest {
  jsonrpc?: unknown;
  id?: RequestId;
  method?: unknown;
  params?: unknown;
}

/** CometBFT uses id -1 for responses to GET-URI requests. */
export const URI_REQUEST_ID = -1;

/** JSON.stringify, falling back to printing bigints as strings (genesis app_state may hold some). */
function stringify(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  }
}

export function successResponse(id: RequestId, result: JsonValue): string {
  return stringify({ jsonrpc: "2.0", id, result });
}

export function errorResponse(id: RequestId, error: RpcError): string {
  const { code, message } = RPC_ERRORS[error.kind];
  return stringify({ jsonrpc: "2.0", id, error: { code, message, data: error.data } });
}

function isRequestId(value: unknown): value is RequestId {
  return value === null || typeof value === "string" || typeof value === "number";
}

/** Parses a POST body into one request or a batch; on failure, the -32700/-32600 response to send. */
export function parseRequestBody(
  text: string | undefined,
): { ok: true; body: JsonRpcRequest | JsonRpcRequest[] } | { ok: false; response: string } {
  let body: unknown;
  try {
    if (text === undefined || text.trim() === "") throw new SyntaxError("empty request body");
    body = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return { ok: false, response: errorResponse(null, new RpcError("PARSE_ERROR", `error unmarshaling request: ${detail}`)) };
  }
  const isObject = (v: unknown): v is JsonRpcRequest => typeof v === "object" && v !== null && !Array.isArray(v);
  if (Array.isArray(body)) {
    if (body.length === 0 || !body.every(isObject)) {
      return { ok: false, response: errorResponse(null, new RpcError("INVALID_REQUEST", "batch must be a non-empty array of request objects")) };
    }
    return { ok: true, body };
  }
  if (!isObject(body)) {
    return { ok: false, response: errorResponse(null, new RpcError("INVALID_REQUEST", "request must be a JSON object")) };
  }
  return { ok: true, body };
}

/** Answers one JSON-RPC request; undefined for a notification (no id), which CometBFT skips. */
export async function handleRequest(ctx: MethodContext, request: JsonRpcRequest): Promise<string | undefined> {
  if (request.id === undefined) return undefined;
  const id = request.id;
  if (!isRequestId(id)) return errorResponse(null, new RpcError("INVALID_REQUEST", "id must be a string, a number or null"));
  const method = typeof request.method === "string" ? RPC_METHODS.get(request.method) : undefined;
  if (!method) return errorResponse(id, new RpcError("METHOD_NOT_FOUND", ""));
  try {
    const result = await callMethod(ctx, method, ParamReader.fromJsonRpc(request.params, method.params));
    return successResponse(id, result);
  } catch (err) {
    if (err instanceof RpcError) return errorResponse(id, err);
    throw err;
  }
}

/** Answers a GET-URI request (`/block?height=5`). */
export async function handleUriRequest(
  ctx: MethodContext,
  methodName: string,
  query: Record<string, string | string[] | undefined>,
): Promise<{ found: boolean; body: string }> {
  const method = RPC_METHODS.get(methodName);
  if (!method) return { found: false, body: errorResponse(URI_REQUEST_ID, new RpcError("METHOD_NOT_FOUND", "")) };
  try {
    const params = ParamReader.fromUri(query);
    return { found: true, body: successResponse(URI_REQUEST_ID, await callMethod(ctx, method, params)) };
  } catch (err) {
    if (err instanceof RpcError) return { found: true, body: errorResponse(URI_REQUEST_ID, err) };
    throw err;
  }
}
