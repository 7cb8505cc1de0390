/**
 * A JSON parser that accepts exactly what Python's `json.loads` accepts (including `NaN`,
 * `Infinity` and `-Infinity`) and keeps every number's source text.
 * @module
 */

import { JsonSyntaxError } from "./errors.ts";
import { JsonNumber, type JsonObject, type JsonValue } from "./json_value.ts";

/** Python refuses to convert integers with more digits than this (`sys.get_int_max_str_digits`). */
const MAX_INT_DIGITS = 4300;
/** Deeper nesting than this fails in Python with RecursionError; we fail with a clear error. */
const MAX_DEPTH = 900;

/** Options of {@link parseJson}. */
export interface ParseJsonOptions {
  /** Reuse the short strings and the numbers this pool has seen (see {@link ValuePool}). */
  readonly pool?: ValuePool;
}

/**
 * Short strings and numbers shared between the documents parsed with it. Metadata of a large
 * manifest repeats its keys (`user_meta`, ...) and many values on every entry; one copy each
 * instead of one per entry saves several MiB on 100,000 entries. Sharing is safe because strings
 * and {@link JsonNumber}s are immutable. Bounded: past `limit` values, new ones are not pooled.
 */
export class ValuePool {
  readonly #strings = new Map<string, string>();
  readonly #numbers = new Map<string, JsonNumber>();
  readonly #limit: number;

  /** A pool of at most `limit` strings and `limit` numbers. */
  constructor(limit = 4096) {
    this.#limit = limit;
  }

  /** The pooled copy of `s` (which becomes the pooled copy when new and short). */
  string(s: string): string {
    if (s.length > MAX_POOLED_LENGTH) return s;
    const known = this.#strings.get(s);
    if (known !== undefined) return known;
    if (this.#strings.size >= this.#limit) return s;
    // A string sliced from the document would keep the whole document alive: copy it.
    const own = copyOf(s);
    this.#strings.set(own, own);
    return own;
  }

  /** The pooled number of this text. */
  number(text: string): JsonNumber {
    const known = this.#numbers.get(text);
    if (known !== undefined) return known;
    if (this.#numbers.size >= this.#limit) return new JsonNumber(text);
    const n = new JsonNumber(copyOf(text));
    this.#numbers.set(n.text, n);
    return n;
  }
}

/** Longest string a {@link ValuePool} keeps: keys and short values, not free text. */
const MAX_POOLED_LENGTH = 64;

/** A copy of `s` that shares no memory with it (a slice of a long string would). */
function copyOf(s: string): string {
  return JSON.parse(JSON.stringify(s));
}

/** Parses one JSON document as Python's `json.loads` would, keeping number text. */
export function parseJson(text: string, opts: ParseJsonOptions = {}): JsonValue {
  const p = new Parser(text, opts.pool);
  p.skipWs();
  const v = p.value(0);
  p.skipWs();
  if (p.i !== text.length) throw new JsonSyntaxError("extra data after the JSON value", p.i);
  return v;
}

class Parser {
  readonly s: string;
  readonly pool: ValuePool | undefined;
  i = 0;

  constructor(s: string, pool: ValuePool | undefined) {
    this.s = s;
    this.pool = pool;
  }

  skipWs(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
  }

  fail(msg: string, at = this.i): never {
    throw new JsonSyntaxError(msg, at);
  }

  value(depth: number): JsonValue {
    const s = this.s;
    const c = s.charCodeAt(this.i);
    switch (c) {
      case 0x22: // "
        return this.pool === undefined ? this.string() : this.pool.string(this.string());
      case 0x7b: // {
        return this.object(depth + 1);
      case 0x5b: // [
        return this.array(depth + 1);
      case 0x6e: // n
        return this.literal("null", null);
      case 0x74: // t
        return this.literal("true", true);
      case 0x66: // f
        return this.literal("false", false);
      case 0x4e: // N
        return this.literal("NaN", new JsonNumber("NaN"));
      case 0x49: // I
        return this.literal("Infinity", new JsonNumber("Infinity"));
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        return this.fail(this.i >= s.length ? "unexpected end of text" : "expecting a value");
    }
  }

  literal<T>(word: string, v: T): T {
    if (!this.s.startsWith(word, this.i)) this.fail("expecting a value");
    this.i += word.length;
    return v;
  }

  number(): JsonNumber {
    const s = this.s;
    const start = this.i;
    let i = start;
    if (s.charCodeAt(i) === 0x2d) {
      i++;
      if (s.startsWith("Infinity", i)) {
        this.i = i + 8;
        return new JsonNumber("-Infinity");
      }
    }
    let c = s.charCodeAt(i);
    if (c === 0x30) {
      i++;
    } else if (c >= 0x31 && c <= 0x39) {
      i++;
      while ((c = s.charCodeAt(i)) >= 0x30 && c <= 0x39) i++;
    } else {
      return this.fail("expecting a value", start);
    }
    let isFloat = false;
    // A fraction or exponent only counts when digits follow (Python's scanner backs off otherwise).
    if (s.charCodeAt(i) === 0x2e && isDigit(s.charCodeAt(i + 1))) {
      i += 2;
      while (isDigit(s.charCodeAt(i))) i++;
      isFloat = true;
    }
    c = s.charCodeAt(i);
    if (c === 0x65 || c === 0x45) {
      let j = i + 1;
      const d = s.charCodeAt(j);
      if (d === 0x2b || d === 0x2d) j++;
      if (isDigit(s.charCodeAt(j))) {
        j++;
        while (isDigit(s.charCodeAt(j))) j++;
        i = j;
        isFloat = true;
      }
    }
    this.i = i;
    const text = s.slice(start, i);
    if (!isFloat) {
      const digits = text.charCodeAt(0) === 0x2d ? text.length - 1 : text.length;
      if (digits > MAX_INT_DIGITS) {
        this.fail(`integer with more than ${MAX_INT_DIGITS} digits`, start);
      }
    }
    return this.pool === undefined ? new JsonNumber(text) : this.pool.number(text);
  }

  string(): string {
    const s = this.s;
    const start = this.i + 1;
    let i = start;
    // Fast path: no escapes.
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        this.i = i + 1;
        return s.slice(start, i);
      }
      if (c === 0x5c || c < 0x20 || i >= s.length) break;
      i++;
    }
    let out = s.slice(start, i);
    for (;;) {
      const runStart = i;
      let c = s.charCodeAt(i);
      while (c !== 0x22 && c !== 0x5c && c >= 0x20) c = s.charCodeAt(++i);
      if (i > runStart) out += s.slice(runStart, i);
      if (i >= s.length) this.fail("unterminated string", start - 1);
      if (c === 0x22) {
        this.i = i + 1;
        return out;
      }
      if (c < 0x20) this.fail("invalid control character in string", i);
      // Backslash escape.
      const e = s.charCodeAt(i + 1);
      switch (e) {
        case 0x22:
          out += '"';
          break;
        case 0x5c:
          out += "\\";
          break;
        case 0x2f:
          out += "/";
          break;
        case 0x62:
          out += "\b";
          break;
        case 0x66:
          out += "\f";
          break;
        case 0x6e:
          out += "\n";
          break;
        case 0x72:
          out += "\r";
          break;
        case 0x74:
          out += "\t";
          break;
        case 0x75: {
          const u = this.hex4(i + 2);
          out += String.fromCharCode(u);
          i += 6;
          continue;
        }
        default:
          this.fail("invalid \\escape", i);
      }
      i += 2;
    }
  }

  hex4(at: number): number {
    const s = this.s;
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = s.charCodeAt(at + k);
      let d: number;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
      else return this.fail("invalid \\uXXXX escape", at - 2);
      v = v * 16 + d;
    }
    return v;
  }

  object(depth: number): JsonObject {
    if (depth > MAX_DEPTH) this.fail("nesting too deep");
    const s = this.s;
    const obj: JsonObject = new Map();
    this.i++;
    this.skipWs();
    if (s.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return obj;
    }
    for (;;) {
      if (s.charCodeAt(this.i) !== 0x22) {
        this.fail("expecting property name enclosed in double quotes");
      }
      const key = this.pool === undefined ? this.string() : this.pool.string(this.string());
      this.skipWs();
      if (s.charCodeAt(this.i) !== 0x3a) this.fail("expecting ':' delimiter");
      this.i++;
      this.skipWs();
      // Map.set keeps the first position and the last value, as a Python dict does.
      obj.set(key, this.value(depth));
      this.skipWs();
      const c = s.charCodeAt(this.i);
      if (c === 0x2c) {
        this.i++;
        this.skipWs();
        continue;
      }
      if (c === 0x7d) {
        this.i++;
        return obj;
      }
      this.fail("expecting ',' delimiter");
    }
  }

  array(depth: number): JsonValue[] {
    if (depth > MAX_DEPTH) this.fail("nesting too deep");
    const s = this.s;
    const arr: JsonValue[] = [];
    this.i++;
    this.skipWs();
    if (s.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return arr;
    }
    for (;;) {
      arr.push(this.value(depth));
      this.skipWs();
      const c = s.charCodeAt(this.i);
      if (c === 0x2c) {
        this.i++;
        this.skipWs();
        continue;
      }
      if (c === 0x5d) {
        this.i++;
        return arr;
      }
      this.fail("expecting ',' delimiter");
    }
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
