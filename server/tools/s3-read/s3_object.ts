/**
 * Reading one S3 object for the read tools: a bounded byte window through a Range request, with
 * the IAM action that a versioned read needs and a not-found message that names the version.
 * @module
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
} from "@aws-sdk/client-s3";
import type { ToolEnv } from "../common/define.ts";
import { ToolError } from "../common/errors.ts";

/** Which object (and optionally which version). */
export interface ObjectRef {
  readonly bucket: string;
  readonly key: string;
  readonly version_id?: string;
}

/** `s3://bucket/key` plus `?versionId=` when a version is named, for messages. */
export function objectTarget(ref: ObjectRef): string {
  const base = `s3://${ref.bucket}/${ref.key}`;
  return ref.version_id ? `${base}?versionId=${ref.version_id}` : base;
}

/** The IAM action a read of `ref` needs: a named version is authorized as s3:GetObjectVersion. */
export function readAction(ref: ObjectRef): string {
  return ref.version_id ? "s3:GetObjectVersion" : "s3:GetObject";
}

/** Runs an object read; a 404 on a named version says the version may be the missing part. */
async function objectCall<T>(env: ToolEnv, ref: ObjectRef, fn: () => Promise<T>): Promise<T> {
  try {
    return await env.aws({ action: readAction(ref), target: objectTarget(ref) }, fn);
  } catch (e) {
    if (e instanceof ToolError && e.code === "not_found" && ref.version_id) {
      // HEAD answers 404 without a body, so bucket, key and version cannot be told apart.
      throw new ToolError(
        "not_found",
        `Not found: ${
          objectTarget(ref)
        } does not exist — the bucket, the key or that version id is missing.`,
      );
    }
    throw e;
  }
}

/** HEAD of an object, with checksums when S3 has them. */
export function headObject(env: ToolEnv, ref: ObjectRef): Promise<HeadObjectCommandOutput> {
  return objectCall(env, ref, () =>
    env.deps.aws.s3().send(
      new HeadObjectCommand({
        Bucket: ref.bucket,
        Key: ref.key,
        VersionId: ref.version_id,
        ChecksumMode: "ENABLED",
      }),
    ));
}

/** A window of an object's bytes. */
export interface ObjectWindow {
  readonly bytes: Uint8Array;
  /** Size of the whole object. */
  readonly size: number;
  readonly contentType: string | null;
  readonly versionId: string | null;
  readonly etag: string | null;
}

/** Reads at most `limit` bytes of a stream, then cancels it. */
async function readCapped(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      const take = value.subarray(0, limit - total);
      chunks.push(take);
      total += take.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Reads bytes [offset, offset + limit) of an object with one Range request. The body is also
 * capped locally, so an endpoint that ignores Range cannot make the server buffer a huge object.
 * An offset at or past the end is an input error naming the object's size (an empty object read
 * from offset 0 is simply empty).
 */
export async function readWindow(
  env: ToolEnv,
  ref: ObjectRef,
  window: { offset: number; limit: number },
): Promise<ObjectWindow> {
  const { offset, limit } = window;
  const out = await objectCall(env, ref, () =>
    env.deps.aws.s3().send(
      new GetObjectCommand({
        Bucket: ref.bucket,
        Key: ref.key,
        VersionId: ref.version_id,
        Range: `bytes=${offset}-${offset + limit - 1}`,
      }),
    ).catch((e) => {
      // 416: the range starts at or past the end; decided below, not an AWS failure.
      if ((e as { name?: string })?.name === "InvalidRange") return null;
      throw e;
    }));
  if (out === null) {
    // HEAD tells an empty object (read from 0: simply empty) from an offset past the end.
    const head = await headObject(env, ref);
    const size = head.ContentLength ?? 0;
    if (offset === 0 && size === 0) {
      return {
        bytes: new Uint8Array(0),
        size: 0,
        contentType: head.ContentType ?? null,
        versionId: head.VersionId ?? null,
        etag: head.ETag ?? null,
      };
    }
    throw new ToolError(
      "invalid_input",
      `offset ${offset} is at or past the end of ${objectTarget(ref)} (size ${size} bytes).`,
    );
  }
  const body = out.Body as { transformToWebStream(): ReadableStream<Uint8Array> } | undefined;
  const bytes = body ? await readCapped(body.transformToWebStream(), limit) : new Uint8Array(0);
  // Content-Range "bytes 0-99/12345" carries the full size; without it the answer was the whole object.
  const total = /\/(\d+)$/.exec(out.ContentRange ?? "")?.[1];
  const size = total !== undefined ? Number(total) : offset + (out.ContentLength ?? bytes.length);
  return {
    bytes,
    size,
    contentType: out.ContentType ?? null,
    versionId: out.VersionId ?? null,
    etag: out.ETag ?? null,
  };
}

/**
 * The byte limit of a read: the requested one (or a default), refused when above the server's
 * configured maximum so the caller learns the real bound instead of silently getting less.
 */
export function byteLimit(requested: number | undefined, max: number, fallback: number): number {
  if (requested === undefined) return Math.min(fallback, max);
  if (requested > max) {
    throw new ToolError(
      "invalid_input",
      `max_bytes ${requested} exceeds this server's limit of ${max} bytes per read (QUILT_MCP_MAX_READ_BYTES); read in pages with offset instead.`,
    );
  }
  return requested;
}
