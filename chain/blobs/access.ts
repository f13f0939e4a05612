// Who may read a dataset's blobs: the chain's data-registry HasAccess, asked in-process through the
// node's NodeView or over a node's CometBFT RPC.
import { QueryClient } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { QueryHasAccessRequest, QueryHasAccessResponse } from "../../proto/trainchain/data_registry/v1/generated.ts";
import { setupDataRegistryExtension, type DataRegistryExtension } from "../../proto/client/queries.ts";
import type { NodeView } from "../node/types.ts";

export interface AccessChecker {
  hasAccess(datasetId: bigint, address: string): Promise<boolean>;
  close?(): void;
}

const HAS_ACCESS_PATH = "/trainchain.data_registry.v1.Query/HasAccess";

export function accessFromNodeView(view: Pick<NodeView, "abciQuery">): AccessChecker {
  return {
    hasAccess: async (datasetId, address) => {
      const res = view.abciQuery(HAS_ACCESS_PATH, QueryHasAccessRequest.encode({ datasetId, address }).finish(), 0n, false);
      if (res.code !== 0) throw new Error(`HasAccess query failed: ${res.log}`);
      return QueryHasAccessResponse.decode(res.value).hasAccess;
    },
  };
}

/** HasAccess over a node's RPC (`--node URL`); connects on first use. */
export function accessFromRpc(url: string): AccessChecker {
  let client: Promise<{ comet: Comet38Client; query: QueryClient & DataRegistryExtension }> | undefined;
  const connect = (): Promise<{ comet: Comet38Client; query: QueryClient & DataRegistryExtension }> => {
    client ??= Comet38Client.connect(url).then((comet) => ({ comet, query: QueryClient.withExtensions(comet, setupDataRegistryExtension) }));
    client.catch(() => {
      client = undefined;
    });
    return client;
  };
  return {
    hasAccess: async (datasetId, address) => (await connect()).query.dataRegistry.hasAccess(datasetId, address),
    close: () => {
      void client?.then((c) => c.comet.disconnect()).catch(() => undefined);
    },
  };
}
