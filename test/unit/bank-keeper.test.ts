import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { memoryChain } from "../helpers/context.ts";
import { AccountKeeper, FEE_COLLECTOR } from "../../modules/auth/index.ts";
import { BankKeeper, bankModule } from "../../modules/bank/index.ts";
import { moduleAddress, toBech32 } from "../../chain/framework/address.ts";
import { AppError } from "../../chain/framework/errors.ts";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";

function setup(): { chain: ReturnType<typeof memoryChain>; accounts: AccountKeeper; bank: BankKeeper; alice: Uint8Array; bob: Uint8Array } {
  const chain = memoryChain();
  const accounts = new AccountKeeper();
  accounts.modulePermissions.set(FEE_COLLECTOR, []);
  accounts.modulePermissions.set("minter_mod", ["minter", "burner"]);
  const bank = new BankKeeper(accounts);
  const alice = new Uint8Array(20).fill(1);
  const bob = new Uint8Array(20).fill(2);
  bank.initBalance(chain.ctx(), alice, [{ denom: "utrain", amount: 1000n }]);
  return { chain, accounts, bank, alice, bob };
}

function code(fn: () => void): number {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return 0;
}

describe("bank keeper", () => {
  it("sends, creates the recipient's account, and keeps supply = sum of balances", () => {
    const { chain, accounts, bank, alice, bob } = setup();
    const ctx = chain.ctx();
    bank.send(ctx, alice, bob, [{ denom: "utrain", amount: 300n }]);
    assert.equal(bank.getBalance(ctx, alice, "utrain"), 700n);
    assert.equal(bank.getBalance(ctx, bob, "utrain"), 300n);
    assert.ok(accounts.hasAccount(ctx, bob));
    const mod = bankModule(bank);
    assert.equal(mod.invariants![0]!.check(ctx), undefined);
    assert.ok(ctx.events.events.some((e) => e.type === "transfer"));
  });

  it("reads back balances of every digit count (the short path up to 15 digits, BigInt beyond)", () => {
    const { chain, bank } = setup();
    const ctx = chain.ctx();
    const amounts = [1n, 9n, 10n, 999_999_999_999_999n, 1_000_000_000_000_000n, 10n ** 30n + 7n];
    amounts.forEach((amount, i) => {
      const from = new Uint8Array(20).fill(10 + i);
      const to = new Uint8Array(20).fill(50 + i);
      bank.initBalance(ctx, from, [{ denom: "uwhale", amount }]);
      assert.equal(bank.getBalance(ctx, from, "uwhale"), amount);
      bank.send(ctx, from, to, [{ denom: "uwhale", amount: amount - 1n }]);
      assert.equal(bank.getBalance(ctx, from, "uwhale"), 1n);
      assert.equal(bank.getBalance(ctx, to, "uwhale"), amount - 1n);
    });
  });

  it("refuses to overdraw with sdk/5 and changes nothing", () => {
    const { chain, bank, alice, bob } = setup();
    const ctx = chain.ctx();
    assert.equal(code(() => bank.send(ctx, alice, bob, [{ denom: "utrain", amount: 1001n }])), 5);
    assert.equal(bank.getBalance(ctx, alice, "utrain"), 1000n);
  });

  it("MsgSend to a module account is refused with sdk/4", () => {
    const { chain, accounts, bank, alice } = setup();
    const ctx = chain.ctx();
    accounts.getModuleAccount(ctx, FEE_COLLECTOR);
    const handler = bankModule(bank).msgs[0]!;
    const msg = MsgSend.fromPartial({ fromAddress: toBech32(alice), toAddress: toBech32(moduleAddress(FEE_COLLECTOR)), amount: [{ denom: "utrain", amount: "10" }] });
    assert.equal(code(() => handler.handle(ctx, msg)), 4);
    assert.equal(bank.getBalance(ctx, alice, "utrain"), 1000n);
  });

  it("mints and burns only with the module's permissions, and the invariant notices a corrupt supply", () => {
    const { chain, accounts, bank } = setup();
    const ctx = chain.ctx();
    accounts.getModuleAccount(ctx, FEE_COLLECTOR);
    bank.mint(ctx, "minter_mod", [{ denom: "utrain", amount: 50n }]);
    assert.equal(bank.getSupply(ctx, "utrain"), 1050n);
    bank.burn(ctx, "minter_mod", [{ denom: "utrain", amount: 20n }]);
    assert.equal(bank.getSupply(ctx, "utrain"), 1030n);
    assert.equal(code(() => bank.mint(ctx, FEE_COLLECTOR, [{ denom: "utrain", amount: 1n }])), 4);
    // a balance written behind the bank's back breaks supply = sum of balances
    bank.initBalance(ctx, new Uint8Array(20).fill(9), [{ denom: "utrain", amount: 5n }]);
    ctx.kv(0x02).delete(new Uint8Array([0x02, ...new TextEncoder().encode("utrain")]));
    assert.match(bankModule(bank).invariants![0]!.check(ctx) ?? "", /balances hold/);
  });
});
