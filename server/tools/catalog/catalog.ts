/**
 * catalog: Quilt catalog web URLs and quilt+s3 URIs, built and parsed locally (no AWS call, no
 * network).
 * @module
 */
import * as z from "zod";
import {
  catalogBucketUrl,
  catalogOrigin,
  catalogPackageUrl,
  catalogUrlFromQuiltUri,
  formatQuiltUri,
  isTopHash,
  parseQuiltUri,
  type QuiltUri,
} from "../../quilt/mod.ts";
import type { Config } from "../../config/schema.ts";
import { defineTool, LOCAL_ONLY, type ToolDefinition } from "../common/define.ts";
import { ToolError } from "../common/errors.ts";
import { bucketName, versionId } from "../common/inputs.ts";
import { packageName, quilt, topHashInput } from "../common/package_inputs.ts";

const catalogInput = z.string().min(1).max(300).describe(
  "Catalog host or origin, e.g. catalog.example.com (default: the server's configured catalog)",
);
const pathInput = z.string().min(1).max(1024);
const quiltUriInput = z.string().min(12).max(4096).describe(
  "A quilt+s3:// URI, e.g. quilt+s3://bucket#package=ns/name@abc123&path=data/",
);

/** The catalog to use: the argument, else the configured one, else a clear error. */
function catalogOf(config: Config, given: string | undefined): string {
  const catalog = given ?? config.catalogUrl;
  if (!catalog) {
    throw new ToolError(
      "invalid_input",
      "No catalog given and none is configured (QUILT_MCP_CATALOG_URL): pass catalog, e.g. catalog.example.com.",
    );
  }
  return catalog;
}

/** A catalog's host (`host[:port]`), for the `catalog=` parameter of URIs. */
function hostOf(catalog: string): Promise<string> {
  return quilt(() => new URL(catalogOrigin(catalog)).host, "catalog");
}

/** The configured catalog's host, if any. */
function configuredHost(config: Config): string | undefined {
  if (!config.catalogUrl) return undefined;
  try {
    return new URL(catalogOrigin(config.catalogUrl)).host;
  } catch {
    return undefined;
  }
}

const catalogUrl = defineTool({
  name: "catalog_url",
  title: "Catalog link",
  description:
    "Builds a Quilt catalog web link a person can open: a package page (bucket + package, optionally a revision and a path inside it), a bucket folder or object page (bucket + path, optionally a version), or the page a quilt+s3 URI points to. No AWS call is made, so nothing is checked for existence; package revisions must be 'latest', a timestamp or a full 64-digit top hash.",
  input: z.object({
    uri: quiltUriInput.optional().describe(
      "Link to what this quilt+s3 URI names (instead of bucket/package)",
    ),
    bucket: bucketName.optional(),
    package: packageName.optional(),
    revision: z.string().min(1).max(64).optional().describe(
      "Package revision: 'latest' (default), unix seconds, or a full top hash",
    ),
    path: pathInput.optional().describe(
      "Path inside the package, or an object key / folder (ending in '/') in the bucket",
    ),
    version_id: versionId.optional().describe("Object version (bucket links only)"),
    catalog: catalogInput.optional(),
  }),
  output: z.object({
    url: z.string(),
    kind: z.enum(["package", "bucket"]),
    catalog: z.string().describe("Catalog origin used"),
  }),
  annotations: LOCAL_ONLY,
  async run(args, { deps }) {
    if (args.uri !== undefined) {
      if (args.bucket || args.package || args.revision || args.path || args.version_id) {
        throw new ToolError("invalid_input", "Give either uri or bucket/package/path, not both.");
      }
      const parsed = await quilt(() => parseQuiltUri(args.uri!), "uri");
      const catalog = args.catalog ?? parsed.catalog ?? catalogOf(deps.config, undefined);
      if (parsed.topHash !== undefined && !isTopHash(parsed.topHash)) {
        throw new ToolError(
          "invalid_input",
          `The URI names the short hash ${parsed.topHash}; catalog links need the full top hash (package_browse resolves it).`,
        );
      }
      const url = await quilt(() => catalogUrlFromQuiltUri(parsed, catalog));
      return { url, kind: "package" as const, catalog: await quilt(() => catalogOrigin(catalog)) };
    }
    if (!args.bucket) {
      throw new ToolError("invalid_input", "Give bucket (and package for a package page), or uri.");
    }
    const catalog = catalogOf(deps.config, args.catalog);
    const origin = await quilt(() => catalogOrigin(catalog));
    if (args.package) {
      if (args.version_id) {
        throw new ToolError(
          "invalid_input",
          "version_id applies to bucket links, not package pages.",
        );
      }
      const url = await quilt(() =>
        catalogPackageUrl(catalog, {
          bucket: args.bucket!,
          packageName: args.package!,
          revision: args.revision?.toLowerCase(),
          path: args.path,
        })
      );
      return { url, kind: "package" as const, catalog: origin };
    }
    if (args.revision) throw new ToolError("invalid_input", "revision needs package.");
    const url = await quilt(() =>
      catalogBucketUrl(catalog, {
        bucket: args.bucket!,
        path: args.path,
        versionId: args.version_id,
      })
    );
    return { url, kind: "bucket" as const, catalog: origin };
  },
});

const catalogUri = defineTool({
  name: "catalog_uri",
  title: "quilt+s3 URI",
  description:
    "Converts between quilt+s3 URIs (the portable name of a package, revision and path, e.g. quilt+s3://bucket#package=ns/name@1a2b3c&path=data/) and their parts. Give uri to parse one into bucket, package, top hash or tag, path and catalog; or give bucket and package (plus optional top_hash or tag, path, catalog) to build one. Also returns the catalog page when a catalog is known. No AWS call is made.",
  input: z.object({
    uri: quiltUriInput.optional().describe("Parse this URI"),
    bucket: bucketName.optional(),
    package: packageName.optional(),
    top_hash: topHashInput.optional().describe("Pin a revision by (short) top hash"),
    tag: z.string().regex(/^(latest|\d{1,12})$/, "a tag is 'latest' or unix seconds").optional()
      .describe("Pin a revision by tag: 'latest' or unix seconds"),
    path: pathInput.optional().describe("Path inside the package (a folder ends in '/')"),
    catalog: catalogInput.optional(),
  }),
  output: z.object({
    uri: z.string(),
    bucket: z.string(),
    package: z.string(),
    top_hash: z.string().nullable(),
    tag: z.string().nullable(),
    path: z.string().nullable(),
    catalog: z.string().nullable(),
    catalog_url: z.string().nullable().describe(
      "The catalog page, when a catalog is known and the revision is not a short hash",
    ),
  }),
  annotations: LOCAL_ONLY,
  async run(args, { deps }) {
    let parts: QuiltUri;
    if (args.uri !== undefined) {
      if (args.bucket || args.package || args.top_hash || args.tag || args.path) {
        throw new ToolError(
          "invalid_input",
          "Give either uri (to parse) or its parts (to build), not both.",
        );
      }
      parts = await quilt(() => parseQuiltUri(args.uri!), "uri");
      if (args.catalog) parts = { ...parts, catalog: await hostOf(args.catalog) };
    } else {
      if (!args.bucket || !args.package) {
        throw new ToolError(
          "invalid_input",
          "Give uri to parse, or bucket and package to build one.",
        );
      }
      if (args.top_hash && args.tag) {
        throw new ToolError("invalid_input", "Give top_hash or tag, not both.");
      }
      const catalog = args.catalog ? await hostOf(args.catalog) : configuredHost(deps.config);
      parts = {
        bucket: args.bucket,
        packageName: args.package,
        ...(args.top_hash ? { topHash: args.top_hash.toLowerCase() } : {}),
        ...(args.tag ? { tag: args.tag } : {}),
        ...(args.path ? { path: args.path } : {}),
        ...(catalog ? { catalog } : {}),
      };
    }
    const uri = await quilt(() => formatQuiltUri(parts));
    // Round trip: what we return must parse back to the same parts.
    const canonical = await quilt(() => parseQuiltUri(uri));
    const catalog = canonical.catalog ?? configuredHost(deps.config);
    let url: string | null = null;
    if (catalog && (canonical.topHash === undefined || isTopHash(canonical.topHash))) {
      try {
        url = catalogUrlFromQuiltUri(canonical, catalog);
      } catch {
        url = null;
      }
    }
    return {
      uri,
      bucket: canonical.bucket,
      package: canonical.packageName,
      top_hash: canonical.topHash ?? null,
      tag: canonical.tag ?? null,
      path: canonical.path ?? null,
      catalog: canonical.catalog ?? null,
      catalog_url: url,
    };
  },
});

/** Tools of the catalog category. */
export const CATALOG_TOOLS: readonly ToolDefinition[] = [catalogUrl, catalogUri];
