// End to end: a real node process on loopback, driven by unmodified CosmJS.
import { cosmjsScenarios } from "./cosmjs-scenarios.ts";

cosmjsScenarios("chain node with unmodified CosmJS");
