// ONNX codec: IR ↔ ModelProto round trip, typed-field tensors, emitted versions.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeModel, encodeModel, IR_VERSION, OPSET } from "../../worker/onnx/index.ts";
import { encodeModelProto, decodeModelProto } from "../../worker/onnx/proto.ts";
import { A } from "../../worker/onnx/builder.ts";
import { newModel, type Graph } from "../../worker/onnx/ir.ts";

describe("ONNX codec", () => {
  it("round-trips every attribute kind, tensors and shapes", () => {
    const g: Graph = {
      name: "g",
      inputs: [{ name: "x", dtype: "float32", shape: ["B", 3] }],
      outputs: [{ name: "y", dtype: "float32", shape: ["B", 3] }],
      initializers: new Map([
        ["w", { dtype: "float32", dims: [3], data: Float32Array.of(1.5, -2, 3.25) }],
        ["big", { dtype: "int64", dims: [2], data: BigInt64Array.of(9223372036854775807n, -5n) }],
      ]),
      nodes: [{
        opType: "Identity", name: "n", inputs: ["x"], outputs: ["y"],
        attrs: { f: A.f(0.5), i: A.i(-7), s: A.s("héllo"), ints: A.ints([1, -2, 3]), floats: { type: "floats", floats: [0.25, 2] }, t: A.t({ dtype: "int64", dims: [], data: BigInt64Array.of(4n) }) },
      }],
    };
    const bytes = encodeModel(newModel(g));
    const m = decodeModel(bytes);
    assert.equal(m.irVersion, IR_VERSION);
    assert.equal(m.opset, OPSET);
    assert.deepEqual(m.graph.inputs, g.inputs);
    assert.deepEqual(m.graph.outputs, g.outputs);
    assert.deepEqual(m.graph.initializers.get("w"), g.initializers.get("w"));
    assert.deepEqual(m.graph.initializers.get("big"), g.initializers.get("big"));
    assert.deepEqual(m.graph.nodes[0]!.attrs, g.nodes[0]!.attrs);
    assert.deepEqual(encodeModel(m), bytes, "decode → encode is byte-stable");
  });

  it("reads tensors stored in typed fields (float_data, int64_data) instead of raw_data", () => {
    const bytes = encodeModelProto({
      ir_version: "7",
      opset_import: [{ domain: "", version: "13" }],
      graph: {
        name: "g",
        node: [{ op_type: "Identity", input: ["a"], output: ["b"] }],
        initializer: [
          { name: "a", dims: ["2"], data_type: 1, float_data: [0.5, -1] },
          { name: "c", dims: ["2"], data_type: 7, int64_data: ["3", "-4"] },
        ],
        output: [{ name: "b", type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: "2" }] } } } }],
      },
    });
    const m = decodeModel(bytes);
    assert.deepEqual(m.graph.initializers.get("a")!.data, Float32Array.of(0.5, -1));
    assert.deepEqual(m.graph.initializers.get("c")!.data, BigInt64Array.of(3n, -4n));
    assert.equal(decodeModelProto(bytes).graph!.initializer![0]!.name, "a");
  });
});
