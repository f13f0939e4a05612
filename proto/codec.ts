// Runtime codecs for our own .proto messages (protobufjs reflection). Each codec has the
// ts-proto shape CosmJS's Registry accepts as a GeneratedType (encode/decode/fromPartial), with
// 64-bit integers as bigint and bytes as Uint8Array — the same conventions as cosmjs-types.
import protobuf from "protobufjs";
import { readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const PROTO_DIR = dirname(fileURLToPath(import.meta.url));

function protoFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...protoFiles(p));
    else if (name.endsWith(".proto")) out.push(p);
  }
  return out;
}

let cachedRoot: protobuf.Root | undefined;

/** All .proto files under proto/trainchain, resolved against proto/ (and protobufjs' google/ types). */
export function protoRoot(): protobuf.Root {
  if (cachedRoot) return cachedRoot;
  const root = new protobuf.Root();
  root.resolvePath = (_origin: string, target: string): string | null => {
    if (target.startsWith("google/protobuf/")) return null; // protobufjs' bundled common types
    return target.startsWith("/") ? target : join(PROTO_DIR, target);
  };
  const files = protoFiles(join(PROTO_DIR, "trainchain")).map((f) => relative(PROTO_DIR, f));
  root.loadSync(files, { keepCase: false });
  root.resolveAll();
  cachedRoot = root;
  return root;
}

const LONG_TYPES = new Set(["int64", "uint64", "sint64", "fixed64", "sfixed64"]);

export interface ProtoMessageCodec<T> {
  readonly typeUrl: string;
  readonly fullName: string;
  encode(message: T, writer?: protobuf.Writer): protobuf.Writer;
  decode(input: Uint8Array | protobuf.Reader, length?: number): T;
  fromPartial(object: DeepPartial<T>): T;
}

export type DeepPartial<T> = T extends bigint | string | number | boolean | Uint8Array
  ? T
  : T extends (infer U)[]
    ? DeepPartial<U>[]
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T;

/** JS value (bigint, Uint8Array) → protobufjs fromObject input (string for 64-bit). */
function toPbjs(type: protobuf.Type, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const v = value[field.name];
    if (v === undefined || v === null) continue;
    // proto3 canonical form: scalar defaults are not written (protobufjs would write set fields)
    if (!field.repeated && !field.map && !(field.resolvedType instanceof protobuf.Type) && isDefault(v)) continue;
    const conv = (x: unknown): unknown => {
      if (field.resolvedType instanceof protobuf.Type) return toPbjs(field.resolvedType, x as Record<string, unknown>);
      if (typeof x === "bigint") return x.toString();
      return x;
    };
    out[field.name] = field.repeated ? (v as unknown[]).map(conv) : conv(v);
  }
  return out;
}

/** protobufjs message → plain object with defaults, bigint for 64-bit, Uint8Array for bytes. */
function fromPbjs(type: protobuf.Type, message: protobuf.Message | Record<string, unknown>): Record<string, unknown> {
  const obj = message as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const v = obj[field.name];
    const conv = (x: unknown): unknown => {
      if (field.resolvedType instanceof protobuf.Type) return x == null ? undefined : fromPbjs(field.resolvedType, x as Record<string, unknown>);
      if (LONG_TYPES.has(field.type)) return BigInt(x == null ? 0 : (x as { toString(): string }).toString());
      if (field.type === "bytes") return x == null ? new Uint8Array() : new Uint8Array(x as Uint8Array);
      if (x == null) return field.resolvedType instanceof protobuf.Enum ? 0 : defaultScalar(field.type);
      return x;
    };
    if (field.repeated) out[field.name] = ((v as unknown[] | undefined) ?? []).map(conv);
    else if (field.map) out[field.name] = v ?? {};
    else out[field.name] = conv(v);
  }
  return out;
}

function isDefault(v: unknown): boolean {
  return v === "" || v === 0 || v === 0n || v === false || (v instanceof Uint8Array && v.length === 0);
}

function defaultScalar(type: string): unknown {
  if (type === "string") return "";
  if (type === "bool") return false;
  return 0;
}

const codecs = new Map<string, ProtoMessageCodec<unknown>>();

/** The codec of a fully-qualified message name, e.g. "trainchain.data_registry.v1.MsgRegisterDataset". */
export function protoCodec<T>(fullName: string): ProtoMessageCodec<T> {
  const existing = codecs.get(fullName);
  if (existing) return existing as ProtoMessageCodec<T>;
  const type = protoRoot().lookupType(fullName);
  const codec: ProtoMessageCodec<T> = {
    typeUrl: `/${fullName}`,
    fullName,
    encode: (message, writer) => type.encode(type.fromObject(toPbjs(type, message as Record<string, unknown>)), writer),
    decode: (input, length) => fromPbjs(type, type.decode(input, length)) as T,
    fromPartial: (object) => fromPbjs(type, type.fromObject(toPbjs(type, object as Record<string, unknown>))) as T,
  };
  codecs.set(fullName, codec as ProtoMessageCodec<unknown>);
  return codec;
}
