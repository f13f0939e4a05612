// End to end in ABCI loopback mode: the node serves its app on a unix ABCI socket and the embedded
// engine drives it through the socket client (InitChain, Info, FinalizeBlock, Commit over the
// CometBFT v0.38 protocol); the same CosmJS scenarios as the default mode must pass.
import { join } from "node:path";
import { cosmjsScenarios } from "./cosmjs-scenarios.ts";

cosmjsScenarios("chain node with unmodified CosmJS, engine driving the app over the ABCI socket", {
  startArgs: (home) => ["--abci-loopback", `unix://${join(home.home, "abci.sock")}`],
});
