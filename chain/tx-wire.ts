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
import { utf8Range } from "./framework/proto-fast.ts";

// The input being read and the read position: module state, so no reader object per decode.
let buf: Uint8Array = new Uint8Array(0);
let len = 0;
let pos = 0;

function premature(): never {
  throw new RangeError("premature EOF");
}

function start(input: Uint8Array): void {
  buf = input;
  len = input.length;
  pos = 0;
}

/** protobuf's 32-bit varint read (bytes past the fifth are skipped, as varint32read does). */
function u32(): number {
  let result = 0;
  let b = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= len) premature();
    b = buf[pos++]!;
    result |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return result;
  }
  if (pos >= len) premature();
  b = buf[pos++]!;
  result |= (b & 0x0f) << 28;
  for (let read = 5; (b & 0x80) !== 0 && read < 10; read++) {
    if (pos >= len) premature();
    b = buf[pos++]!;
  }
  if ((b & 0x80) !== 0) throw new Error("invalid varint");
  return result >>> 0;
}

/** A 64-bit varint as hi:lo words (module state), as varint64read. */
let lo = 0;
let hi = 0;
function varint64(): void {
  let low = 0;
  let high = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= len) premature();
    const b = buf[pos++]!;
    low |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) {
      lo = low;
      hi = high;
      return;
    }
  }
  if (pos >= len) premature();
  const middle = buf[pos++]!;
  low |= (middle & 0x0f) << 28;
  high = (middle & 0x70) >> 4;
  if ((middle & 0x80) === 0) {
    lo = low;
    hi = high;
    return;
  }
  for (let shift = 3; shift <= 31; shift += 7) {
    if (pos >= len) premature();
    const b = buf[pos++]!;
    high |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) {
      lo = low;
      hi = high;
      return;
    }
  }
  throw new Error("invalid varint");
}

function u64(): bigint {
  varint64();
  const l = lo >>> 0;
  const h = hi >>> 0;
  return h === 0 ? BigInt(l) : (BigInt(h) << 32n) | BigInt(l);
}

function i64(): bigint {
  const v = u64();
  return (hi & 0x80000000) === 0 ? v : BigInt.asIntN(64, v);
}

function bool(): boolean {
  varint64();
  return lo !== 0 || hi !== 0;
}

function bytes(): Uint8Array {
  const n = u32();
  const at = pos;
  pos += n;
  if (pos > len) premature();
  return buf.subarray(at, at + n);
}

function string(): string {
  const n = u32();
  const at = pos;
  pos += n;
  if (pos > len) premature();
  return utf8Range(buf, at, pos);
}

function skip(n: number): void {
  if (pos + n > len) throw new RangeError(`index out of range: ${pos} + ${n} > ${len}`);
  pos += n;
}

function skipType(wireType: number): void {
  switch (wireType) {
    case 0:
      do {
        if (pos >= len) throw new RangeError(`index out of range: ${pos} + 1 > ${len}`);
      } while (buf[pos++]! & 128);
      return;
    case 1:
      return skip(8);
    case 2:
      return skip(u32());
    case 3:
      while ((wireType = u32() & 7) !== 4) skipType(wireType);
      return;
    case 5:
      return skip(4);
    default:
      throw new Error(`invalid wire type ${wireType} at offset ${pos}`);
  }
}

// An empty bytes default: a zero-length array cannot be written to, so one serves every default.
const NO_BYTES = new Uint8Array(0);

/** End of a nested message whose length prefix is next. */
function nestedEnd(): number {
  const n = u32();
  return pos + n;
}

function any(end: number): Any {
  const m: Any = { typeUrl: "", value: NO_BYTES };
  while (pos < end) {
    const tag = u32();
    switch (tag >>> 3) {
      case 1:
        m.typeUrl = string();
        break;
      case 2:
        m.value = bytes();
        break;
      default:
        skipType(tag & 7);
    }
  }
  return m;
}

function coin(end: number): Coin {
  const m: Coin = { denom: "", amount: "" };
  while (pos < end) {
    const tag = u32();
    switch (tag >>> 3) {
      case 1:
        m.denom = string();
        break;
      case 2:
        m.amount = string();
        break;
      default:
        skipType(tag & 7);
    }
  }
  return m;
}

function timestamp(end: number): Timestamp {
  const m: Timestamp = { seconds: 0n, nanos: 0 };
  while (pos < end) {
    const tag = u32();
    switch (tag >>> 3) {
      case 1:
        m.seconds = i64();
        break;
      case 2:
        m.nanos = u32() | 0;
        break;
      default:
        skipType(tag & 7);
    }
  }
  return m;
}

export function decodeTxRaw(input: Uint8Array): TxRaw {
  start(input);
  const m: TxRaw = { bodyBytes: NO_BYTES, authInfoBytes: NO_BYTES, signatures: [] };
  while (pos < len) {
    const tag = u32();
    switch (tag >>> 3) {
      case 1:
        m.bodyBytes = bytes();
        break;
      case 2:
        m.authInfoBytes = bytes();
        break;
      case 3:
        m.signatures.push(bytes());
        break;
      default:
        skipType(tag & 7);
    }
  }
  return m;
}

export function decodeTxBody(input: Uint8Array): TxBody {
  start(input);
  const m: TxBody = { messages: [], memo: "", timeoutHeight: 0n, unordered: false, timeoutTimestamp: undefined, extensionOptions: [], nonCriticalExtensionOptions: [] };
  while (pos < len) {
    const tag = u32();
    switch (tag >>> 3) {
      case 1:
        m.messages.push(any(nestedEnd()));
        break;
      case 2:
        m.memo = string();
        break;
      case 3:
        m.timeoutHeight = u64();
        break;
      case 4:
        m.unordered = bool();
        break;
      case 5:
        m.timeoutTimestamp = timestamp(nestedEnd());
        break;
      case 1023:
        m.extensionOptions.push(any(nestedEnd()));
        break;
      case 2047:
        m.nonCriticalExtensionOptions.push(any(nestedEnd()));
        break;
      default:
        skipType(tag & 7);
    }
  }
  return m;
}

function compactBitArray(end: number): CompactBitArray {
  const m: CompactBitArray = { extraBitsStored: 0, elems: NO_BYTES };
  while (pos < end) {
    const tag = u32();
    switch (tag >>> 3) {
      case 1:
        m.extraBitsStored = u32();
        break;
      case 2:
        m.elems = bytes();
        break;
      default:
        skipType(tag & 7);
    }
  }
  return m;
}

function modeInfoMulti(end: number): ModeInfo_Multi {
  const m: ModeInfo_Multi = { bitarray: undefined, modeInfos: [] };
  while (pos < end) {
    const tag = u32();
    switch (tag >>> 3) {
      case 1:
        m.bitarray = compactBitArray(nestedEnd());
        break;
      case 2:
        m.modeInfos.push(modeInfo(nestedEnd()));
        break;
      default:
        skipType(tag & 7);
    }
  }
  return m;
}

function modeInfo(end: number): ModeInfo {
  const m: ModeInfo = { single: undefined, multi: undefined };
  while (pos < end) {
    const tag = u32();
    switch (tag >>> 3) {
      case 1: {
        const singleEnd = nestedEnd();
        const single = { mode: 0 };
        while (pos < singleEnd) {
          const t = u32();
          if (t >>> 3 === 1) single.mode = u32() | 0;
          else skipType(t & 7);
        }
        m.single = single;
        break;
      }
      case 2:
        m.multi = modeInfoMulti(nestedEnd());
        break;
      default:
        skipType(tag & 7);
    }
  }
  return m;
}

function signerInfo(end: number): SignerInfo {
  const m: SignerInfo = { publicKey: undefined, modeInfo: undefined, sequence: 0n };
  while (pos < end) {
    const tag = u32();
    switch (tag >>> 3) {
      case 1:
        m.publicKey = any(nestedEnd());
        break;
      case 2:
        m.modeInfo = modeInfo(nestedEnd());
        break;
      case 3:
        m.sequence = u64();
        break;
      default:
        skipType(tag & 7);
    }
  }
  return m;
}

function fee(end: number): Fee {
  const m: Fee = { amount: [], gasLimit: 0n, payer: "", granter: "" };
  while (pos < end) {
    const tag = u32();
    switch (tag >>> 3) {
      case 1:
        m.amount.push(coin(nestedEnd()));
        break;
      case 2:
        m.gasLimit = u64();
        break;
      case 3:
        m.payer = string();
        break;
      case 4:
        m.granter = string();
        break;
      default:
        skipType(tag & 7);
    }
  }
  return m;
}

function tip(end: number): Tip {
  const m: Tip = { amount: [], tipper: "" };
  while (pos < end) {
    const tag = u32();
    switch (tag >>> 3) {
      case 1:
        m.amount.push(coin(nestedEnd()));
        break;
      case 2:
        m.tipper = string();
        break;
      default:
        skipType(tag & 7);
    }
  }
  return m;
}

export function decodeAuthInfo(input: Uint8Array): AuthInfo {
  start(input);
  const m: AuthInfo = { signerInfos: [], fee: undefined, tip: undefined };
  while (pos < len) {
    const tag = u32();
    switch (tag >>> 3) {
      case 1:
        m.signerInfos.push(signerInfo(nestedEnd()));
        break;
      case 2:
        m.fee = fee(nestedEnd());
        break;
      case 3:
        m.tip = tip(nestedEnd());
        break;
      default:
        skipType(tag & 7);
    }
  }
  return m;
}
