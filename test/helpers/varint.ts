// A protobuf varint written the plain way, as a reference for the codecs under test.

/** The standard protobuf varint of a 64-bit value (two's complement for negatives). */
export function referenceVarint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
