/**
 * Column statistics of delimited text (CSV, TSV) and of JSON arrays of records, computed from
 * the first bytes of a file: the header, the rows read, and per column its inferred type,
 * missing values, numeric range and mean, distinct values and the most frequent ones. A file
 * cut at the byte limit loses its last, partial line and is reported as a sample. Pure logic.
 * @module
 */

/** Most distinct values tracked per column (beyond it, `distinct` is a lower bound). */
const MAX_DISTINCT = 1000;
/** Most frequent values kept per text column (bar charts show them all, descriptions fewer). */
const TOP_VALUES = 20;
/** Most columns analysed (the others are counted, not described). */
export const MAX_COLUMNS = 200;

/** What a column's non-missing values look like. */
export type ColumnType = "integer" | "number" | "boolean" | "string" | "empty";

/** One column, as far as the rows read tell. */
export interface ColumnStats {
  readonly name: string;
  readonly type: ColumnType;
  /** Non-missing values. */
  readonly count: number;
  /** Missing values: empty cells, NA/NaN/null, absent keys. */
  readonly missing: number;
  /** Distinct non-missing values (a lower bound when `distinctCapped`). */
  readonly distinct: number;
  readonly distinctCapped: boolean;
  /** Numeric columns only. */
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  /** The numeric values read (numeric columns only), for histograms. */
  readonly values: readonly number[];
  /** Most frequent values with their counts, most frequent first (text and boolean columns). */
  readonly top: readonly { value: string; count: number }[];
}

/** A table's shape and columns. */
export interface TableStats {
  readonly columns: readonly ColumnStats[];
  /** Columns beyond {@link MAX_COLUMNS}, not described. */
  readonly columnsOmitted: number;
  /** Data rows read. */
  readonly rows: number;
  /** True when only the first part of the file was read (counts describe that sample). */
  readonly sampled: boolean;
}

const MISSING: ReadonlySet<string> = new Set(["", "na", "n/a", "nan", "null", "none", "#n/a"]);
const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEAN: ReadonlySet<string> = new Set(["true", "false"]);

/**
 * Splits delimited text into rows of cells (RFC 4180 quoting: `"` around a cell, `""` inside it;
 * CRLF or LF line ends). `truncated`: the text is a prefix, so its last line may be partial and
 * is dropped.
 */
export function parseDelimited(text: string, delimiter: string, truncated: boolean): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let rowComplete = true;
  for (; i < text.length; i++) {
    const c = text[i];
    rowComplete = false;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += c;
    } else if (c === '"' && cell === "") {
      quoted = true;
    } else if (c === delimiter) {
      row.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      rowComplete = true;
    } else cell += c;
  }
  if (!rowComplete && !truncated) {
    row.push(cell);
    rows.push(row);
  }
  // Blank lines carry no row.
  return rows.filter((r) => !(r.length === 1 && r[0] === ""));
}

class ColumnAccumulator {
  count = 0;
  missing = 0;
  ints = 0;
  nums = 0;
  bools = 0;
  values: number[] = [];
  sum = 0;
  min = Infinity;
  max = -Infinity;
  seen = new Map<string, number>();
  capped = false;

  add(raw: unknown): void {
    if (raw === undefined || raw === null) {
      this.missing++;
      return;
    }
    const text = typeof raw === "string"
      ? raw.trim()
      : typeof raw === "object"
      ? JSON.stringify(raw)
      : String(raw);
    if (typeof raw === "string" && MISSING.has(text.toLowerCase())) {
      this.missing++;
      return;
    }
    this.count++;
    if (typeof raw === "boolean" || (typeof raw === "string" && BOOLEAN.has(text.toLowerCase()))) {
      this.bools++;
    } else if (typeof raw === "number" || (typeof raw === "string" && NUMBER.test(text))) {
      const n = typeof raw === "number" ? raw : Number(text);
      if (Number.isFinite(n)) {
        this.nums++;
        if (typeof raw === "number" ? Number.isInteger(raw) : INTEGER.test(text)) this.ints++;
        this.values.push(n);
        this.sum += n;
        if (n < this.min) this.min = n;
        if (n > this.max) this.max = n;
      }
    }
    const known = this.seen.get(text);
    if (known !== undefined) this.seen.set(text, known + 1);
    else if (this.seen.size < MAX_DISTINCT) this.seen.set(text, 1);
    else this.capped = true;
  }

  finish(name: string): ColumnStats {
    const type: ColumnType = this.count === 0
      ? "empty"
      : this.nums === this.count
      ? (this.ints === this.count ? "integer" : "number")
      : this.bools === this.count
      ? "boolean"
      : "string";
    const numeric = type === "integer" || type === "number";
    const top = numeric ? [] : [...this.seen].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, TOP_VALUES).map(([value, count]) => ({ value, count }));
    return {
      name,
      type,
      count: this.count,
      missing: this.missing,
      distinct: this.seen.size,
      distinctCapped: this.capped,
      min: numeric ? this.min : null,
      max: numeric ? this.max : null,
      mean: numeric ? this.sum / this.nums : null,
      values: numeric ? this.values : [],
      top,
    };
  }
}

/** Unique, non-empty column names (`a`, `a_2`, `column_3`), as a table viewer would show them. */
function columnNames(header: readonly string[]): string[] {
  const used = new Set<string>();
  return header.map((h, i) => {
    let name = h.trim() || `column_${i + 1}`;
    for (let n = 2; used.has(name); n++) name = `${h.trim() || `column_${i + 1}`}_${n}`;
    used.add(name);
    return name;
  });
}

/** Statistics of delimited text whose first row is the header. */
export function delimitedStats(text: string, delimiter: string, truncated: boolean): TableStats {
  const rows = parseDelimited(text, delimiter, truncated);
  if (rows.length === 0) return { columns: [], columnsOmitted: 0, rows: 0, sampled: truncated };
  const names = columnNames(rows[0]);
  const kept = names.slice(0, MAX_COLUMNS);
  const acc = kept.map(() => new ColumnAccumulator());
  for (const row of rows.slice(1)) {
    // A short row leaves its last cells missing.
    acc.forEach((a, i) => a.add(i < row.length ? row[i] : undefined));
  }
  return {
    columns: acc.map((a, i) => a.finish(kept[i])),
    columnsOmitted: names.length - kept.length,
    rows: rows.length - 1,
    sampled: truncated,
  };
}

/** Statistics of a JSON array of objects (records); undefined for any other JSON value. */
export function recordsStats(value: unknown): TableStats | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  if (!value.every((r) => r !== null && typeof r === "object" && !Array.isArray(r))) {
    return undefined;
  }
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of value as Record<string, unknown>[]) {
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
    }
  }
  const kept = names.slice(0, MAX_COLUMNS);
  const acc = kept.map(() => new ColumnAccumulator());
  for (const r of value as Record<string, unknown>[]) {
    kept.forEach((k, i) => acc[i].add(Object.hasOwn(r, k) ? r[k] : undefined));
  }
  return {
    columns: acc.map((a, i) => a.finish(kept[i])),
    columnsOmitted: names.length - kept.length,
    rows: value.length,
    sampled: false,
  };
}
