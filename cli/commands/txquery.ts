// `trainchain tx …` and `trainchain query …` for the chain's base modules.
import { fromBech32 } from "../../chain/framework/address.ts";
import { parseCoinsString } from "../../chain/framework/coins.ts";
import { flagString, parseFlags, positionals, printResult, homeOf } from "../args.ts";
import { QueryClient, setupBankExtension } from "@cosmjs/stargate";
import { connectComet, connectQuery, signAndBroadcast, txFlagSpec, txResponseJson } from "../client.ts";
import { Keyring } from "../keyring.ts";

/** Module tx/query commands: `trainchain tx <module> <action> …` → handler(action, rest). */
export type ModuleCommand = (action: string | undefined, argv: string[]) => Promise<void>;
const MODULE_TX: Record<string, () => Promise<ModuleCommand>> = {
  // module command files register here, e.g. staking: async () => (await import("./staking.ts")).stakingTx,
  staking: async () => (await import("./staking.ts")).stakingTx,
  "data-registry": async () => (await import("./dataset.ts")).dataRegistryTx,
  "training-task": async () => (await import("./task.ts")).trainingTaskTx,
};
const MODULE_QUERY: Record<string, () => Promise<ModuleCommand>> = {
  // e.g. staking: async () => (await import("./staking.ts")).stakingQuery,
  staking: async () => (await import("./staking.ts")).stakingQuery,
  "data-registry": async () => (await import("./dataset.ts")).dataRegistryQuery,
  "training-task": async () => (await import("./task.ts")).trainingTaskQuery,
  reward: async () => (await import("./reward.ts")).rewardQuery,
};

export async function txCommand(argv: string[]): Promise<void> {
  const [module, action, ...rest] = argv;
  const moduleTx = module ? MODULE_TX[module] : undefined;
  if (moduleTx) return (await moduleTx())(action, rest);
  const f = parseFlags(rest, txFlagSpec(), `tx ${module ?? ""} ${action ?? ""}`);
  const keyring = Keyring.forHome(homeOf(f), flagString(f, "keyring-backend"));
  if (module === "bank" && action === "send") {
    const [fromArg, toArg, amountArg] = positionals(f, 3, "trainchain tx bank send <from> <to> <amount> --chain-id <id>");
    const from = keyring.show(fromArg!).address;
    const to = keyring.resolveAddress(toArg!);
    fromBech32(to);
    const coins = parseCoinsString(amountArg!);
    if (coins.length === 0 || coins.some((c) => c.amount <= 0n)) throw new Error(`invalid amount ${JSON.stringify(amountArg)}: must be positive, e.g. 1000utrain`);
    const res = await signAndBroadcast(f, keyring, fromArg!, [
      {
        typeUrl: "/cosmos.bank.v1beta1.MsgSend",
        value: { fromAddress: from, toAddress: to, amount: coins.map((c) => ({ denom: c.denom, amount: c.amount.toString() })) },
      },
    ]);
    reportTx(f, res);
    return;
  }
  throw new Error(`unknown tx command ${JSON.stringify(`${module ?? ""} ${action ?? ""}`.trim())}; expected "bank send"`);
}

export function reportTx(f: ReturnType<typeof parseFlags>, res: Awaited<ReturnType<typeof signAndBroadcast>>): void {
  printResult(f, txResponseJson(res), res.code === 0 ? `committed tx ${res.transactionHash} at height ${res.height}` : `tx ${res.transactionHash} failed`);
  if (res.code !== 0) throw new Error(`tx ${res.transactionHash} failed with code ${res.code}: ${res.rawLog ?? ""}`);
}

export async function queryCommand(argv: string[]): Promise<void> {
  const [module, what, ...rest] = argv;
  const moduleQuery = module ? MODULE_QUERY[module] : undefined;
  if (moduleQuery) return (await moduleQuery())(what, rest);
  const f = parseFlags(rest, { node: "string", output: "string", o: "string", home: "string", "keyring-backend": "string", denom: "string" }, `query ${module ?? ""} ${what ?? ""}`);
  const keyring = Keyring.forHome(homeOf(f), flagString(f, "keyring-backend"));
  const client = await connectQuery(f);
  try {
    if (module === "bank" && what === "balances") {
      const [who] = positionals(f, 1, "trainchain query bank balances <address|key> [--denom D]");
      const address = keyring.resolveAddress(who!);
      const denom = flagString(f, "denom");
      const balances = denom ? [await client.getBalance(address, denom)] : await client.getAllBalances(address);
      printResult(f, { balances, pagination: { next_key: null, total: String(balances.length) } }, balances.map((b) => `${b.amount}${b.denom}`).join("\n") || "no balances");
      return;
    }
    if (module === "bank" && what === "total") {
      positionals(f, 0, "trainchain query bank total");
      const comet = await connectComet(f);
      const total = await QueryClient.withExtensions(comet, setupBankExtension).bank.totalSupply();
      comet.disconnect();
      printResult(f, { supply: total.supply }, total.supply.map((c) => `${c.amount}${c.denom}`).join("\n"));
      return;
    }
    if (module === "auth" && what === "account") {
      const [who] = positionals(f, 1, "trainchain query auth account <address|key>");
      const address = keyring.resolveAddress(who!);
      const account = await client.getAccount(address);
      if (!account) throw new Error(`account ${address} not found`);
      const json = {
        address: account.address,
        pub_key: account.pubkey ? { "@type": "/cosmos.crypto.secp256k1.PubKey", key: account.pubkey.value } : null,
        account_number: String(account.accountNumber),
        sequence: String(account.sequence),
      };
      printResult(f, json, `address: ${json.address}\naccount_number: ${json.account_number}\nsequence: ${json.sequence}`);
      return;
    }
    if (module === "tx") {
      // `query tx <hash>` — the hash is `what`
      if (!what || !/^(0x)?[0-9a-fA-F]{64}$/.test(what)) throw new Error(`invalid tx hash ${JSON.stringify(what ?? "")}: expected 64 hex characters`);
      positionals(f, 0, "trainchain query tx <hash>");
      const tx = await client.getTx(what.replace(/^0x/, "").toUpperCase());
      if (!tx) throw new Error(`tx ${what} not found`);
      const json = { height: String(tx.height), txhash: tx.hash, code: tx.code, gas_wanted: String(tx.gasWanted), gas_used: String(tx.gasUsed), events: tx.events, tx: Buffer.from(tx.tx).toString("base64") };
      printResult(f, json, `tx ${tx.hash}: height ${tx.height}, code ${tx.code}, gas used ${tx.gasUsed}`);
      return;
    }
    throw new Error(`unknown query ${JSON.stringify(`${module ?? ""} ${what ?? ""}`.trim())}; expected "bank balances", "bank total", "auth account" or "tx <hash>"`);
  } finally {
    client.disconnect();
  }
}

