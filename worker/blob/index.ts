export { BlobClient, DEFAULT_BLOB_BASE, fetchBlobUri, sha256Hex } from "./client.ts";
export type { BlobClientOptions, PutOptions } from "./client.ts";
export { BLOB_AUTH_HEADERS, blobGetDigest } from "../../chain/blobs/auth.ts";
export { blobSignerFromMnemonic, blobSignerFromPrivateKey, signedBlobHeaders } from "./auth.ts";
export type { BlobSigner } from "./auth.ts";
export { uploadDatasetDir } from "./dataset.ts";
export type { UploadedDataset } from "./dataset.ts";
