/**
 * Seeded cases of the quilt3 oracle test over S3 (quilt_oracle_s3_test.ts): objects of random
 * sizes uploaded in every way S3 allows (around the 8 MiB chunk boundaries), package metadata in
 * both input forms, workflow schemas and attempts, and hand-made manifests of older writers.
 * @module
 */
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { JsonNumber, type JsonValue, parseJson } from "../../server/quilt/mod.ts";
import type { Rng } from "../quilt/helpers.ts";
import { NUMBER_TEXTS, randomValue, textOf } from "../quilt/json_gen.ts";
import { seededBytes } from "./peer/mod.ts";

const MiB = 1024 * 1024;

/** How an object reaches S3. */
export type UploadMethod =
  | "put"
  | "put-sha256"
  | "put-crc32"
  | "mpu-sha256-one-part"
  | "mpu-sha256-5mib-parts"
  | "mpu-sha256-8mib-parts"
  | "mpu-plain-5mib-parts"
  | "copy-sha256";

const METHODS: readonly UploadMethod[] = [
  "put",
  "put-sha256",
  "put-crc32",
  "mpu-sha256-one-part",
  "mpu-sha256-5mib-parts",
  "mpu-sha256-8mib-parts",
  "mpu-plain-5mib-parts",
  "copy-sha256",
];

/** One object case. */
export interface ObjectCase {
  readonly key: string;
  readonly size: number;
  readonly method: UploadMethod;
  readonly seed: number;
}

/** Sizes at and around the chunk and part boundaries (0, 1 byte, 5 MiB, 8 MiB, 16 MiB). */
const BOUNDARY_SIZES = [
  0,
  1,
  2,
  1000,
  5 * MiB - 1,
  5 * MiB,
  5 * MiB + 1,
  8 * MiB - 1,
  8 * MiB,
  8 * MiB + 1,
  10 * MiB,
  13 * MiB + 7,
  16 * MiB - 1,
  16 * MiB,
  16 * MiB + 1,
];

/**
 * `n` object cases: the first cover the riskiest combinations (multipart with SHA-256 at most
 * 8 MiB, the defect this test guards), then random sizes and methods. Multipart parts other
 * than the last must be at least 5 MiB, so some methods fall back to one part for small sizes.
 */
export function objectCases(rng: Rng, n: number): ObjectCase[] {
  const fixed: [number, UploadMethod][] = [
    [1, "mpu-sha256-one-part"],
    [8 * MiB, "mpu-sha256-5mib-parts"],
    [8 * MiB, "mpu-sha256-8mib-parts"],
    [8 * MiB + 1, "mpu-sha256-8mib-parts"],
    [1000, "put-sha256"],
    [0, "mpu-sha256-one-part"],
  ];
  const out: ObjectCase[] = [];
  for (let i = 0; i < n; i++) {
    const [size, method] = i < fixed.length
      ? fixed[i]
      : [rng.next() < 0.5 ? rng.pick(BOUNDARY_SIZES) : rng.int(3 * MiB), rng.pick(METHODS)];
    out.push({ key: `objects/${i}-${method}-${size}.bin`, size, method, seed: 1000 + i });
  }
  return out;
}

/** Uploads one object case into `bucket` (a versioned bucket pins each version). */
export async function uploadObject(s3: S3Client, bucket: string, c: ObjectCase): Promise<void> {
  const data = seededBytes(c.size, c.seed);
  if (c.method === "put" || c.method === "put-sha256" || c.method === "put-crc32") {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: c.key,
        Body: data,
        ChecksumAlgorithm: c.method === "put-sha256"
          ? "SHA256"
          : c.method === "put-crc32"
          ? "CRC32"
          : undefined,
      }),
    );
    return;
  }
  if (c.method === "copy-sha256") {
    // A multipart source copied in one request: S3 computes a new whole-object checksum.
    const source = `${c.key}.source`;
    await multipart(s3, bucket, source, data, 5 * MiB, "SHA256");
    await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: c.key,
        CopySource: `${bucket}/${encodeURIComponent(source)}`,
        ChecksumAlgorithm: "SHA256",
      }),
    );
    return;
  }
  const partSize = c.method === "mpu-sha256-one-part"
    ? Math.max(1, c.size)
    : c.method === "mpu-sha256-8mib-parts"
    ? 8 * MiB
    : 5 * MiB;
  await multipart(
    s3,
    bucket,
    c.key,
    data,
    partSize,
    c.method === "mpu-plain-5mib-parts" ? undefined : "SHA256",
  );
}

/** A multipart upload of `data` in parts of `partSize` bytes (an empty object: one empty part). */
export async function multipart(
  s3: S3Client,
  bucket: string,
  key: string,
  data: Uint8Array,
  partSize: number,
  algorithm: "SHA256" | undefined,
): Promise<void> {
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: algorithm }),
  );
  const parts = [];
  // An empty object still needs one (empty) part.
  for (let i = 0, n = 1; i < data.length || n === 1; i += partSize, n++) {
    const out = await s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        PartNumber: n,
        Body: data.subarray(i, i + partSize),
        ChecksumAlgorithm: algorithm,
      }),
    );
    parts.push({ PartNumber: n, ETag: out.ETag, ChecksumSHA256: out.ChecksumSHA256 });
    if (data.length === 0) break;
  }
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      UploadId,
      MultipartUpload: { Parts: parts },
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Metadata

/** Keys that stress JavaScript objects and Python dicts alike. */
const META_KEYS = ["__proto__", "constructor", "toString", "2", "10", "01", "", "a", "é", "😀"];

/** A metadata case: JSON text (as a client would send it) for the package and one entry. */
export interface MetaCase {
  readonly packageMeta: string;
  readonly entryMeta: string;
  /** quilt3 is expected to refuse it too (a value a manifest cannot hold). */
  readonly refused?: boolean;
}

/** A random metadata object with Python's number spellings, tricky keys and nesting. */
function metaObject(rng: Rng): JsonValue {
  const o = new Map<string, JsonValue>();
  for (let i = 0; i < 1 + rng.int(5); i++) {
    const key = rng.next() < 0.35 ? rng.pick(META_KEYS) : `k${rng.int(100)}`;
    const r = rng.next();
    o.set(
      key,
      r < 0.35
        ? new JsonNumber(rng.pick(NUMBER_TEXTS.filter((t) => Number.isFinite(Number(t)))))
        : randomValue(rng, 1, { writable: true }),
    );
  }
  return o;
}

/** `n` metadata cases; a few hold values quilt3 refuses to write (NaN, 1e400, a lone surrogate). */
export function metaCases(rng: Rng, n: number): MetaCase[] {
  const refused: MetaCase[] = [
    { packageMeta: '{"x": NaN}', entryMeta: "{}", refused: true },
    { packageMeta: '{"x": 1e400}', entryMeta: "{}", refused: true },
    { packageMeta: '{"x": "\\ud800"}', entryMeta: "{}", refused: true },
  ];
  const out: MetaCase[] = [
    {
      packageMeta: '{"__proto__": {"polluted": true}, "one": 1.0, "zero": -0.0, ' +
        '"big": 9007199254740993, "huge": 123456789012345678901234567890, "e": 1e5}',
      entryMeta: '{"__proto__": 1, "f": 2.50, "i": 2}',
    },
  ];
  for (let i = out.length; i < n; i++) {
    if (i % 10 === 9) {
      out.push(refused[(i / 10 | 0) % refused.length]);
      continue;
    }
    out.push({
      packageMeta: textOf(rng, metaObject(rng)),
      entryMeta: textOf(rng, metaObject(rng)),
    });
  }
  return out;
}

/**
 * The object form of a JSON text as a client's JSON encoder sends it: `JSON.rawJSON` keeps each
 * number's text (1.0 stays 1.0 on the wire), and every key — `__proto__` included — is an own
 * property. Undefined when the text has a value JSON cannot carry (NaN).
 */
export function objectForm(text: string): unknown {
  let v: JsonValue;
  try {
    v = parseJson(text);
  } catch {
    return undefined;
  }
  return toWire(v);
}

function toWire(v: JsonValue): unknown {
  if (v instanceof JsonNumber) {
    if (!/^-?\d/.test(v.text)) return undefined;
    return (JSON as unknown as { rawJSON(t: string): unknown }).rawJSON(v.text);
  }
  if (Array.isArray(v)) return v.map(toWire);
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) {
      Object.defineProperty(o, k, { value: toWire(x), enumerable: true, writable: true });
    }
    return o;
  }
  return v;
}

/** True when a wire value holds something JSON cannot carry. */
export function unsendable(v: unknown): boolean {
  if (v === undefined) return true;
  if (Array.isArray(v)) return v.some(unsendable);
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.keys(v).some((k) => unsendable(Object.getOwnPropertyDescriptor(v, k)!.value));
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Workflow schemas

/** Metadata schemas of the workflow cases (JSON text), by id. */
export const METADATA_SCHEMAS: Readonly<Record<string, string>> = {
  "needs-owner": '{"type": "object", "required": ["owner"], "properties": {"owner": ' +
    '{"type": "string", "minLength": 1}, "runs": {"type": "integer", "minimum": 1}}}',
  "draft7": '{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", ' +
    '"properties": {"ratio": {"type": "number", "multipleOf": 0.5, "maximum": 10}}}',
  "ids": '{"type": "object", "propertyNames": {"pattern": "^[a-z_]+$"}, ' +
    '"additionalProperties": {"type": ["string", "integer", "array"]}}',
  "anything": "true",
  "has-ref": '{"type": "object", "properties": {"a": {"$ref": "#/definitions/x"}}, ' +
    '"definitions": {"x": {"type": "string"}}}',
  "broken": '{"type": "object", "required": "owner"}',
  "other-draft": '{"$schema": "https://json-schema.org/draft/2020-12/schema"}',
  "not-json": "{'type': 'object'}",
};

/** Entries schemas (JSON text): the list of {logical_key, size, meta} quilt3 checks. */
export const ENTRIES_SCHEMAS: Readonly<Record<string, string>> = {
  "small-csv": '{"type": "array", "items": {"type": "object", "properties": {"logical_key": ' +
    '{"pattern": "\\\\.(csv|txt)$"}, "size": {"maximum": 100}}}}',
  "tagged": '{"type": "array", "minItems": 1, "items": {"properties": {"meta": ' +
    '{"type": "object", "required": ["tag"]}}}}',
};

/** Package metadata values the workflow attempts choose from (some satisfy the schemas). */
export const WORKFLOW_METAS = [
  "{}",
  '{"owner": "ana"}',
  '{"owner": "ana", "runs": 3}',
  '{"owner": "", "runs": 0}',
  '{"owner": "bo", "runs": 2.0}',
  '{"ratio": 2.5}',
  '{"ratio": 0.3}',
  '{"ratio": 12}',
  '{"good_key": "x", "n": 1}',
  '{"Bad-Key": 1}',
  '{"a": "s"}',
];

/** Entry metadata values (some tagged). */
export const WORKFLOW_ENTRY_METAS = ["{}", '{"tag": "t"}', '{"tag": 1, "x": 2.0}'];

// ---------------------------------------------------------------------------------------------
// Manifests of older writers

/** A hand-made manifest: its lines, given what the test knows about its data object. */
export interface OldManifestCase {
  readonly name: string;
  /** Builds the manifest text from the physical key and content facts of one data object. */
  readonly text: (o: { url: string; size: number; chunked: string; sha256: string }) => string;
}

const header = '{"version": "v0", "message": "old", "user_meta": {"n": 1.0}}';
const line = (
  lk: string,
  o: { url: string },
  size: string,
  hash: string,
  meta = "{}",
) =>
  `{"logical_key": "${lk}", "physical_keys": ["${o.url}"], "size": ${size}, "hash": ${hash}, "meta": ${meta}}`;

/** Old or unusual manifests quilt3 reads (and, last, ones it cannot push from). */
export function oldManifestCases(): OldManifestCase[] {
  const chunked = (c: string) => `{"type": "sha2-256-chunked", "value": "${c}"}`;
  return [
    {
      name: "size-as-float",
      text: (o) => [header, line("a.bin", o, `${o.size}.0`, chunked(o.chunked))].join("\n"),
    },
    {
      name: "size-exponent",
      text: (o) => [header, line("a.bin", o, `${o.size}e0`, chunked(o.chunked))].join("\n"),
    },
    {
      name: "hash-extra-fields",
      text: (o) =>
        [
          header,
          line(
            "a.bin",
            o,
            `${o.size}`,
            `{"type": "sha2-256-chunked", "value": "${o.chunked}", "algo": 1}`,
          ),
        ].join("\n"),
    },
    {
      name: "hash-value-first",
      text: (o) =>
        [
          header,
          line("a.bin", o, `${o.size}`, `{"value": "${o.chunked}", "type": "sha2-256-chunked"}`),
        ]
          .join("\n"),
    },
    {
      name: "legacy-sha256-lowercase",
      text: (o) =>
        [header, line("a.bin", o, `${o.size}`, `{"type": "SHA256", "value": "${o.sha256}"}`)].join(
          "\n",
        ),
    },
    {
      name: "legacy-sha256-uppercase",
      text: (o) =>
        [
          header,
          line("a.bin", o, `${o.size}`, `{"type": "SHA256", "value": "${o.sha256.toUpperCase()}"}`),
        ].join("\n"),
    },
    {
      name: "md5-type",
      text: (o) =>
        [
          header,
          line(
            "a.bin",
            o,
            `${o.size}`,
            '{"type": "MD5", "value": "d41d8cd98f00b204e9800998ecf8427e"}',
          ),
          line("b/c.bin", o, `${o.size}`, chunked(o.chunked), '{"user_meta": {"k": -0.0}}'),
        ].join("\n"),
    },
    {
      name: "meta-null-and-extra-keys",
      text: (o) =>
        [
          '{"version": "v0", "message": null, "extra": [1, 2.0]}',
          line("a.bin", o, `${o.size}`, chunked(o.chunked), "null").replace(
            ', "meta"',
            ', "extra": true, "meta"',
          ),
        ].join("\n"),
    },
    {
      name: "hash-null",
      text: (o) => [header, line("a.bin", o, `${o.size}`, "null")].join("\n"),
    },
    {
      name: "size-missing",
      text: (o) =>
        [header, line("a.bin", o, `${o.size}`, chunked(o.chunked)).replace(/"size": [^,]*, /, "")]
          .join("\n"),
    },
  ];
}
