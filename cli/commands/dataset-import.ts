// `trainchain dataset import`: convert MNIST / CSV / IDX / NPY into a canonical dataset directory.
import { join } from "node:path";
import {
  DEFAULT_SHARD_SAMPLES,
  importCsv,
  importIdx,
  importMnist,
  importNpy,
  writeDataset,
  type Dataset,
} from "../../worker/data/index.ts";
import { parseFlags } from "../args.ts";

function positiveInt(v: string | true | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== "string" || !/^\d+$/.test(v) || Number(v) < 1) throw new Error(`--${name} ${String(v)}; expected a positive integer`);
  return Number(v);
}

/** Entry point for `trainchain dataset import …` (argv excludes "dataset import"). */
export async function datasetImportCommand(argv: string[]): Promise<void> {
  const cmd = "dataset import";
  const f = parseFlags(
    argv,
    { mnist: "boolean", csv: "string", idx: "string", npy: "string", labels: "string", "label-column": "string", regression: "boolean", classes: "string", "no-normalize": "boolean", "shard-size": "string", o: "string", output: "string" },
    cmd,
  );
  if (f.positional.length > 0) throw new Error(`unexpected argument ${f.positional[0]} for "${cmd}"`);
  const dir = f.values.get("o") ?? f.values.get("output");
  if (typeof dir !== "string") throw new Error(`"${cmd}" needs -o DIR`);
  const sources = ["mnist", "csv", "idx", "npy"].filter((s) => f.values.has(s));
  if (sources.length !== 1) throw new Error(`"${cmd}" needs exactly one of --mnist, --csv FILE, --idx FILE, --npy FILE (got ${sources.length})`);
  const shard = positiveInt(f.values.get("shard-size"), "shard-size", DEFAULT_SHARD_SAMPLES);
  const classesV = f.values.get("classes");
  const classes = classesV === undefined ? undefined : positiveInt(classesV, "classes", 2);
  const normalize = !f.values.has("no-normalize");
  const report = (name: string, target: string, ds: Dataset): void => {
    const { manifestHash, manifest } = writeDataset(target, ds, shard);
    process.stdout.write(`${name}: ${ds.samples} samples, features [${ds.format.features.shape.join(",")}], ${manifest.shards.length} shards, manifest ${manifestHash} → ${target}\n`);
  };
  const source = sources[0];
  if (source === "mnist") {
    // MNIST comes with its test split; both are written so `model eval --dataset DIR/test` works.
    report("mnist train", join(dir, "train"), importMnist("train"));
    report("mnist test", join(dir, "test"), importMnist("test"));
    return;
  }
  const labels = f.values.get("labels");
  if (source === "csv") {
    const lc = f.values.get("label-column");
    report("csv", dir, importCsv(f.values.get("csv") as string, { labelColumn: typeof lc === "string" ? lc : undefined, regression: f.values.has("regression"), classes }));
    return;
  }
  if (typeof labels !== "string") throw new Error(`"${cmd} --${source}" needs --labels FILE with one label per sample`);
  const ds = source === "idx" ? importIdx(f.values.get("idx") as string, labels, { normalize, classes }) : importNpy(f.values.get("npy") as string, labels, { normalize, classes });
  report(source, dir, ds);
}
