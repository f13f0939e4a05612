// A standalone blob server (`trainchain blobd`): the blob routes on their own fastify instance.
import Fastify, { type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { blobRoutes, type BlobRoutesOptions } from "./routes.ts";

export async function buildBlobServer(options: BlobRoutesOptions & { logger: Logger }): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: options.logger, disableRequestLogging: true }) as unknown as FastifyInstance;
  await app.register(blobRoutes(options));
  return app;
}
