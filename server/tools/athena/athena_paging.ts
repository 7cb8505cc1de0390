/**
 * Pagination over AWS listings (Glue GetDatabases/GetTables, Athena GetQueryResults) with the
 * tool's own limits. A position is the service token of the page being read plus how many of that
 * page's items were already returned: the tool never returns more than its limit even when the
 * service hands over a larger page, and an answer cut by a byte budget resumes mid-page. The
 * position travels to the caller as an opaque next_token bound to the listing it belongs to.
 * @module
 */
import { Buffer } from "node:buffer";
import { ToolError } from "../common/errors.ts";

/** Where a listing continues. */
export interface PagePosition {
  /** Service token of the page to (re)read; undefined = the first page. */
  readonly token?: string;
  /** Items of that page already returned. */
  readonly skip: number;
}

/** One page as the service returned it. */
export interface Page<T> {
  readonly items: readonly T[];
  /** Service token of the following page; undefined = last page. */
  readonly next?: string;
}

/** Longest next_token a caller may pass back. */
export const MAX_CURSOR_LENGTH = 8192;

/** Encodes a position of the listing `scope` as an opaque next_token. */
export function encodeCursor(scope: string, position: PagePosition): string {
  const payload = { v: 1, s: scope, t: position.token ?? null, k: position.skip };
  return Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
}

function badCursor(why: string): ToolError {
  return new ToolError(
    "invalid_input",
    `next_token is not valid (${why}); pass the next_token of the previous answer unchanged.`,
  );
}

/** Decodes a next_token; returns its scope and position, or throws an invalid_input ToolError. */
export function decodeCursor(text: string): { scope: string; position: PagePosition } {
  if (text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) {
    throw badCursor("malformed");
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw badCursor("malformed");
  }
  const p = payload as { v?: unknown; s?: unknown; t?: unknown; k?: unknown };
  if (
    !p || typeof p !== "object" || p.v !== 1 || typeof p.s !== "string" ||
    !(p.t === null || typeof p.t === "string") ||
    typeof p.k !== "number" || !Number.isSafeInteger(p.k) || p.k < 0
  ) {
    throw badCursor("malformed");
  }
  return { scope: p.s, position: { token: p.t ?? undefined, skip: p.k } };
}

/** Decodes a next_token that must belong to `scope` (the same listing with the same filters). */
export function decodeCursorFor(text: string, scope: string): PagePosition {
  const decoded = decodeCursor(text);
  if (decoded.scope !== scope) throw badCursor("it belongs to a different listing");
  return decoded.position;
}

/** How {@linkcode collectPages} takes items. */
export interface CollectOptions<T> {
  /**
   * Offers the item at `index` of the page read with `token`; returns false when the answer is
   * full and the item was not taken (it will be the first item of the next answer).
   */
  take(item: T, at: { token?: string; index: number }): boolean;
  /** True once nothing more can be taken, so no page is fetched just to learn that. */
  full(): boolean;
  /** Most service calls one answer may make. */
  readonly maxCalls: number;
}

/**
 * Reads pages from `from` on, offering every item to `take`, until the answer is full, the
 * listing ends or `maxCalls` pages were read. Returns where the listing continues, or undefined
 * when it is exhausted.
 */
export async function collectPages<T>(
  fetchPage: (token: string | undefined, skip: number) => Promise<Page<T>>,
  from: PagePosition,
  options: CollectOptions<T>,
): Promise<PagePosition | undefined> {
  let token = from.token;
  let skip = from.skip;
  for (let calls = 0;; calls++) {
    if (calls >= options.maxCalls || options.full()) return { token, skip };
    const page = await fetchPage(token, skip);
    for (let i = skip; i < page.items.length; i++) {
      if (!options.take(page.items[i], { token, index: i })) return { token, skip: i };
    }
    if (!page.next) return undefined;
    token = page.next;
    skip = 0;
  }
}
