/**
 * Path globs for selecting source objects: `*` matches within one path segment, `**` across
 * segments (`**\/` also matches no folder at all), `?` one character of a segment, `[abc]` /
 * `[a-z]` / `[!a]` one character of a set. Everything else is literal. Pure logic.
 * @module
 */

/** A glob that cannot be compiled (unclosed `[`). */
export class GlobError extends Error {
  constructor(pattern: string, reason: string) {
    super(`invalid glob ${JSON.stringify(pattern)}: ${reason}`);
    this.name = "GlobError";
  }
}

const SPECIAL = /[.+^${}()|\\\/]/;

/** Compiles a glob into an anchored regular expression over `/`-separated paths. */
export function globToRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        const slash = pattern[i + 2] === "/";
        re += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else {
        re += "[^/]*";
      }
    } else if (c === "?") {
      re += "[^/]";
    } else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) throw new GlobError(pattern, "unclosed '['");
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith("!");
      if (negate) body = body.slice(1);
      const escaped = body.replace(/[\\\]^]/g, (m) => `\\${m}`);
      re += negate ? `[^/${escaped}]` : `[${escaped}]`;
      i = end;
    } else {
      re += SPECIAL.test(c) ? `\\${c}` : c;
    }
  }
  return new RegExp(`^${re}$`, "u");
}

/** A compiled include/exclude selection. */
export interface PathFilter {
  /** True when `path` is included and not excluded. */
  (path: string): boolean;
}

/**
 * A filter keeping paths that match at least one `include` glob (all paths when none is given)
 * and no `exclude` glob.
 */
export function pathFilter(include: readonly string[] = [], exclude: readonly string[] = []) {
  const inc = include.map(globToRegExp);
  const exc = exclude.map(globToRegExp);
  return ((path: string) =>
    (inc.length === 0 || inc.some((r) => r.test(path))) &&
    !exc.some((r) => r.test(path))) as PathFilter;
}
