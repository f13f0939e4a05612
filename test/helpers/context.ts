// In-memory contexts for keeper unit specs: a real CacheStore over a MemoryStore (no LevelDB).
import { Context, type BlockInfo, type ExecMode } from "../../chain/framework/context.ts";
import { CacheStore, MemoryStore } from "../../chain/store/kv.ts";
import { createHash } from "node:crypto";

export interface TestChain {
  store: CacheStore;
  /** A context at `height` (block hash = sha256(height), time = height seconds). */
  ctx(height?: bigint, mode?: ExecMode): Context;
}

export function memoryChain(chainId = "unit-test"): TestChain {
  const store = new CacheStore(new MemoryStore());
  return {
    store,
    ctx: (height = 1n, mode: ExecMode = "deliver") => {
      const block: BlockInfo = {
        height,
        time: { seconds: 1_700_000_000n + height, nanos: 0 },
        chainId,
        hash: new Uint8Array(createHash("sha256").update(`block-${height}`).digest()),
        proposer: new Uint8Array(20),
      };
      return new Context(store, block, mode);
    },
  };
}
