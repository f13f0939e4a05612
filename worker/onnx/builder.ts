// Emits nodes and constants into a graph under construction, with collision-free names.
import { numElements, type Attribute, type Graph, type TensorValue } from "./ir.ts";

export const A = {
  i: (i: number): Attribute => ({ type: "int", i }),
  f: (f: number): Attribute => ({ type: "float", f }),
  ints: (ints: number[]): Attribute => ({ type: "ints", ints }),
  s: (s: string): Attribute => ({ type: "string", s }),
  t: (t: TensorValue): Attribute => ({ type: "tensor", t }),
};

export class GraphBuilder {
  readonly graph: Graph;
  private readonly used = new Set<string>();
  private counter = 0;
  private readonly constCache = new Map<string, string>();

  constructor(graph: Graph, private readonly prefix: string) {
    this.graph = graph;
    for (const v of graph.inputs) this.used.add(v.name);
    for (const k of graph.initializers.keys()) this.used.add(k);
    for (const n of graph.nodes) {
      this.used.add(n.name);
      for (const o of n.outputs) this.used.add(o);
    }
  }

  fresh(base: string): string {
    let name: string;
    do name = `${this.prefix}${base}_${this.counter++}`; while (this.used.has(name));
    this.used.add(name);
    return name;
  }

  /** Appends a node and returns its output names. */
  nodeN(opType: string, inputs: string[], nOutputs: number, attrs: Record<string, Attribute> = {}): string[] {
    const outputs = Array.from({ length: nOutputs }, () => this.fresh(opType));
    this.graph.nodes.push({ opType, name: this.fresh(`${opType}_node`), inputs, outputs, attrs });
    return outputs;
  }

  op(opType: string, inputs: string[], attrs: Record<string, Attribute> = {}): string {
    return this.nodeN(opType, inputs, 1, attrs)[0]!;
  }

  /** A named output (used for the step graph's contract names). */
  opNamed(opType: string, inputs: string[], output: string, attrs: Record<string, Attribute> = {}): string {
    this.used.add(output);
    this.graph.nodes.push({ opType, name: this.fresh(`${opType}_node`), inputs, outputs: [output], attrs });
    return output;
  }

  private constant(key: string, t: TensorValue): string {
    const cached = this.constCache.get(key);
    if (cached !== undefined) return cached;
    const name = this.fresh("const");
    this.graph.initializers.set(name, t);
    this.constCache.set(key, name);
    return name;
  }

  /** float32 constant; a bare number is a scalar (dims []). */
  constF(values: number | number[], dims?: number[]): string {
    const arr = typeof values === "number" ? [values] : values;
    const d = dims ?? (typeof values === "number" ? [] : [arr.length]);
    if (numElements(d) !== arr.length) throw new Error("constF: dims do not match values");
    return this.constant(`f:${d.join(",")}:${arr.join(",")}`, { dtype: "float32", dims: d, data: Float32Array.from(arr) });
  }

  /** int64 constant; a bare number is a scalar (dims []). */
  constI(values: number | number[], dims?: number[]): string {
    const arr = typeof values === "number" ? [values] : values;
    const d = dims ?? (typeof values === "number" ? [] : [arr.length]);
    return this.constant(`i:${d.join(",")}:${arr.join(",")}`, { dtype: "int64", dims: d, data: BigInt64Array.from(arr.map((x) => BigInt(x))) });
  }

  /** A float32 tensor constant that is not shared (e.g. pooling divisor maps). */
  constTensor(t: TensorValue): string {
    const name = this.fresh("const");
    this.graph.initializers.set(name, t);
    return name;
  }
}
