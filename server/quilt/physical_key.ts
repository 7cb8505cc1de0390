/**
 * Physical keys: the `s3://bucket/url-quoted-key?versionId=...` URLs of manifest entries,
 * parsed and printed exactly like quilt3's `PhysicalKey.from_url` / `str(PhysicalKey)` (which use
 * Python's `urllib.parse`), plus `file://` URLs, which local quilt3 registries write.
 * @module
 */

import { BucketNameError, PhysicalKeyError } from "./errors.ts";

/** An object in S3, optionally pinned to a version. */
export interface S3Location {
  /** Bucket name. */
  readonly bucket: string;
  /** Object key (not URL-quoted). */
  readonly key: string;
  /** Object version, when pinned. */
  readonly versionId?: string;
}

/** A parsed physical key: an S3 object or a local file. */
export type PhysicalKey =
  | ({ readonly scheme: "s3" } & S3Location)
  | { readonly scheme: "file"; readonly path: string };

const ALWAYS_SAFE = /[A-Za-z0-9_.\-~]/;
// Already in the form str(PhysicalKey) prints: nothing to unquote and nothing to quote.
const NORMAL_S3 = /^s3:\/\/[A-Za-z0-9.\-_]+\/[A-Za-z0-9_.\-~/]*(\?versionId=[A-Za-z0-9_.\-~]+)?$/;
const utf8 = new TextEncoder();

/** Python's `urllib.parse.quote(s, safe)` (UTF-8, uppercase `%XX`); lone surrogates are refused. */
export function pyQuote(s: string, safe = "/"): string {
  if (!s.isWellFormed()) {
    throw new PhysicalKeyError(`${JSON.stringify(s)} contains a lone surrogate`);
  }
  let out = "";
  for (const b of utf8.encode(s)) {
    const ch = String.fromCharCode(b);
    if (b < 0x80 && (ALWAYS_SAFE.test(ch) || safe.includes(ch))) out += ch;
    else out += "%" + (b < 16 ? "0" : "") + b.toString(16).toUpperCase();
  }
  return out;
}

/** Python's `urllib.parse.quote_plus(s, safe="")`: spaces become `+`. */
export function pyQuotePlus(s: string): string {
  return s.includes(" ") ? pyQuote(s, " ").replaceAll(" ", "+") : pyQuote(s, "");
}

/** Python's `urllib.parse.unquote(s)`: `%XX` runs decoded as UTF-8 with U+FFFD for bad bytes. */
export function pyUnquote(s: string): string {
  if (!s.includes("%")) return s;
  // Python decodes each run of ASCII characters separately and keeps other characters as is.
  // deno-lint-ignore no-control-regex -- the ASCII range includes the C0 controls on purpose
  return s.replace(/[\x00-\x7f]+/g, (run) => {
    if (!run.includes("%")) return run;
    const bytes: number[] = [];
    for (let i = 0; i < run.length; i++) {
      const c = run.charCodeAt(i);
      if (c === 0x25 && isHex(run.charCodeAt(i + 1)) && isHex(run.charCodeAt(i + 2))) {
        bytes.push(parseInt(run.slice(i + 1, i + 3), 16));
        i += 2;
      } else {
        bytes.push(c);
      }
    }
    return new TextDecoder("utf-8", { ignoreBOM: true }).decode(new Uint8Array(bytes));
  });
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

interface SplitUrl {
  scheme: string;
  netloc: string;
  path: string;
  query: string;
}

/** Python 3.11's `urllib.parse.urlsplit` for the parts quilt3 reads (fragment dropped). */
function pyUrlSplit(input: string): SplitUrl {
  // deno-lint-ignore no-control-regex -- urlsplit strips leading C0 controls and spaces
  let url = input.replace(/^[\x00-\x20]+/, "").replace(/[\t\r\n]/g, "");
  let scheme = "";
  const colon = url.indexOf(":");
  if (colon > 0 && /^[A-Za-z][A-Za-z0-9+\-.]*$/.test(url.slice(0, colon))) {
    scheme = url.slice(0, colon).toLowerCase();
    url = url.slice(colon + 1);
  }
  let netloc = "";
  if (url.startsWith("//")) {
    const m = /[/?#]/.exec(url.slice(2));
    const end = m ? m.index + 2 : url.length;
    netloc = url.slice(2, end);
    url = url.slice(end);
    if (netloc.includes("[") !== netloc.includes("]")) {
      throw new PhysicalKeyError(`invalid IPv6 host in ${JSON.stringify(input)}`);
    }
  }
  const hash = url.indexOf("#");
  if (hash >= 0) url = url.slice(0, hash);
  let query = "";
  const q = url.indexOf("?");
  if (q >= 0) {
    query = url.slice(q + 1);
    url = url.slice(0, q);
  }
  return { scheme, netloc, path: url, query };
}

/** Python's `parse_qs(query)` (blank values dropped, `+` is a space). */
function pyParseQs(query: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const value = part.slice(eq + 1);
    if (value === "") continue;
    const name = pyUnquote(part.slice(0, eq).replaceAll("+", " "));
    const list = out.get(name) ?? [];
    list.push(pyUnquote(value.replaceAll("+", " ")));
    out.set(name, list);
  }
  return out;
}

/**
 * Parses a physical key as quilt3's `PhysicalKey.from_url` does. Throws
 * {@link PhysicalKeyError} for other schemes, a missing bucket, or query parameters other than
 * `versionId`.
 */
export function parsePhysicalKey(url: string): PhysicalKey {
  const u = pyUrlSplit(url);
  if (u.scheme === "s3") {
    if (!u.netloc) throw new PhysicalKeyError(`missing bucket in ${JSON.stringify(url)}`);
    const params = pyParseQs(u.query);
    const versions = params.get("versionId");
    params.delete("versionId");
    if (params.size > 0) {
      throw new PhysicalKeyError(`unexpected S3 query string in ${JSON.stringify(url)}`);
    }
    const key = pyUnquote(u.path).slice(1);
    return versions
      ? { scheme: "s3", bucket: u.netloc, key, versionId: versions[0] }
      : { scheme: "s3", bucket: u.netloc, key };
  }
  if (u.scheme === "file") {
    if (u.netloc !== "" && u.netloc !== "localhost") {
      throw new PhysicalKeyError(`unexpected host in ${JSON.stringify(url)}`);
    }
    if (!u.path) throw new PhysicalKeyError(`missing path in ${JSON.stringify(url)}`);
    if (!u.path.startsWith("/")) {
      throw new PhysicalKeyError(`relative file path in ${JSON.stringify(url)}`);
    }
    if (u.query) throw new PhysicalKeyError(`unexpected query in ${JSON.stringify(url)}`);
    return { scheme: "file", path: normalizePosixPath(pyUnquote(u.path)) };
  }
  throw new PhysicalKeyError(
    `unsupported physical key scheme ${JSON.stringify(u.scheme)} in ${JSON.stringify(url)}`,
  );
}

// quilt3 resolves file paths with os.path.realpath (which also follows symlinks); without
// filesystem access we normalise lexically, which gives the same text for paths quilt3 wrote.
function normalizePosixPath(path: string): string {
  const parts: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return "/" + parts.join("/");
}

/** Prints an S3 location as quilt3's `str(PhysicalKey)`: `s3://bucket/quoted-key?versionId=...`. */
export function formatS3Url(loc: S3Location): string {
  const base = `s3://${loc.bucket}${pyQuote("/" + loc.key)}`;
  return loc.versionId === undefined ? base : `${base}?versionId=${pyQuotePlus(loc.versionId)}`;
}

/** Prints a parsed physical key as quilt3 does (`file://` URLs as `pathlib.Path.as_uri()`). */
export function formatPhysicalKey(pk: PhysicalKey): string {
  return pk.scheme === "s3" ? formatS3Url(pk) : "file://" + pyQuote(pk.path);
}

/** The text quilt3 writes back for a physical key it read (`str(PhysicalKey.from_url(url))`). */
export function normalizePhysicalKey(url: string): string {
  return NORMAL_S3.test(url) ? url : formatPhysicalKey(parsePhysicalKey(url));
}

/**
 * Checks an S3 bucket name against the S3 naming rules for new (general purpose) buckets.
 * Throws {@link BucketNameError} with the rule that failed.
 */
export function validateBucketName(bucket: string): void {
  const fail = (reason: string): never => {
    throw new BucketNameError(bucket, reason);
  };
  if (bucket.length < 3 || bucket.length > 63) fail("must be 3 to 63 characters long");
  if (!/^[a-z0-9.-]+$/.test(bucket)) {
    fail("may contain only lowercase letters, digits, dots and hyphens");
  }
  if (!/^[a-z0-9].*[a-z0-9]$/.test(bucket)) fail("must begin and end with a letter or digit");
  if (bucket.includes("..")) fail("must not contain two adjacent dots");
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) fail("must not look like an IP address");
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(bucket)) fail("uses a reserved prefix");
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(bucket)) fail("uses a reserved suffix");
}

/** Parses an `s3://bucket/key[?versionId=...]` URL into a location; the key may be empty. */
export function parseS3Url(url: string): S3Location {
  const pk = parsePhysicalKey(url);
  if (pk.scheme !== "s3") throw new PhysicalKeyError(`not an s3:// URL: ${JSON.stringify(url)}`);
  return pk.versionId === undefined
    ? { bucket: pk.bucket, key: pk.key }
    : { bucket: pk.bucket, key: pk.key, versionId: pk.versionId };
}
