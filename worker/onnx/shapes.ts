// Static shape and dtype inference over the IR. The batch dim stays symbolic ("B"); the autodiff
// needs shapes to know which axes a broadcast gradient must be summed over.
import { attrInt, attrInts, dtypeFromCode, numElements, tensorNumbers, type Dim, type DType, type Graph, type Node, type TensorValue, type ValueInfo } from "./ir.ts";

export interface ValueType {
  dtype: DType;
  shape: Dim[];
}

/** Product of dims; symbolic factors make a symbolic result such as "B*16". */
export function dimProduct(dims: readonly Dim[]): Dim {
  let n = 1;
  const syms: string[] = [];
  for (const d of dims) {
    if (typeof d === "number") n *= d;
    else syms.push(d);
  }
  if (syms.length === 0) return n;
  if (n === 0) return 0;
  return n === 1 ? syms.join("*") : [...syms, String(n)].join("*");
}

export function broadcastShapes(a: readonly Dim[], b: readonly Dim[], where: string): Dim[] {
  const r = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < r; i++) {
    const da = i - (r - a.length) >= 0 ? a[i - (r - a.length)]! : 1;
    const db = i - (r - b.length) >= 0 ? b[i - (r - b.length)]! : 1;
    if (da === 1) out.push(db);
    else if (db === 1 || da === db) out.push(da);
    else if (typeof da === "string" && typeof db === "number") out.push(db);
    else if (typeof db === "string" && typeof da === "number") out.push(da);
    else if (typeof da === "string" && typeof db === "string") out.push(da);
    else throw new Error(`${where}: shapes [${a.join(",")}] and [${b.join(",")}] do not broadcast`);
  }
  return out;
}

/** Constant tensors of a graph: non-input initializers and Constant node outputs. */
export function graphConstants(g: Graph): Map<string, TensorValue> {
  const inputs = new Set(g.inputs.map((v) => v.name));
  const out = new Map<string, TensorValue>();
  for (const [k, t] of g.initializers) if (!inputs.has(k)) out.set(k, t);
  for (const n of g.nodes) if (n.opType === "Constant") out.set(n.outputs[0]!, constantNodeValue(n));
  return out;
}

export function constantNodeValue(n: Node): TensorValue {
  const a = n.attrs;
  const v = a["value"];
  if (v?.type === "tensor") return v.t;
  const vf = a["value_float"];
  if (vf?.type === "float") return { dtype: "float32", dims: [], data: Float32Array.of(vf.f) };
  const vfs = a["value_floats"];
  if (vfs?.type === "floats") return { dtype: "float32", dims: [vfs.floats.length], data: Float32Array.from(vfs.floats) };
  const vi = a["value_int"];
  if (vi?.type === "int") return { dtype: "int64", dims: [], data: BigInt64Array.of(BigInt(vi.i)) };
  const vis = a["value_ints"];
  if (vis?.type === "ints") return { dtype: "int64", dims: [vis.ints.length], data: BigInt64Array.from(vis.ints.map((x) => BigInt(x))) };
  throw new Error(`Constant node "${n.name}" has no supported value attribute`);
}

function normAxis(axis: number, rank: number, n: Node): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} out of range for rank ${rank} in node "${n.name}" (${n.opType})`);
  return a;
}

/** Resolves the reduce axes of ReduceSum/ReduceMean (opset 18 form: axes as an optional input). */
export function reduceAxes(n: Node, rank: number, consts: Map<string, TensorValue>): number[] | "none" {
  const name = n.inputs[1];
  let axes: number[] = [];
  if (name !== undefined && name !== "") {
    const c = consts.get(name);
    if (c === undefined) throw new Error(`node "${n.name}" (${n.opType}): axes must be a constant`);
    axes = tensorNumbers(c);
  } else {
    axes = attrInts(n, "axes") ?? [];
  }
  if (axes.length === 0) {
    if (attrInt(n, "noop_with_empty_axes", 0) === 1) return "none";
    return Array.from({ length: rank }, (_, i) => i);
  }
  return [...new Set(axes.map((a) => normAxis(a, rank, n)))].sort((a, b) => a - b);
}

export interface ConvGeometry {
  kernel: number[];
  strides: number[];
  pads: number[];
  dilations: number[];
  out: number[];
}

/** Output spatial sizes of Conv/pooling; auto_pad other than NOTSET/VALID is rejected. */
export function convGeometry(n: Node, spatial: Dim[], kernel: number[], ceil: boolean): ConvGeometry {
  const k = kernel.length;
  const strides = attrInts(n, "strides") ?? new Array<number>(k).fill(1);
  const dilations = attrInts(n, "dilations") ?? new Array<number>(k).fill(1);
  const autoPad = n.attrs["auto_pad"];
  const ap = autoPad?.type === "string" ? autoPad.s : "NOTSET";
  if (ap !== "NOTSET" && ap !== "VALID") throw new Error(`node "${n.name}" (${n.opType}): auto_pad=${ap} is not supported (use explicit pads)`);
  const pads = ap === "VALID" ? new Array<number>(2 * k).fill(0) : attrInts(n, "pads") ?? new Array<number>(2 * k).fill(0);
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const s = spatial[i];
    if (typeof s !== "number") throw new Error(`node "${n.name}" (${n.opType}): spatial dims must be static, got ${String(s)}`);
    const eff = dilations[i]! * (kernel[i]! - 1) + 1;
    const num = s + pads[i]! + pads[i + k]! - eff;
    let o = (ceil ? Math.ceil(num / strides[i]!) : Math.floor(num / strides[i]!)) + 1;
    // ONNX/PyTorch ceil_mode: the last window must start inside the input or left padding.
    if (ceil && (o - 1) * strides[i]! >= s + pads[i]!) o--;
    out.push(o);
  }
  return { kernel, strides, pads, dilations, out };
}

function reshapeTarget(inShape: Dim[], target: number[], n: Node): Dim[] {
  const allowZero = attrInt(n, "allowzero", 0) === 1;
  const out: Dim[] = target.map((t, i) => (t === 0 && !allowZero ? inShape[i]! : t));
  const minus = out.findIndex((d) => d === -1);
  if (minus >= 0) {
    const known = out.filter((_, i) => i !== minus);
    const total = dimProduct(inShape);
    const knownProd = dimProduct(known);
    if (typeof total === "number" && typeof knownProd === "number") out[minus] = total / knownProd;
    else {
      // Cancel the symbolic factors the target keeps; what remains fills the -1 slot.
      const inSyms = inShape.filter((d): d is string => typeof d === "string");
      const keptSyms = known.filter((d): d is string => typeof d === "string");
      const rest = inSyms.filter((s) => { const j = keptSyms.indexOf(s); if (j >= 0) { keptSyms.splice(j, 1); return false; } return true; });
      const inNum = numElements(inShape.filter((d): d is number => typeof d === "number"));
      const knownNum = numElements(known.filter((d): d is number => typeof d === "number"));
      const ratio = inNum / knownNum;
      out[minus] = keptSyms.length > 0 ? `${n.name}_dim${minus}` : dimProduct([...rest, ratio]);
    }
  }
  return out;
}

/**
 * Infers dtype and shape of every value computed by the graph. Throws on ops it does not know,
 * so every op the autodiff differentiates has a shape rule here.
 */
export function inferShapes(g: Graph, extra: Map<string, ValueType> = new Map()): Map<string, ValueType> {
  const types = new Map<string, ValueType>(extra);
  const consts = graphConstants(g);
  for (const v of g.inputs) types.set(v.name, { dtype: v.dtype, shape: v.shape ?? [] });
  for (const [k, t] of g.initializers) if (!types.has(k)) types.set(k, { dtype: t.dtype, shape: [...t.dims] });
  const get = (name: string, n: Node): ValueType => {
    const t = types.get(name);
    if (t === undefined) throw new Error(`node "${n.name}" (${n.opType}) reads "${name}", which is not computed before it`);
    return t;
  };
  for (const n of g.nodes) {
    const x = (): ValueType => get(n.inputs[0]!, n);
    const set = (t: ValueType, i = 0): void => { types.set(n.outputs[i]!, t); };
    switch (n.opType) {
      case "Identity": case "Dropout": case "Relu": case "LeakyRelu": case "Sigmoid": case "Tanh":
      case "Softmax": case "LogSoftmax": case "Neg": case "Exp": case "Sqrt": case "Abs": case "Log":
        set(x());
        if (n.opType === "Dropout" && n.outputs.length > 1 && n.outputs[1] !== "") set({ dtype: "bool", shape: x().shape }, 1);
        break;
      case "Add": case "Sub": case "Mul": case "Div": case "Pow":
        set({ dtype: x().dtype, shape: broadcastShapes(x().shape, get(n.inputs[1]!, n).shape, `node "${n.name}" (${n.opType})`) });
        break;
      case "Greater": case "Less": case "Equal":
        set({ dtype: "bool", shape: broadcastShapes(x().shape, get(n.inputs[1]!, n).shape, `node "${n.name}" (${n.opType})`) });
        break;
      case "Where": {
        const s = broadcastShapes(broadcastShapes(x().shape, get(n.inputs[1]!, n).shape, n.name), get(n.inputs[2]!, n).shape, n.name);
        set({ dtype: get(n.inputs[1]!, n).dtype, shape: s });
        break;
      }
      case "Constant": { const c = constantNodeValue(n); set({ dtype: c.dtype, shape: [...c.dims] }); break; }
      case "Cast": set({ dtype: dtypeFromCode(attrInt(n, "to", 1)), shape: x().shape }); break;
      case "Shape": set({ dtype: "int64", shape: [x().shape.length] }); break;
      case "Size": set({ dtype: "int64", shape: [] }); break;
      case "MatMul": {
        const a = x().shape, b = get(n.inputs[1]!, n).shape;
        if (a.length < 2 || b.length < 2) throw new Error(`node "${n.name}" (MatMul): 1-D operands are not supported`);
        const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2), `node "${n.name}" (MatMul)`);
        set({ dtype: x().dtype, shape: [...batch, a[a.length - 2]!, b[b.length - 1]!] });
        break;
      }
      case "Gemm": {
        const a = x().shape, b = get(n.inputs[1]!, n).shape;
        const m = attrInt(n, "transA", 0) ? a[1]! : a[0]!;
        const nn = attrInt(n, "transB", 0) ? b[0]! : b[1]!;
        set({ dtype: x().dtype, shape: [m, nn] });
        break;
      }
      case "Reshape": {
        const c = consts.get(n.inputs[1]!);
        if (c === undefined) throw new Error(`node "${n.name}" (Reshape): the target shape must be a constant`);
        set({ dtype: x().dtype, shape: reshapeTarget(x().shape, tensorNumbers(c), n) });
        break;
      }
      case "Flatten": {
        const s = x().shape;
        const axis = attrInt(n, "axis", 1);
        const ax = axis < 0 ? axis + s.length : axis;
        set({ dtype: x().dtype, shape: [dimProduct(s.slice(0, ax)), dimProduct(s.slice(ax))] });
        break;
      }
      case "Transpose": {
        const s = x().shape;
        const perm = attrInts(n, "perm") ?? s.map((_, i) => s.length - 1 - i);
        set({ dtype: x().dtype, shape: perm.map((p) => s[p]!) });
        break;
      }
      case "Concat": {
        const ins = n.inputs.map((i) => get(i, n));
        const rank = ins[0]!.shape.length;
        const axis = normAxis(attrInt(n, "axis", 0), rank, n);
        const shape = [...ins[0]!.shape];
        let total: Dim = 0;
        for (const t of ins) {
          const d = t.shape[axis]!;
          total = typeof total === "number" && typeof d === "number" ? total + d : `${n.name}_dim${axis}`;
        }
        shape[axis] = total;
        set({ dtype: ins[0]!.dtype, shape });
        break;
      }
      case "ReduceSum": case "ReduceMean": {
        const s = x().shape;
        const axes = reduceAxes(n, s.length, consts);
        if (axes === "none") { set(x()); break; }
        const keep = attrInt(n, "keepdims", 1) === 1;
        const shape: Dim[] = [];
        s.forEach((d, i) => { if (!axes.includes(i)) shape.push(d); else if (keep) shape.push(1); });
        set({ dtype: x().dtype, shape });
        break;
      }
      case "Conv": {
        const s = x().shape, w = get(n.inputs[1]!, n).shape;
        const kernel = (attrInts(n, "kernel_shape") ?? w.slice(2)) as number[];
        const geo = convGeometry(n, s.slice(2), kernel, false);
        set({ dtype: x().dtype, shape: [s[0]!, w[0]!, ...geo.out] });
        break;
      }
      case "MaxPool": case "AveragePool": {
        const s = x().shape;
        const kernel = attrInts(n, "kernel_shape");
        if (kernel === undefined) throw new Error(`node "${n.name}" (${n.opType}) has no kernel_shape`);
        const geo = convGeometry(n, s.slice(2), kernel, attrInt(n, "ceil_mode", 0) === 1);
        set({ dtype: x().dtype, shape: [s[0]!, s[1]!, ...geo.out] });
        if (n.outputs.length > 1 && n.outputs[1] !== "") set({ dtype: "int64", shape: [s[0]!, s[1]!, ...geo.out] }, 1);
        break;
      }
      case "GlobalAveragePool": { const s = x().shape; set({ dtype: x().dtype, shape: [s[0]!, s[1]!, ...s.slice(2).map(() => 1)] }); break; }
      case "OneHot": {
        const depth = consts.get(n.inputs[1]!);
        const values = get(n.inputs[2]!, n);
        if (depth === undefined) throw new Error(`node "${n.name}" (OneHot): depth must be a constant`);
        set({ dtype: values.dtype, shape: [...x().shape, tensorNumbers(depth)[0]!] });
        break;
      }
      default:
        throw new Error(`no shape rule for op "${n.opType}" in node "${n.name}"`);
    }
  }
  return types;
}

export function valueInfoOf(name: string, t: ValueType): ValueInfo {
  return { name, dtype: t.dtype, shape: [...t.shape] };
}
