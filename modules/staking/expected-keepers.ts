import type { Context } from "../../chain/framework/context.ts";
import type { Coins } from "../../chain/framework/coins.ts";

export interface BankForStaking {
  sendToModule(ctx: Context, from: Uint8Array, moduleName: string, coins: Coins[]): void;
}
