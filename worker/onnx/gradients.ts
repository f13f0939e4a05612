// Reverse-mode gradient rules, one per forward op. Each rule receives the gradients of the node's
// outputs and emits standard ONNX ops computing the gradients of the inputs that need one.
import { attrFloat, attrInt, attrInts, numElements, type Attribute, type Dim, type Node, type TensorValue } from "./ir.ts";
import { A, type GraphBuilder } from "./builder.ts";
import { convGeometry, reduceAxes } from "./shapes.ts";

export interface GradContext {
  b: GraphBuilder;
  shape(name: string): Dim[];
  constants: Map<string, TensorValue>;
}

/** Gradients for each input (undefined: none needed); `need[i]` says whether input i wants one. */
export type GradRule = (ctx: GradContext, n: Node, dY: (string | undefined)[], need: boolean[]) => (string | undefined)[];

function where(n: Node): string {
  return `node "${n.name}" (${n.opType})`;
}

/** Shape of `name` as a value in the graph: a constant when static, else Shape(name). */
export function shapeOf(ctx: GradContext, name: string): string {
  const s = ctx.shape(name);
  if (s.every((d): d is number => typeof d === "number")) return ctx.b.constI(s, [s.length]);
  return ctx.b.op("Shape", [name]);
}

/**
 * Sums a gradient of shape `gShape` back to the shape of `target` (undoing numpy broadcasting):
 * leading extra axes and axes where the target has size 1 are summed.
 */
export function unbroadcast(ctx: GradContext, g: string, gShape: Dim[], target: string, n: Node): string {
  const t = ctx.shape(target);
  const lead = gShape.length - t.length;
  const axes: number[] = [];
  for (let i = 0; i < gShape.length; i++) {
    if (i < lead) { axes.push(i); continue; }
    const dt = t[i - lead]!, dg = gShape[i]!;
    if (dt === dg) continue;
    if (dt === 1) axes.push(i);
    else if (typeof dt === "string" && typeof dg === "number") {
      throw new Error(`${where(n)}: cannot tell whether dim ${String(dt)} of "${target}" was broadcast to ${dg}`);
    }
  }
  if (axes.length === 0) return g;
  const s = ctx.b.op("ReduceSum", [g, ctx.b.constI(axes, [axes.length])], { keepdims: A.i(1) });
  return lead > 0 ? ctx.b.op("Reshape", [s, shapeOf(ctx, target)]) : s;
}

const swapLast = (r: number): number[] => [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];

const matMul: GradRule = (ctx, n, [dY], need) => {
  const [a, bName] = n.inputs as [string, string];
  const y = ctx.shape(n.outputs[0]!);
  const sa = ctx.shape(a), sb = ctx.shape(bName);
  const out: (string | undefined)[] = [undefined, undefined];
  if (need[0]) {
    const bt = ctx.b.op("Transpose", [bName], { perm: A.ints(swapLast(sb.length)) });
    out[0] = unbroadcast(ctx, ctx.b.op("MatMul", [dY!, bt]), [...y.slice(0, -1), sa[sa.length - 1]!], a, n);
  }
  if (need[1]) {
    const at = ctx.b.op("Transpose", [a], { perm: A.ints(swapLast(sa.length)) });
    out[1] = unbroadcast(ctx, ctx.b.op("MatMul", [at, dY!]), [...y.slice(0, -2), sa[sa.length - 1]!, y[y.length - 1]!], bName, n);
  }
  return out;
};

const gemm: GradRule = (ctx, n, [dY], need) => {
  const [a, bName, c] = n.inputs as [string, string, string | undefined];
  const alpha = attrFloat(n, "alpha", 1), beta = attrFloat(n, "beta", 1);
  const tA = attrInt(n, "transA", 0), tB = attrInt(n, "transB", 0);
  const al: Record<string, Attribute> = alpha === 1 ? {} : { alpha: A.f(alpha) };
  const out: (string | undefined)[] = [undefined, undefined, undefined];
  if (need[0]) {
    out[0] = tA === 0
      ? ctx.b.op("Gemm", [dY!, bName], { ...al, transB: A.i(tB ? 0 : 1) })
      : ctx.b.op("Gemm", [bName, dY!], { ...al, transA: A.i(tB), transB: A.i(1) });
  }
  if (need[1]) {
    out[1] = tB === 0
      ? ctx.b.op("Gemm", [a, dY!], { ...al, transA: A.i(tA ? 0 : 1) })
      : ctx.b.op("Gemm", [dY!, a], { ...al, transA: A.i(1), transB: A.i(tA) });
  }
  if (need[2] && c !== undefined && c !== "") {
    const scaled = beta === 1 ? dY! : ctx.b.op("Mul", [dY!, ctx.b.constF(beta)]);
    out[2] = unbroadcast(ctx, scaled, ctx.shape(n.outputs[0]!), c, n);
  }
  return out;
};

function binary(kind: "Add" | "Sub" | "Mul" | "Div"): GradRule {
  return (ctx, n, [dY], need) => {
    const [a, bName] = n.inputs as [string, string];
    const y = ctx.shape(n.outputs[0]!);
    const out: (string | undefined)[] = [undefined, undefined];
    const b = ctx.b;
    if (need[0]) {
      const g = kind === "Mul" ? b.op("Mul", [dY!, bName]) : kind === "Div" ? b.op("Div", [dY!, bName]) : dY!;
      out[0] = unbroadcast(ctx, g, y, a, n);
    }
    if (need[1]) {
      const g = kind === "Add" ? dY!
        : kind === "Sub" ? b.op("Neg", [dY!])
        : kind === "Mul" ? b.op("Mul", [dY!, a])
        // d(a/b)/db = -a/b² = -y/b
        : b.op("Neg", [b.op("Div", [b.op("Mul", [dY!, n.outputs[0]!]), bName])]);
      out[1] = unbroadcast(ctx, g, y, bName, n);
    }
    return out;
  };
}

const passThrough: GradRule = (_ctx, _n, [dY]) => [dY];

const relu: GradRule = (ctx, n, [dY]) => {
  const b = ctx.b;
  return [b.op("Where", [b.op("Greater", [n.inputs[0]!, b.constF(0)]), dY!, b.constF(0)])];
};

const leakyRelu: GradRule = (ctx, n, [dY]) => {
  const b = ctx.b;
  const alpha = attrFloat(n, "alpha", 0.01);
  return [b.op("Where", [b.op("Greater", [n.inputs[0]!, b.constF(0)]), dY!, b.op("Mul", [dY!, b.constF(alpha)])])];
};

const sigmoid: GradRule = (ctx, n, [dY]) => {
  const b = ctx.b, y = n.outputs[0]!;
  return [b.op("Mul", [dY!, b.op("Mul", [y, b.op("Sub", [b.constF(1), y])])])];
};

const tanh: GradRule = (ctx, n, [dY]) => {
  const b = ctx.b, y = n.outputs[0]!;
  return [b.op("Mul", [dY!, b.op("Sub", [b.constF(1), b.op("Mul", [y, y])])])];
};

const softmax: GradRule = (ctx, n, [dY]) => {
  const b = ctx.b, y = n.outputs[0]!;
  const axis = b.constI([attrInt(n, "axis", -1)], [1]);
  const s = b.op("ReduceSum", [b.op("Mul", [dY!, y]), axis], { keepdims: A.i(1) });
  return [b.op("Mul", [y, b.op("Sub", [dY!, s])])];
};

const logSoftmax: GradRule = (ctx, n, [dY]) => {
  const b = ctx.b, y = n.outputs[0]!;
  const axis = b.constI([attrInt(n, "axis", -1)], [1]);
  const s = b.op("ReduceSum", [dY!, axis], { keepdims: A.i(1) });
  return [b.op("Sub", [dY!, b.op("Mul", [b.op("Exp", [y]), s])])];
};

const neg: GradRule = (ctx, _n, [dY]) => [ctx.b.op("Neg", [dY!])];
const exp: GradRule = (ctx, n, [dY]) => [ctx.b.op("Mul", [dY!, n.outputs[0]!])];
const log: GradRule = (ctx, n, [dY]) => [ctx.b.op("Div", [dY!, n.inputs[0]!])];

const reshapeLike: GradRule = (ctx, n, [dY]) => [ctx.b.op("Reshape", [dY!, shapeOf(ctx, n.inputs[0]!)])];

const transposeRule: GradRule = (ctx, n, [dY]) => {
  const r = ctx.shape(n.inputs[0]!).length;
  const perm = attrInts(n, "perm") ?? Array.from({ length: r }, (_, i) => r - 1 - i);
  const inv = new Array<number>(r);
  perm.forEach((p, i) => { inv[p] = i; });
  return [ctx.b.op("Transpose", [dY!], { perm: A.ints(inv) })];
};

const concat: GradRule = (ctx, n, [dY], need) => {
  const r = ctx.shape(n.inputs[0]!).length;
  let axis = attrInt(n, "axis", 0);
  if (axis < 0) axis += r;
  const sizes = n.inputs.map((i) => ctx.shape(i)[axis]!);
  if (!sizes.every((s): s is number => typeof s === "number")) {
    throw new Error(`${where(n)}: gradient needs static sizes along the concat axis, got [${sizes.join(",")}]`);
  }
  const parts = ctx.b.nodeN("Split", [dY!, ctx.b.constI(sizes, [sizes.length])], sizes.length, { axis: A.i(axis) });
  return parts.map((p, i) => (need[i] ? p : undefined));
};

const reduceRule: GradRule = (ctx, n, [dY]) => {
  const b = ctx.b, x = n.inputs[0]!;
  const sx = ctx.shape(x);
  const axes = reduceAxes(n, sx.length, ctx.constants);
  if (axes === "none") return [dY];
  let g = dY!;
  if (attrInt(n, "keepdims", 1) === 0) g = b.op("Unsqueeze", [g, b.constI(axes, [axes.length])]);
  g = b.op("Expand", [g, shapeOf(ctx, x)]);
  if (n.opType === "ReduceMean") {
    const reduced = axes.map((a) => sx[a]!);
    if (reduced.every((d): d is number => typeof d === "number")) {
      g = b.op("Mul", [g, b.constF(1 / numElements(reduced))]);
    } else {
      // The count involves the batch dim: |x| / |y| at run time.
      const cnt = b.op("Div", [b.op("Cast", [b.op("Size", [x])], { to: A.i(1) }), b.op("Cast", [b.op("Size", [n.outputs[0]!])], { to: A.i(1) })]);
      g = b.op("Div", [g, cnt]);
    }
  }
  return [g];
};

function staticDims(ctx: GradContext, name: string, n: Node): number[] {
  const s = ctx.shape(name);
  return s.map((d) => {
    if (typeof d !== "number") throw new Error(`${where(n)}: gradient needs static dims for "${name}", got [${s.join(",")}]`);
    return d;
  });
}

const conv: GradRule = (ctx, n, [dY], need) => {
  const b = ctx.b;
  const [x, w, bias] = n.inputs as [string, string, string | undefined];
  if (attrInt(n, "group", 1) !== 1) throw new Error(`${where(n)}: gradient supports group=1 only`);
  const sx = ctx.shape(x);
  if (sx.length !== 4) throw new Error(`${where(n)}: gradient supports 2-D convolution only`);
  const sw = staticDims(ctx, w, n);
  const spatial = sx.slice(2).map((d) => {
    if (typeof d !== "number") throw new Error(`${where(n)}: gradient needs static spatial dims, got [${sx.join(",")}]`);
    return d;
  });
  const geo = convGeometry(n, spatial, sw.slice(2), false);
  const [H, W] = spatial as [number, number];
  const common = { strides: A.ints(geo.strides), dilations: A.ints(geo.dilations) };
  const out: (string | undefined)[] = [undefined, undefined, undefined];
  if (need[0]) {
    const full = [0, 1].map((i) => (geo.out[i]! - 1) * geo.strides[i]! - geo.pads[i]! - geo.pads[i + 2]! + geo.dilations[i]! * (sw[i + 2]! - 1) + 1);
    out[0] = b.op("ConvTranspose", [dY!, w], { ...common, pads: A.ints(geo.pads), output_padding: A.ints([H - full[0]!, W - full[1]!]) });
  }
  if (need[1]) {
    // dW[m,c,i,j] = Σ_n,y,x dY[n,m,y,x]·Xpad[n,c,y·s+i·d,x·s+j·d]: a Conv of Xᵀ by dYᵀ with stride and dilation swapped.
    const xt = b.op("Transpose", [x], { perm: A.ints([1, 0, 2, 3]) });
    const dyt = b.op("Transpose", [dY!], { perm: A.ints([1, 0, 2, 3]) });
    let r = b.op("Conv", [xt, dyt], { strides: A.ints(geo.dilations), dilations: A.ints(geo.strides), pads: A.ints(geo.pads) });
    const got = [0, 1].map((i) => Math.floor((spatial[i]! + geo.pads[i]! + geo.pads[i + 2]! - geo.strides[i]! * (geo.out[i]! - 1) - 1) / geo.dilations[i]!) + 1);
    if (got[0] !== sw[2] || got[1] !== sw[3]) {
      r = b.op("Slice", [r, b.constI([0, 0], [2]), b.constI([sw[2]!, sw[3]!], [2]), b.constI([2, 3], [2])]);
    }
    out[1] = b.op("Transpose", [r], { perm: A.ints([1, 0, 2, 3]) });
  }
  if (need[2] && bias !== undefined && bias !== "") {
    out[2] = b.op("ReduceSum", [dY!, b.constI([0, 2, 3], [3])], { keepdims: A.i(0) });
  }
  return out;
};

const maxPool: GradRule = (ctx, n, [dY]) => {
  const b = ctx.b, x = n.inputs[0]!;
  const idx = n.outputs[1];
  if (idx === undefined || idx === "") throw new Error(`${where(n)}: MaxPool gradient needs the Indices output`);
  if (attrInt(n, "storage_order", 0) !== 0) throw new Error(`${where(n)}: gradient supports storage_order=0 only`);
  const flat = b.constI([-1], [1]);
  const zeros = b.op("ConstantOfShape", [b.op("Shape", [b.op("Reshape", [x, flat])])]);
  const scattered = b.op("ScatterElements", [zeros, b.op("Reshape", [idx, flat]), b.op("Reshape", [dY!, flat])], { axis: A.i(0), reduction: A.s("add") });
  return [b.op("Reshape", [scattered, shapeOf(ctx, x)])];
};

const averagePool: GradRule = (ctx, n, [dY]) => {
  const b = ctx.b, x = n.inputs[0]!;
  const sx = ctx.shape(x);
  if (sx.length !== 4) throw new Error(`${where(n)}: gradient supports 2-D pooling only`);
  const [C, H, W] = [sx[1], sx[2], sx[3]] as [Dim, number, number];
  if (typeof C !== "number") throw new Error(`${where(n)}: gradient needs a static channel count`);
  const kernel = attrInts(n, "kernel_shape")!;
  const geo = convGeometry(n, [H, W], kernel, attrInt(n, "ceil_mode", 0) === 1);
  if (attrInts(n, "dilations")?.some((d) => d !== 1)) throw new Error(`${where(n)}: gradient supports dilation 1 only`);
  const includePad = attrInt(n, "count_include_pad", 0) === 1;
  const [Ho, Wo] = geo.out as [number, number];
  // The divisor of each output cell depends only on geometry, so it is a constant map.
  const div = new Float32Array(Ho * Wo);
  for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
    let cnt = 0;
    for (let ky = 0; ky < kernel[0]!; ky++) for (let kx = 0; kx < kernel[1]!; kx++) {
      const iy = oy * geo.strides[0]! - geo.pads[0]! + ky, ix = ox * geo.strides[1]! - geo.pads[1]! + kx;
      if (includePad ? iy < H + geo.pads[2]! && ix < W + geo.pads[3]! : iy >= 0 && iy < H && ix >= 0 && ix < W) cnt++;
    }
    div[oy * Wo + ox] = 1 / cnt;
  }
  const scale = b.constTensor({ dtype: "float32", dims: [Ho, Wo], data: div });
  const ones = b.constTensor({ dtype: "float32", dims: [C, 1, kernel[0]!, kernel[1]!], data: new Float32Array(C * kernel[0]! * kernel[1]!).fill(1) });
  const full = [0, 1].map((i) => (geo.out[i]! - 1) * geo.strides[i]! - geo.pads[i]! - geo.pads[i + 2]! + kernel[i]!);
  const op = [H - full[0]!, W - full[1]!];
  if (op.some((p) => p < 0 || p >= Math.max(...geo.strides))) throw new Error(`${where(n)}: gradient does not support this ceil_mode/padding geometry`);
  return [b.op("ConvTranspose", [b.op("Mul", [dY!, scale]), ones], {
    group: A.i(C), strides: A.ints(geo.strides), pads: A.ints(geo.pads), output_padding: A.ints(op),
  })];
};

const globalAveragePool: GradRule = (ctx, n, [dY]) => {
  const x = n.inputs[0]!;
  const sp = ctx.shape(x).slice(2);
  if (!sp.every((d): d is number => typeof d === "number")) throw new Error(`${where(n)}: gradient needs static spatial dims`);
  const g = ctx.b.op("Expand", [dY!, shapeOf(ctx, x)]);
  return [ctx.b.op("Mul", [g, ctx.b.constF(1 / numElements(sp))])];
};

export const GRAD_RULES: Record<string, GradRule> = {
  MatMul: matMul,
  Gemm: gemm,
  Add: binary("Add"),
  Sub: binary("Sub"),
  Mul: binary("Mul"),
  Div: binary("Div"),
  Relu: relu,
  LeakyRelu: leakyRelu,
  Sigmoid: sigmoid,
  Tanh: tanh,
  Softmax: softmax,
  LogSoftmax: logSoftmax,
  Neg: neg,
  Exp: exp,
  Log: log,
  Reshape: reshapeLike,
  Flatten: reshapeLike,
  Transpose: transposeRule,
  Concat: concat,
  ReduceSum: reduceRule,
  ReduceMean: reduceRule,
  Conv: conv,
  MaxPool: maxPool,
  AveragePool: averagePool,
  GlobalAveragePool: globalAveragePool,
  Identity: passThrough,
  Dropout: passThrough,
};

/** Ops whose outputs never carry a gradient (integer/boolean results, or constants). */
export const NON_DIFFERENTIABLE = new Set(["Constant", "Shape", "Size", "Greater", "Less", "Equal", "Cast", "OneHot"]);
