/**
 * Package summaries for the Quilt catalog: quilt_summarize.json, chart files (Vega-Lite,
 * ECharts) and the column statistics they show. Pure logic.
 * @module
 */
export * from "./build.ts";
export * from "./charts.ts";
export * from "./tabular.ts";
