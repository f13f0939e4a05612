// Graph IR for the ONNX builder: a small, mutable mirror of onnx.GraphProto that the autodiff,
// the model builders and the float64 interpreter share, plus conversion to and from ModelProto.
import { decodeModelProto, encodeModelProto, type ModelMsg, type TensorMsg, type AttributeMsg, type ValueInfoMsg } from "./proto.ts";

export type DType = "float32" | "float64" | "int64" | "int32" | "bool" | "uint8";
/** A dimension: a number when static, a symbol (e.g. "B") when only known at run time. */
export type Dim = number | string;

export interface TensorValue {
  dtype: DType;
  dims: number[];
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;
}

export type Attribute =
  | { type: "float"; f: number }
  | { type: "int"; i: number }
  | { type: "string"; s: string }
  | { type: "tensor"; t: TensorValue }
  | { type: "floats"; floats: number[] }
  | { type: "ints"; ints: number[] }
  | { type: "strings"; strings: string[] };

export interface Node {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attribute>;
  domain?: string;
}

export interface ValueInfo {
  name: string;
  dtype: DType;
  /** undefined when the producer gave no shape. */
  shape?: Dim[];
}

export interface Graph {
  name: string;
  nodes: Node[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: Map<string, TensorValue>;
}

export interface Model {
  graph: Graph;
  /** Version of the default ("" / "ai.onnx") opset. */
  opset: number;
  irVersion: number;
  producerName: string;
}

/** What trainchain writes: IR 8 with opset 18, which onnxruntime 1.30 loads. */
export const IR_VERSION = 8;
export const OPSET = 18;

const DTYPE_CODE: Record<DType, number> = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9, float64: 11 };

export function dtypeFromCode(code: number): DType {
  for (const [k, v] of Object.entries(DTYPE_CODE)) if (v === code) return k as DType;
  throw new Error(`unsupported ONNX tensor data type ${code} (supported: float, double, int32, int64, bool, uint8)`);
}

export function dtypeCode(dtype: DType): number {
  return DTYPE_CODE[dtype];
}

export function numElements(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

export function tensor(dtype: DType, dims: number[], values: ArrayLike<number> | bigint[]): TensorValue {
  const n = numElements(dims);
  let data: TensorValue["data"];
  switch (dtype) {
    case "float32": data = new Float32Array(n); break;
    case "float64": data = new Float64Array(n); break;
    case "int64": data = new BigInt64Array(n); break;
    case "int32": data = new Int32Array(n); break;
    case "bool": case "uint8": data = new Uint8Array(n); break;
  }
  if (values.length !== n) throw new Error(`tensor of dims [${dims.join(",")}] needs ${n} values, got ${values.length}`);
  for (let i = 0; i < n; i++) {
    const v = (values as ArrayLike<number | bigint>)[i];
    if (data instanceof BigInt64Array) data[i] = typeof v === "bigint" ? v : BigInt(Math.trunc(v));
    else data[i] = Number(v);
  }
  return { dtype, dims: [...dims], data };
}

/** Reads any tensor's elements as JS numbers (int64 beyond 2^53 loses precision; only used for small ints). */
export function tensorNumbers(t: TensorValue): number[] {
  const out: number[] = new Array(t.data.length);
  for (let i = 0; i < t.data.length; i++) out[i] = Number(t.data[i]);
  return out;
}

// ---- attribute helpers ----

export function attrInt(node: Node, name: string, dflt: number): number {
  const a = node.attrs[name];
  if (a === undefined) return dflt;
  if (a.type !== "int") throw new Error(`attribute ${name} of node "${node.name}" (${node.opType}) must be an int`);
  return a.i;
}

export function attrFloat(node: Node, name: string, dflt: number): number {
  const a = node.attrs[name];
  if (a === undefined) return dflt;
  if (a.type !== "float") throw new Error(`attribute ${name} of node "${node.name}" (${node.opType}) must be a float`);
  return a.f;
}

export function attrInts(node: Node, name: string): number[] | undefined {
  const a = node.attrs[name];
  if (a === undefined) return undefined;
  if (a.type !== "ints") throw new Error(`attribute ${name} of node "${node.name}" (${node.opType}) must be ints`);
  return a.ints;
}

export function attrString(node: Node, name: string, dflt: string): string {
  const a = node.attrs[name];
  if (a === undefined) return dflt;
  if (a.type !== "string") throw new Error(`attribute ${name} of node "${node.name}" (${node.opType}) must be a string`);
  return a.s;
}

// ---- conversion from ModelProto ----

function bytesToTyped(dtype: DType, raw: Uint8Array): TensorValue["data"] {
  // Copy so the typed array is aligned and owns its buffer (protobuf hands out unaligned views).
  const buf = new Uint8Array(raw).buffer;
  switch (dtype) {
    case "float32": return new Float32Array(buf);
    case "float64": return new Float64Array(buf);
    case "int64": return new BigInt64Array(buf);
    case "int32": return new Int32Array(buf);
    case "bool": case "uint8": return new Uint8Array(buf);
  }
}

function tensorFromMsg(m: TensorMsg): TensorValue {
  const dtype = dtypeFromCode(m.data_type ?? 0);
  const dims = (m.dims ?? []).map(Number);
  if (m.data_location === 1) throw new Error(`tensor "${m.name ?? ""}" uses external data, which is not supported (save the model with all tensors inline)`);
  const n = numElements(dims);
  let data: TensorValue["data"];
  if (m.raw_data !== undefined && m.raw_data.length > 0) {
    data = bytesToTyped(dtype, m.raw_data);
  } else if (dtype === "float32") {
    data = Float32Array.from(m.float_data ?? []);
  } else if (dtype === "float64") {
    data = Float64Array.from(m.double_data ?? []);
  } else if (dtype === "int64") {
    data = BigInt64Array.from((m.int64_data ?? []).map((s) => BigInt(s)));
  } else if (dtype === "int32") {
    data = Int32Array.from(m.int32_data ?? []);
  } else {
    data = Uint8Array.from(m.int32_data ?? []);
  }
  if (data.length !== n) throw new Error(`tensor "${m.name ?? ""}" has ${data.length} values for dims [${dims.join(",")}]`);
  return { dtype, dims, data };
}

function tensorToMsg(name: string, t: TensorValue): TensorMsg {
  const d = t.data;
  return {
    name,
    dims: t.dims.map((x) => String(x)),
    data_type: dtypeCode(t.dtype),
    raw_data: new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength)),
  };
}

function attrFromMsg(a: AttributeMsg, node: string): Attribute {
  const utf8 = new TextDecoder();
  switch (a.type) {
    case 1: return { type: "float", f: a.f ?? 0 };
    case 2: return { type: "int", i: Number(a.i ?? 0) };
    case 3: return { type: "string", s: utf8.decode(a.s ?? new Uint8Array()) };
    case 4: {
      if (a.t === undefined) throw new Error(`attribute ${a.name} of node "${node}" has no tensor`);
      return { type: "tensor", t: tensorFromMsg(a.t) };
    }
    case 6: return { type: "floats", floats: [...(a.floats ?? [])] };
    case 7: return { type: "ints", ints: (a.ints ?? []).map(Number) };
    case 8: return { type: "strings", strings: (a.strings ?? []).map((s) => utf8.decode(s)) };
    default: throw new Error(`attribute ${a.name ?? "?"} of node "${node}" has unsupported type ${a.type ?? 0} (graphs and tensor lists are not supported)`);
  }
}

function attrToMsg(name: string, a: Attribute): AttributeMsg {
  switch (a.type) {
    case "float": return { name, type: 1, f: a.f };
    case "int": return { name, type: 2, i: String(a.i) };
    case "string": return { name, type: 3, s: new TextEncoder().encode(a.s) };
    case "tensor": return { name, type: 4, t: tensorToMsg("", a.t) };
    case "floats": return { name, type: 6, floats: a.floats };
    case "ints": return { name, type: 7, ints: a.ints.map(String) };
    case "strings": return { name, type: 8, strings: a.strings.map((s) => new TextEncoder().encode(s)) };
  }
}

function valueInfoFromMsg(v: ValueInfoMsg): ValueInfo {
  const tt = v.type?.tensor_type;
  if (tt === undefined) throw new Error(`value "${v.name ?? ""}" is not a tensor (sequences and maps are not supported)`);
  const dtype = dtypeFromCode(tt.elem_type ?? 0);
  const info: ValueInfo = { name: v.name ?? "", dtype };
  if (tt.shape !== undefined) {
    info.shape = (tt.shape.dim ?? []).map((d, i) =>
      d.dim_value !== undefined && d.dim_value !== null ? Number(d.dim_value) : d.dim_param ?? `${v.name ?? ""}_dim${i}`);
  }
  return info;
}

function valueInfoToMsg(v: ValueInfo): ValueInfoMsg {
  const tensorType: NonNullable<NonNullable<ValueInfoMsg["type"]>["tensor_type"]> = { elem_type: dtypeCode(v.dtype) };
  if (v.shape !== undefined) {
    tensorType.shape = { dim: v.shape.map((d) => (typeof d === "number" ? { dim_value: String(d) } : { dim_param: d })) };
  }
  return { name: v.name, type: { tensor_type: tensorType } };
}

export function modelFromProto(m: ModelMsg): Model {
  if (m.graph === undefined || m.graph === null) throw new Error("not an ONNX model: no graph");
  let opset = 0;
  for (const o of m.opset_import ?? []) {
    if (o.domain === undefined || o.domain === "" || o.domain === "ai.onnx") opset = Number(o.version ?? 0);
  }
  const g = m.graph;
  const initializers = new Map<string, TensorValue>();
  for (const t of g.initializer ?? []) initializers.set(t.name ?? "", tensorFromMsg(t));
  const nodes: Node[] = (g.node ?? []).map((n, idx) => {
    const name = n.name !== undefined && n.name !== "" ? n.name : `node_${idx}`;
    const attrs: Record<string, Attribute> = {};
    for (const a of n.attribute ?? []) attrs[a.name ?? ""] = attrFromMsg(a, name);
    const node: Node = { opType: n.op_type ?? "", name, inputs: [...(n.input ?? [])], outputs: [...(n.output ?? [])], attrs };
    if (n.domain !== undefined && n.domain !== "" && n.domain !== "ai.onnx") node.domain = n.domain;
    return node;
  });
  return {
    graph: {
      name: g.name ?? "graph",
      nodes,
      inputs: (g.input ?? []).map(valueInfoFromMsg),
      outputs: (g.output ?? []).map(valueInfoFromMsg),
      initializers,
    },
    opset,
    irVersion: Number(m.ir_version ?? 0),
    producerName: m.producer_name ?? "",
  };
}

export function modelToProto(model: Model): ModelMsg {
  const g = model.graph;
  return {
    ir_version: String(model.irVersion),
    producer_name: model.producerName,
    opset_import: [{ domain: "", version: String(model.opset) }],
    graph: {
      name: g.name,
      node: g.nodes.map((n) => ({
        name: n.name,
        op_type: n.opType,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, a]) => attrToMsg(k, a)),
        ...(n.domain !== undefined ? { domain: n.domain } : {}),
      })),
      initializer: [...g.initializers.entries()].map(([k, t]) => tensorToMsg(k, t)),
      input: g.inputs.map(valueInfoToMsg),
      output: g.outputs.map(valueInfoToMsg),
    },
  };
}

/** Decodes ONNX bytes; a non-ONNX or corrupt file gives a one-line error. */
export function decodeModel(bytes: Uint8Array): Model {
  let msg: ModelMsg;
  try {
    msg = decodeModelProto(bytes);
  } catch (e) {
    throw new Error(`not an ONNX model (protobuf decoding failed: ${(e as Error).message})`);
  }
  if (msg.graph === undefined || msg.graph === null || (msg.graph.node ?? []).length === 0 || msg.ir_version === undefined) {
    throw new Error("not an ONNX model (no ir_version or empty graph)");
  }
  return modelFromProto(msg);
}

export function encodeModel(model: Model): Uint8Array {
  return encodeModelProto(modelToProto(model));
}

/** A fresh model with trainchain's IR and opset versions. */
export function newModel(graph: Graph): Model {
  return { graph, opset: OPSET, irVersion: IR_VERSION, producerName: "trainchain" };
}

/** Deep-enough copy for graph surgery (tensor data shared: tensors are never mutated in place). */
export function cloneGraph(g: Graph): Graph {
  return {
    name: g.name,
    nodes: g.nodes.map((n) => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs], attrs: { ...n.attrs } })),
    inputs: g.inputs.map((v) => ({ ...v, ...(v.shape ? { shape: [...v.shape] } : {}) })),
    outputs: g.outputs.map((v) => ({ ...v, ...(v.shape ? { shape: [...v.shape] } : {}) })),
    initializers: new Map(g.initializers),
  };
}
