/**
 * Differences between two revisions of a package: entries added, removed and modified (by hash,
 * size or metadata, as quilt3's `Package.diff` compares entries), package metadata changes and
 * directory metadata changes. One merge pass over the two tree-ordered entry lists.
 * @module
 */

import { encodeCanonicalJson, encodeManifestJson } from "./json_encode.ts";
import type { JsonValue } from "./json_value.ts";
import { compareLogicalKeys } from "./logical_key.ts";
import type { Manifest, ManifestEntry } from "./manifest.ts";

/** How an entry changed between two revisions. */
export type EntryChange = "hash" | "size" | "meta";

/** An entry present in both revisions with different content or metadata. */
export interface ModifiedEntry {
  /** The logical key. */
  readonly logicalKey: string;
  /** The entry in the old revision. */
  readonly old: ManifestEntry;
  /** The entry in the new revision. */
  readonly new: ManifestEntry;
  /** What differs. */
  readonly changes: readonly EntryChange[];
}

/** A changed key of the package metadata (header) or a changed directory-metadata record. */
export interface MetaChange {
  /** Header key (`message`, `user_meta`, ...) or directory path. */
  readonly key: string;
  /** Old value (absent when added). */
  readonly old?: JsonValue;
  /** New value (absent when removed). */
  readonly new?: JsonValue;
}

/** Options of {@link diffManifests}. */
export interface DiffOptions {
  /** Only compare entries whose logical key starts with this prefix (e.g. `data/`). */
  readonly keyPrefix?: string;
  /** Keep at most this many items in each of added / removed / modified (counts stay exact). */
  readonly limit?: number;
}

/** The difference of two manifests (old → new). */
export interface ManifestDiff {
  /** Entries only in the new revision (tree order). */
  readonly added: readonly ManifestEntry[];
  /** Entries only in the old revision (tree order). */
  readonly removed: readonly ManifestEntry[];
  /** Entries in both whose hash, size or metadata differ (tree order). */
  readonly modified: readonly ModifiedEntry[];
  /** Exact counts, also when the lists were cut at `limit`. */
  readonly counts: {
    readonly added: number;
    readonly removed: number;
    readonly modified: number;
    readonly unchanged: number;
  };
  /** True when a list was cut at `limit`. */
  readonly truncated: boolean;
  /** Changed keys of the package metadata. */
  readonly header: readonly MetaChange[];
  /** Changed directory-metadata records (key = directory path). */
  readonly dirMeta: readonly MetaChange[];
}

function metaText(e: ManifestEntry): string {
  return e.meta instanceof Map && e.meta.size === 0 ? "{}" : encodeCanonicalJson(e.meta);
}

/** The hash of an entry as the top hash sees it. */
function hashText(e: ManifestEntry): string {
  return e.rawHash === undefined
    ? `${e.hash.type}\n${e.hash.value}`
    : encodeCanonicalJson(e.rawHash);
}

/** The size of an entry as the top hash sees it (`7` and `7.0` differ). */
function sizeText(e: ManifestEntry): string {
  return e.rawSize === undefined ? String(e.size) : encodeCanonicalJson(e.rawSize);
}

function changesOf(a: ManifestEntry, b: ManifestEntry): EntryChange[] {
  const out: EntryChange[] = [];
  if (
    a.rawHash === undefined && b.rawHash === undefined
      ? a.hash.type !== b.hash.type || a.hash.value !== b.hash.value
      : hashText(a) !== hashText(b)
  ) {
    out.push("hash");
  }
  if (a.size !== b.size || a.rawSize !== undefined || b.rawSize !== undefined) {
    if (sizeText(a) !== sizeText(b)) out.push("size");
  }
  if (a.meta !== b.meta && metaText(a) !== metaText(b)) out.push("meta");
  return out;
}

function diffMaps(
  a: ReadonlyMap<string, JsonValue>,
  b: ReadonlyMap<string, JsonValue>,
): MetaChange[] {
  const out: MetaChange[] = [];
  for (const [k, v] of a) {
    if (!b.has(k)) out.push({ key: k, old: v });
    else if (encodeCanonicalJson(v) !== encodeCanonicalJson(b.get(k)!)) {
      out.push({ key: k, old: v, new: b.get(k)! });
    }
  }
  for (const [k, v] of b) if (!a.has(k)) out.push({ key: k, new: v });
  return out;
}

function slice(entries: readonly ManifestEntry[], prefix: string | undefined) {
  if (!prefix) return entries;
  return entries.filter((e) => e.logicalKey.startsWith(prefix));
}

/**
 * How an entry's size, hash and metadata are written in the manifest (exact number text, e.g.
 * `1.0` and `-0.0`), so a difference the diff reports is also visible where JSON values would
 * print alike.
 */
export function entryFieldsAsWritten(
  e: ManifestEntry,
): { size: string; hash: string; meta: string } {
  return {
    size: e.rawSize === undefined ? String(e.size) : encodeManifestJsonLenient(e.rawSize),
    hash: e.rawHash === undefined
      ? encodeManifestJson(new Map([["type", e.hash.type], ["value", e.hash.value]]))
      : encodeManifestJsonLenient(e.rawHash),
    meta: encodeManifestJsonLenient(e.meta),
  };
}

/**
 * A value as the manifest writes it; the non-finite floats a manifest may hold (quilt3 reads
 * `NaN` but never writes it) keep their Python spelling instead of failing.
 */
export function encodeManifestJsonLenient(v: JsonValue): string {
  try {
    return encodeManifestJson(v);
  } catch {
    return encodeCanonicalJson(v);
  }
}

/**
 * Compares two manifests (`before` → `after`). Entries are matched by logical key; an entry
 * counts as modified when its hash, size or metadata differ (physical keys are ignored, as in
 * quilt3). Metadata is compared by canonical JSON, i.e. as the top hash sees it: key order does
 * not matter, but `1` and `1.0` differ (Python's dict equality would call them equal).
 */
export function diffManifests(
  before: Manifest,
  after: Manifest,
  opts: DiffOptions = {},
): ManifestDiff {
  const limit = opts.limit ?? Infinity;
  const a = slice(before.entries, opts.keyPrefix);
  const b = slice(after.entries, opts.keyPrefix);
  const added: ManifestEntry[] = [];
  const removed: ManifestEntry[] = [];
  const modified: ModifiedEntry[] = [];
  let nAdded = 0, nRemoved = 0, nModified = 0, unchanged = 0;
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    const c = i >= a.length
      ? 1
      : j >= b.length
      ? -1
      : compareLogicalKeys(a[i].logicalKey, b[j].logicalKey);
    if (c < 0) {
      if (nRemoved++ < limit) removed.push(a[i]);
      i++;
    } else if (c > 0) {
      if (nAdded++ < limit) added.push(b[j]);
      j++;
    } else {
      const changes = changesOf(a[i], b[j]);
      if (changes.length === 0) unchanged++;
      else if (nModified++ < limit) {
        modified.push({ logicalKey: a[i].logicalKey, old: a[i], new: b[j], changes });
      }
      i++;
      j++;
    }
  }
  return {
    added,
    removed,
    modified,
    counts: { added: nAdded, removed: nRemoved, modified: nModified, unchanged },
    truncated: nAdded > limit || nRemoved > limit || nModified > limit,
    header: diffMaps(before.header, after.header),
    dirMeta: diffMaps(before.dirMeta, after.dirMeta),
  };
}
