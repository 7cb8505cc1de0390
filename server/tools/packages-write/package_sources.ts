/**
 * The data side of publishing a package: which S3 objects become entries (explicit objects, or a
 * prefix with include/exclude globs), their size and pinned version (HeadObject), and their
 * `sha2-256-chunked` hash — derived from S3's SHA-256 checksum when it determines the value,
 * otherwise computed by streaming exactly the bytes HeadObject described.
 * @module
 */
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import * as z from "zod";
import {
  chunkedHashFromS3Checksum,
  chunkedHashOfStream,
  type EntryHash,
  formatS3Url,
  fromJs,
  JsonEncodeError,
  type JsonValue,
  type ManifestEntry,
  numberTextOf,
  parseJson,
  parseS3Url,
  validateLogicalKey,
} from "../../quilt/mod.ts";
import { mapLimit } from "../common/concurrency.ts";
import type { ToolEnv } from "../common/define.ts";
import { ToolError } from "../common/errors.ts";
import { GlobError, pathFilter } from "./glob.ts";
import { assertBucketAllowed, bucketName, objectKey, versionId } from "../common/inputs.ts";
import { logicalKeyInput, quilt } from "../common/package_inputs.ts";

/** Most entries one create/update call adds or replaces. */
export const MAX_NEW_ENTRIES = 10_000;
/** Most bytes one call may stream to hash (objects whose S3 checksum gives the hash are free). */
export const MAX_HASH_BYTES = 4 * 1024 ** 3;
/** HeadObject calls in flight. */
const HEAD_CONCURRENCY = 16;
/** Objects streamed for hashing at once. */
const HASH_CONCURRENCY = 4;

// The object is taken as parsed (never copied key by key): a copy would drop a "__proto__" key and
// lose the number text the transport recorded for it (see parseJsonKeepingNumberText).
const metaObject = z.unknown()
  .refine(
    (v) => typeof v === "object" && v !== null && !Array.isArray(v),
    "expected a JSON object",
  )
  .meta({ type: "object" });
const metaJson = z.string().max(1_000_000);

/** One explicitly named object. */
export const entryInput = z.object({
  logical_key: logicalKeyInput,
  s3_uri: z.string().min(6).max(2100).optional().describe(
    "The object as s3://bucket/key (URL-quoted as quilt3 writes it) with optional ?versionId=",
  ),
  bucket: bucketName.optional().describe("The object's bucket (instead of s3_uri)"),
  key: objectKey.optional().describe("The object's key (instead of s3_uri)"),
  version_id: versionId.optional().describe("Pin this version of the object"),
  meta: metaObject.optional().describe(
    "The entry's user metadata (a JSON object; number text such as 1.0 and big integers are kept as sent)",
  ),
  meta_json: metaJson.optional().describe(
    "The entry's user metadata as JSON text; number text such as 1.0 is kept exactly",
  ),
});

/** "Make this folder a package": every object under a prefix, filtered by globs. */
export const sourceInput = z.object({
  bucket: bucketName.optional().describe("Bucket of the objects (default: the registry bucket)"),
  prefix: z.string().max(1024).describe(
    "Folder whose objects become entries, e.g. 'runs/2024-06/'; '' = the whole bucket",
  ),
  include: z.array(z.string().min(1).max(256)).max(50).optional().describe(
    "Globs over the path relative to prefix; keep objects matching any ('*' within a folder, '**' across folders)",
  ),
  exclude: z.array(z.string().min(1).max(256)).max(50).optional().describe(
    "Globs over the path relative to prefix; drop objects matching any",
  ),
  logical_prefix: z.string().max(1024).default("").describe(
    "Folder inside the package to put the objects under (default: the package root)",
  ),
});

/** Package-level user metadata: a JSON object, or JSON text whose number text is kept. */
export const userMetaInputs = {
  user_meta: metaObject.optional().describe(
    "Package-level user metadata (a JSON object; number text such as 1.0 and big integers are kept as sent)",
  ),
  user_meta_json: metaJson.optional().describe(
    "Package-level user metadata as JSON text (an object); number text such as 1.0 is kept exactly, which matters for the top hash",
  ),
};

/** A planned entry: where its bytes are and what is known about them so far. */
export interface PlannedEntry {
  readonly logicalKey: string;
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly size?: number;
  /** User metadata to set; undefined = none given. */
  readonly userMeta?: JsonValue;
}

/** A planned entry after HeadObject: size and the exact version (or ETag) to hash. */
export interface ResolvedEntry extends PlannedEntry {
  readonly size: number;
  readonly etag?: string;
  readonly checksumSHA256?: string;
  /** S3's `ChecksumType` (FULL_OBJECT / COMPOSITE), when it reports one. */
  readonly checksumType?: string;
}

/**
 * Parses JSON metadata given as an object or as text; undefined when neither is given. An object
 * keeps every key and, where the transport recorded it, each number's text; a number whose
 * Python value is unknowable without that text is refused with a pointer to the exact
 * `*_json` form (`jsonName`).
 */
export function userMetaOf(
  obj: unknown,
  text: string | undefined,
  what: string,
  jsonName: string,
): Promise<JsonValue | undefined> {
  if (obj !== undefined && text !== undefined) {
    throw new ToolError(
      "invalid_input",
      `${what}: give the metadata as an object or as JSON text, not both.`,
    );
  }
  return quilt(() => {
    if (text !== undefined) {
      const v = parseJson(text);
      if (!(v instanceof Map)) {
        throw new ToolError("invalid_input", `${what}: the JSON text must be an object.`);
      }
      return v;
    }
    if (obj === undefined) return undefined;
    try {
      return fromJs(obj, "$", { numberText: numberTextOf, exactNumbers: true });
    } catch (e) {
      if (!(e instanceof JsonEncodeError)) throw e;
      throw new ToolError(
        "invalid_input",
        `${what}: ${e.message}. Give the metadata as ${jsonName} (JSON text), which is written exactly as given.`,
      );
    }
  }, what);
}

/** Turns explicit entry inputs into planned entries (checks buckets, keys and URIs). */
export async function planExplicit(
  env: ToolEnv,
  entries: readonly z.infer<typeof entryInput>[],
): Promise<PlannedEntry[]> {
  const out: PlannedEntry[] = [];
  for (const e of entries) {
    const what = `entry ${JSON.stringify(e.logical_key)}`;
    await quilt(() => validateLogicalKey(e.logical_key), what);
    let bucket: string, key: string, version: string | undefined;
    if (e.s3_uri !== undefined) {
      if (e.bucket !== undefined || e.key !== undefined) {
        throw new ToolError("invalid_input", `${what}: give s3_uri or bucket and key, not both.`);
      }
      const loc = await quilt(() => parseS3Url(e.s3_uri!), what);
      bucket = loc.bucket;
      key = loc.key;
      version = loc.versionId;
      if (version !== undefined && e.version_id !== undefined && version !== e.version_id) {
        throw new ToolError("invalid_input", `${what}: two different version ids given.`);
      }
      const checked = bucketName.safeParse(bucket);
      const keyOk = objectKey.safeParse(key);
      if (!checked.success || !keyOk.success) {
        throw new ToolError(
          "invalid_input",
          `${what}: ${JSON.stringify(e.s3_uri)} does not name an object (s3://bucket/key).`,
        );
      }
    } else if (e.bucket !== undefined && e.key !== undefined) {
      bucket = e.bucket;
      key = e.key;
    } else {
      throw new ToolError("invalid_input", `${what}: give s3_uri, or bucket and key.`);
    }
    version = version ?? e.version_id;
    assertBucketAllowed(env.deps.config, bucket);
    const userMeta = await userMetaOf(e.meta, e.meta_json, what, "meta_json");
    out.push({
      logicalKey: e.logical_key,
      bucket,
      key,
      ...(version !== undefined ? { versionId: version } : {}),
      ...(userMeta !== undefined ? { userMeta } : {}),
    });
  }
  return out;
}

/** Lists a prefix source into planned entries (with sizes from the listing), bounded. */
export async function planSource(
  env: ToolEnv,
  source: z.infer<typeof sourceInput>,
  registryBucket: string,
  maxEntries: number,
): Promise<PlannedEntry[]> {
  const bucket = source.bucket ?? registryBucket;
  assertBucketAllowed(env.deps.config, bucket);
  const prefix = source.prefix === "" || source.prefix.endsWith("/")
    ? source.prefix
    : `${source.prefix}/`;
  if (
    prefix.startsWith("/") ||
    prefix.split("/").some((s, i, all) =>
      i < all.length - 1 && (s === "" || s === "." || s === "..")
    )
  ) {
    throw new ToolError(
      "invalid_input",
      `source prefix ${JSON.stringify(source.prefix)} is not a folder path.`,
    );
  }
  const logicalPrefix = source.logical_prefix === "" || source.logical_prefix.endsWith("/")
    ? source.logical_prefix
    : `${source.logical_prefix}/`;
  let keep;
  try {
    keep = pathFilter(source.include, source.exclude);
  } catch (e) {
    if (e instanceof GlobError) throw new ToolError("invalid_input", `${e.message}.`);
    throw e;
  }
  const s3 = env.deps.aws.s3();
  const out: PlannedEntry[] = [];
  let token: string | undefined;
  do {
    const page = await env.aws(
      { action: "s3:ListBucket", target: `s3://${bucket}/${prefix}` },
      () =>
        s3.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix || undefined,
            ContinuationToken: token,
            MaxKeys: 1000,
          }),
        ),
    );
    for (const o of page.Contents ?? []) {
      const key = o.Key ?? "";
      // Folder markers are not files; a registry's own .quilt/ objects never become entries.
      if (key.endsWith("/") || key.startsWith(".quilt/")) continue;
      const rel = key.slice(prefix.length);
      if (!keep(rel)) continue;
      const logicalKey = logicalPrefix + rel;
      await quilt(() => validateLogicalKey(logicalKey), `object s3://${bucket}/${key}`);
      out.push({ logicalKey, bucket, key, size: o.Size ?? 0 });
      if (out.length > maxEntries) {
        throw new ToolError(
          "too_many_entries",
          `s3://${bucket}/${prefix} has more than ${maxEntries} matching objects; narrow it with include/exclude or split the package.`,
        );
      }
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

function target(e: { bucket: string; key: string; versionId?: string }): string {
  return e.versionId
    ? `s3://${e.bucket}/${e.key}?versionId=${e.versionId}`
    : `s3://${e.bucket}/${e.key}`;
}

/** HeadObject of every planned entry: size, the version to pin, S3's SHA-256 checksum. */
export function headEntries(
  env: ToolEnv,
  planned: readonly PlannedEntry[],
): Promise<ResolvedEntry[]> {
  const s3 = env.deps.aws.s3();
  return mapLimit(planned, HEAD_CONCURRENCY, async (p) => {
    let head;
    try {
      head = await env.aws(
        { action: p.versionId ? "s3:GetObjectVersion" : "s3:GetObject", target: target(p) },
        () =>
          s3.send(
            new HeadObjectCommand({
              Bucket: p.bucket,
              Key: p.key,
              VersionId: p.versionId,
              ChecksumMode: "ENABLED",
            }),
            { abortSignal: env.signal },
          ),
      );
    } catch (e) {
      if (e instanceof ToolError) {
        throw new ToolError(e.code, `Entry ${JSON.stringify(p.logicalKey)}: ${e.message}`);
      }
      throw e;
    }
    const version = head.VersionId && head.VersionId !== "null" ? head.VersionId : p.versionId;
    return {
      ...p,
      ...(version !== undefined ? { versionId: version } : {}),
      size: head.ContentLength ?? 0,
      ...(head.ETag ? { etag: head.ETag } : {}),
      ...(head.ChecksumSHA256 ? { checksumSHA256: head.ChecksumSHA256 } : {}),
      ...(head.ChecksumType ? { checksumType: head.ChecksumType } : {}),
    };
  });
}

/** How the entry hashes were obtained. */
export interface HashStats {
  fromChecksum: number;
  streamed: number;
  streamedBytes: number;
}

/**
 * The `sha2-256-chunked` hash of every resolved entry: from S3's checksum when it determines the
 * value, else by streaming the pinned version (or the ETag HeadObject saw). Bounded by
 * {@link MAX_HASH_BYTES} streamed per call.
 */
export async function hashEntries(
  env: ToolEnv,
  entries: readonly ResolvedEntry[],
): Promise<{ hashes: EntryHash[]; stats: HashStats }> {
  const stats: HashStats = { fromChecksum: 0, streamed: 0, streamedBytes: 0 };
  const derived = entries.map((e) => {
    try {
      return chunkedHashFromS3Checksum({
        size: e.size,
        checksumSHA256: e.checksumSHA256,
        checksumType: e.checksumType,
        etag: e.etag,
      });
    } catch {
      return undefined; // a malformed checksum is not trusted; hash the bytes instead
    }
  });
  const toStream = entries.reduce((n, e, i) => (derived[i] === undefined ? n + e.size : n), 0);
  if (toStream > MAX_HASH_BYTES) {
    throw new ToolError(
      "too_large",
      `Hashing these entries means reading ${toStream} bytes, more than this server reads in one call (${MAX_HASH_BYTES}). Upload the objects with SHA-256 checksums (quilt3 does) so S3 supplies the hashes, or split the package into several updates.`,
    );
  }
  const s3 = env.deps.aws.s3();
  // Progress in bytes read, at most one notification per percent.
  let reported = -1;
  const report = async () => {
    const percent = Math.floor((stats.streamedBytes / Math.max(1, toStream)) * 100);
    if (percent === reported) return;
    reported = percent;
    await env.progress(
      stats.streamedBytes,
      toStream,
      `hashed ${stats.streamed} objects (${stats.streamedBytes} of ${toStream} bytes)`,
    );
  };
  const hashes = await mapLimit(entries, HASH_CONCURRENCY, async (e, i) => {
    const known = derived[i];
    if (known !== undefined) {
      stats.fromChecksum++;
      return { type: "sha2-256-chunked", value: known };
    }
    const action = e.versionId ? "s3:GetObjectVersion" : "s3:GetObject";
    const hash = await env.aws({ action, target: target(e) }, async () => {
      let r;
      try {
        r = await s3.send(
          new GetObjectCommand({
            Bucket: e.bucket,
            Key: e.key,
            VersionId: e.versionId,
            // Unversioned: hash exactly the bytes HeadObject described, or fail.
            IfMatch: e.versionId ? undefined : e.etag,
          }),
          { abortSignal: env.signal },
        );
      } catch (err) {
        if (
          (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412
        ) {
          throw new ToolError(
            "conflict",
            `${target(e)} was overwritten while the package was being built; try again.`,
          );
        }
        throw err;
      }
      return await quilt(
        () => chunkedHashOfStream(r.Body as unknown as AsyncIterable<Uint8Array>, e.size),
        `entry ${JSON.stringify(e.logicalKey)} (${target(e)} changed while it was read)`,
      );
    }).catch((err) => {
      if (err instanceof ToolError && err.code !== "too_large") {
        throw new ToolError(err.code, `Entry ${JSON.stringify(e.logicalKey)}: ${err.message}`);
      }
      throw err;
    });
    stats.streamed++;
    stats.streamedBytes += e.size;
    await report();
    return hash;
  });
  return { hashes, stats };
}

/**
 * Entries carried from a parent revision whose manifest has `"hash": null`: quilt3's push hashes
 * them (`_calculate_missing_hashes`, from the stored size and physical key), so this does too.
 * Other entries are returned unchanged.
 */
export async function hashMissing(
  env: ToolEnv,
  entries: readonly ManifestEntry[],
): Promise<ManifestEntry[]> {
  const missing = entries.filter((e) => e.rawHash === null);
  if (missing.length === 0) return [...entries];
  const resolved: ResolvedEntry[] = [];
  for (const e of missing) {
    const what = `entry ${JSON.stringify(e.logicalKey)} (no hash in the parent revision)`;
    if (e.rawSize !== undefined) {
      throw new ToolError(
        "invalid_manifest",
        `${what}: its size is not an integer, so it cannot be hashed.`,
      );
    }
    const loc = await quilt(() => parseS3Url(e.physicalKey), what);
    assertBucketAllowed(env.deps.config, loc.bucket);
    resolved.push({ logicalKey: e.logicalKey, ...loc, size: e.size });
  }
  const { hashes } = await hashEntries(env, resolved);
  const byKey = new Map(missing.map((e, i) => [e.logicalKey, hashes[i]]));
  return entries.map((e) => {
    const hash = byKey.get(e.logicalKey);
    if (!hash) return e;
    const { rawHash: _dropped, ...rest } = e;
    return { ...rest, hash };
  });
}

/** The physical key quilt3 writes for a resolved entry (pinned when a version is known). */
export function physicalKeyOf(e: ResolvedEntry): string {
  return formatS3Url({
    bucket: e.bucket,
    key: e.key,
    ...(e.versionId !== undefined ? { versionId: e.versionId } : {}),
  });
}
