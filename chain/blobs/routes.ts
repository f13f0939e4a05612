// The blob service as a fastify plugin: `PUT /blobs`, `GET|HEAD /blobs/<sha256>`. Register it with
// `app.register(blobRoutes(options))` on the node's API server or on a standalone server (blobd).
import { createReadStream } from "node:fs";
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply } from "fastify";
import type { Logger } from "pino";
import { API_ERRORS, type ApiErrorKind } from "../rpc/errors.ts";
import { BLOB_HASH_RE, BlobStore, BlobStoreError, type BlobStoreErrorCode } from "./store.ts";
import { DEFAULT_MAX_SKEW_SEC, verifySignedBlobGet } from "./auth.ts";
import type { AccessChecker } from "./access.ts";

export const DEFAULT_MAX_BLOB_BYTES = 512 * 1024 * 1024;

export interface BlobRoutesOptions {
  /** Blob directory (the node uses <home>/data/blobs). */
  dir: string;
  maxBlobBytes?: number;
  /** Disk quota over all blobs; 0 or absent = unlimited. */
  maxTotalBytes?: number;
  /** HasAccess for blobs uploaded with `?dataset=`; without it such blobs are never served. */
  access?: AccessChecker;
  logger?: Logger;
  /** Unix seconds; injectable for tests. */
  now?: () => number;
  maxSkewSec?: number;
}

const STORE_ERRORS: Record<BlobStoreErrorCode, ApiErrorKind> = {
  INVALID_HASH: "INVALID_ARGUMENT",
  HASH_MISMATCH: "INVALID_ARGUMENT",
  TOO_LARGE: "RESOURCE_EXHAUSTED",
  QUOTA_EXCEEDED: "RESOURCE_EXHAUSTED",
};

function sendError(reply: FastifyReply, kind: ApiErrorKind, message: string, status?: number): FastifyReply {
  const { grpcCode, httpStatus } = API_ERRORS[kind];
  return reply.code(status ?? httpStatus).type("application/json").send({ code: grpcCode, message, details: [] });
}

interface HashParams {
  hash: string;
}

interface PutQuery {
  sha256?: string;
  dataset?: string;
}

export function blobRoutes(options: BlobRoutesOptions): FastifyPluginAsync {
  const maxBlobBytes = options.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES;
  const now = options.now ?? ((): number => Math.floor(Date.now() / 1000));
  const maxSkew = options.maxSkewSec ?? DEFAULT_MAX_SKEW_SEC;

  return async (app: FastifyInstance): Promise<void> => {
    const store = new BlobStore({ dir: options.dir, maxBlobBytes, maxTotalBytes: options.maxTotalBytes ?? 0 });
    const log = (options.logger ?? app.log).child({ module: "blobs" });

    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: maxBlobBytes }, (_req, body, done) => done(null, body));

    app.setErrorHandler((error: FastifyError, _request, reply) => {
      if (error instanceof BlobStoreError) {
        const kind = STORE_ERRORS[error.code];
        return sendError(reply, kind, error.message, error.code === "TOO_LARGE" ? 413 : error.code === "QUOTA_EXCEEDED" ? 507 : undefined);
      }
      if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") return sendError(reply, "RESOURCE_EXHAUSTED", `blob exceeds the limit of ${maxBlobBytes} bytes`, 413);
      const status = error.statusCode ?? 500;
      if (status >= 500) log.error({ err: error }, "blob request failed");
      return sendError(reply, status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT", error.message, status);
    });

    const checkHash = (hash: string, reply: FastifyReply): boolean => {
      if (BLOB_HASH_RE.test(hash)) return true;
      void sendError(reply, "INVALID_ARGUMENT", `invalid blob hash ${JSON.stringify(hash.slice(0, 80))}: expected 64 lowercase hex characters`);
      return false;
    };

    app.put<{ Querystring: PutQuery }>(
      "/blobs",
      { schema: { querystring: { type: "object", properties: { sha256: { type: "string" }, dataset: { type: "string" } }, additionalProperties: false } } },
      async (request, reply) => {
        const body = request.body;
        const bytes = body instanceof Uint8Array ? body : new Uint8Array();
        const { sha256, dataset } = request.query;
        if (sha256 !== undefined && !BLOB_HASH_RE.test(sha256)) {
          return sendError(reply, "INVALID_ARGUMENT", `invalid sha256 ${JSON.stringify(sha256.slice(0, 80))}: expected 64 lowercase hex characters`);
        }
        let datasetId: bigint | undefined;
        if (dataset !== undefined) {
          if (!/^[1-9][0-9]{0,19}$/.test(dataset) || BigInt(dataset) >= 1n << 64n) {
            return sendError(reply, "INVALID_ARGUMENT", `invalid dataset ${JSON.stringify(dataset.slice(0, 40))}: expected a positive 64-bit integer`);
          }
          datasetId = BigInt(dataset);
        }
        const result = await store.put(bytes, sha256);
        if (datasetId !== undefined) await store.tag(result.hash, datasetId);
        if (result.created) log.debug({ hash: result.hash, size: result.size }, "blob stored");
        return reply.code(result.created ? 201 : 200).send({ sha256: result.hash, size: result.size, created: result.created });
      },
    );

    app.head<{ Params: HashParams }>("/blobs/:hash", async (request, reply) => {
      const { hash } = request.params;
      if (!checkHash(hash, reply)) return reply;
      const size = await store.size(hash);
      if (size === undefined) return reply.code(404).send();
      return reply.code(200).header("content-type", "application/octet-stream").header("content-length", size).send();
    });

    app.get<{ Params: HashParams }>("/blobs/:hash", { exposeHeadRoute: false }, async (request, reply) => {
      const { hash } = request.params;
      if (!checkHash(hash, reply)) return reply;
      const size = await store.size(hash);
      if (size === undefined) return sendError(reply, "NOT_FOUND", `blob ${hash} not found`);
      const datasets = await store.datasets(hash);
      if (datasets.length > 0) {
        const signed = verifySignedBlobGet(request.headers, hash, now(), maxSkew);
        if (!signed.ok) return sendError(reply, "PERMISSION_DENIED", `blob ${hash}: ${signed.reason}`);
        if (!options.access) return sendError(reply, "PERMISSION_DENIED", `blob ${hash}: this server cannot check dataset access (no chain connection)`);
        let allowed = false;
        for (const id of datasets) {
          if (await options.access.hasAccess(id, signed.address)) {
            allowed = true;
            break;
          }
        }
        if (!allowed) return sendError(reply, "PERMISSION_DENIED", `blob ${hash}: ${signed.address} has no access to dataset ${datasets.join(", ")}`);
      }
      return reply
        .code(200)
        .header("content-type", "application/octet-stream")
        .header("content-length", size)
        .header("cache-control", "public, max-age=31536000, immutable")
        .send(createReadStream(store.path(hash)));
    });
  };
}
