// data-registry params: size limits on names, licenses and URIs.
import type { Params } from "../../proto/trainchain/data_registry/v1/generated.ts";
import { DataRegistryErrors } from "./errors.ts";

export type { Params as DataRegistryParams } from "../../proto/trainchain/data_registry/v1/generated.ts";

export const MAX_ROYALTY_BPS = 10_000;

export function defaultDataRegistryParams(): Params {
  return { maxNameLength: 128, maxLicenseLength: 256, maxUris: 16, maxUriLength: 512 };
}

export function validateDataRegistryParams(p: Params): void {
  for (const [name, v] of [
    ["max_name_length", p.maxNameLength],
    ["max_license_length", p.maxLicenseLength],
    ["max_uris", p.maxUris],
    ["max_uri_length", p.maxUriLength],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw DataRegistryErrors.InvalidParams.wrap(`${name} must be a positive integer, got ${v}`);
  }
}
