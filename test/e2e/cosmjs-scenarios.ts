// The CosmJS end-to-end scenarios, shared by the default mode (chain-node.test.ts) and the mode
// where the embedded engine drives the app over the ABCI socket (abci-mode.test.ts).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { SigningStargateClient, StargateClient, GasPrice, BroadcastTxError, calculateFee } from "@cosmjs/stargate";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { makeHome, startNode, type RunningNode, type TestHome } from "../helpers/chain.ts";

const N_MINUS_S = (s: bigint): bigint => BigInt("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141") - s;

async function wallet(mnemonic: string): Promise<DirectSecp256k1HdWallet> {
  return DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: "train" });
}

function codeOf(err: unknown): number {
  if (err instanceof BroadcastTxError) return err.code;
  throw err;
}

export interface ScenarioOptions {
  /** Extra `trainchain start` flags for the node under test. */
  startArgs?: (home: TestHome) => string[];
}

/** A real node process on loopback, driven by unmodified CosmJS. */
export function cosmjsScenarios(title: string, options: ScenarioOptions = {}): void {
  describe(title, { timeout: 240_000 }, () => {
    let home: TestHome;
    let node: RunningNode;
    let client: SigningStargateClient;
    let query: StargateClient;

    before(async () => {
      home = await makeHome({ chainId: "e2e-1", accounts: 3 });
      node = await startNode(home.home, { extraArgs: options.startArgs?.(home) ?? [] });
      client = await SigningStargateClient.connectWithSigner(node.rpc, await wallet(home.keys[1]!.mnemonic), {
        gasPrice: GasPrice.fromString("0.025utrain"),
      });
      query = await StargateClient.connect(node.rpc);
    });

    after(async () => {
      client?.disconnect();
      query?.disconnect();
      await node?.stop();
      home?.cleanup();
    });

    it("answers chain id, height, accounts and balances", async () => {
      assert.equal(await query.getChainId(), "e2e-1");
      assert.ok((await query.getHeight()) >= 1);
      const k1 = home.keys[1]!.address;
      const account = await query.getAccount(k1);
      assert.ok(account);
      assert.equal(account.address, k1);
      assert.equal(account.sequence, 0);
      assert.deepEqual(await query.getBalance(k1, "utrain"), { denom: "utrain", amount: "1000000000000" });
      assert.deepEqual(await query.getBalance(k1, "unknowncoin"), { denom: "unknowncoin", amount: "0" });
      assert.deepEqual(await query.getAllBalances(k1), [{ denom: "utrain", amount: "1000000000000" }]);
      // an address that never received anything has no account
      const fresh = (await (await DirectSecp256k1HdWallet.generate(12, { prefix: "train" })).getAccounts())[0]!.address;
      assert.equal(await query.getAccount(fresh), null);
    });

    it("sends tokens with gas auto, finds the tx by hash, sender and height, and reads the block", async () => {
      const from = home.keys[1]!.address;
      const to = home.keys[2]!.address;
      const before = BigInt((await query.getBalance(from, "utrain")).amount);
      const res = await client.sendTokens(from, to, [{ denom: "utrain", amount: "12345" }], "auto", "hello");
      assert.equal(res.code, 0, res.rawLog);
      assert.ok(res.gasUsed > 0n);
      const fee = BigInt(Math.ceil(Number(res.gasWanted) * 0.025));
      assert.equal(BigInt((await query.getBalance(to, "utrain")).amount), 1000000000000n + 12345n);
      assert.equal(BigInt((await query.getBalance(from, "utrain")).amount), before - 12345n - fee);

      const tx = await query.getTx(res.transactionHash);
      assert.ok(tx);
      assert.equal(tx.height, res.height);
      assert.equal(tx.code, 0);
      const bySender = await query.searchTx([{ key: "message.sender", value: from }]);
      assert.ok(bySender.some((t) => t.hash === res.transactionHash));
      const byHeight = await query.searchTx(`tx.height=${res.height}`);
      assert.ok(byHeight.some((t) => t.hash === res.transactionHash));
      const block = await query.getBlock(res.height);
      assert.equal(block.header.height, res.height);
      assert.equal(block.header.chainId, "e2e-1");
      assert.ok(block.txs.length >= 1);
      const latest = await query.getBlock();
      assert.ok(latest.header.height >= res.height);
      const account = await query.getAccount(from);
      assert.equal(account!.sequence, 1);
      assert.ok(account!.pubkey);
    });

    it("broadcastTx then getTx", async () => {
      const from = home.keys[1]!.address;
      const fee = calculateFee(100_000, "0.025utrain");
      const signed = await client.sign(from, [{ typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: { fromAddress: from, toAddress: home.keys[3]!.address, amount: [{ denom: "utrain", amount: "7" }] } }], fee, "");
      const res = await client.broadcastTx(TxRaw.encode(signed).finish(), 20_000, 200);
      assert.equal(res.code, 0);
      const tx = await query.getTx(res.transactionHash);
      assert.equal(tx?.height, res.height);
    });

    it("rejects a tx signed for another chain id with code 4", async () => {
      const from = home.keys[1]!.address;
      const account = (await query.getAccount(from))!;
      const signed = await client.sign(
        from,
        [{ typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: { fromAddress: from, toAddress: home.keys[2]!.address, amount: [{ denom: "utrain", amount: "1" }] } }],
        calculateFee(100_000, "0.025utrain"),
        "",
        { accountNumber: account.accountNumber, sequence: account.sequence, chainId: "wrong-chain" },
      );
      await assert.rejects(client.broadcastTxSync(TxRaw.encode(signed).finish()), (err) => codeOf(err) === 4);
    });

    it("rejects a replayed tx with code 32", async () => {
      const from = home.keys[1]!.address;
      const signed = await client.sign(from, [{ typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: { fromAddress: from, toAddress: home.keys[2]!.address, amount: [{ denom: "utrain", amount: "1" }] } }], calculateFee(100_000, "0.025utrain"), "");
      const bytes = TxRaw.encode(signed).finish();
      const res = await client.broadcastTx(bytes, 20_000, 200);
      assert.equal(res.code, 0);
      await assert.rejects(client.broadcastTxSync(bytes), (err) => codeOf(err) === 32);
    });

    it("fails a send beyond the balance with code 5 and moves only the fee", async () => {
      const poor = await SigningStargateClient.connectWithSigner(node.rpc, await wallet(home.keys[2]!.mnemonic), { gasPrice: GasPrice.fromString("0.025utrain") });
      try {
        const from = home.keys[2]!.address;
        const to = home.keys[3]!.address;
        const beforeFrom = BigInt((await query.getBalance(from, "utrain")).amount);
        const beforeTo = BigInt((await query.getBalance(to, "utrain")).amount);
        const fee = calculateFee(200_000, "0.025utrain");
        const res = await poor.sendTokens(from, to, [{ denom: "utrain", amount: (beforeFrom * 2n).toString() }], fee);
        assert.equal(res.code, 5);
        assert.equal(BigInt((await query.getBalance(to, "utrain")).amount), beforeTo);
        assert.equal(BigInt((await query.getBalance(from, "utrain")).amount), beforeFrom - BigInt(fee.amount[0]!.amount));
        // the sequence still advanced (ante effects persist when messages fail)
        assert.equal((await query.getAccount(from))!.sequence, 1);
      } finally {
        poor.disconnect();
      }
    });

    it("rejects garbage tx bytes with code 2", async () => {
      await assert.rejects(client.broadcastTxSync(Uint8Array.from([1, 2, 3, 4, 5, 250, 251])), (err) => codeOf(err) === 2);
    });

    it("rejects a fee below the minimum gas price with code 13", async () => {
      const from = home.keys[1]!.address;
      const signed = await client.sign(from, [{ typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: { fromAddress: from, toAddress: home.keys[2]!.address, amount: [{ denom: "utrain", amount: "1" }] } }], { amount: [{ denom: "utrain", amount: "1" }], gas: "100000" }, "");
      await assert.rejects(client.broadcastTxSync(TxRaw.encode(signed).finish()), (err) => codeOf(err) === 13);
    });

    it("rejects a high-S signature with code 4", async () => {
      const from = home.keys[1]!.address;
      const signed = await client.sign(from, [{ typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: { fromAddress: from, toAddress: home.keys[2]!.address, amount: [{ denom: "utrain", amount: "1" }] } }], calculateFee(100_000, "0.025utrain"), "");
      const sig = signed.signatures[0]!;
      const s = BigInt("0x" + Buffer.from(sig.subarray(32)).toString("hex"));
      const highS = Buffer.from(N_MINUS_S(s).toString(16).padStart(64, "0"), "hex");
      const mutated = TxRaw.fromPartial({ ...signed, signatures: [Uint8Array.from([...sig.subarray(0, 32), ...highS])] });
      await assert.rejects(client.broadcastTxSync(TxRaw.encode(mutated).finish()), (err) => codeOf(err) === 4);
      // the original low-S signature is accepted
      const ok = await client.broadcastTx(TxRaw.encode(signed).finish(), 20_000, 200);
      assert.equal(ok.code, 0);
    });

    it("serves the Cosmos REST API", async () => {
      const k1 = home.keys[1]!.address;
      const bal = (await (await fetch(`${node.api}/cosmos/bank/v1beta1/balances/${k1}`)).json()) as { balances: { denom: string; amount: string }[] };
      assert.equal(bal.balances[0]!.denom, "utrain");
      const acct = (await (await fetch(`${node.api}/cosmos/auth/v1beta1/accounts/${k1}`)).json()) as { account: { address: string } };
      assert.equal(acct.account.address, k1);
      const latest = await fetch(`${node.api}/cosmos/base/tendermint/v1beta1/blocks/latest`);
      assert.equal(latest.status, 200);
      const metrics = await (await fetch(`${node.api}/metrics`)).text();
      assert.match(metrics, /trainchain_block_height \d+/);
    });
  });
}
