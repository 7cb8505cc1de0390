/**
 * Claim values made safe for STS: RoleSessionName and SourceIdentity allow `[\w+=,.@-]` (2–64
 * characters); session tag keys ≤ 128 and values ≤ 256 characters of `[\p{L}\p{Z}\p{N}_.:/=+\-@]`.
 * A value that has to be shortened keeps a readable prefix and ends with a hash of the original,
 * so two different subjects never collapse into one identity.
 * @module
 */
import { createHash } from "node:crypto";

const IDENTITY_CHAR = /[^\w+=,.@-]/g;
const TAG_CHAR = /[^\p{L}\p{Z}\p{N}_.:\/=+\-@]/gu;

function shortHash(value: string, length: number): string {
  return createHash("sha256").update(value).digest("hex").slice(0, length);
}

function fit(original: string, cleaned: string, max: number, min = 2): string {
  if (cleaned === original && cleaned.length <= max && cleaned.length >= min) return cleaned;
  // Any change (replaced characters, truncation) appends a hash of the original: no collisions.
  const hash = shortHash(original, 12);
  const room = max - hash.length - 1;
  return `${cleaned.slice(0, room)}-${hash}`;
}

/** SourceIdentity for a verified subject (immutable for the session; visible in CloudTrail). */
export function sourceIdentityFor(subject: string): string {
  return fit(subject, subject.replace(IDENTITY_CHAR, "_"), 64);
}

/** RoleSessionName for a verified subject. */
export function roleSessionNameFor(subject: string): string {
  return fit(`mcp-${subject}`, `mcp-${subject}`.replace(IDENTITY_CHAR, "_"), 64);
}

/** A session tag value from a claim value (strings, numbers and booleans only). */
export function tagValueFor(value: unknown): string | undefined {
  if (typeof value === "number" || typeof value === "boolean") value = String(value);
  if (typeof value !== "string" || value.length === 0) return undefined;
  return fit(value, value.replace(TAG_CHAR, "_"), 256, 1);
}
