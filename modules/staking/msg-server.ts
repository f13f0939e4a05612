// staking Msg service: thin handlers — check the signer's input, call one keeper method.
import type { Coin } from "cosmjs-types/cosmos/base/v1beta1/coin";
import type { Context } from "../../chain/framework/context.ts";
import { fromBech32 } from "../../chain/framework/address.ts";
import { msgHandler, type MsgHandler } from "../../chain/framework/module.ts";
import {
  MsgBond,
  MsgBondResponse,
  MsgCreateValidator,
  MsgCreateValidatorResponse,
  MsgUnbond,
  MsgUnbondResponse,
} from "../../proto/trainchain/staking/v1/generated.ts";
import { StakingErrors } from "./errors.ts";
import type { StakingKeeper } from "./keeper.ts";
import { ED25519_PUBKEY_LENGTH, MAX_MONIKER_LENGTH } from "./keys.ts";

export const STAKING_MSG_TYPES = {
  createValidator: "/trainchain.staking.v1.MsgCreateValidator",
  bond: "/trainchain.staking.v1.MsgBond",
  unbond: "/trainchain.staking.v1.MsgUnbond",
} as const;

/** Decodes a bech32 operator address, failing with staking/2 naming the field. */
export function parseOperator(address: string): Uint8Array {
  try {
    return fromBech32(address);
  } catch (err) {
    throw StakingErrors.InvalidAddress.wrap(`operator_address: ${(err as Error).message}`);
  }
}

/** Stateless coin check: a present, positive, integer amount with a well-formed denom. */
export function parseStakeCoin(coin: Coin | undefined, field: string): { denom: string; amount: bigint } {
  if (!coin) throw StakingErrors.InvalidAmount.wrap(`${field} is missing`);
  if (!/^[0-9]+$/.test(coin.amount)) throw StakingErrors.InvalidAmount.wrap(`${field} amount "${coin.amount}" is not a non-negative integer`);
  const amount = BigInt(coin.amount);
  if (amount === 0n) throw StakingErrors.InvalidAmount.wrap(`${field} must be positive, got 0`);
  if (!/^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/.test(coin.denom)) throw StakingErrors.WrongDenom.wrap(`${field} denom "${coin.denom}" is malformed`);
  return { denom: coin.denom, amount };
}

/** Stateful denom check against the bond denom. */
function bondAmount(ctx: Context, keeper: StakingKeeper, coin: Coin | undefined, field: string): bigint {
  const c = parseStakeCoin(coin, field);
  const denom = keeper.bondDenom(ctx);
  if (c.denom !== denom) throw StakingErrors.WrongDenom.wrap(`${field} must be in the bond denom ${denom}, got ${c.denom}`);
  return c.amount;
}

export function validateMoniker(moniker: string): void {
  if (moniker.trim() === "") throw StakingErrors.InvalidMoniker.wrap("moniker is empty");
  if (moniker.length > MAX_MONIKER_LENGTH) throw StakingErrors.InvalidMoniker.wrap(`moniker has ${moniker.length} characters, at most ${MAX_MONIKER_LENGTH} allowed`);
}

export function stakingMsgs(keeper: StakingKeeper): MsgHandler<unknown>[] {
  return [
    msgHandler<MsgCreateValidator>({
      typeUrl: STAKING_MSG_TYPES.createValidator,
      codec: MsgCreateValidator,
      signers: (msg) => [msg.operatorAddress],
      validateBasic: (msg) => {
        parseOperator(msg.operatorAddress);
        if (msg.consensusPubkey.length !== ED25519_PUBKEY_LENGTH) {
          throw StakingErrors.InvalidConsensusPubKey.wrap(`consensus_pubkey must be a ${ED25519_PUBKEY_LENGTH}-byte ed25519 key, got ${msg.consensusPubkey.length} bytes`);
        }
        validateMoniker(msg.moniker);
        parseStakeCoin(msg.selfBond, "self_bond");
      },
      handle: (ctx, msg) => {
        const amount = bondAmount(ctx, keeper, msg.selfBond, "self_bond");
        keeper.createValidator(ctx, parseOperator(msg.operatorAddress), msg.consensusPubkey, msg.moniker, amount);
        return { typeUrl: "/trainchain.staking.v1.MsgCreateValidatorResponse", value: MsgCreateValidatorResponse.encode({}).finish() };
      },
    }),
    msgHandler<MsgBond>({
      typeUrl: STAKING_MSG_TYPES.bond,
      codec: MsgBond,
      signers: (msg) => [msg.operatorAddress],
      validateBasic: (msg) => {
        parseOperator(msg.operatorAddress);
        parseStakeCoin(msg.amount, "amount");
      },
      handle: (ctx, msg) => {
        keeper.bond(ctx, parseOperator(msg.operatorAddress), bondAmount(ctx, keeper, msg.amount, "amount"));
        return { typeUrl: "/trainchain.staking.v1.MsgBondResponse", value: MsgBondResponse.encode({}).finish() };
      },
    }),
    msgHandler<MsgUnbond>({
      typeUrl: STAKING_MSG_TYPES.unbond,
      codec: MsgUnbond,
      signers: (msg) => [msg.operatorAddress],
      validateBasic: (msg) => {
        parseOperator(msg.operatorAddress);
        parseStakeCoin(msg.amount, "amount");
      },
      handle: (ctx, msg) => {
        const entry = keeper.unbond(ctx, parseOperator(msg.operatorAddress), bondAmount(ctx, keeper, msg.amount, "amount"));
        return {
          typeUrl: "/trainchain.staking.v1.MsgUnbondResponse",
          value: MsgUnbondResponse.encode({ unbondingId: entry.id, completionHeight: entry.completionHeight }).finish(),
        };
      },
    }),
  ];
}
