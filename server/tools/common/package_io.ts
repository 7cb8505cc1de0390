/**
 * S3 I/O of a Quilt registry for the package and search tools: revision pointers, manifests
 * (streamed into the parser, cached per process and revalidated per call), package-name listings,
 * short-hash resolution, and the conditional writes that publish a revision. Layout and parsing
 * come from server/quilt; this module only moves bytes and maps AWS failures.
 * @module
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import {
  compareCodePoints,
  isPointerName,
  isValidPackageName,
  LATEST,
  type Manifest,
  manifestKey,
  MANIFESTS_PREFIX,
  parseManifestLines,
  parseManifestStream,
  parsePointer,
  pointerKey,
  POINTERS_PREFIX,
  pointersPrefix,
  resolveShortHash,
  type RevisionPointer,
} from "../../quilt/mod.ts";
import { mapLimit } from "./concurrency.ts";
import type { ToolEnv } from "./define.ts";
import { ToolError } from "./errors.ts";
import { manifestCacheOf } from "./manifest_cache.ts";
import { quilt } from "./package_inputs.ts";

/** Largest manifest the tools read (~500k entries; quilt3 has no limit, this bounds memory per call). */
export const MAX_MANIFEST_BYTES = 128 * 1024 * 1024;
/** Most revision pointers read for one package (100 listing pages). */
export const MAX_POINTERS = 100_000;
/** Pointer objects read in parallel. */
const POINTER_CONCURRENCY = 8;
/** First range read for a manifest's first line (package metadata). */
const HEADER_RANGE_BYTES = 65_536;
/** Largest package-metadata line read (quilt3's default record limit). */
const HEADER_MAX_BYTES = 1_000_000;

/** A write lost a race: the object changed since it was read (S3 answered 412). */
export class PreconditionFailed extends Error {
  constructor(key: string) {
    super(`s3 conditional write to ${key} failed`);
    this.name = "PreconditionFailed";
  }
}

const decoder = new TextDecoder("utf-8", { fatal: false });

function status(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function isNoSuchKey(e: unknown): boolean {
  const name = (e as { name?: string; Code?: string })?.Code ?? (e as { name?: string })?.name;
  return name === "NoSuchKey" || name === "NotFound" || status(e) === 404;
}

async function* capped(
  stream: AsyncIterable<Uint8Array>,
  limit: number,
  what: string,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.length;
    if (total > limit) {
      throw new ToolError(
        "too_large",
        `${what} is larger than ${limit} bytes, more than this server reads in one call.`,
      );
    }
    yield chunk;
  }
}

/** A revision pointer as listed, with its object's last-modified time. */
export interface ListedPointer {
  readonly pointer: string;
  readonly lastModified: Date | undefined;
}

/** S3 access to one registry bucket, in the current request context. */
export class RegistryIo {
  readonly bucket: string;
  readonly #env: ToolEnv;

  /** Binds the registry `bucket` (already checked against the allow-list) to a tool call. */
  constructor(env: ToolEnv, bucket: string) {
    this.#env = env;
    this.bucket = bucket;
  }

  #s3() {
    return this.#env.deps.aws.s3();
  }

  /** Per-call options: a cancelled tool call aborts its S3 requests. */
  get #opts() {
    return { abortSignal: this.#env.signal };
  }

  #target(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  /** One ListObjectsV2 page. */
  list(
    prefix: string,
    options: { delimiter?: string; startAfter?: string; token?: string; maxKeys?: number } = {},
  ): Promise<ListObjectsV2CommandOutput> {
    return this.#env.aws(
      { action: "s3:ListBucket", target: this.#target(prefix) },
      () =>
        this.#s3().send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            Delimiter: options.delimiter,
            StartAfter: options.token ? undefined : options.startAfter,
            ContinuationToken: options.token,
            MaxKeys: options.maxKeys ?? 1000,
          }),
          this.#opts,
        ),
    );
  }

  /** The top hash a pointer holds and the pointer object's ETag; undefined when it is missing. */
  async readPointer(
    packageName: string,
    pointer: string,
  ): Promise<{ topHash: string; etag: string } | undefined> {
    const key = pointerKey(packageName, pointer);
    const out = await this.#env.aws(
      { action: "s3:GetObject", target: this.#target(key) },
      async () => {
        try {
          const r = await this.#s3().send(
            new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: "bytes=0-1023" }),
            this.#opts,
          );
          return { text: await r.Body!.transformToString(), etag: r.ETag ?? "" };
        } catch (e) {
          if (isNoSuchKey(e)) return undefined;
          // An empty object has no byte 0: an (invalid) empty pointer.
          if (status(e) === 416) return { text: "", etag: "" };
          throw e;
        }
      },
    );
    if (!out) return undefined;
    const topHash = await quilt(
      () => parsePointer(out.text),
      `pointer s3://${this.bucket}/${key}`,
    );
    return { topHash, etag: out.etag };
  }

  /** The top hash `latest` of a package holds; a clear not-found error when there is none. */
  async latest(packageName: string): Promise<string> {
    const p = await this.readPointer(packageName, LATEST);
    if (!p) {
      throw new ToolError(
        "not_found",
        `Not found: package ${packageName} has no revisions in s3://${this.bucket} (no latest pointer).`,
      );
    }
    return p.topHash;
  }

  /** Every revision pointer of a package (names and dates, no contents), bounded. */
  async listPointers(packageName: string): Promise<ListedPointer[]> {
    const prefix = pointersPrefix(packageName);
    const out: ListedPointer[] = [];
    let token: string | undefined;
    do {
      const page = await this.list(prefix, { token });
      for (const o of page.Contents ?? []) {
        const name = o.Key?.slice(prefix.length) ?? "";
        if (isPointerName(name)) out.push({ pointer: name, lastModified: o.LastModified });
      }
      if (out.length > MAX_POINTERS) {
        throw new ToolError(
          "too_large",
          `Package ${packageName} has more than ${MAX_POINTERS} revision pointers; this server reads at most that many.`,
        );
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  /** Reads the given pointers' contents (in parallel); pointers deleted meanwhile are skipped. */
  async readPointers(packageName: string, pointers: readonly string[]): Promise<RevisionPointer[]> {
    const read = await mapLimit(pointers, POINTER_CONCURRENCY, async (pointer) => {
      const p = await this.readPointer(packageName, pointer);
      return p ? { pointer, topHash: p.topHash } : undefined;
    });
    return read.filter((p): p is RevisionPointer => p !== undefined);
  }

  /** Resolves a full or short top hash by listing `.quilt/packages/<prefix>` (as quilt3 does). */
  async resolveTopHash(hash: string): Promise<string> {
    const prefix = hash.toLowerCase();
    if (/^[0-9a-f]{64}$/.test(prefix)) return prefix;
    const page = await this.list(MANIFESTS_PREFIX + prefix, { maxKeys: 2 });
    const keys = (page.Contents ?? []).map((o) => o.Key ?? "");
    return await quilt(() => resolveShortHash(prefix, keys), `in s3://${this.bucket}`);
  }

  /**
   * The manifest of a revision, streamed into the parser. A cached copy is reused only after S3
   * confirms, under the caller's credentials, that the object is readable and unchanged (304).
   */
  async readManifest(topHash: string): Promise<Manifest> {
    const key = manifestKey(topHash);
    const cache = manifestCacheOf(this.#env.deps);
    const cached = cache.get(this.bucket, topHash);
    const read = await this.#env.aws(
      { action: "s3:GetObject", target: this.#target(key) },
      async () => {
        try {
          return await this.#s3().send(
            new GetObjectCommand({ Bucket: this.bucket, Key: key, IfNoneMatch: cached?.etag }),
            this.#opts,
          );
        } catch (e) {
          if (cached && status(e) === 304) return undefined;
          if (isNoSuchKey(e)) {
            throw new ToolError(
              "not_found",
              `Not found: no manifest for revision ${topHash} in s3://${this.bucket} (${key}).`,
            );
          }
          throw e;
        }
      },
    );
    if (!read) return cached!.manifest;
    const size = read.ContentLength ?? 0;
    if (size > MAX_MANIFEST_BYTES) {
      await read.Body?.transformToByteArray().catch(() => {});
      throw new ToolError(
        "too_large",
        `The manifest of ${topHash} is ${size} bytes, more than this server reads (${MAX_MANIFEST_BYTES}).`,
      );
    }
    const body = read.Body as unknown as AsyncIterable<Uint8Array>;
    const manifest = await this.#env.aws(
      { action: "s3:GetObject", target: this.#target(key) },
      () =>
        quilt(
          () =>
            parseManifestStream(capped(body, MAX_MANIFEST_BYTES, `manifest ${topHash}`), {
              checkPhysicalKeys: false,
            }),
          `manifest s3://${this.bucket}/${key}`,
        ),
    );
    if (read.ETag) cache.set(this.bucket, topHash, { etag: read.ETag, manifest, bytes: size });
    return manifest;
  }

  /**
   * Only the package metadata (the manifest's first line), read with a bounded Range; undefined
   * when the manifest is missing.
   */
  async readHeader(topHash: string): Promise<Manifest["header"] | undefined> {
    const key = manifestKey(topHash);
    const range = async (bytes: number) =>
      await this.#env.aws(
        { action: "s3:GetObject", target: this.#target(key) },
        async () => {
          try {
            const r = await this.#s3().send(
              new GetObjectCommand({
                Bucket: this.bucket,
                Key: key,
                Range: `bytes=0-${bytes - 1}`,
              }),
              this.#opts,
            );
            return await r.Body!.transformToByteArray();
          } catch (e) {
            if (isNoSuchKey(e)) return undefined;
            // An empty object has no byte 0: a manifest without its header line.
            if (status(e) === 416) return new Uint8Array(0);
            throw e;
          }
        },
      );
    let bytes = await range(HEADER_RANGE_BYTES);
    if (!bytes) return undefined;
    let nl = bytes.indexOf(0x0a);
    if (nl < 0 && bytes.length === HEADER_RANGE_BYTES) {
      bytes = await range(HEADER_MAX_BYTES + 1);
      if (!bytes) return undefined;
      nl = bytes.indexOf(0x0a);
      if (nl < 0 && bytes.length > HEADER_MAX_BYTES) {
        throw new ToolError(
          "invalid_manifest",
          `The package metadata of ${topHash} is larger than quilt3's ${HEADER_MAX_BYTES}-byte record limit.`,
        );
      }
    }
    const line = decoder.decode(nl < 0 ? bytes : bytes.subarray(0, nl)).replace(/\r$/, "");
    const m = await quilt(
      () => parseManifestLines([line]),
      `manifest s3://${this.bucket}/${key}`,
    );
    return m.header;
  }

  /**
   * A small object's bytes and the version S3 served (quilt3's "effective physical key"), or
   * undefined when it does not exist; larger than `maxBytes` is refused.
   */
  async readSmallObject(
    key: string,
    options: { versionId?: string; maxBytes: number },
  ): Promise<{ bytes: Uint8Array; versionId?: string } | undefined> {
    const target = this.#target(key) + (options.versionId ? `?versionId=${options.versionId}` : "");
    return await this.#env.aws(
      { action: options.versionId ? "s3:GetObjectVersion" : "s3:GetObject", target },
      async () => {
        let r;
        try {
          r = await this.#s3().send(
            new GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: options.versionId }),
            this.#opts,
          );
        } catch (e) {
          if (isNoSuchKey(e) && !options.versionId) return undefined;
          throw e;
        }
        const chunks: Uint8Array[] = [];
        let total = 0;
        const body = r.Body as unknown as AsyncIterable<Uint8Array>;
        for await (const chunk of capped(body, options.maxBytes, target)) {
          chunks.push(chunk);
          total += chunk.length;
        }
        const bytes = new Uint8Array(total);
        let at = 0;
        for (const c of chunks) {
          bytes.set(c, at);
          at += c.length;
        }
        return { bytes, ...(r.VersionId ? { versionId: r.VersionId } : {}) };
      },
    );
  }

  /**
   * Writes an object; `ifMatch` / `ifNoneMatch` make it conditional (412 → PreconditionFailed).
   * Returns the version S3 created (versioned buckets).
   */
  async put(
    key: string,
    body: string | Uint8Array,
    options: { ifMatch?: string; ifNoneMatch?: "*"; contentType?: string } = {},
  ): Promise<{ versionId?: string }> {
    const outcome = await this.#env.aws(
      { action: "s3:PutObject", target: this.#target(key) },
      async () => {
        try {
          const r = await this.#s3().send(
            new PutObjectCommand({
              Bucket: this.bucket,
              Key: key,
              Body: body,
              ContentType: options.contentType,
              IfMatch: options.ifMatch,
              IfNoneMatch: options.ifNoneMatch,
            }),
          );
          return { versionId: r.VersionId };
        } catch (e) {
          // 409 ConditionalRequestConflict: a concurrent conditional write won.
          if (status(e) === 412 || status(e) === 409) return "precondition_failed" as const;
          throw e;
        }
      },
    );
    if (outcome === "precondition_failed") throw new PreconditionFailed(key);
    return outcome.versionId !== undefined ? { versionId: outcome.versionId } : {};
  }

  /** The first `maxBytes` of an object (of `versionId` when given); empty for an empty object. */
  async readPrefix(key: string, maxBytes: number, versionId?: string): Promise<Uint8Array> {
    const target = this.#target(key) + (versionId ? `?versionId=${versionId}` : "");
    return await this.#env.aws(
      { action: versionId ? "s3:GetObjectVersion" : "s3:GetObject", target },
      async () => {
        try {
          const r = await this.#s3().send(
            new GetObjectCommand({
              Bucket: this.bucket,
              Key: key,
              VersionId: versionId,
              Range: `bytes=0-${maxBytes - 1}`,
            }),
            this.#opts,
          );
          return await r.Body!.transformToByteArray();
        } catch (e) {
          // An empty object has no byte 0.
          if (status(e) === 416) return new Uint8Array(0);
          throw e;
        }
      },
    );
  }

  /** Deletes an object (a pointer). */
  async delete(key: string): Promise<void> {
    await this.#env.aws(
      { action: "s3:DeleteObject", target: this.#target(key) },
      () => this.#s3().send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })),
    );
  }

  /**
   * Package names in S3 order (namespace by namespace), starting after `after`, filtered by a
   * name prefix (`ns`, `ns/`, `ns/na`). Lazy: listing pages are fetched as names are consumed.
   */
  async *packageNames(filter: string, after?: string): AsyncGenerator<string> {
    const slash = filter.indexOf("/");
    const afterNs = after ? after.slice(0, after.indexOf("/")) : undefined;
    // The last common prefix yielded, so a resumed listing never repeats a name.
    const afterKey = after ? `${after}/` : "";
    const namespaces = slash >= 0
      ? singleNamespace(filter.slice(0, slash), afterNs)
      : this.#namespaces(filter, afterNs);
    for await (const ns of namespaces) {
      const namePrefix = slash >= 0 ? filter.slice(slash + 1) : "";
      const base = `${POINTERS_PREFIX}${ns}/`;
      let startAfter: string | undefined;
      if (after && afterNs === ns) {
        // After every key under the last package's prefix (pointer names are ASCII).
        startAfter = `${POINTERS_PREFIX}${after}/\u{10FFFF}`;
      }
      let token: string | undefined;
      do {
        const page = await this.list(base + namePrefix, { delimiter: "/", startAfter, token });
        for (const p of page.CommonPrefixes ?? []) {
          const full = p.Prefix?.slice(POINTERS_PREFIX.length) ?? "";
          const name = full.slice(0, -1);
          if (!isValidPackageName(name)) continue;
          if (afterKey && compareCodePoints(full, afterKey) <= 0) continue;
          yield name;
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    }
  }

  async *#namespaces(filter: string, from?: string): AsyncGenerator<string> {
    let token: string | undefined;
    // StartAfter ".../ns" lists ".../ns/" itself and everything after it.
    const startAfter = from ? `${POINTERS_PREFIX}${from}` : undefined;
    do {
      const page = await this.list(POINTERS_PREFIX + filter, {
        delimiter: "/",
        startAfter,
        token,
      });
      for (const p of page.CommonPrefixes ?? []) {
        const ns = p.Prefix?.slice(POINTERS_PREFIX.length, -1) ?? "";
        if (ns && !ns.includes("/")) yield ns;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

/** The one namespace a filter names, unless a resumed listing is already past it. */
async function* singleNamespace(ns: string, from?: string): AsyncGenerator<string> {
  if (from !== undefined && compareCodePoints(`${ns}/`, `${from}/`) < 0) return;
  yield ns;
}
