/**
 * packages-write: create, update and delete Quilt packages exactly as quilt3 lays them out — the
 * manifest at `.quilt/packages/<top_hash>`, a `<unix_seconds>` pointer and `latest` — with
 * optimistic concurrency: `latest` is written conditionally, so a revision that lost a race is
 * reported as a conflict instead of overwriting the winner.
 * @module
 */
import * as z from "zod";
import {
  buildManifest,
  catalogPackageUrl,
  computeTopHash,
  createHeader,
  formatQuiltUri,
  headerUserMeta,
  type JsonObject,
  type JsonValue,
  LATEST,
  latestPointerKey,
  type Manifest,
  type ManifestEntry,
  manifestKey,
  planRevisionDelete,
  pointerKey,
  resolveShortHash,
  serializeManifest,
  timestampPointerName,
  validateLogicalKey,
  withCommitMessage,
  withUserMeta,
} from "../../quilt/mod.ts";
import { mapLimit } from "../common/concurrency.ts";
import {
  defineTool,
  type ToolAnnotations,
  type ToolDefinition,
  type ToolEnv,
} from "../common/define.ts";
import { ToolError } from "../common/errors.ts";
import { assertBucketAllowed, bucketName } from "../common/inputs.ts";
import { fullTopHash, packageName, quilt, topHashInput } from "../common/package_inputs.ts";
import { PreconditionFailed, RegistryIo } from "../common/package_io.ts";
import { withWorkflow, workflowInput, workflowRecord } from "./package_workflow.ts";
import {
  entryInput,
  hashEntries,
  hashMissing,
  type HashStats,
  headEntries,
  MAX_NEW_ENTRIES,
  physicalKeyOf,
  planExplicit,
  type PlannedEntry,
  planSource,
  type ResolvedEntry,
  sourceInput,
  userMetaInputs,
  userMetaOf,
} from "./package_sources.ts";

/** Most entries listed back in one answer (totals always cover all of them). */
const MAX_LISTED = 1000;
/** Attempts to find a free timestamp pointer when several revisions land in one second. */
const TIMESTAMP_ATTEMPTS = 10;
/** Most revision pointers package_delete reads or deletes in one call. */
const MAX_DELETE_POINTERS = 10_000;
/** Pointer deletions in flight. */
const DELETE_CONCURRENCY = 8;

/** Annotations of the tools that publish a revision. */
export const WRITE: ToolAnnotations = {
  readOnlyHint: false,
  // New revisions are added; nothing existing is replaced or removed.
  destructiveHint: false,
  // Every call publishes a new revision (a new timestamp pointer).
  idempotentHint: false,
  openWorldHint: true,
};

const plannedOut = z.object({
  logical_key: z.string(),
  action: z.enum(["add", "replace", "remove", "keep"]),
  source: z.string().nullable().describe("s3:// location of the bytes (pinned when versioned)"),
  size: z.number().nullable(),
});

/** What package_create and package_update answer. */
export const writeOutput = z.object({
  bucket: z.string(),
  package: z.string(),
  dry_run: z.boolean(),
  top_hash: z.string().nullable().describe("Top hash of the new revision (null in a dry run)"),
  parent_top_hash: z.string().nullable(),
  timestamp: z.number().nullable().describe("Unix seconds of the new revision pointer"),
  uri: z.string().nullable().describe("quilt+s3 URI of the new revision"),
  catalog_url: z.string().nullable(),
  totals: z.object({
    entries: z.number().describe("Files in the resulting revision"),
    bytes: z.number().describe("Their total size"),
    added: z.number(),
    replaced: z.number(),
    removed: z.number(),
  }),
  changes: z.array(plannedOut).describe(
    `Added, replaced and removed entries (at most ${MAX_LISTED}; totals count all)`,
  ),
  changes_truncated: z.boolean(),
  hashing: z.object({
    from_s3_checksum: z.number(),
    streamed: z.number(),
    streamed_bytes: z.number(),
  }).nullable(),
});
export type WriteOutput = z.infer<typeof writeOutput>;

/** Writes the manifest, then `latest` (conditionally), then a free timestamp pointer. */
async function publish(
  io: RegistryIo,
  pkg: string,
  manifest: Manifest,
  guard: { ifMatch?: string; ifNoneMatch?: "*" },
  expected: string | null,
): Promise<{ topHash: string; timestamp: number }> {
  const text = await quilt(() => serializeManifest(manifest), "the new manifest");
  const topHash = await quilt(() => computeTopHash(manifest), "the new manifest");
  await io.put(manifestKey(topHash), new TextEncoder().encode(text));
  try {
    await io.put(latestPointerKey(pkg), topHash, guard);
  } catch (e) {
    if (e instanceof PreconditionFailed) throw conflict(io.bucket, pkg, expected, undefined);
    throw e;
  }
  let seconds = Number(timestampPointerName(new Date()));
  for (let attempt = 1;; attempt++) {
    try {
      await io.put(pointerKey(pkg, String(seconds)), topHash, { ifNoneMatch: "*" });
      return { topHash, timestamp: seconds };
    } catch (e) {
      // Another revision was pushed in the same second: take the next free one.
      if (!(e instanceof PreconditionFailed) || attempt >= TIMESTAMP_ATTEMPTS) throw e;
      seconds++;
    }
  }
}

function conflict(
  bucket: string,
  pkg: string,
  expected: string | null,
  actual: string | undefined,
): ToolError {
  if (expected === null) {
    return new ToolError(
      "conflict",
      `Conflict: package ${pkg} already exists in s3://${bucket}${
        actual ? ` (latest = ${actual})` : ""
      }. Nothing was overwritten. To add a revision, call package_update with parent_top_hash set to its latest top hash.`,
    );
  }
  return new ToolError(
    "conflict",
    `Conflict: the latest revision of ${pkg} is ${
      actual ?? "no longer the one you built on"
    }, not your parent_top_hash ${expected}; someone published or deleted a revision meanwhile. Nothing was overwritten. Browse the latest revision and apply your changes to it.`,
  );
}

function newEntryMeta(old: JsonValue | undefined, userMeta: JsonValue | undefined): JsonValue {
  if (userMeta === undefined) return old ?? new Map();
  const meta: JsonObject = old instanceof Map ? new Map(old) : new Map();
  meta.set("user_meta", userMeta);
  return meta;
}

interface Plan {
  entries: ManifestEntry[];
  changes: z.infer<typeof plannedOut>[];
  added: number;
  replaced: number;
  removed: number;
  stats: HashStats | null;
}

/**
 * Resolves new entries (HeadObject; hashes unless `dryRun`) and merges them over `base`
 * (logical key → existing entry). Existing metadata is kept when a replacement gives none.
 * `check` sees every entry of the new revision (sizes known, hashes not yet) before anything is
 * hashed: the workflow rules run there.
 */
async function mergeNew(
  env: ToolEnv,
  base: Map<string, ManifestEntry>,
  planned: PlannedEntry[],
  dryRun: boolean,
  removedKeys: string[],
  check: (entries: Iterable<ManifestEntry>) => Promise<void>,
): Promise<Plan> {
  const seen = new Set<string>();
  for (const p of planned) {
    if (seen.has(p.logicalKey)) {
      throw new ToolError(
        "invalid_input",
        `Logical key ${
          JSON.stringify(p.logicalKey)
        } is given twice; each file of a package needs its own path.`,
      );
    }
    seen.add(p.logicalKey);
  }
  const changes: z.infer<typeof plannedOut>[] = removedKeys.map((k) => ({
    logical_key: k,
    action: "remove" as const,
    source: null,
    size: null,
  }));
  // A dry run reads sizes from the listing where it has them and asks S3 only for the others.
  const needHead = dryRun ? planned.filter((p) => p.size === undefined) : planned;
  const headed = await headEntries(env, needHead);
  const byKey = new Map(headed.map((h) => [h.logicalKey, h]));
  const resolved: ResolvedEntry[] = planned.map((p) =>
    byKey.get(p.logicalKey) ?? ({ ...p, size: p.size ?? 0 } as ResolvedEntry)
  );
  let stats: HashStats | null = null;
  let added = 0, replaced = 0;
  const entries = new Map(base);
  const unhashed = new Map(base);
  for (const r of resolved) {
    unhashed.set(r.logicalKey, {
      logicalKey: r.logicalKey,
      physicalKey: physicalKeyOf(r),
      size: r.size,
      hash: { type: "sha2-256-chunked", value: "" },
      meta: newEntryMeta(base.get(r.logicalKey)?.meta, r.userMeta),
    });
  }
  await check(unhashed.values());
  if (!dryRun) {
    const hashed = await hashEntries(env, resolved);
    stats = hashed.stats;
    resolved.forEach((r, i) => {
      const old = entries.get(r.logicalKey);
      entries.set(r.logicalKey, {
        logicalKey: r.logicalKey,
        physicalKey: physicalKeyOf(r),
        size: r.size,
        hash: hashed.hashes[i],
        meta: newEntryMeta(old?.meta, r.userMeta),
      });
    });
  }
  for (const r of resolved) {
    const isReplace = base.has(r.logicalKey);
    if (isReplace) replaced++;
    else added++;
    changes.push({
      logical_key: r.logicalKey,
      action: isReplace ? "replace" : "add",
      source: physicalKeyOf(r),
      size: r.size,
    });
  }
  if (dryRun) {
    for (const r of resolved) {
      entries.set(r.logicalKey, {
        logicalKey: r.logicalKey,
        physicalKey: physicalKeyOf(r),
        size: r.size,
        hash: { type: "sha2-256-chunked", value: "" },
        meta: new Map(),
      });
    }
  }
  return {
    entries: [...entries.values()],
    changes,
    added,
    replaced,
    removed: removedKeys.length,
    stats,
  };
}

async function planAll(
  env: ToolEnv,
  registry: string,
  entries: z.infer<typeof entryInput>[] | undefined,
  source: z.infer<typeof sourceInput> | undefined,
  budget: number,
): Promise<PlannedEntry[]> {
  const planned = await planExplicit(env, entries ?? []);
  if (source) planned.push(...await planSource(env, source, registry, budget - planned.length));
  if (planned.length > budget) {
    throw new ToolError(
      "too_many_entries",
      `One call adds or replaces at most ${MAX_NEW_ENTRIES} entries; split the work into several updates.`,
    );
  }
  return planned;
}

function result(
  env: ToolEnv,
  args: { bucket: string; package: string; dry_run: boolean },
  plan: Plan,
  published: { topHash: string; timestamp: number } | undefined,
  parent: string | null,
): WriteOutput {
  const catalog = env.deps.config.catalogUrl;
  return {
    bucket: args.bucket,
    package: args.package,
    dry_run: args.dry_run,
    top_hash: published?.topHash ?? null,
    parent_top_hash: parent,
    timestamp: published?.timestamp ?? null,
    uri: published
      ? formatQuiltUri({
        bucket: args.bucket,
        packageName: args.package,
        topHash: published.topHash,
      })
      : null,
    catalog_url: published && catalog
      ? catalogPackageUrl(catalog, {
        bucket: args.bucket,
        packageName: args.package,
        revision: published.topHash,
      })
      : null,
    totals: {
      entries: plan.entries.length,
      bytes: plan.entries.reduce((n, e) => n + e.size, 0),
      added: plan.added,
      replaced: plan.replaced,
      removed: plan.removed,
    },
    changes: plan.changes.slice(0, MAX_LISTED),
    changes_truncated: plan.changes.length > MAX_LISTED,
    hashing: plan.stats
      ? {
        from_s3_checksum: plan.stats.fromChecksum,
        streamed: plan.stats.streamed,
        streamed_bytes: plan.stats.streamedBytes,
      }
      : null,
  };
}

const messageInput = z.string().max(100_000).optional().describe("Commit message of the revision");

const packageCreate = defineTool({
  name: "package_create",
  title: "Create a package",
  description:
    "Publishes a new Quilt package (its first revision) in a registry bucket from existing S3 objects, without copying data: list objects explicitly (logical_key + s3_uri, or bucket/key/version_id), or turn a whole folder into a package with source {prefix, include, exclude} — or both. Entry hashes are quilt3's sha2-256-chunked (from S3 checksums when present, else computed by reading the objects); objects in versioned buckets are pinned to their current version. Run with dry_run: true first to see the planned entries and totals; nothing is written then. Fails with a conflict if the package already exists (use package_update). A registry with workflow rules (.quilt/workflows/config.yml) gets them enforced as quilt3 enforces them (workflow: which one; the error names quilt3's error class).",
  input: z.object({
    bucket: bucketName.describe("Registry bucket to publish in (no s3:// prefix)"),
    package: packageName,
    message: messageInput,
    ...userMetaInputs,
    workflow: workflowInput,
    entries: z.array(entryInput).max(MAX_LISTED).optional().describe(
      `Objects to include explicitly (at most ${MAX_LISTED})`,
    ),
    source: sourceInput.optional().describe("A folder whose objects become the package's files"),
    dry_run: z.boolean().default(false).describe(
      "Plan only: return the entries and totals, write nothing",
    ),
  }),
  output: writeOutput,
  annotations: WRITE,
  async run(args, env) {
    assertBucketAllowed(env.deps.config, args.bucket);
    const io = new RegistryIo(env, args.bucket);
    const existing = await io.readPointer(args.package, LATEST);
    if (existing) throw conflict(args.bucket, args.package, null, existing.topHash);
    const userMeta = await userMetaOf(
      args.user_meta,
      args.user_meta_json,
      "user_meta",
      "user_meta_json",
    );
    const planned = await planAll(env, args.bucket, args.entries, args.source, MAX_NEW_ENTRIES);
    let workflow: JsonObject | undefined;
    const plan = await mergeNew(env, new Map(), planned, args.dry_run, [], async (entries) => {
      workflow = await workflowRecord(env, io, {
        workflow: args.workflow,
        packageName: args.package,
        message: args.message ?? null,
        userMeta: userMeta ?? new Map(),
        entries,
      });
    });
    if (args.dry_run) return result(env, args, plan, undefined, null);
    const header = createHeader({ message: args.message ?? null, userMeta, workflow });
    const manifest = await quilt(
      () => buildManifest({ header, entries: plan.entries }),
      "the new package",
    );
    const published = await publish(io, args.package, manifest, { ifNoneMatch: "*" }, null);
    return result(env, args, plan, published, null);
  },
});

/** Removes `targets` (files, or folders ending in "/") from `entries`; returns the removed keys. */
function removeEntries(entries: Map<string, ManifestEntry>, targets: readonly string[]): string[] {
  const removed: string[] = [];
  for (const t of targets) {
    if (t.endsWith("/")) {
      const before = removed.length;
      for (const key of [...entries.keys()]) {
        if (key.startsWith(t)) {
          entries.delete(key);
          removed.push(key);
        }
      }
      if (removed.length === before) {
        throw new ToolError("not_found", `Nothing to remove: no files under ${JSON.stringify(t)}.`);
      }
    } else {
      if (!entries.delete(t)) {
        throw new ToolError(
          "not_found",
          `Nothing to remove: no file ${JSON.stringify(t)} in the parent revision.`,
        );
      }
      removed.push(t);
    }
  }
  return removed;
}

const updateInput = z.object({
  bucket: bucketName.describe("Registry bucket (no s3:// prefix)"),
  package: packageName,
  parent_top_hash: fullTopHash.describe(
    "Full top hash of the revision this update builds on — must still be latest",
  ),
  message: messageInput,
  ...userMetaInputs,
  workflow: workflowInput,
  set: z.array(entryInput).max(MAX_LISTED).optional().describe(
    `Files to add or replace (at most ${MAX_LISTED}); an item with only logical_key and meta changes that file's metadata. A replaced file keeps its metadata unless meta is given.`,
  ),
  source: sourceInput.optional().describe("A folder whose objects are added or replaced"),
  remove: z.array(z.string().min(1).max(1024)).max(MAX_LISTED).optional().describe(
    "Files to remove; a path ending in '/' removes the whole folder",
  ),
  dry_run: z.boolean().default(false).describe(
    "Plan only: return the changes and totals, write nothing",
  ),
});

/** The arguments of package_update. */
export type UpdateArgs = z.infer<typeof updateInput>;

/**
 * The registry, the parent (lower case) and `latest`, which must still point at the parent:
 * otherwise not_found (no package) or a conflict. Checked before anything is read or written;
 * `latest` is written conditionally on its ETag later, so a revision pushed meanwhile still wins.
 */
export async function latestParent(
  env: ToolEnv,
  args: { bucket: string; package: string; parent_top_hash: string },
) {
  assertBucketAllowed(env.deps.config, args.bucket);
  const parent = args.parent_top_hash.toLowerCase();
  const io = new RegistryIo(env, args.bucket);
  const latest = await io.readPointer(args.package, LATEST);
  if (!latest) {
    throw new ToolError(
      "not_found",
      `Not found: package ${args.package} has no latest revision in s3://${args.bucket}; use package_create.`,
    );
  }
  if (latest.topHash !== parent) {
    throw conflict(args.bucket, args.package, parent, latest.topHash);
  }
  return { io, parent, latest };
}

/**
 * package_update: a new revision on `parent_top_hash` (which must still be latest), with the
 * workflow rules checked and `latest` written conditionally. `generated` are further files to
 * add or replace, already in S3 (another tool wrote them; their sizes known), planned like `set`.
 */
export async function updatePackage(
  env: ToolEnv,
  args: UpdateArgs,
  generated: readonly PlannedEntry[] = [],
): Promise<WriteOutput> {
  const { io, parent, latest } = await latestParent(env, args);
  const base = await io.readManifest(parent);
  const entries = new Map(base.entries.map((e) => [e.logicalKey, e]));
  const removed = removeEntries(entries, args.remove ?? []);
  // Items without a location only change an existing file's metadata.
  const located = (args.set ?? []).filter((s) => s.s3_uri || s.bucket || s.key);
  const metaOnly = (args.set ?? []).filter((s) => !(s.s3_uri || s.bucket || s.key));
  const metaChanged: string[] = [];
  for (const s of metaOnly) {
    const what = `set ${JSON.stringify(s.logical_key)}`;
    const old = entries.get(s.logical_key);
    if (!old) {
      throw new ToolError(
        "not_found",
        `${what}: no such file in the parent revision; give s3_uri (or bucket and key) to add it.`,
      );
    }
    const userMeta = await userMetaOf(s.meta, s.meta_json, what, "meta_json");
    if (userMeta === undefined) {
      throw new ToolError("invalid_input", `${what}: give an object location or meta.`);
    }
    entries.set(s.logical_key, { ...old, meta: newEntryMeta(old.meta, userMeta) });
    metaChanged.push(s.logical_key);
  }
  const planned = [
    ...await planAll(env, args.bucket, located, args.source, MAX_NEW_ENTRIES),
    ...generated,
  ];
  for (const p of planned) {
    if (metaChanged.includes(p.logicalKey)) {
      throw new ToolError(
        "invalid_input",
        `Logical key ${JSON.stringify(p.logicalKey)} is given twice.`,
      );
    }
    await quilt(() => validateLogicalKey(p.logicalKey));
  }
  const userMeta = await userMetaOf(
    args.user_meta,
    args.user_meta_json,
    "user_meta",
    "user_meta_json",
  );
  let workflow: JsonObject | undefined;
  const plan = await mergeNew(env, entries, planned, args.dry_run, removed, async (all) => {
    // quilt3 validates the revision it is about to push; the parent's record is not trusted.
    workflow = await workflowRecord(env, io, {
      workflow: args.workflow,
      packageName: args.package,
      message: args.message ?? null,
      userMeta: userMeta ?? headerUserMeta(base.header),
      entries: all,
    });
  });
  for (const k of metaChanged) {
    plan.changes.push({
      logical_key: k,
      action: "keep",
      source: entries.get(k)!.physicalKey,
      size: entries.get(k)!.size,
    });
  }
  if (args.dry_run) return result(env, args, plan, undefined, parent);
  // quilt3's order: user_meta set, then the workflow record, then the message.
  let header = userMeta !== undefined ? withUserMeta(base.header, userMeta) : base.header;
  header = withCommitMessage(withWorkflow(header, workflow), args.message ?? null);
  // Entries taken over from the parent stay exactly as quilt3 would keep them.
  const carried = new Set(base.entries.map((e) => e.logicalKey));
  for (const p of planned) carried.delete(p.logicalKey);
  const entriesOut = await hashMissing(env, plan.entries);
  const manifest = await quilt(
    () => buildManifest({ header, entries: entriesOut, dirMeta: base.dirMeta, carried }),
    "the new revision",
  );
  const published = await publish(io, args.package, manifest, { ifMatch: latest.etag }, parent);
  return result(env, args, plan, published, parent);
}

const packageUpdate = defineTool({
  name: "package_update",
  title: "Update a package",
  description:
    "Publishes a new revision of an existing Quilt package built on parent_top_hash (the latest revision you looked at): add or replace files (set: explicit objects; source: a folder with include/exclude globs), remove files or folders (remove: paths; a folder ends in '/'), change one file's metadata (a set item without an object location), replace the package metadata (user_meta), and give a commit message. Everything else — including metadata number text like 1.0 — is kept byte-exact. If latest is no longer parent_top_hash, the call fails with a conflict and nothing is overwritten. The new revision is checked against the registry's workflow rules of the moment, as quilt3 does (never inheriting the parent's record). dry_run: true shows the planned changes without writing.",
  input: updateInput,
  output: writeOutput,
  annotations: WRITE,
  run: (args, env) => updatePackage(env, args),
});

const packageDelete = defineTool({
  name: "package_delete",
  title: "Delete a package or revision",
  description:
    "Deletes a Quilt package from a registry — all its revision pointers, so it disappears from listings — or, with top_hash, only that revision; if that revision was latest, latest moves to the newest remaining revision, as quilt3 does. Manifests and data objects are never deleted (other packages may share them). Use dry_run: true to see which pointers would go. This cannot be undone from this server.",
  input: z.object({
    bucket: bucketName.describe("Registry bucket (no s3:// prefix)"),
    package: packageName,
    top_hash: topHashInput.optional().describe(
      "Delete only this revision (full hash or ≥ 6-digit prefix); omit to delete the whole package",
    ),
    dry_run: z.boolean().default(false).describe("Show what would be deleted, delete nothing"),
  }),
  output: z.object({
    bucket: z.string(),
    package: z.string(),
    dry_run: z.boolean(),
    top_hash: z.string().nullable().describe("The revision deleted (null for the whole package)"),
    deleted_pointers: z.array(z.string()).describe("Pointer names removed (latest, unix seconds)"),
    new_latest: z.string().nullable().describe("Top hash latest now points to, when it moved"),
    package_gone: z.boolean().describe("True when no revision of the package remains"),
  }),
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: true,
  },
  async run(args, env) {
    assertBucketAllowed(env.deps.config, args.bucket);
    const io = new RegistryIo(env, args.bucket);
    const listed = await io.listPointers(args.package);
    if (listed.length === 0) {
      throw new ToolError(
        "not_found",
        `Not found: package ${args.package} does not exist in s3://${args.bucket}.`,
      );
    }
    if (listed.length > MAX_DELETE_POINTERS) {
      throw new ToolError(
        "too_large",
        `Package ${args.package} has ${listed.length} revision pointers; this server deletes packages of at most ${MAX_DELETE_POINTERS} (use quilt3 or S3 directly).`,
      );
    }
    const out = {
      bucket: args.bucket,
      package: args.package,
      dry_run: args.dry_run,
    };
    if (!args.top_hash) {
      // latest first: the package stops resolving at once, then its history goes.
      const names = listed.map((p) => p.pointer).sort((a, b) =>
        a === LATEST ? -1 : b === LATEST ? 1 : Number(a) - Number(b)
      );
      if (!args.dry_run) {
        await io.delete(pointerKey(args.package, names[0]));
        await mapLimit(
          names.slice(1),
          DELETE_CONCURRENCY,
          (name) => io.delete(pointerKey(args.package, name)),
        );
      }
      return {
        ...out,
        top_hash: null,
        deleted_pointers: names,
        new_latest: null,
        package_gone: true,
      };
    }
    const pointers = await io.readPointers(args.package, listed.map((p) => p.pointer));
    // Only revisions of this package count (a manifest may be shared by other packages).
    const topHash = await quilt(
      () => resolveShortHash(args.top_hash!, pointers.map((p) => p.topHash)),
      `package ${args.package}`,
    );
    const plan = await quilt(() => planRevisionDelete(pointers, topHash));
    if (!args.dry_run) {
      for (const name of plan.deletePointers) await io.delete(pointerKey(args.package, name));
      if (plan.newLatest) await io.put(latestPointerKey(args.package), plan.newLatest.topHash);
    }
    return {
      ...out,
      top_hash: topHash,
      deleted_pointers: [...plan.deletePointers],
      new_latest: plan.newLatest?.topHash ?? null,
      package_gone: plan.packageGone,
    };
  },
});

/** Tools of the packages-write category. */
export const PACKAGES_WRITE_TOOLS: readonly ToolDefinition[] = [
  packageCreate,
  packageUpdate,
  packageDelete,
];
