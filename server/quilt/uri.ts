/**
 * Quilt+ URIs (`quilt+s3://<bucket>#package=<ns>/<name>[@<hash>|:<tag>]&path=<p>&catalog=<host>`,
 * as the Quilt catalog's `PackageUri` reads and writes them) and catalog web URLs (as quilt3's
 * `catalog_package_url` / `catalog_s3_url` build them).
 * @module
 */

import { CatalogUrlError, QuiltUriError } from "./errors.ts";
import {
  isPointerName,
  isTopHash,
  LATEST,
  normalizeHashPrefix,
  validatePackageName,
} from "./registry.ts";
import { pyQuote, pyQuotePlus, validateBucketName } from "./physical_key.ts";

const SCHEME = "quilt+s3://";

/** A parsed Quilt+ URI. */
export interface QuiltUri {
  /** Registry bucket. */
  readonly bucket: string;
  /** Package name `namespace/name`. */
  readonly packageName: string;
  /** Top hash or short hash (≥ 6 hex digits), when the URI names one. */
  readonly topHash?: string;
  /** Tag (`latest` or unix seconds), when the URI names one. */
  readonly tag?: string;
  /** Path inside the package (a file, or a directory ending in `/`). */
  readonly path?: string;
  /** Catalog host, e.g. `open.quiltdata.com`. */
  readonly catalog?: string;
}

// Node's querystring decoding, which the catalog uses: "+" is a space, "%XX" escapes are UTF-8,
// a "%" that starts no escape stays literal. Invalid UTF-8 is an error here.
function decodeComponent(s: string, what: string): string {
  const escaped = s.replaceAll("+", " ").replace(/%(?![0-9A-Fa-f]{2})/g, "%25");
  try {
    return decodeURIComponent(escaped);
  } catch {
    throw new QuiltUriError(`malformed percent-encoding in ${what}`);
  }
}

function checkRelativePath(path: string): void {
  const body = path.endsWith("/") ? path.slice(0, -1) : path;
  if (path.startsWith("/") || body === "") {
    throw new QuiltUriError(`path ${JSON.stringify(path)} must be relative to the package root`);
  }
  for (const seg of body.split("/")) {
    if (seg === "" || seg === "." || seg === "..") {
      throw new QuiltUriError(
        `path ${JSON.stringify(path)} has an empty, "." or ".." segment`,
      );
    }
  }
  if (!path.isWellFormed()) throw new QuiltUriError("path contains a lone surrogate");
}

/** Checks a catalog host (`host` or `host:port`, no scheme or path). */
function checkCatalogHost(host: string): void {
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$/.test(host)) {
    throw new QuiltUriError(
      `catalog ${JSON.stringify(host)} must be a host name like catalog.example.com`,
    );
  }
}

/**
 * Parses a Quilt+ URI. Throws {@link QuiltUriError} naming the problem: wrong scheme, bucket
 * with a path, missing or repeated `package=`, both `@` and `:`, bad hash or tag, unknown
 * parameters, non-relative paths.
 */
export function parseQuiltUri(uri: string): QuiltUri {
  if (uri.slice(0, SCHEME.length).toLowerCase() !== SCHEME) {
    throw new QuiltUriError(`${JSON.stringify(uri)} must start with "quilt+s3://"`);
  }
  const rest = uri.slice(SCHEME.length);
  const hashPos = rest.indexOf("#");
  const bucket = hashPos < 0 ? rest : rest.slice(0, hashPos);
  if (bucket.includes("/") || bucket.includes("?")) {
    throw new QuiltUriError("the registry must be a bucket root (no path or query after it)");
  }
  try {
    validateBucketName(bucket);
  } catch (e) {
    throw new QuiltUriError((e as Error).message);
  }
  const fragment = hashPos < 0 ? "" : rest.slice(hashPos + 1);
  const params = new Map<string, string>();
  for (const part of fragment.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = decodeComponent(eq < 0 ? part : part.slice(0, eq), "a parameter name");
    const value = eq < 0 ? "" : decodeComponent(part.slice(eq + 1), `"${key}="`);
    if (key !== "package" && key !== "path" && key !== "catalog") {
      throw new QuiltUriError(
        `unknown parameter ${JSON.stringify(key)} (allowed: package, path, catalog)`,
      );
    }
    if (params.has(key)) throw new QuiltUriError(`"${key}=" given more than once`);
    params.set(key, value);
  }
  const spec = params.get("package");
  if (!spec) throw new QuiltUriError('missing "package=<namespace>/<name>"');
  const hasAt = spec.includes("@");
  const hasColon = spec.includes(":");
  if (hasAt && hasColon) {
    throw new QuiltUriError('"package=" may name a top hash with "@" or a tag with ":", not both');
  }
  const sep = hasAt ? "@" : hasColon ? ":" : undefined;
  const pieces = sep ? spec.split(sep) : [spec];
  if (pieces.length > 2) throw new QuiltUriError(`"package=" may contain only one "${sep}"`);
  const [packageName, revision] = pieces;
  try {
    validatePackageName(packageName);
  } catch (e) {
    throw new QuiltUriError((e as Error).message);
  }
  let out: QuiltUri = { bucket, packageName };
  if (sep === "@") {
    try {
      out = { ...out, topHash: normalizeHashPrefix(revision) };
    } catch (e) {
      throw new QuiltUriError((e as Error).message);
    }
  } else if (sep === ":") {
    if (!isPointerName(revision)) {
      throw new QuiltUriError(
        `tag ${JSON.stringify(revision)} must be "latest" or a unix timestamp`,
      );
    }
    out = { ...out, tag: revision };
  }
  const path = params.get("path");
  if (path) {
    checkRelativePath(path);
    out = { ...out, path };
  }
  const catalog = params.get("catalog");
  if (catalog) {
    checkCatalogHost(catalog);
    out = { ...out, catalog };
  }
  return out;
}

/** Writes a Quilt+ URI as the catalog does (path and catalog percent-encoded). */
export function formatQuiltUri(u: QuiltUri): string {
  try {
    validateBucketName(u.bucket);
    validatePackageName(u.packageName);
  } catch (e) {
    throw new QuiltUriError((e as Error).message);
  }
  if (u.topHash !== undefined && u.tag !== undefined) {
    throw new QuiltUriError("give a top hash or a tag, not both");
  }
  let spec = encodeURIComponent(u.packageName).replace("%2F", "/");
  if (u.topHash !== undefined) {
    try {
      spec += "@" + normalizeHashPrefix(u.topHash);
    } catch (e) {
      throw new QuiltUriError((e as Error).message);
    }
  } else if (u.tag !== undefined) {
    if (!isPointerName(u.tag)) {
      throw new QuiltUriError(`tag ${JSON.stringify(u.tag)} must be "latest" or a unix timestamp`);
    }
    spec += ":" + u.tag;
  }
  let out = `${SCHEME}${u.bucket}#package=${spec}`;
  if (u.path) {
    checkRelativePath(u.path);
    out += `&path=${encodeURIComponent(u.path)}`;
  }
  if (u.catalog) {
    checkCatalogHost(u.catalog);
    out += `&catalog=${encodeURIComponent(u.catalog)}`;
  }
  return out;
}

/**
 * The origin of a catalog (`https://host[:port]`) from a host name or an origin URL. Plain HTTP
 * is accepted only for localhost. Throws {@link CatalogUrlError} for paths, queries or
 * credentials.
 */
export function catalogOrigin(catalog: string): string {
  const text = catalog.trim();
  const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new CatalogUrlError(`invalid catalog ${JSON.stringify(catalog)}`);
  }
  const local = url.hostname === "localhost" || url.hostname === "127.0.0.1";
  if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) {
    throw new CatalogUrlError(`catalog ${JSON.stringify(catalog)} must use https`);
  }
  if (url.username || url.password || url.search || url.hash || url.pathname !== "/") {
    throw new CatalogUrlError(
      `catalog ${
        JSON.stringify(catalog)
      } must be a bare host or origin (no path, query or credentials)`,
    );
  }
  return url.origin;
}

/** Where a catalog publishes its configuration (`registryUrl`, `region`, ...). */
export function catalogConfigUrl(catalog: string): string {
  return `${catalogOrigin(catalog)}/config.json`;
}

/** The registry's GraphQL endpoint: `<registryUrl>/graphql`. */
export function registryGraphqlUrl(registryUrl: string): string {
  let url: URL;
  try {
    url = new URL(registryUrl);
  } catch {
    throw new CatalogUrlError(`invalid registry URL ${JSON.stringify(registryUrl)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new CatalogUrlError(`registry URL ${JSON.stringify(registryUrl)} must be http(s)`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}/graphql`;
}

/** Input of {@link catalogPackageUrl}. */
export interface CatalogPackageTarget {
  /** Registry bucket. */
  readonly bucket: string;
  /** Package name `namespace/name`. */
  readonly packageName: string;
  /** `latest` (default), a unix-seconds pointer, or a full top hash. */
  readonly revision?: string;
  /** Path inside the package (directories end in `/`). */
  readonly path?: string;
}

/** Catalog page of a package: `https://<host>/b/<bucket>/packages/<ns>/<name>/tree/<rev>/<path>`. */
export function catalogPackageUrl(catalog: string, target: CatalogPackageTarget): string {
  const origin = catalogOrigin(catalog);
  validateBucketName(target.bucket);
  validatePackageName(target.packageName);
  const revision = target.revision ?? LATEST;
  if (!isPointerName(revision) && !isTopHash(revision)) {
    throw new CatalogUrlError(
      `revision must be "latest", a unix timestamp or a full 64-digit top hash`,
    );
  }
  let url = `${origin}/b/${target.bucket}/packages/${pyQuote(target.packageName)}/tree/${revision}`;
  if (target.path) {
    checkPath(target.path);
    url += "/" + pyQuote(target.path);
  }
  return url;
}

/** Input of {@link catalogBucketUrl}. */
export interface CatalogBucketTarget {
  /** Bucket. */
  readonly bucket: string;
  /** Object key or prefix (prefixes end in `/`); the bucket root when absent. */
  readonly path?: string;
  /** Object version. */
  readonly versionId?: string;
}

/** Catalog page of a bucket path: `https://<host>/b/<bucket>/tree/<path>[?version=<id>]`. */
export function catalogBucketUrl(catalog: string, target: CatalogBucketTarget): string {
  const origin = catalogOrigin(catalog);
  validateBucketName(target.bucket);
  let url = `${origin}/b/${target.bucket}`;
  if (target.path) {
    if (!target.path.isWellFormed()) throw new CatalogUrlError("path contains a lone surrogate");
    url += `/tree/${pyQuote(target.path)}`;
    // As quilt3's catalog_s3_url: a version only makes sense with a path.
    if (target.versionId !== undefined) url += `?version=${pyQuotePlus(target.versionId)}`;
  }
  return url;
}

function checkPath(path: string): void {
  try {
    checkRelativePath(path);
  } catch (e) {
    throw new CatalogUrlError((e as Error).message.replace(/^invalid Quilt\+ URI: /, ""));
  }
}

/** The catalog page a Quilt+ URI points at (its `catalog=` host unless `catalog` is given). */
export function catalogUrlFromQuiltUri(uri: QuiltUri, catalog?: string): string {
  const host = catalog ?? uri.catalog;
  if (!host) {
    throw new CatalogUrlError("no catalog host: the URI has no catalog= and none was given");
  }
  if (uri.topHash !== undefined && !isTopHash(uri.topHash)) {
    throw new CatalogUrlError("resolve the short hash to a full top hash first");
  }
  return catalogPackageUrl(host, {
    bucket: uri.bucket,
    packageName: uri.packageName,
    revision: uri.topHash ?? uri.tag ?? LATEST,
    path: uri.path,
  });
}
