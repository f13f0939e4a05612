// Balances and supply. Amounts are bigint; every change of supply goes through mint/burn.
import type { Context } from "../../chain/framework/context.ts";
import { SdkErrors } from "../../chain/framework/errors.ts";
import { addressKey, toBech32 } from "../../chain/framework/address.ts";
import type { Coins } from "../../chain/framework/coins.ts";
import { concatBytes, keyToString } from "../../chain/store/bytes.ts";
import type { KVStore } from "../../chain/store/kv.ts";
import type { AccountKeeperForBank } from "./expected-keepers.ts";
import { emitBurn, emitMint, emitTransfer } from "./events.ts";
import { BalancePrefix, BANK_STORE_PREFIX, SupplyPrefix } from "./keys.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** BalancePrefix ‖ len(address) ‖ address ‖ denom, in binary-string form (see KVStore.getS). */
function balanceKey(address: Uint8Array, denom: string): string {
  return String.fromCharCode(BalancePrefix, address.length) + addressKey(address) + denomKey(denom);
}

export class BankKeeper {
  constructor(private readonly accounts: AccountKeeperForBank) {}

  private store(ctx: Context): KVStore {
    return ctx.kv(BANK_STORE_PREFIX);
  }

  getBalance(ctx: Context, address: Uint8Array, denom: string): bigint {
    const raw = this.store(ctx).getS(balanceKey(address, denom));
    return raw ? decodeAmount(raw) : 0n;
  }

  getAllBalances(ctx: Context, address: Uint8Array): Coins[] {
    const prefix = concatBytes(Uint8Array.of(BalancePrefix, address.length), address);
    const end = concatBytes(prefix, Uint8Array.of(0xff));
    return this.store(ctx)
      .range(prefix, end)
      .map((e) => ({ denom: decoder.decode(e.key.subarray(prefix.length)), amount: decodeAmount(e.value) }));
  }

  private setBalance(ctx: Context, address: Uint8Array, denom: string, amount: bigint): void {
    if (amount < 0n) throw new Error(`negative balance for ${toBech32(address)}`);
    const key = balanceKey(address, denom);
    if (amount === 0n) this.store(ctx).deleteS(key);
    else this.store(ctx).setS(key, encodeAmount(amount));
  }

  private subtract(ctx: Context, address: Uint8Array, coins: Coins[]): void {
    for (const c of coins) {
      const have = this.getBalance(ctx, address, c.denom);
      if (have < c.amount) {
        throw SdkErrors.InsufficientFunds.wrap(`spendable balance ${have}${c.denom} is smaller than ${c.amount}${c.denom}`);
      }
      this.setBalance(ctx, address, c.denom, have - c.amount);
    }
  }

  private add(ctx: Context, address: Uint8Array, coins: Coins[]): void {
    for (const c of coins) this.setBalance(ctx, address, c.denom, this.getBalance(ctx, address, c.denom) + c.amount);
  }

  /**
   * A user transfer (MsgSend): module accounts are blocked recipients, as the SDK's BlockedAddrs,
   * so escrow, bond and pool balances only move through their modules' own bookkeeping.
   */
  sendFromUser(ctx: Context, from: Uint8Array, to: Uint8Array, coins: Coins[]): void {
    if (this.accounts.isModuleAccount(ctx, to)) {
      throw SdkErrors.Unauthorized.wrap(`${toBech32(to)} is a module account and is not allowed to receive funds`);
    }
    this.send(ctx, from, to, coins);
  }

  /** Moves coins between accounts, creating the recipient's account if it is new. */
  send(ctx: Context, from: Uint8Array, to: Uint8Array, coins: Coins[]): void {
    this.subtract(ctx, from, coins);
    this.accounts.ensureAccount(ctx, to);
    this.add(ctx, to, coins);
    emitTransfer(ctx, from, to, coins);
  }

  sendToModule(ctx: Context, from: Uint8Array, moduleName: string, coins: Coins[]): void {
    // module accounts exist from genesis on; only a missing one needs the (decoding) lookup
    const address = this.accounts.moduleAddress(moduleName);
    if (this.accounts.hasAccount(ctx, address)) {
      this.send(ctx, from, address, coins);
      return;
    }
    const module = this.accounts.getModuleAccount(ctx, moduleName);
    this.send(ctx, from, module.address, coins);
  }

  sendFromModule(ctx: Context, moduleName: string, to: Uint8Array, coins: Coins[]): void {
    this.send(ctx, this.accounts.moduleAddress(moduleName), to, coins);
  }

  private requirePermission(ctx: Context, moduleName: string, permission: string): Uint8Array {
    const module = this.accounts.getModuleAccount(ctx, moduleName);
    if (!module.module?.permissions.includes(permission)) {
      throw SdkErrors.Unauthorized.wrap(`module account ${moduleName} does not have permission to ${permission}`);
    }
    return module.address;
  }

  mint(ctx: Context, moduleName: string, coins: Coins[]): void {
    const address = this.requirePermission(ctx, moduleName, "minter");
    this.add(ctx, address, coins);
    for (const c of coins) this.setSupply(ctx, c.denom, this.getSupply(ctx, c.denom) + c.amount);
    emitMint(ctx, address, coins);
  }

  burn(ctx: Context, moduleName: string, coins: Coins[]): void {
    const address = this.requirePermission(ctx, moduleName, "burner");
    this.subtract(ctx, address, coins);
    for (const c of coins) this.setSupply(ctx, c.denom, this.getSupply(ctx, c.denom) - c.amount);
    emitBurn(ctx, address, coins);
  }

  /** Genesis only: credits a balance and the supply without events. */
  initBalance(ctx: Context, address: Uint8Array, coins: Coins[]): void {
    this.accounts.ensureAccount(ctx, address);
    this.add(ctx, address, coins);
    for (const c of coins) this.setSupply(ctx, c.denom, this.getSupply(ctx, c.denom) + c.amount);
  }

  getSupply(ctx: Context, denom: string): bigint {
    const raw = this.store(ctx).get(concatBytes(Uint8Array.of(SupplyPrefix), encoder.encode(denom)));
    return raw ? decodeAmount(raw) : 0n;
  }

  private setSupply(ctx: Context, denom: string, amount: bigint): void {
    const key = concatBytes(Uint8Array.of(SupplyPrefix), encoder.encode(denom));
    if (amount === 0n) this.store(ctx).delete(key);
    else this.store(ctx).set(key, encodeAmount(amount));
  }

  totalSupply(ctx: Context): Coins[] {
    return this.store(ctx)
      .range(Uint8Array.of(SupplyPrefix), Uint8Array.of(SupplyPrefix + 1))
      .map((e) => ({ denom: decoder.decode(e.key.subarray(1)), amount: decodeAmount(e.value) }));
  }

  /** Every balance, by holder (bech32) — for genesis export and invariants. */
  allBalances(ctx: Context): Map<string, Coins[]> {
    const out = new Map<string, Coins[]>();
    for (const e of this.store(ctx).range(Uint8Array.of(BalancePrefix), Uint8Array.of(BalancePrefix + 1))) {
      const len = e.key[1]!;
      const address = e.key.subarray(2, 2 + len);
      const holder = toBech32(address);
      const list = out.get(holder) ?? [];
      list.push({ denom: decoder.decode(e.key.subarray(2 + len)), amount: decodeAmount(e.value) });
      out.set(holder, list);
    }
    return out;
  }
}

const ASCII_RE = /^[\x00-\x7f]*$/;

/** A stored amount: its decimal digits as ASCII bytes. */
function encodeAmount(amount: bigint): Uint8Array {
  const digits = amount.toString();
  if (digits.length > 64) return encoder.encode(digits);
  const out = new Uint8Array(digits.length);
  for (let i = 0; i < digits.length; i++) out[i] = digits.charCodeAt(i);
  return out;
}

function decodeAmount(raw: Uint8Array): bigint {
  // up to 15 ASCII digits are exact in a double: no string is built
  if (raw.length <= 15) {
    let n = 0;
    let i = 0;
    for (; i < raw.length; i++) {
      const d = raw[i]! - 48;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    if (i === raw.length) return BigInt(n);
  }
  // digits are ASCII: their bytes are their chars (anything else fails in BigInt either way)
  return BigInt(keyToString(raw));
}

/** A denom's UTF-8 bytes as a binary string (valid denoms are ASCII, whose bytes are its chars). */
function denomKey(denom: string): string {
  return ASCII_RE.test(denom) ? denom : keyToString(encoder.encode(denom));
}
