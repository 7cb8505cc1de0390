/**
 * A package's summary as the Quilt catalog shows it: `quilt_summarize.json` at the package root
 * (a JSON array; each element a row, a string path or an object with `path`, `title`,
 * `description` (markdown), `width`, `types`; an array element is a row of columns) plus the
 * chart files it lists, built from the package's files: tables (CSV, TSV, JSON records) get a
 * statistics description, a Perspective datagrid and charts of their columns; other JSON a
 * description of its shape; images are shown in rows; Parquet is listed for the catalog's own
 * preview, without statistics (this server has no Parquet reader). Format as documented in
 * quiltdata/quilt docs/Catalog/VisualizationDashboards.md and docs/Catalog/Preferences.md
 * ("Custom overviews"); `types` takes a singleton list: "echarts", "perspective", "igv",
 * "voila" (Vega and Vega-Lite files need none: the catalog recognises their `$schema`).
 * Pure logic: the caller reads the files' first bytes.
 * @module
 */
import { barChart, type ChartFormat, columnBars } from "./charts.ts";
import { type ColumnStats, delimitedStats, recordsStats, type TableStats } from "./tabular.ts";

/** The logical key the catalog reads a package's summary from. */
export const SUMMARIZE_KEY = "quilt_summarize.json";
/** Folder (logical key prefix) of the generated chart files. */
export const CHARTS_PREFIX = "quilt_summary/";
/** Charts drawn per table. */
const CHARTS_PER_TABLE = 3;
/** A text column is charted when it has at most this many distinct values. */
const MAX_CATEGORIES = 20;
/** Columns described per table (the datagrid shows them all). */
const DESCRIBED_COLUMNS = 20;
/** Images per row. */
const IMAGES_PER_ROW = 3;

/** What a file is, by its extension. */
export type FileKind = "csv" | "tsv" | "json" | "parquet" | "image" | "other";

const KINDS: Record<string, FileKind> = {
  csv: "csv",
  tsv: "tsv",
  tab: "tsv",
  json: "json",
  parquet: "parquet",
  pq: "parquet",
  png: "image",
  jpg: "image",
  jpeg: "image",
  gif: "image",
  webp: "image",
  svg: "image",
  bmp: "image",
};

/** The kind of a logical key (the generated summary files are "other": never summarised). */
export function fileKind(logicalKey: string): FileKind {
  if (logicalKey === SUMMARIZE_KEY || logicalKey.startsWith(CHARTS_PREFIX)) return "other";
  const base = logicalKey.slice(logicalKey.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? KINDS[base.slice(dot + 1).toLowerCase()] ?? "other" : "other";
}

/** True for kinds whose first bytes are read to describe them. */
export function needsContent(kind: FileKind): boolean {
  return kind === "csv" || kind === "tsv" || kind === "json";
}

/** A file of the package, with its first bytes when they were read. */
export interface SummaryInput {
  readonly logicalKey: string;
  readonly size: number;
  /** The first bytes (UTF-8), for kinds that need them. */
  readonly text?: string;
  /** True when `text` is only the beginning of the file. */
  readonly truncated?: boolean;
}

/** A file the summary adds to the package. */
export interface GeneratedFile {
  readonly logicalKey: string;
  readonly text: string;
}

/** What the summary says about one file. */
export interface FileReport {
  readonly logicalKey: string;
  readonly kind: FileKind;
  readonly rows: number | null;
  readonly columns: number | null;
  /** True when the statistics describe only the first part of the file. */
  readonly sampled: boolean;
  readonly charts: readonly string[];
  /** Why the file has no statistics, when it has none. */
  readonly note: string | null;
}

/** The summary: generated files (quilt_summarize.json first) and a report per file. */
export interface Summary {
  readonly files: readonly GeneratedFile[];
  readonly summarize: readonly unknown[];
  readonly reports: readonly FileReport[];
}

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 80) || "x";
}

function cell(s: string): string {
  const one = s.replace(/[\r\n]+/g, " ").replace(/\|/g, "\\|");
  return one.length > 40 ? `${one.slice(0, 39)}…` : one;
}

function num(x: number | null): string {
  return x === null ? "" : String(Number(x.toPrecision(6)));
}

function basename(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}

/** Markdown describing a table: its size, then a row per column. */
function tableDescription(stats: TableStats, size: number): string {
  const shown = stats.columns.slice(0, DESCRIBED_COLUMNS);
  const total = stats.columns.length + stats.columnsOmitted;
  const lines = [
    `**${stats.rows.toLocaleString("en-US")} rows × ${total} columns**${
      stats.sampled
        ? ` (statistics of the first rows; the file has ${size.toLocaleString("en-US")} bytes)`
        : ""
    }`,
    "",
    "| column | type | missing | distinct | min | max | mean / most frequent |",
    "|---|---|---|---|---|---|---|",
    ...shown.map((c) =>
      `| ${cell(c.name)} | ${c.type} | ${c.missing} | ${c.distinct}${
        c.distinctCapped ? "+" : ""
      } | ${num(c.min)} | ${num(c.max)} | ${
        c.mean !== null
          ? num(c.mean)
          : cell(c.top.slice(0, 3).map((t) => `${t.value} (${t.count})`).join(", "))
      } |`
    ),
  ];
  if (total > shown.length) lines.push("", `${total - shown.length} more columns not described.`);
  return lines.join("\n");
}

function chartable(c: ColumnStats): boolean {
  if (c.count === 0) return false;
  if (c.type === "integer" || c.type === "number") return true;
  // Categories that repeat: a column of unique values (identifiers) makes a flat chart.
  return !c.distinctCapped && c.distinct >= 2 && c.distinct <= MAX_CATEGORIES &&
    c.distinct < c.count;
}

/** A short description of JSON that is not a list of records. */
function jsonShape(value: unknown): string {
  if (Array.isArray(value)) return `JSON array of ${value.length} items`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    const shown = keys.slice(0, 20).map((k) => `\`${cell(k)}\``).join(", ");
    return `JSON object with ${keys.length} keys${
      keys.length ? `: ${shown}${keys.length > 20 ? ", …" : ""}` : ""
    }`;
  }
  return `JSON ${value === null ? "null" : typeof value}`;
}

/**
 * Builds the summary of `inputs` (the package's files to summarise, in the order to show them),
 * with charts in `format`. `allFiles` (every file of the revision) feeds the overview chart.
 */
export function buildSummary(
  inputs: readonly SummaryInput[],
  allFiles: readonly { logicalKey: string; size: number }[],
  format: ChartFormat,
): Summary {
  const files: GeneratedFile[] = [];
  const rows: unknown[] = [];
  const reports: FileReport[] = [];
  const used = new Set<string>();
  const chartKey = (name: string) => {
    const ext = format === "echarts" ? ".echarts.json" : ".vega.json";
    let key = `${CHARTS_PREFIX}${name}${ext}`;
    for (let n = 2; used.has(key); n++) key = `${CHARTS_PREFIX}${name}_${n}${ext}`;
    used.add(key);
    return key;
  };
  const chartItem = (key: string, title: string) => ({
    path: key,
    title,
    ...(format === "echarts" ? { types: ["echarts"] } : {}),
  });

  // Overview: the revision's files by type.
  const byType = new Map<string, number>();
  for (const f of allFiles) {
    const base = basename(f.logicalKey);
    const dot = base.lastIndexOf(".");
    const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : "(none)";
    byType.set(ext, (byType.get(ext) ?? 0) + 1);
  }
  if (allFiles.length > 0) {
    const key = chartKey("files_by_type");
    files.push({
      logicalKey: key,
      text: barChart(format, {
        title: "Files by type",
        description: `${allFiles.length} files, ${
          allFiles.reduce((n, f) => n + f.size, 0).toLocaleString("en-US")
        } bytes`,
        xTitle: "extension",
        yTitle: "files",
        bars: [...byType].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .slice(0, MAX_CATEGORIES).map(([label, count]) => ({ label, count })),
      }),
    });
    rows.push(chartItem(key, "Files by type"));
  }

  const images = inputs.filter((f) => fileKind(f.logicalKey) === "image");
  for (let i = 0; i < images.length; i += IMAGES_PER_ROW) {
    rows.push(
      images.slice(i, i + IMAGES_PER_ROW).map((f) => ({
        path: f.logicalKey,
        title: basename(f.logicalKey),
      })),
    );
  }
  for (const f of images) {
    reports.push({
      logicalKey: f.logicalKey,
      kind: "image",
      rows: null,
      columns: null,
      sampled: false,
      charts: [],
      note: null,
    });
  }

  for (const f of inputs) {
    const kind = fileKind(f.logicalKey);
    if (kind === "image" || kind === "other") continue;
    let stats: TableStats | undefined;
    let note: string | null = null;
    let description: string | undefined;
    if (kind === "csv" || kind === "tsv") {
      stats = delimitedStats(f.text ?? "", kind === "csv" ? "," : "\t", f.truncated === true);
      if (stats.columns.length === 0) note = "no header row";
    } else if (kind === "json") {
      if (f.truncated) {
        note = "larger than the part read, so not parsed";
      } else {
        try {
          const value = JSON.parse(f.text ?? "");
          stats = recordsStats(value);
          if (!stats) description = jsonShape(value);
        } catch {
          note = "not valid JSON";
        }
      }
    } else {
      note =
        "no statistics: this server has no Parquet reader (the catalog previews the file itself)";
    }
    const charts: string[] = [];
    if (stats && stats.columns.length > 0) {
      rows.push({
        path: f.logicalKey,
        title: f.logicalKey,
        description: tableDescription(stats, f.size),
        // Perspective renders csv/tsv/parquet/jsonl; JSON records render as JSON.
        ...(kind === "json" ? {} : { types: ["perspective"] }),
      });
      const row: unknown[] = [];
      for (const c of stats.columns.filter(chartable).slice(0, CHARTS_PER_TABLE)) {
        const key = chartKey(`${slug(f.logicalKey)}.${slug(c.name)}`);
        const numeric = c.type === "integer" || c.type === "number";
        const title = `${c.name} (${basename(f.logicalKey)})`;
        files.push({
          logicalKey: key,
          text: barChart(format, {
            title,
            description: `${numeric ? "Distribution" : "Most frequent values"} of ${c.name} in ${
              stats.sampled ? `the first ${stats.rows} rows of ` : ""
            }${f.logicalKey}`,
            xTitle: c.name,
            yTitle: "rows",
            bars: columnBars(c),
          }),
        });
        charts.push(key);
        row.push(chartItem(key, title));
      }
      if (row.length > 0) rows.push(row);
    } else {
      rows.push({
        path: f.logicalKey,
        title: f.logicalKey,
        ...(description ? { description } : {}),
        ...(kind === "parquet" ? { types: ["perspective"] } : {}),
      });
    }
    reports.push({
      logicalKey: f.logicalKey,
      kind,
      rows: stats?.rows ?? null,
      columns: stats ? stats.columns.length + stats.columnsOmitted : null,
      sampled: stats?.sampled ?? false,
      charts,
      note,
    });
  }
  return {
    files: [{ logicalKey: SUMMARIZE_KEY, text: JSON.stringify(rows, null, 2) }, ...files],
    summarize: rows,
    reports,
  };
}
