// Accounts: BaseAccount / ModuleAccount stored as Any, account numbers, sequences, params.
import { BaseAccount, ModuleAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { Any } from "cosmjs-types/google/protobuf/any";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import type { Context } from "../../chain/framework/context.ts";
import { addressKey, fromBech32, moduleAddress, toBech32 } from "../../chain/framework/address.ts";
import { SdkErrors } from "../../chain/framework/errors.ts";
import { readUint64BE, uint64BE } from "../../chain/store/bytes.ts";
import { slabAlloc } from "../../chain/framework/proto-fast.ts";
import { int64Size, varintSize, writeInt64, writeVarint } from "../../chain/framework/varint.ts";
import type { KVStore } from "../../chain/store/kv.ts";
import { AccountKeyPrefix, AUTH_STORE_PREFIX, NextAccountNumberKey, ParamsKey } from "./keys.ts";
import { defaultAuthParams, type Params } from "./params.ts";
import { Params as ParamsCodec } from "cosmjs-types/cosmos/auth/v1beta1/auth";

export const BASE_ACCOUNT_URL = "/cosmos.auth.v1beta1.BaseAccount";
export const MODULE_ACCOUNT_URL = "/cosmos.auth.v1beta1.ModuleAccount";
export const SECP256K1_PUBKEY_URL = "/cosmos.crypto.secp256k1.PubKey";

export interface Account {
  address: Uint8Array;
  /** 33-byte compressed secp256k1 key, when known. */
  pubKey?: Uint8Array;
  accountNumber: bigint;
  sequence: bigint;
  /** Set for module accounts. */
  module?: { name: string; permissions: string[] };
}

// An account's key is set once and every later copy of the account shares its bytes: encode the
// key's Any once per key object.
const pubKeyAnys = new WeakMap<Uint8Array, Any>();

function pubKeyAny(key: Uint8Array): Any {
  let any = pubKeyAnys.get(key);
  if (!any) {
    any = { typeUrl: SECP256K1_PUBKEY_URL, value: PubKey.encode({ key }).finish() };
    pubKeyAnys.set(key, any);
  }
  return any;
}

export function encodeAccountAny(account: Account): Any {
  const base: BaseAccount = {
    address: toBech32(account.address),
    pubKey: account.pubKey ? pubKeyAny(account.pubKey) : undefined,
    accountNumber: account.accountNumber,
    sequence: account.sequence,
  };
  if (account.module) {
    return {
      typeUrl: MODULE_ACCOUNT_URL,
      value: ModuleAccount.encode({ baseAccount: base, name: account.module.name, permissions: account.module.permissions }).finish(),
    };
  }
  return { typeUrl: BASE_ACCOUNT_URL, value: BaseAccount.encode(base).finish() };
}

// setAccount runs twice per tx (CheckTx, then the block) for a sequence change only. An account's
// address and key fields never change once set, so their encoding (BaseAccount fields 1 and 2, as
// cosmjs-types writes them) is kept per address object, and each call writes the Any wrapper, that
// head and the account number and sequence varints. Same bytes as Any.encode(encodeAccountAny(a))
// (test/unit/auth-account-codec.test.ts).
const BASE_URL_BYTES = new TextEncoder().encode(BASE_ACCOUNT_URL);
const accountHeads = new WeakMap<Uint8Array, { pubKey: Uint8Array | undefined; head: Uint8Array }>();

function accountHead(account: Account): Uint8Array {
  let entry = accountHeads.get(account.address);
  if (!entry || entry.pubKey !== account.pubKey) {
    const head = BaseAccount.encode({ address: toBech32(account.address), pubKey: account.pubKey ? pubKeyAny(account.pubKey) : undefined, accountNumber: 0n, sequence: 0n }).finish();
    entry = { pubKey: account.pubKey, head: head.slice() };
    accountHeads.set(account.address, entry);
  }
  return entry.head;
}

/** Any(BaseAccount) bytes of a plain account; module accounts go through encodeAccountAny. */
export function encodeAccountBytes(account: Account): Uint8Array {
  if (account.module || account.accountNumber < 0n || account.sequence < 0n || account.accountNumber >= 1n << 64n || account.sequence >= 1n << 64n) {
    return Any.encode(encodeAccountAny(account)).finish();
  }
  const head = accountHead(account);
  const baseLength = head.length + (account.accountNumber !== 0n ? 1 + int64Size(account.accountNumber) : 0) + (account.sequence !== 0n ? 1 + int64Size(account.sequence) : 0);
  const out = slabAlloc(2 + BASE_URL_BYTES.length + 1 + varintSize(baseLength) + baseLength);
  out[0] = 0x0a;
  out[1] = BASE_URL_BYTES.length;
  out.set(BASE_URL_BYTES, 2);
  let pos = 2 + BASE_URL_BYTES.length;
  out[pos++] = 0x12;
  pos = writeVarint(out, pos, baseLength);
  out.set(head, pos);
  pos += head.length;
  if (account.accountNumber !== 0n) {
    out[pos++] = 0x18;
    pos = writeInt64(out, pos, account.accountNumber);
  }
  if (account.sequence !== 0n) {
    out[pos++] = 0x20;
    pos = writeInt64(out, pos, account.sequence);
  }
  return out;
}

function decodeBase(base: BaseAccount): Omit<Account, "module"> {
  let pubKey: Uint8Array | undefined;
  if (base.pubKey && base.pubKey.typeUrl === SECP256K1_PUBKEY_URL) pubKey = PubKey.decode(base.pubKey.value).key;
  return { address: fromBech32(base.address), pubKey, accountNumber: base.accountNumber, sequence: base.sequence };
}

export function decodeAccountAny(any: Any): Account {
  if (any.typeUrl === MODULE_ACCOUNT_URL) {
    const m = ModuleAccount.decode(any.value);
    return { ...decodeBase(m.baseAccount!), module: { name: m.name, permissions: m.permissions } };
  }
  return decodeBase(BaseAccount.decode(any.value));
}

// Decoding an account (Any → BaseAccount → pubkey, bech32) is the costliest part of the ante
// chain; memoize by the stored value object (a new write is a new object, so entries never go stale).
const decodedAccounts = new WeakMap<Uint8Array, Account>();
const decodedParams = new WeakMap<Uint8Array, Params>();

const ACCOUNT_PREFIX = String.fromCharCode(AccountKeyPrefix);

/** AccountKeyPrefix ‖ address, in binary-string form (see KVStore.getS). */
function accountKey(address: Uint8Array): string {
  return ACCOUNT_PREFIX + addressKey(address);
}

function cloneAccount(a: Account): Account {
  if (a.module) return { ...a, module: { name: a.module.name, permissions: [...a.module.permissions] } };
  return { address: a.address, pubKey: a.pubKey, accountNumber: a.accountNumber, sequence: a.sequence };
}

export class AccountKeeper {
  /** Module accounts known to the app, with their permissions ("minter", "burner", "staking"). */
  readonly modulePermissions = new Map<string, string[]>();

  private store(ctx: Context): KVStore {
    return ctx.kv(AUTH_STORE_PREFIX);
  }

  /** The params (shared with the decode cache: read-only). */
  getParams(ctx: Context): Readonly<Params> {
    const raw = this.store(ctx).get(ParamsKey);
    if (!raw) return defaultAuthParams();
    let params = decodedParams.get(raw);
    if (!params) {
      params = Object.freeze(ParamsCodec.decode(raw));
      decodedParams.set(raw, params);
    }
    return params;
  }

  setParams(ctx: Context, params: Params): void {
    this.store(ctx).set(ParamsKey, ParamsCodec.encode(params).finish());
  }

  getAccount(ctx: Context, address: Uint8Array): Account | undefined {
    const raw = this.store(ctx).getS(accountKey(address));
    if (!raw) return undefined;
    let account = decodedAccounts.get(raw);
    if (!account) {
      account = decodeAccountAny(Any.decode(raw));
      decodedAccounts.set(raw, account);
    }
    return cloneAccount(account);
  }

  /** The raw Any bytes (for the Account query, without a decode/encode round trip). */
  getAccountAnyBytes(ctx: Context, address: Uint8Array): Uint8Array | undefined {
    return this.store(ctx).getS(accountKey(address));
  }

  isModuleAccount(ctx: Context, address: Uint8Array): boolean {
    return this.getAccount(ctx, address)?.module !== undefined;
  }

  hasAccount(ctx: Context, address: Uint8Array): boolean {
    return this.store(ctx).hasS(accountKey(address));
  }

  setAccount(ctx: Context, account: Account): void {
    const raw = encodeAccountBytes(account);
    decodedAccounts.set(raw, cloneAccount(account));
    this.store(ctx).setS(accountKey(account.address), raw);
  }

  nextAccountNumber(ctx: Context): bigint {
    const store = this.store(ctx);
    const raw = store.get(NextAccountNumberKey);
    const n = raw ? readUint64BE(raw) : 0n;
    store.set(NextAccountNumberKey, uint64BE(n + 1n));
    return n;
  }

  /** Creates a BaseAccount with the next account number (as the SDK does on first receipt). */
  createAccount(ctx: Context, address: Uint8Array): Account {
    const account: Account = { address, accountNumber: this.nextAccountNumber(ctx), sequence: 0n };
    this.setAccount(ctx, account);
    return account;
  }

  ensureAccount(ctx: Context, address: Uint8Array): void {
    if (!this.hasAccount(ctx, address)) this.createAccount(ctx, address);
  }

  moduleAddress(name: string): Uint8Array {
    return moduleAddress(name);
  }

  /** Gets or creates the module account `name`. */
  getModuleAccount(ctx: Context, name: string): Account {
    const address = moduleAddress(name);
    const existing = this.getAccount(ctx, address);
    if (existing) {
      if (!existing.module) throw SdkErrors.InvalidAddress.wrap(`address of module ${name} is a plain account`);
      return existing;
    }
    const account: Account = {
      address,
      accountNumber: this.nextAccountNumber(ctx),
      sequence: 0n,
      module: { name, permissions: this.modulePermissions.get(name) ?? [] },
    };
    this.setAccount(ctx, account);
    return account;
  }

  allAccounts(ctx: Context): Account[] {
    return this.store(ctx)
      .range(Uint8Array.of(AccountKeyPrefix), Uint8Array.of(AccountKeyPrefix + 1))
      .map((e) => decodeAccountAny(Any.decode(e.value)));
  }
}
