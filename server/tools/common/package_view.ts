/** How manifests, entries and metadata appear in tool output (plain JSON). @module */
import * as z from "zod";
import { JsonNumber, type JsonValue, type ManifestEntry, toJs } from "../../quilt/mod.ts";

/** A JSON value as tool output (big integers become exact decimal strings). */
export function jsonOut(value: JsonValue | undefined): unknown {
  return value === undefined ? null : toJs(value);
}

/** An object-valued JSON value as tool output ({} for anything else). */
export function objectOut(value: JsonValue | undefined): Record<string, unknown> {
  const out = value === undefined ? {} : toJs(value);
  return out && typeof out === "object" && !Array.isArray(out)
    ? out as Record<string, unknown>
    : {};
}

/** Output schema of an entry hash. */
export const hashSchema = z.object({ type: z.string(), value: z.string() });

/** Output schema of one file of a package. */
export const fileSchema = z.object({
  logical_key: z.string(),
  size: z.number().nullable().describe(
    "Bytes (null when the manifest stores a size that is not a number)",
  ),
  hash: hashSchema,
  physical_key: z.string(),
  meta: z.record(z.string(), z.unknown()).optional().describe(
    "Entry metadata as stored (user metadata under user_meta)",
  ),
});

/** An entry's size as tool output: bytes, or null when the manifest's size is not a number. */
export function sizeOut(entry: ManifestEntry): number | null {
  const raw = entry.rawSize;
  if (raw === undefined || typeof raw === "number" || raw instanceof JsonNumber) {
    return Number.isFinite(entry.size) ? entry.size : null;
  }
  return null;
}

/** A manifest entry as tool output. */
export function fileOut(
  entry: ManifestEntry,
  withMeta: boolean,
): z.infer<typeof fileSchema> {
  const out = {
    logical_key: entry.logicalKey,
    size: sizeOut(entry),
    hash: { type: entry.hash.type, value: entry.hash.value },
    physical_key: entry.physicalKey,
  };
  return withMeta ? { ...out, meta: objectOut(entry.meta) } : out;
}

/** Output schema of a revision reference. */
export const revisionSchema = z.object({
  bucket: z.string(),
  package: z.string(),
  top_hash: z.string(),
});
