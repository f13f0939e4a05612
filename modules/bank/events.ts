import type { Context } from "../../chain/framework/context.ts";
import { toBech32 } from "../../chain/framework/address.ts";
import { formatCoins, type Coins } from "../../chain/framework/coins.ts";

export function emitTransfer(ctx: Context, from: Uint8Array, to: Uint8Array, coins: Coins[]): void {
  if (!ctx.events.recording) return;
  const amount = formatCoins(coins);
  const sender = toBech32(from);
  const recipient = toBech32(to);
  ctx.events.emit("coin_spent", [["spender", sender], ["amount", amount]]);
  ctx.events.emit("coin_received", [["receiver", recipient], ["amount", amount]]);
  ctx.events.emit("transfer", [["recipient", recipient], ["sender", sender], ["amount", amount]]);
}

export function emitMint(ctx: Context, minter: Uint8Array, coins: Coins[]): void {
  if (!ctx.events.recording) return;
  const amount = formatCoins(coins);
  ctx.events.emit("coin_received", [["receiver", toBech32(minter)], ["amount", amount]]);
  ctx.events.emit("coinbase", [["minter", toBech32(minter)], ["amount", amount]]);
}

export function emitBurn(ctx: Context, burner: Uint8Array, coins: Coins[]): void {
  if (!ctx.events.recording) return;
  const amount = formatCoins(coins);
  ctx.events.emit("coin_spent", [["spender", toBech32(burner)], ["amount", amount]]);
  ctx.events.emit("burn", [["burner", toBech32(burner)], ["amount", amount]]);
}
