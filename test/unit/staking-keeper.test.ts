// staking keeper specs on an in-memory store: create/bond/unbond, every validation error, the
// unbonding queue, validator updates, bondedValidators, genesis and invariants.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "../../chain/framework/errors.ts";
import { Context } from "../../chain/framework/context.ts";
import { moduleAddress, toBech32 } from "../../chain/framework/address.ts";
import type { MsgHandler } from "../../chain/framework/module.ts";
import { CacheStore } from "../../chain/store/kv.ts";
import { AccountKeeper } from "../../modules/auth/index.ts";
import { BankKeeper } from "../../modules/bank/index.ts";
import {
  BONDED_POOL,
  NOT_BONDED_POOL,
  StakingKeeper,
  stakingModule,
  STAKING_MSG_TYPES,
  type StakingGenesis,
} from "../../modules/staking/index.ts";
import { MsgUnbondResponse } from "../../proto/trainchain/staking/v1/generated.ts";
import { memoryChain, type TestChain } from "../helpers/context.ts";

const DENOM = "utrain";

function addr(n: number): Uint8Array {
  return new Uint8Array(20).fill(n);
}
function pubkey(n: number): Uint8Array {
  return new Uint8Array(32).fill(n);
}

interface Fixture {
  chain: TestChain;
  accounts: AccountKeeper;
  bank: BankKeeper;
  staking: StakingKeeper;
  module: ReturnType<typeof stakingModule>;
  handler(typeUrl: string): MsgHandler<unknown>;
  /** Runs validateBasic + handle on a branch written only on success (as runTx). */
  deliver(typeUrl: string, msg: unknown, height?: bigint): { events: Context["events"]; value: Uint8Array };
  invariants(): string[];
}

function fixture(genesis?: Partial<StakingGenesis>): Fixture {
  const chain = memoryChain();
  const accounts = new AccountKeeper();
  accounts.modulePermissions.set(BONDED_POOL, ["burner", "staking"]);
  accounts.modulePermissions.set(NOT_BONDED_POOL, ["burner", "staking"]);
  const bank = new BankKeeper(accounts);
  const staking = new StakingKeeper(bank);
  const module = stakingModule(staking, bank);
  const g = chain.ctx(0n, "genesis");
  for (let i = 1; i <= 5; i++) bank.initBalance(g, addr(i), [{ denom: DENOM, amount: 1_000_000_000n }]);
  module.initGenesis(g, { ...module.defaultGenesis() as StakingGenesis, ...genesis });
  const handler = (typeUrl: string): MsgHandler<unknown> => module.msgs.find((m) => m.typeUrl === typeUrl)!;
  return {
    chain,
    accounts,
    bank,
    staking,
    module,
    handler,
    deliver: (typeUrl, msg, height = 1n) => {
      const h = handler(typeUrl);
      h.validateBasic(msg);
      const branch = new CacheStore(chain.store);
      const ctx = chain.ctx(height).withStore(branch);
      const res = h.handle(ctx, msg);
      branch.write();
      return { events: ctx.events, value: res.value };
    },
    invariants: () => module.invariants!.map((i) => i.check(chain.ctx(1n, "query"))).filter((r): r is string => r !== undefined),
  };
}

function expectCode(fn: () => unknown, codespace: string, code: number, pattern?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`);
    assert.equal(err.codespace, codespace, err.message);
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

const op = (n: number): string => toBech32(addr(n));
const coin = (amount: string | bigint, denom = DENOM): { denom: string; amount: string } => ({ denom, amount: amount.toString() });
const create = (n: number, amount: bigint = 5_000_000n, key = pubkey(n), moniker = `val-${n}`): Record<string, unknown> => ({
  operatorAddress: op(n),
  consensusPubkey: key,
  moniker,
  selfBond: coin(amount),
});

describe("staking keeper", () => {
  it("keeps the genesis format: validators bonded from their operators' balances", () => {
    const f = fixture({
      validators: [{ operator: op(1), consensus_pubkey: Buffer.from(pubkey(1)).toString("base64"), moniker: "genesis", tokens: "100000000" }],
    });
    const ctx = f.chain.ctx(1n);
    const v = f.staking.getValidator(ctx, addr(1))!;
    assert.equal(v.tokens, 100_000_000n);
    assert.equal(v.jailed, false);
    assert.equal(v.moniker, "genesis");
    assert.equal(f.bank.getBalance(ctx, addr(1), DENOM), 900_000_000n);
    assert.equal(f.bank.getBalance(ctx, moduleAddress(BONDED_POOL), DENOM), 100_000_000n);
    assert.deepEqual(f.invariants(), []);
    // the genesis set is reported by InitChain, so the first EndBlock reports no change
    assert.deepEqual(f.module.endBlock!(f.chain.ctx(1n)), []);
  });

  it("creates a validator: bonds the self-bond, emits create_validator, reports power in EndBlock", () => {
    const f = fixture();
    const { events } = f.deliver(STAKING_MSG_TYPES.createValidator, create(2, 5_500_000n));
    const ctx = f.chain.ctx(1n);
    const v = f.staking.getValidator(ctx, addr(2))!;
    assert.equal(v.tokens, 5_500_000n);
    assert.equal(v.createdHeight, 1n);
    assert.equal(f.bank.getBalance(ctx, addr(2), DENOM), 1_000_000_000n - 5_500_000n);
    const ev = events.events.find((e) => e.type === "create_validator")!;
    assert.deepEqual(
      ev.attributes.map((a) => [a.key, a.value, a.index]),
      [
        ["operator", op(2), true],
        ["consensus_pubkey", Buffer.from(pubkey(2)).toString("base64"), true],
        ["moniker", "val-2", true],
        ["amount", "5500000utrain", true],
      ],
    );
    const updates = f.module.endBlock!(f.chain.ctx(1n));
    assert.deepEqual(updates, [{ pubKey: { ed25519: pubkey(2), secp256k1: undefined }, power: 5n }]);
    assert.deepEqual(f.module.endBlock!(f.chain.ctx(2n)), [], "no change, no update");
    assert.deepEqual(f.invariants(), []);
  });

  it("rejects bad create-validator input with staking codes", () => {
    const f = fixture();
    const h = f.handler(STAKING_MSG_TYPES.createValidator);
    expectCode(() => h.validateBasic({ ...create(2), operatorAddress: "train1notanaddress" }), "staking", 2, /operator_address/);
    expectCode(() => h.validateBasic({ ...create(2), operatorAddress: toBech32(addr(2), "cosmos") }), "staking", 2, /prefix/);
    expectCode(() => h.validateBasic({ ...create(2), consensusPubkey: new Uint8Array(33) }), "staking", 3, /32-byte/);
    expectCode(() => h.validateBasic({ ...create(2), moniker: "  " }), "staking", 4, /empty/);
    expectCode(() => h.validateBasic({ ...create(2), moniker: "x".repeat(71) }), "staking", 4, /at most 70/);
    expectCode(() => h.validateBasic({ ...create(2), selfBond: coin("0") }), "staking", 5, /positive/);
    expectCode(() => h.validateBasic({ ...create(2), selfBond: coin("-5") }), "staking", 5, /non-negative integer/);
    expectCode(() => h.validateBasic({ ...create(2), selfBond: undefined }), "staking", 5, /missing/);
    expectCode(() => h.validateBasic({ ...create(2), selfBond: coin("10", "x!") }), "staking", 6);
    // stateful
    expectCode(() => f.deliver(STAKING_MSG_TYPES.createValidator, { ...create(2), selfBond: coin("5000000", "uother") }), "staking", 6, /bond denom utrain/);
    expectCode(() => f.deliver(STAKING_MSG_TYPES.createValidator, create(2, 999_999n)), "staking", 11);
    expectCode(() => f.deliver(STAKING_MSG_TYPES.createValidator, create(2, 2_000_000_000n)), "sdk", 5, /smaller than/);
    f.deliver(STAKING_MSG_TYPES.createValidator, create(2));
    expectCode(() => f.deliver(STAKING_MSG_TYPES.createValidator, create(2, 5_000_000n, pubkey(9))), "staking", 7, /already has a validator/);
    expectCode(() => f.deliver(STAKING_MSG_TYPES.createValidator, create(3, 5_000_000n, pubkey(2))), "staking", 8, new RegExp(op(2)));
    // failed messages left no trace
    assert.equal(f.staking.validators(f.chain.ctx(1n)).length, 1);
    assert.deepEqual(f.invariants(), []);
  });

  it("bonds more stake to the operator's own validator", () => {
    const f = fixture();
    expectCode(() => f.deliver(STAKING_MSG_TYPES.bond, { operatorAddress: op(2), amount: coin(1_000_000n) }), "staking", 9, /MsgCreateValidator/);
    f.deliver(STAKING_MSG_TYPES.createValidator, create(2));
    f.module.endBlock!(f.chain.ctx(1n));
    const { events } = f.deliver(STAKING_MSG_TYPES.bond, { operatorAddress: op(2), amount: coin(3_000_000n) }, 2n);
    assert.equal(f.staking.getValidator(f.chain.ctx(2n), addr(2))!.tokens, 8_000_000n);
    assert.ok(events.events.some((e) => e.type === "bond" && e.attributes.some((a) => a.key === "tokens" && a.value === "8000000")));
    assert.deepEqual(f.module.endBlock!(f.chain.ctx(2n)), [{ pubKey: { ed25519: pubkey(2), secp256k1: undefined }, power: 8n }]);
    const h = f.handler(STAKING_MSG_TYPES.bond);
    expectCode(() => h.validateBasic({ operatorAddress: op(2), amount: coin("0") }), "staking", 5);
    expectCode(() => h.validateBasic({ operatorAddress: "bad", amount: coin("1") }), "staking", 2);
    expectCode(() => f.deliver(STAKING_MSG_TYPES.bond, { operatorAddress: op(2), amount: coin("1", "uother") }), "staking", 6);
    assert.deepEqual(f.invariants(), []);
  });

  it("unbonds through the not-bonded pool and pays back after unbonding_blocks", () => {
    const f = fixture({ params: { bond_denom: DENOM, unbonding_blocks: "3" } });
    f.deliver(STAKING_MSG_TYPES.createValidator, create(2, 10_000_000n));
    f.module.endBlock!(f.chain.ctx(1n));
    expectCode(() => f.deliver(STAKING_MSG_TYPES.unbond, { operatorAddress: op(2), amount: coin(10_000_001n) }, 2n), "staking", 10, /has 10000000/);
    expectCode(() => f.deliver(STAKING_MSG_TYPES.unbond, { operatorAddress: op(3), amount: coin(1n) }, 2n), "staking", 9);
    expectCode(() => f.handler(STAKING_MSG_TYPES.unbond).validateBasic({ operatorAddress: op(2), amount: coin("0") }), "staking", 5);

    const res = f.deliver(STAKING_MSG_TYPES.unbond, { operatorAddress: op(2), amount: coin(4_000_000n) }, 2n);
    assert.deepEqual(MsgUnbondResponse.decode(res.value), { unbondingId: 1n, completionHeight: 5n });
    const ctx = f.chain.ctx(2n);
    assert.equal(f.staking.getValidator(ctx, addr(2))!.tokens, 6_000_000n);
    assert.equal(f.bank.getBalance(ctx, moduleAddress(BONDED_POOL), DENOM), 6_000_000n);
    assert.equal(f.bank.getBalance(ctx, moduleAddress(NOT_BONDED_POOL), DENOM), 4_000_000n);
    assert.deepEqual(
      f.staking.unbondingEntries(ctx, addr(2)).map((e) => [e.id, e.amount, e.completionHeight]),
      [[1n, 4_000_000n, 5n]],
    );
    assert.deepEqual(f.invariants(), []);
    assert.deepEqual(f.module.endBlock!(f.chain.ctx(2n)), [{ pubKey: { ed25519: pubkey(2), secp256k1: undefined }, power: 6n }]);

    // unbond the rest at height 3: power 0 removes the validator from the set
    f.deliver(STAKING_MSG_TYPES.unbond, { operatorAddress: op(2), amount: coin(6_000_000n) }, 3n);
    assert.deepEqual(f.module.endBlock!(f.chain.ctx(3n)), [{ pubKey: { ed25519: pubkey(2), secp256k1: undefined }, power: 0n }]);
    assert.deepEqual(f.staking.bondedValidators(f.chain.ctx(3n)), []);
    const before = f.bank.getBalance(f.chain.ctx(3n), addr(2), DENOM);
    f.module.endBlock!(f.chain.ctx(4n));
    assert.equal(f.bank.getBalance(f.chain.ctx(4n), addr(2), DENOM), before, "nothing matures before height 5");
    const end5 = f.chain.ctx(5n);
    f.module.endBlock!(end5);
    assert.ok(end5.events.events.some((e) => e.type === "complete_unbonding" && e.attributes.some((a) => a.key === "unbonding_id" && a.value === "1")));
    assert.equal(f.bank.getBalance(f.chain.ctx(5n), addr(2), DENOM), before + 4_000_000n);
    f.module.endBlock!(f.chain.ctx(6n));
    assert.equal(f.bank.getBalance(f.chain.ctx(6n), addr(2), DENOM), 1_000_000_000n);
    assert.equal(f.bank.getBalance(f.chain.ctx(6n), moduleAddress(NOT_BONDED_POOL), DENOM), 0n);
    assert.deepEqual(f.staking.unbondingEntries(f.chain.ctx(6n)), []);
    assert.deepEqual(f.invariants(), []);
    // a validator with no tokens can bond again
    f.deliver(STAKING_MSG_TYPES.bond, { operatorAddress: op(2), amount: coin(2_000_000n) }, 7n);
    assert.deepEqual(f.module.endBlock!(f.chain.ctx(7n)), [{ pubKey: { ed25519: pubkey(2), secp256k1: undefined }, power: 2n }]);
  });

  it("bondedValidators: non-jailed, tokens > 0, sorted by operator bytes", () => {
    const f = fixture();
    for (const n of [4, 2, 3]) f.deliver(STAKING_MSG_TYPES.createValidator, create(n, BigInt(n) * 1_000_000n));
    const ctx = f.chain.ctx(1n);
    const jailed = f.staking.getValidator(ctx, addr(3))!;
    f.staking.setValidator(ctx, { ...jailed, jailed: true });
    assert.deepEqual(f.staking.bondedValidators(ctx), [
      { operator: addr(2), tokens: 2_000_000n },
      { operator: addr(4), tokens: 4_000_000n },
    ]);
    assert.equal(f.staking.getValidator(ctx, addr(3))!.jailed, true);
    assert.equal(f.staking.totalBondedPower(ctx), 6n);
  });

  it("exports genesis that imports to the same state", () => {
    const f = fixture({ params: { bond_denom: DENOM, unbonding_blocks: "10" } });
    f.deliver(STAKING_MSG_TYPES.createValidator, create(2, 7_000_000n));
    f.deliver(STAKING_MSG_TYPES.unbond, { operatorAddress: op(2), amount: coin(1_000_000n) }, 2n);
    const exported = f.module.exportGenesis(f.chain.ctx(2n, "query")) as StakingGenesis;
    assert.equal(exported.params.unbonding_blocks, "10");
    assert.equal(exported.validators[0]!.tokens, "6000000");
    assert.equal(exported.unbonding_entries!.length, 1);

    // a fresh chain whose operators still hold the funds (the add-validator form)
    const g = fixture(exported);
    const ctx = g.chain.ctx(1n);
    assert.deepEqual(g.module.exportGenesis(ctx), exported);
    assert.deepEqual(g.invariants(), []);
    // the next unbonding gets a fresh id
    g.deliver(STAKING_MSG_TYPES.unbond, { operatorAddress: op(2), amount: coin(1_000_000n) }, 3n);
    assert.deepEqual(g.staking.unbondingEntries(g.chain.ctx(3n)).map((e) => e.id), [1n, 2n]);
  });

  it("rejects bad genesis", () => {
    assert.throws(() => fixture({ params: { bond_denom: DENOM, unbonding_blocks: "0" } }), /unbonding_blocks must be at least 1/);
    assert.throws(
      () => fixture({ validators: [{ operator: op(1), consensus_pubkey: Buffer.from(new Uint8Array(5)).toString("base64"), moniker: "m", tokens: "1" }] }),
      /32-byte ed25519/,
    );
    const v = { operator: op(1), consensus_pubkey: Buffer.from(pubkey(1)).toString("base64"), moniker: "m", tokens: "10" };
    assert.throws(() => fixture({ validators: [v, { ...v, operator: op(2) }] }), /reuses another validator's consensus key/);
  });

  it("invariants catch a pool that does not match the validators or entries", () => {
    const f = fixture();
    f.deliver(STAKING_MSG_TYPES.createValidator, create(2));
    const ctx = f.chain.ctx(1n);
    const v = f.staking.getValidator(ctx, addr(2))!;
    f.staking.setValidator(ctx, { ...v, tokens: v.tokens + 1n });
    assert.match(f.invariants().join("\n"), /bonded pool holds 5000000utrain but validators hold 5000001utrain/);
    f.staking.setValidator(ctx, v);
    f.staking.setUnbondingEntry(ctx, { id: 9n, operator: addr(2), amount: 3n, creationHeight: 1n, completionHeight: 9n });
    assert.match(f.invariants().join("\n"), /not-bonded pool holds 0utrain but unbonding entries hold 3utrain/);
  });
});
