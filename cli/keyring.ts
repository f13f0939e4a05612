// The "test" keyring backend (as the SDK's): unencrypted key files under <home>/keyring-test,
// for devnets and tests. Keys are BIP39 mnemonics on the Cosmos HD path m/44'/118'/0'/0/0.
import { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import { Bip39, EnglishMnemonic, Slip10, Slip10Curve, stringToPath } from "@cosmjs/crypto";
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BECH32_PREFIX, fromBech32 } from "../chain/framework/address.ts";

export interface KeyInfo {
  name: string;
  type: "local";
  address: string;
  pubkey: string;
}

interface KeyFile extends KeyInfo {
  mnemonic: string;
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;

export class Keyring {
  constructor(readonly dir: string) {}

  static forHome(home: string, backend: string | undefined): Keyring {
    if (backend !== undefined && backend !== "test") {
      throw new Error(`keyring backend ${JSON.stringify(backend)} is not supported; use --keyring-backend test`);
    }
    return new Keyring(join(home, "keyring-test"));
  }

  private path(name: string): string {
    if (!NAME_RE.test(name)) throw new Error(`invalid key name ${JSON.stringify(name)}: use letters, digits, '_', '.', '-'`);
    return join(this.dir, `${name}.json`);
  }

  async add(name: string, mnemonic?: string): Promise<{ info: KeyInfo; mnemonic: string }> {
    const path = this.path(name);
    if (existsSync(path)) throw new Error(`key ${name} already exists in ${this.dir}`);
    const words = mnemonic !== undefined ? mnemonic.trim().split(/\s+/).join(" ") : Bip39.encode(randomBytes(32)).toString();
    const wallet = await walletFromMnemonic(words);
    const [account] = await wallet.getAccounts();
    const file: KeyFile = {
      name,
      type: "local",
      address: account!.address,
      pubkey: Buffer.from(account!.pubkey).toString("base64"),
      mnemonic: words,
    };
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileSync(path, JSON.stringify(file, null, 2) + "\n", { mode: 0o600 });
    return { info: toInfo(file), mnemonic: words };
  }

  private read(name: string): KeyFile {
    const path = this.path(name);
    if (!existsSync(path)) throw new Error(`key ${name} not found in ${this.dir}`);
    try {
      return JSON.parse(readFileSync(path, "utf8")) as KeyFile;
    } catch (err) {
      throw new Error(`key file ${path} is corrupt: ${(err as Error).message}`);
    }
  }

  show(name: string): KeyInfo {
    return toInfo(this.read(name));
  }

  list(): KeyInfo[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => this.show(f.slice(0, -5)));
  }

  async wallet(name: string): Promise<DirectSecp256k1Wallet> {
    return walletFromMnemonic(this.read(name).mnemonic);
  }

  mnemonic(name: string): string {
    return this.read(name).mnemonic;
  }

  /** A bech32 address as given, or the address of the key with that name. */
  resolveAddress(nameOrAddress: string): string {
    if (nameOrAddress.startsWith(`${BECH32_PREFIX}1`)) {
      fromBech32(nameOrAddress);
      return nameOrAddress;
    }
    return this.show(nameOrAddress).address;
  }
}

/**
 * The secp256k1 key of a BIP39 mnemonic on the Cosmos path m/44'/118'/0'/0/0 (no passphrase).
 * The seed uses node's native PBKDF2: the pure-JS one takes seconds per key.
 */
export function privateKeyFromMnemonic(mnemonic: string): Uint8Array {
  let checked: EnglishMnemonic;
  try {
    checked = new EnglishMnemonic(mnemonic);
  } catch (err) {
    throw new Error(`invalid mnemonic: ${(err as Error).message}`);
  }
  const seed = pbkdf2Sync(checked.toString().normalize("NFKD"), "mnemonic", 2048, 64, "sha512");
  return Slip10.derivePath(Slip10Curve.Secp256k1, new Uint8Array(seed), stringToPath("m/44'/118'/0'/0/0")).privkey;
}

export async function walletFromMnemonic(mnemonic: string): Promise<DirectSecp256k1Wallet> {
  return DirectSecp256k1Wallet.fromKey(privateKeyFromMnemonic(mnemonic), BECH32_PREFIX);
}

function toInfo(f: KeyFile): KeyInfo {
  return { name: f.name, type: f.type, address: f.address, pubkey: f.pubkey };
}
