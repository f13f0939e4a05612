// Events as ABCI carries them. Every attribute is indexed (index: true) so tx_search and
// block_results find them; the framework adds message.action / msg_index.
import type { Event } from "cosmjs-types/tendermint/abci/types";

export class EventManager {
  readonly events: Event[] = [];

  emit(type: string, attributes: [string, string][]): void {
    this.events.push({
      type,
      attributes: attributes.map(([key, value]) => ({ key, value, index: true })),
    });
  }

  append(events: Event[]): void {
    for (const e of events) this.events.push(e);
  }
}

/** For CheckTx, whose response carries no events: emitting records nothing. */
export class DiscardingEventManager extends EventManager {
  override emit(): void {}
  override append(): void {}
}
