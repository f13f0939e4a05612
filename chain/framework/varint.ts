// Protobuf varints for the hand-written encoders (tx results, accounts): sizes first, then writes
// into a buffer of exactly that size. int64/uint64 are written as protobuf does: negative values as
// their 64-bit two's complement (10 bytes).

/** Bytes of the varint of a non-negative integer below 2^32. */
export function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** Bytes of the varint of a 64-bit value. */
export function int64Size(v: bigint): number {
  let u = BigInt.asUintN(64, v);
  if (u < 0x80000000n) return varintSize(Number(u));
  let n = 1;
  while (u >= 0x80n) {
    u >>= 7n;
    n++;
  }
  return n;
}

/** Writes the varint of a non-negative integer below 2^32 at `pos`; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  buf[pos++] = n;
  return pos;
}

/** Bytes of a length-delimited field: tag + length varint + payload. */
export function fieldSize(payload: number): number {
  return 1 + varintSize(payload) + payload;
}

/** Writes a length-delimited field (tag, length, bytes) at `pos`; returns the position after it. */
export function writeBytesField(buf: Uint8Array, pos: number, tag: number, bytes: Uint8Array): number {
  buf[pos++] = tag;
  pos = writeVarint(buf, pos, bytes.length);
  buf.set(bytes, pos);
  return pos + bytes.length;
}

/** Writes the varint of a 64-bit value at `pos`; returns the position after it. */
export function writeInt64(buf: Uint8Array, pos: number, v: bigint): number {
  let u = BigInt.asUintN(64, v);
  if (u < 0x80000000n) return writeVarint(buf, pos, Number(u));
  while (u >= 0x80n) {
    buf[pos++] = Number(u & 0x7fn) | 0x80;
    u >>= 7n;
  }
  buf[pos++] = Number(u);
  return pos;
}
