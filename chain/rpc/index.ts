export { buildRpcServer } from "./server.js";
export type { RpcServerOptions } from "./server.js";
export { buildApiServer } from "./api.js";
export type { ApiServerOptions, MessageCodec } from "./api.js";
export { ApiError, RpcError, API_ERRORS, RPC_ERRORS, apiErrorFromAbci } from "./errors.js";
export type { ApiErrorKind, RpcErrorKind } from "./errors.js";
export { COMETBFT_VERSION } from "./json.js";
