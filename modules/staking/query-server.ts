// staking gRPC queries over ABCI: trainchain.staking.v1.Query/{Validators,Validator,Params,UnbondingEntries},
// plus cosmos.staking.v1beta1.Query/Validators for generic Cosmos tooling.
import { QueryValidatorsResponse as CosmosValidatorsResponse } from "cosmjs-types/cosmos/staking/v1beta1/query";
import { Validator as CosmosValidator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { Any } from "cosmjs-types/google/protobuf/any";
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import { toBech32 } from "../../chain/framework/address.ts";
import { SdkErrors } from "../../chain/framework/errors.ts";
import type { QueryHandler } from "../../chain/framework/module.ts";
import {
  QueryParamsResponse,
  QueryUnbondingEntriesRequest,
  QueryUnbondingEntriesResponse,
  QueryValidatorRequest,
  QueryValidatorResponse,
  QueryValidatorsResponse,
} from "../../proto/trainchain/staking/v1/generated.ts";
import { ED25519_PUBKEY_URL, unbondingEntryToProto, validatorToProto, type StakingKeeper, type Validator } from "./keeper.ts";
import { parseOperator } from "./msg-server.ts";

export const STAKING_QUERY_PATHS = {
  validators: "/trainchain.staking.v1.Query/Validators",
  validator: "/trainchain.staking.v1.Query/Validator",
  params: "/trainchain.staking.v1.Query/Params",
  unbondingEntries: "/trainchain.staking.v1.Query/UnbondingEntries",
  cosmosValidators: "/cosmos.staking.v1beta1.Query/Validators",
} as const;

function cosmosValidator(v: Validator): CosmosValidator {
  return CosmosValidator.fromPartial({
    operatorAddress: toBech32(v.operator, "trainvaloper"),
    consensusPubkey: Any.fromPartial({ typeUrl: ED25519_PUBKEY_URL, value: Ed25519PubKey.encode({ key: v.consensusPubKey }).finish() }),
    jailed: v.jailed,
    status: v.jailed || v.tokens === 0n ? 1 : 3,
    tokens: v.tokens.toString(),
    delegatorShares: v.tokens.toString() + "000000000000000000",
    description: { moniker: v.moniker, identity: "", website: "", securityContact: "", details: "" },
    minSelfDelegation: "1",
  });
}

export function stakingQueries(keeper: StakingKeeper): QueryHandler[] {
  return [
    {
      path: STAKING_QUERY_PATHS.validators,
      handle: (ctx) => QueryValidatorsResponse.encode({ validators: keeper.validators(ctx).map(validatorToProto) }).finish(),
    },
    {
      path: STAKING_QUERY_PATHS.validator,
      handle: (ctx, request) => {
        const req = QueryValidatorRequest.decode(request);
        const v = keeper.getValidator(ctx, parseOperator(req.operatorAddress));
        if (!v) throw SdkErrors.NotFound.wrap(`rpc error: code = NotFound desc = validator ${req.operatorAddress} not found`);
        return QueryValidatorResponse.encode({ validator: validatorToProto(v) }).finish();
      },
    },
    {
      path: STAKING_QUERY_PATHS.params,
      handle: (ctx) => QueryParamsResponse.encode({ params: keeper.getParams(ctx) }).finish(),
    },
    {
      path: STAKING_QUERY_PATHS.unbondingEntries,
      handle: (ctx, request) => {
        const req = QueryUnbondingEntriesRequest.decode(request);
        const operator = req.operatorAddress === "" ? undefined : parseOperator(req.operatorAddress);
        return QueryUnbondingEntriesResponse.encode({ entries: keeper.unbondingEntries(ctx, operator).map(unbondingEntryToProto) }).finish();
      },
    },
    {
      path: STAKING_QUERY_PATHS.cosmosValidators,
      handle: (ctx) => {
        const validators = keeper.validators(ctx).map(cosmosValidator);
        return CosmosValidatorsResponse.encode({ validators, pagination: { nextKey: new Uint8Array(), total: BigInt(validators.length) } }).finish();
      },
    },
  ];
}
