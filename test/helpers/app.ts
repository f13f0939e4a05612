// An application opened on a fresh LevelDB and initialised from a node home's genesis, for
// in-process tests that drive ABCI directly.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import { TrainchainApp } from "../../chain/app.ts";
import { ChainDb } from "../../chain/store/db.ts";
import { initChainRequest, type GenesisDoc } from "../../chain/node/genesis.ts";

export function readHomeGenesis(home: string): GenesisDoc {
  return JSON.parse(readFileSync(join(home, "config", "genesis.json"), "utf8")) as GenesisDoc;
}

export async function appFromGenesis(genesis: GenesisDoc, dbPath: string): Promise<{ app: TrainchainApp; db: ChainDb }> {
  const db = await ChainDb.open(dbPath);
  const app = await TrainchainApp.open({ db, logger: pino({ enabled: false }) });
  await app.initChain(initChainRequest(genesis));
  return { app, db };
}
