/**
 * package_summarize: writes a package summary the Quilt catalog renders — quilt_summarize.json
 * and chart files (Vega-Lite or ECharts) built from the package's tables (CSV, TSV, JSON
 * records: header and column statistics of their first bytes), other JSON, images and Parquet
 * files — into a new revision, through package_update's path: same parent_top_hash
 * precondition (latest must still be it; `latest` is written conditionally), the registry's
 * workflow rules enforced, every other file and all metadata kept. The generated files are
 * stored content-addressed under `.quilt/summaries/<package>/` in the registry bucket (the only
 * new write this category's policy allows besides manifests and pointers), so nothing existing
 * is ever overwritten. A dry run writes nothing and returns the files it would add.
 * @module
 */
import { createHash } from "node:crypto";
import * as z from "zod";
import {
  buildSummary,
  CHARTS_PREFIX,
  fileKind,
  needsContent,
  parsePhysicalKey,
  SUMMARIZE_KEY,
  type SummaryInput,
} from "../../quilt/mod.ts";
import { mapLimit } from "../common/concurrency.ts";
import { defineTool, type ToolDefinition, type ToolEnv } from "../common/define.ts";
import { ToolError } from "../common/errors.ts";
import { assertBucketAllowed, bucketName } from "../common/inputs.ts";
import { fullTopHash, logicalKeyInput, packageName } from "../common/package_inputs.ts";
import { RegistryIo } from "../common/package_io.ts";
import { latestParent, updatePackage, WRITE, writeOutput } from "./packages_write.ts";
import type { PlannedEntry } from "./package_sources.ts";
import { workflowInput } from "./package_workflow.ts";

/** Where generated summary files are stored (policies/packages-write.json allows PutObject). */
export const SUMMARIES_PREFIX = ".quilt/summaries/";
/** Files read at once. */
const READ_CONCURRENCY = 8;
/** Most bytes read over all files of one call (held in memory until the summary is built). */
const MAX_TOTAL_SAMPLE_BYTES = 64 * 1024 * 1024;
const DEFAULT_MESSAGE = "Package summary: quilt_summarize.json and charts";

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The first bytes of a package file, or why they were not read. */
async function readStart(
  env: ToolEnv,
  physicalKey: string,
  size: number,
  maxBytes: number,
): Promise<{ text: string; truncated: boolean } | { note: string }> {
  let loc;
  try {
    loc = parsePhysicalKey(physicalKey);
  } catch {
    return { note: `its location ${physicalKey} cannot be read` };
  }
  if (loc.scheme !== "s3") return { note: "a local file, not readable from here" };
  try {
    assertBucketAllowed(env.deps.config, loc.bucket);
  } catch {
    return { note: `stored in s3://${loc.bucket}, a bucket this server is not configured for` };
  }
  let bytes: Uint8Array;
  try {
    bytes = await new RegistryIo(env, loc.bucket).readPrefix(loc.key, maxBytes, loc.versionId);
  } catch (e) {
    // One unreadable file (gone, denied) is reported with the others, not fatal to the summary.
    if (e instanceof ToolError) return { note: `not read: ${e.message}` };
    throw e;
  }
  return {
    text: new TextDecoder("utf-8", { fatal: false }).decode(bytes),
    truncated: size > bytes.length,
  };
}

const reportOut = z.object({
  logical_key: z.string(),
  kind: z.enum(["csv", "tsv", "json", "parquet", "image", "other"]),
  rows: z.number().nullable().describe("Data rows read (tables)"),
  columns: z.number().nullable(),
  sampled: z.boolean().describe("True when only the first sample_bytes were read"),
  charts: z.array(z.string()).describe("Logical keys of its chart files"),
  note: z.string().nullable().describe("Why the file has no statistics, when it has none"),
});

const packageSummarize = defineTool({
  name: "package_summarize",
  title: "Summarize a package for the catalog",
  description:
    "Adds a catalog summary to a Quilt package as a new revision: quilt_summarize.json (the overview page the Quilt catalog renders) and chart files under quilt_summary/ (Vega-Lite, or ECharts with chart_format), built from the package's files — CSV/TSV and JSON record lists get a markdown table of column statistics (type, missing, distinct, min/max/mean or most frequent values, from their first sample_bytes), a Perspective datagrid and up to 3 charts (histograms, category counts); other JSON a description of its shape; images are shown in rows; Parquet is listed without statistics (no Parquet reader here; the catalog previews it). Built on parent_top_hash like package_update: if latest has moved the call fails with a conflict and nothing is published; the registry's workflow rules are enforced; every other file and all metadata are kept. dry_run: true writes nothing and returns the files it would add.",
  input: z.object({
    bucket: bucketName.describe("Registry bucket (no s3:// prefix)"),
    package: packageName,
    parent_top_hash: fullTopHash.describe(
      "Full top hash of the revision to summarize — must still be latest",
    ),
    files: z.array(logicalKeyInput).min(1).max(100).optional().describe(
      "Only these files (logical keys), in this order; default: the package's CSV, TSV, JSON, Parquet and image files in package order, up to max_files",
    ),
    max_files: z.number().int().min(1).max(100).default(20).describe(
      "Most files summarized when files is not given",
    ),
    chart_format: z.enum(["vega-lite", "echarts"]).default("vega-lite").describe(
      "Chart files as Vega-Lite specs or ECharts options (both rendered by the catalog)",
    ),
    sample_bytes: z.number().int().min(1024).max(8 * 1024 * 1024).default(1024 * 1024).describe(
      `Bytes read from the start of each table or JSON file (statistics describe those rows); at most ${
        MAX_TOTAL_SAMPLE_BYTES / 1024 / 1024
      } MiB over all files of a call, shared equally`,
    ),
    overwrite: z.boolean().default(false).describe(
      "Replace an existing quilt_summarize.json (and drop the quilt_summary/ charts it no longer lists)",
    ),
    message: z.string().max(100_000).optional().describe(
      `Commit message (default: "${DEFAULT_MESSAGE}")`,
    ),
    workflow: workflowInput,
    dry_run: z.boolean().default(false).describe(
      "Plan only: return the summary files and the planned changes, write nothing",
    ),
  }),
  output: writeOutput.extend({
    summary: z.object({
      quilt_summarize: z.array(z.unknown()).describe("The quilt_summarize.json written"),
      files: z.array(z.object({
        logical_key: z.string(),
        bytes: z.number(),
        text: z.string().nullable().describe("The file's content (dry run only)"),
      })),
      analysed: z.array(reportOut),
    }),
  }),
  annotations: WRITE,
  async run(args, env) {
    // Checked before anything is read or stored; package_update checks again and publishes
    // conditionally, so a revision pushed meanwhile still wins.
    const { io, parent } = await latestParent(env, args);
    const manifest = await io.readManifest(parent);
    const byKey = new Map(manifest.entries.map((e) => [e.logicalKey, e]));
    if (byKey.has(SUMMARIZE_KEY) && !args.overwrite) {
      throw new ToolError(
        "invalid_input",
        `${args.package} already has ${SUMMARIZE_KEY}; set overwrite: true to replace it.`,
      );
    }
    let chosen;
    if (args.files) {
      const missing = args.files.filter((k) => !byKey.has(k));
      if (missing.length > 0) {
        throw new ToolError(
          "not_found",
          `Not in revision ${parent}: ${missing.map((k) => JSON.stringify(k)).join(", ")}.`,
        );
      }
      const unsupported = args.files.filter((k) => fileKind(k) === "other");
      if (unsupported.length > 0) {
        throw new ToolError(
          "invalid_input",
          `Cannot summarize ${
            unsupported.map((k) => JSON.stringify(k)).join(", ")
          }: supported are .csv, .tsv/.tab, .json, .parquet/.pq and images (.png, .jpg, .jpeg, .gif, .webp, .svg, .bmp); the summary's own files are not summarized.`,
        );
      }
      chosen = [...new Set(args.files)].map((k) => byKey.get(k)!);
    } else {
      chosen = manifest.entries.filter((e) => fileKind(e.logicalKey) !== "other")
        .slice(0, args.max_files);
    }
    // Each file's sample shrinks so the call never holds more than the total budget.
    const withContent = chosen.filter((e) => needsContent(fileKind(e.logicalKey))).length;
    const sampleBytes = Math.min(
      args.sample_bytes,
      Math.floor(MAX_TOTAL_SAMPLE_BYTES / Math.max(1, withContent)),
    );
    const notes = new Map<string, string>();
    const inputs: SummaryInput[] = await mapLimit(chosen, READ_CONCURRENCY, async (e) => {
      const base = { logicalKey: e.logicalKey, size: e.size };
      if (!needsContent(fileKind(e.logicalKey))) return base;
      const read = await readStart(env, e.physicalKey, e.size, sampleBytes);
      if ("note" in read) {
        notes.set(e.logicalKey, read.note);
        return base;
      }
      return { ...base, ...read };
    });
    const readable = inputs.filter((f) => !notes.has(f.logicalKey));
    const summary = buildSummary(
      readable,
      manifest.entries.filter((e) =>
        e.logicalKey !== SUMMARIZE_KEY && !e.logicalKey.startsWith(CHARTS_PREFIX)
      )
        .map((e) => ({ logicalKey: e.logicalKey, size: e.size })),
      args.chart_format,
    );
    const encoder = new TextEncoder();
    const generated: PlannedEntry[] = [];
    for (const f of summary.files) {
      const bytes = encoder.encode(f.text);
      const name = f.logicalKey.slice(f.logicalKey.lastIndexOf("/") + 1);
      const key = `${SUMMARIES_PREFIX}${args.package}/${sha256Hex(bytes)}/${name}`;
      // Content-addressed: the same bytes land on the same key, nothing else is overwritten.
      const stored = args.dry_run
        ? {}
        : await io.put(key, bytes, { contentType: "application/json" });
      generated.push({
        logicalKey: f.logicalKey,
        bucket: args.bucket,
        key,
        ...(stored.versionId !== undefined ? { versionId: stored.versionId } : {}),
        size: bytes.length,
        userMeta: undefined,
      });
    }
    // Charts of an earlier summary that this one does not list go with the summary they served.
    const regenerated = new Set(summary.files.map((f) => f.logicalKey));
    const stale = args.overwrite
      ? manifest.entries.map((e) => e.logicalKey).filter((k) =>
        k.startsWith(CHARTS_PREFIX) && !regenerated.has(k)
      )
      : [];
    const published = await updatePackage(env, {
      bucket: args.bucket,
      package: args.package,
      parent_top_hash: parent,
      message: args.message ?? DEFAULT_MESSAGE,
      workflow: args.workflow,
      remove: stale.length > 0 ? stale : undefined,
      dry_run: args.dry_run,
    }, generated);
    return {
      ...published,
      summary: {
        quilt_summarize: [...summary.summarize],
        files: summary.files.map((f) => ({
          logical_key: f.logicalKey,
          bytes: encoder.encode(f.text).length,
          text: args.dry_run ? f.text : null,
        })),
        analysed: [
          ...summary.reports.map((r) => ({
            logical_key: r.logicalKey,
            kind: r.kind,
            rows: r.rows,
            columns: r.columns,
            sampled: r.sampled,
            charts: [...r.charts],
            note: r.note,
          })),
          ...[...notes].map(([k, note]) => ({
            logical_key: k,
            kind: fileKind(k),
            rows: null,
            columns: null,
            sampled: false,
            charts: [],
            note,
          })),
        ],
      },
    };
  },
});

/** The summary tool of the packages-write category. */
export const SUMMARIZE_TOOLS: readonly ToolDefinition[] = [packageSummarize];
