// Fuzz: random and mutated tx bytes to CheckTx (in process) and to broadcast_tx_sync (real node):
// no crash, every input answered with a code, and the chain goes on.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appFromGenesis, readHomeGenesis } from "../helpers/app.ts";
import { makeHome, startNode, waitForHeight, type TestHome } from "../helpers/chain.ts";
import { accountInfo, rpcCall, signedSend, signerFromMnemonic, type FastSigner } from "../helpers/txs.ts";
import { xorshift32 as rng } from "../helpers/rng.ts";

function mutate(valid: Uint8Array, next: () => number): Uint8Array {
  const kind = next() % 6;
  const b = Uint8Array.from(valid);
  switch (kind) {
    case 0: {
      const n = 1 + (next() % 8);
      for (let i = 0; i < n; i++) b[next() % b.length] = next() & 0xff;
      return b;
    }
    case 1:
      return b.slice(0, next() % b.length);
    case 2: {
      const extra = new Uint8Array(next() % 64).map(() => next() & 0xff);
      return Uint8Array.from([...b, ...extra]);
    }
    case 3: {
      const at = next() % b.length;
      return Uint8Array.from([...b.slice(0, at), ...b.slice(at + 1 + (next() % 16))]);
    }
    case 4:
      return new Uint8Array(next() % 300).map(() => next() & 0xff);
    default: {
      // valid protobuf framing with garbage inside: field 1 (body) length-delimited
      const inner = new Uint8Array(next() % 100).map(() => next() & 0xff);
      return Uint8Array.from([0x0a, inner.length, ...inner, 0x12, 0x00, 0x1a, 0x00]);
    }
  }
}

describe("tx fuzz", { timeout: 240_000 }, () => {
  let home: TestHome;
  let signer: FastSigner;
  let other: FastSigner;
  const dirs: string[] = [];
  before(async () => {
    home = await makeHome({ chainId: "fuzz-1", accounts: 2 });
    signer = await signerFromMnemonic(home.keys[1]!.mnemonic);
    other = await signerFromMnemonic(home.keys[2]!.mnemonic);
  });
  after(() => {
    home?.cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("CheckTx answers every random or mutated input with a code", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trainchain-fuzz-"));
    dirs.push(dir);
    const { app, db } = await appFromGenesis(readHomeGenesis(home.home), join(dir, "db"));
    const valid = signedSend(signer, { chainId: "fuzz-1", accountNumber: 1n, sequence: 0n, to: other.address });
    const next = rng(12345);
    const codes = new Map<number, number>();
    for (let i = 0; i < 5000; i++) {
      const input = mutate(valid, next);
      const res = app.checkTxSync(input);
      assert.equal(typeof res.code, "number");
      codes.set(res.code, (codes.get(res.code) ?? 0) + 1);
    }
    // mutations are rejected for many different reasons, not one catch-all
    assert.ok(codes.size >= 3, `codes seen: ${[...codes.keys()].join(",")}`);
    assert.ok(codes.has(2));
    await db.close();
  });

  it("broadcast_tx_sync answers every fuzzed tx with a code and the node keeps producing blocks", async () => {
    const node = await startNode(home.home, { blockTime: "200ms" });
    try {
      const info = await accountInfo(node.rpc, signer.address);
      const valid = signedSend(signer, { chainId: "fuzz-1", accountNumber: info.accountNumber, sequence: info.sequence + 1000n, to: other.address });
      const next = rng(777);
      for (let i = 0; i < 400; i++) {
        const input = mutate(valid, next);
        const r = await rpcCall<{ code: number; hash: string }>(node.rpc, "broadcast_tx_sync", { tx: Buffer.from(input).toString("base64") });
        assert.equal(typeof r.code, "number");
        assert.match(r.hash, /^[0-9A-F]{64}$/);
      }
      const status = await rpcCall<{ sync_info: { latest_block_height: string } }>(node.rpc, "status", {});
      await waitForHeight(node.rpc, Number(status.sync_info.latest_block_height) + 2);
      const ok = signedSend(signer, { chainId: "fuzz-1", accountNumber: info.accountNumber, sequence: info.sequence, to: other.address });
      const r = await rpcCall<{ tx_result: { code: number } }>(node.rpc, "broadcast_tx_commit", { tx: Buffer.from(ok).toString("base64") });
      assert.equal(r.tx_result.code, 0);
    } finally {
      await node.stop();
    }
  });
});
