/** s3-read: buckets and objects, read-only. @module */
import { ListBucketsCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import * as z from "zod";
import { defineTool, READ_ONLY, type ToolDefinition } from "./define.ts";
import { assertBucketAllowed, bucketName } from "./inputs.ts";

const bucketList = defineTool({
  name: "bucket_list",
  title: "List buckets",
  description:
    "Lists the S3 buckets you can use: the buckets this server is configured for, plus every bucket ListBuckets returns where your role allows it. Start here when you do not know a bucket name.",
  input: z.object({}),
  output: z.object({
    buckets: z.array(
      z.object({ name: z.string(), configured: z.boolean(), created: z.string().nullable() }),
    ),
    list_buckets_allowed: z.boolean(),
  }),
  annotations: READ_ONLY,
  async run(_args, { deps, aws }) {
    const configured = deps.config.buckets;
    const byName = new Map(
      configured.map((name) => [name, { name, configured: true, created: null as string | null }]),
    );
    let allowed = true;
    try {
      const out = await aws(
        { action: "s3:ListAllMyBuckets" },
        () => deps.aws.s3().send(new ListBucketsCommand({})),
      );
      for (const b of out.Buckets ?? []) {
        if (!b.Name) continue;
        // With an allow-list, only configured buckets are usable, so only they are shown.
        if (configured.length > 0 && !byName.has(b.Name)) continue;
        const created = b.CreationDate ? new Date(b.CreationDate).toISOString() : null;
        byName.set(b.Name, { name: b.Name, configured: byName.has(b.Name), created });
      }
    } catch (e) {
      if ((e as { code?: string }).code !== "access_denied" || configured.length === 0) throw e;
      allowed = false;
    }
    return {
      buckets: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)),
      list_buckets_allowed: allowed,
    };
  },
});

const bucketObjectsList = defineTool({
  name: "bucket_objects_list",
  title: "List objects",
  description:
    "Lists objects in an S3 bucket under an optional prefix. Use delimiter '/' to browse folder by folder (common_prefixes are the sub-folders); pass next_token from a previous answer to get the next page.",
  input: z.object({
    bucket: bucketName,
    prefix: z.string().max(1024).default("").describe("Only keys starting with this prefix"),
    delimiter: z.string().max(1).optional().describe("Group keys by this character, usually '/'"),
    max_keys: z.number().int().min(1).max(1000).default(100).describe("Page size, 1–1000"),
    next_token: z.string().max(2048).optional().describe("Continuation token from a previous page"),
  }),
  output: z.object({
    bucket: z.string(),
    prefix: z.string(),
    objects: z.array(z.object({
      key: z.string(),
      size: z.number(),
      last_modified: z.string().nullable(),
      etag: z.string().nullable(),
      storage_class: z.string().nullable(),
    })),
    common_prefixes: z.array(z.string()),
    truncated: z.boolean(),
    next_token: z.string().nullable(),
  }),
  annotations: READ_ONLY,
  async run(args, { deps, aws }) {
    assertBucketAllowed(deps.config, args.bucket);
    const out = await aws(
      { action: "s3:ListBucket", target: `s3://${args.bucket}/${args.prefix}` },
      () =>
        deps.aws.s3().send(
          new ListObjectsV2Command({
            Bucket: args.bucket,
            Prefix: args.prefix || undefined,
            Delimiter: args.delimiter,
            MaxKeys: args.max_keys,
            ContinuationToken: args.next_token,
          }),
        ),
    );
    return {
      bucket: args.bucket,
      prefix: args.prefix,
      objects: (out.Contents ?? []).map((o) => ({
        key: o.Key ?? "",
        size: o.Size ?? 0,
        last_modified: o.LastModified ? new Date(o.LastModified).toISOString() : null,
        etag: o.ETag ?? null,
        storage_class: o.StorageClass ?? null,
      })),
      common_prefixes: (out.CommonPrefixes ?? []).map((p) => p.Prefix ?? "").filter((p) =>
        p !== ""
      ),
      truncated: out.IsTruncated ?? false,
      next_token: out.NextContinuationToken ?? null,
    };
  },
});

/** Tools of the s3-read category. */
export const S3_READ_TOOLS: readonly ToolDefinition[] = [bucketList, bucketObjectsList];
