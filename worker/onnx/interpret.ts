// A float64 reference interpreter of the IR. Tests use it to evaluate forward graphs for finite
// differences and to evaluate emitted gradient/step graphs without float32 rounding. Integers
// are carried as float64 (exact below 2^53), which is all shape and label arithmetic needs.
import { attrFloat, attrInt, attrInts, attrString, dtypeFromCode, numElements, type DType, type Graph, type Node, type TensorValue } from "./ir.ts";
import { constantNodeValue, convGeometry } from "./shapes.ts";

export interface F64Tensor {
  dtype: DType;
  dims: number[];
  data: Float64Array;
}

export function toF64(t: TensorValue): F64Tensor {
  const data = new Float64Array(t.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Number(t.data[i]);
  return { dtype: t.dtype === "float32" ? "float64" : t.dtype, dims: [...t.dims], data };
}

function mk(dtype: DType, dims: number[], data?: Float64Array): F64Tensor {
  return { dtype, dims, data: data ?? new Float64Array(numElements(dims)) };
}

function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) { s[i] = acc; acc *= dims[i]!; }
  return s;
}

function broadcastDims(a: number[], b: number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const da = a[i - (r - a.length)] ?? 1, db = b[i - (r - b.length)] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`interpreter: cannot broadcast [${a}] and [${b}]`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Index map from an output of shape `out` into a (broadcast) input of shape `dims`. */
function broadcastIndex(dims: number[], out: number[]): Int32Array {
  const n = numElements(out);
  const idx = new Int32Array(n);
  const r = out.length;
  const inStr = stridesOf(dims);
  const outStr = stridesOf(out);
  for (let i = 0; i < n; i++) {
    let rem = i, off = 0;
    for (let k = 0; k < r; k++) {
      const c = Math.floor(rem / outStr[k]!);
      rem -= c * outStr[k]!;
      const j = k - (r - dims.length);
      if (j >= 0 && dims[j] !== 1) off += c * inStr[j]!;
    }
    idx[i] = off;
  }
  return idx;
}

function elementwise(ins: F64Tensor[], dtype: DType, f: (v: number[]) => number): F64Tensor {
  let out = ins[0]!.dims;
  for (const t of ins.slice(1)) out = broadcastDims(out, t.dims);
  const maps = ins.map((t) => broadcastIndex(t.dims, out));
  const res = mk(dtype, out);
  const v = new Array<number>(ins.length);
  for (let i = 0; i < res.data.length; i++) {
    for (let k = 0; k < ins.length; k++) v[k] = ins[k]!.data[maps[k]![i]!]!;
    res.data[i] = f(v);
  }
  return res;
}

function unary(x: F64Tensor, f: (v: number) => number): F64Tensor {
  return mk(x.dtype, [...x.dims], x.data.map(f));
}

function transpose(x: F64Tensor, perm: number[]): F64Tensor {
  const outDims = perm.map((p) => x.dims[p]!);
  const inStr = stridesOf(x.dims);
  const outStr = stridesOf(outDims);
  const res = mk(x.dtype, outDims);
  for (let i = 0; i < res.data.length; i++) {
    let rem = i, off = 0;
    for (let k = 0; k < perm.length; k++) {
      const c = Math.floor(rem / outStr[k]!);
      rem -= c * outStr[k]!;
      off += c * inStr[perm[k]!]!;
    }
    res.data[i] = x.data[off]!;
  }
  return res;
}

function matmul2(a: Float64Array, aOff: number, b: Float64Array, bOff: number, out: Float64Array, oOff: number, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[aOff + i * k + p]! * b[bOff + p * n + j]!;
      out[oOff + i * n + j] = s;
    }
  }
}

function matmul(a: F64Tensor, b: F64Tensor): F64Tensor {
  const m = a.dims[a.dims.length - 2]!, k = a.dims[a.dims.length - 1]!, n = b.dims[b.dims.length - 1]!;
  const batch = broadcastDims(a.dims.slice(0, -2), b.dims.slice(0, -2));
  const nb = numElements(batch);
  const ia = broadcastIndex(a.dims.slice(0, -2), batch), ib = broadcastIndex(b.dims.slice(0, -2), batch);
  const res = mk(a.dtype, [...batch, m, n]);
  for (let t = 0; t < nb; t++) matmul2(a.data, ia[t]! * m * k, b.data, ib[t]! * k * n, res.data, t * m * n, m, k, n);
  return res;
}

function normAxis(a: number, r: number): number { return a < 0 ? a + r : a; }

function reduce(x: F64Tensor, axes: number[], keep: boolean, mean: boolean): F64Tensor {
  const keptDims = x.dims.map((d, i) => (axes.includes(i) ? 1 : d));
  const res = mk(x.dtype, keptDims);
  const map = broadcastIndex(keptDims, x.dims);
  for (let i = 0; i < x.data.length; i++) res.data[map[i]!] += x.data[i]!;
  if (mean) {
    const cnt = axes.reduce((p, a) => p * x.dims[a]!, 1);
    for (let i = 0; i < res.data.length; i++) res.data[i] /= cnt;
  }
  res.dims = keep ? keptDims : x.dims.filter((_, i) => !axes.includes(i));
  return res;
}

function softmaxLike(x: F64Tensor, axis: number, log: boolean): F64Tensor {
  const ax = normAxis(axis, x.dims.length);
  const outer = numElements(x.dims.slice(0, ax)), len = x.dims[ax]!, inner = numElements(x.dims.slice(ax + 1));
  const res = mk(x.dtype, [...x.dims]);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const base = o * len * inner + i;
    let mx = -Infinity;
    for (let j = 0; j < len; j++) mx = Math.max(mx, x.data[base + j * inner]!);
    let s = 0;
    for (let j = 0; j < len; j++) s += Math.exp(x.data[base + j * inner]! - mx);
    for (let j = 0; j < len; j++) {
      const v = x.data[base + j * inner]! - mx;
      res.data[base + j * inner] = log ? v - Math.log(s) : Math.exp(v) / s;
    }
  }
  return res;
}

/** 2-D convolution (NCHW, OIHW) with groups; `transpose` scatters instead (ConvTranspose). */
function conv2d(n: Node, x: F64Tensor, w: F64Tensor, b: F64Tensor | undefined, transposeMode: boolean): F64Tensor {
  if (x.dims.length !== 4) throw new Error(`interpreter: ${n.opType} supports 2-D only`);
  const [N, C, H, W] = x.dims as [number, number, number, number];
  const group = attrInt(n, "group", 1);
  const kh = w.dims[2]!, kw = w.dims[3]!;
  const strides = attrInts(n, "strides") ?? [1, 1];
  const dil = attrInts(n, "dilations") ?? [1, 1];
  const pads = attrInts(n, "pads") ?? [0, 0, 0, 0];
  if (!transposeMode) {
    const M = w.dims[0]!, cg = C / group, mg = M / group;
    const geo = convGeometry(n, [H, W], [kh, kw], false);
    const [Ho, Wo] = geo.out as [number, number];
    const res = mk(x.dtype, [N, M, Ho, Wo]);
    for (let nn = 0; nn < N; nn++) for (let m = 0; m < M; m++) {
      const g = Math.floor(m / mg);
      for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
        let s = b ? b.data[m]! : 0;
        for (let c = 0; c < cg; c++) for (let ky = 0; ky < kh; ky++) {
          const iy = oy * strides[0]! - pads[0]! + ky * dil[0]!;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * strides[1]! - pads[1]! + kx * dil[1]!;
            if (ix < 0 || ix >= W) continue;
            s += x.data[((nn * C + g * cg + c) * H + iy) * W + ix]! * w.data[((m * cg + c) * kh + ky) * kw + kx]!;
          }
        }
        res.data[((nn * M + m) * Ho + oy) * Wo + ox] = s;
      }
    }
    return res;
  }
  // ConvTranspose: weight is [C, M/group, kh, kw]; each input pixel scatters into the output.
  const mg = w.dims[1]!, M = mg * group, cg = C / group;
  const op = attrInts(n, "output_padding") ?? [0, 0];
  const Ho = (H - 1) * strides[0]! - pads[0]! - pads[2]! + dil[0]! * (kh - 1) + 1 + op[0]!;
  const Wo = (W - 1) * strides[1]! - pads[1]! - pads[3]! + dil[1]! * (kw - 1) + 1 + op[1]!;
  const res = mk(x.dtype, [N, M, Ho, Wo]);
  for (let nn = 0; nn < N; nn++) for (let c = 0; c < C; c++) {
    const g = Math.floor(c / cg);
    for (let iy = 0; iy < H; iy++) for (let ix = 0; ix < W; ix++) {
      const v = x.data[((nn * C + c) * H + iy) * W + ix]!;
      for (let m = 0; m < mg; m++) for (let ky = 0; ky < kh; ky++) {
        const oy = iy * strides[0]! - pads[0]! + ky * dil[0]!;
        if (oy < 0 || oy >= Ho) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ox = ix * strides[1]! - pads[1]! + kx * dil[1]!;
          if (ox < 0 || ox >= Wo) continue;
          res.data[((nn * M + g * mg + m) * Ho + oy) * Wo + ox] += v * w.data[((c * mg + m) * kh + ky) * kw + kx]!;
        }
      }
    }
  }
  if (b) for (let i = 0; i < res.data.length; i++) res.data[i] += b.data[Math.floor(i / (Ho * Wo)) % M]!;
  return res;
}

function pool(n: Node, x: F64Tensor, max: boolean): [F64Tensor, F64Tensor] {
  const [N, C, H, W] = x.dims as [number, number, number, number];
  const kernel = attrInts(n, "kernel_shape")!;
  const geo = convGeometry(n, [H, W], kernel, attrInt(n, "ceil_mode", 0) === 1);
  const [Ho, Wo] = geo.out as [number, number];
  const includePad = attrInt(n, "count_include_pad", 0) === 1;
  const res = mk(x.dtype, [N, C, Ho, Wo]);
  const idx = mk("int64", [N, C, Ho, Wo]);
  for (let nc = 0; nc < N * C; nc++) for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
    let best = -Infinity, bestI = -1, sum = 0, cnt = 0, padCnt = 0;
    for (let ky = 0; ky < kernel[0]!; ky++) {
      const iy = oy * geo.strides[0]! - geo.pads[0]! + ky * geo.dilations[0]!;
      for (let kx = 0; kx < kernel[1]!; kx++) {
        const ix = ox * geo.strides[1]! - geo.pads[1]! + kx * geo.dilations[1]!;
        // count_include_pad counts padding cells but not cells beyond the padded input (ceil_mode).
        if (iy < H + geo.pads[2]! && ix < W + geo.pads[3]!) padCnt++;
        if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
        const v = x.data[(nc * H + iy) * W + ix]!;
        cnt++;
        sum += v;
        if (v > best) { best = v; bestI = (nc * H + iy) * W + ix; }
      }
    }
    const o = (nc * Ho + oy) * Wo + ox;
    res.data[o] = max ? best : sum / (includePad ? padCnt : cnt);
    idx.data[o] = bestI;
  }
  return [res, idx];
}

function sliceT(x: F64Tensor, starts: number[], ends: number[], axes: number[], steps: number[]): F64Tensor {
  const st = x.dims.map(() => 0), sp = x.dims.map(() => 1), outDims = [...x.dims];
  axes.forEach((a0, i) => {
    const a = normAxis(a0, x.dims.length), d = x.dims[a]!, step = steps[i] ?? 1;
    if (step !== 1) throw new Error("interpreter: Slice supports step 1 only");
    let s = starts[i]!, e = ends[i]!;
    if (s < 0) s += d;
    if (e < 0) e += d;
    s = Math.max(0, Math.min(d, s));
    e = Math.max(0, Math.min(d, e));
    st[a] = s;
    outDims[a] = Math.max(0, e - s);
    sp[a] = step;
  });
  const res = mk(x.dtype, outDims);
  const inStr = stridesOf(x.dims), outStr = stridesOf(outDims);
  for (let i = 0; i < res.data.length; i++) {
    let rem = i, off = 0;
    for (let k = 0; k < outDims.length; k++) {
      const c = Math.floor(rem / outStr[k]!);
      rem -= c * outStr[k]!;
      off += (st[k]! + c) * inStr[k]!;
    }
    res.data[i] = x.data[off]!;
  }
  return res;
}

function ints(t: F64Tensor | undefined): number[] {
  return t === undefined ? [] : [...t.data];
}

export type Env = Map<string, F64Tensor>;

/** Runs the graph on float64 inputs; returns every computed value (inputs included). */
export function interpret(g: Graph, feeds: Map<string, F64Tensor>): Env {
  const env: Env = new Map();
  for (const [k, t] of g.initializers) env.set(k, toF64(t));
  for (const [k, t] of feeds) env.set(k, t);
  for (const n of g.nodes) {
    const ins = n.inputs.map((name) => {
      if (name === "") return undefined;
      const t = env.get(name);
      if (t === undefined) throw new Error(`interpreter: node "${n.name}" reads missing value "${name}"`);
      return t;
    });
    const x = ins[0]!;
    const outs = runNode(n, x, ins);
    outs.forEach((t, i) => { if (n.outputs[i] !== undefined && n.outputs[i] !== "") env.set(n.outputs[i]!, t); });
  }
  return env;
}

function runNode(n: Node, x: F64Tensor, ins: (F64Tensor | undefined)[]): F64Tensor[] {
  const y = ins[1]!;
  const fl = (dt: DType): DType => dt;
  switch (n.opType) {
    case "Identity": case "Dropout": return [x];
    case "Relu": return [unary(x, (v) => (v > 0 ? v : 0))];
    case "LeakyRelu": { const a = attrFloat(n, "alpha", 0.01); return [unary(x, (v) => (v > 0 ? v : a * v))]; }
    case "Sigmoid": return [unary(x, (v) => 1 / (1 + Math.exp(-v)))];
    case "Tanh": return [unary(x, Math.tanh)];
    case "Neg": return [unary(x, (v) => -v)];
    case "Exp": return [unary(x, Math.exp)];
    case "Log": return [unary(x, Math.log)];
    case "Sqrt": return [unary(x, Math.sqrt)];
    case "Abs": return [unary(x, Math.abs)];
    case "Softmax": return [softmaxLike(x, attrInt(n, "axis", -1), false)];
    case "LogSoftmax": return [softmaxLike(x, attrInt(n, "axis", -1), true)];
    case "Add": return [elementwise([x, y], fl(x.dtype), (v) => v[0]! + v[1]!)];
    case "Sub": return [elementwise([x, y], x.dtype, (v) => v[0]! - v[1]!)];
    case "Mul": return [elementwise([x, y], x.dtype, (v) => v[0]! * v[1]!)];
    case "Div": return [elementwise([x, y], x.dtype, (v) => (x.dtype === "int64" ? Math.trunc(v[0]! / v[1]!) : v[0]! / v[1]!))];
    case "Pow": return [elementwise([x, y], x.dtype, (v) => Math.pow(v[0]!, v[1]!))];
    case "Greater": return [elementwise([x, y], "bool", (v) => (v[0]! > v[1]! ? 1 : 0))];
    case "Less": return [elementwise([x, y], "bool", (v) => (v[0]! < v[1]! ? 1 : 0))];
    case "Equal": return [elementwise([x, y], "bool", (v) => (v[0]! === v[1]! ? 1 : 0))];
    case "Where": return [elementwise([x, y, ins[2]!], y.dtype, (v) => (v[0] ? v[1]! : v[2]!))];
    case "Constant": return [toF64(constantNodeValue(n))];
    case "Cast": {
      const to = dtypeFromCode(attrInt(n, "to", 1));
      const conv = to === "float32" ? Math.fround : to === "float64" ? (v: number): number => v : to === "bool" ? (v: number): number => (v !== 0 ? 1 : 0) : Math.trunc;
      return [mk(to === "float32" ? "float64" : to, [...x.dims], x.data.map(conv))];
    }
    case "Shape": return [mk("int64", [x.dims.length], Float64Array.from(x.dims))];
    case "Size": return [mk("int64", [], Float64Array.of(x.data.length))];
    case "MatMul": return [matmul(x, y)];
    case "Gemm": {
      let a = x, b = y;
      if (attrInt(n, "transA", 0)) a = transpose(a, [1, 0]);
      if (attrInt(n, "transB", 0)) b = transpose(b, [1, 0]);
      const alpha = attrFloat(n, "alpha", 1), beta = attrFloat(n, "beta", 1);
      const p = matmul(a, b);
      const c = ins[2];
      if (c === undefined) return [unary(p, (v) => alpha * v)];
      return [elementwise([p, c], p.dtype, (v) => alpha * v[0]! + beta * v[1]!)];
    }
    case "Reshape": {
      const target = ints(y).map((d, i) => (d === 0 && attrInt(n, "allowzero", 0) === 0 ? x.dims[i]! : d));
      const m = target.indexOf(-1);
      if (m >= 0) target[m] = x.data.length / numElements(target.filter((_, i) => i !== m));
      return [mk(x.dtype, target, x.data)];
    }
    case "Flatten": {
      const ax = normAxis(attrInt(n, "axis", 1), x.dims.length);
      return [mk(x.dtype, [numElements(x.dims.slice(0, ax)), numElements(x.dims.slice(ax))], x.data)];
    }
    case "Transpose": return [transpose(x, attrInts(n, "perm") ?? x.dims.map((_, i) => x.dims.length - 1 - i))];
    case "Concat": {
      const ts = ins as F64Tensor[];
      const ax = normAxis(attrInt(n, "axis", 0), x.dims.length);
      const outDims = [...x.dims];
      outDims[ax] = ts.reduce((s, t) => s + t.dims[ax]!, 0);
      const outer = numElements(x.dims.slice(0, ax));
      const res = mk(x.dtype, outDims);
      let off = 0;
      for (let o = 0; o < outer; o++) for (const t of ts) {
        const chunk = numElements(t.dims.slice(ax));
        res.data.set(t.data.subarray(o * chunk, (o + 1) * chunk), off);
        off += chunk;
      }
      return [res];
    }
    case "Split": {
      const ax = normAxis(attrInt(n, "axis", 0), x.dims.length);
      const sizes = ints(y);
      const outs: F64Tensor[] = [];
      let start = 0;
      for (const s of sizes) { outs.push(sliceT(x, [start], [start + s], [ax], [1])); start += s; }
      return outs;
    }
    case "Slice": return [sliceT(x, ints(y), ints(ins[2]), ins[3] ? ints(ins[3]) : ints(y).map((_, i) => i), ins[4] ? ints(ins[4]) : [])];
    case "ReduceSum": case "ReduceMean": {
      let axes = ints(y).map((a) => normAxis(a, x.dims.length));
      if (axes.length === 0) {
        if (attrInt(n, "noop_with_empty_axes", 0) === 1) return [x];
        axes = x.dims.map((_, i) => i);
      }
      return [reduce(x, axes, attrInt(n, "keepdims", 1) === 1, n.opType === "ReduceMean")];
    }
    case "Unsqueeze": {
      const axes = ints(y);
      const r = x.dims.length + axes.length;
      const na = axes.map((a) => normAxis(a, r));
      const dims: number[] = [];
      let j = 0;
      for (let i = 0; i < r; i++) dims.push(na.includes(i) ? 1 : x.dims[j++]!);
      return [mk(x.dtype, dims, x.data)];
    }
    case "Expand": {
      const out = broadcastDims(x.dims, ints(y));
      const map = broadcastIndex(x.dims, out);
      return [mk(x.dtype, out, Float64Array.from(map, (i) => x.data[i]!))];
    }
    case "ConstantOfShape": {
      const v = n.attrs["value"];
      const t = v?.type === "tensor" ? toF64(v.t) : mk("float64", [1]);
      return [mk(t.dtype, ints(x), new Float64Array(numElements(ints(x))).fill(t.data[0]!))];
    }
    case "ScatterElements": {
      if (x.dims.length !== 1 || attrString(n, "reduction", "none") !== "add") throw new Error("interpreter: ScatterElements supports 1-D with reduction=add only");
      const res = mk(x.dtype, [...x.dims], Float64Array.from(x.data));
      const upd = ins[2]!;
      for (let i = 0; i < y.data.length; i++) res.data[y.data[i]!] += upd.data[i]!;
      return [res];
    }
    case "OneHot": {
      const depth = y.data[0]!;
      const vals = ins[2]!;
      const res = mk(vals.dtype, [...x.dims, depth]);
      res.data.fill(vals.data[0]!);
      for (let i = 0; i < x.data.length; i++) {
        const c = x.data[i]! < 0 ? x.data[i]! + depth : x.data[i]!;
        if (c >= 0 && c < depth) res.data[i * depth + c] = vals.data[1]!;
      }
      return [res];
    }
    case "Conv": return [conv2d(n, x, y, ins[2], false)];
    case "ConvTranspose": return [conv2d(n, x, y, ins[2], true)];
    case "MaxPool": return pool(n, x, true);
    case "AveragePool": return [pool(n, x, false)[0]];
    case "GlobalAveragePool": {
      const [N, C] = x.dims as [number, number];
      const r = reduce(x, x.dims.map((_, i) => i).slice(2), true, true);
      r.dims = [N, C, ...x.dims.slice(2).map(() => 1)];
      return [r];
    }
    default:
      throw new Error(`interpreter: no implementation for op "${n.opType}" (node "${n.name}")`);
  }
}
