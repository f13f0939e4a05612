// Determinism lint for state-machine code (DESIGN.md "State machine rules"): modules/ and the
// state-machine part of chain/ may not read the clock, draw randomness, use floating point,
// hash JSON, or touch the environment. Tokens are read with TypeScript's scanner, so comments
// and strings never trigger it.
import ts from "typescript";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..");

/** State-machine code: all of modules/, and chain/ except the node, servers and LevelDB I/O. */
export function stateMachineFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".ts")) out.push(p);
    }
  };
  walk(join(ROOT, "modules"));
  walk(join(ROOT, "chain", "framework"));
  for (const f of ["app.ts", "ante.ts", "tx.ts", "store/kv.ts", "store/merkle.ts", "store/bytes.ts"]) out.push(join(ROOT, "chain", f));
  return out;
}

export interface Violation {
  file: string;
  line: number;
  rule: string;
}

const BANNED_MEMBER: Record<string, Set<string>> = {
  Date: new Set(["now", "parse", "UTC"]),
  Math: new Set(["random", "floor", "ceil", "round", "sqrt", "pow", "log", "exp", "max", "min", "abs", "trunc"]),
  JSON: new Set(["stringify"]),
  performance: new Set(["now"]),
  process: new Set(["env", "hrtime", "uptime"]),
  crypto: new Set(["randomBytes", "randomUUID", "getRandomValues"]),
};
const BANNED_CALLS = new Set(["parseFloat", "setTimeout", "setInterval", "setImmediate", "randomBytes", "randomUUID", "Float32Array", "Float64Array"]);

export function lintSource(file: string, text: string): Violation[] {
  const violations: Violation[] = [];
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, true, ts.LanguageVariant.Standard, text);
  const tokens: { kind: ts.SyntaxKind; text: string; pos: number }[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    tokens.push({ kind, text: scanner.getTokenText(), pos: scanner.getTokenPos() });
  }
  const lineOf = (pos: number): number => text.slice(0, pos).split("\n").length;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === ts.SyntaxKind.NumericLiteral && /[.eE]/.test(t.text) && !/^0[xXbBoO]/.test(t.text)) {
      violations.push({ file, line: lineOf(t.pos), rule: `floating-point literal ${t.text}` });
    }
    if (t.kind !== ts.SyntaxKind.Identifier) continue;
    const prev = tokens[i - 1];
    if (prev && prev.kind === ts.SyntaxKind.DotToken) continue; // a property named like a global
    const next = tokens[i + 1];
    const member = tokens[i + 2];
    const banned = BANNED_MEMBER[t.text];
    if (banned && next?.kind === ts.SyntaxKind.DotToken && member && banned.has(member.text)) {
      violations.push({ file, line: lineOf(t.pos), rule: `${t.text}.${member.text}` });
    }
    if (BANNED_CALLS.has(t.text)) violations.push({ file, line: lineOf(t.pos), rule: t.text });
    if (t.text === "Date" && prev?.kind === ts.SyntaxKind.NewKeyword) violations.push({ file, line: lineOf(t.pos), rule: "new Date" });
  }
  return violations;
}

export function lintStateMachine(): Violation[] {
  return stateMachineFiles().flatMap((f) => lintSource(relative(ROOT, f), readFileSync(f, "utf8")));
}

if (process.argv[1] && process.argv[1].endsWith("determinism.ts")) {
  const violations = lintStateMachine();
  for (const v of violations) process.stderr.write(`${v.file}:${v.line}: non-deterministic: ${v.rule}\n`);
  process.stdout.write(`determinism lint: ${violations.length} violation(s) in ${stateMachineFiles().length} files\n`);
  process.exit(violations.length > 0 ? 1 : 0);
}
