// The ante chain, in the Cosmos SDK's order: size/memo/timeout checks → gas meter → fee deduction
// (min gas price in CheckTx) → pubkey set/match → sequence check → signature verification
// (secp256k1 over sha256(SignDoc), low-S only) → sequence increment. As in the SDK, ReCheckTx
// (mempool recheck after a commit) skips ValidateBasic and signature verification: both depend
// only on the tx bytes, the chain id and the signer's account number and key, which a commit
// cannot change, and CheckTx already passed them.
import secp256k1 from "secp256k1";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { sha256 } from "./node/merkle-root.js";
import type { Context } from "./framework/context.ts";
import { AppError, SdkErrors } from "./framework/errors.ts";
import { EventManager } from "./framework/events.ts";
import { CacheStore } from "./store/kv.ts";
import { fromBech32, pubkeyToAddress, toBech32 } from "./framework/address.ts";
import { formatCoins, parseProtoCoins, type Coins } from "./framework/coins.ts";
import { bytesEqual } from "./store/bytes.ts";
import { fieldSize, int64Size, writeBytesField, writeInt64 } from "./framework/varint.ts";
import { slabAlloc } from "./framework/proto-fast.ts";
import type { DecodedTx } from "./tx.ts";
import type { AccountKeeper } from "../modules/auth/index.ts";
import { FEE_COLLECTOR, SECP256K1_PUBKEY_URL } from "../modules/auth/index.ts";
import type { BankKeeper } from "../modules/bank/index.ts";

export interface AnteOptions {
  /** Node-local minimum gas prices, in micro-units per gas unit ×10^6 (i.e. ppm) — checked in CheckTx only. */
  minGasPrices: { denom: string; ppm: bigint }[];
  maxTxBytes: number;
  /** The block gas limit (consensus param block.max_gas); 0 when blocks have none (-1 in genesis). */
  maxBlockGas: bigint;
}

export interface AnteDeps {
  accounts: AccountKeeper;
  bank: BankKeeper;
  /** True when this tx's signatures were already verified (CheckTx accepted the same bytes). */
  isVerified(tx: DecodedTx): boolean;
}

/** The chain id's UTF-8 bytes (one chain id per node). */
let chainIdCache = { id: "", bytes: new Uint8Array(0) };

/**
 * The SignDoc a signer signs in SIGN_MODE_DIRECT, over the raw received bytes: the bytes
 * `SignDoc.encode(...)` writes (fields 1–4, each left out at its default), written directly into
 * one exact-size buffer (test/unit/ante-signdoc.test.ts compares them).
 */
export function signDocBytes(tx: DecodedTx, chainId: string, accountNumber: bigint): Uint8Array {
  const body = tx.raw.bodyBytes;
  const authInfo = tx.raw.authInfoBytes;
  if (chainId !== chainIdCache.id) chainIdCache = { id: chainId, bytes: new TextEncoder().encode(chainId) };
  const id = chainIdCache.bytes;
  const size =
    (body.length !== 0 ? fieldSize(body.length) : 0) +
    (authInfo.length !== 0 ? fieldSize(authInfo.length) : 0) +
    (id.length !== 0 ? fieldSize(id.length) : 0) +
    (accountNumber !== 0n ? 1 + int64Size(accountNumber) : 0);
  // short-lived (hashed here or copied to the signature pool): a view into the encoder's slab
  const out = slabAlloc(size);
  let pos = 0;
  if (body.length !== 0) pos = writeBytesField(out, pos, 0x0a, body);
  if (authInfo.length !== 0) pos = writeBytesField(out, pos, 0x12, authInfo);
  if (id.length !== 0) pos = writeBytesField(out, pos, 0x1a, id);
  if (accountNumber !== 0n) {
    out[pos++] = 0x20;
    writeInt64(out, pos, accountNumber);
  }
  return out;
}

/** sha256 of the SignDoc: the message the signature is over. */
export function signDocDigest(tx: DecodedTx, chainId: string, accountNumber: bigint): Uint8Array {
  return sha256(signDocBytes(tx, chainId, accountNumber));
}

/**
 * Whether the signature pool verified signer `index` of this tx under this account number and
 * public key: the tx's bytes (body, auth info, signatures) are fixed, so with the chain id these
 * are everything the SignDoc digest and the check depend on. One-shot: the memo is cleared.
 */
function poolVerified(tx: DecodedTx, index: number, accountNumber: bigint, pubKey: Uint8Array): boolean {
  const v = tx.poolVerified?.[index];
  if (v === undefined) return false;
  tx.poolVerified![index] = undefined;
  return v.accountNumber === accountNumber && bytesEqual(v.pubKey, pubKey);
}

const SECP256K1_N_HALF = Buffer.from("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0", "hex");

/** s (bytes 32..64, big-endian) ≤ n/2, compared bytewise. */
export function isLowS(signature: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) {
    const d = signature[32 + i]! - SECP256K1_N_HALF[i]!;
    if (d !== 0) return d < 0;
  }
  return true;
}

/** Runs the ante chain; throws an AppError on the first failing check. */
export function runAnte(ctx: Context, tx: DecodedTx, deps: AnteDeps, options: AnteOptions): void {
  const simulate = ctx.mode === "simulate";
  const recheck = ctx.mode === "recheck";
  const params = deps.accounts.getParams(ctx);
  if (tx.bytes.length > options.maxTxBytes) {
    throw SdkErrors.TxTooLarge.wrap(`tx size ${tx.bytes.length} exceeds max ${options.maxTxBytes}`);
  }
  if (BigInt(tx.body.memo.length) > params.maxMemoCharacters) {
    throw SdkErrors.MemoTooLarge.wrap(`maximum number of characters is ${params.maxMemoCharacters} but received ${tx.body.memo.length} characters`);
  }
  if (tx.body.timeoutHeight > 0n && ctx.block.height > tx.body.timeoutHeight) {
    throw SdkErrors.TxTimeoutHeight.wrap(`block height: ${ctx.block.height}, timeout height: ${tx.body.timeoutHeight}`);
  }
  if (!recheck) for (const m of tx.msgs) m.handler.validateBasic(m.msg);

  const signerInfos = tx.authInfo.signerInfos;
  if (BigInt(tx.raw.signatures.length) > params.txSigLimit) {
    throw SdkErrors.TooManySignatures.wrap(`signatures: ${tx.raw.signatures.length}, limit: ${params.txSigLimit}`);
  }
  if (tx.raw.signatures.length === 0 && !simulate) throw SdkErrors.NoSignatures.wrap("no signatures");
  if (signerInfos.length !== tx.signers.length) {
    throw SdkErrors.Unauthorized.wrap(`wrong number of signer infos; expected ${tx.signers.length}, got ${signerInfos.length}`);
  }
  if (tx.raw.signatures.length !== tx.signers.length) {
    throw SdkErrors.Unauthorized.wrap(`wrong number of signatures; expected ${tx.signers.length}, got ${tx.raw.signatures.length}`);
  }

  // Gas: the tx's own limit; the meter is the context's (set up by the caller with this limit).
  const fee = tx.authInfo.fee;
  if (!fee) throw SdkErrors.InsufficientFee.wrap("tx has no fee");
  if (!simulate && options.maxBlockGas > 0n && fee.gasLimit > options.maxBlockGas) {
    throw SdkErrors.InvalidGasLimit.wrap(`gas limit ${fee.gasLimit} exceeds the block gas limit ${options.maxBlockGas}`);
  }
  ctx.gasMeter.consume(params.txSizeCostPerByte * BigInt(tx.bytes.length), "txSize");

  const feeCoins = parseProtoCoins(fee.amount);
  if (ctx.isCheck() && !simulate) checkMinGasPrice(feeCoins, fee.gasLimit, options);
  const payer = fee.payer ? fromBech32(fee.payer) : fromBech32(tx.signers[0]!);
  if (fee.payer && fee.payer !== tx.signers[0]) throw SdkErrors.Unauthorized.wrap("fee payer must be the first signer");
  if (feeCoins.length > 0) {
    if (!deps.accounts.hasAccount(ctx, payer)) throw SdkErrors.UnknownAddress.wrap(`fee payer address: ${toBech32(payer)} does not exist`);
    deps.bank.sendToModule(ctx, payer, FEE_COLLECTOR, feeCoins);
  }
  else if (simulate) chargeFeeDeductionGas(ctx, deps, payer, options);
  if (ctx.events.recording) ctx.events.emit("tx", [["fee", formatCoins(feeCoins)], ["fee_payer", toBech32(payer)]]);

  const verified = recheck || (!simulate && deps.isVerified(tx));
  for (let i = 0; i < tx.signers.length; i++) {
    const signer = tx.signers[i]!;
    const address = fromBech32(signer);
    const info = signerInfos[i]!;
    const account = deps.accounts.getAccount(ctx, address);
    if (!account) throw SdkErrors.UnknownAddress.wrap(`account ${signer} does not exist`);

    // pubkey set / match
    let pubKey = account.pubKey;
    if (info.publicKey) {
      if (info.publicKey.typeUrl !== SECP256K1_PUBKEY_URL) {
        throw SdkErrors.InvalidPubKey.wrap(`unsupported public key type ${info.publicKey.typeUrl}`);
      }
      const key = PubKey.decode(info.publicKey.value).key;
      if (pubKey && !bytesEqual(pubKey, key)) throw SdkErrors.InvalidPubKey.wrap(`pubkey does not match the one of account ${signer}`);
      if (!pubKey) {
        // validated once, when the key is first set on the account (a stored key is known valid)
        if (key.length !== 33 || !secp256k1.publicKeyVerify(key)) throw SdkErrors.InvalidPubKey.wrap("invalid secp256k1 public key");
        if (!bytesEqual(pubkeyToAddress(key), address)) {
          throw SdkErrors.InvalidPubKey.wrap(`pubKey does not match signer address ${signer} with signer index: ${i}`);
        }
        pubKey = key;
      }
    }
    if (!pubKey) throw SdkErrors.InvalidPubKey.wrap(`pubkey on account ${signer} is not set`);

    // sequence before signature, as the SDK checks it
    if (info.sequence !== account.sequence) {
      throw SdkErrors.WrongSequence.wrap(`account sequence mismatch, expected ${account.sequence}, got ${info.sequence}`);
    }

    if (!simulate) {
      const mode = info.modeInfo?.single?.mode;
      if (mode !== SignMode.SIGN_MODE_DIRECT) throw SdkErrors.NotSupported.wrap(`sign mode ${String(mode)} is not supported; use SIGN_MODE_DIRECT`);
      ctx.gasMeter.consume(params.sigVerifyCostSecp256k1, "ante verify: secp256k1");
      if (!verified) {
        const signature = tx.raw.signatures[i]!;
        // The native addon rejects high-S signatures (libsecp256k1 requires normalized s).
        const ok =
          signature.length === 64 &&
          isLowS(signature) &&
          (poolVerified(tx, i, account.accountNumber, pubKey) ||
            secp256k1.ecdsaVerify(signature, signDocDigest(tx, ctx.block.chainId, account.accountNumber), pubKey));
        if (!ok) {
          throw SdkErrors.Unauthorized.wrap(
            `signature verification failed; please verify account number (${account.accountNumber}) and chain-id (${ctx.block.chainId})`,
          );
        }
      }
    } else {
      ctx.gasMeter.consume(params.sigVerifyCostSecp256k1, "ante verify: secp256k1");
    }
    account.pubKey = pubKey;
    account.sequence += 1n;
    deps.accounts.setAccount(ctx, account);
    if (ctx.events.recording) ctx.events.emit("tx", [["acc_seq", `${signer}/${info.sequence}`]]);
  }
}

/**
 * Simulation runs with an empty fee (CosmJS sends none), but the real tx will pay one: run the
 * fee transfer on a throwaway branch so its gas is counted, or "auto" gas would fall short.
 */
function chargeFeeDeductionGas(ctx: Context, deps: AnteDeps, payer: Uint8Array, options: AnteOptions): void {
  const probe = ctx.withStore(new CacheStore(ctx.rawStore), ctx.gasMeter, new EventManager());
  const denom = options.minGasPrices[0]?.denom ?? "utrain";
  try {
    deps.bank.sendToModule(probe, payer, FEE_COLLECTOR, [{ denom, amount: 1n }]);
  } catch (err) {
    if (err instanceof AppError && err.code === SdkErrors.OutOfGas.code && err.codespace === "sdk") throw err;
  }
}

function checkMinGasPrice(fee: Coins[], gasLimit: bigint, options: AnteOptions): void {
  if (options.minGasPrices.length === 0) return;
  const required = options.minGasPrices.map((p) => ({ denom: p.denom, amount: (p.ppm * gasLimit + 999_999n) / 1_000_000n }));
  // the fee must cover at least one of the required denominations (SDK semantics: IsAnyGTE)
  for (const r of required) {
    const paid = fee.find((c) => c.denom === r.denom)?.amount ?? 0n;
    if (paid >= r.amount && r.amount >= 0n) return;
  }
  throw SdkErrors.InsufficientFee.wrap(
    `insufficient fees; got: ${formatCoins(fee) || "0"} required: ${required.map((r) => `${r.amount}${r.denom}`).join(",")}`,
  );
}

