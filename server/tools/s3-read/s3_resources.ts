/**
 * The s3-read category's MCP resources, so clients can attach data as context: an S3 object
 * (`s3://bucket/key`) and a file of a Quilt package revision
 * (`quilt+s3://bucket#package=ns/name[@hash|:tag]&path=file`). Both read at most the server's
 * read limit (QUILT_MCP_MAX_READ_BYTES) from the start of the object, as text when it is UTF-8
 * text and as bytes otherwise; a longer object is cut there and `_meta` says so. Buckets (the
 * registry and the bucket a package file lives in) must be among the configured ones.
 * @module
 */
import * as z from "zod";
import { parsePhysicalKey, parseQuiltUri } from "../../quilt/mod.ts";
import type { ToolEnv } from "../common/define.ts";
import { defineResource, type ResourceDefinition } from "../common/define_resource.ts";
import { ToolError } from "../common/errors.ts";
import { assertBucketAllowed, bucketName, objectKey, versionId } from "../common/inputs.ts";
import { quilt } from "../common/package_inputs.ts";
import { RegistryIo } from "../common/package_io.ts";
import { type ObjectRef, readWindow } from "./s3_object.ts";
import { decodeText, TextDecodeError } from "./text_decode.ts";

/** Media types by file extension, for objects stored without a useful Content-Type. */
const BY_EXTENSION: Record<string, string> = {
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  txt: "text/plain",
  md: "text/markdown",
  json: "application/json",
  jsonl: "application/x-ndjson",
  yaml: "application/yaml",
  yml: "application/yaml",
  html: "text/html",
  xml: "application/xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  pdf: "application/pdf",
  parquet: "application/vnd.apache.parquet",
};

function mediaType(key: string, contentType: string | null, text: boolean): string {
  const stored = contentType?.split(";")[0].trim();
  if (stored && stored !== "binary/octet-stream" && stored !== "application/octet-stream") {
    return stored;
  }
  const ext = /\.([A-Za-z0-9]+)$/.exec(key)?.[1]?.toLowerCase();
  return (ext && BY_EXTENSION[ext]) ?? (text ? "text/plain" : "application/octet-stream");
}

/** Reads the start of an object as a resource body. */
async function objectBody(env: ToolEnv, ref: ObjectRef, extra: Record<string, unknown> = {}) {
  const limit = env.deps.config.maxReadBytes;
  const window = await readWindow(env, ref, { offset: 0, limit });
  const truncated = window.size > window.bytes.length;
  const meta = {
    "quilt-mcp/size": window.size,
    "quilt-mcp/version_id": window.versionId,
    "quilt-mcp/truncated": truncated,
    ...(truncated ? { "quilt-mcp/bytes_returned": window.bytes.length } : {}),
    ...extra,
  };
  try {
    const { text } = decodeText(window.bytes, { encoding: "utf-8", offset: 0, truncated });
    return { text, mimeType: mediaType(ref.key, window.contentType, true), meta };
  } catch (e) {
    if (!(e instanceof TextDecodeError)) throw e;
    return { blob: window.bytes, mimeType: mediaType(ref.key, window.contentType, false), meta };
  }
}

function invalid(message: string): never {
  throw new ToolError("invalid_input", message);
}

/** `s3://bucket/key[?versionId=v]` with a percent-encoded key (as a URL carries it). */
export function matchS3Uri(uri: string): Record<string, string> | undefined {
  const m = /^s3:\/\/([^/?#]+)\/([^?#]+)(?:\?versionId=([^&#]+))?$/.exec(uri);
  if (!m) return undefined;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return invalid(`malformed percent-encoding in ${uri}`);
    }
  };
  return {
    bucket: m[1],
    key: decode(m[2]),
    ...(m[3] ? { version_id: decode(m[3]) } : {}),
  };
}

const objectRef = z.object({
  bucket: bucketName,
  key: objectKey,
  version_id: versionId.optional(),
});

const s3Object = defineResource({
  uri: "s3://{bucket}/{key}",
  name: "s3-object",
  title: "S3 object",
  description:
    "The content of an S3 object in one of the server's buckets (key percent-encoded as in a URL; append ?versionId= for a version): text when it is UTF-8 text, bytes otherwise, at most the server's read limit from the start (_meta says when it was cut). Attach a CSV, notebook, log or image as context.",
  mimeType: "application/octet-stream",
  match: matchS3Uri,
  async read(_uri, vars, env) {
    const parsed = objectRef.safeParse(vars);
    if (!parsed.success) invalid(`Not a valid S3 object URI: ${parsed.error.issues[0].message}`);
    assertBucketAllowed(env.deps.config, parsed.data.bucket);
    return await objectBody(env, parsed.data);
  },
});

/** The parts of a quilt+s3 URI naming a file of a package revision. */
export function matchQuiltFileUri(uri: string): Record<string, string> | undefined {
  if (!uri.startsWith("quilt+s3://")) return undefined;
  const parsed = parseQuiltUri(uri);
  if (!parsed.path || parsed.path.endsWith("/")) return undefined;
  return {
    bucket: parsed.bucket,
    package: parsed.packageName,
    path: parsed.path,
    ...(parsed.topHash ? { top_hash: parsed.topHash } : {}),
    ...(parsed.tag ? { tag: parsed.tag } : {}),
  };
}

const packageFile = defineResource({
  uri: "quilt+s3://{bucket}#package={package}&path={path}",
  name: "package-file",
  title: "Quilt package file",
  description:
    "A file of a Quilt package revision, read through its manifest: quilt+s3://<registry>#package=<ns>/<name>[@<top hash>|:<tag>]&path=<file> (latest when no revision is named). Text when it is UTF-8 text, bytes otherwise, at most the server's read limit (_meta names the revision and says when it was cut). Attach a package's README, table or figure as context.",
  mimeType: "application/octet-stream",
  match: (uri) => {
    try {
      return matchQuiltFileUri(uri);
    } catch (e) {
      // A quilt+s3 URI that does not parse is this family's, and wrong: say why.
      return invalid(`Not a valid quilt+s3 URI: ${(e as Error).message}`);
    }
  },
  async read(_uri, vars, env) {
    const { config } = env.deps;
    assertBucketAllowed(config, vars.bucket);
    const io = new RegistryIo(env, vars.bucket);
    let topHash: string;
    if (vars.top_hash) {
      topHash = await io.resolveTopHash(vars.top_hash);
    } else {
      const pointer = await io.readPointer(vars.package, vars.tag ?? "latest");
      if (!pointer) {
        throw new ToolError(
          "not_found",
          `Not found: ${vars.package}:${vars.tag ?? "latest"} in s3://${vars.bucket}.`,
        );
      }
      topHash = pointer.topHash;
    }
    const manifest = await io.readManifest(topHash);
    const entry = manifest.entries.find((e) => e.logicalKey === vars.path);
    if (!entry) {
      throw new ToolError(
        "not_found",
        `Not found: ${vars.path} is not a file of ${vars.package}@${topHash.slice(0, 12)}.`,
      );
    }
    const physical = await quilt(() => parsePhysicalKey(entry.physicalKey), entry.logicalKey);
    if (physical.scheme !== "s3") {
      throw new ToolError(
        "not_available",
        `${vars.path} is stored outside S3 (${physical.scheme}://) and cannot be read here.`,
      );
    }
    assertBucketAllowed(config, physical.bucket);
    return await objectBody(
      env,
      { bucket: physical.bucket, key: physical.key, version_id: physical.versionId },
      {
        "quilt-mcp/package": vars.package,
        "quilt-mcp/top_hash": topHash,
        "quilt-mcp/logical_key": entry.logicalKey,
        "quilt-mcp/hash": entry.hash.value,
      },
    );
  },
});

/** Resources of the s3-read category. */
export const S3_READ_RESOURCES: readonly ResourceDefinition[] = [s3Object, packageFile];
