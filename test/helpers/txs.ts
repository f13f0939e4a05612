// Builds signed MsgSend txs quickly for tests and benchmarks (SIGN_MODE_DIRECT, native secp256k1
// on the client side), from keys derived once with CosmJS.
import secp256k1 from "secp256k1";
import { createHash } from "node:crypto";
import { privateKeyFromMnemonic } from "../../cli/keyring.ts";
import { AuthInfo, SignDoc, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { pubkeyToAddress, toBech32 } from "../../chain/framework/address.ts";

export interface FastSigner {
  address: string;
  pubKey: Uint8Array;
  privKey: Uint8Array;
}

export async function signerFromMnemonic(mnemonic: string): Promise<FastSigner> {
  const privkey = privateKeyFromMnemonic(mnemonic);
  const pubKey = secp256k1.publicKeyCreate(privkey, true);
  return { address: toBech32(pubkeyToAddress(pubKey)), pubKey, privKey: privkey };
}

export function signerFromSeed(seed: string): FastSigner {
  const privKey = new Uint8Array(createHash("sha256").update(seed).digest());
  const pubKey = secp256k1.publicKeyCreate(privKey, true);
  return { address: toBech32(pubkeyToAddress(pubKey)), pubKey, privKey };
}

export interface SendTxOptions {
  chainId: string;
  accountNumber: bigint;
  sequence: bigint;
  to: string;
  amount?: string;
  fee?: string;
  gas?: bigint;
  memo?: string;
}

export function signedSend(signer: FastSigner, o: SendTxOptions): Uint8Array {
  const send = MsgSend.encode({ fromAddress: signer.address, toAddress: o.to, amount: [{ denom: "utrain", amount: o.amount ?? "1" }] }).finish();
  return signedTx(signer, [{ typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: send }], o);
}

/** A signed tx of any messages (already encoded as Any). */
export function signedTx(
  signer: FastSigner,
  messages: { typeUrl: string; value: Uint8Array }[],
  o: { chainId: string; accountNumber: bigint; sequence: bigint; fee?: string; gas?: bigint; memo?: string },
): Uint8Array {
  const body = TxBody.encode(TxBody.fromPartial({ messages, memo: o.memo ?? "" })).finish();
  const authInfo = AuthInfo.encode(
    AuthInfo.fromPartial({
      signerInfos: [
        {
          publicKey: { typeUrl: "/cosmos.crypto.secp256k1.PubKey", value: PubKey.encode({ key: signer.pubKey }).finish() },
          modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } },
          sequence: o.sequence,
        },
      ],
      fee: { amount: [{ denom: "utrain", amount: o.fee ?? "5000" }], gasLimit: o.gas ?? 200_000n },
    }),
  ).finish();
  const signDoc = SignDoc.encode({ bodyBytes: body, authInfoBytes: authInfo, chainId: o.chainId, accountNumber: o.accountNumber }).finish();
  const digest = createHash("sha256").update(signDoc).digest();
  const { signature } = secp256k1.ecdsaSign(digest, signer.privKey);
  return TxRaw.encode({ bodyBytes: body, authInfoBytes: authInfo, signatures: [signature] }).finish();
}


/** JSON-RPC POST helper. */
export async function rpcCall<T>(rpc: string, method: string, params: Record<string, unknown>): Promise<T> {
  const res = await fetch(rpc, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const json = (await res.json()) as { result?: T; error?: { message: string; data?: string } };
  if (json.error) throw new Error(`${method}: ${json.error.message} ${json.error.data ?? ""}`);
  return json.result as T;
}

export async function accountInfo(rpc: string, address: string): Promise<{ accountNumber: bigint; sequence: bigint }> {
  const { QueryAccountRequest, QueryAccountResponse } = await import("cosmjs-types/cosmos/auth/v1beta1/query");
  const { BaseAccount } = await import("cosmjs-types/cosmos/auth/v1beta1/auth");
  const data = Buffer.from(QueryAccountRequest.encode({ address }).finish()).toString("hex");
  const r = await rpcCall<{ response: { code: number; value: string; log: string } }>(rpc, "abci_query", { path: "/cosmos.auth.v1beta1.Query/Account", data });
  if (r.response.code !== 0) throw new Error(r.response.log);
  const acc = BaseAccount.decode(QueryAccountResponse.decode(Buffer.from(r.response.value, "base64")).account!.value);
  return { accountNumber: acc.accountNumber, sequence: acc.sequence };
}
