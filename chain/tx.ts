// Decoding a TxRaw into its parts, once, with sdk/2 errors that say what failed to decode.
import type { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { sha256 } from "./node/merkle-root.js";
import { SdkErrors } from "./framework/errors.ts";
import type { MsgHandler } from "./framework/module.ts";
import { decodeAuthInfo, decodeTxBody, decodeTxRaw } from "./tx-wire.ts";

export interface DecodedMsg {
  typeUrl: string;
  handler: MsgHandler<unknown>;
  msg: unknown;
}

export interface DecodedTx {
  bytes: Uint8Array;
  hash: Uint8Array;
  raw: TxRaw;
  body: TxBody;
  authInfo: AuthInfo;
  msgs: DecodedMsg[];
  /** Required signers (bech32), in order of first appearance across messages. */
  signers: string[];
  /**
   * Node-local memo of a decoded tx, never part of state: set once CheckTx accepted the tx (its
   * signatures are then known valid, so FinalizeBlock need not verify them again).
   */
  checked?: boolean;
  /**
   * Node-local memo: per signer index, the account number and public key whose signature the
   * node's signature pool verified off the main thread (CheckTx then skips that check).
   */
  poolVerified?: ({ accountNumber: bigint; pubKey: Uint8Array } | undefined)[];
}

/** sha256 of a tx's bytes. */
export function txHash(bytes: Uint8Array): Uint8Array {
  return sha256(bytes);
}

export function decodeTx(bytes: Uint8Array, router: Map<string, MsgHandler<unknown>>, hash: Uint8Array = txHash(bytes)): DecodedTx {
  let raw: TxRaw;
  let body: TxBody;
  let authInfo: AuthInfo;
  try {
    raw = decodeTxRaw(bytes);
    body = decodeTxBody(raw.bodyBytes);
    authInfo = decodeAuthInfo(raw.authInfoBytes);
  } catch (err) {
    throw SdkErrors.TxDecode.wrap(`cannot decode tx: ${(err as Error).message}`);
  }
  if (body.messages.length === 0) throw SdkErrors.InvalidRequest.wrap("tx has no messages");
  if (body.extensionOptions.length > 0) throw SdkErrors.UnknownRequest.wrap("tx extension options are not supported");
  const msgs: DecodedMsg[] = [];
  const signers: string[] = [];
  for (const any of body.messages) {
    const handler = router.get(any.typeUrl);
    if (!handler) throw SdkErrors.TxDecode.wrap(`unable to resolve type URL ${any.typeUrl}`);
    let msg: unknown;
    try {
      msg = handler.codec.decode(any.value);
    } catch (err) {
      throw SdkErrors.TxDecode.wrap(`cannot decode ${any.typeUrl}: ${(err as Error).message}`);
    }
    msgs.push({ typeUrl: any.typeUrl, handler, msg });
    for (const s of handler.signers(msg)) if (!signers.includes(s)) signers.push(s);
  }
  return { bytes, hash, raw, body, authInfo, msgs, signers };
}
