// Events as ABCI carries them. Every attribute is indexed (index: true) so tx_search and
// block_results find them; the framework adds message.action / msg_index.
import type { Event } from "cosmjs-types/tendermint/abci/types";

export class EventManager {
  readonly events: Event[] = [];

  /** False when emitted events are dropped (CheckTx): emitters may skip building them. */
  get recording(): boolean {
    return true;
  }

  emit(type: string, attributes: [string, string][]): void {
    const attrs = new Array<{ key: string; value: string; index: boolean }>(attributes.length);
    for (let i = 0; i < attributes.length; i++) attrs[i] = { key: attributes[i]![0], value: attributes[i]![1], index: true };
    this.events.push({ type, attributes: attrs });
  }

  append(events: Event[]): void {
    for (const e of events) this.events.push(e);
  }
}

/** For CheckTx, whose response carries no events: emitting records nothing. */
export class DiscardingEventManager extends EventManager {
  override get recording(): boolean {
    return false;
  }
  override emit(): void {}
  override append(): void {}
}
