/**
 * Which SQL statements athena_query_execute runs: only statements that read (SELECT, WITH,
 * VALUES, SHOW, DESCRIBE, EXPLAIN of one of those). Athena runs exactly one statement per
 * execution, so its leading keyword decides what it does. This keeps the tool's promise not to
 * change data; IAM (policies/athena.json grants no Glue or data writes) is the enforcement.
 * @module
 */

/** Leading keywords of statements that only read. */
export const READ_KEYWORDS: ReadonlySet<string> = new Set([
  "SELECT",
  "WITH",
  "VALUES",
  "SHOW",
  "DESCRIBE",
  "DESC",
  "EXPLAIN",
]);

/** The verdict on one statement. */
export interface StatementCheck {
  /** True when the statement only reads. */
  readonly ok: boolean;
  /** Its leading keyword, upper-case ("" when there is none). */
  readonly keyword: string;
}

/** Skips whitespace, `--` and block comments (and opening parentheses when `parens`). */
function skipNoise(sql: string, from: number, parens: boolean): number {
  let i = from;
  while (i < sql.length) {
    if (/\s/.test(sql[i]) || (parens && sql[i] === "(")) {
      i++;
    } else if (sql.startsWith("--", i)) {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith("/*", i)) {
      const end = sql.indexOf("*/", i + 2);
      // An unterminated comment hides everything after it: nothing is left to run.
      i = end < 0 ? sql.length : end + 2;
    } else {
      break;
    }
  }
  return i;
}

/** The word starting at `from` (letters, digits, underscore), upper-cased, and where it ends. */
function wordAt(sql: string, from: number): { word: string; end: number } {
  const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(from, from + 64));
  return m ? { word: m[0].toUpperCase(), end: from + m[0].length } : { word: "", end: from };
}

/** Checks that `sql` is one statement that only reads. */
export function checkReadOnly(sql: string): StatementCheck {
  const first = wordAt(sql, skipNoise(sql, 0, true));
  if (!READ_KEYWORDS.has(first.word)) return { ok: false, keyword: first.word };
  if (first.word !== "EXPLAIN") return { ok: true, keyword: first.word };
  // EXPLAIN ANALYZE executes the statement it explains, so that statement must only read too.
  // Grammar: EXPLAIN [ANALYZE] [VERBOSE] [(TYPE x, FORMAT y)] statement.
  let i = first.end;
  for (let hop = 0; hop < 4; hop++) {
    const j = skipNoise(sql, i, false);
    if (/^\(\s*(TYPE|FORMAT)\b/i.test(sql.slice(j, j + 32))) {
      const close = sql.indexOf(")", j);
      if (close < 0) break;
      i = close + 1;
      continue;
    }
    const next = wordAt(sql, skipNoise(sql, j, true));
    if (next.word === "ANALYZE" || next.word === "VERBOSE") {
      i = next.end;
      continue;
    }
    const inner = checkReadOnly(sql.slice(j));
    return { ok: inner.ok && inner.keyword !== "EXPLAIN", keyword: first.word };
  }
  return { ok: false, keyword: first.word };
}
