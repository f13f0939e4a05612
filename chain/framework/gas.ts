// Gas metering with the Cosmos SDK's default KV costs, so gas figures look familiar to clients.
import type { KVEntry, KVStore } from "../store/kv.ts";
import { keyToString } from "../store/bytes.ts";
import { SdkErrors } from "./errors.ts";

export const GasCosts = {
  hasCost: 1000n,
  deleteCost: 1000n,
  readCostFlat: 1000n,
  readCostPerByte: 3n,
  writeCostFlat: 2000n,
  writeCostPerByte: 30n,
  iterNextCostFlat: 30n,
  txSizeCostPerByte: 10n,
  sigVerifySecp256k1: 1000n,
} as const;

// The KV costs as numbers, for the store's per-access charges (see GasMeter.charge).
const HAS = Number(GasCosts.hasCost);
const DELETE = Number(GasCosts.deleteCost);
const READ_FLAT = Number(GasCosts.readCostFlat);
const READ_PER_BYTE = Number(GasCosts.readCostPerByte);
const WRITE_FLAT = Number(GasCosts.writeCostFlat);
const WRITE_PER_BYTE = Number(GasCosts.writeCostPerByte);

const SAFE = Number.MAX_SAFE_INTEGER;
const SAFE_BIG = BigInt(SAFE);

/**
 * Gas used against a limit. The count is kept as an integer Number while it stays below 2^53
 * (every sum is then exact, and a store access costs no BigInt arithmetic); a count that would
 * pass 2^53 continues as a bigint. Either way the figures are exactly the bigint sums.
 */
export class GasMeter {
  private used = 0;
  private usedBig: bigint | undefined;
  /** The limit as a Number when exact; a larger limit cannot be reached below 2^53. */
  private readonly max: number;
  constructor(readonly limit: bigint) {
    this.max = limit <= SAFE_BIG ? Number(limit) : Infinity;
  }

  consumed(): bigint {
    return this.usedBig ?? BigInt(this.used);
  }

  consume(amount: bigint, descriptor: string): void {
    if (amount >= 0n && amount <= SAFE_BIG) this.charge(Number(amount), descriptor);
    else this.chargeBig(amount, descriptor);
  }

  /** consume() for a non-negative integer amount below 2^53. */
  charge(amount: number, descriptor: string): void {
    const used = this.used + amount;
    if (this.usedBig !== undefined || used > SAFE) {
      this.chargeBig(BigInt(amount), descriptor);
      return;
    }
    this.used = used;
    if (used > this.max) this.outOfGas(descriptor);
  }

  private chargeBig(amount: bigint, descriptor: string): void {
    this.usedBig = (this.usedBig ?? BigInt(this.used)) + amount;
    if (this.usedBig > this.limit) this.outOfGas(descriptor);
  }

  private outOfGas(descriptor: string): never {
    throw SdkErrors.OutOfGas.wrap(`out of gas in location: ${descriptor}; gasWanted: ${this.limit}, gasUsed: ${this.consumed()}`);
  }
}

const MAX_GAS = 0xffff_ffff_ffff_ffffn;

/** Infinite meter for genesis, begin/end block and queries. */
export function infiniteGasMeter(): GasMeter {
  return new GasMeter(MAX_GAS);
}

/** A store view that charges gas for every access. */
export class GasKVStore implements KVStore {
  constructor(
    private readonly parent: KVStore,
    private readonly meter: GasMeter,
  ) {}
  get(key: Uint8Array): Uint8Array | undefined {
    return this.getS(keyToString(key));
  }
  has(key: Uint8Array): boolean {
    return this.hasS(keyToString(key));
  }
  set(key: Uint8Array, value: Uint8Array): void {
    this.setS(keyToString(key), value);
  }
  delete(key: Uint8Array): void {
    this.deleteS(keyToString(key));
  }
  // a binary-string key has one character per key byte, so its length is the key's byte length
  getS(key: string): Uint8Array | undefined {
    const v = this.parent.getS(key);
    this.meter.charge(READ_FLAT + READ_PER_BYTE * (key.length + (v?.length ?? 0)), "Read");
    return v;
  }
  hasS(key: string): boolean {
    this.meter.charge(HAS, "Has");
    return this.parent.hasS(key);
  }
  setS(key: string, value: Uint8Array): void {
    this.meter.charge(WRITE_FLAT + WRITE_PER_BYTE * (key.length + value.length), "Write");
    this.parent.setS(key, value);
  }
  deleteS(key: string): void {
    this.meter.charge(DELETE, "Delete");
    this.parent.deleteS(key);
  }
  range(start: Uint8Array, end: Uint8Array | undefined, reverse?: boolean): KVEntry[] {
    const entries = this.parent.range(start, end, reverse);
    for (const e of entries) {
      this.meter.consume(GasCosts.iterNextCostFlat, "IterNext");
      this.meter.consume(GasCosts.readCostPerByte * BigInt(e.key.length + e.value.length), "IterValuePerByte");
    }
    return entries;
  }
}
