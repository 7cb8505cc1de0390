/**
 * A small CloudWatch Logs Insights evaluator, enough to run the runbooks' queries against a sample
 * of the server's real log lines: `fields`, `display`, `filter` (=, !=, <, <=, >, >=, and, or, not,
 * in, like /re/ or "text", ispresent, isempty, strcontains), `parse <field> /(?<name>…)/`, `stats`
 * (count, count_distinct, sum, avg, min, max, pct; `by` fields and bin(…)), `sort`, `limit`.
 * It reports the source fields a query reads, so a test can prove each one is emitted. Anything
 * outside this subset is an error, not silently ignored. Pure: no I/O.
 * @module
 */

/** One log event: flattened JSON fields plus @timestamp, @message, @logStream. */
export type LogRecord = Record<string, unknown>;

/** Raised for syntax the evaluator does not understand. */
export class QuerySyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QuerySyntaxError";
  }
}

type Token =
  | { t: "word"; v: string }
  | { t: "field"; v: string }
  | { t: "str"; v: string }
  | { t: "num"; v: number }
  | { t: "re"; v: RegExp }
  | { t: "op"; v: string };

const KEYWORDS: ReadonlySet<string> = new Set([
  "and",
  "or",
  "not",
  "in",
  "like",
  "by",
  "as",
  "asc",
  "desc",
]);

/** Splits a query into tokens; `/…/` is a regular expression after `like` and in `parse`. */
export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const regexAllowed = () => {
    const last = tokens.at(-1);
    const before = tokens.at(-2);
    return (last?.t === "word" && last.v === "like") ||
      (before?.t === "word" && before.v === "parse") ||
      (last?.t === "op" && last.v === "=~");
  };
  while (i < query.length) {
    const c = query[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let v = "";
      while (j < query.length && query[j] !== c) {
        if (query[j] === "\\") j++;
        v += query[j++];
      }
      if (j >= query.length) throw new QuerySyntaxError(`unterminated string at ${i}`);
      tokens.push({ t: "str", v });
      i = j + 1;
    } else if (c === "/" && regexAllowed()) {
      let j = i + 1;
      let src = "";
      while (j < query.length && query[j] !== "/") {
        if (query[j] === "\\") src += query[j++];
        src += query[j++];
      }
      if (j >= query.length) throw new QuerySyntaxError(`unterminated regex at ${i}`);
      tokens.push({ t: "re", v: new RegExp(src) });
      i = j + 1;
    } else if (c === "`") {
      const j = query.indexOf("`", i + 1);
      if (j < 0) throw new QuerySyntaxError("unterminated backtick field");
      tokens.push({ t: "field", v: query.slice(i + 1, j) });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?[a-z]*/.exec(query.slice(i))!;
      tokens.push(/[a-z]$/.test(m[0]) ? { t: "word", v: m[0] } : { t: "num", v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_@]/.test(c)) {
      const m = /^@?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*/.exec(query.slice(i))!;
      tokens.push({ t: "word", v: m[0] });
      i += m[0].length;
    } else {
      const m = /^(!=|<=|>=|=~|[=<>(),|*\[\]+\-\/])/.exec(query.slice(i));
      if (!m) throw new QuerySyntaxError(`unexpected character ${JSON.stringify(c)} at ${i}`);
      tokens.push({ t: "op", v: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

// ---- expressions --------------------------------------------------------------------------------

type Expr =
  | { k: "field"; name: string }
  | { k: "lit"; value: unknown }
  | { k: "call"; fn: string; args: Expr[] }
  | { k: "cmp"; op: string; left: Expr; right: Expr }
  | { k: "like"; left: Expr; pattern: RegExp | string; negate: boolean }
  | { k: "in"; left: Expr; list: Expr[]; negate: boolean }
  | { k: "and" | "or"; left: Expr; right: Expr }
  | { k: "not"; expr: Expr };

class Parser {
  #tokens: Token[];
  #pos = 0;
  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }
  get done(): boolean {
    return this.#pos >= this.#tokens.length;
  }
  peek(): Token | undefined {
    return this.#tokens[this.#pos];
  }
  next(): Token {
    const t = this.#tokens[this.#pos++];
    if (!t) throw new QuerySyntaxError("unexpected end of command");
    return t;
  }
  isWord(v: string): boolean {
    const t = this.peek();
    return t?.t === "word" && t.v.toLowerCase() === v;
  }
  isOp(v: string): boolean {
    const t = this.peek();
    return t?.t === "op" && t.v === v;
  }
  expectOp(v: string): void {
    const t = this.next();
    if (t.t !== "op" || t.v !== v) throw new QuerySyntaxError(`expected "${v}"`);
  }
  field(): string {
    const t = this.next();
    if ((t.t === "word" && !KEYWORDS.has(t.v.toLowerCase())) || t.t === "field") return t.v;
    throw new QuerySyntaxError(`expected a field name, got ${JSON.stringify(t)}`);
  }

  or(): Expr {
    let left = this.and();
    while (this.isWord("or")) {
      this.next();
      left = { k: "or", left, right: this.and() };
    }
    return left;
  }
  and(): Expr {
    let left = this.not();
    while (this.isWord("and")) {
      this.next();
      left = { k: "and", left, right: this.not() };
    }
    return left;
  }
  not(): Expr {
    if (this.isWord("not")) {
      this.next();
      return { k: "not", expr: this.not() };
    }
    return this.comparison();
  }
  comparison(): Expr {
    const left = this.primary();
    let negate = false;
    if (this.isWord("not")) {
      this.next();
      negate = true;
    }
    if (this.isWord("like")) {
      this.next();
      const t = this.next();
      if (t.t !== "re" && t.t !== "str") {
        throw new QuerySyntaxError("like needs /regex/ or a string");
      }
      return { k: "like", left, pattern: t.v, negate };
    }
    if (this.isWord("in")) {
      this.next();
      this.expectOp("[");
      const list: Expr[] = [];
      while (!this.isOp("]")) {
        list.push(this.primary());
        if (this.isOp(",")) this.next();
      }
      this.expectOp("]");
      return { k: "in", left, list, negate };
    }
    if (negate) throw new QuerySyntaxError("not must precede like or in here");
    const t = this.peek();
    if (t?.t === "op" && ["=", "!=", "<", "<=", ">", ">="].includes(t.v)) {
      this.next();
      return { k: "cmp", op: t.v, left, right: this.primary() };
    }
    return left;
  }
  primary(): Expr {
    const t = this.next();
    if (t.t === "op" && t.v === "(") {
      const e = this.or();
      this.expectOp(")");
      return e;
    }
    if (t.t === "str" || t.t === "num") return { k: "lit", value: t.v };
    if (t.t === "field") return { k: "field", name: t.v };
    if (t.t === "word") {
      if (this.isOp("(")) {
        this.next();
        const args: Expr[] = [];
        while (!this.isOp(")")) {
          if (this.isOp("*")) {
            this.next();
            args.push({ k: "lit", value: "*" });
          } else args.push(this.or());
          if (this.isOp(",")) this.next();
        }
        this.expectOp(")");
        return { k: "call", fn: t.v.toLowerCase(), args };
      }
      if (KEYWORDS.has(t.v.toLowerCase())) throw new QuerySyntaxError(`unexpected keyword ${t.v}`);
      if (/^[0-9]/.test(t.v)) return { k: "lit", value: t.v };
      return { k: "field", name: t.v };
    }
    throw new QuerySyntaxError(`unexpected ${JSON.stringify(t)}`);
  }
}

/** A placeholder an operator replaces (e.g. "<request-id>"): equality means "the field is present". */
const PLACEHOLDER = /^<[a-z0-9 -]+>$/;

function value(e: Expr, r: LogRecord): unknown {
  switch (e.k) {
    case "field":
      return r[e.name];
    case "lit":
      return e.value;
    case "call": {
      const arg = e.args[0];
      const v = arg ? value(arg, r) : undefined;
      if (e.fn === "ispresent") return v !== undefined && v !== null;
      if (e.fn === "isempty") return v === undefined || v === null || v === "";
      if (e.fn === "strcontains") {
        return typeof v === "string" && v.includes(String(value(e.args[1], r)));
      }
      throw new QuerySyntaxError(`unsupported function ${e.fn}()`);
    }
    default:
      return test(e, r);
  }
}

function test(e: Expr, r: LogRecord): boolean {
  switch (e.k) {
    case "and":
      return test(e.left, r) && test(e.right, r);
    case "or":
      return test(e.left, r) || test(e.right, r);
    case "not":
      return !test(e.expr, r);
    case "like": {
      const v = value(e.left, r);
      if (v === undefined || v === null) return false;
      const s = String(v);
      const hit = typeof e.pattern === "string" ? s.includes(e.pattern) : e.pattern.test(s);
      return e.negate ? !hit : hit;
    }
    case "in": {
      const v = value(e.left, r);
      if (v === undefined || v === null) return false;
      const hit = e.list.some((x) => value(x, r) === v);
      return e.negate ? !hit : hit;
    }
    case "cmp": {
      const left = value(e.left, r);
      const right = value(e.right, r);
      if (left === undefined || left === null) return false;
      if (e.op === "=" && typeof right === "string" && PLACEHOLDER.test(right)) return true;
      switch (e.op) {
        case "=":
          return left === right || String(left) === String(right);
        case "!=":
          return String(left) !== String(right);
        case "<":
          return Number(left) < Number(right);
        case "<=":
          return Number(left) <= Number(right);
        case ">":
          return Number(left) > Number(right);
        default:
          return Number(left) >= Number(right);
      }
    }
    default:
      return Boolean(value(e, r));
  }
}

function fieldsOf(e: Expr, out: Set<string>): void {
  switch (e.k) {
    case "field":
      out.add(e.name);
      break;
    case "call":
      e.args.forEach((a) => fieldsOf(a, out));
      break;
    case "cmp":
    case "and":
    case "or":
      fieldsOf(e.left, out);
      fieldsOf(e.right, out);
      break;
    case "like":
      fieldsOf(e.left, out);
      break;
    case "in":
      fieldsOf(e.left, out);
      e.list.forEach((x) => fieldsOf(x, out));
      break;
    case "not":
      fieldsOf(e.expr, out);
      break;
  }
}

// ---- commands -----------------------------------------------------------------------------------

interface Aggregate {
  fn: string;
  arg?: Expr;
  extra?: number;
  alias: string;
}

type Command =
  | { c: "fields"; exprs: Array<{ expr: Expr; alias?: string }> }
  | { c: "filter"; expr: Expr }
  | { c: "parse"; field: string; re: RegExp }
  | { c: "stats"; aggs: Aggregate[]; by: Array<{ field?: string; binMs?: number; name: string }> }
  | { c: "sort"; keys: Array<{ field: string; desc: boolean }> }
  | { c: "limit"; n: number };

/** A parsed query: its commands and the source fields it reads. */
export interface Query {
  readonly commands: readonly Command[];
  /** Fields read from the log events (aliases defined by the query excluded). */
  readonly fields: ReadonlySet<string>;
}

const BIN_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

function splitCommands(tokens: Token[]): Token[][] {
  const out: Token[][] = [[]];
  for (const t of tokens) {
    if (t.t === "op" && t.v === "|") out.push([]);
    else out.at(-1)!.push(t);
  }
  return out.filter((c) => c.length > 0);
}

/** Parses a query; throws QuerySyntaxError for anything outside the supported subset. */
export function parseQuery(query: string): Query {
  const commands: Command[] = [];
  const read = new Set<string>();
  const defined = new Set<string>();
  const note = (e: Expr) => {
    const s = new Set<string>();
    fieldsOf(e, s);
    for (const f of s) if (!defined.has(f)) read.add(f);
  };
  for (const tokens of splitCommands(tokenize(query))) {
    const p = new Parser(tokens.slice(1));
    const head = tokens[0];
    const name = head.t === "word" ? head.v.toLowerCase() : "";
    if (name === "fields" || name === "display") {
      const exprs: Array<{ expr: Expr; alias?: string }> = [];
      while (!p.done) {
        const expr = p.or();
        let alias: string | undefined;
        if (p.isWord("as")) {
          p.next();
          alias = p.field();
        }
        note(expr);
        if (alias) defined.add(alias);
        exprs.push({ expr, alias });
        if (p.isOp(",")) p.next();
      }
      commands.push({ c: "fields", exprs });
    } else if (name === "filter") {
      const expr = p.or();
      if (!p.done) {
        throw new QuerySyntaxError(`trailing input in filter: ${JSON.stringify(p.peek())}`);
      }
      note(expr);
      commands.push({ c: "filter", expr });
    } else if (name === "parse") {
      const field = p.field();
      const t = p.next();
      if (t.t !== "re") throw new QuerySyntaxError("parse supports /regex/ with named groups only");
      if (!defined.has(field)) read.add(field);
      for (const g of t.v.source.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)) defined.add(g[1]);
      commands.push({ c: "parse", field, re: t.v });
    } else if (name === "stats") {
      const aggs: Aggregate[] = [];
      while (!p.done && !p.isWord("by")) {
        const call = p.primary();
        if (call.k !== "call") throw new QuerySyntaxError("stats needs aggregate functions");
        if (!p.isWord("as")) throw new QuerySyntaxError(`name every aggregate: ${call.fn}(…) as …`);
        p.next();
        const alias = p.field();
        const arg = call.args[0] && !(call.args[0].k === "lit" && call.args[0].value === "*")
          ? call.args[0]
          : undefined;
        if (arg) note(arg);
        const extra = call.args[1]?.k === "lit" ? Number(call.args[1].value) : undefined;
        aggs.push({ fn: call.fn, arg, extra, alias });
        if (p.isOp(",")) p.next();
      }
      const by: Array<{ field?: string; binMs?: number; name: string }> = [];
      if (p.isWord("by")) {
        p.next();
        while (!p.done) {
          const e = p.primary();
          if (e.k === "call" && e.fn === "bin") {
            const spec = e.args[0];
            const text = spec?.k === "lit" ? String(spec.value) : "";
            const m = /^([0-9]+)(ms|s|min|m|h|d)$/.exec(text);
            if (!m) throw new QuerySyntaxError(`bin(${text}) is not a period`);
            by.push({ binMs: Number(m[1]) * BIN_UNITS[m[2]], name: `bin(${text})` });
            read.add("@timestamp");
          } else if (e.k === "field") {
            if (!defined.has(e.name)) read.add(e.name);
            by.push({ field: e.name, name: e.name });
          } else throw new QuerySyntaxError("stats … by takes fields and bin()");
          if (p.isOp(",")) p.next();
        }
      }
      for (const a of aggs) defined.add(a.alias);
      for (const b of by) defined.add(b.name);
      commands.push({ c: "stats", aggs, by });
    } else if (name === "sort") {
      const keys: Array<{ field: string; desc: boolean }> = [];
      while (!p.done) {
        const field = p.field();
        let desc = false;
        if (p.isWord("desc") || p.isWord("asc")) desc = p.next().v === "desc";
        if (!defined.has(field)) read.add(field);
        keys.push({ field, desc });
        if (p.isOp(",")) p.next();
      }
      commands.push({ c: "sort", keys });
    } else if (name === "limit") {
      const t = p.next();
      if (t.t !== "num") throw new QuerySyntaxError("limit needs a number");
      commands.push({ c: "limit", n: t.v });
    } else {
      throw new QuerySyntaxError(`unsupported command ${JSON.stringify(head)}`);
    }
  }
  if (commands.length === 0) throw new QuerySyntaxError("empty query");
  return { commands, fields: read };
}

function aggregate(a: Aggregate, rows: LogRecord[]): unknown {
  const values = a.arg
    ? rows.map((r) => value(a.arg!, r)).filter((v) => v !== undefined && v !== null)
    : rows;
  const nums = values.map(Number).filter((n) => !Number.isNaN(n));
  switch (a.fn) {
    case "count":
      return values.length;
    case "count_distinct":
      return new Set(values.map(String)).size;
    case "sum":
      return nums.reduce((s, n) => s + n, 0);
    case "avg":
      return nums.length ? nums.reduce((s, n) => s + n, 0) / nums.length : undefined;
    case "min":
      return nums.length ? Math.min(...nums) : undefined;
    case "max":
      return nums.length ? Math.max(...nums) : undefined;
    case "pct": {
      if (!nums.length) return undefined;
      const sorted = [...nums].sort((x, y) => x - y);
      return sorted[
        Math.min(sorted.length - 1, Math.floor(((a.extra ?? 50) / 100) * sorted.length))
      ];
    }
    default:
      throw new QuerySyntaxError(`unsupported aggregate ${a.fn}()`);
  }
}

function timestampMs(r: LogRecord): number {
  const t = r["@timestamp"];
  return typeof t === "number" ? t : Date.parse(String(t));
}

/** Runs a parsed query over records and returns the result rows. */
export function evaluate(query: Query, records: readonly LogRecord[]): LogRecord[] {
  let rows: LogRecord[] = records.map((r) => ({ ...r }));
  for (const cmd of query.commands) {
    switch (cmd.c) {
      case "fields":
        rows = rows.map((r) => {
          const out = { ...r };
          for (const { expr, alias } of cmd.exprs) if (alias) out[alias] = value(expr, r);
          return out;
        });
        break;
      case "filter":
        rows = rows.filter((r) => test(cmd.expr, r));
        break;
      case "parse":
        rows = rows.map((r) => {
          const m = cmd.re.exec(String(r[cmd.field] ?? ""));
          return m?.groups ? { ...r, ...m.groups } : r;
        });
        break;
      case "stats": {
        const groups = new Map<string, LogRecord[]>();
        const keys = new Map<string, LogRecord>();
        for (const r of rows) {
          const key: LogRecord = {};
          for (const b of cmd.by) {
            key[b.name] = b.binMs ? Math.floor(timestampMs(r) / b.binMs) * b.binMs : r[b.field!];
          }
          const k = JSON.stringify(key);
          if (!groups.has(k)) {
            groups.set(k, []);
            keys.set(k, key);
          }
          groups.get(k)!.push(r);
        }
        rows = [...groups.entries()].map(([k, members]) => {
          const out: LogRecord = { ...keys.get(k) };
          for (const a of cmd.aggs) out[a.alias] = aggregate(a, members);
          return out;
        });
        break;
      }
      case "sort":
        rows = [...rows].sort((x, y) => {
          for (const { field, desc } of cmd.keys) {
            const a = x[field];
            const b = y[field];
            const c = typeof a === "number" && typeof b === "number"
              ? a - b
              : String(a ?? "").localeCompare(String(b ?? ""));
            if (c !== 0) return desc ? -c : c;
          }
          return 0;
        });
        break;
      case "limit":
        rows = rows.slice(0, cmd.n);
        break;
    }
  }
  return rows;
}

/** Flattens a JSON log line into Logs Insights fields (nested keys joined with dots). */
export function toRecord(line: string, logStream: string): LogRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { "@message": line, "@logStream": logStream, "@timestamp": Date.now() };
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return undefined;
  const out: LogRecord = { "@message": line, "@logStream": logStream };
  const walk = (prefix: string, v: unknown) => {
    if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x);
    } else out[prefix] = v;
  };
  walk("", parsed);
  const p = parsed as { ts?: string; _aws?: { Timestamp?: number }; timestamp?: number };
  out["@timestamp"] = p.ts ? Date.parse(p.ts) : p._aws?.Timestamp ?? p.timestamp ?? Date.now();
  return out;
}
