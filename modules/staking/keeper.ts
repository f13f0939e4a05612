// Validators (operator, ed25519 consensus key, moniker, bonded tokens), bonding, and the unbonding
// queue that pays operators back after `unbonding_blocks`. Voting power = tokens / 10^6; power
// changes reach consensus as ABCI validator updates from EndBlock.
import type { ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import type { Context } from "../../chain/framework/context.ts";
import { fromBech32, moduleAddress, toBech32 } from "../../chain/framework/address.ts";
import type { Coins } from "../../chain/framework/coins.ts";
import { bytesEqual, readUint64BE, uint64BE } from "../../chain/store/bytes.ts";
import type { KVStore } from "../../chain/store/kv.ts";
import {
  Params as ParamsCodec,
  UnbondingEntry as UnbondingEntryCodec,
  Validator as ValidatorCodec,
  type UnbondingEntry as UnbondingEntryProto,
  type Validator as ValidatorProto,
} from "../../proto/trainchain/staking/v1/generated.ts";
import type { BankForStaking } from "./expected-keepers.ts";
import { StakingErrors } from "./errors.ts";
import { StakingAttributes as A, StakingEvents } from "./events.ts";
import {
  BONDED_POOL,
  consensusKeyKey,
  ED25519_PUBKEY_LENGTH,
  lastPowerKey,
  LastPowerPrefix,
  NextUnbondingIdKey,
  NOT_BONDED_POOL,
  ParamsKey,
  POWER_REDUCTION,
  STAKING_STORE_PREFIX,
  unbondingQueueKey,
  UnbondingQueuePrefix,
  ValidatorPrefix,
  validatorKey,
} from "./keys.ts";
import { defaultStakingParams, validateStakingParams, type StakingParams } from "./params.ts";

export const ED25519_PUBKEY_URL = "/cosmos.crypto.ed25519.PubKey";

export interface Validator {
  operator: Uint8Array;
  consensusPubKey: Uint8Array;
  moniker: string;
  tokens: bigint;
  jailed: boolean;
  createdHeight: bigint;
}

export interface UnbondingEntry {
  id: bigint;
  operator: Uint8Array;
  amount: bigint;
  creationHeight: bigint;
  completionHeight: bigint;
}

/** What the training-task module reads: a bonded validator and its stake. */
export interface BondedValidator {
  operator: Uint8Array;
  tokens: bigint;
}

export function votingPower(v: Pick<Validator, "jailed" | "tokens">): bigint {
  return v.jailed ? 0n : v.tokens / POWER_REDUCTION;
}

export function validatorToProto(v: Validator): ValidatorProto {
  return {
    operatorAddress: toBech32(v.operator),
    consensusPubkey: v.consensusPubKey,
    moniker: v.moniker,
    tokens: v.tokens.toString(),
    jailed: v.jailed,
    createdHeight: v.createdHeight,
  };
}

export function validatorFromProto(p: ValidatorProto): Validator {
  return {
    operator: fromBech32(p.operatorAddress),
    consensusPubKey: p.consensusPubkey,
    moniker: p.moniker,
    tokens: BigInt(p.tokens),
    jailed: p.jailed,
    createdHeight: p.createdHeight,
  };
}

export function unbondingEntryToProto(e: UnbondingEntry): UnbondingEntryProto {
  return {
    id: e.id,
    operatorAddress: toBech32(e.operator),
    amount: e.amount.toString(),
    creationHeight: e.creationHeight,
    completionHeight: e.completionHeight,
  };
}

function unbondingEntryFromProto(p: UnbondingEntryProto): UnbondingEntry {
  return {
    id: p.id,
    operator: fromBech32(p.operatorAddress),
    amount: BigInt(p.amount),
    creationHeight: p.creationHeight,
    completionHeight: p.completionHeight,
  };
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export class StakingKeeper {
  constructor(private readonly bank: BankForStaking) {}

  private store(ctx: Context): KVStore {
    return ctx.kv(STAKING_STORE_PREFIX);
  }

  // ---- params

  getParams(ctx: Context): StakingParams {
    const raw = this.store(ctx).get(ParamsKey);
    return raw ? ParamsCodec.decode(raw) : defaultStakingParams();
  }

  setParams(ctx: Context, params: StakingParams): void {
    validateStakingParams(params);
    this.store(ctx).set(ParamsKey, ParamsCodec.encode(params).finish());
  }

  bondDenom(ctx: Context): string {
    return this.getParams(ctx).bondDenom;
  }

  // ---- validators

  setValidator(ctx: Context, v: Validator): void {
    this.store(ctx).set(validatorKey(v.operator), ValidatorCodec.encode(validatorToProto(v)).finish());
    this.store(ctx).set(consensusKeyKey(v.consensusPubKey), v.operator);
  }

  getValidator(ctx: Context, operator: Uint8Array): Validator | undefined {
    const raw = this.store(ctx).get(validatorKey(operator));
    return raw ? validatorFromProto(ValidatorCodec.decode(raw)) : undefined;
  }

  /** The operator whose validator uses this consensus key, if any. */
  operatorByConsensusKey(ctx: Context, pubKey: Uint8Array): Uint8Array | undefined {
    return this.store(ctx).get(consensusKeyKey(pubKey));
  }

  /** Every validator, sorted by operator address bytes. */
  validators(ctx: Context): Validator[] {
    return this.store(ctx)
      .range(Uint8Array.of(ValidatorPrefix), Uint8Array.of(ValidatorPrefix + 1))
      .map((e) => validatorFromProto(ValidatorCodec.decode(e.value)));
  }

  /** Non-jailed validators with tokens > 0, sorted by operator bytes ascending (for stake-weighted votes). */
  bondedValidators(ctx: Context): BondedValidator[] {
    return this.validators(ctx)
      .filter((v) => !v.jailed && v.tokens > 0n)
      .sort((a, b) => compareBytes(a.operator, b.operator))
      .map((v) => ({ operator: v.operator, tokens: v.tokens }));
  }

  totalBondedTokens(ctx: Context): bigint {
    let total = 0n;
    for (const v of this.validators(ctx)) total += v.tokens;
    return total;
  }

  totalBondedPower(ctx: Context): bigint {
    let total = 0n;
    for (const v of this.validators(ctx)) total += votingPower(v);
    return total;
  }

  private coins(ctx: Context, amount: bigint): Coins[] {
    return [{ denom: this.bondDenom(ctx), amount }];
  }

  private requirePositive(amount: bigint, what: string): void {
    if (amount <= 0n) throw StakingErrors.InvalidAmount.wrap(`${what} must be positive, got ${amount}`);
  }

  /** Creates the operator's validator and bonds `selfBond` from the operator's balance. */
  createValidator(ctx: Context, operator: Uint8Array, consensusPubKey: Uint8Array, moniker: string, selfBond: bigint): Validator {
    if (consensusPubKey.length !== ED25519_PUBKEY_LENGTH) {
      throw StakingErrors.InvalidConsensusPubKey.wrap(`ed25519 consensus key must be ${ED25519_PUBKEY_LENGTH} bytes, got ${consensusPubKey.length}`);
    }
    this.requirePositive(selfBond, "self-bond");
    if (selfBond < POWER_REDUCTION) {
      throw StakingErrors.SelfBondTooSmall.wrap(`self-bond ${selfBond}${this.bondDenom(ctx)} is below ${POWER_REDUCTION}${this.bondDenom(ctx)}`);
    }
    if (this.getValidator(ctx, operator)) throw StakingErrors.ValidatorExists.wrap(`operator ${toBech32(operator)} already has a validator`);
    const holder = this.operatorByConsensusKey(ctx, consensusPubKey);
    if (holder) {
      throw StakingErrors.ConsensusPubKeyInUse.wrap(`consensus key ${Buffer.from(consensusPubKey).toString("base64")} belongs to ${toBech32(holder)}`);
    }
    this.bank.sendToModule(ctx, operator, BONDED_POOL, this.coins(ctx, selfBond));
    const v: Validator = { operator, consensusPubKey, moniker, tokens: selfBond, jailed: false, createdHeight: ctx.block.height };
    this.setValidator(ctx, v);
    ctx.events.emit(StakingEvents.createValidator, [
      [A.operator, toBech32(operator)],
      [A.consensusPubKey, Buffer.from(consensusPubKey).toString("base64")],
      [A.moniker, moniker],
      [A.amount, `${selfBond}${this.bondDenom(ctx)}`],
    ]);
    return v;
  }

  private requireValidator(ctx: Context, operator: Uint8Array): Validator {
    const v = this.getValidator(ctx, operator);
    if (!v) throw StakingErrors.ValidatorNotFound.wrap(`operator ${toBech32(operator)} has no validator; create one with MsgCreateValidator`);
    return v;
  }

  /** Adds `amount` from the operator's balance to its own validator. */
  bond(ctx: Context, operator: Uint8Array, amount: bigint): Validator {
    this.requirePositive(amount, "bond amount");
    const v = this.requireValidator(ctx, operator);
    this.bank.sendToModule(ctx, operator, BONDED_POOL, this.coins(ctx, amount));
    const updated = { ...v, tokens: v.tokens + amount };
    this.setValidator(ctx, updated);
    ctx.events.emit(StakingEvents.bond, [
      [A.operator, toBech32(operator)],
      [A.amount, `${amount}${this.bondDenom(ctx)}`],
      [A.tokens, updated.tokens.toString()],
    ]);
    return updated;
  }

  /** Moves `amount` from the bonded to the not-bonded pool; it is paid back after `unbonding_blocks`. */
  unbond(ctx: Context, operator: Uint8Array, amount: bigint): UnbondingEntry {
    this.requirePositive(amount, "unbond amount");
    const v = this.requireValidator(ctx, operator);
    if (amount > v.tokens) {
      throw StakingErrors.InsufficientStake.wrap(`cannot unbond ${amount}${this.bondDenom(ctx)}: validator ${toBech32(operator)} has ${v.tokens}`);
    }
    const params = this.getParams(ctx);
    this.bank.sendToModule(ctx, moduleAddress(BONDED_POOL), NOT_BONDED_POOL, this.coins(ctx, amount));
    this.setValidator(ctx, { ...v, tokens: v.tokens - amount });
    const entry: UnbondingEntry = {
      id: this.nextUnbondingId(ctx),
      operator,
      amount,
      creationHeight: ctx.block.height,
      completionHeight: ctx.block.height + params.unbondingBlocks,
    };
    this.setUnbondingEntry(ctx, entry);
    ctx.events.emit(StakingEvents.unbond, [
      [A.operator, toBech32(operator)],
      [A.amount, `${amount}${params.bondDenom}`],
      [A.tokens, (v.tokens - amount).toString()],
      [A.unbondingId, entry.id.toString()],
      [A.completionHeight, entry.completionHeight.toString()],
    ]);
    return entry;
  }

  // ---- unbonding queue

  private nextUnbondingId(ctx: Context): bigint {
    const raw = this.store(ctx).get(NextUnbondingIdKey);
    const id = raw ? readUint64BE(raw) : 1n;
    this.store(ctx).set(NextUnbondingIdKey, uint64BE(id + 1n));
    return id;
  }

  setUnbondingEntry(ctx: Context, e: UnbondingEntry): void {
    this.store(ctx).set(unbondingQueueKey(e.completionHeight, e.id), UnbondingEntryCodec.encode(unbondingEntryToProto(e)).finish());
  }

  /** Pending entries in completion order (height, then id); of one operator when given. */
  unbondingEntries(ctx: Context, operator?: Uint8Array): UnbondingEntry[] {
    const all = this.store(ctx)
      .range(Uint8Array.of(UnbondingQueuePrefix), Uint8Array.of(UnbondingQueuePrefix + 1))
      .map((e) => unbondingEntryFromProto(UnbondingEntryCodec.decode(e.value)));
    return operator ? all.filter((e) => bytesEqual(e.operator, operator)) : all;
  }

  /** Pays back every entry whose completion height has been reached (EndBlock). */
  completeMatureUnbondings(ctx: Context): UnbondingEntry[] {
    const end = unbondingQueueKey(ctx.block.height + 1n, 0n);
    const store = this.store(ctx);
    const due = store.range(Uint8Array.of(UnbondingQueuePrefix), end);
    const done: UnbondingEntry[] = [];
    for (const kv of due) {
      const e = unbondingEntryFromProto(UnbondingEntryCodec.decode(kv.value));
      this.bank.sendFromModule(ctx, NOT_BONDED_POOL, e.operator, this.coins(ctx, e.amount));
      store.delete(unbondingQueueKey(e.completionHeight, e.id));
      ctx.events.emit(StakingEvents.completeUnbonding, [
        [A.operator, toBech32(e.operator)],
        [A.amount, `${e.amount}${this.bondDenom(ctx)}`],
        [A.unbondingId, e.id.toString()],
      ]);
      done.push(e);
    }
    return done;
  }

  totalUnbonding(ctx: Context): bigint {
    let total = 0n;
    for (const e of this.unbondingEntries(ctx)) total += e.amount;
    return total;
  }

  // ---- validator updates

  getLastPower(ctx: Context, operator: Uint8Array): bigint {
    const raw = this.store(ctx).get(lastPowerKey(operator));
    return raw ? readUint64BE(raw) : 0n;
  }

  /**
   * The ABCI validator updates since the last call (power 0 removes a validator), in operator
   * order; records the reported powers.
   */
  applyValidatorUpdates(ctx: Context): ValidatorUpdate[] {
    const store = this.store(ctx);
    const updates: ValidatorUpdate[] = [];
    const last = new Map<string, bigint>();
    for (const e of store.range(Uint8Array.of(LastPowerPrefix), Uint8Array.of(LastPowerPrefix + 1))) {
      last.set(Buffer.from(e.key.subarray(1)).toString("hex"), readUint64BE(e.value));
    }
    for (const v of this.validators(ctx)) {
      const power = votingPower(v);
      const key = Buffer.from(v.operator).toString("hex");
      const previous = last.get(key) ?? 0n;
      last.delete(key);
      if (power === previous) continue;
      updates.push({ pubKey: { ed25519: v.consensusPubKey, secp256k1: undefined }, power });
      if (power === 0n) store.delete(lastPowerKey(v.operator));
      else store.set(lastPowerKey(v.operator), uint64BE(power));
      ctx.events.emit(StakingEvents.powerChange, [
        [A.operator, toBech32(v.operator)],
        [A.power, power.toString()],
      ]);
    }
    return updates;
  }
}
