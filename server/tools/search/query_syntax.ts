/**
 * How a catalog search text is read. The Quilt catalog hands `searchString` to its search service
 * (Elasticsearch query-string syntax): words, "phrases", field:value, wildcards (* ?), /regular
 * expressions/, ranges ([a TO b], {a TO b}, field:>n), fuzziness (~) and boosts (^), boolean
 * operators (AND, OR, NOT, &&, ||, !, +required, -excluded) and parentheses. This module splits a
 * text into those parts and names the mistakes that make a search fail or surprise (unbalanced
 * quotes or parentheses, a lowercase 'and'/'or' read as a word, a leading wildcard, an operator
 * with nothing after it). Pure: no catalog call.
 * @module
 */

/** One part of a search text. */
export interface QueryPart {
  readonly kind:
    | "word"
    | "phrase"
    | "wildcard"
    | "regex"
    | "range"
    | "operator"
    | "group_open"
    | "group_close";
  /** The text as written. */
  readonly text: string;
  /** field of field:value. */
  readonly field: string | null;
  /** + (must match), - or NOT (must not match), or none. */
  readonly modifier: "required" | "excluded" | null;
}

/** A problem with a search text, and how to fix it. */
export interface QueryWarning {
  readonly problem: string;
  readonly fix: string;
}

/** The reading of a search text. */
export interface QueryReading {
  readonly parts: QueryPart[];
  readonly warnings: QueryWarning[];
  /** The same text with the fixable problems fixed (equal to the input when there are none). */
  readonly fixed: string;
}

const OPERATORS: ReadonlySet<string> = new Set(["AND", "OR", "NOT", "&&", "||", "!"]);

/** Splits a search text into its parts and names its problems. */
export function readQuery(text: string): QueryReading {
  const parts: QueryPart[] = [];
  const warnings: QueryWarning[] = [];
  let fixed = text;
  let i = 0;
  let depth = 0;
  let pendingNot = false;
  const push = (part: Omit<QueryPart, "modifier">, modifier: QueryPart["modifier"]) => {
    parts.push({ ...part, modifier: pendingNot ? "excluded" : modifier });
    pendingNot = false;
  };
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(") {
      depth++;
      parts.push({ kind: "group_open", text: "(", field: null, modifier: null });
      i++;
      continue;
    }
    if (c === ")") {
      if (depth === 0) {
        warnings.push({
          problem: "a ')' closes no group",
          fix: "remove it or add the matching '('",
        });
        fixed = fixed.replace(")", "");
      } else depth--;
      parts.push({ kind: "group_close", text: ")", field: null, modifier: null });
      i++;
      continue;
    }
    // One term (with its modifier and field), up to whitespace or a parenthesis outside quotes.
    let modifier: QueryPart["modifier"] = null;
    if ((c === "+" || c === "-") && i + 1 < text.length && !/\s/.test(text[i + 1])) {
      modifier = c === "+" ? "required" : "excluded";
      i++;
    }
    const start = i;
    let field: string | null = null;
    const fm = /^([A-Za-z_][\w.*]*):(?!\/\/)/.exec(text.slice(i));
    if (fm) {
      field = fm[1];
      i += fm[0].length;
    }
    const valueStart = i;
    const open = text[i];
    if (open === '"') {
      const end = findClosing(text, i + 1, '"');
      if (end < 0) {
        warnings.push({
          problem: "a '\"' opens a phrase that never closes",
          fix: "close the phrase with '\"' (or escape the quote as \\\")",
        });
        fixed = `${fixed}"`;
        i = text.length;
      } else i = end + 1;
      i = skipSuffix(text, i);
      push({ kind: "phrase", text: text.slice(start, i), field }, modifier);
      continue;
    }
    if (open === "/") {
      const end = findClosing(text, i + 1, "/");
      i = end < 0 ? text.length : skipSuffix(text, end + 1);
      if (end < 0) {
        warnings.push({
          problem: "a '/' starts a regular expression that never ends",
          fix: 'escape it as \\/ (a path such as a/b needs quotes: "a/b")',
        });
      }
      push({ kind: "regex", text: text.slice(start, i), field }, modifier);
      continue;
    }
    if (open === "[" || open === "{") {
      const end = text.slice(i).search(/[\]}]/);
      if (end < 0) {
        warnings.push({
          problem: "a range is not closed",
          fix: "write [low TO high] or {low TO high}",
        });
        i = text.length;
      } else i += end + 1;
      push({ kind: "range", text: text.slice(start, i), field }, modifier);
      continue;
    }
    while (i < text.length && !/[\s()]/.test(text[i])) i += text[i] === "\\" ? 2 : 1;
    const word = text.slice(start, i);
    const value = text.slice(valueStart, i);
    if (field === null && modifier === null && OPERATORS.has(word)) {
      parts.push({ kind: "operator", text: word, field: null, modifier: null });
      if (word === "NOT" || word === "!") pendingNot = true;
      continue;
    }
    if (field === null && (word === "and" || word === "or" || word === "not")) {
      warnings.push({
        problem: `'${word}' in lowercase is searched as a word, not as an operator`,
        fix: `write ${word.toUpperCase()} to combine terms`,
      });
    }
    if (/^[<>]=?/.test(value)) {
      push({ kind: "range", text: word, field }, modifier);
      continue;
    }
    const unescaped = value.replace(/\\./g, "");
    if (/^[*?]/.test(unescaped)) {
      warnings.push({
        problem:
          `'${word}' starts with a wildcard, which search services often refuse or run slowly`,
        fix: "put at least a few characters before the wildcard",
      });
    }
    push({ kind: /[*?]/.test(unescaped) ? "wildcard" : "word", text: word, field }, modifier);
  }
  if (depth > 0) {
    warnings.push({ problem: `${depth} '(' never closed`, fix: "add the missing ')'" });
    fixed = fixed + ")".repeat(depth);
  }
  const last = parts.at(-1);
  if (last?.kind === "operator") {
    warnings.push({
      problem: `the text ends with the operator ${last.text}`,
      fix: "add a term after it or remove it",
    });
    fixed = fixed.trimEnd().slice(0, fixed.trimEnd().length - last.text.length).trimEnd();
  }
  if (
    parts.length > 0 && parts[0].kind === "operator" && parts[0].text !== "NOT" &&
    parts[0].text !== "!"
  ) {
    warnings.push({
      problem: `the text starts with the operator ${parts[0].text}`,
      fix: "remove it",
    });
    fixed = fixed.trimStart().slice(parts[0].text.length).trimStart();
  }
  return { parts, warnings, fixed };
}

function findClosing(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

/** Skips ~fuzziness and ^boost after a term. */
function skipSuffix(text: string, i: number): number {
  const m = /^([~^][0-9.]*)*/.exec(text.slice(i));
  return i + (m?.[0].length ?? 0);
}

/** Alternative search texts for a reading: broader or better-formed variants, most useful first. */
export function suggestQueries(
  reading: QueryReading,
  original: string,
): { query: string; why: string }[] {
  const out: { query: string; why: string }[] = [];
  const add = (query: string, why: string) => {
    const q = query.trim();
    if (q !== "" && q !== original.trim() && !out.some((s) => s.query === q)) {
      out.push({ query: q, why });
    }
  };
  if (reading.warnings.length > 0) {
    add(reading.fixed, "the same search with its syntax problems fixed");
  }
  const words = reading.parts.filter((p) =>
    p.kind === "word" && p.field === null && p.modifier === null
  );
  const plain = reading.parts.every((p) =>
    p.kind === "word" && p.field === null && p.modifier === null
  );
  if (plain && words.length > 1) {
    add(
      `"${words.map((w) => w.text).join(" ")}"`,
      "only results with these words next to each other",
    );
    add(words.map((w) => w.text).join(" OR "), "results with any of these words (broader)");
  }
  const last = words.at(-1);
  if (last && last.text.length >= 3 && !last.text.endsWith("*")) {
    add(
      `${original.trimEnd()}*`,
      `also words starting with '${last.text}' (completes a partial word)`,
    );
  }
  const excluded = reading.parts.filter((p) => p.modifier === "excluded");
  if (excluded.length > 0) {
    const kept = reading.parts.filter((p) =>
      p.modifier !== "excluded" && !(p.kind === "operator" && p.text === "NOT")
    );
    add(kept.map((p) => p.text).join(" "), "without the exclusions (broader)");
  }
  for (const p of reading.parts.filter((p) => p.field !== null)) {
    add(
      original.replace(p.text, p.text.slice(p.field!.length + 1)),
      `'${p.text.slice(p.field!.length + 1)}' in any field, not only ${p.field}`,
    );
  }
  return out;
}
