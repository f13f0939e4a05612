// MNIST as canonical dataset directories: the train split (registered on chain) and the test split
// (kept locally to evaluate the exported model). Reused when already written.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { importMnist, loadDataset, MANIFEST_FILE, writeDataset, type LoadedDataset } from "../data/index.ts";

export interface MnistDirs {
  train: string;
  test: string;
}

function ensureSplit(dir: string, split: "train" | "test"): void {
  if (existsSync(join(dir, MANIFEST_FILE))) {
    try {
      loadDataset(dir);
      return;
    } catch {
      // a damaged copy is rewritten below
    }
  }
  writeDataset(dir, importMnist(split));
}

/** Writes (or reuses) `<root>/mnist-train` and `<root>/mnist-test`. */
export function prepareMnist(root: string): MnistDirs {
  const dirs = { train: join(root, "mnist-train"), test: join(root, "mnist-test") };
  ensureSplit(dirs.train, "train");
  ensureSplit(dirs.test, "test");
  return dirs;
}

export function loadMnistTest(dirs: MnistDirs): LoadedDataset {
  return loadDataset(dirs.test);
}
