/** Shared input schemas and checks for bucket/key arguments. @module */
import * as z from "zod";
import type { Config } from "../../config/schema.ts";
import { ToolError } from "./errors.ts";

/** An S3 bucket name (3–63 chars, lowercase letters, digits, dots, hyphens; not an IP). */
export const bucketName = z.string()
  .min(3).max(63)
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "not a valid S3 bucket name")
  .refine((b) => !/^\d+\.\d+\.\d+\.\d+$/.test(b) && !b.includes(".."), "not a valid S3 bucket name")
  .describe("S3 bucket name (no s3:// prefix)");

/**
 * An S3 key. Keys are opaque to S3, but a key that only makes sense as a filesystem traversal
 * (`..` segments, leading slash, control characters) is almost always a mistake or an attack on a
 * consumer that maps keys to paths, so it is refused.
 */
export const objectKey = z.string()
  .min(1).max(1024)
  // deno-lint-ignore no-control-regex -- matching control characters is the point of this check
  .refine((k) => !/[\u0000-\u001f\u007f]/.test(k), "keys must not contain control characters")
  .refine((k) => !k.startsWith("/"), "keys must not start with '/'")
  .refine(
    (k) => !k.split("/").some((s) => s === ".." || s === "."),
    "keys must not contain '.' or '..' segments",
  )
  .describe("S3 object key");

/** An optional S3 version id. */
export const versionId = z.string().min(1).max(1024).regex(
  /^[\w.+=\/-]+$/,
  "not a valid version id",
)
  .describe("S3 object version id");

/** Refuses a bucket outside the configured allow-list (when one is configured). */
export function assertBucketAllowed(config: Config, bucket: string): void {
  if (config.buckets.length > 0 && !config.buckets.includes(bucket)) {
    throw new ToolError(
      "bucket_not_allowed",
      `Bucket '${bucket}' is not among the buckets this server is configured for (${
        config.buckets.join(", ")
      }).`,
    );
  }
}
