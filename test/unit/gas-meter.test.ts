// The gas meter keeps its count as a Number below 2^53 and as a bigint past it: its figures and
// out-of-gas errors must be exactly those of plain bigint sums, for any limit and amounts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { GasMeter } from "../../chain/framework/gas.ts";

/** The reference: bigint sums, the error thrown once the sum passes the limit. */
class Reference {
  used = 0n;
  constructor(readonly limit: bigint) {}
  consume(amount: bigint, descriptor: string): void {
    this.used += amount;
    if (this.used > this.limit) throw new Error(`out of gas in location: ${descriptor}; gasWanted: ${this.limit}, gasUsed: ${this.used}`);
  }
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function outcome(f: () => void): string {
  try {
    f();
    return "ok";
  } catch (err) {
    return (err as Error).message;
  }
}

describe("gas meter", () => {
  it("charges exactly as bigint sums, across 2^53 and 2^64 − 1 limits", () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const limits = [0n, 1n, 999n, 1000n, 100_000n, SAFE - 1n, SAFE, SAFE + 1n, SAFE + 2n, 2n ** 63n, 2n ** 64n - 1n];
    for (const limit of limits) {
      for (let trial = 0; trial < 50; trial++) {
        const meter = new GasMeter(limit);
        const ref = new Reference(limit);
        for (let step = 0; step < 12; step++) {
          const kind = rand(5);
          const big = [1n, 999n, SAFE / 3n, SAFE, SAFE + 5n, 2n ** 62n][rand(6)]!;
          const amount = kind === 0 ? big : BigInt(rand(5000));
          const viaCharge = kind >= 3 && amount <= SAFE;
          const got = outcome(() => (viaCharge ? meter.charge(Number(amount), "KV") : meter.consume(amount, "KV")));
          const want = outcome(() => ref.consume(amount, "KV"));
          assert.equal(meter.consumed(), ref.used, `limit ${limit}, step ${step}`);
          // the sdk/11 error's message is the location text, then the error's own description
          assert.equal(got, want === "ok" ? want : `${want}: out of gas`, `limit ${limit}, step ${step}`);
          if (want !== "ok") break;
        }
      }
    }
  });
});
