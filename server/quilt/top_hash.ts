/** The package top hash, bit-identical to quilt3's `Package.top_hash`. @module */

import { createHash } from "node:crypto";
import { ManifestError } from "./errors.ts";
import { encodeCanonicalJson, encodeStringAscii } from "./json_encode.ts";
import type { JsonObject } from "./json_value.ts";
import type { Manifest, ManifestEntry } from "./manifest.ts";
import { compareLogicalKeys } from "./logical_key.ts";

// Hash in batches: one update per ~256 KiB of JSON instead of one per entry.
const BATCH = 256 * 1024;

/**
 * The canonical JSON one entry contributes to the top hash (`hash`, `logical_key`, `meta`,
 * `size`); a stored size or hash that is not plain counts exactly as stored, as in quilt3.
 */
export function entryTopHashJson(entry: ManifestEntry): string {
  const meta = entry.meta instanceof Map && entry.meta.size === 0
    ? "{}"
    : encodeCanonicalJson(entry.meta);
  if (entry.rawHash === null || entry.rawSize === null) {
    // quilt3: "PackageEntry missing hash and/or size".
    throw new ManifestError(
      `entry ${JSON.stringify(entry.logicalKey)} has no hash or no size, so no top hash exists`,
    );
  }
  const hash = entry.rawHash === undefined
    ? `{"type":${encodeStringAscii(entry.hash.type)},"value":${
      encodeStringAscii(entry.hash.value)
    }}`
    : encodeCanonicalJson(entry.rawHash);
  const size = entry.rawSize === undefined
    ? String(entry.size)
    : encodeCanonicalJson(entry.rawSize);
  return `{"hash":${hash},"logical_key":${
    encodeStringAscii(entry.logicalKey)
  },"meta":${meta},"size":${size}}`;
}

/**
 * SHA-256 (hex) over the canonical JSON of the header and of every entry in tree-walk order,
 * as quilt3 computes it. Entries must be in tree order (as {@link Manifest} guarantees).
 * Directory metadata and physical keys do not count, as in quilt3.
 */
export function computeTopHash(manifest: Pick<Manifest, "header" | "entries">): string {
  return topHashOf(manifest.header, manifest.entries);
}

/** {@link computeTopHash} from a header and entries in tree order (checked, not re-sorted). */
export function topHashOf(header: JsonObject, entries: readonly ManifestEntry[]): string {
  if (header.has("top_hash")) throw new ManifestError("the header must not contain top_hash");
  const h = createHash("sha256");
  // Canonical JSON is pure ASCII; TextEncoder is the fast native way to bytes.
  const utf8 = new TextEncoder();
  let buf = encodeCanonicalJson(header);
  let prev: string | undefined;
  for (const e of entries) {
    if (prev !== undefined && compareLogicalKeys(prev, e.logicalKey) >= 0) {
      throw new ManifestError(
        `entries are not in tree order at ${JSON.stringify(e.logicalKey)}`,
      );
    }
    prev = e.logicalKey;
    buf += entryTopHashJson(e);
    if (buf.length >= BATCH) {
      h.update(utf8.encode(buf));
      buf = "";
    }
  }
  h.update(utf8.encode(buf));
  return h.digest("hex");
}
