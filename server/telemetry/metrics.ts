/**
 * Counters emitted as CloudWatch Embedded Metric Format: each increment is one EMF record on the log
 * stream, so CloudWatch derives the metrics from logs and alarms need no PutMetricData permission.
 * In-process totals are kept too, for tests and the bench (push == reset accounting).
 * @module
 */
import { dimensionSets, type MetricName, metricUnit } from "./catalog.ts";
import type { Logger } from "./logger.ts";

/** Dimension values of one observation. */
export type Dimensions = Record<string, string>;

/** Emits and totals metrics. */
export class Metrics {
  readonly #logger: Logger | undefined;
  readonly #namespace: string;
  readonly #totals = new Map<string, number>();

  /** With `logger` undefined, metrics are only totalled (QUILT_MCP_METRICS=off). */
  constructor(namespace: string, logger: Logger | undefined) {
    this.#namespace = namespace;
    this.#logger = logger;
  }

  /** Records `value` of `metric` with its dimensions (only the catalog's dimension sets are emitted). */
  put(metric: MetricName, value: number, dims: Dimensions = {}): void {
    const sets = dimensionSets(metric).filter((set) => set.every((d) => dims[d] !== undefined));
    const keys = new Set([
      totalKey(metric, {}),
      ...sets.map((set) => totalKey(metric, pick(dims, set))),
    ]);
    for (const key of keys) this.#totals.set(key, (this.#totals.get(key) ?? 0) + value);
    if (!this.#logger) return;
    this.#logger.raw({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [{
          Namespace: this.#namespace,
          Dimensions: sets,
          Metrics: [{ Name: metric, Unit: metricUnit(metric) }],
        }],
      },
      ...dims,
      [metric]: value,
    });
  }

  /** Adds 1 to a counter. */
  count(metric: MetricName, dims: Dimensions = {}): void {
    this.put(metric, 1, dims);
  }

  /** Total of a metric, optionally restricted to exact dimension values. */
  total(metric: MetricName, dims: Dimensions = {}): number {
    return this.#totals.get(totalKey(metric, dims)) ?? 0;
  }
}

function totalKey(metric: string, dims: Dimensions): string {
  return metric + Object.entries(dims).sort().map(([k, v]) => `|${k}=${v}`).join("");
}

function pick(dims: Dimensions, names: string[]): Dimensions {
  return Object.fromEntries(names.map((d) => [d, dims[d]]));
}
