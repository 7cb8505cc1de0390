/**
 * Browsing a parsed manifest: a directory's children (tree view) or every file below a path
 * (flat view), with sizes, totals and opaque-cursor pagination. Entries are in tree order, so
 * every directory is one contiguous run of entries: pages cost O(limit · log n) after a
 * one-time O(n) index per manifest.
 * @module
 */

import { Buffer } from "node:buffer";
import { CursorError, PackagePathNotFoundError } from "./errors.ts";
import type { JsonValue } from "./json_value.ts";
import { compareLogicalKeys, normalizeDirPath } from "./logical_key.ts";
import type { Manifest, ManifestEntry } from "./manifest.ts";

/** Default number of items per page. */
export const DEFAULT_PAGE_SIZE = 100;
/** Largest allowed page. */
export const MAX_PAGE_SIZE = 10_000;

/** Options of {@link browseManifest}. */
export interface BrowseOptions {
  /** `tree`: the directory's immediate children; `flat`: every file below it. Default `tree`. */
  readonly view?: "tree" | "flat";
  /** A directory (`""` = root, `a/b` or `a/b/`) or a file's logical key. */
  readonly path?: string;
  /** Flat view only: list files whose logical key starts with this text (e.g. `data/2024-`). */
  readonly keyPrefix?: string;
  /** Items per page (1..{@link MAX_PAGE_SIZE}, default {@link DEFAULT_PAGE_SIZE}). */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
  /** Revision the listing belongs to (e.g. the top hash); cursors from another revision fail. */
  readonly revision?: string;
}

/** A directory in a tree listing. */
export interface BrowseDir {
  /** Always `dir`. */
  readonly type: "dir";
  /** Last path segment. */
  readonly name: string;
  /** Directory key with a trailing slash, e.g. `a/b/`. */
  readonly logicalKey: string;
  /** Files anywhere below it. */
  readonly files: number;
  /** Total bytes of those files. */
  readonly bytes: number;
  /** Directory-level metadata, when the manifest has a record for it. */
  readonly meta?: JsonValue;
}

/** A file in a listing. */
export interface BrowseFile {
  /** Always `file`. */
  readonly type: "file";
  /** Last path segment. */
  readonly name: string;
  /** The manifest entry. */
  readonly entry: ManifestEntry;
}

/** One page of a listing. */
export interface BrowsePage {
  /** What `path` named: a directory or a file. */
  readonly kind: "dir" | "file";
  /** The normalised path (`""` for the root). */
  readonly path: string;
  /** The view used. */
  readonly view: "tree" | "flat";
  /** Items of this page, in quilt3's tree order. */
  readonly items: readonly (BrowseDir | BrowseFile)[];
  /** Totals over the whole listing (not just this page). */
  readonly totals: {
    /** Files below the path (or matching the key prefix). */
    readonly files: number;
    /** Their total bytes. */
    readonly bytes: number;
    /** Items the listing has over all pages (children in tree view, files in flat view). */
    readonly items: number;
  };
  /** Cursor for the next page; absent on the last page. */
  readonly nextCursor?: string;
}

interface Index {
  readonly keys: readonly string[];
  /** cum[i] = total size of entries [0, i). */
  readonly cum: Float64Array;
}

const indexes = new WeakMap<Manifest, Index>();

function indexOf(manifest: Manifest): Index {
  let idx = indexes.get(manifest);
  if (!idx) {
    const n = manifest.entries.length;
    const keys = new Array<string>(n);
    const cum = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const e = manifest.entries[i];
      keys[i] = e.logicalKey;
      cum[i + 1] = cum[i] + e.size;
    }
    idx = { keys, cum };
    indexes.set(manifest, idx);
  }
  return idx;
}

/** First index in [lo, hi) where `pred` turns false (pred must be true-then-false). */
function partition(lo: number, hi: number, pred: (i: number) => boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Range [start, end) of the entries whose key starts with `prefix` (contiguous in tree order). */
function prefixRange(idx: Index, prefix: string, lo = 0, hi = idx.keys.length): [number, number] {
  const keys = idx.keys;
  if (prefix === "") return [lo, hi];
  const start = partition(lo, hi, (i) => compareLogicalKeys(keys[i], prefix) < 0);
  const end = partition(start, hi, (i) => keys[i].startsWith(prefix));
  return [start, end];
}

function findKey(idx: Index, key: string): number {
  const keys = idx.keys;
  const i = partition(0, keys.length, (j) => compareLogicalKeys(keys[j], key) < 0);
  return i < keys.length && keys[i] === key ? i : -1;
}

interface CursorState {
  v: 1;
  view: "tree" | "flat";
  scope: string;
  after: string;
  rev?: string;
}

function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state), "utf8").toString("base64url");
}

function decodeCursor(cursor: string, expect: Omit<CursorState, "after" | "v">): string {
  let state: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error("not base64url");
    state = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new CursorError("malformed cursor: pass back the nextCursor of the previous page");
  }
  const s = state as Partial<CursorState>;
  if (
    !s || typeof s !== "object" || s.v !== 1 || typeof s.after !== "string" ||
    typeof s.scope !== "string"
  ) {
    throw new CursorError("malformed cursor: pass back the nextCursor of the previous page");
  }
  if (s.view !== expect.view || s.scope !== expect.scope || s.rev !== expect.rev) {
    throw new CursorError("cursor belongs to a different listing (path, view or revision)");
  }
  return s.after;
}

function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
}

/**
 * Lists one page of a manifest: a directory's children with their sizes (tree view), or the
 * files below a path or key prefix (flat view). A file path gives that file alone. Throws
 * {@link PackagePathNotFoundError} for a path that does not exist, {@link CursorError} for a
 * cursor of another listing.
 */
export function browseManifest(manifest: Manifest, opts: BrowseOptions = {}): BrowsePage {
  const view = opts.view ?? "tree";
  const limit = opts.limit ?? DEFAULT_PAGE_SIZE;
  checkLimit(limit);
  const idx = indexOf(manifest);
  const rawPath = opts.path ?? "";
  if (opts.keyPrefix !== undefined) {
    if (view !== "flat") throw new RangeError("keyPrefix needs the flat view");
    if (rawPath !== "") throw new RangeError("give either path or keyPrefix, not both");
    return flatPage(manifest, idx, opts.keyPrefix, "", limit, opts, "prefix:");
  }
  const path = normalizeDirPath(rawPath);
  // A file path (without trailing slash) lists that file.
  if (path !== "" && !rawPath.endsWith("/")) {
    const i = findKey(idx, path);
    if (i >= 0) {
      const entry = manifest.entries[i];
      return {
        kind: "file",
        path,
        view,
        items: [{ type: "file", name: baseNameOf(path), entry }],
        totals: { files: 1, bytes: entry.size, items: 1 },
      };
    }
  }
  const prefix = path === "" ? "" : path + "/";
  if (view === "flat") return flatPage(manifest, idx, prefix, path, limit, opts, "dir:");
  return treePage(manifest, idx, prefix, path, limit, opts);
}

function baseNameOf(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}

function flatPage(
  manifest: Manifest,
  idx: Index,
  prefix: string,
  path: string,
  limit: number,
  opts: BrowseOptions,
  scopeKind: string,
): BrowsePage {
  const [start, end] = prefixRange(idx, prefix);
  if (start === end && scopeKind === "dir:" && path !== "" && !manifest.dirMeta.has(path)) {
    throw new PackagePathNotFoundError(path);
  }
  const scope = scopeKind + prefix;
  let from = start;
  if (opts.cursor !== undefined) {
    const after = decodeCursor(opts.cursor, { view: "flat", scope, rev: opts.revision });
    from = partition(start, end, (i) => compareLogicalKeys(idx.keys[i], after) <= 0);
  }
  const to = Math.min(end, from + limit);
  const items: BrowseFile[] = [];
  for (let i = from; i < to; i++) {
    const entry = manifest.entries[i];
    items.push({ type: "file", name: baseNameOf(entry.logicalKey), entry });
  }
  const page: BrowsePage = {
    kind: "dir",
    path: scopeKind === "dir:" ? path : prefix,
    view: "flat",
    items,
    totals: { files: end - start, bytes: idx.cum[end] - idx.cum[start], items: end - start },
  };
  if (to < end) {
    const after = idx.keys[to - 1];
    return { ...page, nextCursor: encodeCursor(cursorState("flat", scope, after, opts.revision)) };
  }
  return page;
}

function cursorState(
  view: "tree" | "flat",
  scope: string,
  after: string,
  rev: string | undefined,
): CursorState {
  return rev === undefined ? { v: 1, view, scope, after } : { v: 1, view, scope, after, rev };
}

function treePage(
  manifest: Manifest,
  idx: Index,
  prefix: string,
  path: string,
  limit: number,
  opts: BrowseOptions,
): BrowsePage {
  const keys = idx.keys;
  const [start, end] = prefixRange(idx, prefix);
  if (start === end && path !== "" && !manifest.dirMeta.has(path)) {
    throw new PackagePathNotFoundError(path);
  }
  const scope = "dir:" + prefix;
  let from = start;
  if (opts.cursor !== undefined) {
    const after = decodeCursor(opts.cursor, { view: "tree", scope, rev: opts.revision });
    from = partition(start, end, (i) => compareLogicalKeys(keys[i], after) <= 0);
  }
  // Walk children: a file is one entry; a directory is the run of entries under "<name>/".
  const items: (BrowseDir | BrowseFile)[] = [];
  let i = from;
  while (i < end && items.length < limit) {
    const key = keys[i];
    const slash = key.indexOf("/", prefix.length);
    if (slash < 0) {
      items.push({ type: "file", name: key.slice(prefix.length), entry: manifest.entries[i] });
      i++;
      continue;
    }
    const dirKey = key.slice(0, slash + 1);
    const [, dirEnd] = prefixRange(idx, dirKey, i, end);
    const dirPath = key.slice(0, slash);
    const meta = manifest.dirMeta.get(dirPath);
    const dir: BrowseDir = {
      type: "dir",
      name: key.slice(prefix.length, slash),
      logicalKey: dirKey,
      files: dirEnd - i,
      bytes: idx.cum[dirEnd] - idx.cum[i],
    };
    items.push(meta === undefined ? dir : { ...dir, meta });
    i = dirEnd;
  }
  const page: BrowsePage = {
    kind: "dir",
    path,
    view: "tree",
    items,
    totals: {
      files: end - start,
      bytes: idx.cum[end] - idx.cum[start],
      items: countChildren(idx, prefix, start, end),
    },
  };
  if (i < end) {
    return {
      ...page,
      nextCursor: encodeCursor(cursorState("tree", scope, keys[i - 1], opts.revision)),
    };
  }
  return page;
}

const childCounts = new WeakMap<Index, Map<string, number>>();

/** Number of immediate children (files + directories) of a directory; memoised per manifest. */
function countChildren(idx: Index, prefix: string, start: number, end: number): number {
  let memo = childCounts.get(idx);
  if (!memo) childCounts.set(idx, memo = new Map());
  const known = memo.get(prefix);
  if (known !== undefined) return known;
  let n = 0;
  let i = start;
  while (i < end) {
    const key = idx.keys[i];
    const slash = key.indexOf("/", prefix.length);
    n++;
    i = slash < 0 ? i + 1 : prefixRange(idx, key.slice(0, slash + 1), i, end)[1];
  }
  memo.set(prefix, n);
  return n;
}
