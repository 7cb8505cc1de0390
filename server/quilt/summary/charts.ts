/**
 * Chart files the Quilt catalog renders from a package, built from column statistics: Vega-Lite
 * specs (rendered with vega-embed when the JSON file carries a Vega-Lite `$schema`) and ECharts
 * options (rendered when quilt_summarize.json gives the file `"types": ["echarts"]`), as the
 * catalog documents them: https://docs.quilt.bio/quilt-platform-catalog-user/visualizationdashboards
 * (quiltdata/quilt docs/Catalog/VisualizationDashboards.md). The data is embedded (aggregated:
 * histogram bins, category counts), so a chart never makes the browser load a large file and
 * needs no relative-URL resolution. ECharts options are plain JSON (the catalog runs no custom
 * JavaScript). Pure logic.
 * @module
 */
import type { ColumnStats } from "./tabular.ts";

/** The chart formats this server writes. */
export type ChartFormat = "vega-lite" | "echarts";

/** Vega-Lite schema the catalog's vega-embed understands. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** Bins of a histogram. */
const HISTOGRAM_BINS = 20;

/** One bar of a chart. */
export interface Bar {
  readonly label: string;
  readonly count: number;
  /** Numeric bins only. */
  readonly start?: number;
  readonly end?: number;
}

/** Equal-width bins over [min, max] (one bin when every value is the same). */
export function histogram(values: readonly number[], bins = HISTOGRAM_BINS): Bar[] {
  if (values.length === 0) return [];
  let min = Infinity, max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === max) return [{ label: String(min), count: values.length, start: min, end: max }];
  const width = (max - min) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
  return counts.map((count, i) => {
    const start = min + i * width;
    const end = i === bins - 1 ? max : min + (i + 1) * width;
    return { label: `${round(start)}–${round(end)}`, count, start, end };
  });
}

function round(x: number): string {
  return String(Number(x.toPrecision(4)));
}

/** A chart of one column: a histogram for numbers, category counts otherwise. */
export function columnBars(column: ColumnStats): Bar[] {
  if (column.type === "integer" || column.type === "number") return histogram(column.values);
  return column.top.map((t) => ({ label: t.value, count: t.count }));
}

/** A bar chart as a Vega-Lite spec or an ECharts option (JSON text, pretty-printed). */
export function barChart(
  format: ChartFormat,
  opts: { title: string; description: string; xTitle: string; yTitle: string; bars: Bar[] },
): string {
  const binned = opts.bars.length > 0 && opts.bars.every((b) => b.start !== undefined);
  if (format === "echarts") {
    return JSON.stringify(
      {
        title: { text: opts.title, subtext: opts.description },
        tooltip: { trigger: "axis" },
        dataset: {
          source: [[opts.xTitle, opts.yTitle], ...opts.bars.map((b) => [b.label, b.count])],
        },
        xAxis: { type: "category", name: opts.xTitle },
        yAxis: { type: "value", name: opts.yTitle },
        series: [{ type: "bar" }],
      },
      null,
      2,
    );
  }
  const x = binned
    ? { field: "start", bin: { binned: true }, type: "quantitative", title: opts.xTitle }
    : { field: "label", type: "nominal", sort: "-y", title: opts.xTitle };
  return JSON.stringify(
    {
      $schema: VEGA_LITE_SCHEMA,
      title: opts.title,
      description: opts.description,
      data: {
        values: opts.bars.map((b) =>
          binned
            ? { start: b.start, end: b.end, count: b.count }
            : { label: b.label, count: b.count }
        ),
      },
      mark: { type: "bar", tooltip: true },
      encoding: {
        x,
        ...(binned ? { x2: { field: "end" } } : {}),
        y: { field: "count", type: "quantitative", title: opts.yTitle },
      },
    },
    null,
    2,
  );
}
