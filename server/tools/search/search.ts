/**
 * search: package_search scans a registry's package names and package-level metadata (only the
 * first line of each latest manifest) with bounded work per call; catalog_search asks the Quilt
 * registry's search (GraphQL) with the caller's own catalog credential.
 * @module
 */
import * as z from "zod";
import {
  encodeCanonicalJson,
  formatQuiltUri,
  JsonNumber,
  type JsonObject,
  type JsonValue,
} from "../../quilt/mod.ts";
import { mapLimit } from "../common/concurrency.ts";
import { registryGraphql, registryTokenOf, registryUrlOf } from "../common/catalog_registry.ts";
import { defineTool, READ_ONLY, type ToolDefinition } from "../common/define.ts";
import { ToolError } from "../common/errors.ts";
import { assertBucketAllowed, bucketName } from "../common/inputs.ts";
import { cursorInput, pageLimit } from "../common/package_inputs.ts";
import { RegistryIo } from "../common/package_io.ts";
import { objectOut } from "../common/package_view.ts";
import { decodeCursor, encodeCursor, packagePrefix } from "../common/package_listing.ts";

/** Packages whose metadata is read in parallel. */
const SEARCH_CONCURRENCY = 8;
/** Error codes of a package whose pointer or metadata line is not in quilt3's format. */
const UNREADABLE: ReadonlySet<string> = new Set(["invalid_manifest", "invalid_revision"]);
/** Package metadata larger than this (as JSON) is matched but not returned. */
const MAX_META_OUT = 4096;

/** Every string a JSON value holds (object keys, strings, number text), for matching. */
export function metaText(value: JsonValue | undefined, out: string[] = []): string[] {
  if (value === undefined || value === null) return out;
  if (typeof value === "string") out.push(value);
  else if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    out.push(String(value));
  } else if (value instanceof JsonNumber) out.push(value.text);
  else if (Array.isArray(value)) { for (const v of value) metaText(v, out); }
  else {
    for (const [k, v] of value as JsonObject) {
      out.push(k);
      metaText(v, out);
    }
  }
  return out;
}

/** Splits a query into lowercase terms (at most 16). */
export function queryTerms(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter((t) => t.length > 0).slice(0, 16);
}

/** Where each term was found, or undefined when some term is nowhere. */
export function matchPackage(
  terms: readonly string[],
  fields: { name: string; message: string; meta: string },
): ("name" | "message" | "user_meta")[] | undefined {
  const where = new Set<"name" | "message" | "user_meta">();
  const lower = {
    name: fields.name.toLowerCase(),
    message: fields.message.toLowerCase(),
    user_meta: fields.meta.toLowerCase(),
  };
  for (const t of terms) {
    let found = false;
    for (const f of ["name", "message", "user_meta"] as const) {
      if (lower[f].includes(t)) {
        where.add(f);
        found = true;
      }
    }
    if (!found) return undefined;
  }
  return [...where];
}

const searchHit = z.object({
  bucket: z.string(),
  name: z.string(),
  top_hash: z.string(),
  uri: z.string(),
  message: z.string().nullable(),
  matched_in: z.array(z.enum(["name", "message", "user_meta"])),
  user_meta: z.record(z.string(), z.unknown()).optional().describe(
    "Package metadata (omitted when large; see user_meta_truncated)",
  ),
  user_meta_truncated: z.boolean(),
});

/** Reads one package's latest metadata line and matches the terms against it. */
async function examine(
  io: RegistryIo,
  terms: readonly string[],
  name: string,
): Promise<z.infer<typeof searchHit> | "unreadable" | undefined> {
  let latest, header;
  try {
    latest = await io.readPointer(name, "latest");
    if (!latest) return undefined;
    header = await io.readHeader(latest.topHash);
    if (!header) return undefined;
  } catch (e) {
    // One broken package does not end the search; access and AWS failures still do.
    if (e instanceof ToolError && UNREADABLE.has(e.code)) return "unreadable";
    throw e;
  }
  const message = header.get("message");
  const userMeta = header.get("user_meta");
  const matched = matchPackage(terms, {
    name,
    message: typeof message === "string" ? message : "",
    meta: metaText(userMeta).join("\n"),
  });
  if (!matched) return undefined;
  const small = userMeta === undefined || encodeCanonicalJson(userMeta).length <= MAX_META_OUT;
  return {
    bucket: io.bucket,
    name,
    top_hash: latest.topHash,
    uri: formatQuiltUri({ bucket: io.bucket, packageName: name, topHash: latest.topHash }),
    message: typeof message === "string" ? message : null,
    matched_in: matched,
    ...(small ? { user_meta: objectOut(userMeta) } : {}),
    user_meta_truncated: !small,
  };
}

const packageSearch = defineTool({
  name: "package_search",
  title: "Search packages in registries",
  description:
    "Finds Quilt packages in one or several registry buckets whose name, latest commit message or package-level metadata contain every word of the query (case-insensitive; metadata keys and values both count). Work per call is bounded: it examines at most max_packages packages, then returns what it found with next_cursor to continue the scan (bucket after bucket). Use it when you know words from a package's name or metadata but not its name; for full-text search across a Quilt catalog (object contents too) use catalog_search.",
  input: z.object({
    bucket: bucketName.optional().describe("Registry bucket (no s3:// prefix)"),
    buckets: z.array(bucketName).min(1).max(20).optional().describe(
      "Several registry buckets, searched in this order (instead of bucket)",
    ),
    query: z.string().min(1).max(200).refine((q) => q.trim() !== "", "query is empty").describe(
      "Words to find (all must match)",
    ),
    prefix: packagePrefix,
    limit: pageLimit(100, 20),
    max_packages: z.number().int().min(1).max(1000).default(200).describe(
      "Most packages examined in this call (bounds the work; continue with next_cursor)",
    ),
    cursor: cursorInput.optional(),
  }).refine((a) => (a.bucket === undefined) !== (a.buckets === undefined), {
    message: "give either bucket or buckets",
  }),
  output: z.object({
    bucket: z.string().nullable().describe("The bucket searched (null when several were given)"),
    buckets: z.array(z.string()).describe("The buckets of this search, in scan order"),
    query: z.string(),
    results: z.array(searchHit),
    scanned: z.number().describe("Packages examined in this call"),
    unreadable: z.array(z.string()).describe(
      "Packages (bucket/name) skipped because their latest pointer or metadata is not a valid quilt3 record",
    ),
    next_cursor: z.string().nullable().describe(
      "Continue the scan from here (null when every package was examined)",
    ),
  }),
  annotations: READ_ONLY,
  async run(args, env) {
    const buckets = args.buckets ?? [args.bucket!];
    for (const b of buckets) assertBucketAllowed(env.deps.config, b);
    const terms = queryTerms(args.query);
    let index = 0;
    let after: string | undefined;
    if (args.cursor) {
      const state = decodeCursor(args.cursor, "package_search");
      const at = typeof state.bucket === "string" ? buckets.indexOf(state.bucket) : -1;
      if (
        state.prefix !== args.prefix || state.query !== args.query ||
        typeof state.after !== "string" || at < 0 ||
        JSON.stringify(state.buckets ?? [state.bucket]) !== JSON.stringify(buckets)
      ) {
        throw new ToolError("invalid_cursor", "Invalid cursor: it belongs to another search.");
      }
      index = at;
      after = state.after;
    }
    const results: z.infer<typeof searchHit>[] = [];
    const unreadable: string[] = [];
    let scanned = 0;
    let next: { bucket: string; after: string } | undefined;
    for (; index < buckets.length; index++, after = undefined) {
      const remaining = {
        packages: args.max_packages - scanned,
        hits: args.limit - results.length,
      };
      if (remaining.packages <= 0 || remaining.hits <= 0) {
        // Budget spent exactly at a bucket boundary: the next bucket starts from its beginning.
        next = { bucket: buckets[index], after: "" };
        break;
      }
      const io = new RegistryIo(env, buckets[index]);
      const page = await scanBucket(io, terms, args.prefix, after, remaining);
      results.push(...page.results);
      unreadable.push(...page.unreadable.map((n) => `${io.bucket}/${n}`));
      scanned += page.scanned;
      if (!page.complete) {
        next = { bucket: io.bucket, after: page.last ?? after ?? "" };
        break;
      }
    }
    return {
      bucket: args.bucket ?? null,
      buckets,
      query: args.query,
      results,
      scanned,
      unreadable,
      next_cursor: next === undefined ? null : encodeCursor({
        kind: "package_search",
        prefix: args.prefix,
        query: args.query,
        bucket: next.bucket,
        buckets: args.buckets ?? null,
        after: next.after,
      }),
    };
  },
});

/** One bucket's share of a search: bounded by the remaining package and hit budgets. */
async function scanBucket(
  io: RegistryIo,
  terms: readonly string[],
  prefix: string,
  after: string | undefined,
  budget: { packages: number; hits: number },
): Promise<{
  results: z.infer<typeof searchHit>[];
  unreadable: string[];
  scanned: number;
  last: string | undefined;
  complete: boolean;
}> {
  const names = io.packageNames(prefix, after || undefined);
  const results: z.infer<typeof searchHit>[] = [];
  const unreadable: string[] = [];
  let scanned = 0;
  let last: string | undefined;
  let complete = false;
  let wholeBatch = true;
  while (scanned < budget.packages && results.length < budget.hits) {
    const batch: string[] = [];
    let namesDone = false;
    while (batch.length < Math.min(SEARCH_CONCURRENCY, budget.packages - scanned)) {
      const next = await names.next();
      if (next.done) {
        namesDone = true;
        break;
      }
      batch.push(next.value);
    }
    const found = await mapLimit(batch, SEARCH_CONCURRENCY, (name) => examine(io, terms, name));
    let processed = 0;
    for (const hit of found) {
      scanned++;
      last = batch[processed++];
      if (hit === "unreadable") unreadable.push(batch[processed - 1]);
      else if (hit) results.push(hit);
      // The rest of the batch is examined again on the next page.
      if (results.length >= budget.hits) break;
    }
    wholeBatch = processed === batch.length;
    if (namesDone) {
      complete = wholeBatch;
      break;
    }
  }
  if (!complete && wholeBatch) {
    // Stopped at a budget exactly between batches: look one name ahead so the last page of a
    // finished scan says so (the peeked name is listed again on the next page).
    complete = (await names.next()).done === true;
  }
  return { results, unreadable, scanned, last, complete };
}

const PACKAGE_HIT = `
  bucket name hash pointer score size modified totalEntriesCount comment meta`;
const OBJECT_HIT = `
  bucket key version score size modified deleted`;
const ERRORS = `
  ... on InvalidInput { errors { path message name } }
  ... on OperationError { message name }`;

/** The GraphQL documents catalog_search sends (first page and the next pages, per scope). */
export const QUERIES = {
  packages: `query Search($buckets: [String!], $searchString: String, $size: Int) {
  searchPackages(buckets: $buckets, searchString: $searchString, latestOnly: true) {
    __typename
    ... on PackagesSearchResultSet { total firstPage(size: $size, order: BEST_MATCH) { cursor hits { ${PACKAGE_HIT} } } }
    ... on EmptySearchResultSet { _ }${ERRORS}
  }
}`,
  morePackages: `query More($after: String!, $size: Int) {
  searchMorePackages(after: $after, size: $size) {
    __typename
    ... on PackagesSearchResultSetPage { cursor hits { ${PACKAGE_HIT} } }${ERRORS}
  }
}`,
  objects: `query Search($buckets: [String!], $searchString: String, $size: Int) {
  searchObjects(buckets: $buckets, searchString: $searchString) {
    __typename
    ... on ObjectsSearchResultSet { total firstPage(size: $size, order: BEST_MATCH) { cursor hits { ${OBJECT_HIT} } } }
    ... on EmptySearchResultSet { _ }${ERRORS}
  }
}`,
  moreObjects: `query More($after: String!, $size: Int) {
  searchMoreObjects(after: $after, size: $size) {
    __typename
    ... on ObjectsSearchResultSetPage { cursor hits { ${OBJECT_HIT} } }${ERRORS}
  }
}`,
} as const;

const str = (v: unknown) => (typeof v === "string" ? v : null);
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);

const catalogSearch = defineTool({
  name: "catalog_search",
  title: "Search the Quilt catalog",
  description:
    "Full-text search through the Quilt catalog's search service (the Quilt registry): packages by name, metadata and contents, or objects by key and indexed contents, across the buckets your catalog account can see (optionally only some). Runs with your own catalog credential — on the desktop your quilt3 login; on the web a sign-in token issued for the catalog as well — and fails with an explanation when none is available. Use package_search to scan one registry bucket without the catalog.",
  input: z.object({
    query: z.string().min(1).max(1000).refine((q) => q.trim() !== "", "query is empty")
      .describe("Search text (Elasticsearch query-string syntax is accepted by the catalog)"),
    scope: z.enum(["packages", "objects"]).default("packages").describe(
      "Search packages (latest revisions) or individual objects",
    ),
    buckets: z.array(bucketName).min(1).max(50).optional().describe(
      "Only these buckets (default: every bucket this server is configured for, else all the catalog allows)",
    ),
    limit: pageLimit(100, 20),
    cursor: cursorInput.optional(),
  }),
  output: z.object({
    registry: z.string(),
    scope: z.enum(["packages", "objects"]),
    total: z.number().nullable().describe("Matches over all pages (first page only)"),
    results: z.array(z.object({
      type: z.enum(["package", "object"]),
      bucket: z.string(),
      name: z.string().optional(),
      top_hash: z.string().optional(),
      key: z.string().optional(),
      version_id: z.string().nullable().optional(),
      score: z.number().nullable(),
      size: z.number().nullable(),
      modified: z.string().nullable(),
      comment: z.string().nullable().optional(),
      meta: z.string().nullable().optional().describe("Package metadata as JSON text"),
      entries: z.number().nullable().optional(),
      deleted: z.boolean().optional(),
    })),
    next_cursor: z.string().nullable(),
  }),
  annotations: READ_ONLY,
  async run(args, env) {
    const { config } = env.deps;
    for (const b of args.buckets ?? []) assertBucketAllowed(config, b);
    const buckets = args.buckets ?? (config.buckets.length > 0 ? [...config.buckets] : null);
    let after: string | undefined;
    if (args.cursor) {
      const state = decodeCursor(args.cursor, "catalog_search");
      if (state.scope !== args.scope || typeof state.after !== "string") {
        throw new ToolError("invalid_cursor", "Invalid cursor: it belongs to another search.");
      }
      after = state.after;
    }
    const registry = await registryUrlOf(env.deps, env.context);
    const token = await registryTokenOf(env.context, registry);
    const packages = args.scope === "packages";
    const query = after
      ? (packages ? QUERIES.morePackages : QUERIES.moreObjects)
      : (packages ? QUERIES.packages : QUERIES.objects);
    const variables = after
      ? { after, size: args.limit }
      : { buckets, searchString: args.query, size: args.limit };
    const data = await registryGraphql(env.deps, registry, token, query, variables);
    const field = after
      ? (packages ? "searchMorePackages" : "searchMoreObjects")
      : (packages ? "searchPackages" : "searchObjects");
    const res = data[field] as Record<string, unknown> | undefined;
    const typename = res?.__typename;
    if (typename === "InvalidInput") {
      const errors = (res!.errors as Array<{ message?: string }> | undefined) ?? [];
      throw new ToolError(
        "invalid_input",
        `The catalog refused the search: ${
          errors.map((e) => e.message).join("; ") || "invalid input"
        }.`,
      );
    }
    if (typename === "OperationError") {
      throw new ToolError(
        "catalog_error",
        `The catalog search failed: ${str(res!.message) ?? "error"}.`,
      );
    }
    let total: number | null = null;
    let page: Record<string, unknown> | undefined;
    if (typename === "EmptySearchResultSet") {
      total = 0;
    } else if (after) {
      page = res;
    } else {
      total = num(res?.total);
      page = res?.firstPage as Record<string, unknown> | undefined;
    }
    const hits = (page?.hits as Array<Record<string, unknown>> | undefined) ?? [];
    const results = hits.map((h) =>
      packages
        ? {
          type: "package" as const,
          bucket: str(h.bucket) ?? "",
          name: str(h.name) ?? "",
          top_hash: str(h.hash) ?? "",
          score: num(h.score),
          size: num(h.size),
          modified: str(h.modified),
          comment: str(h.comment),
          meta: str(h.meta),
          entries: num(h.totalEntriesCount),
        }
        : {
          type: "object" as const,
          bucket: str(h.bucket) ?? "",
          key: str(h.key) ?? "",
          version_id: str(h.version),
          score: num(h.score),
          size: num(h.size),
          modified: str(h.modified),
          deleted: h.deleted === true,
        }
    );
    const cursor = str(page?.cursor);
    return {
      registry,
      scope: args.scope,
      total,
      results,
      next_cursor: cursor && results.length > 0
        ? encodeCursor({ kind: "catalog_search", scope: args.scope, after: cursor })
        : null,
    };
  },
});

/** Tools of the search category. */
export const SEARCH_TOOLS: readonly ToolDefinition[] = [packageSearch, catalogSearch];
