// staking genesis: validators bonded from their operators' genesis balances.
import type { Context } from "../../chain/framework/context.ts";
import { fromBech32, toBech32 } from "../../chain/framework/address.ts";
import type { StakingKeeper } from "./keeper.ts";
import type { BankForStaking } from "./expected-keepers.ts";
import { BONDED_POOL } from "./keys.ts";

export interface StakingGenesis {
  params: { bond_denom: string; unbonding_blocks: string };
  validators: { operator: string; consensus_pubkey: string; moniker: string; tokens: string }[];
}

export function defaultStakingGenesis(): StakingGenesis {
  return { params: { bond_denom: "utrain", unbonding_blocks: "100" }, validators: [] };
}

export function initStakingGenesis(ctx: Context, keeper: StakingKeeper, bank: BankForStaking, state: StakingGenesis): void {
  const denom = state.params?.bond_denom ?? "utrain";
  for (const v of state.validators ?? []) {
    const operator = fromBech32(v.operator);
    const pubKey = new Uint8Array(Buffer.from(v.consensus_pubkey, "base64"));
    if (pubKey.length !== 32) throw new Error(`genesis: validator ${v.operator} consensus_pubkey must be a base64 32-byte ed25519 key`);
    const tokens = BigInt(v.tokens);
    if (tokens <= 0n) throw new Error(`genesis: validator ${v.operator} has no stake`);
    if (keeper.getValidator(ctx, operator)) throw new Error(`genesis: duplicate validator ${v.operator}`);
    bank.sendToModule(ctx, operator, BONDED_POOL, [{ denom, amount: tokens }]);
    keeper.setValidator(ctx, { operator, consensusPubKey: pubKey, moniker: v.moniker, tokens, jailed: false });
  }
}

export function exportStakingGenesis(ctx: Context, keeper: StakingKeeper): StakingGenesis {
  return {
    params: { bond_denom: "utrain", unbonding_blocks: "100" },
    validators: keeper.validators(ctx).map((v) => ({
      operator: toBech32(v.operator),
      consensus_pubkey: Buffer.from(v.consensusPubKey).toString("base64"),
      moniker: v.moniker,
      tokens: v.tokens.toString(),
    })),
  };
}
