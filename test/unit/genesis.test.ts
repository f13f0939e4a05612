// Genesis block params: CometBFT's defaults from `init`, and a one-line error for bad values.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConsensusParams, readGenesis, writeGenesis, type GenesisDoc } from "../../chain/node/genesis.ts";

function doc(block: Record<string, unknown>): GenesisDoc {
  return {
    genesis_time: "2026-11-22T00:00:00Z",
    chain_id: "g-1",
    initial_height: "1",
    consensus_params: { ...defaultConsensusParams(), block: block as GenesisDoc["consensus_params"]["block"] },
    app_hash: "",
    app_state: {},
  } as unknown as GenesisDoc;
}

describe("genesis block params", () => {
  const dir = mkdtempSync(join(tmpdir(), "genesis-test-"));
  const path = join(dir, "genesis.json");

  it("init's defaults are CometBFT's: 21 MiB blocks, no gas limit", () => {
    assert.deepEqual(defaultConsensusParams().block, { max_bytes: "22020096", max_gas: "-1" });
    writeGenesis(path, doc(defaultConsensusParams().block));
    assert.equal(readGenesis(path).consensus_params.block.max_gas, "-1");
    writeGenesis(path, doc({ max_bytes: "1048576", max_gas: "100000000" }));
    assert.equal(readGenesis(path).consensus_params.block.max_gas, "100000000");
  });

  it("rejects a bad block gas or byte limit in one line naming the field", () => {
    for (const [block, field] of [
      [{ max_bytes: "22020096", max_gas: "-2" }, "max_gas"],
      [{ max_bytes: "22020096", max_gas: "lots" }, "max_gas"],
      [{ max_bytes: "22020096" }, "max_gas"],
      [{ max_bytes: "0", max_gas: "-1" }, "max_bytes"],
      [{ max_bytes: "-5", max_gas: "-1" }, "max_bytes"],
    ] as const) {
      writeGenesis(path, doc(block));
      assert.throws(() => readGenesis(path), (err: Error) => err.message.includes(`consensus_params.block.${field}`) && !err.message.includes("\n"));
    }
    rmSync(dir, { recursive: true, force: true });
  });
});
