// Loads proto/onnx/onnx.proto with protobufjs reflection and encodes/decodes ModelProto as plain
// objects. int64 fields travel as decimal strings so values beyond 2^53 (e.g. INT64_MAX) survive.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";

export interface TensorMsg {
  dims?: string[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: string[];
  double_data?: number[];
  name?: string;
  raw_data?: Uint8Array;
  data_location?: number;
}
export interface AttributeMsg {
  name?: string;
  type?: number;
  f?: number;
  i?: string;
  s?: Uint8Array;
  t?: TensorMsg;
  floats?: number[];
  ints?: string[];
  strings?: Uint8Array[];
}
export interface ValueInfoMsg {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: { dim_value?: string | null; dim_param?: string }[] } } };
}
export interface NodeMsg {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: AttributeMsg[];
}
export interface GraphMsg {
  node?: NodeMsg[];
  name?: string;
  initializer?: TensorMsg[];
  input?: ValueInfoMsg[];
  output?: ValueInfoMsg[];
}
export interface ModelMsg {
  ir_version?: string;
  opset_import?: { domain?: string; version?: string }[];
  producer_name?: string;
  graph?: GraphMsg | null;
}

let modelType: protobuf.Type | undefined;

function modelProto(): protobuf.Type {
  if (modelType === undefined) {
    const path = fileURLToPath(new URL("../../proto/onnx/onnx.proto", import.meta.url));
    const root = protobuf.parse(readFileSync(path, "utf8"), { keepCase: true }).root;
    modelType = root.lookupType("onnx.ModelProto");
  }
  return modelType;
}

export function decodeModelProto(bytes: Uint8Array): ModelMsg {
  const t = modelProto();
  const msg = t.decode(bytes);
  return t.toObject(msg, { longs: String, enums: Number, defaults: false, arrays: true }) as ModelMsg;
}

export function encodeModelProto(m: ModelMsg): Uint8Array {
  const t = modelProto();
  return t.encode(t.fromObject(m as Record<string, unknown>)).finish();
}
