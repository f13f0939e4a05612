// Canonical JSON: the byte form that manifests and sidecars are hashed in. Rules (stable, versioned
// by the documents that use it): object keys sorted by UTF-16 code unit order (== byte order for
// ASCII), no whitespace, numbers only as safe integers (floats would make the bytes depend on the
// printer), strings as JSON.stringify escapes them, no undefined/null holes in arrays.

export type CanonicalValue =
  | string
  | number
  | boolean
  | null
  | CanonicalValue[]
  | { [key: string]: CanonicalValue | undefined };

/** Serialise `value` canonically; throws on non-integer numbers or non-JSON values. */
export function canonicalJson(value: CanonicalValue): string {
  return write(value, "$");
}

/** canonicalJson as UTF-8 bytes. */
export function canonicalJsonBytes(value: CanonicalValue): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

function write(value: CanonicalValue | undefined, path: string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isSafeInteger(value)) {
        throw new Error(`canonical JSON: ${path} is ${value}; expected a safe integer (write decimals as strings)`);
      }
      return String(value);
    case "object": {
      if (Array.isArray(value)) return `[${value.map((v, i) => write(v, `${path}[${i}]`)).join(",")}]`;
      const keys = Object.keys(value)
        .filter((k) => value[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${write(value[k], `${path}.${k}`)}`).join(",")}}`;
    }
    default:
      throw new Error(`canonical JSON: ${path} has type ${typeof value}; expected string, integer, boolean, null, array or object`);
  }
}
