/**
 * Paging and filtering of package listings, shared by packages-read and search: the name-prefix
 * input and opaque, kind-checked cursors.
 * @module
 */
import { Buffer } from "node:buffer";
import * as z from "zod";
import { ToolError } from "./errors.ts";

/** A name-prefix filter: `ns`, `ns/` or `ns/na` (the characters of package names). */
export const packagePrefix = z.string().max(256)
  .regex(
    /^[\p{L}\p{N}_-]*(\/[\p{L}\p{N}_-]*)?$/u,
    'expected "namespace", "namespace/" or "namespace/name-prefix"',
  )
  .default("")
  .describe('Only packages whose name starts with this, e.g. "genomics/" or "genomics/rna"');

/** Encodes a listing cursor (opaque to clients, checked on return). */
export function encodeCursor(state: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ v: 1, ...state }), "utf8").toString("base64url");
}

/** Decodes a cursor of the listing `kind`; a clear error for anything else. */
export function decodeCursor(cursor: string, kind: string): Record<string, unknown> {
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error("not base64url");
    const state = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (state && typeof state === "object" && state.v === 1 && state.kind === kind) return state;
  } catch { /* reported below */ }
  throw new ToolError(
    "invalid_cursor",
    "Invalid cursor: pass back the next_cursor of the previous page of the same listing.",
  );
}
