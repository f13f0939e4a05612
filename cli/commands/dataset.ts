// `trainchain dataset register|show|list`, `trainchain tx data-registry grant|revoke|update|deprecate|register`
// and `trainchain query data-registry dataset|datasets|has-access|grants`.
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { DeliverTxResponse } from "@cosmjs/stargate";
import { fromBech32 } from "../../chain/framework/address.ts";
import {
  Access,
  DATA_REGISTRY_MSG_TYPES,
  validateRegisterDataset,
  validateUpdateDataset,
} from "../../modules/data-registry/index.ts";
import type { MsgRegisterDataset, MsgUpdateDataset } from "../../proto/trainchain/data_registry/v1/generated.ts";
import { createTrainchainQueries, datasetJson, trainchainRegistry, type DatasetJson } from "../../proto/client/index.ts";
import { checkManifest, manifestHash, MANIFEST_FILE } from "../../worker/data/index.ts";
import { BlobClient, DEFAULT_BLOB_BASE, uploadDatasetDir } from "../../worker/blob/index.ts";
import { prepareMnist } from "../../worker/devnet/mnist.ts";
import { flagBool, flagString, parseFlags, positionals, printResult, type FlagKind, type ParsedFlags, homeOf } from "../args.ts";
import { connectComet, signAndBroadcast, txFlagSpec, txResponseJson } from "../client.ts";
import { Keyring } from "../keyring.ts";

const REGISTER_USAGE =
  "trainchain dataset register [DIR | --mnist] [--blobs URL] --name N --manifest-hash HEX --samples N --feature-shape 784 --classes 10 [--feature-dtype float32] [--label-dtype int64] [--royalty-bps 100] [--uri U]… [--license L] [--allowlist] --from KEY";

/** Pulls every `--name V` / `--name=V` out of argv (parseFlags keeps only the last of a repeated flag). */
export function takeRepeated(argv: string[], name: string): { values: string[]; rest: string[] } {
  const values: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}`) {
      const v = argv[++i];
      if (v === undefined) throw new Error(`flag --${name} needs a value`);
      values.push(v);
    } else if (a.startsWith(`--${name}=`)) values.push(a.slice(name.length + 3));
    else rest.push(a);
  }
  return { values, rest };
}

function useShortOutput(f: ParsedFlags): void {
  if (f.values.has("o") && !f.values.has("output")) f.values.set("output", f.values.get("o")!);
}

export function parseDatasetId(text: string | undefined): bigint {
  if (text === undefined || !/^[0-9]+$/.test(text) || BigInt(text) < 1n || BigInt(text) >= 1n << 64n) {
    throw new Error(`invalid dataset id "${text ?? ""}": expected a positive integer`);
  }
  return BigInt(text);
}

function uintFlag(f: ParsedFlags, name: string, max: bigint): bigint | undefined {
  const v = flagString(f, name);
  if (v === undefined) return undefined;
  if (!/^[0-9]+$/.test(v) || BigInt(v) > max) throw new Error(`invalid --${name} "${v}": expected an integer from 0 to ${max}`);
  return BigInt(v);
}

function parseShape(text: string): number[] {
  if (!/^[0-9]+(,[0-9]+)*$/.test(text)) throw new Error(`invalid --feature-shape "${text}": expected comma-separated dimensions, e.g. 784 or 28,28`);
  return text.split(",").map((d) => Number(d));
}

function parseHash(text: string): Uint8Array {
  const hex = text.replace(/^0x/, "");
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error(`invalid --manifest-hash "${text}": expected the 64-hex-character sha256 of the canonical manifest`);
  return new Uint8Array(Buffer.from(hex, "hex"));
}

/** What a dataset directory (canonical shards + manifest.json, see worker/data) tells about itself. */
export interface ManifestSummary {
  name: string;
  manifestHash: Uint8Array;
  samples: bigint;
  featureShape: number[];
  featureDtype: string;
  labelDtype: string;
  classes: number;
}

export function readManifestDir(dir: string): ManifestSummary {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`dataset directory ${dir} does not exist`);
  if (!existsSync(path)) throw new Error(`${path} not found: create the dataset with \`trainchain dataset import\` first`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const manifest = checkManifest(raw);
  return {
    name: basename(resolve(dir)),
    manifestHash: new Uint8Array(Buffer.from(manifestHash(manifest), "hex")),
    samples: BigInt(manifest.samples),
    featureShape: [...manifest.format.features.shape],
    featureDtype: manifest.format.features.dtype,
    labelDtype: manifest.format.labels.dtype,
    classes: manifest.format.classes,
  };
}

const REGISTER_FLAGS: Record<string, FlagKind> = {
  ...txFlagSpec(),
  name: "string",
  "manifest-hash": "string",
  samples: "string",
  "feature-shape": "string",
  "feature-dtype": "string",
  "label-dtype": "string",
  classes: "string",
  "royalty-bps": "string",
  license: "string",
  allowlist: "boolean",
  mnist: "boolean",
  blobs: "string",
};

/** Builds MsgRegisterDataset from flags and, when DIR is given, from DIR/manifest.json (flags that disagree are errors). */
export function registerMsgFromArgs(f: ParsedFlags, uris: string[], owner: string): MsgRegisterDataset {
  if (f.positional.length > 1) throw new Error(`expected at most one DIR argument; usage: ${REGISTER_USAGE}`);
  const dir = f.positional[0];
  const fromDir = dir !== undefined ? readManifestDir(dir) : undefined;
  const hashFlag = flagString(f, "manifest-hash");
  const manifestHashBytes = hashFlag !== undefined ? parseHash(hashFlag) : fromDir?.manifestHash;
  if (!manifestHashBytes) throw new Error(`"dataset register" needs --manifest-hash HEX (or a dataset DIR); usage: ${REGISTER_USAGE}`);
  if (fromDir && hashFlag !== undefined && Buffer.compare(Buffer.from(fromDir.manifestHash), Buffer.from(manifestHashBytes)) !== 0) {
    throw new Error(`--manifest-hash ${hashFlag} does not match ${dir}/${MANIFEST_FILE} (${Buffer.from(fromDir.manifestHash).toString("hex")})`);
  }
  const samples = uintFlag(f, "samples", (1n << 64n) - 1n) ?? fromDir?.samples;
  if (samples === undefined) throw new Error(`"dataset register" needs --samples N (or a dataset DIR)`);
  const shapeFlag = flagString(f, "feature-shape");
  const featureShape = shapeFlag !== undefined ? parseShape(shapeFlag) : fromDir?.featureShape;
  if (!featureShape) throw new Error(`"dataset register" needs --feature-shape, e.g. 784 (or a dataset DIR)`);
  const labelDtype = flagString(f, "label-dtype") ?? fromDir?.labelDtype ?? "int64";
  const classes = uintFlag(f, "classes", 0xffffffffn);
  const classCount = classes !== undefined ? Number(classes) : fromDir?.classes;
  if (classCount === undefined) throw new Error(`"dataset register" needs --classes N (0 for regression targets)`);
  const name = flagString(f, "name") ?? fromDir?.name;
  if (name === undefined) throw new Error(`"dataset register" needs --name`);
  const royalty = uintFlag(f, "royalty-bps", 10000n);
  const msg: MsgRegisterDataset = {
    owner,
    name,
    format: { featureShape, featureDtype: flagString(f, "feature-dtype") ?? fromDir?.featureDtype ?? "float32", labelDtype, classCount },
    sampleCount: samples,
    manifestHash: manifestHashBytes,
    uris,
    license: flagString(f, "license") ?? "",
    royaltyBps: royalty === undefined ? 0 : Number(royalty),
    access: flagBool(f, "allowlist") ? Access.ACCESS_ALLOWLIST : Access.ACCESS_PUBLIC,
  };
  try {
    validateRegisterDataset(msg);
  } catch (err) {
    throw new Error((err as Error).message);
  }
  return msg;
}

function datasetIdFromEvents(res: DeliverTxResponse): string | undefined {
  for (const e of res.events) {
    if (e.type !== "dataset_registered") continue;
    const id = e.attributes.find((a) => a.key === "dataset_id");
    if (id) return id.value;
  }
  return undefined;
}

function report(f: ParsedFlags, res: DeliverTxResponse, human: string, extra: Record<string, unknown> = {}): void {
  if (res.code !== 0) {
    printResult(f, txResponseJson(res), `tx ${res.transactionHash} failed`);
    throw new Error(`tx ${res.transactionHash} failed with code ${res.code}: ${res.rawLog ?? ""}`);
  }
  printResult(f, { ...txResponseJson(res), ...extra }, human);
}

function signerOf(f: ParsedFlags, keyring: Keyring, command: string): { key: string; address: string } {
  const key = flagString(f, "from");
  if (!key) throw new Error(`"${command}" needs --from <key>`);
  return { key, address: keyring.show(key).address };
}

/** `trainchain dataset register …` (argv after "register"). */
export async function datasetRegister(argv: string[]): Promise<void> {
  const { values: uris, rest } = takeRepeated(argv, "uri");
  const f = parseFlags(rest, REGISTER_FLAGS, "dataset register");
  useShortOutput(f);
  const keyring = Keyring.forHome(homeOf(f), flagString(f, "keyring-backend"));
  const from = flagString(f, "from");
  if (!from) throw new Error(`"dataset register" needs --from <key>`);
  const signer = signerOf(f, keyring, "dataset register");
  let mnistTest: string | undefined;
  if (flagBool(f, "mnist")) {
    if (f.positional.length > 0) throw new Error(`give either a dataset DIR or --mnist, not both; usage: ${REGISTER_USAGE}`);
    const dirs = prepareMnist(join(homeOf(f), "datasets"));
    f.positional.push(dirs.train);
    mnistTest = dirs.test;
    if (!f.values.has("name")) f.values.set("name", "mnist");
    if (!f.values.has("license")) f.values.set("license", "CC-BY-SA-3.0");
  }
  // a dataset DIR goes to the blob store unless only external --uri locations are given
  const dir = f.positional[0];
  const blobBase = flagString(f, "blobs") ?? (dir !== undefined && uris.length === 0 ? DEFAULT_BLOB_BASE : undefined);
  const msg = registerMsgFromArgs(f, uris.length > 0 ? uris : blobBase !== undefined ? [blobBase] : [], signer.address);
  const upload = async (datasetId?: bigint): Promise<number> => {
    if (dir === undefined || blobBase === undefined) return 0;
    const client = new BlobClient(blobBase);
    const uploaded = await uploadDatasetDir(client, dir, datasetId !== undefined ? { datasetId } : {});
    return uploaded.bytes;
  };
  // ALLOWLIST blobs are tagged with the dataset id, which exists only after registration
  const allowlist = msg.access === Access.ACCESS_ALLOWLIST;
  const uploadedFirst = allowlist ? 0 : await upload();
  const res = await signAndBroadcast(f, keyring, signer.key, [{ typeUrl: DATA_REGISTRY_MSG_TYPES.registerDataset, value: msg }], trainchainRegistry());
  const id = datasetIdFromEvents(res);
  const uploadedBytes = allowlist && res.code === 0 && id !== undefined ? await upload(BigInt(id)) : uploadedFirst;
  const extra = { dataset_id: id ?? null, ...(dir !== undefined ? { dataset_dir: dir } : {}), ...(blobBase !== undefined && dir !== undefined ? { blobs: blobBase, uploaded_bytes: uploadedBytes } : {}), ...(mnistTest !== undefined ? { mnist_test_dir: mnistTest } : {}) };
  const where = blobBase !== undefined && dir !== undefined ? `; ${uploadedBytes} bytes in the blob store at ${blobBase}` : "";
  report(f, res, `registered dataset ${id ?? "?"} "${msg.name}" in tx ${res.transactionHash} at height ${res.height}${where}`, extra);
}

function formatDataset(d: DatasetJson): string {
  return [
    `id: ${d.id}`,
    `name: ${d.name}`,
    `owner: ${d.owner}`,
    `status: ${d.status}`,
    `access: ${d.access}`,
    `samples: ${d.sample_count}`,
    `format: features [${d.format.feature_shape.join(",")}] ${d.format.feature_dtype}, labels ${d.format.label_dtype}, ${d.format.class_count} classes`,
    `manifest_hash: ${d.manifest_hash}`,
    `uris: ${d.uris.join(" ") || "(none)"}`,
    `license: ${d.license || "(none)"}`,
    `royalty_bps: ${d.royalty_bps}`,
    `created_height: ${d.created_height}`,
  ].join("\n");
}

const QUERY_FLAGS: Record<string, FlagKind> = { node: "string", output: "string", o: "string", home: "string", "keyring-backend": "string", owner: "string", limit: "string", offset: "string", "page-key": "string", reverse: "boolean" };

async function withQueries<T>(f: ParsedFlags, fn: (q: ReturnType<typeof createTrainchainQueries>["dataRegistry"]) => Promise<T>): Promise<T> {
  const comet = await connectComet(f);
  try {
    return await fn(createTrainchainQueries(comet).dataRegistry);
  } finally {
    comet.disconnect();
  }
}

function resolveAddress(f: ParsedFlags, who: string, what: string): string {
  const address = /^train1/.test(who) ? who : Keyring.forHome(homeOf(f), flagString(f, "keyring-backend")).resolveAddress(who);
  try {
    fromBech32(address);
  } catch (err) {
    throw new Error(`invalid ${what}: ${(err as Error).message}`);
  }
  return address;
}

async function showDataset(f: ParsedFlags): Promise<void> {
  const [idText] = positionals(f, 1, "trainchain dataset show <id>");
  const id = parseDatasetId(idText);
  const dataset = datasetJson(await withQueries(f, (q) => q.dataset(id)));
  printResult(f, { dataset }, formatDataset(dataset));
}

async function listDatasets(f: ParsedFlags): Promise<void> {
  positionals(f, 0, "trainchain dataset list [--owner ADDR] [--limit N] [--offset N | --page-key HEX] [--reverse]");
  const limit = uintFlag(f, "limit", 1000n);
  const offset = uintFlag(f, "offset", (1n << 64n) - 1n);
  const pageKey = flagString(f, "page-key");
  if (pageKey !== undefined && !/^[0-9a-fA-F]{16}$/.test(pageKey)) throw new Error(`invalid --page-key "${pageKey}": expected the 16-hex-character next_key of a previous page`);
  const ownerText = flagString(f, "owner");
  const owner = ownerText !== undefined ? resolveAddress(f, ownerText, "--owner") : undefined;
  const pagination = {
    limit: limit ?? 0n,
    offset: offset ?? 0n,
    key: pageKey !== undefined ? new Uint8Array(Buffer.from(pageKey, "hex")) : new Uint8Array(),
    countTotal: true,
    reverse: flagBool(f, "reverse"),
  };
  const res = await withQueries(f, (q) => (owner ? q.datasetsByOwner(owner, pagination) : q.datasets(pagination)));
  const datasets = res.datasets.map(datasetJson);
  const nextKey = res.pagination && res.pagination.nextKey.length > 0 ? Buffer.from(res.pagination.nextKey).toString("hex") : null;
  printResult(
    f,
    { datasets, pagination: { next_key: nextKey, total: (res.pagination?.total ?? 0n).toString() } },
    datasets.map((d) => `${d.id}\t${d.name}\t${d.owner}\t${d.sample_count} samples\t${d.access}\t${d.status}`).join("\n") || "no datasets",
  );
}

/** `trainchain dataset register|show|list …` (argv after "dataset"). */
export async function datasetCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action === "register") return datasetRegister(rest);
  if (action === "show" || action === "list") {
    const f = parseFlags(rest, QUERY_FLAGS, `dataset ${action}`);
    useShortOutput(f);
    return action === "show" ? showDataset(f) : listDatasets(f);
  }
  throw new Error(`unknown dataset command "${action ?? ""}"; expected import, register, show or list`);
}

const TX_USAGE = "trainchain tx data-registry register … | update <id> [--uri U]… [--clear-uris] [--license L] [--royalty-bps N] [--access public|allowlist] | grant <id> <address> | revoke <id> <address> | deprecate <id> [--reason R]  (all with --from KEY)";

/** `trainchain tx data-registry <action> …`. */
export async function dataRegistryTx(action: string | undefined, argv: string[]): Promise<void> {
  if (action === "register") return datasetRegister(argv);
  const { values: uris, rest } = takeRepeated(argv, "uri");
  const spec: Record<string, FlagKind> = { ...txFlagSpec(), license: "string", "royalty-bps": "string", access: "string", "clear-uris": "boolean", reason: "string" };
  const f = parseFlags(rest, spec, `tx data-registry ${action ?? ""}`);
  useShortOutput(f);
  const keyring = Keyring.forHome(homeOf(f), flagString(f, "keyring-backend"));
  switch (action) {
    case "grant":
    case "revoke": {
      const [idText, who] = positionals(f, 2, `trainchain tx data-registry ${action} <dataset-id> <address|key> --from KEY`);
      const datasetId = parseDatasetId(idText);
      const grantee = resolveAddress(f, who!, "grantee");
      const signer = signerOf(f, keyring, `tx data-registry ${action}`);
      const typeUrl = action === "grant" ? DATA_REGISTRY_MSG_TYPES.grantAccess : DATA_REGISTRY_MSG_TYPES.revokeAccess;
      const res = await signAndBroadcast(f, keyring, signer.key, [{ typeUrl, value: { owner: signer.address, datasetId, grantee } }], trainchainRegistry());
      report(f, res, `${action === "grant" ? "granted" : "revoked"} access to dataset ${datasetId} for ${grantee} in tx ${res.transactionHash}`);
      return;
    }
    case "update": {
      const [idText] = positionals(f, 1, `trainchain tx data-registry update <dataset-id> [--uri U]… [--clear-uris] [--license L] [--royalty-bps N] [--access public|allowlist] --from KEY`);
      const datasetId = parseDatasetId(idText);
      const accessText = flagString(f, "access");
      if (accessText !== undefined && accessText !== "public" && accessText !== "allowlist") throw new Error(`invalid --access "${accessText}": expected public or allowlist`);
      if (uris.length > 0 && flagBool(f, "clear-uris")) throw new Error("give either --uri or --clear-uris, not both");
      const royalty = uintFlag(f, "royalty-bps", 10000n);
      const license = flagString(f, "license");
      const signer = signerOf(f, keyring, "tx data-registry update");
      const msg: MsgUpdateDataset = {
        owner: signer.address,
        datasetId,
        uris: uris.length > 0 || flagBool(f, "clear-uris") ? { uris } : undefined,
        license: license !== undefined ? { license } : undefined,
        royalty: royalty !== undefined ? { royaltyBps: Number(royalty) } : undefined,
        access: accessText === "public" ? Access.ACCESS_PUBLIC : accessText === "allowlist" ? Access.ACCESS_ALLOWLIST : Access.ACCESS_UNSPECIFIED,
      };
      validateUpdateDataset(msg);
      const res = await signAndBroadcast(f, keyring, signer.key, [{ typeUrl: DATA_REGISTRY_MSG_TYPES.updateDataset, value: msg }], trainchainRegistry());
      report(f, res, `updated dataset ${datasetId} in tx ${res.transactionHash}`);
      return;
    }
    case "deprecate": {
      const [idText] = positionals(f, 1, "trainchain tx data-registry deprecate <dataset-id> [--reason R] --from KEY");
      const datasetId = parseDatasetId(idText);
      const signer = signerOf(f, keyring, "tx data-registry deprecate");
      const value = { owner: signer.address, datasetId, reason: flagString(f, "reason") ?? "" };
      const res = await signAndBroadcast(f, keyring, signer.key, [{ typeUrl: DATA_REGISTRY_MSG_TYPES.deprecateDataset, value }], trainchainRegistry());
      report(f, res, `deprecated dataset ${datasetId} in tx ${res.transactionHash}`);
      return;
    }
    default:
      throw new Error(`unknown data-registry tx "${action ?? ""}"; usage: ${TX_USAGE}`);
  }
}

/** `trainchain query data-registry <what> …`. */
export async function dataRegistryQuery(what: string | undefined, argv: string[]): Promise<void> {
  const f = parseFlags(argv, QUERY_FLAGS, `query data-registry ${what ?? ""}`);
  useShortOutput(f);
  switch (what) {
    case "dataset":
      return showDataset(f);
    case "datasets":
      return listDatasets(f);
    case "has-access": {
      const [idText, who] = positionals(f, 2, "trainchain query data-registry has-access <dataset-id> <address|key>");
      const id = parseDatasetId(idText);
      const address = resolveAddress(f, who!, "address");
      const has = await withQueries(f, (q) => q.hasAccess(id, address));
      printResult(f, { dataset_id: id.toString(), address, has_access: has }, has ? `${address} has access to dataset ${id}` : `${address} has no access to dataset ${id}`);
      return;
    }
    case "grants": {
      const [idText] = positionals(f, 1, "trainchain query data-registry grants <dataset-id>");
      const id = parseDatasetId(idText);
      const grantees = await withQueries(f, (q) => q.grants(id));
      printResult(f, { dataset_id: id.toString(), grantees }, grantees.join("\n") || "no grants");
      return;
    }
    default:
      throw new Error(`unknown data-registry query "${what ?? ""}"; expected dataset <id>, datasets [--owner ADDR], has-access <id> <address> or grants <id>`);
  }
}
