// auth genesis: params and accounts (addresses; account numbers assigned in order when absent).
import type { Context } from "../../chain/framework/context.ts";
import { fromBech32, toBech32 } from "../../chain/framework/address.ts";
import type { AccountKeeper } from "./keeper.ts";
import { defaultAuthParams } from "./params.ts";

export interface AuthGenesis {
  params: { max_memo_characters: string; tx_sig_limit: string; tx_size_cost_per_byte: string; sig_verify_cost_secp256k1: string };
  accounts: { address: string; account_number?: string; sequence?: string; pub_key?: string }[];
}

export function defaultAuthGenesis(): AuthGenesis {
  const p = defaultAuthParams();
  return {
    params: {
      max_memo_characters: p.maxMemoCharacters.toString(),
      tx_sig_limit: p.txSigLimit.toString(),
      tx_size_cost_per_byte: p.txSizeCostPerByte.toString(),
      sig_verify_cost_secp256k1: p.sigVerifyCostSecp256k1.toString(),
    },
    accounts: [],
  };
}

export function initAuthGenesis(ctx: Context, keeper: AccountKeeper, state: AuthGenesis): void {
  const d = defaultAuthParams();
  keeper.setParams(ctx, {
    ...d,
    maxMemoCharacters: BigInt(state.params?.max_memo_characters ?? d.maxMemoCharacters),
    txSigLimit: BigInt(state.params?.tx_sig_limit ?? d.txSigLimit),
    txSizeCostPerByte: BigInt(state.params?.tx_size_cost_per_byte ?? d.txSizeCostPerByte),
    sigVerifyCostSecp256k1: BigInt(state.params?.sig_verify_cost_secp256k1 ?? d.sigVerifyCostSecp256k1),
  });
  for (const a of state.accounts ?? []) {
    const address = fromBech32(a.address);
    if (keeper.hasAccount(ctx, address)) throw new Error(`genesis: duplicate account ${a.address}`);
    keeper.createAccount(ctx, address);
  }
}

export function exportAuthGenesis(ctx: Context, keeper: AccountKeeper): AuthGenesis {
  const p = keeper.getParams(ctx);
  return {
    params: {
      max_memo_characters: p.maxMemoCharacters.toString(),
      tx_sig_limit: p.txSigLimit.toString(),
      tx_size_cost_per_byte: p.txSizeCostPerByte.toString(),
      sig_verify_cost_secp256k1: p.sigVerifyCostSecp256k1.toString(),
    },
    accounts: keeper
      .allAccounts(ctx)
      .filter((a) => !a.module)
      .map((a) => ({ address: toBech32(a.address), account_number: a.accountNumber.toString(), sequence: a.sequence.toString() })),
  };
}
