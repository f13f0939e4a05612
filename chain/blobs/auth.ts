// Server half of signed blob reads (client: worker/blob/auth.ts): the signature must be by the
// pubkey, the address must be that pubkey's, and the time within the allowed skew.
import { createHash } from "node:crypto";
import secp256k1 from "secp256k1";
import { pubkeyToAddress, toBech32 } from "../framework/address.ts";

export const BLOB_AUTH_HEADERS = {
  address: "x-trainchain-address",
  pubkey: "x-trainchain-pubkey",
  time: "x-trainchain-time",
  signature: "x-trainchain-signature",
} as const;

export const DEFAULT_MAX_SKEW_SEC = 300;

export function blobGetDigest(hash: string, unixTime: number): Uint8Array {
  return new Uint8Array(createHash("sha256").update(`trainchain-blob-get\n${hash}\n${unixTime}`).digest());
}

export type SignedRequestResult = { ok: true; address: string } | { ok: false; reason: string };

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Checks a signed GET of `hash`; `nowSec` is the server's unix time. */
export function verifySignedBlobGet(headers: Headers, hash: string, nowSec: number, maxSkewSec: number = DEFAULT_MAX_SKEW_SEC): SignedRequestResult {
  const address = header(headers, BLOB_AUTH_HEADERS.address);
  const pubkeyB64 = header(headers, BLOB_AUTH_HEADERS.pubkey);
  const timeText = header(headers, BLOB_AUTH_HEADERS.time);
  const sigB64 = header(headers, BLOB_AUTH_HEADERS.signature);
  if (address === undefined || pubkeyB64 === undefined || timeText === undefined || sigB64 === undefined) {
    return { ok: false, reason: `this blob belongs to an access-controlled dataset: sign the request (headers ${Object.values(BLOB_AUTH_HEADERS).join(", ")})` };
  }
  if (!/^[0-9]{1,12}$/.test(timeText)) return { ok: false, reason: `invalid ${BLOB_AUTH_HEADERS.time} ${JSON.stringify(timeText)}: expected unix seconds` };
  const time = Number(timeText);
  if (Math.abs(nowSec - time) > maxSkewSec) return { ok: false, reason: `request time ${time} is more than ${maxSkewSec}s from the server's ${nowSec}` };
  const pubkey = new Uint8Array(Buffer.from(pubkeyB64, "base64"));
  if (pubkey.length !== 33 || !secp256k1.publicKeyVerify(pubkey)) return { ok: false, reason: "invalid pubkey: expected a base64 33-byte compressed secp256k1 key" };
  const derived = toBech32(pubkeyToAddress(pubkey));
  if (derived !== address) return { ok: false, reason: `address ${address} does not match the pubkey (${derived})` };
  const signature = new Uint8Array(Buffer.from(sigB64, "base64"));
  if (signature.length !== 64) return { ok: false, reason: "invalid signature: expected base64 64-byte r‖s" };
  let valid = false;
  try {
    valid = secp256k1.ecdsaVerify(signature, blobGetDigest(hash, time), pubkey);
  } catch {
    valid = false;
  }
  return valid ? { ok: true, address } : { ok: false, reason: "signature verification failed" };
}
