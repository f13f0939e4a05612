// The blob service inside the node: mounted on the API server, files under <home>/data/blobs,
// dataset access asked in-process through the node's ABCI query path.
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { homePaths } from "../node/config.ts";
import type { NodeView } from "../node/types.ts";
import { accessFromNodeView } from "./access.ts";
import { blobRoutes, type BlobRoutesOptions } from "./routes.ts";

export function defaultBlobDir(home: string): string {
  return join(homePaths(home).data, "blobs");
}

/**
 * `NodeOptions.apiRoutes` for the blob service. `view` is read at request time, so the routes can
 * be created before the node they query is open.
 */
export function nodeBlobRoutes(
  options: Omit<BlobRoutesOptions, "access" | "dir"> & { home: string; dir?: string },
  view: () => Pick<NodeView, "abciQuery">,
): (app: FastifyInstance) => void {
  const { home, dir, ...rest } = options;
  const access = accessFromNodeView({ abciQuery: (path, data, height, prove) => view().abciQuery(path, data, height, prove) });
  return (app) => {
    void app.register(blobRoutes({ ...rest, dir: dir ?? defaultBlobDir(home), access }));
  };
}
