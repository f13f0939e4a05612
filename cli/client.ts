// Chain access for CLI commands: unmodified CosmJS clients against the node's RPC, and a signed
// tx broadcast with the chain id the user gave (so a wrong --chain-id fails as on any SDK chain).
import { SigningStargateClient, StargateClient, GasPrice, calculateFee, type DeliverTxResponse, type StdFee } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import type { EncodeObject, Registry } from "@cosmjs/proto-signing";
import { flagString, type ParsedFlags } from "./args.ts";
import type { Keyring } from "./keyring.ts";

/** How often a broadcast tx is looked up until it is in a block (CosmJS polls every 3 s by default). */
export const BROADCAST_POLL_MS = 250;

export const DEFAULT_NODE = "http://127.0.0.1:26657";

export function nodeUrl(f: ParsedFlags): string {
  const raw = flagString(f, "node") ?? DEFAULT_NODE;
  const url = raw.replace(/^tcp:\/\//, "http://");
  if (!/^https?:\/\/[^/]+/.test(url)) throw new Error(`invalid --node ${JSON.stringify(raw)}: expected http://HOST:PORT or tcp://HOST:PORT`);
  return url;
}

export async function connectQuery(f: ParsedFlags): Promise<StargateClient> {
  const url = nodeUrl(f);
  try {
    return await StargateClient.connect(url);
  } catch (err) {
    throw new Error(`cannot reach the node at ${url}: ${(err as Error).message}`);
  }
}

export async function connectComet(f: ParsedFlags): Promise<Comet38Client> {
  const url = nodeUrl(f);
  try {
    return await Comet38Client.connect(url);
  } catch (err) {
    throw new Error(`cannot reach the node at ${url}: ${(err as Error).message}`);
  }
}

export interface TxFlags {
  from: string;
  chainId?: string;
  fees?: string;
  gas?: string;
  gasPrices?: string;
  gasAdjustment?: string;
  memo?: string;
}

export function txFlagSpec(): Record<string, "string" | "boolean"> {
  return {
    from: "string",
    "chain-id": "string",
    node: "string",
    fees: "string",
    gas: "string",
    "gas-prices": "string",
    "gas-adjustment": "string",
    note: "string",
    home: "string",
    "keyring-backend": "string",
    output: "string",
    o: "string",
    y: "boolean",
    yes: "boolean",
    "broadcast-mode": "string",
  };
}

/** Signs with SIGN_MODE_DIRECT and broadcasts; resolves once the tx is in a block. */
export async function signAndBroadcast(
  f: ParsedFlags,
  keyring: Keyring,
  from: string,
  messages: EncodeObject[],
  registry?: Registry,
): Promise<DeliverTxResponse> {
  const url = nodeUrl(f);
  const wallet = await keyring.wallet(from);
  const [account] = await wallet.getAccounts();
  const address = account!.address;
  let client: SigningStargateClient;
  try {
    client = await SigningStargateClient.connectWithSigner(url, wallet, { broadcastPollIntervalMs: BROADCAST_POLL_MS, ...(registry ? { registry } : {}) });
  } catch (err) {
    throw new Error(`cannot reach the node at ${url}: ${(err as Error).message}`);
  }
  try {
    const chainId = flagString(f, "chain-id") ?? (await client.getChainId());
    const memo = flagString(f, "note") ?? "";
    const gasPrice = GasPrice.fromString(flagString(f, "gas-prices") ?? "0.025utrain");
    let fee: StdFee;
    const gasFlag = flagString(f, "gas") ?? "auto";
    const fees = flagString(f, "fees");
    let gasLimit: number;
    if (gasFlag === "auto") {
      const adjustment = Number(flagString(f, "gas-adjustment") ?? "1.4");
      if (!(adjustment >= 1)) throw new Error("--gas-adjustment must be a number ≥ 1");
      gasLimit = Math.ceil((await client.simulate(address, messages, memo)) * adjustment);
    } else {
      if (!/^[0-9]+$/.test(gasFlag)) throw new Error(`invalid --gas ${JSON.stringify(gasFlag)}: expected a number or "auto"`);
      gasLimit = Number(gasFlag);
    }
    if (fees !== undefined) {
      const m = /^([0-9]+)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/.exec(fees);
      if (!m) throw new Error(`invalid --fees ${JSON.stringify(fees)}: expected e.g. 5000utrain`);
      fee = { amount: [{ denom: m[2]!, amount: m[1]! }], gas: String(gasLimit) };
    } else {
      fee = calculateFee(gasLimit, gasPrice);
    }
    const account = await client.getAccount(address);
    if (!account) throw new Error(`account ${address} (key ${from}) does not exist on chain: fund it first`);
    const signed = await client.sign(address, messages, fee, memo, { accountNumber: account.accountNumber, sequence: account.sequence, chainId });
    const { TxRaw } = await import("cosmjs-types/cosmos/tx/v1beta1/tx");
    return await client.broadcastTx(TxRaw.encode(signed).finish(), 60_000, 500);
  } finally {
    client.disconnect();
  }
}

export function txResponseJson(r: DeliverTxResponse): Record<string, unknown> {
  return {
    height: String(r.height),
    txhash: r.transactionHash,
    code: r.code,
    raw_log: r.rawLog ?? "",
    gas_wanted: String(r.gasWanted),
    gas_used: String(r.gasUsed),
    events: r.events,
  };
}
