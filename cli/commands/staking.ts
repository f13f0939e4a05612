// `trainchain tx staking create-validator|bond|unbond` and `trainchain query staking validators|validator|params|unbonding`.
import { fromBech32 } from "../../chain/framework/address.ts";
import { parseCoinsString } from "../../chain/framework/coins.ts";
import { STAKING_MSG_TYPES, parseStakeCoin, validateMoniker } from "../../modules/staking/index.ts";
import { createTrainchainQueries, trainchainRegistry, unbondingEntryJson, validatorJson } from "../../proto/client/index.ts";
import { flagString, parseFlags, positionals, printResult, type ParsedFlags, homeOf } from "../args.ts";
import { connectComet, signAndBroadcast, txFlagSpec } from "../client.ts";
import { Keyring } from "../keyring.ts";
import { reportTx } from "./txquery.ts";

const TX_USAGE = "trainchain tx staking create-validator --pubkey <base64|hex ed25519> --amount <coin> --moniker <name> --from <key> | bond <amount> --from <key> | unbond <amount> --from <key>";
const QUERY_USAGE = "trainchain query staking validators | validator <address|key> | params | unbonding [address|key]";

/** Parses one positive coin, e.g. 5000000utrain; the bond denom is checked by the chain. */
export function parseStakeAmount(text: string, what: string): { denom: string; amount: string } {
  let coins;
  try {
    coins = parseCoinsString(text);
  } catch {
    throw new Error(`invalid ${what} "${text}": expected one positive amount with its denom, e.g. 5000000utrain`);
  }
  if (coins.length !== 1) throw new Error(`invalid ${what} "${text}": expected exactly one coin, e.g. 5000000utrain`);
  const coin = { denom: coins[0]!.denom, amount: coins[0]!.amount.toString() };
  try {
    parseStakeCoin(coin, what);
  } catch (err) {
    throw new Error(`invalid ${what} "${text}": ${(err as Error).message}`);
  }
  return coin;
}

/** A 32-byte ed25519 public key given as base64 or hex. */
export function parseConsensusPubKey(text: string): Uint8Array {
  const bytes = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, "hex") : /^[A-Za-z0-9+/]{43}=$/.test(text) ? Buffer.from(text, "base64") : undefined;
  if (!bytes || bytes.length !== 32) throw new Error(`invalid --pubkey "${text}": expected a 32-byte ed25519 public key as base64 (44 characters) or hex (64 characters)`);
  return new Uint8Array(bytes);
}

async function broadcast(f: ParsedFlags, keyring: Keyring, from: string, typeUrl: string, value: Record<string, unknown>): Promise<void> {
  const res = await signAndBroadcast(f, keyring, from, [{ typeUrl, value }], trainchainRegistry());
  reportTx(f, res);
}

export async function stakingTx(action: string | undefined, argv: string[]): Promise<void> {
  const spec = { ...txFlagSpec(), pubkey: "string", amount: "string", moniker: "string" } as const;
  const f = parseFlags(argv, spec, `tx staking ${action ?? ""}`);
  if (f.values.has("o") && !f.values.has("output")) f.values.set("output", f.values.get("o")!);
  const keyring = Keyring.forHome(homeOf(f), flagString(f, "keyring-backend"));
  const fromKey = flagString(f, "from");
  const needFrom = (): string => {
    if (!fromKey) throw new Error(`"tx staking ${action}" needs --from <key>`);
    return fromKey;
  };
  switch (action) {
    case "create-validator": {
      positionals(f, 0, TX_USAGE);
      const pubText = flagString(f, "pubkey");
      if (!pubText) throw new Error(`"tx staking create-validator" needs --pubkey <base64|hex ed25519 consensus key>`);
      const pubkey = parseConsensusPubKey(pubText);
      const amountText = flagString(f, "amount");
      if (!amountText) throw new Error(`"tx staking create-validator" needs --amount <coin>, e.g. 5000000utrain`);
      const selfBond = parseStakeAmount(amountText, "--amount");
      const from = needFrom();
      const moniker = flagString(f, "moniker") ?? from;
      try {
        validateMoniker(moniker);
      } catch (err) {
        throw new Error(`invalid --moniker: ${(err as Error).message}`);
      }
      const operator = keyring.show(from).address;
      await broadcast(f, keyring, from, STAKING_MSG_TYPES.createValidator, { operatorAddress: operator, consensusPubkey: pubkey, moniker, selfBond });
      return;
    }
    case "bond":
    case "unbond": {
      const [amountText] = positionals(f, 1, `trainchain tx staking ${action} <amount> --from <key>`);
      const amount = parseStakeAmount(amountText!, "amount");
      const from = needFrom();
      const operator = keyring.show(from).address;
      await broadcast(f, keyring, from, action === "bond" ? STAKING_MSG_TYPES.bond : STAKING_MSG_TYPES.unbond, { operatorAddress: operator, amount });
      return;
    }
    default:
      throw new Error(`unknown staking tx "${action ?? ""}"; usage: ${TX_USAGE}`);
  }
}

export async function stakingQuery(what: string | undefined, argv: string[]): Promise<void> {
  const f = parseFlags(argv, { node: "string", output: "string", o: "string", home: "string", "keyring-backend": "string" }, `query staking ${what ?? ""}`);
  if (f.values.has("o") && !f.values.has("output")) f.values.set("output", f.values.get("o")!);
  const keyring = (): Keyring => Keyring.forHome(homeOf(f), flagString(f, "keyring-backend"));
  const resolve = (who: string): string => {
    const address = /^train1/.test(who) ? who : keyring().resolveAddress(who);
    fromBech32(address);
    return address;
  };
  if (!["validators", "validator", "params", "unbonding"].includes(what ?? "")) throw new Error(`unknown staking query "${what ?? ""}"; usage: ${QUERY_USAGE}`);
  if (what === "validator") positionals(f, 1, "trainchain query staking validator <address|key>");
  else if (what === "unbonding") {
    if (f.positional.length > 1) throw new Error(`expected at most 1 argument; usage: trainchain query staking unbonding [address|key]`);
  } else positionals(f, 0, `trainchain query staking ${what}`);
  const operator = f.positional[0] !== undefined ? resolve(f.positional[0]) : undefined;
  const comet = await connectComet(f);
  try {
    const q = createTrainchainQueries(comet).trainchainStaking;
    if (what === "validators") {
      const validators = (await q.validators()).map(validatorJson);
      printResult(f, { validators }, validators.map((v) => `${v.operator_address}  power ${v.power}  tokens ${v.tokens}  ${v.moniker}${v.jailed ? "  (jailed)" : ""}`).join("\n") || "no validators");
    } else if (what === "validator") {
      const v = validatorJson(await q.validator(operator!));
      printResult(f, { validator: v }, `operator: ${v.operator_address}\nmoniker: ${v.moniker}\ntokens: ${v.tokens}\npower: ${v.power}\njailed: ${v.jailed}\nconsensus_pubkey: ${v.consensus_pubkey.key}`);
    } else if (what === "params") {
      const p = await q.params();
      printResult(f, { params: { bond_denom: p.bondDenom, unbonding_blocks: p.unbondingBlocks.toString() } }, `bond_denom: ${p.bondDenom}\nunbonding_blocks: ${p.unbondingBlocks}`);
    } else {
      const entries = (await q.unbondingEntries(operator)).map(unbondingEntryJson);
      printResult(f, { entries }, entries.map((e) => `#${e.id} ${e.operator_address} ${e.amount} completes at height ${e.completion_height}`).join("\n") || "no unbonding entries");
    }
  } finally {
    comet.disconnect();
  }
}
