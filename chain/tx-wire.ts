// Decoders for the tx envelope (TxRaw, TxBody, AuthInfo and their parts) that return exactly what
// cosmjs-types' generated decoders return — the same objects field for field, the same defaults,
// the same skipping of unknown fields, and an error wherever they throw — without their per-call
// reader objects, default byte arrays that are at once replaced (each `new Uint8Array()` is an
// ArrayBuffer of its own), and a view per string. Every tx is decoded once on arrival, and the
// decoded tx lives in the mempool until its block, so what it allocates is both main-thread work
// and old-generation garbage. test/unit/tx-wire.test.ts compares both decoders on valid,
// mutated and random bytes.
//
// Wire-level rules kept from the generated code (they decide which bytes decode, so they are part
// of consensus): a known field is read as its declared type whatever wire type its tag carries; a
// nested message's length is checked against the whole input, not its parent (its end may pass the
// parent's); field number 0 and unknown fields are skipped by wire type, and wire types 4, 6 and 7
// are errors.
import type { Any } from "cosmjs-types/google/protobuf/any";
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { Coin } from "cosmjs-types/cosmos/base/v1beta1/coin";
import type { CompactBitArray } from "cosmjs-types/cosmos/crypto/multisig/v1beta1/multisig";
import type { AuthInfo, Fee, ModeInfo, ModeInfo_Multi, SignerInfo, Tip, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { InPlaceReader, readBool, readBytes, readInt64, readString, readUint32, readUint64, type Reader } from "./framework/proto-fast.ts";

// The input being read and the read position: one reader for every decode (no object per call),
// the app's own BinaryReader (proto-fast.ts), so varints, bytes and strings read, and unknown
// fields are skipped, exactly as the generated decoders do it.
const r = new InPlaceReader();
const reader = r as unknown as Reader;

function start(input: Uint8Array): void {
  reader.buf = input;
  reader.len = input.length;
  reader.pos = 0;
}

const u32 = (): number => readUint32(reader);
const u64 = (): bigint => readUint64(reader);
const bytes = (): Uint8Array => readBytes(reader);
const string = (): string => readString(reader);

// An empty bytes default: a zero-length array cannot be written to, so one serves every default.
const NO_BYTES = new Uint8Array(0);

/** End of a nested message whose length prefix is next. */
function nestedEnd(): number {
  const n = u32();
  return reader.pos + n;
}

/** Reads one field (its number given, its tag read) into m; false for a field m does not have. */
type FieldReader<M> = (m: M, field: number) => boolean;

/** Reads fields into m until `end`, skipping those `read` does not know, as generated decoders do. */
function readFields<M>(m: M, end: number, read: FieldReader<M>): M {
  while (reader.pos < end) {
    const tag = u32();
    if (!read(m, tag >>> 3)) r.skipType(tag & 7);
  }
  return m;
}

const anyField: FieldReader<Any> = (m, f) => {
  if (f === 1) m.typeUrl = string();
  else if (f === 2) m.value = bytes();
  else return false;
  return true;
};
const any = (end: number): Any => readFields({ typeUrl: "", value: NO_BYTES }, end, anyField);

const coinField: FieldReader<Coin> = (m, f) => {
  if (f === 1) m.denom = string();
  else if (f === 2) m.amount = string();
  else return false;
  return true;
};
const coin = (end: number): Coin => readFields({ denom: "", amount: "" }, end, coinField);

const timestampField: FieldReader<Timestamp> = (m, f) => {
  if (f === 1) m.seconds = readInt64(reader);
  else if (f === 2) m.nanos = u32() | 0;
  else return false;
  return true;
};

const txRawField: FieldReader<TxRaw> = (m, f) => {
  if (f === 1) m.bodyBytes = bytes();
  else if (f === 2) m.authInfoBytes = bytes();
  else if (f === 3) m.signatures.push(bytes());
  else return false;
  return true;
};

export function decodeTxRaw(input: Uint8Array): TxRaw {
  start(input);
  return readFields({ bodyBytes: NO_BYTES, authInfoBytes: NO_BYTES, signatures: [] }, reader.len, txRawField);
}

const txBodyField: FieldReader<TxBody> = (m, f) => {
  switch (f) {
    case 1:
      m.messages.push(any(nestedEnd()));
      return true;
    case 2:
      m.memo = string();
      return true;
    case 3:
      m.timeoutHeight = u64();
      return true;
    case 4:
      m.unordered = readBool(reader);
      return true;
    case 5:
      m.timeoutTimestamp = readFields({ seconds: 0n, nanos: 0 }, nestedEnd(), timestampField);
      return true;
    case 1023:
      m.extensionOptions.push(any(nestedEnd()));
      return true;
    case 2047:
      m.nonCriticalExtensionOptions.push(any(nestedEnd()));
      return true;
    default:
      return false;
  }
};

export function decodeTxBody(input: Uint8Array): TxBody {
  start(input);
  const m: TxBody = { messages: [], memo: "", timeoutHeight: 0n, unordered: false, timeoutTimestamp: undefined, extensionOptions: [], nonCriticalExtensionOptions: [] };
  return readFields(m, reader.len, txBodyField);
}

const bitArrayField: FieldReader<CompactBitArray> = (m, f) => {
  if (f === 1) m.extraBitsStored = u32();
  else if (f === 2) m.elems = bytes();
  else return false;
  return true;
};

const multiField: FieldReader<ModeInfo_Multi> = (m, f) => {
  if (f === 1) m.bitarray = readFields({ extraBitsStored: 0, elems: NO_BYTES }, nestedEnd(), bitArrayField);
  else if (f === 2) m.modeInfos.push(modeInfo(nestedEnd()));
  else return false;
  return true;
};

const singleField: FieldReader<{ mode: number }> = (m, f) => {
  if (f !== 1) return false;
  m.mode = u32() | 0;
  return true;
};

const modeInfoField: FieldReader<ModeInfo> = (m, f) => {
  if (f === 1) m.single = readFields({ mode: 0 }, nestedEnd(), singleField);
  else if (f === 2) m.multi = readFields<ModeInfo_Multi>({ bitarray: undefined, modeInfos: [] }, nestedEnd(), multiField);
  else return false;
  return true;
};
const modeInfo = (end: number): ModeInfo => readFields<ModeInfo>({ single: undefined, multi: undefined }, end, modeInfoField);

const signerInfoField: FieldReader<SignerInfo> = (m, f) => {
  if (f === 1) m.publicKey = any(nestedEnd());
  else if (f === 2) m.modeInfo = modeInfo(nestedEnd());
  else if (f === 3) m.sequence = u64();
  else return false;
  return true;
};

const feeField: FieldReader<Fee> = (m, f) => {
  if (f === 1) m.amount.push(coin(nestedEnd()));
  else if (f === 2) m.gasLimit = u64();
  else if (f === 3) m.payer = string();
  else if (f === 4) m.granter = string();
  else return false;
  return true;
};

const tipField: FieldReader<Tip> = (m, f) => {
  if (f === 1) m.amount.push(coin(nestedEnd()));
  else if (f === 2) m.tipper = string();
  else return false;
  return true;
};

const authInfoField: FieldReader<AuthInfo> = (m, f) => {
  if (f === 1) m.signerInfos.push(readFields<SignerInfo>({ publicKey: undefined, modeInfo: undefined, sequence: 0n }, nestedEnd(), signerInfoField));
  else if (f === 2) m.fee = readFields<Fee>({ amount: [], gasLimit: 0n, payer: "", granter: "" }, nestedEnd(), feeField);
  else if (f === 3) m.tip = readFields<Tip>({ amount: [], tipper: "" }, nestedEnd(), tipField);
  else return false;
  return true;
};

export function decodeAuthInfo(input: Uint8Array): AuthInfo {
  start(input);
  return readFields<AuthInfo>({ signerInfos: [], fee: undefined, tip: undefined }, reader.len, authInfoField);
}
