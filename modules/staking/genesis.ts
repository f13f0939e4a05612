// staking genesis: params, validators and pending unbonding entries. Validators are bonded from
// their operators' genesis balances (the `genesis add-validator` form) unless bank genesis already
// holds the pools' funds (an exported state), in which case the pools must match exactly.
import type { Context } from "../../chain/framework/context.ts";
import { fromBech32, moduleAddress, toBech32 } from "../../chain/framework/address.ts";
import type { StakingKeeper } from "./keeper.ts";
import type { BankForStaking } from "./expected-keepers.ts";
import { BONDED_POOL, ED25519_PUBKEY_LENGTH, NextUnbondingIdKey, NOT_BONDED_POOL, STAKING_STORE_PREFIX } from "./keys.ts";
import { DEFAULT_BOND_DENOM, DEFAULT_UNBONDING_BLOCKS } from "./params.ts";
import { uint64BE } from "../../chain/store/bytes.ts";

export interface StakingGenesis {
  params: { bond_denom: string; unbonding_blocks: string };
  validators: { operator: string; consensus_pubkey: string; moniker: string; tokens: string; jailed?: boolean; created_height?: string }[];
  unbonding_entries?: { id: string; operator: string; amount: string; creation_height: string; completion_height: string }[];
}

export function defaultStakingGenesis(): StakingGenesis {
  return { params: { bond_denom: DEFAULT_BOND_DENOM, unbonding_blocks: DEFAULT_UNBONDING_BLOCKS.toString() }, validators: [], unbonding_entries: [] };
}

function genesisInt(value: string | undefined, field: string, fallback: bigint): bigint {
  if (value === undefined) return fallback;
  if (!/^[0-9]+$/.test(String(value))) throw new Error(`genesis: staking ${field} must be a non-negative integer string, got "${value}"`);
  return BigInt(value);
}

export function initStakingGenesis(ctx: Context, keeper: StakingKeeper, bank: BankForStaking, state: StakingGenesis): void {
  const params = {
    bondDenom: state.params?.bond_denom ?? DEFAULT_BOND_DENOM,
    unbondingBlocks: genesisInt(state.params?.unbonding_blocks, "params.unbonding_blocks", DEFAULT_UNBONDING_BLOCKS),
  };
  try {
    keeper.setParams(ctx, params);
  } catch (err) {
    throw new Error(`genesis: ${(err as Error).message}`);
  }
  const denom = params.bondDenom;
  const validators = state.validators ?? [];
  const entries = state.unbonding_entries ?? [];
  const bondedFunded = bank.getBalance(ctx, moduleAddress(BONDED_POOL), denom);
  const notBondedFunded = bank.getBalance(ctx, moduleAddress(NOT_BONDED_POOL), denom);

  let bondedSum = 0n;
  for (const v of validators) {
    const operator = fromBech32(v.operator);
    const pubKey = new Uint8Array(Buffer.from(v.consensus_pubkey, "base64"));
    if (pubKey.length !== ED25519_PUBKEY_LENGTH) throw new Error(`genesis: validator ${v.operator} consensus_pubkey must be a base64 32-byte ed25519 key`);
    const tokens = genesisInt(v.tokens, `validator ${v.operator} tokens`, 0n);
    if (tokens <= 0n) throw new Error(`genesis: validator ${v.operator} has no stake`);
    if (keeper.getValidator(ctx, operator)) throw new Error(`genesis: duplicate validator ${v.operator}`);
    if (keeper.operatorByConsensusKey(ctx, pubKey)) throw new Error(`genesis: validator ${v.operator} reuses another validator's consensus key`);
    if (bondedFunded === 0n) bank.sendToModule(ctx, operator, BONDED_POOL, [{ denom, amount: tokens }]);
    bondedSum += tokens;
    keeper.setValidator(ctx, {
      operator,
      consensusPubKey: pubKey,
      moniker: v.moniker ?? "",
      tokens,
      jailed: v.jailed ?? false,
      createdHeight: genesisInt(v.created_height, "created_height", 0n),
    });
  }
  if (bondedFunded !== 0n && bondedFunded !== bondedSum) {
    throw new Error(`genesis: bonded pool holds ${bondedFunded}${denom} but validators hold ${bondedSum}${denom}`);
  }

  let maxId = 0n;
  let unbondingSum = 0n;
  const ids = new Set<bigint>();
  for (const e of entries) {
    const operator = fromBech32(e.operator);
    const id = genesisInt(e.id, "unbonding entry id", 0n);
    const amount = genesisInt(e.amount, `unbonding entry ${id} amount`, 0n);
    if (id === 0n || ids.has(id)) throw new Error(`genesis: unbonding entry id ${id} is zero or duplicate`);
    if (amount <= 0n) throw new Error(`genesis: unbonding entry ${id} has no amount`);
    ids.add(id);
    if (notBondedFunded === 0n) bank.sendToModule(ctx, operator, NOT_BONDED_POOL, [{ denom, amount }]);
    unbondingSum += amount;
    keeper.setUnbondingEntry(ctx, {
      id,
      operator,
      amount,
      creationHeight: genesisInt(e.creation_height, "creation_height", 0n),
      completionHeight: genesisInt(e.completion_height, "completion_height", 0n),
    });
    if (id > maxId) maxId = id;
  }
  if (notBondedFunded !== 0n && notBondedFunded !== unbondingSum) {
    throw new Error(`genesis: not-bonded pool holds ${notBondedFunded}${denom} but unbonding entries hold ${unbondingSum}${denom}`);
  }
  ctx.kv(STAKING_STORE_PREFIX).set(NextUnbondingIdKey, uint64BE(maxId + 1n));
  // InitChain reports the genesis set itself; record the powers so EndBlock reports only changes.
  keeper.applyValidatorUpdates(ctx);
}

export function exportStakingGenesis(ctx: Context, keeper: StakingKeeper): StakingGenesis {
  const params = keeper.getParams(ctx);
  return {
    params: { bond_denom: params.bondDenom, unbonding_blocks: params.unbondingBlocks.toString() },
    validators: keeper.validators(ctx).map((v) => ({
      operator: toBech32(v.operator),
      consensus_pubkey: Buffer.from(v.consensusPubKey).toString("base64"),
      moniker: v.moniker,
      tokens: v.tokens.toString(),
      jailed: v.jailed,
      created_height: v.createdHeight.toString(),
    })),
    unbonding_entries: keeper.unbondingEntries(ctx).map((e) => ({
      id: e.id.toString(),
      operator: toBech32(e.operator),
      amount: e.amount.toString(),
      creation_height: e.creationHeight.toString(),
      completion_height: e.completionHeight.toString(),
    })),
  };
}
