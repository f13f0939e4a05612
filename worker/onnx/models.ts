// Built-in model specs (logreg, mlp, cnn) as forward graphs with deterministic seeded init.
// Grammar (also in README.md):
//   logreg:<in>-<classes>            one dense layer
//   mlp:<in>-<h1>-…-<hk>-<out>        dense layers with ReLU between them
//   cnn:<H>x<W>x<C>-<classes>         LeNet-style: same as cnn:<H>x<W>x<C>-c6-c16-120-84-<classes>
//   cnn:<H>x<W>x<C>-c<n>…-<d>…-<classes>  each c<n>: Conv n×5×5 pad 2 + ReLU + MaxPool 2×2/2;
//                                     then Flatten; each <d>: dense + ReLU; last: dense to classes
import type { Float32Tensor } from "../types.ts";
import { type Graph, type Node, type ValueInfo } from "./ir.ts";
import { A } from "./builder.ts";
import { BATCH } from "./step.ts";

/** mulberry32: a tiny 32-bit PRNG, fully specified so any implementation reproduces the init. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BuiltModel {
  forward: Graph;
  params: Map<string, Float32Tensor>;
  /** multiply-accumulates of one forward pass of one sample. */
  macs: number;
}

interface Layers {
  nodes: Node[];
  params: Map<string, Float32Tensor>;
  paramOrder: string[];
  macs: number;
  rand: () => number;
  counter: number;
}

function uniformParam(l: Layers, name: string, dims: number[], bound: number): void {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (2 * l.rand() - 1) * bound;
  l.params.set(name, { dims, data });
  l.paramOrder.push(name);
}

function zeroParam(l: Layers, name: string, dims: number[]): void {
  l.params.set(name, { dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) });
  l.paramOrder.push(name);
}

function node(l: Layers, opType: string, inputs: string[], attrs: Node["attrs"] = {}, output?: string): string {
  const id = l.counter++;
  const out = output ?? `${opType.toLowerCase()}${id}`;
  l.nodes.push({ opType, name: `${opType.toLowerCase()}${id}`, inputs, outputs: [out], attrs });
  return out;
}

/** Dense layer y = x·Wᵀ + b (PyTorch layout W [out, in]); He-uniform before ReLU, else Xavier-uniform. */
function dense(l: Layers, x: string, name: string, fanIn: number, fanOut: number, relu: boolean, output?: string): string {
  const bound = relu ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
  uniformParam(l, `${name}.weight`, [fanOut, fanIn], bound);
  zeroParam(l, `${name}.bias`, [fanOut]);
  l.macs += fanIn * fanOut;
  const y = node(l, "Gemm", [x, `${name}.weight`, `${name}.bias`], { transB: A.i(1) }, relu ? undefined : output);
  return relu ? node(l, "Relu", [y]) : y;
}

function parseInts(parts: string[], spec: string): number[] {
  return parts.map((p) => {
    const v = Number(p);
    if (!Number.isInteger(v) || v <= 0) throw new Error(`bad model spec "${spec}": "${p}" is not a positive integer`);
    return v;
  });
}

const SPEC_HELP = "expected logreg:<in>-<classes>, mlp:<in>-<hidden>…-<out> or cnn:<H>x<W>x<C>-[c<n>…-<dense>…-]<classes>";

export function buildArch(arch: string, seed: number): BuiltModel {
  const colon = arch.indexOf(":");
  if (colon < 0) throw new Error(`bad model spec "${arch}": ${SPEC_HELP}`);
  const kind = arch.slice(0, colon);
  const body = arch.slice(colon + 1).split("-");
  const l: Layers = { nodes: [], params: new Map(), paramOrder: [], macs: 0, rand: mulberry32(seed), counter: 0 };
  let input: ValueInfo;
  let outDim: number;
  if (kind === "logreg" || kind === "mlp") {
    const sizes = parseInts(body, arch);
    if (sizes.length < 2 || (kind === "logreg" && sizes.length !== 2)) throw new Error(`bad model spec "${arch}": ${SPEC_HELP}`);
    input = { name: "input", dtype: "float32", shape: [BATCH, sizes[0]!] };
    let x = "input";
    for (let i = 1; i < sizes.length; i++) {
      const last = i === sizes.length - 1;
      x = dense(l, x, `fc${i}`, sizes[i - 1]!, sizes[i]!, !last, last ? "logits" : undefined);
    }
    outDim = sizes[sizes.length - 1]!;
  } else if (kind === "cnn") {
    const hwc = body[0]!.split("x");
    const [H, W, C] = parseInts(hwc, arch);
    if (hwc.length !== 3) throw new Error(`bad model spec "${arch}": ${SPEC_HELP}`);
    let rest = body.slice(1);
    if (rest.length === 1) rest = ["c6", "c16", "120", "84", rest[0]!];
    const convs = rest.filter((p) => p.startsWith("c"));
    const denses = parseInts(rest.filter((p) => !p.startsWith("c")), arch);
    if (rest.slice(0, convs.length).some((p) => !p.startsWith("c")) || denses.length === 0) {
      throw new Error(`bad model spec "${arch}": conv layers (c<n>) must come before dense layers; ${SPEC_HELP}`);
    }
    input = { name: "input", dtype: "float32", shape: [BATCH, C!, H!, W!] };
    let x = "input";
    let [c, h, w] = [C!, H!, W!];
    convs.forEach((p, i) => {
      const [m] = parseInts([p.slice(1)], arch);
      const name = `conv${i + 1}`;
      const fanIn = c * 25;
      uniformParam(l, `${name}.weight`, [m!, c, 5, 5], Math.sqrt(6 / fanIn));
      zeroParam(l, `${name}.bias`, [m!]);
      l.macs += m! * c * 25 * h * w;
      x = node(l, "Conv", [x, `${name}.weight`, `${name}.bias`], { kernel_shape: A.ints([5, 5]), pads: A.ints([2, 2, 2, 2]) });
      x = node(l, "Relu", [x]);
      x = node(l, "MaxPool", [x], { kernel_shape: A.ints([2, 2]), strides: A.ints([2, 2]) });
      [c, h, w] = [m!, Math.floor(h / 2), Math.floor(w / 2)];
      if (h < 1 || w < 1) throw new Error(`bad model spec "${arch}": too many conv layers for a ${H}x${W} input`);
    });
    x = node(l, "Flatten", [x], { axis: A.i(1) });
    let fan = c * h * w;
    denses.forEach((d, i) => {
      const last = i === denses.length - 1;
      x = dense(l, x, `fc${i + 1}`, fan, d, !last, last ? "logits" : undefined);
      fan = d;
    });
    outDim = denses[denses.length - 1]!;
  } else {
    throw new Error(`unknown model kind "${kind}" in "${arch}": ${SPEC_HELP}`);
  }
  const graph: Graph = {
    name: arch,
    nodes: l.nodes,
    inputs: [input, ...l.paramOrder.map((p): ValueInfo => ({ name: p, dtype: "float32", shape: [...l.params.get(p)!.dims] }))],
    outputs: [{ name: "logits", dtype: "float32", shape: [BATCH, outDim] }],
    initializers: new Map(),
  };
  return { forward: graph, params: l.params, macs: l.macs };
}
