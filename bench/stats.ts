/** Summary statistics for the bench: percentiles, medians over runs, min–max, ratios. @module */

/** The q-quantile (0..1) of ascending `sorted` values, nearest-rank; NaN when empty. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Median, minimum and maximum of a set of run results. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** The spread of `values` (NaN entries are ignored). */
export function spread(values: readonly number[]): Spread {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], n: v.length };
}

/** Formats a number with `digits` decimals (or a dash for NaN). */
export function fmt(x: number, digits = 1): string {
  if (Number.isNaN(x)) return "–";
  return x.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** "median (min–max)" with `digits` decimals. */
export function fmtSpread(s: Spread, digits = 1, unit = ""): string {
  if (s.n === 0) return "–";
  return `${fmt(s.median, digits)}${unit} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
}

/** PASS or MISS against a target, with the rule written out. */
export function verdict(ok: boolean): string {
  return ok ? "**PASS**" : "**MISS**";
}
