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

export class GasMeter {
  private used = 0n;
  constructor(readonly limit: bigint) {}

  consumed(): bigint {
    return this.used;
  }

  consume(amount: bigint, descriptor: string): void {
    this.used += amount;
    if (this.used > this.limit) {
      throw SdkErrors.OutOfGas.wrap(`out of gas in location: ${descriptor}; gasWanted: ${this.limit}, gasUsed: ${this.used}`);
    }
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
    this.meter.consume(GasCosts.readCostFlat + GasCosts.readCostPerByte * BigInt(key.length + (v?.length ?? 0)), "Read");
    return v;
  }
  hasS(key: string): boolean {
    this.meter.consume(GasCosts.hasCost, "Has");
    return this.parent.hasS(key);
  }
  setS(key: string, value: Uint8Array): void {
    this.meter.consume(GasCosts.writeCostFlat + GasCosts.writeCostPerByte * BigInt(key.length + value.length), "Write");
    this.parent.setS(key, value);
  }
  deleteS(key: string): void {
    this.meter.consume(GasCosts.deleteCost, "Delete");
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
