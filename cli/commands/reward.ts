// `trainchain query reward pools|rewards ADDR|pending|escrow TASK|params`.
import { QueryClient } from "@cosmjs/stargate";
import {
  QueryEscrowRequest,
  QueryEscrowResponse,
  QueryParamsResponse,
  QueryPendingResponse,
  QueryPoolsResponse,
  QueryRewardsRequest,
  QueryRewardsResponse,
} from "../../proto/trainchain/reward/v1/generated.ts";
import { PAYMENT_KIND_NAMES } from "../../modules/reward/index.ts";
import { flagString, parseFlags, positionals, printResult, homeOf } from "../args.ts";
import { connectComet } from "../client.ts";
import { Keyring } from "../keyring.ts";
import { toJsonView } from "./task.ts";

const USAGE = "trainchain query reward pools | rewards ADDRESS|KEY | pending | escrow TASK | params";

export async function rewardQuery(what: string | undefined, argv: string[]): Promise<void> {
  const f = parseFlags(argv, { node: "string", output: "string", o: "string", home: "string", "keyring-backend": "string" }, `query reward ${what ?? ""}`);
  const comet = await connectComet(f);
  const q = QueryClient.withExtensions(comet);
  const ask = async (method: string, data: Uint8Array): Promise<Uint8Array> => (await q.queryAbci(`/trainchain.reward.v1.Query/${method}`, data)).value;
  try {
    let json: unknown;
    switch (what) {
      case "pools":
        positionals(f, 0, "trainchain query reward pools");
        json = QueryPoolsResponse.decode(await ask("Pools", new Uint8Array()));
        break;
      case "rewards": {
        const [who] = positionals(f, 1, "trainchain query reward rewards ADDRESS|KEY");
        const address = Keyring.forHome(homeOf(f), flagString(f, "keyring-backend")).resolveAddress(who!);
        const res = QueryRewardsResponse.decode(await ask("Rewards", QueryRewardsRequest.encode({ address }).finish()));
        json = { ...res, paid: res.paid.map((p) => ({ kind: PAYMENT_KIND_NAMES[p.kind] ?? String(p.kind), amount: p.amount })) };
        break;
      }
      case "pending":
        positionals(f, 0, "trainchain query reward pending");
        json = QueryPendingResponse.decode(await ask("Pending", new Uint8Array()));
        break;
      case "escrow": {
        const [task] = positionals(f, 1, "trainchain query reward escrow TASK");
        if (!task || !/^[0-9]+$/.test(task)) throw new Error(`invalid task id ${JSON.stringify(task ?? "")}`);
        json = QueryEscrowResponse.decode(await ask("Escrow", QueryEscrowRequest.encode({ taskId: BigInt(task) }).finish()));
        break;
      }
      case "params":
        positionals(f, 0, "trainchain query reward params");
        json = QueryParamsResponse.decode(await ask("Params", new Uint8Array()));
        break;
      default:
        throw new Error(`unknown query reward ${JSON.stringify(what ?? "")}; usage: ${USAGE}`);
    }
    const view = toJsonView(json);
    printResult(f, view, JSON.stringify(view, null, 2));
  } finally {
    comet.disconnect();
  }
}
