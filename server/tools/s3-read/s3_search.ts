/**
 * bucket_objects_search: finds objects by words in their keys across several buckets, by listing
 * (no search service needed). The work per call is bounded by the number of keys examined; a
 * cursor continues the scan bucket after bucket.
 * @module
 */
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import * as z from "zod";
import { defineTool, READ_ONLY, type ToolDefinition } from "../common/define.ts";
import { ToolError } from "../common/errors.ts";
import { assertBucketAllowed, bucketName } from "../common/inputs.ts";
import { cursorInput } from "../common/package_inputs.ts";
import { decodeCursor, encodeCursor } from "../common/package_listing.ts";

/** Keys examined per ListObjectsV2 page. */
const PAGE = 1000;

/** Lowercase words of a query (at most 16). */
function words(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter((w) => w !== "").slice(0, 16);
}

const hit = z.object({
  bucket: z.string(),
  key: z.string(),
  size: z.number(),
  last_modified: z.string().nullable(),
});

const bucketObjectsSearch = defineTool({
  name: "bucket_objects_search",
  title: "Search objects by key",
  description:
    "Finds objects whose keys contain every word of the query (case-insensitive; e.g. 'plate csv'), in one or several buckets (default: every bucket this server is configured for), optionally under a prefix. It lists keys — no search index needed — so the work per call is bounded by max_keys_examined; pass next_cursor to continue (bucket after bucket). For contents and metadata search use catalog_search; for package names and metadata, package_search.",
  input: z.object({
    query: z.string().min(1).max(200).refine((q) => q.trim() !== "", "query is empty")
      .describe("Words the key must contain (all of them)"),
    buckets: z.array(bucketName).min(1).max(20).optional().describe(
      "Buckets to search, in this order (default: the configured buckets)",
    ),
    prefix: z.string().max(1024).default("").describe("Only keys starting with this prefix"),
    limit: z.number().int().min(1).max(500).default(50).describe("Most matches returned"),
    max_keys_examined: z.number().int().min(100).max(100_000).default(10_000).describe(
      "Most keys listed in this call (bounds the work; continue with next_cursor)",
    ),
    cursor: cursorInput.optional(),
  }),
  output: z.object({
    query: z.string(),
    buckets: z.array(z.string()),
    results: z.array(hit),
    examined: z.number().describe("Keys listed in this call"),
    next_cursor: z.string().nullable().describe(
      "Continue from here (null: every key was examined)",
    ),
  }),
  annotations: READ_ONLY,
  async run(args, env) {
    const { config } = env.deps;
    const buckets = args.buckets ?? [...config.buckets];
    if (buckets.length === 0) {
      throw new ToolError(
        "invalid_input",
        "Name the buckets to search: this server has no configured bucket list (QUILT_MCP_BUCKETS).",
      );
    }
    for (const b of buckets) assertBucketAllowed(config, b);
    const terms = words(args.query);
    let index = 0;
    let token: string | undefined;
    let startAfter: string | undefined;
    if (args.cursor) {
      const state = decodeCursor(args.cursor, "bucket_objects_search");
      const at = buckets.indexOf(String(state.bucket));
      if (
        at < 0 || state.query !== args.query || state.prefix !== args.prefix ||
        JSON.stringify(state.buckets) !== JSON.stringify(buckets)
      ) {
        throw new ToolError("invalid_cursor", "Invalid cursor: it belongs to another search.");
      }
      index = at;
      startAfter = typeof state.after === "string" && state.after !== "" ? state.after : undefined;
    }
    const results: z.infer<typeof hit>[] = [];
    let examined = 0;
    let next: { bucket: string; after: string } | undefined;
    outer: for (; index < buckets.length; index++, token = undefined, startAfter = undefined) {
      const bucket = buckets[index];
      for (;;) {
        if (examined >= args.max_keys_examined || results.length >= args.limit) {
          next = { bucket, after: startAfter ?? "" };
          break outer;
        }
        const page = await env.aws(
          { action: "s3:ListBucket", target: `s3://${bucket}/${args.prefix}` },
          () =>
            env.deps.aws.s3().send(
              new ListObjectsV2Command({
                Bucket: bucket,
                Prefix: args.prefix || undefined,
                ContinuationToken: token,
                StartAfter: token ? undefined : startAfter,
                MaxKeys: Math.min(PAGE, args.max_keys_examined - examined),
              }),
              { abortSignal: env.signal },
            ),
        );
        for (const o of page.Contents ?? []) {
          const key = o.Key ?? "";
          examined++;
          startAfter = key;
          const lower = key.toLowerCase();
          if (terms.every((t) => lower.includes(t))) {
            results.push({
              bucket,
              key,
              size: o.Size ?? 0,
              last_modified: o.LastModified ? new Date(o.LastModified).toISOString() : null,
            });
            // Keys after this one are examined again on the next page.
            if (results.length >= args.limit) break;
          }
        }
        if (results.length >= args.limit) {
          const more = page.IsTruncated === true ||
            (page.Contents ?? []).at(-1)?.Key !== startAfter;
          if (more || index < buckets.length - 1) {
            next = more
              ? { bucket, after: startAfter! }
              : { bucket: buckets[index + 1], after: "" };
          }
          break outer;
        }
        if (!page.IsTruncated) break;
        token = page.NextContinuationToken;
      }
    }
    return {
      query: args.query,
      buckets,
      results,
      examined,
      next_cursor: next === undefined ? null : encodeCursor({
        kind: "bucket_objects_search",
        query: args.query,
        prefix: args.prefix,
        buckets,
        bucket: next.bucket,
        after: next.after,
      }),
    };
  },
});

/** The search tool of the s3-read category. */
export const S3_SEARCH_TOOLS: readonly ToolDefinition[] = [bucketObjectsSearch];
