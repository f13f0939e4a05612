// Client of the content-addressed blob store (`PUT /blobs`, `GET|HEAD /blobs/<sha256>`).
// Every read is hash-checked; connection errors and 5xx answers are retried with bounded backoff.
import { createHash } from "node:crypto";
import { signedBlobHeaders, type BlobSigner } from "./auth.ts";

const HASH_RE = /^[0-9a-f]{64}$/;

/** The node's API server, which serves the blob store by default. */
export const DEFAULT_BLOB_BASE = "http://127.0.0.1:1317";

export interface BlobClientOptions {
  /** Signs GETs (needed for blobs of ALLOWLIST datasets). */
  signer?: BlobSigner;
  /** Attempts per request, including the first (default 5). */
  attempts?: number;
  /** First backoff delay in ms, doubled per retry (default 200). */
  backoffMs?: number;
}

export interface PutOptions {
  /** Record the blob as belonging to this (ALLOWLIST) dataset. */
  dataset?: bigint | string;
  /** The blob's sha256 when the caller knows it (the store checks it against what it receives). */
  sha256?: string;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function checkHash(hash: string): string {
  const h = hash.toLowerCase();
  if (!HASH_RE.test(h)) throw new Error(`blob ${hash}: not a sha256 hex digest (expected 64 hex characters)`);
  return h;
}

function describeFetchError(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

async function errorBody(res: Response): Promise<string> {
  const text = (await res.text().catch(() => "")).trim();
  try {
    const json = JSON.parse(text) as { error?: string; message?: string };
    return json.error ?? json.message ?? text;
  } catch {
    return text.split("\n")[0] ?? "";
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class BlobClient {
  readonly baseUrl: string;
  private readonly signer: BlobSigner | undefined;
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(baseUrl: string, options: BlobClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.signer = options.signer;
    this.attempts = Math.max(1, options.attempts ?? 5);
    this.backoffMs = options.backoffMs ?? 200;
  }

  uri(hash: string): string {
    return `${this.baseUrl}/blobs/${checkHash(hash)}`;
  }

  /** Uploads bytes; returns their lowercase hex sha256 (the server checks it). Idempotent. */
  async put(bytes: Uint8Array, options: PutOptions = {}): Promise<string> {
    const hash = options.sha256 !== undefined ? checkHash(options.sha256) : sha256Hex(bytes);
    const query = new URLSearchParams({ sha256: hash });
    if (options.dataset !== undefined) query.set("dataset", String(options.dataset));
    const url = `${this.baseUrl}/blobs?${query.toString()}`;
    const res = await this.request(url, () => ({ method: "PUT", headers: { "content-type": "application/octet-stream" }, body: bytes }), `put blob ${hash}`);
    if (!res.ok) throw new Error(`put blob ${hash} to ${this.baseUrl}: HTTP ${res.status} ${await errorBody(res)}`);
    await res.arrayBuffer();
    return hash;
  }

  /** Downloads a blob and checks its sha256. */
  async get(hash: string): Promise<Uint8Array> {
    const h = checkHash(hash);
    return fetchChecked(this.uri(h), h, this.signer, (url, init, what) => this.request(url, init, what));
  }

  async has(hash: string): Promise<boolean> {
    const h = checkHash(hash);
    const res = await this.request(this.uri(h), () => ({ method: "HEAD" }), `head blob ${h}`);
    if (res.status === 404) return false;
    if (res.ok) return true;
    throw new Error(`head blob ${h} at ${this.baseUrl}: HTTP ${res.status}`);
  }

  private async request(url: string, init: () => RequestInit, what: string): Promise<Response> {
    return requestWithRetry(url, init, what, this.attempts, this.backoffMs);
  }
}

type Requester = (url: string, init: () => RequestInit, what: string) => Promise<Response>;

async function requestWithRetry(url: string, init: () => RequestInit, what: string, attempts: number, backoffMs: number): Promise<Response> {
  let last = "";
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(backoffMs * 2 ** (attempt - 1));
    let res: Response;
    try {
      res = await fetch(url, init());
    } catch (err) {
      last = describeFetchError(err);
      continue;
    }
    if (res.status >= 500) {
      last = `HTTP ${res.status} ${await errorBody(res)}`;
      continue;
    }
    return res;
  }
  throw new Error(`${what}: ${url} unreachable after ${attempts} attempts (${last})`);
}

async function fetchChecked(url: string, hash: string, signer: BlobSigner | undefined, request: Requester): Promise<Uint8Array> {
  // sign at each attempt: the timestamp must stay fresh across retries
  const res = await request(url, () => ({ method: "GET", headers: signer ? signedBlobHeaders(signer, hash) : {} }), `blob ${hash}`);
  if (!res.ok) throw new Error(`blob ${hash}: GET ${url} answered HTTP ${res.status} ${await errorBody(res)}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const got = sha256Hex(bytes);
  if (got !== hash) throw new Error(`blob ${hash}: hash mismatch (got sha256 ${got} for ${bytes.length} bytes from ${url})`);
  return bytes;
}

/**
 * Fetches a blob by URI (http(s):// URL, or a `file://` path) and checks it hashes to
 * `expectedHash`. An http URI ending in `/blobs` (a store's base) gets `/<hash>` appended.
 */
export async function fetchBlobUri(uri: string, expectedHash: string, signer?: BlobSigner): Promise<Uint8Array> {
  const hash = checkHash(expectedHash);
  if (uri.startsWith("file://")) {
    const { readFile } = await import("node:fs/promises");
    const { fileURLToPath } = await import("node:url");
    const bytes = new Uint8Array(await readFile(fileURLToPath(uri)).catch((err: Error) => {
      throw new Error(`blob ${hash}: cannot read ${uri}: ${err.message}`);
    }));
    const got = sha256Hex(bytes);
    if (got !== hash) throw new Error(`blob ${hash}: hash mismatch (got sha256 ${got} for ${bytes.length} bytes from ${uri})`);
    return bytes;
  }
  if (!/^https?:\/\//.test(uri)) throw new Error(`blob ${hash}: unsupported URI ${JSON.stringify(uri)} (expected http(s):// or file://)`);
  let url = uri.replace(/\/+$/, "");
  if (!HASH_RE.test(url.slice(-64))) url = url.endsWith("/blobs") ? `${url}/${hash}` : `${url}/blobs/${hash}`;
  return fetchChecked(url, hash, signer, (u, init, what) => requestWithRetry(u, init, what, 5, 200));
}
