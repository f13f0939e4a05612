// Public API of the ONNX builder: model specs and imports to ModelBundles (forward + step graph).
export { buildModel, importForwardModel, exportInferenceModel, parseOptimizerSpec, SUPPORTED_OPS } from "./api.ts";
export { decodeModel, encodeModel, IR_VERSION, OPSET } from "./ir.ts";
export type { Model, Graph, Node, TensorValue, ValueInfo, Dim, DType, Attribute } from "./ir.ts";
