// What staking needs from bank: moving the bond denom between operators and the two pools.
import type { Context } from "../../chain/framework/context.ts";
import type { Coins } from "../../chain/framework/coins.ts";

export interface BankForStaking {
  sendToModule(ctx: Context, from: Uint8Array, moduleName: string, coins: Coins[]): void;
  sendFromModule(ctx: Context, moduleName: string, to: Uint8Array, coins: Coins[]): void;
  getBalance(ctx: Context, address: Uint8Array, denom: string): bigint;
}
