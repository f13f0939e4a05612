// `trainchain task create|show|list|export` against a real node (blob store on its API port), and
// the bad-input cases: an unknown dataset, a model file that is not ONNX, export of an open task.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, makeHome, startNode, type RunningNode, type TestHome } from "../helpers/chain.ts";
import { BlobClient } from "../../worker/blob/index.ts";
import { decodeModel } from "../../worker/onnx/index.ts";

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const cli = (args: string[]): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    proc.on("error", reject);
    proc.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });

describe("task CLI against a real node", { timeout: 180_000 }, () => {
  let home: TestHome;
  let node: RunningNode;
  const common = (): string[] => ["--home", home.home, "--node", node.rpc, "--keyring-backend", "test", "--output", "json"];
  const taskArgs = (dataset: string, model: string[]): string[] => [
    "task", "create", "--from", "k0", "--dataset", dataset, ...model, "--loss", "cross_entropy", "--optimizer", "sgd", "--lr", "0.1", "--batch", "32",
    "--segment-steps", "20", "--checkpoint-interval", "5", "--segments", "2", "--samples", "2", "--reward", "1000000utrain", "--bond", "500000utrain",
    "--blobs", node.api, "--chain-id", home.chainId, "-y", ...common(),
  ];
  const fails = async (args: string[], pattern: RegExp): Promise<void> => {
    const r = await cli(args);
    assert.notEqual(r.code, 0, `should fail: ${r.stdout}`);
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, `one-line error expected, got: ${r.stderr}`);
    assert.match(lines[0]!, /^Error: /);
    assert.match(lines[0]!, pattern);
  };

  before(async () => {
    home = await makeHome({ accounts: 2 });
    node = await startNode(home.home);
    const hash = createHash("sha256").update("task-cli manifest").digest("hex");
    const r = await cli(["dataset", "register", "--name", "digits", "--manifest-hash", hash, "--samples", "1000", "--feature-shape", "784", "--classes", "10", "--uri", node.api, "--from", "k1", "--chain-id", home.chainId, "-y", ...common()]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await node?.stop();
    home?.cleanup();
  });

  it("refuses an unknown dataset and a model file that is not ONNX, one line each", async () => {
    await fails(taskArgs("99", ["--arch", "mlp:784-16-10"]), /unknown dataset 99/);
    const junk = join(home.home, "junk.onnx");
    writeFileSync(junk, "this is not a protobuf model\n");
    await fails(taskArgs("1", ["--model", junk]), /junk\.onnx is not a usable ONNX model/);
    await fails(taskArgs("1", ["--model", join(home.home, "missing.onnx")]), /does not exist/);
    await fails(taskArgs("1", ["--arch", "mlp:100-16-10"]), /100 values per sample, but dataset 1 has features \[784\]/);
    await fails(taskArgs("1", ["--arch", "mlp:784-16-10", "--model", junk]), /either --arch/);
    await fails(["task", "show", "0", ...common()], /invalid task id/);
    await fails(["task", "show", "42", ...common()], /task 42 not found/);
  });

  it("creates a task (blobs uploaded, escrow taken), shows, lists and exports it", async () => {
    const r = await cli(taskArgs("1", ["--arch", "mlp:784-16-10"]));
    assert.equal(r.code, 0, r.stderr);
    const created = JSON.parse(r.stdout) as { task_id: string; step_graph_hash: string; forward_graph_hash: string; initial_checkpoint_hash: string; model_json_hash: string; escrow: string };
    assert.equal(created.task_id, "1");
    assert.equal(created.escrow, "2000000utrain");
    const blobs = new BlobClient(node.api);
    for (const h of [created.step_graph_hash, created.forward_graph_hash, created.initial_checkpoint_hash, created.model_json_hash]) assert.equal(await blobs.has(h), true, h);
    const modelJson = JSON.parse(Buffer.from(await blobs.get(created.model_json_hash)).toString("utf8")) as { files: { step: { sha256: string } } };
    assert.equal(modelJson.files.step.sha256, created.step_graph_hash);

    const show = await cli(["task", "show", "1", ...common()]);
    assert.equal(show.code, 0, show.stderr);
    const report = JSON.parse(show.stdout) as { status: string; head: string; segments: { status: string }[]; proofs: unknown[] };
    assert.equal(report.status, "OPEN");
    assert.equal(report.head, created.initial_checkpoint_hash);
    assert.deepEqual(report.proofs, []);
    const text = await cli(["task", "show", "1", "--home", home.home, "--node", node.rpc]);
    assert.match(text.stdout, /task 1: OPEN, 0\/2 segments accepted/);

    const list = await cli(["task", "list", ...common()]);
    assert.deepEqual((JSON.parse(list.stdout) as { tasks: { id: string; status: string }[] }).tasks.map((t) => [t.id, t.status]), [["1", "OPEN"]]);

    const out = join(home.home, "model.onnx");
    await fails(["task", "export", "1", "-o", out, "--blobs", node.api, "--home", home.home, "--node", node.rpc], /task 1 is OPEN with 0\/2 segments accepted; export needs a COMPLETED task/);
    const exp = await cli(["task", "export", "1", "-o", out, "--allow-incomplete", "--blobs", node.api, ...common()]);
    assert.equal(exp.code, 0, exp.stderr);
    assert.ok(existsSync(out));
    const model = decodeModel(new Uint8Array(readFileSync(out)));
    assert.ok(model.graph.initializers.size > 0, "parameters are initializers in the exported model");
    assert.deepEqual(model.graph.inputs.map((i) => i.name).filter((n) => !model.graph.initializers.has(n)).length, 1);
  });
});
