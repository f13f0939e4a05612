import { test } from "node:test";
import assert from "node:assert/strict";
import { staleFiles } from "../../proto/codegen.ts";
import { protoRoot } from "../../proto/codec.ts";

test("generated proto types are up to date (run `npm run proto:gen`)", () => {
  assert.deepEqual(staleFiles(), []);
});

test("every trainchain proto message compiles and has no floating-point fields", () => {
  const floats: string[] = [];
  const visit = (ns: ReturnType<typeof protoRoot>): void => {
    for (const nested of ns.nestedArray) {
      const n = nested as unknown as { fieldsArray?: { type: string; fullName: string }[]; nestedArray?: unknown[] };
      if (n.fieldsArray) for (const f of n.fieldsArray) if ((f.type === "float" || f.type === "double") && f.fullName.startsWith(".trainchain.")) floats.push(f.fullName);
      if (n.nestedArray) visit(nested as unknown as ReturnType<typeof protoRoot>);
    }
  };
  visit(protoRoot());
  assert.deepEqual(floats, []);
});
