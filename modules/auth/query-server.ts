// auth gRPC queries over ABCI: Account, Params.
import {
  QueryAccountRequest,
  QueryAccountResponse,
  QueryParamsResponse,
} from "cosmjs-types/cosmos/auth/v1beta1/query";
import { Any } from "cosmjs-types/google/protobuf/any";
import type { QueryHandler } from "../../chain/framework/module.ts";
import { fromBech32 } from "../../chain/framework/address.ts";
import { SdkErrors } from "../../chain/framework/errors.ts";
import type { AccountKeeper } from "./keeper.ts";

export function authQueries(keeper: AccountKeeper): QueryHandler[] {
  return [
    {
      path: "/cosmos.auth.v1beta1.Query/Account",
      handle: (ctx, request) => {
        const req = QueryAccountRequest.decode(request);
        const address = fromBech32(req.address);
        const raw = keeper.getAccountAnyBytes(ctx, address);
        // CosmJS maps "rpc error: code = NotFound" to a null account.
        if (!raw) throw SdkErrors.KeyNotFound.wrap(`rpc error: code = NotFound desc = account ${req.address} not found`);
        return QueryAccountResponse.encode({ account: Any.decode(raw) }).finish();
      },
    },
    {
      path: "/cosmos.auth.v1beta1.Query/Params",
      handle: (ctx) => QueryParamsResponse.encode({ params: keeper.getParams(ctx) }).finish(),
    },
  ];
}
