// The gRPC-gateway pagination query (`pagination.key=…&pagination.limit=…`) shared by every REST
// route that lists: its JSON schema and its conversion to a PageRequest.

export interface PaginationQuery {
  "pagination.key"?: string;
  "pagination.offset"?: string;
  "pagination.limit"?: string;
  "pagination.count_total"?: string;
  "pagination.reverse"?: string;
}

export const PAGINATION_PROPERTIES = {
  "pagination.key": { type: "string" },
  "pagination.offset": { type: "string", pattern: "^[0-9]+$" },
  "pagination.limit": { type: "string", pattern: "^[0-9]+$" },
  "pagination.count_total": { type: "string", enum: ["true", "false"] },
  "pagination.reverse": { type: "string", enum: ["true", "false"] },
} as const;

/** Same shape as cosmos.base.query.v1beta1.PageRequest (and our modules' wire-identical copy). */
export interface PageRequestFields {
  key: Uint8Array;
  offset: bigint;
  limit: bigint;
  countTotal: boolean;
  reverse: boolean;
}

/** undefined when no pagination parameter was given (the query's own default applies). */
export function pageRequest(query: PaginationQuery): PageRequestFields | undefined {
  if (Object.keys(query).every((k) => !k.startsWith("pagination."))) return undefined;
  return {
    key: new Uint8Array(Buffer.from(query["pagination.key"] ?? "", "base64")),
    offset: BigInt(query["pagination.offset"] ?? "0"),
    limit: BigInt(query["pagination.limit"] ?? "0"),
    countTotal: query["pagination.count_total"] === "true",
    reverse: query["pagination.reverse"] === "true",
  };
}
