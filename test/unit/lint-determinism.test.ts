import { test } from "node:test";
import assert from "node:assert/strict";
import { lintSource, lintStateMachine } from "../lint/determinism.ts";

test("state-machine code passes the determinism lint", () => {
  const violations = lintStateMachine();
  assert.deepEqual(violations.map((v) => `${v.file}:${v.line} ${v.rule}`), []);
});

test("the lint catches clock, randomness, floats and JSON hashing, but not comments or strings", () => {
  const bad = [
    "const t = Date.now();",
    "const r = Math.random();",
    "const f = 0.5 * x;",
    "const h = sha(JSON.stringify(o));",
    "const d = new Date();",
    "const e = process.env.X;",
    "setTimeout(() => {}, 1);",
    "const y = Math.floor(z);",
  ];
  for (const line of bad) assert.equal(lintSource("x.ts", line).length, 1, line);
  const ok = ['// Date.now() is banned', 'const s = "Math.random()";', "const n = 10n ** 6n;", "const h = 0x7f;", "obj.now();"];
  for (const line of ok) assert.deepEqual(lintSource("x.ts", line), [], line);
});
