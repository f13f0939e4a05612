// Coins: bigint amounts and validated denominations. No floating point anywhere.
import type { Coin } from "cosmjs-types/cosmos/base/v1beta1/coin";
import { quote, SdkErrors } from "./errors.ts";

export interface Coins {
  denom: string;
  amount: bigint;
}

const DENOM_RE = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;
const AMOUNT_RE = /^[0-9]+$/;

export function validateDenom(denom: string): void {
  if (!DENOM_RE.test(denom)) throw SdkErrors.InvalidCoins.wrap(`invalid denom ${quote(denom)}`);
}

/** Converts proto coins to bigint coins, rejecting bad denoms, amounts, duplicates and (optionally) zeros. */
export function parseProtoCoins(coins: Coin[], options: { allowZero?: boolean } = {}): Coins[] {
  const out: Coins[] = [];
  const seen = new Set<string>();
  for (const c of coins) {
    validateDenom(c.denom);
    if (!AMOUNT_RE.test(c.amount)) throw SdkErrors.InvalidCoins.wrap(`invalid amount ${quote(c.amount)} for ${c.denom}`);
    const amount = BigInt(c.amount);
    if (amount === 0n && !options.allowZero) throw SdkErrors.InvalidCoins.wrap(`zero amount of ${c.denom}`);
    if (seen.has(c.denom)) throw SdkErrors.InvalidCoins.wrap(`duplicate denom ${c.denom}`);
    seen.add(c.denom);
    out.push({ denom: c.denom, amount });
  }
  return out;
}

export function toProtoCoins(coins: Coins[]): Coin[] {
  return coins.map((c) => ({ denom: c.denom, amount: c.amount.toString() }));
}

export function formatCoins(coins: Coins[]): string {
  return coins.map((c) => `${c.amount}${c.denom}`).join(",");
}

/** Parses "100utrain,5foo" (CLI and genesis form). */
export function parseCoinsString(s: string): Coins[] {
  if (s.trim() === "") return [];
  const out: Coins[] = [];
  for (const part of s.split(",")) {
    const m = /^([0-9]+)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/.exec(part.trim());
    if (!m) throw new Error(`invalid coins ${quote(s)}: expected <amount><denom>[,<amount><denom>…], e.g. 1000utrain`);
    out.push({ denom: m[2]!, amount: BigInt(m[1]!) });
  }
  return out;
}
