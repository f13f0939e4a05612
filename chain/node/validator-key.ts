// The node's ed25519 consensus key, in CometBFT's priv_validator_key.json format, and the
// vote signature the embedded engine puts in each block's commit.
import { createPrivateKey, createPublicKey, sign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { sha256 } from "./hashing.ts";
import { uint64BE } from "../store/bytes.ts";

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export interface ValidatorKey {
  address: Uint8Array;
  pubKey: Uint8Array;
  privateKey: KeyObject;
  seed: Uint8Array;
}

export function validatorAddress(pubKey: Uint8Array): Uint8Array {
  return sha256(pubKey).slice(0, 20);
}

export function keyFromSeed(seed: Uint8Array): ValidatorKey {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
  const jwk = createPublicKey(privateKey).export({ format: "jwk" });
  const pubKey = new Uint8Array(Buffer.from(jwk.x!, "base64url"));
  return { address: validatorAddress(pubKey), pubKey, privateKey, seed };
}

export function generateValidatorKey(): ValidatorKey {
  const { privateKey } = generateKeyPairSync("ed25519");
  const der = privateKey.export({ format: "der", type: "pkcs8" });
  return keyFromSeed(new Uint8Array(der.subarray(der.length - 32)));
}

export function writeValidatorKey(path: string, key: ValidatorKey): void {
  const json = {
    address: Buffer.from(key.address).toString("hex").toUpperCase(),
    pub_key: { type: "tendermint/PubKeyEd25519", value: Buffer.from(key.pubKey).toString("base64") },
    priv_key: { type: "tendermint/PrivKeyEd25519", value: Buffer.concat([key.seed, key.pubKey]).toString("base64") },
  };
  writeFileSync(path, JSON.stringify(json, null, 2) + "\n", { mode: 0o600 });
}

export function readValidatorKey(path: string): ValidatorKey {
  let parsed: { priv_key?: { value?: string } };
  try {
    parsed = JSON.parse(readFileSync(path, "utf8")) as typeof parsed;
  } catch (err) {
    throw new Error(`cannot read the validator key ${path}: ${(err as Error).message}`);
  }
  const raw = Buffer.from(parsed.priv_key?.value ?? "", "base64");
  if (raw.length !== 64) throw new Error(`validator key ${path}: priv_key.value must be 64 base64 bytes (seed ‖ pubkey)`);
  return keyFromSeed(new Uint8Array(raw.subarray(0, 32)));
}

/** Bytes a validator signs to commit a block (domain-separated; chain id binds the network). */
export function voteSignBytes(chainId: string, height: bigint, blockHash: Uint8Array, time: { seconds: bigint; nanos: number }): Uint8Array {
  return sha256(new TextEncoder().encode(`trainchain/precommit/${chainId}/`), uint64BE(height), blockHash, uint64BE(time.seconds), uint64BE(BigInt(time.nanos)));
}

export function signVote(key: ValidatorKey, bytes: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, bytes, key.privateKey));
}

