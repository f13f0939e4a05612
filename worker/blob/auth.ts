// Signed blob reads: the client half of the scheme the blob server checks for ALLOWLIST datasets.
// A request carries address, compressed secp256k1 pubkey, unix time and a 64-byte r‖s signature
// over sha256("trainchain-blob-get\n" + hash + "\n" + time).
import secp256k1 from "secp256k1";
import { Bip39, EnglishMnemonic, Slip10, Slip10Curve, stringToPath } from "@cosmjs/crypto";
import { BLOB_AUTH_HEADERS, blobGetDigest } from "../../chain/blobs/auth.ts";
import { pubkeyToAddress, toBech32 } from "../../chain/framework/address.ts";

const COSMOS_HD_PATH = "m/44'/118'/0'/0/0";

/** Something that can sign blob reads: an account's address, its pubkey and a digest signer. */
export interface BlobSigner {
  readonly address: string;
  /** 33-byte compressed secp256k1 public key. */
  readonly pubkey: Uint8Array;
  /** Signs a 32-byte digest; returns the 64-byte r‖s (low-S) signature. */
  sign(digest: Uint8Array): Uint8Array;
}

export function blobSignerFromPrivateKey(privateKey: Uint8Array, prefix = "train"): BlobSigner {
  if (privateKey.length !== 32 || !secp256k1.privateKeyVerify(privateKey)) throw new Error("blob signer: invalid secp256k1 private key");
  const pubkey = secp256k1.publicKeyCreate(privateKey, true);
  return {
    address: toBech32(pubkeyToAddress(pubkey), prefix),
    pubkey,
    sign: (digest: Uint8Array): Uint8Array => secp256k1.ecdsaSign(digest, privateKey).signature,
  };
}

/** The account key of a BIP39 mnemonic on the Cosmos HD path (the keyring's derivation). */
export async function blobSignerFromMnemonic(mnemonic: string, prefix = "train"): Promise<BlobSigner> {
  const seed = await Bip39.mnemonicToSeed(new EnglishMnemonic(mnemonic.trim().split(/\s+/).join(" ")));
  const { privkey } = Slip10.derivePath(Slip10Curve.Secp256k1, seed, stringToPath(COSMOS_HD_PATH));
  return blobSignerFromPrivateKey(privkey, prefix);
}

/** Headers for a signed GET of `hash` at `unixTime` (default: now). */
export function signedBlobHeaders(signer: BlobSigner, hash: string, unixTime: number = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = signer.sign(blobGetDigest(hash, unixTime));
  return {
    [BLOB_AUTH_HEADERS.address]: signer.address,
    [BLOB_AUTH_HEADERS.pubkey]: Buffer.from(signer.pubkey).toString("base64"),
    [BLOB_AUTH_HEADERS.time]: String(unixTime),
    [BLOB_AUTH_HEADERS.signature]: Buffer.from(signature).toString("base64"),
  };
}
