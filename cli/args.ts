// Command-line flags, simd-style: `--name value`, `--name=value`, boolean `--name`/`-y`; an
// unknown flag is an error naming the flags the command takes.
import { defaultHome } from "../chain/node/config.ts";

export type FlagKind = "string" | "boolean";

export interface ParsedFlags {
  positional: string[];
  values: Map<string, string | true>;
}

export function parseFlags(argv: readonly string[], spec: Readonly<Record<string, FlagKind>>, command: string): ParsedFlags {
  const positional: string[] = [];
  const values = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-") || arg === "-" || /^-[0-9]/.test(arg)) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = (eq >= 0 ? arg.slice(0, eq) : arg).replace(/^--?/, "");
    const kind = spec[name];
    if (kind === undefined) {
      const known = Object.keys(spec).map((k) => (k.length === 1 ? `-${k}` : `--${k}`));
      throw new Error(`unknown flag ${arg.split("=")[0]} for "${command}"; expected one of ${known.join(", ")}`);
    }
    if (kind === "boolean") {
      if (eq >= 0) throw new Error(`flag --${name} takes no value`);
      values.set(name, true);
    } else {
      const v = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new Error(`flag --${name} needs a value`);
      values.set(name, v);
    }
  }
  return { positional, values };
}

export function flagString(f: ParsedFlags, name: string): string | undefined {
  const v = f.values.get(name);
  return typeof v === "string" ? v : undefined;
}

export function flagBool(f: ParsedFlags, name: string): boolean {
  return f.values.get(name) === true;
}

export function requireFlag(f: ParsedFlags, name: string, command: string): string {
  const v = flagString(f, name);
  if (v === undefined) throw new Error(`"${command}" needs --${name}`);
  return v;
}

export function positionals(f: ParsedFlags, count: number, usage: string): string[] {
  if (f.positional.length !== count) {
    throw new Error(`expected ${count} argument${count === 1 ? "" : "s"}, got ${f.positional.length}; usage: ${usage}`);
  }
  return f.positional;
}

let sink: (text: string) => void = (text) => {
  process.stdout.write(text);
};

/** Runs `fn` with command results sent to `to` instead of stdout (tests and embedding callers). */
export async function withResultSink<T>(to: (text: string) => void, fn: () => Promise<T>): Promise<T> {
  const previous = sink;
  sink = to;
  try {
    return await fn();
  } finally {
    sink = previous;
  }
}

/** Prints a result: JSON with --output json, else the human text. */
export function printResult(f: ParsedFlags, json: unknown, human: string): void {
  const output = flagString(f, "output") ?? flagString(f, "o") ?? "text";
  if (output !== "json" && output !== "text") throw new Error(`--output ${output}; expected text or json`);
  if (output === "json") sink(JSON.stringify(json, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) + "\n");
  else sink(human + "\n");
}

/** The node home: --home, else ~/.trainchain. */
export function homeOf(f: ParsedFlags): string {
  return flagString(f, "home") ?? defaultHome();
}
