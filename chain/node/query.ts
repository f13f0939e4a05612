// CometBFT's event query language (libs/pubsub/query): `cond AND cond …` where a condition is
// `key op value` with op one of = < <= > >= CONTAINS, or `key EXISTS`. Strings are single-quoted;
// numbers are bare; DATE/TIME literals are accepted and compared as strings of RFC3339 time.

export type QueryOp = "=" | "<" | "<=" | ">" | ">=" | "CONTAINS" | "EXISTS";

export interface QueryCondition {
  key: string;
  op: QueryOp;
  /** String operand (quoted literal) or number operand (decimal string); absent for EXISTS. */
  value?: { kind: "string"; text: string } | { kind: "number"; text: string } | { kind: "time"; text: string };
}

export interface Query {
  conditions: QueryCondition[];
  source: string;
}

export class QuerySyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QuerySyntaxError";
  }
}

const KEY_RE = /^[A-Za-z_][A-Za-z0-9_.\-/]*/;
const NUMBER_RE = /^-?[0-9]+(\.[0-9]+)?/;

export function parseQuery(source: string): Query {
  const conditions: QueryCondition[] = [];
  let rest = source.trim();
  if (rest.length === 0) throw new QuerySyntaxError("empty query");
  for (;;) {
    const keyMatch = KEY_RE.exec(rest);
    if (!keyMatch) throw new QuerySyntaxError(`invalid query ${JSON.stringify(source)}: expected a key at ${JSON.stringify(rest.slice(0, 20))}`);
    const key = keyMatch[0];
    rest = rest.slice(key.length).trimStart();
    let op: QueryOp | undefined;
    for (const candidate of ["<=", ">=", "=", "<", ">", "CONTAINS", "EXISTS"] as const) {
      if (rest.startsWith(candidate)) {
        op = candidate;
        break;
      }
    }
    if (!op) throw new QuerySyntaxError(`invalid query ${JSON.stringify(source)}: expected an operator after ${key}`);
    rest = rest.slice(op.length).trimStart();
    const condition: QueryCondition = { key, op };
    if (op !== "EXISTS") {
      if (rest.startsWith("'")) {
        const end = rest.indexOf("'", 1);
        if (end < 0) throw new QuerySyntaxError(`invalid query ${JSON.stringify(source)}: unterminated string`);
        condition.value = { kind: "string", text: rest.slice(1, end) };
        rest = rest.slice(end + 1);
      } else if (rest.startsWith("TIME ") || rest.startsWith("DATE ")) {
        const m = /^(TIME|DATE) +([0-9T:.\-+Z]+)/.exec(rest);
        if (!m) throw new QuerySyntaxError(`invalid query ${JSON.stringify(source)}: bad time literal`);
        condition.value = { kind: "time", text: m[2]! };
        rest = rest.slice(m[0].length);
      } else {
        const m = NUMBER_RE.exec(rest);
        if (!m) throw new QuerySyntaxError(`invalid query ${JSON.stringify(source)}: expected a 'quoted string' or a number after ${key} ${op}`);
        condition.value = { kind: "number", text: m[0] };
        rest = rest.slice(m[0].length);
      }
      if (op === "CONTAINS" && condition.value.kind !== "string") {
        throw new QuerySyntaxError(`invalid query ${JSON.stringify(source)}: CONTAINS needs a quoted string`);
      }
    }
    conditions.push(condition);
    rest = rest.trimStart();
    if (rest.length === 0) break;
    if (!/^AND\s/.test(rest)) throw new QuerySyntaxError(`invalid query ${JSON.stringify(source)}: expected AND at ${JSON.stringify(rest.slice(0, 20))}`);
    rest = rest.slice(3).trimStart();
  }
  return { conditions, source };
}

/** Compares two decimal strings numerically (no floats: integer and fraction parts separately). */
function compareDecimal(a: string, b: string): number {
  const norm = (s: string): [boolean, string, string] => {
    const neg = s.startsWith("-");
    const body = neg ? s.slice(1) : s;
    const [int = "0", frac = ""] = body.split(".");
    return [neg, int.replace(/^0+(?=.)/, ""), frac.replace(/0+$/, "")];
  };
  const [an, ai, af] = norm(a);
  const [bn, bi, bf] = norm(b);
  const isZero = (i: string, f: string): boolean => i === "0" && f === "";
  if (an !== bn && !(isZero(ai, af) && isZero(bi, bf))) return an ? -1 : 1;
  let mag = ai.length !== bi.length ? ai.length - bi.length : ai < bi ? -1 : ai > bi ? 1 : 0;
  if (mag === 0) {
    const len = Math.max(af.length, bf.length);
    const pa = af.padEnd(len, "0");
    const pb = bf.padEnd(len, "0");
    mag = pa < pb ? -1 : pa > pb ? 1 : 0;
  }
  return an ? -Math.sign(mag) : Math.sign(mag);
}

function conditionHolds(condition: QueryCondition, attribute: string): boolean {
  const value = condition.value;
  if (condition.op === "EXISTS") return true;
  if (!value) return false;
  if (condition.op === "CONTAINS") return attribute.includes(value.text);
  let cmp: number;
  if (value.kind === "number") {
    if (!NUMBER_RE.test(attribute) || NUMBER_RE.exec(attribute)![0] !== attribute) return false;
    cmp = compareDecimal(attribute, value.text);
  } else {
    cmp = attribute < value.text ? -1 : attribute > value.text ? 1 : 0;
  }
  switch (condition.op) {
    case "=":
      return cmp === 0;
    case "<":
      return cmp < 0;
    case "<=":
      return cmp <= 0;
    case ">":
      return cmp > 0;
    case ">=":
      return cmp >= 0;
  }
}

/** True when every condition is met by at least one value of its key in the flattened events. */
export function matchesQuery(query: Query, events: Map<string, string[]>): boolean {
  for (const condition of query.conditions) {
    const values = events.get(condition.key);
    if (!values || !values.some((v) => conditionHolds(condition, v))) return false;
  }
  return true;
}
