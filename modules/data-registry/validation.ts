// Stateless checks of dataset fields, shared by validateBasic and the keeper; each failure says
// which field was wrong and what was expected.
import { fromBech32 } from "../../chain/framework/address.ts";
import { Access, type DatasetFormat } from "../../proto/trainchain/data_registry/v1/generated.ts";
import { DataRegistryErrors } from "./errors.ts";
import { MAX_ROYALTY_BPS } from "./params.ts";

export const FEATURE_DTYPES = ["float32", "float16", "bfloat16", "uint8", "int8", "int32", "int64"] as const;
export const INTEGER_LABEL_DTYPES = ["int64", "int32"] as const;
export const FLOAT_LABEL_DTYPES = ["float32"] as const;
export const MANIFEST_HASH_LENGTH = 32;
const MAX_FEATURE_ELEMENTS = 1n << 31n;
const CONTROL = /[\u0000-\u001f\u007f]/;
const URI = /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]+$/;

export function parseAddress(address: string, field: string): Uint8Array {
  try {
    return fromBech32(address);
  } catch (err) {
    throw DataRegistryErrors.InvalidAddress.wrap(`${field}: ${(err as Error).message}`);
  }
}

export function checkDatasetId(id: bigint): void {
  if (id < 1n) throw DataRegistryErrors.InvalidDatasetId.wrap(`dataset_id must be ≥ 1, got ${id}`);
}

export function checkName(name: string): void {
  if (name.trim() === "") throw DataRegistryErrors.InvalidName.wrap("name is empty");
  if (name !== name.trim()) throw DataRegistryErrors.InvalidName.wrap(`name "${name}" has leading or trailing spaces`);
  if (CONTROL.test(name)) throw DataRegistryErrors.InvalidName.wrap("name contains control characters");
}

export function checkFormat(format: DatasetFormat | undefined): void {
  if (!format) throw DataRegistryErrors.InvalidFormat.wrap("format is missing");
  if (format.featureShape.length === 0) throw DataRegistryErrors.InvalidFormat.wrap("feature_shape is empty; give the per-sample shape, e.g. [784]");
  let elements = 1n;
  for (const d of format.featureShape) {
    if (d < 1) throw DataRegistryErrors.InvalidFormat.wrap(`feature_shape [${format.featureShape.join(",")}] has a zero dimension`);
    elements *= BigInt(d);
  }
  if (elements > MAX_FEATURE_ELEMENTS) throw DataRegistryErrors.InvalidFormat.wrap(`feature_shape [${format.featureShape.join(",")}] has more than 2^31 elements`);
  if (!(FEATURE_DTYPES as readonly string[]).includes(format.featureDtype)) {
    throw DataRegistryErrors.InvalidFormat.wrap(`feature_dtype "${format.featureDtype}"; expected one of ${FEATURE_DTYPES.join(", ")}`);
  }
  const integerLabels = (INTEGER_LABEL_DTYPES as readonly string[]).includes(format.labelDtype);
  const floatLabels = (FLOAT_LABEL_DTYPES as readonly string[]).includes(format.labelDtype);
  if (!integerLabels && !floatLabels) {
    throw DataRegistryErrors.InvalidFormat.wrap(`label_dtype "${format.labelDtype}"; expected one of ${[...INTEGER_LABEL_DTYPES, ...FLOAT_LABEL_DTYPES].join(", ")}`);
  }
  if (integerLabels && format.classCount < 2) throw DataRegistryErrors.InvalidFormat.wrap(`class_count ${format.classCount}: integer labels need at least 2 classes`);
  if (floatLabels && format.classCount !== 0) throw DataRegistryErrors.InvalidFormat.wrap(`class_count ${format.classCount}: float labels are regression targets, class_count must be 0`);
}

export function checkSampleCount(n: bigint): void {
  if (n < 1n) throw DataRegistryErrors.InvalidSampleCount.wrap(`sample_count must be ≥ 1, got ${n}`);
}

export function checkManifestHash(hash: Uint8Array): void {
  if (hash.length !== MANIFEST_HASH_LENGTH) {
    throw DataRegistryErrors.InvalidManifestHash.wrap(`manifest_hash must be the ${MANIFEST_HASH_LENGTH}-byte sha256 of the canonical manifest, got ${hash.length} bytes`);
  }
}

export function checkUris(uris: readonly string[], limits?: { maxUris: number; maxUriLength: number }): void {
  const seen = new Set<string>();
  for (const uri of uris) {
    if (!URI.test(uri)) throw DataRegistryErrors.InvalidUri.wrap(`"${uri}" is not a URI with a scheme, e.g. https://host/path or ipfs://CID`);
    if (seen.has(uri)) throw DataRegistryErrors.InvalidUri.wrap(`"${uri}" is listed twice`);
    seen.add(uri);
    if (limits && uri.length > limits.maxUriLength) throw DataRegistryErrors.InvalidUri.wrap(`URI has ${uri.length} characters, at most ${limits.maxUriLength} allowed`);
  }
  if (limits && uris.length > limits.maxUris) throw DataRegistryErrors.InvalidUri.wrap(`${uris.length} URIs given, at most ${limits.maxUris} allowed`);
}

export function checkLicense(license: string, maxLength?: number): void {
  if (CONTROL.test(license)) throw DataRegistryErrors.InvalidLicense.wrap("license contains control characters");
  if (maxLength !== undefined && license.length > maxLength) throw DataRegistryErrors.InvalidLicense.wrap(`license has ${license.length} characters, at most ${maxLength} allowed`);
}

export function checkRoyalty(bps: number): void {
  if (!Number.isInteger(bps) || bps < 0 || bps > MAX_ROYALTY_BPS) {
    throw DataRegistryErrors.InvalidRoyalty.wrap(`royalty_bps ${bps} must be an integer from 0 to ${MAX_ROYALTY_BPS} (100%)`);
  }
}

export function checkAccess(access: number): void {
  if (access !== Access.ACCESS_PUBLIC && access !== Access.ACCESS_ALLOWLIST) {
    throw DataRegistryErrors.InvalidAccess.wrap(`access ${access}; expected ACCESS_PUBLIC (1) or ACCESS_ALLOWLIST (2)`);
  }
}
