import type { AppModule } from "../../chain/framework/module.ts";
import { defaultAuthGenesis, exportAuthGenesis, initAuthGenesis, type AuthGenesis } from "./genesis.ts";
import type { AccountKeeper } from "./keeper.ts";
import { AUTH_STORE_PREFIX } from "./keys.ts";
import { authQueries } from "./query-server.ts";

export function authModule(keeper: AccountKeeper): AppModule {
  return {
    name: "auth",
    storePrefix: AUTH_STORE_PREFIX,
    msgs: [],
    queries: authQueries(keeper),
    defaultGenesis: defaultAuthGenesis,
    initGenesis: (ctx, state) => initAuthGenesis(ctx, keeper, state as AuthGenesis),
    exportGenesis: (ctx) => exportAuthGenesis(ctx, keeper),
  };
}
