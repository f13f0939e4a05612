// The context a keeper method runs in: a (gas-metered) store branch, block info, the gas meter and
// the event manager. Everything a state transition may depend on is here; nothing else.
import type { KVEntry, KVStore } from "../store/kv.ts";
import { concatBytes, keyToString, prefixEnd } from "../store/bytes.ts";
import { EventManager } from "./events.ts";
import { GasKVStore, GasMeter, infiniteGasMeter } from "./gas.ts";

export interface BlockInfo {
  height: bigint;
  /** Block time (consensus time), never the wall clock. */
  time: { seconds: bigint; nanos: number };
  chainId: string;
  /** Hash of the block being executed (randomness source for end-of-block logic). */
  hash: Uint8Array;
  proposer: Uint8Array;
}

export type ExecMode = "check" | "recheck" | "simulate" | "deliver" | "genesis" | "query";

export class Context {
  readonly store: KVStore;
  private readonly modules: (PrefixStore | undefined)[] = [];
  constructor(
    readonly rawStore: KVStore,
    readonly block: BlockInfo,
    readonly mode: ExecMode,
    readonly gasMeter: GasMeter = infiniteGasMeter(),
    readonly events: EventManager = new EventManager(),
  ) {
    this.store = new GasKVStore(rawStore, gasMeter);
  }

  /** A module's namespace: keys are prefixed with the module's one-byte store prefix. */
  kv(prefix: number): KVStore {
    return (this.modules[prefix] ??= new PrefixStore(this.store, Uint8Array.of(prefix)));
  }

  withStore(store: KVStore, gasMeter: GasMeter = this.gasMeter, events: EventManager = this.events): Context {
    return new Context(store, this.block, this.mode, gasMeter, events);
  }

  isCheck(): boolean {
    return this.mode === "check" || this.mode === "recheck";
  }
}

/** The binary-string form of each one-byte module prefix. */
const ONE_BYTE = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i));

export class PrefixStore implements KVStore {
  private readonly p: string;
  constructor(
    private readonly parent: KVStore,
    private readonly prefix: Uint8Array,
  ) {
    this.p = prefix.length === 1 ? ONE_BYTE[prefix[0]!]! : String.fromCharCode(...prefix);
  }
  private k(key: Uint8Array): Uint8Array {
    return concatBytes(this.prefix, key);
  }
  get(key: Uint8Array): Uint8Array | undefined {
    return this.parent.getS(this.p + keyToString(key));
  }
  has(key: Uint8Array): boolean {
    return this.parent.hasS(this.p + keyToString(key));
  }
  set(key: Uint8Array, value: Uint8Array): void {
    this.parent.setS(this.p + keyToString(key), value);
  }
  delete(key: Uint8Array): void {
    this.parent.deleteS(this.p + keyToString(key));
  }
  getS(key: string): Uint8Array | undefined {
    return this.parent.getS(this.p + key);
  }
  hasS(key: string): boolean {
    return this.parent.hasS(this.p + key);
  }
  setS(key: string, value: Uint8Array): void {
    this.parent.setS(this.p + key, value);
  }
  deleteS(key: string): void {
    this.parent.deleteS(this.p + key);
  }
  range(start: Uint8Array, end: Uint8Array | undefined, reverse?: boolean): KVEntry[] {
    const pEnd = end ? this.k(end) : prefixEnd(this.prefix);
    return this.parent
      .range(this.k(start), pEnd, reverse)
      .map((e) => ({ key: e.key.subarray(this.prefix.length), value: e.value }));
  }
}
