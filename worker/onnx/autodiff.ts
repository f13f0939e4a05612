// Reverse-mode automatic differentiation over the IR: walks the graph backwards from a scalar
// and appends the gradient nodes (see gradients.ts for the per-op rules) to the same graph.
import { type Graph } from "./ir.ts";
import { GraphBuilder } from "./builder.ts";
import { GRAD_RULES, NON_DIFFERENTIABLE, type GradContext } from "./gradients.ts";
import { graphConstants, inferShapes, type ValueType } from "./shapes.ts";

export const DIFFERENTIABLE_OPS: readonly string[] = Object.keys(GRAD_RULES).sort();

/**
 * Appends to `g` the nodes computing d(target)/d(w) for every name in `wrt` and returns the
 * gradient value names. `target` must be a float scalar computed by `g`.
 */
export function differentiate(g: Graph, target: string, wrt: readonly string[], builder?: GraphBuilder): Map<string, string> {
  const b = builder ?? new GraphBuilder(g, "grad/");
  // MaxPool's gradient scatters through its argmax, so ask the forward node for Indices.
  for (const n of g.nodes) {
    if (n.opType === "MaxPool" && (n.outputs.length < 2 || n.outputs[1] === "")) n.outputs[1] = b.fresh(`${n.outputs[0]!}.indices`);
  }
  const types: Map<string, ValueType> = inferShapes(g);
  const forwardNodes = [...g.nodes];

  // Values that depend on a parameter (only these need gradients).
  const requires = new Set<string>(wrt);
  for (const n of forwardNodes) {
    if (NON_DIFFERENTIABLE.has(n.opType)) continue;
    if (n.inputs.some((i) => requires.has(i))) {
      for (const o of n.outputs) if (o !== "" && types.get(o)?.dtype !== "int64") requires.add(o);
    }
  }

  const ctx: GradContext = {
    b,
    shape: (name) => {
      const t = types.get(name);
      if (t === undefined) throw new Error(`autodiff: no shape known for "${name}"`);
      return t.shape;
    },
    constants: graphConstants(g),
  };

  const contributions = new Map<string, string[]>();
  const add = (name: string, grad: string): void => {
    const list = contributions.get(name);
    if (list === undefined) contributions.set(name, [grad]);
    else list.push(grad);
  };
  const total = (name: string): string | undefined => {
    const list = contributions.get(name);
    if (list === undefined || list.length === 0) return undefined;
    let acc = list[0]!;
    for (const x of list.slice(1)) acc = b.op("Add", [acc, x]);
    contributions.set(name, [acc]);
    return acc;
  };

  add(target, b.constF(1));
  for (let k = forwardNodes.length - 1; k >= 0; k--) {
    const n = forwardNodes[k]!;
    const dY = n.outputs.map((o) => (requires.has(o) ? total(o) : undefined));
    if (dY.every((d) => d === undefined)) continue;
    const need = n.inputs.map((i) => i !== "" && requires.has(i));
    if (!need.some((x) => x)) continue;
    const rule = GRAD_RULES[n.opType];
    if (rule === undefined) {
      throw new Error(`no gradient rule for op "${n.opType}" in node "${n.name}" (differentiable: ${DIFFERENTIABLE_OPS.join(", ")})`);
    }
    const dX = rule(ctx, n, dY, need);
    n.inputs.forEach((i, j) => {
      const d = dX[j];
      if (need[j] && d !== undefined) add(i, d);
    });
  }

  const grads = new Map<string, string>();
  for (const w of wrt) {
    // A parameter the target does not depend on gets an explicit zero gradient.
    grads.set(w, total(w) ?? b.op("ConstantOfShape", [b.op("Shape", [w])]));
  }
  return grads;
}
