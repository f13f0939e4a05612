// Bech32 account addresses: bech32("train", ripemd160(sha256(compressed secp256k1 pubkey))).
import { bech32 } from "bech32";
import { createHash } from "node:crypto";
import { quote, SdkErrors } from "./errors.ts";
import { keyToString } from "../store/bytes.ts";

export const BECH32_PREFIX = "train";

// bech32 is pure JS and shows up per tx (events, account encoding): memoize both directions, per
// prefix (address bytes by their binary string). Results depend only on the input, so the caches
// cannot affect state; they are bounded.
//
// Decoded addresses are shared: fromBech32 and moduleAddress hand out the same Uint8Array for the
// same address (a tx touches each address several times, and a copy per call was garbage), so
// address bytes are never written to, anywhere. Their binary-string form (the store's key form)
// is kept with them: addressKey() needs no conversion for a shared address.
const CACHE_LIMIT = 100_000;
const encodeCaches = new Map<string, Map<string, string>>();
const decodeCaches = new Map<string, Map<string, Uint8Array>>();
const binaryKeys = new WeakMap<Uint8Array, string>();

function cacheFor<V>(caches: Map<string, Map<string, V>>, prefix: string): Map<string, V> {
  let cache = caches.get(prefix);
  if (!cache) caches.set(prefix, (cache = new Map()));
  return cache;
}

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/** An address's bytes as a binary string (keyToString), without converting a shared address again. */
export function addressKey(bytes: Uint8Array): string {
  return binaryKeys.get(bytes) ?? keyToString(bytes);
}

function shared(bytes: Uint8Array): Uint8Array {
  binaryKeys.set(bytes, keyToString(bytes));
  return bytes;
}

export function toBech32(bytes: Uint8Array, prefix: string = BECH32_PREFIX): string {
  const cache = cacheFor(encodeCaches, prefix);
  const key = addressKey(bytes);
  return cache.get(key) ?? remember(cache, key, bech32.encode(prefix, bech32.toWords(bytes)));
}

/** Decodes and checks an account address; a bad one is an sdk/7 error naming the input. The bytes are shared: never write to them. */
export function fromBech32(address: string, prefix: string = BECH32_PREFIX): Uint8Array {
  const cache = cacheFor(decodeCaches, prefix);
  return cache.get(address) ?? remember(cache, address, shared(decodeBech32(address, prefix)));
}

function decodeBech32(address: string, prefix: string): Uint8Array {
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32.decode(address, 256);
  } catch (err) {
    throw SdkErrors.InvalidAddress.wrap(`invalid address ${quote(address)}: ${(err as Error).message}`);
  }
  if (decoded.prefix !== prefix) {
    throw SdkErrors.InvalidAddress.wrap(`invalid address ${quote(address)}: expected prefix "${prefix}", got "${decoded.prefix}"`);
  }
  const bytes = Uint8Array.from(bech32.fromWords(decoded.words));
  if (bytes.length !== 20 && bytes.length !== 32) {
    throw SdkErrors.InvalidAddress.wrap(`invalid address ${quote(address)}: ${bytes.length} bytes, expected 20 or 32`);
  }
  return bytes;
}

export function pubkeyToAddress(pubkey: Uint8Array): Uint8Array {
  const sha = createHash("sha256").update(pubkey).digest();
  return new Uint8Array(createHash("ripemd160").update(sha).digest());
}

const moduleAddresses = new Map<string, Uint8Array>();

/** Module account address: the first 20 bytes of sha256(module name), as the SDK derives it. Shared: never write to it. */
export function moduleAddress(name: string): Uint8Array {
  let address = moduleAddresses.get(name);
  if (!address) {
    address = shared(new Uint8Array(createHash("sha256").update(name).digest().subarray(0, 20)));
    moduleAddresses.set(name, address);
  }
  return address;
}
