/** packages-read: list, inspect, browse and diff Quilt packages in a registry bucket. @module */
import * as z from "zod";
import {
  browseManifest,
  diffManifests,
  encodeManifestJsonLenient,
  entryFieldsAsWritten,
  formatQuiltUri,
  LATEST,
  listRevisions,
  type ManifestEntry,
  type MetaChange,
} from "../../quilt/mod.ts";
import { defineTool, READ_ONLY, type ToolDefinition } from "../common/define.ts";
import { ToolError } from "../common/errors.ts";
import { assertBucketAllowed, bucketName } from "../common/inputs.ts";
import {
  cursorInput,
  packageName,
  pageLimit,
  quilt,
  topHashInput,
} from "../common/package_inputs.ts";
import { RegistryIo } from "../common/package_io.ts";
import { decodeCursor, encodeCursor, packagePrefix } from "../common/package_listing.ts";
import {
  fileOut,
  fileSchema,
  hashSchema,
  jsonOut,
  objectOut,
  revisionSchema,
  sizeOut,
} from "../common/package_view.ts";

const packageList = defineTool({
  name: "package_list",
  title: "List packages",
  description:
    "Lists the Quilt packages in a registry (an S3 bucket), by name, optionally only those whose name starts with a prefix such as 'genomics/'. Use it to discover packages before browsing them; pass next_cursor to get the next page. For the revisions of one package use package_versions; to find packages by words in their metadata use package_search.",
  input: z.object({
    bucket: bucketName.describe("Registry bucket (no s3:// prefix)"),
    prefix: packagePrefix,
    limit: pageLimit(1000, 100),
    cursor: cursorInput.optional(),
  }),
  output: z.object({
    bucket: z.string(),
    prefix: z.string(),
    packages: z.array(z.object({ name: z.string(), uri: z.string() })),
    next_cursor: z.string().nullable(),
  }),
  annotations: READ_ONLY,
  async run(args, env) {
    assertBucketAllowed(env.deps.config, args.bucket);
    let after: string | undefined;
    if (args.cursor) {
      const state = decodeCursor(args.cursor, "package_list");
      if (state.prefix !== args.prefix || typeof state.after !== "string") {
        throw new ToolError("invalid_cursor", "Invalid cursor: it belongs to another prefix.");
      }
      after = state.after;
    }
    const io = new RegistryIo(env, args.bucket);
    const names: string[] = [];
    let more = false;
    for await (const name of io.packageNames(args.prefix, after)) {
      if (names.length === args.limit) {
        more = true;
        break;
      }
      names.push(name);
    }
    return {
      bucket: args.bucket,
      prefix: args.prefix,
      packages: names.map((name) => ({
        name,
        uri: formatQuiltUri({ bucket: args.bucket, packageName: name }),
      })),
      next_cursor: more
        ? encodeCursor({ kind: "package_list", prefix: args.prefix, after: names.at(-1) })
        : null,
    };
  },
});

const packageVersions = defineTool({
  name: "package_versions",
  title: "Package revisions",
  description:
    "Lists the revisions of one Quilt package, newest first: each revision's timestamp, its top hash, and which one is 'latest'. Use it to pick a revision for package_browse or package_diff (pass its top_hash), or to see when a package last changed. Pass next_cursor for older revisions.",
  input: z.object({
    bucket: bucketName.describe("Registry bucket (no s3:// prefix)"),
    package: packageName,
    limit: pageLimit(1000, 100),
    cursor: cursorInput.optional(),
  }),
  output: z.object({
    bucket: z.string(),
    package: z.string(),
    latest: z.object({ top_hash: z.string(), modified: z.string().nullable() }).nullable(),
    total: z.number().describe("Timestamped revisions of the package"),
    versions: z.array(z.object({
      timestamp: z.number().describe("Unix seconds the revision was pushed"),
      created: z.string().describe("The timestamp as ISO 8601"),
      top_hash: z.string(),
      is_latest: z.boolean(),
    })),
    next_cursor: z.string().nullable(),
  }),
  annotations: READ_ONLY,
  async run(args, env) {
    assertBucketAllowed(env.deps.config, args.bucket);
    const io = new RegistryIo(env, args.bucket);
    let before: number | undefined;
    if (args.cursor) {
      const state = decodeCursor(args.cursor, "package_versions");
      if (state.package !== args.package || typeof state.before !== "number") {
        throw new ToolError("invalid_cursor", "Invalid cursor: it belongs to another package.");
      }
      before = state.before;
    }
    const listed = await io.listPointers(args.package);
    if (listed.length === 0) {
      throw new ToolError(
        "not_found",
        `Not found: package ${args.package} does not exist in s3://${args.bucket}.`,
      );
    }
    const stamps = listed
      .filter((p) => p.pointer !== LATEST)
      .map((p) => p.pointer)
      .sort((a, b) => Number(b) - Number(a));
    const remaining = before === undefined ? stamps : stamps.filter((s) => Number(s) < before!);
    const page = remaining.slice(0, args.limit);
    const latestListed = listed.find((p) => p.pointer === LATEST);
    const pointers = await io.readPointers(args.package, [
      ...(latestListed ? [LATEST] : []),
      ...page,
    ]);
    const revisions = listRevisions(pointers);
    const latestHash = pointers.find((p) => p.pointer === LATEST)?.topHash;
    return {
      bucket: args.bucket,
      package: args.package,
      latest: latestHash
        ? {
          top_hash: latestHash,
          modified: latestListed?.lastModified
            ? new Date(latestListed.lastModified).toISOString()
            : null,
        }
        : null,
      total: stamps.length,
      versions: revisions.map((r) => ({
        timestamp: r.timestamp,
        created: new Date(r.timestamp * 1000).toISOString(),
        top_hash: r.topHash,
        is_latest: r.isLatest,
      })),
      next_cursor: remaining.length > page.length
        ? encodeCursor({
          kind: "package_versions",
          package: args.package,
          before: Number(page.at(-1)),
        })
        : null,
    };
  },
});

const dirItem = z.object({
  type: z.literal("dir"),
  name: z.string(),
  logical_key: z.string().describe("Directory path with a trailing slash"),
  files: z.number().describe("Files anywhere below the directory"),
  bytes: z.number().describe("Total size of those files"),
  meta: z.unknown().optional().describe("Directory-level metadata, when the manifest has some"),
});
const fileItem = fileSchema.extend({ type: z.literal("file"), name: z.string() });

const packageBrowse = defineTool({
  name: "package_browse",
  title: "Browse a package",
  description:
    "Shows the contents of a Quilt package revision like a file browser: the package's message and metadata, then the files and folders under a path with their sizes, hashes, S3 locations and metadata. Defaults to the latest revision at the root ('tree' view: immediate children, folders with file counts and total bytes). Use view 'flat' to list every file below a path (or key_prefix to filter by the start of the file path). A path naming a file returns that file alone. Large packages are paged: pass next_cursor to continue. top_hash may be the full hash or a unique prefix of at least 6 hex digits (see package_versions).",
  input: z.object({
    bucket: bucketName.describe("Registry bucket (no s3:// prefix)"),
    package: packageName,
    top_hash: topHashInput.optional().describe(
      "Revision to browse (full or ≥ 6-digit prefix); omit for latest",
    ),
    path: z.string().max(1024).default("").describe(
      "Folder (e.g. 'data/') or file inside the package; empty = the root",
    ),
    view: z.enum(["tree", "flat"]).default("tree").describe(
      "tree: the folder's immediate children; flat: every file below it",
    ),
    key_prefix: z.string().min(1).max(1024).optional().describe(
      "Flat view only: files whose path starts with this text (instead of path)",
    ),
    limit: pageLimit(1000, 100),
    cursor: cursorInput.optional(),
    include_meta: z.boolean().default(true).describe("Include each file's metadata"),
  }),
  output: z.object({
    bucket: z.string(),
    package: z.string(),
    top_hash: z.string(),
    uri: z.string().describe("quilt+s3 URI of this revision and path"),
    message: z.string().nullable().describe("Commit message of the revision"),
    user_meta: z.record(z.string(), z.unknown()).describe("Package-level user metadata"),
    workflow: z.unknown().optional(),
    path: z.string(),
    kind: z.enum(["dir", "file"]),
    view: z.enum(["tree", "flat"]),
    items: z.array(z.discriminatedUnion("type", [dirItem, fileItem])),
    totals: z.object({
      files: z.number().describe("Files below the path (over all pages)"),
      bytes: z.number().describe("Their total size"),
      items: z.number().describe("Items of the listing over all pages"),
    }),
    next_cursor: z.string().nullable(),
  }),
  annotations: READ_ONLY,
  async run(args, env) {
    assertBucketAllowed(env.deps.config, args.bucket);
    const io = new RegistryIo(env, args.bucket);
    const topHash = args.top_hash
      ? await io.resolveTopHash(args.top_hash)
      : await io.latest(args.package);
    const manifest = await io.readManifest(topHash);
    const page = await quilt(() =>
      browseManifest(manifest, {
        view: args.view,
        path: args.path,
        keyPrefix: args.key_prefix,
        limit: args.limit,
        cursor: args.cursor,
        revision: topHash,
      })
    );
    const message = manifest.header.get("message");
    const workflow = manifest.header.get("workflow");
    const uriPath = page.path === ""
      ? undefined
      : page.kind === "dir"
      ? `${page.path}/`
      : page.path;
    return {
      bucket: args.bucket,
      package: args.package,
      top_hash: topHash,
      uri: formatQuiltUri({
        bucket: args.bucket,
        packageName: args.package,
        topHash,
        path: args.key_prefix ? undefined : uriPath,
      }),
      message: typeof message === "string" ? message : null,
      user_meta: objectOut(manifest.header.get("user_meta")),
      ...(workflow !== undefined ? { workflow: jsonOut(workflow) } : {}),
      path: page.path,
      kind: page.kind,
      view: page.view,
      items: page.items.map((item) =>
        item.type === "dir"
          ? {
            type: "dir" as const,
            name: item.name,
            logical_key: item.logicalKey,
            files: item.files,
            bytes: item.bytes,
            ...(item.meta !== undefined ? { meta: jsonOut(item.meta) } : {}),
          }
          : { type: "file" as const, name: item.name, ...fileOut(item.entry, args.include_meta) }
      ),
      totals: page.totals,
      next_cursor: page.nextCursor ?? null,
    };
  },
});

const entrySide = z.object({
  size: z.number().nullable(),
  hash: hashSchema,
  meta: z.unknown().optional(),
  as_written: z.object({
    size: z.string(),
    hash: z.string(),
    meta: z.string().optional(),
  }).describe(
    "The compared fields exactly as the manifest writes them (JSON text: 1 and 1.0, 0.0 and -0.0 differ)",
  ),
});
const changedEntry = z.object({
  logical_key: z.string(),
  changes: z.array(z.enum(["hash", "size", "meta"])),
  old: entrySide,
  new: entrySide,
});
const metaChange = z.object({
  key: z.string(),
  old: z.unknown().optional(),
  new: z.unknown().optional(),
  old_json: z.string().optional().describe("The old value exactly as the manifest writes it"),
  new_json: z.string().optional().describe("The new value exactly as the manifest writes it"),
});

function metaChangesOut(changes: readonly MetaChange[]) {
  return changes.map((c) => ({
    key: c.key,
    ...(c.old !== undefined
      ? { old: jsonOut(c.old), old_json: encodeManifestJsonLenient(c.old) }
      : {}),
    ...(c.new !== undefined
      ? { new: jsonOut(c.new), new_json: encodeManifestJsonLenient(c.new) }
      : {}),
  }));
}

function entrySideOut(e: ManifestEntry, withMeta: boolean): z.infer<typeof entrySide> {
  const written = entryFieldsAsWritten(e);
  return {
    size: sizeOut(e),
    hash: { type: e.hash.type, value: e.hash.value },
    ...(withMeta ? { meta: jsonOut(e.meta) } : {}),
    as_written: {
      size: written.size,
      hash: written.hash,
      ...(withMeta ? { meta: written.meta } : {}),
    },
  };
}

const packageDiff = defineTool({
  name: "package_diff",
  title: "Compare package revisions",
  description:
    "Compares two Quilt package revisions: files added, removed and modified (content hash, size or metadata), and changes to the package metadata and message. The 'from' side is package@top_hash (default latest); the 'to' side is other_package@other_top_hash in other_bucket (each defaults to the 'from' package, bucket and latest), so it can compare two revisions of one package or two different packages. Find top hashes with package_versions.",
  input: z.object({
    bucket: bucketName.describe("Registry bucket of the 'from' side (no s3:// prefix)"),
    package: packageName.describe("Package of the 'from' side"),
    top_hash: topHashInput.optional().describe("'From' revision; omit for latest"),
    other_package: packageName.optional().describe("Package of the 'to' side (default: package)"),
    other_bucket: bucketName.optional().describe(
      "Registry bucket of the 'to' side (default: bucket)",
    ),
    other_top_hash: topHashInput.optional().describe("'To' revision; omit for latest"),
    key_prefix: z.string().min(1).max(1024).optional().describe(
      "Only compare files whose path starts with this, e.g. 'data/'",
    ),
    limit: pageLimit(1000, 100).describe(
      "At most this many items in each of added, removed and modified (counts stay exact)",
    ),
  }),
  output: z.object({
    from: revisionSchema,
    to: revisionSchema,
    identical: z.boolean().describe("True when both sides have the same top hash"),
    counts: z.object({
      added: z.number(),
      removed: z.number(),
      modified: z.number(),
      unchanged: z.number(),
    }),
    truncated: z.boolean().describe("True when a list was cut at limit"),
    added: z.array(fileSchema),
    removed: z.array(fileSchema),
    modified: z.array(changedEntry),
    package_meta_changes: z.array(metaChange).describe(
      "Changed keys of the package metadata line (message, user_meta, workflow, ...)",
    ),
    dir_meta_changes: z.array(metaChange),
  }),
  annotations: READ_ONLY,
  async run(args, env) {
    const { config } = env.deps;
    const otherBucket = args.other_bucket ?? args.bucket;
    const otherPackage = args.other_package ?? args.package;
    assertBucketAllowed(config, args.bucket);
    assertBucketAllowed(config, otherBucket);
    if (
      otherBucket === args.bucket && otherPackage === args.package && !args.top_hash &&
      !args.other_top_hash
    ) {
      throw new ToolError(
        "invalid_input",
        "Both sides are the latest revision of the same package. Give top_hash (the older revision; package_versions lists them) or another package.",
      );
    }
    const fromIo = new RegistryIo(env, args.bucket);
    const toIo = otherBucket === args.bucket ? fromIo : new RegistryIo(env, otherBucket);
    const [fromHash, toHash] = await Promise.all([
      args.top_hash ? fromIo.resolveTopHash(args.top_hash) : fromIo.latest(args.package),
      args.other_top_hash ? toIo.resolveTopHash(args.other_top_hash) : toIo.latest(otherPackage),
    ]);
    const [before, after] = await Promise.all([
      fromIo.readManifest(fromHash),
      toIo.readManifest(toHash),
    ]);
    const diff = await quilt(() =>
      diffManifests(before, after, { keyPrefix: args.key_prefix, limit: args.limit })
    );
    return {
      from: { bucket: args.bucket, package: args.package, top_hash: fromHash },
      to: { bucket: otherBucket, package: otherPackage, top_hash: toHash },
      identical: fromHash === toHash,
      counts: diff.counts,
      truncated: diff.truncated,
      added: diff.added.map((e) => fileOut(e, true)),
      removed: diff.removed.map((e) => fileOut(e, true)),
      modified: diff.modified.map((m) => {
        const withMeta = m.changes.includes("meta");
        return {
          logical_key: m.logicalKey,
          changes: [...m.changes],
          old: entrySideOut(m.old, withMeta),
          new: entrySideOut(m.new, withMeta),
        };
      }),
      package_meta_changes: metaChangesOut(diff.header),
      dir_meta_changes: metaChangesOut(diff.dirMeta),
    };
  },
});

/** Tools of the packages-read category. */
export const PACKAGES_READ_TOOLS: readonly ToolDefinition[] = [
  packageList,
  packageVersions,
  packageBrowse,
  packageDiff,
];
