export { blobRoutes, DEFAULT_MAX_BLOB_BYTES } from "./routes.ts";
export type { BlobRoutesOptions } from "./routes.ts";
export { BlobStore, BlobStoreError, BLOB_HASH_RE } from "./store.ts";
export type { BlobStoreOptions, BlobStoreErrorCode, PutResult } from "./store.ts";
export { accessFromNodeView, accessFromRpc } from "./access.ts";
export type { AccessChecker } from "./access.ts";
export { BLOB_AUTH_HEADERS, blobGetDigest, verifySignedBlobGet, DEFAULT_MAX_SKEW_SEC } from "./auth.ts";
export type { SignedRequestResult } from "./auth.ts";
export { buildBlobServer } from "./server.ts";
