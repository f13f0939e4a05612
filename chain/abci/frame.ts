// CometBFT v0.38 socket framing: every message is an unsigned-varint length prefix followed by
// that many bytes of protobuf (tendermint.abci.Request or Response). v0.34 used a signed zig-zag
// varint; v0.37+ use the unsigned one implemented here.

/** CometBFT's own socket server reads frames of at most 100 MiB (the largest possible block). */
export const DEFAULT_MAX_FRAME_BYTES = 104_857_600;

/** A uvarint never needs more than 10 bytes for a 64-bit value. */
const MAX_UVARINT_BYTES = 10;

export function encodeUvarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`uvarint value ${value} must be a non-negative safe integer`);
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** Length prefix + body, ready to write to the socket. */
export function encodeFrame(body: Uint8Array): Uint8Array {
  const prefix = encodeUvarint(body.length);
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix);
  out.set(body, prefix.length);
  return out;
}

export type FrameEvent = { kind: "frame"; body: Uint8Array } | { kind: "error"; reason: string };

/**
 * Splits a byte stream into frames. Chunks are kept as received and joined only once a whole frame
 * is present, so a large frame arriving in many chunks is copied once. After an error the decoder
 * yields nothing more: the stream can no longer be resynchronised and the connection must close.
 */
export class FrameDecoder {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private bodyLength: number | undefined;
  private failed = false;

  constructor(private readonly maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES) {}

  push(chunk: Uint8Array): FrameEvent[] {
    if (this.failed) return [];
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const events: FrameEvent[] = [];
    for (;;) {
      if (this.bodyLength === undefined) {
        const header = this.readLength();
        if (header === undefined) break;
        if (typeof header === "string") {
          this.failed = true;
          this.chunks = [];
          this.buffered = 0;
          events.push({ kind: "error", reason: header });
          break;
        }
        this.bodyLength = header;
      }
      if (this.buffered < this.bodyLength) break;
      events.push({ kind: "frame", body: this.take(this.bodyLength) });
      this.bodyLength = undefined;
    }
    return events;
  }

  /** The next length prefix: consumed and returned when complete, undefined when more bytes are needed, a reason when invalid. */
  private readLength(): number | string | undefined {
    let value = 0;
    let scale = 1;
    let i = 0;
    for (const chunk of this.chunks) {
      for (const byte of chunk) {
        value += (byte & 0x7f) * scale;
        scale *= 0x80;
        i++;
        if (value > this.maxFrameBytes) return `frame length ${value > Number.MAX_SAFE_INTEGER ? "≥ 2^53" : value} exceeds the limit of ${this.maxFrameBytes} bytes`;
        if ((byte & 0x80) === 0) {
          this.take(i);
          return value;
        }
        if (i >= MAX_UVARINT_BYTES) return `length prefix is longer than ${MAX_UVARINT_BYTES} bytes (not an unsigned varint)`;
      }
    }
    return undefined;
  }

  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    let used = 0;
    while (filled < n) {
      const head = this.chunks[used]!;
      const want = n - filled;
      if (head.length <= want) {
        out.set(head, filled);
        filled += head.length;
        used++;
      } else {
        out.set(head.subarray(0, want), filled);
        this.chunks[used] = head.subarray(want);
        filled += want;
      }
    }
    this.chunks.splice(0, used);
    this.buffered -= n;
    return out;
  }
}
