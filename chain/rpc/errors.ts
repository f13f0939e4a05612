// One registry of error codes for both HTTP servers: JSON-RPC 2.0 codes as CometBFT answers them, and
// the gRPC-gateway codes (with their HTTP status) the Cosmos REST API answers with.

/** JSON-RPC error codes and messages exactly as CometBFT's rpc/jsonrpc/types uses them. */
export const RPC_ERRORS = {
  PARSE_ERROR: { code: -32700, message: "Parse error" },
  INVALID_REQUEST: { code: -32600, message: "Invalid Request" },
  METHOD_NOT_FOUND: { code: -32601, message: "Method not found" },
  INVALID_PARAMS: { code: -32602, message: "Invalid params" },
  INTERNAL_ERROR: { code: -32603, message: "Internal error" },
  SERVER_ERROR: { code: -32000, message: "Server error" },
} as const;

export type RpcErrorKind = keyof typeof RPC_ERRORS;

/** A JSON-RPC failure; `data` is the human-readable detail CometBFT puts in `error.data`. */
export class RpcError extends Error {
  readonly kind: RpcErrorKind;
  readonly data: string;
  constructor(kind: RpcErrorKind, data: string) {
    super(data === "" ? RPC_ERRORS[kind].message : `${RPC_ERRORS[kind].message}: ${data}`);
    this.name = "RpcError";
    this.kind = kind;
    this.data = data;
  }
}

export function invalidParams(data: string): RpcError {
  return new RpcError("INVALID_PARAMS", data);
}

export function internalError(data: string): RpcError {
  return new RpcError("INTERNAL_ERROR", data);
}

/** gRPC status codes (google.golang.org/grpc/codes) and the HTTP status grpc-gateway maps each to. */
export const API_ERRORS = {
  CANCELLED: { grpcCode: 1, httpStatus: 499 },
  UNKNOWN: { grpcCode: 2, httpStatus: 500 },
  INVALID_ARGUMENT: { grpcCode: 3, httpStatus: 400 },
  DEADLINE_EXCEEDED: { grpcCode: 4, httpStatus: 504 },
  NOT_FOUND: { grpcCode: 5, httpStatus: 404 },
  ALREADY_EXISTS: { grpcCode: 6, httpStatus: 409 },
  PERMISSION_DENIED: { grpcCode: 7, httpStatus: 403 },
  RESOURCE_EXHAUSTED: { grpcCode: 8, httpStatus: 429 },
  FAILED_PRECONDITION: { grpcCode: 9, httpStatus: 400 },
  UNIMPLEMENTED: { grpcCode: 12, httpStatus: 501 },
  INTERNAL: { grpcCode: 13, httpStatus: 500 },
  UNAVAILABLE: { grpcCode: 14, httpStatus: 503 },
  UNAUTHENTICATED: { grpcCode: 16, httpStatus: 401 },
} as const;

export type ApiErrorKind = keyof typeof API_ERRORS;

/** A REST failure, rendered as grpc-gateway's `{code, message, details: []}` body. */
export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  constructor(kind: ApiErrorKind, message: string) {
    super(message);
    this.name = "ApiError";
    this.kind = kind;
  }

  get httpStatus(): number {
    return API_ERRORS[this.kind].httpStatus;
  }

  toBody(): { code: number; message: string; details: never[] } {
    return { code: API_ERRORS[this.kind].grpcCode, message: this.message, details: [] };
  }
}

/**
 * Maps an ABCI query failure (codespace "sdk") to the gRPC status the SDK's query server would have
 * returned; baseapp does the reverse mapping (gRPCErrorToSDKError) when answering ABCI queries.
 */
export function apiErrorFromAbci(code: number, codespace: string, log: string): ApiError {
  const message = log.replace(/^rpc error: code = \w+ desc = /, "");
  const grpcKind = /^rpc error: code = (\w+) desc = /.exec(log)?.[1];
  const fromGrpcName: Record<string, ApiErrorKind> = {
    NotFound: "NOT_FOUND",
    InvalidArgument: "INVALID_ARGUMENT",
    Unauthenticated: "UNAUTHENTICATED",
    PermissionDenied: "PERMISSION_DENIED",
    FailedPrecondition: "FAILED_PRECONDITION",
    Unimplemented: "UNIMPLEMENTED",
    Unavailable: "UNAVAILABLE",
    AlreadyExists: "ALREADY_EXISTS",
    Internal: "INTERNAL",
  };
  if (grpcKind !== undefined && fromGrpcName[grpcKind] !== undefined) {
    return new ApiError(fromGrpcName[grpcKind], message);
  }
  if (codespace === "sdk" || codespace === "") {
    switch (code) {
      case 22: // key not found
        return new ApiError("NOT_FOUND", message);
      case 2: // tx decode
      case 7: // invalid address
      case 10: // invalid coins
      case 18: // invalid request
        return new ApiError("INVALID_ARGUMENT", message);
      case 4: // unauthorized
        return new ApiError("UNAUTHENTICATED", message);
      case 6: // unknown request (no such query route)
        return new ApiError("UNIMPLEMENTED", message);
    }
  }
  return new ApiError("UNKNOWN", message);
}
