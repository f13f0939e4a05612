import type { Context } from "../../chain/framework/context.ts";

/** What bank needs from auth: accounts exist once funded; module addresses and permissions. */
export interface AccountKeeperForBank {
  ensureAccount(ctx: Context, address: Uint8Array): void;
  hasAccount(ctx: Context, address: Uint8Array): boolean;
  isModuleAccount(ctx: Context, address: Uint8Array): boolean;
  getModuleAccount(ctx: Context, name: string): { address: Uint8Array; module?: { permissions: string[] } };
  moduleAddress(name: string): Uint8Array;
}
