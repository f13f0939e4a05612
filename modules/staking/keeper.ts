// Validators: operator, ed25519 consensus key, moniker, bonded tokens. (Create/bond/unbond
// messages and the unbonding queue come with the on-chain protocol work; genesis validators here.)
import { Validator as ValidatorCodec } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { Any } from "cosmjs-types/google/protobuf/any";
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import type { Context } from "../../chain/framework/context.ts";
import { fromBech32, toBech32 } from "../../chain/framework/address.ts";
import { concatBytes } from "../../chain/store/bytes.ts";
import type { KVStore } from "../../chain/store/kv.ts";
import { POWER_REDUCTION, STAKING_STORE_PREFIX, ValidatorPrefix } from "./keys.ts";

export const ED25519_PUBKEY_URL = "/cosmos.crypto.ed25519.PubKey";

export interface Validator {
  operator: Uint8Array;
  consensusPubKey: Uint8Array;
  moniker: string;
  tokens: bigint;
  jailed: boolean;
}

export function votingPower(v: Validator): bigint {
  return v.jailed ? 0n : v.tokens / POWER_REDUCTION;
}

export class StakingKeeper {
  private store(ctx: Context): KVStore {
    return ctx.kv(STAKING_STORE_PREFIX);
  }

  setValidator(ctx: Context, v: Validator): void {
    const encoded = ValidatorCodec.encode({
      operatorAddress: toBech32(v.operator, "trainvaloper"),
      consensusPubkey: Any.fromPartial({ typeUrl: ED25519_PUBKEY_URL, value: Ed25519PubKey.encode({ key: v.consensusPubKey }).finish() }),
      jailed: v.jailed,
      status: 3,
      tokens: v.tokens.toString(),
      delegatorShares: v.tokens.toString() + "000000000000000000",
      description: { moniker: v.moniker, identity: "", website: "", securityContact: "", details: "" },
      unbondingHeight: 0n,
      unbondingTime: { seconds: 0n, nanos: 0 },
      commission: {
        commissionRates: { rate: "0", maxRate: "0", maxChangeRate: "0" },
        updateTime: { seconds: 0n, nanos: 0 },
      },
      minSelfDelegation: "1",
      unbondingOnHoldRefCount: 0n,
      unbondingIds: [],
    }).finish();
    this.store(ctx).set(concatBytes(Uint8Array.of(ValidatorPrefix), v.operator), encoded);
  }

  private decode(raw: Uint8Array): Validator {
    const v = ValidatorCodec.decode(raw);
    return {
      operator: fromBech32(v.operatorAddress, "trainvaloper"),
      consensusPubKey: Ed25519PubKey.decode(v.consensusPubkey!.value).key,
      moniker: v.description?.moniker ?? "",
      tokens: BigInt(v.tokens),
      jailed: v.jailed,
    };
  }

  getValidator(ctx: Context, operator: Uint8Array): Validator | undefined {
    const raw = this.store(ctx).get(concatBytes(Uint8Array.of(ValidatorPrefix), operator));
    return raw ? this.decode(raw) : undefined;
  }

  /** Raw proto bytes of every validator (for queries). */
  validatorsRaw(ctx: Context): Uint8Array[] {
    return this.store(ctx)
      .range(Uint8Array.of(ValidatorPrefix), Uint8Array.of(ValidatorPrefix + 1))
      .map((e) => e.value);
  }

  validators(ctx: Context): Validator[] {
    return this.validatorsRaw(ctx).map((raw) => this.decode(raw));
  }

  totalBondedPower(ctx: Context): bigint {
    let total = 0n;
    for (const v of this.validators(ctx)) total += votingPower(v);
    return total;
  }
}
