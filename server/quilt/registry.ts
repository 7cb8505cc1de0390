/**
 * Registry layout (quilt3's `PackageRegistryV1`): where manifests and revision pointers live in a
 * bucket, package-name rules, short-hash resolution and revision deletion — as pure functions
 * over keys and listings; the S3 calls live with the callers.
 * @module
 */

import { PackageNameError, TopHashError } from "./errors.ts";

/** Prefix of all manifests: `.quilt/packages/<top_hash>`. */
export const MANIFESTS_PREFIX = ".quilt/packages/";
/** Prefix of all revision pointers: `.quilt/named_packages/<namespace>/<name>/<pointer>`. */
export const POINTERS_PREFIX = ".quilt/named_packages/";
/** Name of the pointer to the newest revision. */
export const LATEST = "latest";

// quilt3.util.PACKAGE_NAME_FORMAT is r"^[\w-]+/[\w-]+$"; Python's \w on str means Unicode
// letters and digits plus "_". Python's "$" also accepts a trailing "\n", which we refuse.
const NAME_PART = /^[\p{L}\p{N}_-]+$/u;
const TOP_HASH = /^[0-9a-f]{64}$/;
const HASH_PREFIX = /^[0-9a-f]{6,64}$/;
const TIMESTAMP = /^\d+$/;

/** True when `name` is a valid `namespace/name` package name for quilt3. */
export function isValidPackageName(name: string): boolean {
  const slash = name.indexOf("/");
  if (slash <= 0 || slash !== name.lastIndexOf("/")) return false;
  return NAME_PART.test(name.slice(0, slash)) && NAME_PART.test(name.slice(slash + 1));
}

/** Throws {@link PackageNameError} unless `name` is a valid package name. */
export function validatePackageName(name: string): void {
  if (!isValidPackageName(name)) throw new PackageNameError(name);
}

/** Splits a valid package name into namespace and name. */
export function splitPackageName(name: string): { namespace: string; name: string } {
  validatePackageName(name);
  const slash = name.indexOf("/");
  return { namespace: name.slice(0, slash), name: name.slice(slash + 1) };
}

/** True when `hash` is a full top hash (64 lowercase hex digits). */
export function isTopHash(hash: string): boolean {
  return TOP_HASH.test(hash);
}

function checkTopHash(hash: string): void {
  if (!isTopHash(hash)) {
    throw new TopHashError(`invalid top hash ${JSON.stringify(hash)}: expected 64 hex digits`);
  }
}

/** Key of a revision's manifest: `.quilt/packages/<top_hash>`. */
export function manifestKey(topHash: string): string {
  checkTopHash(topHash);
  return MANIFESTS_PREFIX + topHash;
}

/** Prefix of one package's pointers: `.quilt/named_packages/<ns>/<name>/`. */
export function pointersPrefix(packageName: string): string {
  validatePackageName(packageName);
  return `${POINTERS_PREFIX}${packageName}/`;
}

/** True when `pointer` can name a revision pointer (`latest` or unix seconds). */
export function isPointerName(pointer: string): boolean {
  return pointer === LATEST || TIMESTAMP.test(pointer);
}

/** Key of one pointer: `.quilt/named_packages/<ns>/<name>/<latest|unix_seconds>`. */
export function pointerKey(packageName: string, pointer: string): string {
  if (!isPointerName(pointer)) {
    throw new TopHashError(`invalid revision pointer ${JSON.stringify(pointer)}`);
  }
  return pointersPrefix(packageName) + pointer;
}

/** Key of a package's `latest` pointer. */
export function latestPointerKey(packageName: string): string {
  return pointerKey(packageName, LATEST);
}

/** Name of the timestamp pointer quilt3 writes for a revision pushed at `date` (unix seconds). */
export function timestampPointerName(date: Date): string {
  return String(Math.floor(date.getTime() / 1000));
}

/** The objects quilt3 writes to publish a revision, in the order it writes them. */
export function revisionWrites(
  packageName: string,
  topHash: string,
  date: Date,
): { manifest: string; timestampPointer: string; latestPointer: string } {
  return {
    manifest: manifestKey(topHash),
    timestampPointer: pointerKey(packageName, timestampPointerName(date)),
    latestPointer: latestPointerKey(packageName),
  };
}

/**
 * Reads the text of a pointer object: a top hash, with surrounding whitespace tolerated as
 * quilt3's S3 backend strips it. Throws {@link TopHashError} on anything else.
 */
export function parsePointer(text: string): string {
  const hash = text.trim();
  checkTopHash(hash);
  return hash;
}

/**
 * The package name a key under `.quilt/named_packages/` belongs to (`ns/name` from
 * `.quilt/named_packages/ns/name/<pointer>`), or `undefined` for keys of another shape.
 */
export function packageNameFromPointerKey(key: string): string | undefined {
  if (!key.startsWith(POINTERS_PREFIX)) return undefined;
  const parts = key.slice(POINTERS_PREFIX.length).split("/");
  if (parts.length !== 3 || !isPointerName(parts[2])) return undefined;
  const name = `${parts[0]}/${parts[1]}`;
  return isValidPackageName(name) ? name : undefined;
}

/**
 * Normalises a user-given hash or short hash (lowercased, 6–64 hex digits). Throws
 * {@link TopHashError} when it cannot be one.
 */
export function normalizeHashPrefix(prefix: string): string {
  const p = prefix.trim().toLowerCase();
  if (!HASH_PREFIX.test(p)) {
    throw new TopHashError(
      `invalid hash ${JSON.stringify(prefix)}: expected 6 to 64 hexadecimal digits`,
    );
  }
  return p;
}

/**
 * Resolves a short hash against the manifest keys listed under `.quilt/packages/<prefix>` (full
 * keys or bare hashes). A full hash resolves to itself without a listing, as in quilt3; zero or
 * several matches throw {@link TopHashError}.
 */
export function resolveShortHash(prefix: string, listed: Iterable<string>): string {
  const p = normalizeHashPrefix(prefix);
  if (p.length === 64) return p;
  const matches = new Set<string>();
  for (const item of listed) {
    const hash = item.startsWith(MANIFESTS_PREFIX) ? item.slice(MANIFESTS_PREFIX.length) : item;
    if (isTopHash(hash) && hash.startsWith(p)) matches.add(hash);
  }
  if (matches.size === 0) throw new TopHashError(`no revision matches hash ${JSON.stringify(p)}`);
  if (matches.size > 1) {
    throw new TopHashError(
      `hash ${JSON.stringify(p)} is ambiguous: ${matches.size} revisions match; give more digits`,
    );
  }
  return matches.values().next().value!;
}

/** quilt3's `shorten_top_hash`: the shortest prefix (at least 7 digits) unique among `known`. */
export function shortenTopHash(topHash: string, known: Iterable<string>): string {
  checkTopHash(topHash);
  const others = Array.from(known).filter((h) =>
    h !== topHash && h.startsWith(topHash.slice(0, 7))
  );
  for (let len = 7; len < 64; len++) {
    const p = topHash.slice(0, len);
    if (!others.some((h) => h.startsWith(p))) return p;
  }
  return topHash;
}

/** One revision pointer as listed: its name (`latest` or unix seconds) and the hash it holds. */
export interface RevisionPointer {
  /** `latest` or unix seconds. */
  readonly pointer: string;
  /** The top hash stored in the pointer object. */
  readonly topHash: string;
}

/** What to do to delete one revision of a package (see {@link planRevisionDelete}). */
export interface RevisionDeletePlan {
  /** Pointer names to delete (every pointer holding the revision's hash). */
  readonly deletePointers: readonly string[];
  /** When `latest` is deleted and revisions remain: the hash `latest` must now hold. */
  readonly newLatest?: { readonly fromPointer: string; readonly topHash: string };
  /** True when no pointer remains, i.e. the package disappears from listings. */
  readonly packageGone: boolean;
}

/**
 * Plans deleting one revision as quilt3's `delete_package_version` does: delete every pointer
 * that holds `topHash`; if `latest` was among them, point `latest` at the newest remaining
 * timestamp. Manifests and data are kept. Throws {@link TopHashError} when no pointer holds it.
 */
export function planRevisionDelete(
  pointers: readonly RevisionPointer[],
  topHash: string,
): RevisionDeletePlan {
  checkTopHash(topHash);
  const deleted = pointers.filter((p) => p.topHash === topHash).map((p) => p.pointer);
  if (deleted.length === 0) {
    throw new TopHashError(`no revision with top hash ${topHash} in this package`);
  }
  const remaining = pointers.filter((p) => p.topHash !== topHash);
  let newLatest: RevisionDeletePlan["newLatest"];
  if (deleted.includes(LATEST)) {
    // quilt3 takes max() of the remaining names as strings; numeric order of the timestamps
    // gives the same answer for 10-digit timestamps and stays right beyond them.
    let best: RevisionPointer | undefined;
    for (const p of remaining) {
      if (!TIMESTAMP.test(p.pointer)) continue;
      if (!best || BigInt(p.pointer) > BigInt(best.pointer)) best = p;
    }
    if (best) newLatest = { fromPointer: best.pointer, topHash: best.topHash };
  }
  const packageGone = remaining.length === 0;
  return newLatest
    ? { deletePointers: deleted, newLatest, packageGone }
    : { deletePointers: deleted, packageGone };
}

/** The revisions of a package from its pointers: timestamps newest first, with `latest` marked. */
export function listRevisions(
  pointers: readonly RevisionPointer[],
): { pointer: string; topHash: string; timestamp: number; isLatest: boolean }[] {
  const latest = pointers.find((p) => p.pointer === LATEST)?.topHash;
  return pointers
    .filter((p) => TIMESTAMP.test(p.pointer))
    .map((p) => ({
      pointer: p.pointer,
      topHash: p.topHash,
      timestamp: Number(p.pointer),
      isLatest: p.topHash === latest,
    }))
    .sort((a, b) => b.timestamp - a.timestamp);
}
