/** s3-write: batch uploads with per-item results. @module */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import * as z from "zod";
import { mapLimit } from "../common/concurrency.ts";
import { defineTool, type ToolDefinition } from "../common/define.ts";
import { ToolError } from "../common/errors.ts";
import { assertBucketAllowed, bucketName } from "../common/inputs.ts";
import { prepareItem } from "./put_items.ts";
import { base64DecodedLength } from "../common/base64.ts";

/** Most items one call may upload. */
export const MAX_PUT_ITEMS = 100;
/** Uploads in flight at once per call. */
const PUT_CONCURRENCY = 4;

// Deliberately loose per-item bounds: a malformed item is reported in its own result (so one bad
// item never sinks the batch); only the hard size bounds here reject the whole call.
const item = z.object({
  key: z.string().min(1).max(2048).describe("Object key to write"),
  text: z.string().max(16_777_216).optional().describe("Body as text (stored as UTF-8)"),
  base64: z.string().max(22_369_624).optional().describe("Body as standard base64 (binary data)"),
  content_type: z.string().max(256).optional().describe(
    "Content type; default from the key's extension (text/plain or application/octet-stream)",
  ),
  metadata: z.record(z.string().max(256), z.string().max(2048)).optional().describe(
    "User metadata (x-amz-meta-*): ASCII keys and values, at most 2 KB in total",
  ),
});

const bucketObjectsPut = defineTool({
  name: "bucket_objects_put",
  title: "Upload objects",
  description:
    `Writes up to ${MAX_PUT_ITEMS} objects into one S3 bucket in a single call, each from text or base64, with optional content type and metadata. Use it to save results, notes or generated files. Each item gets its own result (ok or an error message); one bad item does not stop the others. By default an existing object at the same key is replaced (on an unversioned bucket its old content is lost); pass overwrite: false to only create new objects.`,
  input: z.object({
    bucket: bucketName,
    items: z.array(item).min(1).max(MAX_PUT_ITEMS).describe(
      `Objects to write (1–${MAX_PUT_ITEMS}); keys must be unique within the call`,
    ),
    overwrite: z.boolean().default(true).describe(
      "Replace objects that already exist (false: such items fail with 'exists' and nothing is replaced)",
    ),
  }),
  output: z.object({
    bucket: z.string(),
    overwrite: z.boolean(),
    written: z.number(),
    failed: z.number(),
    bytes_written: z.number(),
    results: z.array(z.object({
      index: z.number(),
      key: z.string(),
      ok: z.boolean(),
      size: z.number().nullable(),
      content_type: z.string().nullable(),
      etag: z.string().nullable(),
      version_id: z.string().nullable(),
      error_code: z.string().nullable(),
      error: z.string().nullable(),
    })),
  }),
  annotations: {
    readOnlyHint: false,
    // Overwrites replace existing objects (lost for good on an unversioned bucket).
    destructiveHint: true,
    // Each call writes again (a new version on a versioned bucket).
    idempotentHint: false,
    openWorldHint: true,
  },
  async run(args, env) {
    const { config } = env.deps;
    assertBucketAllowed(config, args.bucket);
    // The whole batch is bounded like one request body, on stdio too.
    const total = args.items.reduce(
      (n, i) =>
        n + (i.text !== undefined ? new TextEncoder().encode(i.text).length : 0) +
        (i.base64 !== undefined ? base64DecodedLength(i.base64) : 0),
      0,
    );
    if (total > config.maxBodyBytes) {
      throw new ToolError(
        "too_large",
        `The batch holds ${total} bytes; one call may write at most ${config.maxBodyBytes} bytes (QUILT_MCP_MAX_BODY_BYTES). Split it into smaller calls; nothing was written.`,
      );
    }
    const seen = new Set<string>();
    const prepared = args.items.map((i) => {
      const p = prepareItem(i, config.maxReadBytes);
      if (p.ok && seen.has(p.key)) {
        return {
          ok: false as const,
          key: p.key,
          code: "duplicate_key",
          message: "the same key appears earlier in this batch; it was written once",
        };
      }
      if (p.ok) seen.add(p.key);
      return p;
    });
    const s3 = env.deps.aws.s3();
    const results = await mapLimit(prepared, PUT_CONCURRENCY, async (p, index) => {
      const base = {
        index,
        key: p.key,
        size: null,
        content_type: null,
        etag: null,
        version_id: null,
      };
      if (!p.ok) return { ...base, ok: false, error_code: p.code, error: p.message };
      try {
        const out = await env.aws(
          { action: "s3:PutObject", target: `s3://${args.bucket}/${p.key}` },
          () =>
            s3.send(
              new PutObjectCommand({
                Bucket: args.bucket,
                Key: p.key,
                Body: p.body,
                ContentLength: p.body.length,
                ContentType: p.contentType,
                Metadata: p.metadata,
                IfNoneMatch: args.overwrite ? undefined : "*",
              }),
            ).catch((e) => {
              if ((e as { name?: string })?.name === "PreconditionFailed") {
                throw new ToolError(
                  "exists",
                  "an object already exists at this key and overwrite is false; nothing was replaced",
                );
              }
              throw e;
            }),
        );
        return {
          ...base,
          ok: true,
          size: p.body.length,
          content_type: p.contentType,
          etag: out.ETag ?? null,
          version_id: out.VersionId ?? null,
          error_code: null,
          error: null,
        };
      } catch (e) {
        if (!(e instanceof ToolError)) throw e;
        return { ...base, ok: false, error_code: e.code, error: e.message };
      }
    });
    const written = results.filter((r) => r.ok);
    const attempted = results.filter((r) => prepared[r.index].ok);
    const code = attempted[0]?.error_code;
    // Denied (or no such bucket) for every item it tried: a call-level problem, one clear error.
    if (
      written.length === 0 && attempted.length > 0 &&
      (code === "access_denied" || code === "not_found") &&
      attempted.every((r) => r.error_code === code)
    ) {
      const invalid = results.length - attempted.length;
      const also = invalid > 0 ? ` (${invalid} other item(s) were invalid as well)` : "";
      throw new ToolError(code, `${attempted[0].error}${also} Nothing was written.`);
    }
    return {
      bucket: args.bucket,
      overwrite: args.overwrite,
      written: written.length,
      failed: results.length - written.length,
      bytes_written: written.reduce((n, r) => n + (r.size ?? 0), 0),
      results,
    };
  },
});

/** Tools of the s3-write category. */
export const S3_WRITE_TOOLS: readonly ToolDefinition[] = [bucketObjectsPut];
