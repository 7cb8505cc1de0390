/**
 * Package summaries as the Quilt catalog reads them: delimited text parsed with RFC 4180 quoting
 * (a sample's partial last line dropped), column statistics (types, missing, range, mean, most
 * frequent values), JSON records, histograms whose bars count every value, and a
 * quilt_summarize.json that uses only the documented shapes (a path string, an object with
 * path/title/description/width/types, or a row array of them; `types` a singleton of the
 * documented renderers), with chart files that are Vega-Lite specs or ECharts options.
 */
import {
  buildSummary,
  delimitedStats,
  fileKind,
  histogram,
  parseDelimited,
  recordsStats,
  SUMMARIZE_KEY,
  VEGA_LITE_SCHEMA,
} from "../../server/quilt/mod.ts";
import { assert, assertEquals } from "./helpers.ts";

Deno.test("summary: delimited text with quotes, CRLF, blank lines and a cut last line", () => {
  assertEquals(parseDelimited('a,b\r\n"x, y","say ""hi"""\n\n1,2', ",", false), [
    ["a", "b"],
    ["x, y", 'say "hi"'],
    ["1", "2"],
  ]);
  // A prefix of a file: its partial last line is not a row.
  assertEquals(parseDelimited("a\tb\n1\t2\n3\t4", "\t", true), [["a", "b"], ["1", "2"]]);
  assertEquals(parseDelimited('\ufeffa\n"multi\nline"\n', ",", false), [["a"], ["multi\nline"]]);
});

Deno.test("summary: column statistics", () => {
  const s = delimitedStats(
    "id,score,kind,flag,,id\n1,2.5,x,true,,a\n2,NA,y,false,,b\n3,4.5,x,TRUE,,c\n4,-1e1,x,false,,d\n",
    ",",
    false,
  );
  assertEquals([s.rows, s.sampled, s.columnsOmitted], [4, false, 0]);
  assertEquals(s.columns.map((c) => [c.name, c.type, c.count, c.missing]), [
    ["id", "integer", 4, 0],
    ["score", "number", 3, 1],
    ["kind", "string", 4, 0],
    ["flag", "boolean", 4, 0],
    ["column_5", "empty", 0, 4],
    ["id_2", "string", 4, 0],
  ]);
  const score = s.columns[1];
  assertEquals([score.min, score.max, score.mean], [-10, 4.5, (2.5 + 4.5 - 10) / 3]);
  assertEquals(s.columns[2].top, [{ value: "x", count: 3 }, { value: "y", count: 1 }]);
  assertEquals([s.columns[2].distinct, s.columns[2].min], [2, null]);
  const r = recordsStats([{ a: 1, b: "u" }, { a: 2.5 }, { b: null, c: true }])!;
  assertEquals(r.columns.map((c) => [c.name, c.type, c.count, c.missing]), [
    ["a", "number", 2, 1],
    ["b", "string", 1, 2],
    ["c", "boolean", 1, 2],
  ]);
  assertEquals(recordsStats({ a: 1 }), undefined);
  assertEquals(recordsStats([1, 2]), undefined);
});

Deno.test("summary: histogram bars count every value once", () => {
  const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 100);
  const bars = histogram(values);
  assertEquals(bars.length, 20);
  assertEquals(bars.reduce((n, b) => n + b.count, 0), 1000);
  assertEquals(bars[0].start, Math.min(...values));
  assertEquals(bars[19].end, Math.max(...values));
  assertEquals(histogram([3, 3, 3]), [{ label: "3", count: 3, start: 3, end: 3 }]);
  assertEquals(histogram([]), []);
});

const ALLOWED_KEYS = new Set(["path", "title", "description", "width", "types", "expand"]);
const RENDERERS = new Set(["echarts", "perspective", "igv", "voila"]);

/** Checks one element of quilt_summarize.json against the documented shapes. */
function checkItem(item: unknown, keys: Set<string>): void {
  if (typeof item === "string") {
    assert(keys.has(item), item);
    return;
  }
  assert(item !== null && typeof item === "object" && !Array.isArray(item));
  const o = item as Record<string, unknown>;
  for (const k of Object.keys(o)) assert(ALLOWED_KEYS.has(k), `undocumented key ${k}`);
  assert(typeof o.path === "string" && keys.has(o.path), `path ${o.path} is a file`);
  if (o.types !== undefined) {
    const t = o.types as unknown[];
    assert(Array.isArray(t) && t.length === 1 && RENDERERS.has(t[0] as string), String(t));
  }
}

Deno.test("summary: quilt_summarize.json and charts in the catalog's formats", () => {
  const csv = "sample,depth,tissue\ns1,10,liver\ns2,20,liver\ns3,35,brain\n";
  const all = [
    { logicalKey: "data/runs.csv", size: csv.length },
    { logicalKey: "img/a.png", size: 10 },
    { logicalKey: "img/b.JPG", size: 10 },
    { logicalKey: "meta.json", size: 20 },
    { logicalKey: "big.json", size: 5000 },
    { logicalKey: "t.parquet", size: 100 },
    { logicalKey: "notes.txt", size: 5 },
  ];
  const inputs = [
    { ...all[0], text: csv, truncated: false },
    all[1],
    all[2],
    { ...all[3], text: '{"project": "x", "n": 1}', truncated: false },
    { ...all[4], text: '[{"a": ', truncated: true },
    all[5],
  ];
  for (const format of ["vega-lite", "echarts"] as const) {
    const s = buildSummary(inputs, all, format);
    assertEquals(s.files[0].logicalKey, SUMMARIZE_KEY);
    assertEquals(JSON.parse(s.files[0].text), s.summarize);
    const keys = new Set([...all.map((f) => f.logicalKey), ...s.files.map((f) => f.logicalKey)]);
    for (const row of s.summarize) {
      if (Array.isArray(row)) row.forEach((i) => checkItem(i, keys));
      else checkItem(row, keys);
    }
    const paths = s.summarize.flatMap((r) => (Array.isArray(r) ? r : [r]))
      .map((i) => (i as { path: string }).path);
    // Overview chart, images in one row, the table, its charts, JSON, Parquet; never notes.txt.
    assertEquals(paths.filter((p) => !p.startsWith("quilt_summary/")), [
      "img/a.png",
      "img/b.JPG",
      "data/runs.csv",
      "meta.json",
      "big.json",
      "t.parquet",
    ]);
    const table = s.summarize.find((r) => (r as { path?: string }).path === "data/runs.csv") as {
      description: string;
      types: string[];
    };
    assertEquals(table.types, ["perspective"]);
    assert(table.description.startsWith("**3 rows × 3 columns**"), table.description);
    assert(table.description.includes("| depth | integer | 0 | 3 | 10 | 35 | 21.6667 |"));
    const report = s.reports.find((r) => r.logicalKey === "data/runs.csv")!;
    // depth (numeric) and tissue (2 categories) are charted; sample (unique values) is not.
    assertEquals(report.charts.map((k) => k.replace(/\.(vega|echarts)\.json$/, "")), [
      "quilt_summary/data_runs.csv.depth",
      "quilt_summary/data_runs.csv.tissue",
    ]);
    assertEquals(
      s.reports.find((r) => r.logicalKey === "big.json")!.note,
      "larger than the part read, so not parsed",
    );
    assert(
      s.reports.find((r) => r.logicalKey === "t.parquet")!.note!.includes("no Parquet reader"),
    );
    const depth = JSON.parse(s.files.find((f) => f.logicalKey.includes("depth"))!.text);
    if (format === "vega-lite") {
      assertEquals(depth.$schema, VEGA_LITE_SCHEMA);
      assertEquals(depth.mark.type, "bar");
      const values = depth.data.values as { count: number }[];
      assertEquals(values.reduce((n, v) => n + v.count, 0), 3);
      assertEquals(depth.encoding.x.bin, { binned: true });
    } else {
      const source = depth.dataset.source as [string, number | string][];
      assertEquals(source[0], ["depth", "rows"]);
      assertEquals(source.slice(1).reduce((n, r) => n + Number(r[1]), 0), 3);
      assertEquals(depth.series, [{ type: "bar" }]);
      const item = s.summarize.flat().find((i) =>
        (i as { path: string }).path.includes("depth")
      ) as { types: string[] };
      assertEquals(item.types, ["echarts"]);
    }
  }
  assertEquals(
    ["a.CSV", "b.tab", "quilt_summarize.json", "quilt_summary/x.csv", "noext", ".csv"].map(
      fileKind,
    ),
    ["csv", "tsv", "other", "other", "other", "other"],
  );
});
