// `trainchain start --abci ADDR`: the application alone, served to a CometBFT node over the socket.
// No embedded engine, block store or RPC: CometBFT runs consensus, keeps the blocks and serves RPC.
import { existsSync } from "node:fs";
import type { Logger } from "pino";
import { TrainchainApp } from "../app.ts";
import { ChainDb } from "../store/db.ts";
import { BlockStore } from "../node/blockstore.ts";
import { homePaths, parseGasPrices } from "../node/config.ts";
import { readGenesis } from "../node/genesis.ts";
import { AbciServer } from "./server.ts";

export interface AbciServeOptions {
  home: string;
  /** tcp://HOST:PORT or unix://PATH — CometBFT's `proxy_app`. */
  address: string;
  minGasPrices: string;
  logger: Logger;
  maxFrameBytes?: number;
}

export interface ServedApp {
  server: AbciServer;
  app: TrainchainApp;
  /** Closes the socket (after the request in progress is answered), then the database. */
  close(): Promise<void>;
}

export async function serveAbci(options: AbciServeOptions): Promise<ServedApp> {
  const paths = homePaths(options.home);
  const genesis = existsSync(paths.genesis) ? readGenesis(paths.genesis) : undefined;
  const maxGas = genesis ? BigInt(genesis.consensus_params.block.max_gas) : 0n;
  const db = await ChainDb.open(paths.db);
  try {
    const blocks = new BlockStore(db);
    await blocks.load();
    if (blocks.latestHeight() > 0n) {
      throw new Error(`${paths.db} holds blocks of the embedded engine (height ${blocks.latestHeight()}); CometBFT needs an application that starts from its genesis: use a fresh --home`);
    }
    const app = await TrainchainApp.open({
      db,
      logger: options.logger,
      minGasPrices: parseGasPrices(options.minGasPrices),
      maxBlockGas: maxGas > 0n ? maxGas : 0n,
    });
    if (genesis && app.height > 0n && app.chain !== genesis.chain_id) {
      throw new Error(`the data directory holds chain ${app.chain}, but genesis is for ${genesis.chain_id}`);
    }
    const server = await AbciServer.listen(app, { address: options.address, logger: options.logger, ...(options.maxFrameBytes ? { maxFrameBytes: options.maxFrameBytes } : {}) });
    options.logger.info({ address: server.address, height: Number(app.height) }, "serving the application to CometBFT");
    return {
      server,
      app,
      close: async () => {
        await server.close();
        await db.close();
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}
