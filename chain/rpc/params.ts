// Reading JSON-RPC params the way CometBFT accepts them: named (object) or positional (array) in
// POST bodies, and URI query arguments (`?height=5`, `?path="/x"`, `?hash=0xABCD`) in the GET form.
import { invalidParams } from "./errors.js";

/** A param value: JSON from a POST body, or bytes when a URI argument was written as 0x-hex. */
export type ParamValue = unknown;

export class ParamReader {
  private readonly values: Map<string, ParamValue>;

  constructor(values: Map<string, ParamValue>) {
    this.values = values;
  }

  /** Builds a reader from a JSON-RPC `params` member (object, array in declared order, or absent). */
  static fromJsonRpc(params: unknown, names: readonly string[]): ParamReader {
    const values = new Map<string, ParamValue>();
    if (params === undefined || params === null) return new ParamReader(values);
    if (Array.isArray(params)) {
      if (params.length > names.length) {
        throw invalidParams(`expected at most ${names.length} params (${names.join(", ")}), got ${params.length}`);
      }
      params.forEach((value: unknown, i) => values.set(names[i]!, value));
      return new ParamReader(values);
    }
    if (typeof params === "object") {
      for (const [key, value] of Object.entries(params as Record<string, unknown>)) values.set(key, value);
      return new ParamReader(values);
    }
    throw invalidParams("params must be an object or an array");
  }

  /** Builds a reader from URI query arguments: "quoted" strings, 0x-hex bytes, bare numbers/booleans. */
  static fromUri(query: Record<string, string | string[] | undefined>): ParamReader {
    const values = new Map<string, ParamValue>();
    for (const [key, raw] of Object.entries(query)) {
      const text = Array.isArray(raw) ? raw[raw.length - 1] : raw;
      if (text === undefined || text === "") continue;
      if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
        values.set(key, text.slice(1, -1));
      } else if (/^0x/i.test(text)) {
        values.set(key, hexToBytes(text.slice(2), key));
      } else {
        values.set(key, text);
      }
    }
    return new ParamReader(values);
  }

  has(name: string): boolean {
    const value = this.values.get(name);
    return value !== undefined && value !== null && value !== "";
  }

  string(name: string, fallback: string): string {
    const value = this.values.get(name);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== "string") throw invalidParams(`${name} must be a string, got ${JSON.stringify(value)}`);
    return value;
  }

  requiredString(name: string): string {
    if (!this.has(name)) throw invalidParams(`missing required param ${name}`);
    return this.string(name, "");
  }

  /** An integer param; CometBFT takes int64 as a decimal string or a JSON number. */
  int(name: string, fallback: bigint): bigint {
    const value = this.values.get(name);
    if (value === undefined || value === null || value === "") return fallback;
    if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
    if (typeof value === "string" && /^-?[0-9]+$/.test(value)) return BigInt(value);
    throw invalidParams(`${name} must be an integer (as a decimal string), got ${JSON.stringify(value)}`);
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.values.get(name);
    if (value === undefined || value === null || value === "") return fallback;
    if (typeof value === "boolean") return value;
    if (value === "true") return true;
    if (value === "false") return false;
    throw invalidParams(`${name} must be true or false, got ${JSON.stringify(value)}`);
  }

  /** []byte param: base64 in JSON (CometBFT's encoding), or 0x-hex in either form. */
  bytesBase64(name: string): Uint8Array {
    const value = this.values.get(name);
    if (value instanceof Uint8Array) return value;
    if (typeof value !== "string" || value === "") throw invalidParams(`missing required param ${name} (base64 or 0x-hex bytes)`);
    // base64 text can itself start with "0x": take hex only when the rest really is hex
    if (/^0x([0-9A-Fa-f]{2})*$/i.test(value)) return hexToBytes(value.slice(2), name);
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw invalidParams(`${name} must be base64 (or 0x-hex), got ${JSON.stringify(value)}`);
    return new Uint8Array(Buffer.from(value, "base64"));
  }

  /** HexBytes param (abci_query data): hex without prefix in JSON, 0x-hex in URIs; empty allowed. */
  bytesHex(name: string): Uint8Array {
    const value = this.values.get(name);
    if (value instanceof Uint8Array) return value;
    if (value === undefined || value === null || value === "") return new Uint8Array();
    if (typeof value !== "string") throw invalidParams(`${name} must be a hex string, got ${JSON.stringify(value)}`);
    return hexToBytes(value.replace(/^0x/i, ""), name);
  }
}

export function hexToBytes(text: string, name: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(text)) {
    throw invalidParams(`${name} must be an even-length hex string, got ${JSON.stringify(text)}`);
  }
  return new Uint8Array(Buffer.from(text, "hex"));
}
