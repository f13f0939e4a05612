// bank gRPC queries over ABCI: Balance, AllBalances, TotalSupply, SupplyOf.
import {
  QueryAllBalancesRequest,
  QueryAllBalancesResponse,
  QueryBalanceRequest,
  QueryBalanceResponse,
  QuerySupplyOfRequest,
  QuerySupplyOfResponse,
  QueryTotalSupplyResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/query";
import type { QueryHandler } from "../../chain/framework/module.ts";
import { fromBech32 } from "../../chain/framework/address.ts";
import { toProtoCoins, validateDenom } from "../../chain/framework/coins.ts";
import type { BankKeeper } from "./keeper.ts";

export function bankQueries(keeper: BankKeeper): QueryHandler[] {
  return [
    {
      path: "/cosmos.bank.v1beta1.Query/Balance",
      handle: (ctx, request) => {
        const req = QueryBalanceRequest.decode(request);
        const address = fromBech32(req.address);
        validateDenom(req.denom);
        // An empty balance is a zero Coin, never absent (CosmJS expects a Coin).
        const amount = keeper.getBalance(ctx, address, req.denom);
        return QueryBalanceResponse.encode({ balance: { denom: req.denom, amount: amount.toString() } }).finish();
      },
    },
    {
      path: "/cosmos.bank.v1beta1.Query/AllBalances",
      handle: (ctx, request) => {
        const req = QueryAllBalancesRequest.decode(request);
        const balances = keeper.getAllBalances(ctx, fromBech32(req.address));
        return QueryAllBalancesResponse.encode({
          balances: toProtoCoins(balances),
          pagination: { nextKey: new Uint8Array(), total: BigInt(balances.length) },
        }).finish();
      },
    },
    {
      path: "/cosmos.bank.v1beta1.Query/TotalSupply",
      handle: (ctx) => {
        const supply = keeper.totalSupply(ctx);
        return QueryTotalSupplyResponse.encode({
          supply: toProtoCoins(supply),
          pagination: { nextKey: new Uint8Array(), total: BigInt(supply.length) },
        }).finish();
      },
    },
    {
      path: "/cosmos.bank.v1beta1.Query/SupplyOf",
      handle: (ctx, request) => {
        const req = QuerySupplyOfRequest.decode(request);
        validateDenom(req.denom);
        return QuerySupplyOfResponse.encode({ amount: { denom: req.denom, amount: keeper.getSupply(ctx, req.denom).toString() } }).finish();
      },
    },
  ];
}
