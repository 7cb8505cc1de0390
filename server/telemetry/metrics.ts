/**
 * Metrics emitted as CloudWatch Embedded Metric Format on the log stream, so CloudWatch derives
 * them from logs and alarms need no PutMetricData permission. Observations are aggregated per
 * batch of the log writer (a few milliseconds): one EMF record per metric and dimension values,
 * Count metrics summed, other units as the array of observed values (EMF allows up to 100 per
 * record), written at the head of the batch so every record precedes the log lines written after
 * its observations. With a logger that has no batching writer (unit tests), each observation is
 * one record at once. In-process totals are kept too, for tests and the bench (push == reset
 * accounting).
 * @module
 */
import { dimensionSets, type MetricName, metricUnit } from "./catalog.ts";
import type { Logger } from "./logger.ts";
import type { LineWriter } from "./line_writer.ts";

/** Dimension values of one observation. */
export type Dimensions = Record<string, string>;

/** Observations of one metric with the same dimension values since the last batch. */
interface Pending {
  readonly metric: MetricName;
  readonly dims: Dimensions;
  readonly sets: string[][];
  sum: number;
  values: number[];
}

/** What {@link Metrics.put} derives from a metric and its dimension values. */
interface Plan {
  /** The in-process totals it adds to: the metric alone and each emitted dimension set. */
  readonly totalKeys: readonly string[];
  /** The catalog's dimension sets whose dimensions are all given. */
  readonly sets: string[][];
  /** The key of its aggregate in the current batch. */
  readonly pendingKey: string;
}

/** Distinct (metric, dimension values) remembered by {@link Metrics.put}; dimensions are few. */
const MAX_PLANS = 1024;

/** EMF allows at most 100 values of one metric in one record. */
const MAX_VALUES_PER_RECORD = 100;

/** Emits and totals metrics. */
export class Metrics {
  readonly #logger: Logger | undefined;
  readonly #namespace: string;
  readonly #totals = new Map<string, number>();
  readonly #writer: LineWriter | undefined;
  #pending = new Map<string, Pending>();
  readonly #plans = new Map<string, Plan>();
  readonly #frozenPlans = new WeakMap<Dimensions, Map<MetricName, Plan>>();

  /** With `logger` undefined, metrics are only totalled (QUILT_MCP_METRICS=off). */
  constructor(namespace: string, logger: Logger | undefined) {
    this.#namespace = namespace;
    this.#logger = logger;
    this.#writer = logger?.writer;
    this.#writer?.beforeBatch(() => this.flush());
  }

  /** Emits the aggregated records now (the writer calls this before each batch). */
  flush(): void {
    if (this.#pending.size === 0) return;
    const pending = this.#pending;
    this.#pending = new Map();
    const timestamp = Date.now();
    for (const p of pending.values()) {
      if (metricUnit(p.metric) === "Count") {
        this.#emit(timestamp, p.metric, p.sets, p.dims, p.sum);
        continue;
      }
      for (let i = 0; i < p.values.length; i += MAX_VALUES_PER_RECORD) {
        const chunk = p.values.slice(i, i + MAX_VALUES_PER_RECORD);
        this.#emit(timestamp, p.metric, p.sets, p.dims, chunk.length === 1 ? chunk[0] : chunk);
      }
    }
  }

  #emit(
    timestamp: number,
    metric: MetricName,
    sets: string[][],
    dims: Dimensions,
    value: number | number[],
  ): void {
    this.#logger?.raw({
      _aws: {
        Timestamp: timestamp,
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

  /** Records `value` of `metric` with its dimensions (only the catalog's dimension sets are emitted). */
  put(metric: MetricName, value: number, dims: Dimensions = {}): void {
    const plan = this.#planFor(metric, dims);
    for (const key of plan.totalKeys) this.#totals.set(key, (this.#totals.get(key) ?? 0) + value);
    if (!this.#logger) return;
    if (!this.#writer) return this.#emit(Date.now(), metric, plan.sets, dims, value);
    let p = this.#pending.get(plan.pendingKey);
    if (!p) {
      if (this.#pending.size === 0) this.#writer.wake();
      p = { metric, dims: { ...dims }, sets: plan.sets, sum: 0, values: [] };
      this.#pending.set(plan.pendingKey, p);
    }
    p.sum += value;
    if (metricUnit(metric) !== "Count") p.values.push(value);
  }

  /**
   * The keys and dimension sets of an observation, derived once per distinct (metric, dimension
   * values) and remembered: put runs several times per request, and sorting and joining the
   * dimensions each time cost more than the rest of it. Bounded: forgotten wholesale when full.
   */
  #planFor(metric: MetricName, dims: Dimensions): Plan {
    // Frozen dimension objects (the per-request constants) are recognised by identity alone.
    const frozen = Object.isFrozen(dims) ? this.#frozenPlans.get(dims) : undefined;
    let plan = frozen?.get(metric);
    if (plan) return plan;
    const id = metric + JSON.stringify(dims);
    plan = this.#plans.get(id);
    if (plan) {
      if (Object.isFrozen(dims)) this.#rememberFrozen(dims, metric, plan);
      return plan;
    }
    const sets = dimensionSets(metric).filter((set) => set.every((d) => dims[d] !== undefined));
    const totalKeys = [
      ...new Set([totalKey(metric, {}), ...sets.map((set) => totalKey(metric, pick(dims, set)))]),
    ];
    plan = { totalKeys, sets, pendingKey: totalKey(metric, dims) };
    if (this.#plans.size >= MAX_PLANS) this.#plans.clear();
    this.#plans.set(id, plan);
    if (Object.isFrozen(dims)) this.#rememberFrozen(dims, metric, plan);
    return plan;
  }

  #rememberFrozen(dims: Dimensions, metric: MetricName, plan: Plan): void {
    let byMetric = this.#frozenPlans.get(dims);
    if (!byMetric) this.#frozenPlans.set(dims, byMetric = new Map());
    byMetric.set(metric, plan);
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
