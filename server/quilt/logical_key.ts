/** Logical keys (paths inside a package) and quilt3's tree-walk order. @module */

import { LogicalKeyError } from "./errors.ts";
import { compareCodePoints } from "./json_value.ts";

/**
 * Orders logical keys the way quilt3's `Package.walk()` yields them: at each directory level
 * children sorted by name (code point order), directories walked depth-first. Equivalently:
 * compare the lists of `/`-separated segments, so `a/b` comes before `a.txt`.
 */
export function compareLogicalKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // A segment that ends first is a prefix of the other segment, so it sorts first.
      if (x === 0x2f) return -1;
      if (y === 0x2f) return 1;
      if ((x & 0xf800) === 0xd800 || (y & 0xf800) === 0xd800) return compareBySegments(a, b);
      return x - y;
    }
  }
  return a.length - b.length;
}

function compareBySegments(a: string, b: string): number {
  const sa = a.split("/");
  const sb = b.split("/");
  const n = Math.min(sa.length, sb.length);
  for (let i = 0; i < n; i++) {
    const c = compareCodePoints(sa[i], sb[i]);
    if (c !== 0) return c;
  }
  return sa.length - sb.length;
}

/**
 * Checks a logical key for a new entry as quilt3's `Package.set` does: not empty, not ending in
 * `/`, and no empty, `.` or `..` segment. Throws {@link LogicalKeyError}.
 */
export function validateLogicalKey(key: string): void {
  if (key.length === 0) throw new LogicalKeyError("a package entry key cannot be empty");
  if (key.endsWith("/")) {
    throw new LogicalKeyError(`entry key ${JSON.stringify(key)} must name a file, not end in "/"`);
  }
  checkSegments(key);
}

/**
 * Normalises a directory path inside a package: `""`, `"/"` and `"."` mean the root; otherwise
 * leading and trailing slashes are dropped and segments are checked. Returns `""` or `a/b`.
 */
export function normalizeDirPath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, "");
  if (trimmed === "" || trimmed === ".") return "";
  checkSegments(trimmed);
  return trimmed;
}

function checkSegments(key: string): void {
  for (const part of key.split("/")) {
    if (part === "" || part === "." || part === "..") {
      throw new LogicalKeyError(
        `invalid key ${JSON.stringify(key)}: empty, "." and ".." path segments are not allowed`,
      );
    }
  }
  if (/[\ud800-\udfff]/.test(key) && !key.isWellFormed()) {
    throw new LogicalKeyError(`invalid key ${JSON.stringify(key)}: contains a lone surrogate`);
  }
}

/** The directory part of a logical key (`a/b` for `a/b/c.txt`, `""` at the root). */
export function parentDir(key: string): string {
  const i = key.lastIndexOf("/");
  return i < 0 ? "" : key.slice(0, i);
}

/** The last segment of a logical key (`c.txt` for `a/b/c.txt`). */
export function baseName(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}
