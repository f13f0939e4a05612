// Public API of the data package: dataset format and loader, importers, the minibatch sampler.
export {
  MANIFEST_FILE,
  DEFAULT_SHARD_SAMPLES,
  sha256Hex,
  featureSize,
  labelSize,
  encodeManifest,
  manifestHash,
  checkManifest,
  shardFileName,
  encodeShard,
  decodeShard,
  checkDataset,
  writeDataset,
  loadDataset,
  takeSamples,
  sharedArray,
} from "./dataset.ts";
export type { Dataset, DatasetFormat, DatasetManifest, LoadedDataset, ShardEntry } from "./dataset.ts";
export { parseIdx, parseNpy, datasetFromArrays, mnistDataDir, importMnist, importIdx, importNpy, importCsv, importCsvText } from "./importers.ts";
export type { CsvOptions, NumericArray } from "./importers.ts";
export { createSampler, epochPermutation } from "./sampler.ts";
export type { MinibatchSampler } from "./sampler.ts";
export { canonicalJson, canonicalJsonBytes } from "./canonical-json.ts";
export type { CanonicalValue } from "./canonical-json.ts";
