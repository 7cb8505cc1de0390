/**
 * Shaping Athena query results for an assistant: typed columns, rows as arrays of text values
 * (Athena's own rendering, so big integers and decimals keep every digit; SQL NULL is null), the
 * header row Athena puts first in SELECT results dropped, and a row and byte budget per answer.
 * @module
 */
import type { ColumnInfo, Row } from "@aws-sdk/client-athena";

/** A result column. */
export interface ResultColumn {
  readonly name: string;
  /** Athena type name (varchar, bigint, decimal, array, ...). */
  readonly type: string;
  /** null when Athena does not know. */
  readonly nullable: boolean | null;
  /** Precision of decimals, length of varchar/char; null when not reported. */
  readonly precision: number | null;
  readonly scale: number | null;
}

/** A result row: one text value per column, null for SQL NULL. */
export type ResultRow = (string | null)[];

/** Maps Athena's column metadata. */
export function resultColumns(info: readonly ColumnInfo[] | undefined): ResultColumn[] {
  return (info ?? []).map((c) => ({
    name: c.Name ?? c.Label ?? "",
    type: c.Type ?? "unknown",
    nullable: c.Nullable === "NOT_NULL" ? false : c.Nullable === "NULLABLE" ? true : null,
    precision: c.Precision ?? null,
    scale: c.Scale ?? null,
  }));
}

/** The values of one Athena row (a datum without VarCharValue is SQL NULL). */
export function rowValues(row: Row): ResultRow {
  return (row.Data ?? []).map((d) => d.VarCharValue ?? null);
}

/**
 * True when `values` is the header row Athena returns first for SELECT-like (DML) statements: it
 * repeats the column labels. DDL and utility statements have no header row.
 */
export function isHeaderRow(
  values: ResultRow,
  info: readonly ColumnInfo[] | undefined,
  statementType: string | undefined,
): boolean {
  if (statementType !== "DML" || !info || info.length !== values.length) return false;
  return info.every((c, i) => values[i] === (c.Label ?? c.Name));
}

const encoder = new TextEncoder();

/** UTF-8 size of a value's JSON text. */
export function jsonBytes(value: unknown): number {
  return encoder.encode(JSON.stringify(value)).length;
}

/** Cuts a string to at most `max` UTF-16 units without splitting a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end);
}

/** Limits of one answer. */
export interface BudgetLimits {
  readonly maxRows: number;
  /** Budget for the JSON text of the rows. */
  readonly maxBytes: number;
  /** Longest single value; longer values are cut (and reported). */
  readonly maxValueChars: number;
}

/**
 * Collects rows until the row limit or the byte budget is reached. Rows keep their order: the
 * first row that does not fit ends the answer. The first row is always taken (its values cut
 * further if it alone exceeds the budget), so paging always makes progress.
 */
export class RowBudget {
  readonly #limits: BudgetLimits;
  readonly rows: ResultRow[] = [];
  #bytes = 2; // "[]"
  #closed = false;
  /** True when some value was cut to fit. */
  valuesCut = false;

  constructor(limits: BudgetLimits) {
    this.#limits = limits;
  }

  /** UTF-8 bytes of the rows' JSON so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** True once no further row can be added. */
  full(): boolean {
    return this.#closed || this.rows.length >= this.#limits.maxRows;
  }

  /** Adds a row if it fits; false (and closed) when it does not. */
  add(values: ResultRow): boolean {
    if (this.full()) return false;
    let row = this.#cut(values, this.#limits.maxValueChars);
    const separator = this.rows.length > 0 ? 1 : 0;
    let size = jsonBytes(row) + separator;
    if (this.#bytes + size > this.#limits.maxBytes) {
      if (this.rows.length > 0) {
        this.#closed = true;
        return false;
      }
      for (let cap = this.#limits.maxValueChars; size + this.#bytes > this.#limits.maxBytes;) {
        cap = Math.floor(cap / 2);
        row = this.#cut(values, cap);
        size = jsonBytes(row);
        if (cap <= 1) break;
      }
    }
    this.rows.push(row);
    this.#bytes += size;
    return true;
  }

  #cut(values: ResultRow, cap: number): ResultRow {
    return values.map((v) => {
      if (v === null || v.length <= cap) return v;
      this.valuesCut = true;
      return cutText(v, cap);
    });
  }
}
