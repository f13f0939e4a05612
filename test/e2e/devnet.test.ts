// `trainchain devnet` as a real process: a short task (2 × 40 steps) trained to completion by two
// honest workers with the validator's verifier; the process exits by itself; every balance matches
// the genesis params to the unit (emission off, so only task payments and fees move coins). And a
// SIGINT while the workers run stops everything cleanly.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, freePort } from "../helpers/chain.ts";

interface Summary {
  task_id: string;
  status: string;
  segments_total: string;
  segments_accepted: number;
  segments_rejected: number;
  final_loss: number | null;
  test_accuracy: number | null;
  model_file: string;
  segments: { index: string; worker_role: string; worker: string; loss: number | null }[];
  balances: Record<string, { address: string; before: string; after: string; delta: string }>;
  fees: Record<string, string>;
  royalty_bps: number;
  escrow: string;
  slashed: { burned: string; to_validators: string; events: number };
  genesis: { reward_params: { verifier_fee_bps: number; emission_per_block: { amount: string } } };
  wall_seconds: number;
}

const REWARD = 1_000_000n;
const BPS = 10_000n;

async function devnetArgs(home: string): Promise<string[]> {
  return ["devnet", "--home", home, "--rpc.laddr", `tcp://127.0.0.1:${await freePort()}`, "--api.laddr", `tcp://127.0.0.1:${await freePort()}`, "--block-time", "200ms"];
}

describe("trainchain devnet", { timeout: 300_000 }, () => {
  const homes: string[] = [];
  after(() => {
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  });

  it("trains a short task to completion with two honest workers; balances match the params to the unit", async () => {
    const home = mkdtempSync(join(tmpdir(), "trainchain-devnet-"));
    homes.push(home);
    const args = [...(await devnetArgs(home)), "--segments", "2", "--segment-steps", "40", "--checkpoint-interval", "10", "--emission", "0utrain", "--output", "json"];
    const proc = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    // the process must end by itself: no dangling handles after the summary
    const code = await new Promise<number | null>((resolve) => proc.on("exit", (c) => resolve(c)));
    assert.equal(code, 0, `devnet failed: ${stderr.slice(-2000)}`);
    const s = JSON.parse(stdout) as Summary;

    assert.equal(s.status, "COMPLETED");
    assert.equal(s.segments_total, "2");
    assert.equal(s.segments_accepted, 2);
    assert.equal(s.segments_rejected, 0);
    assert.equal(s.slashed.events, 0);
    assert.ok(s.final_loss !== null && s.final_loss > 0 && s.final_loss < 2.3, `final loss ${s.final_loss}`);
    assert.ok(s.test_accuracy !== null && s.test_accuracy > 0.6, `test accuracy ${s.test_accuracy} after 80 steps`);
    assert.ok(existsSync(s.model_file));

    // exact accounting from genesis params: each accepted segment pays royalty_bps to the data
    // owner, verifier_fee_bps to the (single) validator and the rest to its worker; bonds return
    assert.equal(s.genesis.reward_params.emission_per_block.amount, "0");
    const royalty = (REWARD * BigInt(s.royalty_bps)) / BPS;
    const fee = (REWARD * BigInt(s.genesis.reward_params.verifier_fee_bps)) / BPS;
    const workerPart = REWARD - royalty - fee;
    const segmentsBy = (role: string): bigint => BigInt(s.segments.filter((seg) => seg.worker_role === role).length);
    assert.equal(segmentsBy("worker1") + segmentsBy("worker2"), 2n);
    const expected: Record<string, bigint> = {
      creator: -REWARD * 2n,
      "data-owner": royalty * 2n,
      validator: fee * 2n,
      worker1: workerPart * segmentsBy("worker1"),
      worker2: workerPart * segmentsBy("worker2"),
    };
    assert.equal(s.escrow, `${REWARD * 2n}utrain`);
    for (const [role, gain] of Object.entries(expected)) {
      const b = s.balances[role]!;
      const fees = BigInt(s.fees[role]!);
      assert.equal(BigInt(b.after) - BigInt(b.before), BigInt(b.delta));
      assert.equal(BigInt(b.delta), gain - fees, `${role}: delta ${b.delta}, expected ${gain} − fees ${fees}`);
    }
    assert.ok(BigInt(s.fees.creator!) > 0n && BigInt(s.fees["data-owner"]!) > 0n, "the creator and the data owner paid tx fees");
    assert.ok(s.wall_seconds < 180, `devnet took ${s.wall_seconds} s`);
  });

  it("stops cleanly on SIGINT while the workers run", async () => {
    const home = mkdtempSync(join(tmpdir(), "trainchain-devnet-"));
    homes.push(home);
    const args = [...(await devnetArgs(home)), "--segments", "50", "--segment-steps", "40", "--checkpoint-interval", "10"];
    const proc = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => proc.on("exit", (c) => resolve(c)));
    await new Promise<void>((resolve, reject) => {
      proc.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (/training segment|segments accepted/.test(stderr)) resolve();
      });
      void exited.then(() => reject(new Error(`devnet ended early: ${stderr}`)));
    });
    await new Promise((r) => setTimeout(r, 1500));
    const signalled = Date.now();
    proc.kill("SIGINT");
    const code = await exited;
    assert.equal(code, 130, stderr.slice(-2000));
    assert.match(stderr, /devnet stopped \(SIGINT\)/);
    assert.ok(Date.now() - signalled < 20_000, `shutdown took ${Date.now() - signalled} ms`);
  });
});
