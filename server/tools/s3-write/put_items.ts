/**
 * Validation of one upload item of bucket_objects_put: key, body (text or strict base64), content
 * type and user metadata, against S3's rules and the server's size limits. Pure: a bad item
 * becomes a per-item error so the rest of the batch can still be written.
 * @module
 */
import { decodeBase64 } from "../common/base64.ts";
import { objectKey } from "../common/inputs.ts";

/** An item as the client sent it (already bounded by the tool's input schema). */
export interface PutItemInput {
  readonly key: string;
  readonly text?: string;
  readonly base64?: string;
  readonly content_type?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** An item ready to write. */
export interface PreparedItem {
  readonly ok: true;
  readonly key: string;
  readonly body: Uint8Array;
  readonly contentType: string;
  readonly metadata: Record<string, string>;
}

/** An item refused before any AWS call. */
export interface RefusedItem {
  readonly ok: false;
  readonly key: string;
  readonly code: string;
  readonly message: string;
}

/** S3 limits user metadata (keys + values, UTF-8) to 2 KB per object. */
export const MAX_METADATA_BYTES = 2048;

const CONTENT_TYPE =
  /^[A-Za-z0-9!#$&^_.+-]{1,127}\/[A-Za-z0-9!#$&^_.+-]{1,127}(?:\s*;\s*[\x20-\x7e]{1,200})?$/;
// HTTP token characters only: S3 sends metadata keys as x-amz-meta-<key> header names.
const METADATA_KEY = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
// Header values must be printable ASCII here: S3 would otherwise store an RFC 2047 mangling.
const METADATA_VALUE = /^[\x20-\x7e]*$/;

const BY_EXTENSION: Readonly<Record<string, string>> = {
  txt: "text/plain; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  tsv: "text/tab-separated-values; charset=utf-8",
  json: "application/json",
  jsonl: "application/x-ndjson",
  yaml: "application/yaml",
  yml: "application/yaml",
  html: "text/html; charset=utf-8",
  xml: "application/xml",
  py: "text/x-python; charset=utf-8",
  ipynb: "application/x-ipynb+json",
  parquet: "application/vnd.apache.parquet",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  pdf: "application/pdf",
  gz: "application/gzip",
  zip: "application/zip",
};

/** The content type for an item that does not name one: by extension, else by body kind. */
export function defaultContentType(key: string, isText: boolean): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(key)?.[1]?.toLowerCase();
  const known = ext ? BY_EXTENSION[ext] : undefined;
  if (known) return known;
  return isText ? "text/plain; charset=utf-8" : "application/octet-stream";
}

function refuse(key: string, code: string, message: string): RefusedItem {
  return { ok: false, key, code, message };
}

/** Checks one item; `maxItemBytes` bounds its decoded body. */
export function prepareItem(item: PutItemInput, maxItemBytes: number): PreparedItem | RefusedItem {
  const key = item.key;
  const parsedKey = objectKey.safeParse(key);
  if (!parsedKey.success) {
    return refuse(
      key,
      "invalid_key",
      `invalid key: ${parsedKey.error.issues.map((i) => i.message).join("; ")}`,
    );
  }
  if ((item.text === undefined) === (item.base64 === undefined)) {
    return refuse(key, "invalid_input", "give exactly one of text or base64");
  }
  let body: Uint8Array;
  if (item.text !== undefined) {
    body = new TextEncoder().encode(item.text);
  } else {
    const decoded = decodeBase64(item.base64!);
    if (!decoded) {
      return refuse(
        key,
        "invalid_input",
        "base64 is not valid standard base64 (A–Z, a–z, 0–9, +, /, with = padding, no whitespace)",
      );
    }
    body = decoded;
  }
  if (body.length > maxItemBytes) {
    return refuse(
      key,
      "too_large",
      `the body is ${body.length} bytes; one item may be at most ${maxItemBytes} bytes`,
    );
  }
  let contentType = item.content_type;
  if (contentType !== undefined && !CONTENT_TYPE.test(contentType)) {
    return refuse(key, "invalid_input", "content_type must look like type/subtype[; parameters]");
  }
  contentType ??= defaultContentType(key, item.text !== undefined);
  const metadata: Record<string, string> = {};
  let metadataBytes = 0;
  for (const [k, v] of Object.entries(item.metadata ?? {})) {
    if (!METADATA_KEY.test(k)) {
      return refuse(
        key,
        "invalid_metadata",
        `metadata key '${k.slice(0, 64)}' must be letters, digits, '-' or '_' (at most 128)`,
      );
    }
    if (!METADATA_VALUE.test(v)) {
      return refuse(
        key,
        "invalid_metadata",
        `metadata value of '${k}' must be printable ASCII (S3 metadata travels in HTTP headers)`,
      );
    }
    // S3 lowercases metadata keys: two keys differing only in case would silently collide.
    const lower = k.toLowerCase();
    if (lower in metadata) {
      return refuse(key, "invalid_metadata", `metadata keys '${k}' collide (S3 lowercases keys)`);
    }
    metadata[lower] = v;
    metadataBytes += lower.length + v.length;
  }
  if (metadataBytes > MAX_METADATA_BYTES) {
    return refuse(
      key,
      "invalid_metadata",
      `metadata is ${metadataBytes} bytes; S3 allows at most ${MAX_METADATA_BYTES} bytes of user metadata`,
    );
  }
  return { ok: true, key, body, contentType, metadata };
}
