// What reward needs from other modules (injected in chain/app.ts).
import type { Context } from "../../chain/framework/context.ts";
import type { Coins } from "../../chain/framework/coins.ts";

export interface BankForReward {
  getBalance(ctx: Context, address: Uint8Array, denom: string): bigint;
  getAllBalances(ctx: Context, address: Uint8Array): Coins[];
  sendToModule(ctx: Context, from: Uint8Array, moduleName: string, coins: Coins[]): void;
  sendFromModule(ctx: Context, moduleName: string, to: Uint8Array, coins: Coins[]): void;
  mint(ctx: Context, moduleName: string, coins: Coins[]): void;
  burn(ctx: Context, moduleName: string, coins: Coins[]): void;
}

export interface StakingForReward {
  /** Bonded (not jailed) validators, sorted by operator. */
  bondedValidators(ctx: Context): { operator: Uint8Array; tokens: bigint }[];
}
