import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { modelCommand } from "../../cli/commands/model.ts";
import { datasetImportCommand } from "../../cli/commands/dataset-import.ts";
import { importMnist, loadDataset, writeDataset, takeSamples } from "../../worker/data/index.ts";
import { loadCheckpoint } from "../../worker/checkpoint/index.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Runs `modelCommand(args)` in a child (so its stdout/stderr can be inspected). */
function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const code = `import { modelCommand } from ${JSON.stringify(join(root, "cli/commands/model.ts"))};
    modelCommand(${JSON.stringify(args)}).catch((e) => { process.stderr.write("Error: " + e.message + "\\n"); process.exit(1); });`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: root, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("cli: build → train (--device cuda falls back with one warning) → eval", () => {
  const dir = mkdtempSync(join(tmpdir(), "engine-cli-"));
  const ds = join(dir, "ds");
  writeDataset(ds, takeSamples(importMnist("test"), 3000), 1000);
  const b = cli(["build", "--arch", "mlp:784-32-10", "--loss", "cross_entropy", "--optimizer", "sgd", "--seed", "3", "-o", join(dir, "m")]);
  assert.equal(b.code, 0, b.stderr);
  const desc = JSON.parse(readFileSync(join(dir, "m", "model.json"), "utf8")) as { files: { init: { sha256: string } } };
  assert.equal(loadCheckpoint(join(dir, "m", "init.safetensors"), desc.files.init.sha256).checkpoint.step, 0n);
  const t = cli(["train", "--model", join(dir, "m"), "--dataset", ds, "--steps", "120", "--checkpoint-every", "50", "--device", "cuda", "-o", join(dir, "run")]);
  assert.equal(t.code, 0, t.stderr);
  const warnings = t.stderr.split("\n").filter((l) => /warning/i.test(l));
  assert.equal(warnings.length, 1, t.stderr);
  assert.match(warnings[0] as string, /CUDA execution provider unavailable .*falling back to CPU/);
  assert.ok(!/onnxruntime::|\[E:onnxruntime/.test(t.stderr), "no ORT log spam");
  for (const s of ["00000050", "00000100", "00000120"]) assert.ok(existsSync(join(dir, "run", `step-${s}.safetensors`)), s);
  const side = JSON.parse(readFileSync(join(dir, "run", "step-00000120.profile.json"), "utf8")) as { profile: { executionProvider: string } };
  assert.equal(side.profile.executionProvider, "cpu", "the sidecar records the profile really used");
  const e = cli(["eval", "--model", join(dir, "m"), "--checkpoint", join(dir, "run", "step-00000120.safetensors"), "--dataset", ds, "--output", "json"]);
  assert.equal(e.code, 0, e.stderr);
  const r = JSON.parse(e.stdout) as { accuracy: number; samples: number; step: string };
  assert.equal(r.samples, 3000);
  assert.equal(r.step, "120");
  assert.ok(r.accuracy > 0.6, `accuracy ${r.accuracy}`);
});

test("cli: bad input gives one-line errors", async () => {
  await assert.rejects(modelCommand([]), /missing subcommand; expected one of/);
  await assert.rejects(modelCommand(["frobnicate"]), /unknown subcommand "model frobnicate"/);
  await assert.rejects(modelCommand(["build", "--arch", "mlp:784-10", "--loss", "hinge", "-o", "/tmp/x"]), /--loss hinge; expected cross_entropy or mse/);
  await assert.rejects(modelCommand(["build", "--arch", "mlp:784-10", "--loss", "mse", "--bogus", "-o", "/tmp/x"]), /unknown flag --bogus for "model build"/);
  await assert.rejects(modelCommand(["build", "--loss", "mse", "-o", "/tmp/x"]), /needs --arch/);
  await assert.rejects(modelCommand(["train", "--model", "/nonexistent", "--mnist", "--steps", "1", "-o", "/tmp/x"]), /not a model directory/);
  await assert.rejects(datasetImportCommand(["-o", "/tmp/x"]), /exactly one of --mnist, --csv/);
  await assert.rejects(datasetImportCommand(["--idx", "a"]), /needs -o DIR/);
});

test("cli: dataset import --csv writes a loadable dataset; tampering with model files is caught", async () => {
  const dir = mkdtempSync(join(tmpdir(), "engine-cli-"));
  writeFileSync(join(dir, "d.csv"), "f1,f2,y\n0.1,0.2,1\n0.3,0.4,0\n0.5,0.6,1\n");
  await datasetImportCommand(["--csv", join(dir, "d.csv"), "--label-column", "y", "--shard-size", "2", "-o", join(dir, "ds")]);
  const ds = loadDataset(join(dir, "ds"));
  assert.equal(ds.samples, 3);
  assert.equal(ds.manifest.shards.length, 2);
  await modelCommand(["build", "--arch", "logreg:2-2", "--loss", "cross_entropy", "-o", join(dir, "m")]);
  const step = readFileSync(join(dir, "m", "step.onnx"));
  step[step.length - 1] ^= 1;
  writeFileSync(join(dir, "m", "step.onnx"), step);
  await assert.rejects(modelCommand(["train", "--model", join(dir, "m"), "--dataset", join(dir, "ds"), "--steps", "1", "-o", join(dir, "o")]), /step.onnx: hash mismatch: expected [0-9a-f]{64}, got [0-9a-f]{64}/);
});
