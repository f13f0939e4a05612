export { AccountKeeper, encodeAccountAny, decodeAccountAny, BASE_ACCOUNT_URL, MODULE_ACCOUNT_URL, SECP256K1_PUBKEY_URL } from "./keeper.ts";
export type { Account } from "./keeper.ts";
export { authModule } from "./module.ts";
export { defaultAuthGenesis } from "./genesis.ts";
export type { AuthGenesis } from "./genesis.ts";
export { FEE_COLLECTOR, AUTH_STORE_PREFIX } from "./keys.ts";
