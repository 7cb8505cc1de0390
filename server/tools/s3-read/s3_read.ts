/** s3-read: buckets and objects, read-only. @module */
import {
  GetBucketLocationCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
} from "@aws-sdk/client-s3";
import { encodeBase64 } from "../common/base64.ts";
import * as z from "zod";
import { mapLimit } from "../common/concurrency.ts";
import { defineTool, READ_ONLY, type ToolDefinition } from "../common/define.ts";
import { ToolError } from "../common/errors.ts";
import { assertBucketAllowed, bucketName, objectKey, versionId } from "../common/inputs.ts";
import { linkExpiry, presignGet } from "./presign.ts";
import { byteLimit, headObject, objectTarget, readWindow } from "./s3_object.ts";
import { decodeText, TEXT_ENCODINGS, TextDecodeError } from "./text_decode.ts";

const bucketList = defineTool({
  name: "bucket_list",
  title: "List buckets",
  description:
    "Lists the S3 buckets you can use: the buckets this server is configured for (with their region), plus every bucket ListBuckets returns where your role allows it. Start here when you do not know a bucket name.",
  input: z.object({}),
  output: z.object({
    buckets: z.array(
      z.object({
        name: z.string(),
        configured: z.boolean(),
        created: z.string().nullable(),
        region: z.string().nullable().describe(
          "Bucket region (configured buckets); null when unknown",
        ),
      }),
    ),
    list_buckets_allowed: z.boolean(),
  }),
  annotations: READ_ONLY,
  async run(_args, { deps, aws }) {
    const configured = deps.config.buckets;
    const byName = new Map(
      configured.map((name) => [
        name,
        { name, configured: true, created: null as string | null, region: null as string | null },
      ]),
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
        byName.set(b.Name, { name: b.Name, configured: byName.has(b.Name), created, region: null });
      }
    } catch (e) {
      if ((e as { code?: string }).code !== "access_denied" || configured.length === 0) throw e;
      allowed = false;
    }
    // A configured bucket in another region is a common cause of failed reads and broken links.
    await mapLimit(configured, 8, async (name) => {
      const entry = byName.get(name)!;
      try {
        const out = await aws(
          { action: "s3:GetBucketLocation", target: `s3://${name}` },
          () => deps.aws.s3().send(new GetBucketLocationCommand({ Bucket: name })),
        );
        // S3 reports us-east-1 as an empty location constraint.
        entry.region = out.LocationConstraint || "us-east-1";
      } catch {
        entry.region = null;
      }
    });
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

const iso = (d: Date | undefined) => (d ? new Date(d).toISOString() : null);

/** Largest object size S3 allows (5 TiB): the bound of byte offsets. */
const MAX_OBJECT_BYTES = 5 * 1024 ** 4;
/** Default page of the content tools, kept small so one call does not flood the conversation. */
const DEFAULT_READ_BYTES = 65_536;

const objectInput = {
  bucket: bucketName,
  key: objectKey,
  version_id: versionId.optional().describe(
    "Read this version of the object (versioned buckets); omit for the current version",
  ),
};
const windowInput = {
  offset: z.number().int().min(0).max(MAX_OBJECT_BYTES).default(0).describe(
    "Byte offset to start at; pass next_offset from a previous answer to read the next page",
  ),
  max_bytes: z.number().int().min(1).max(10_485_760).optional().describe(
    "Most bytes to read in this call (default 65536, at most the server's QUILT_MCP_MAX_READ_BYTES)",
  ),
};
const windowOutput = {
  bucket: z.string(),
  key: z.string(),
  version_id: z.string().nullable(),
  content_type: z.string().nullable(),
  size: z.number().describe("Size of the whole object in bytes"),
  offset: z.number(),
  truncated: z.boolean().describe("True when the object continues after what was returned"),
  next_offset: z.number().nullable().describe("Offset of the next page, or null at the end"),
};

const CHECKSUM_FIELDS = [
  ["crc32", "ChecksumCRC32"],
  ["crc32c", "ChecksumCRC32C"],
  ["crc64nvme", "ChecksumCRC64NVME"],
  ["sha1", "ChecksumSHA1"],
  ["sha256", "ChecksumSHA256"],
] as const;

const bucketObjectInfo = defineTool({
  name: "bucket_object_info",
  title: "Object metadata",
  description:
    "Returns an S3 object's metadata without reading its content (a HEAD request): size, content type, ETag, last modified, version id, storage class, user metadata and checksums S3 stores. Use it to check that an object exists, how big it is, or which version is current before reading it.",
  input: z.object(objectInput),
  output: z.object({
    bucket: z.string(),
    key: z.string(),
    s3_uri: z.string(),
    version_id: z.string().nullable(),
    size: z.number(),
    content_type: z.string().nullable(),
    content_encoding: z.string().nullable(),
    etag: z.string().nullable(),
    last_modified: z.string().nullable(),
    storage_class: z.string().nullable(),
    server_side_encryption: z.string().nullable(),
    metadata: z.record(z.string(), z.string()).describe("User metadata (x-amz-meta-*)"),
    checksums: z.record(z.string(), z.string()).describe(
      "Checksums S3 stores for the object (base64), by algorithm; empty when none",
    ),
    checksum_type: z.string().nullable(),
  }),
  annotations: READ_ONLY,
  async run(args, env) {
    assertBucketAllowed(env.deps.config, args.bucket);
    const head = await headObject(env, args);
    const checksums: Record<string, string> = {};
    for (const [name, field] of CHECKSUM_FIELDS) {
      const value = head[field];
      if (value) checksums[name] = value;
    }
    return {
      bucket: args.bucket,
      key: args.key,
      s3_uri: objectTarget(args),
      version_id: head.VersionId ?? null,
      size: head.ContentLength ?? 0,
      content_type: head.ContentType ?? null,
      content_encoding: head.ContentEncoding ?? null,
      etag: head.ETag ?? null,
      last_modified: iso(head.LastModified),
      // S3 omits the header for STANDARD.
      storage_class: head.StorageClass ?? "STANDARD",
      server_side_encryption: head.ServerSideEncryption ?? null,
      metadata: { ...head.Metadata },
      checksums,
      checksum_type: head.ChecksumType ?? null,
    };
  },
});

const bucketObjectText = defineTool({
  name: "bucket_object_text",
  title: "Read object as text",
  description:
    "Reads an S3 object as text (UTF-8 by default; latin-1, windows-1252, iso-8859-15 and UTF-16 on request), at most max_bytes per call. Use it for CSV, JSON, Markdown, logs and code. Large objects are returned in pages: when truncated is true, call again with offset = next_offset. Binary content (images, Parquet, archives) and bytes invalid in the encoding are refused with an error instead of garbage; use bucket_object_fetch for those.",
  input: z.object({
    ...objectInput,
    encoding: z.enum(TEXT_ENCODINGS).default("utf-8").describe("Text encoding of the object"),
    ...windowInput,
  }),
  output: z.object({
    ...windowOutput,
    encoding: z.string(),
    bytes_read: z.number().describe(
      "Bytes decoded into text (an incomplete trailing character is left for the next page)",
    ),
    text: z.string(),
  }),
  annotations: READ_ONLY,
  async run(args, env) {
    const { config } = env.deps;
    assertBucketAllowed(config, args.bucket);
    const limit = byteLimit(args.max_bytes, config.maxReadBytes, DEFAULT_READ_BYTES);
    const window = await readWindow(env, args, { offset: args.offset, limit });
    const more = args.offset + window.bytes.length < window.size;
    let decoded;
    try {
      decoded = decodeText(window.bytes, {
        encoding: args.encoding,
        offset: args.offset,
        truncated: more,
      });
    } catch (e) {
      if (!(e instanceof TextDecodeError)) throw e;
      throw new ToolError(e.kind, `${objectTarget(args)}: ${e.message}.`);
    }
    const end = args.offset + decoded.bytesConsumed;
    // A window too small to hold one whole character would never advance: say so.
    if (more && decoded.bytesConsumed === 0) {
      throw new ToolError(
        "invalid_input",
        `max_bytes ${limit} is too small to hold one ${args.encoding} character at offset ${args.offset}.`,
      );
    }
    return {
      bucket: args.bucket,
      key: args.key,
      version_id: window.versionId,
      content_type: window.contentType,
      size: window.size,
      offset: args.offset,
      truncated: end < window.size,
      next_offset: end < window.size ? end : null,
      encoding: args.encoding,
      bytes_read: decoded.bytesConsumed,
      text: decoded.text,
    };
  },
});

const bucketObjectFetch = defineTool({
  name: "bucket_object_fetch",
  title: "Fetch object bytes",
  description:
    "Fetches an S3 object's raw bytes as base64, at most max_bytes per call. Use it for binary content (images, Parquet, archives) or when exact bytes matter; for text prefer bucket_object_text. When truncated is true, call again with offset = next_offset.",
  input: z.object({ ...objectInput, ...windowInput }),
  output: z.object({
    ...windowOutput,
    bytes_returned: z.number(),
    base64: z.string(),
  }),
  annotations: READ_ONLY,
  async run(args, env) {
    const { config } = env.deps;
    assertBucketAllowed(config, args.bucket);
    const limit = byteLimit(args.max_bytes, config.maxReadBytes, DEFAULT_READ_BYTES);
    const window = await readWindow(env, args, { offset: args.offset, limit });
    const end = args.offset + window.bytes.length;
    return {
      bucket: args.bucket,
      key: args.key,
      version_id: window.versionId,
      content_type: window.contentType,
      size: window.size,
      offset: args.offset,
      truncated: end < window.size,
      next_offset: end < window.size ? end : null,
      bytes_returned: window.bytes.length,
      base64: encodeBase64(window.bytes),
    };
  },
});

const bucketObjectLink = defineTool({
  name: "bucket_object_link",
  title: "Presigned download link",
  description:
    "Creates a presigned HTTPS GET link to an S3 object that a person can open in a browser without AWS credentials, valid for expires_in seconds (bounded by the server). Use it to hand a download to the user instead of pasting content. The link is signed with your current session's credentials, so it also stops working when that session expires; expires_at in the answer is the real end.",
  input: z.object({
    ...objectInput,
    expires_in: z.number().int().min(1).max(43_200).optional().describe(
      "Seconds the link stays valid (default 900, at most the server's QUILT_MCP_PRESIGN_MAX_SECONDS)",
    ),
    check_exists: z.boolean().default(true).describe(
      "Confirm the object (version) exists before signing, so a link never points at nothing",
    ),
  }),
  output: z.object({
    bucket: z.string(),
    key: z.string(),
    version_id: z.string().nullable(),
    url: z.string(),
    requested_expires_in: z.number(),
    expires_in: z.number().describe("Seconds until the link actually stops working"),
    expires_at: z.string(),
    bounded_by: z.enum(["request", "credentials"]),
    credentials_expire_at: z.string().nullable(),
    note: z.string(),
  }),
  annotations: READ_ONLY,
  async run(args, env) {
    const { config } = env.deps;
    assertBucketAllowed(config, args.bucket);
    const requested = args.expires_in ?? Math.min(900, config.presignMaxSeconds);
    if (requested > config.presignMaxSeconds) {
      throw new ToolError(
        "invalid_input",
        `expires_in ${requested} exceeds this server's limit of ${config.presignMaxSeconds} seconds (QUILT_MCP_PRESIGN_MAX_SECONDS).`,
      );
    }
    let versionIdOut = args.version_id ?? null;
    if (args.check_exists) {
      const head = await headObject(env, args);
      versionIdOut = head.VersionId ?? versionIdOut;
    }
    const url = await env.aws(
      { action: "s3:GetObject", target: objectTarget(args) },
      () => presignGet(env.deps.aws.s3(), args, requested),
    );
    // The same provider just signed the URL (cached), so this reads the signing session's expiry.
    const credentials = await env.context.aws.credentials();
    const expiry = linkExpiry(requested, {
      now: new Date(),
      credentialExpiry: credentials.expiration,
    });
    const credentialsEnd = credentials.expiration ? credentials.expiration.toISOString() : null;
    return {
      bucket: args.bucket,
      key: args.key,
      version_id: versionIdOut,
      url,
      requested_expires_in: requested,
      expires_in: expiry.effectiveSeconds,
      expires_at: expiry.expiresAt.toISOString(),
      bounded_by: expiry.boundedBy,
      credentials_expire_at: credentialsEnd,
      note: expiry.boundedBy === "credentials"
        ? `The link is signed with this session's temporary credentials, which expire at ${credentialsEnd} — before the requested ${requested} s; it stops working then. Request a new link after that.`
        : credentialsEnd
        ? `The link is signed with this session's temporary credentials (valid until ${credentialsEnd}) and works until ${expiry.expiresAt.toISOString()}. Anyone holding it can download the object until then.`
        : `The link works until ${expiry.expiresAt.toISOString()}. Anyone holding it can download the object until then.`,
    };
  },
});

/** Tools of the s3-read category. */
export const S3_READ_TOOLS: readonly ToolDefinition[] = [
  bucketList,
  bucketObjectsList,
  bucketObjectInfo,
  bucketObjectText,
  bucketObjectFetch,
  bucketObjectLink,
];
