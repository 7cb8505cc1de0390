/** Random JSON values and JSON texts for the encoder/parser tests (seeded, reproducible). @module */
import { JsonNumber, type JsonObject, type JsonValue } from "../../server/quilt/mod.ts";
import { doubleFromBits, type Rng } from "./helpers.ts";

const TRICKY_CHARS = [
  "a",
  "Z",
  "0",
  " ",
  "~",
  "/",
  '"',
  "\\",
  "\n",
  "\r",
  "\t",
  "\b",
  "\f",
  "\x00",
  "\x01",
  "\x1f",
  "\x7f",
  "\x80",
  "é",
  "ß",
  "\u00ff",
  "\u0100",
  "\u2028",
  "\u2029",
  "\ufeff",
  "\ue000",
  "\uffff",
  "€",
  "中",
  "ア",
  "😀",
  "𝄞",
  "\u{10ffff}",
  "\u{1f600}",
  "\ud800",
  "\udbff",
  "\udc00",
  "\udfff",
];

/** Number texts Python writes or reads, including non-canonical spellings. */
export const NUMBER_TEXTS = [
  "0",
  "-0",
  "1",
  "-1",
  "1.0",
  "-1.0",
  "0.0",
  "-0.0",
  "1.10",
  "1e5",
  "1E5",
  "1e+5",
  "1e-5",
  "1e-07",
  "1e+20",
  "1e16",
  "1e15",
  "9007199254740993",
  "-9007199254740993",
  "123456789012345678901234567890",
  "0.1",
  "0.30000000000000004",
  "1.5e300",
  "1e400",
  "-1e400",
  "5e-324",
  "2.5e-324",
  "1e-400",
  "1.7976931348623157e308",
  "100000000000000000000.0",
  "0.0001",
  "0.00001",
  "123.456e-2",
  "12345678901234567.0",
  "1234567890123456.7",
  "NaN",
  "Infinity",
  "-Infinity",
  "3.141592653589793",
  "2.675",
  "1e23",
  "9.999999999999999e22",
];

/** Options of the random generators. */
export interface GenOptions {
  /** Only strings that UTF-8 can hold (no lone surrogates) and only finite numbers. */
  readonly writable?: boolean;
}

/** A random string built from characters that stress escaping and code point order. */
export function randomString(rng: Rng, maxLen = 8, opts: GenOptions = {}): string {
  let s = "";
  const n = rng.int(maxLen + 1);
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    if (r < 0.45) s += String.fromCharCode(0x61 + rng.int(26));
    else if (r < 0.9) s += rng.pick(TRICKY_CHARS);
    else s += String.fromCodePoint(rng.int(0x10ffff + 1));
  }
  return opts.writable ? s.toWellFormed() : s;
}

/** A random valid JSON number text (sign, integer part, fraction, exponent). */
export function randomNumberText(rng: Rng, opts: GenOptions = {}): string {
  if (rng.next() < 0.3) {
    const t = rng.pick(NUMBER_TEXTS);
    return opts.writable && !Number.isFinite(Number(t)) ? "1.25" : t;
  }
  let t = rng.next() < 0.3 ? "-" : "";
  t += rng.next() < 0.2
    ? "0"
    : String(1 + rng.int(9)) + digits(rng, rng.int(rng.next() < 0.1 ? 40 : 8));
  if (rng.next() < 0.5) t += "." + digits(rng, 1 + rng.int(rng.next() < 0.1 ? 30 : 6));
  if (rng.next() < 0.3) {
    t += rng.pick(["e", "E"]) + rng.pick(["", "+", "-"]) +
      String(rng.int(rng.next() < 0.1 ? 400 : 30));
  }
  return opts.writable && !Number.isFinite(Number(t)) ? "-0.5" : t;
}

function digits(rng: Rng, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String(rng.int(10));
  return s;
}

/** A random JSON value of our model: all number kinds, tricky strings and keys, nesting. */
export function randomValue(rng: Rng, depth = 0, opts: GenOptions = {}): JsonValue {
  const r = rng.next();
  const leaf = depth >= 4 || r < 0.55;
  if (leaf) {
    switch (rng.int(9)) {
      case 0:
        return null;
      case 1:
        return rng.next() < 0.5;
      case 2:
      case 3:
        return randomString(rng, 8, opts);
      case 4:
        return rng.next() < 0.5 ? rng.int(1000) - 500 : Math.floor((rng.next() - 0.5) * 2 ** 54);
      case 5: {
        const x = doubleFromBits(rng.doubleBits());
        return Number.isFinite(x) ? x : rng.next() * 1e6;
      }
      case 6:
        return (rng.next() < 0.5 ? -1n : 1n) * BigInt("1" + digits(rng, 16 + rng.int(30)));
      default:
        return new JsonNumber(randomNumberText(rng, opts));
    }
  }
  if (r < 0.75) {
    const n = rng.int(5);
    return Array.from({ length: n }, () => randomValue(rng, depth + 1, opts));
  }
  const o: JsonObject = new Map();
  const n = rng.int(6);
  for (let i = 0; i < n; i++) {
    const key = rng.next() < 0.2
      ? rng.pick(["2", "10", "01", "", "__proto__", "constructor", "a", "A", "\ue000", "😀"])
      : randomString(rng, 5, opts);
    o.set(key, randomValue(rng, depth + 1, opts));
  }
  return o;
}

function ws(rng: Rng): string {
  if (rng.next() < 0.7) return "";
  return Array.from({ length: 1 + rng.int(3) }, () => rng.pick([" ", "\t", "\n", "\r"])).join("");
}

function stringText(rng: Rng, s: string): string {
  const short: Record<string, string> = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
    "/": "\\/",
  };
  const escape = (c: number) => {
    const hex = c.toString(16).padStart(4, "0");
    return "\\u" + (rng.next() < 0.5 ? hex : hex.toUpperCase());
  };
  let out = '"';
  // By code point: the text must be representable in UTF-8, so an astral character is written
  // raw or as two escapes, and a lone surrogate only as an escape.
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const lone = c >= 0xd800 && c <= 0xdfff;
    const mustEscape = c < 0x20 || ch === '"' || ch === "\\" || lone;
    if (!mustEscape && rng.next() >= 0.15) {
      out += ch;
    } else if (short[ch] && rng.next() < 0.6) {
      out += short[ch];
    } else {
      for (let i = 0; i < ch.length; i++) out += escape(ch.charCodeAt(i));
    }
  }
  return out + '"';
}

/** JSON text for a value with random whitespace, escape styles and (for JsonNumber) its text. */
export function textOf(rng: Rng, v: JsonValue): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return String(v);
  if (typeof v === "string") return stringText(rng, v);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v).toString() : String(v);
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) {
    return "[" + ws(rng) + v.map((x) => textOf(rng, x) + ws(rng)).join("," + ws(rng)) + "]";
  }
  const parts: string[] = [];
  for (const [k, x] of v) parts.push(stringText(rng, k) + ws(rng) + ":" + ws(rng) + textOf(rng, x));
  // Sometimes repeat a key, which Python resolves to the last value at the first position.
  if (v.size > 0 && rng.next() < 0.1) {
    const k = v.keys().next().value!;
    parts.push(stringText(rng, k) + ":" + textOf(rng, randomValue(rng, 3)));
  }
  return "{" + ws(rng) + parts.join(ws(rng) + "," + ws(rng)) + ws(rng) + "}";
}

/** Texts that Python's json.loads rejects (and so must we). */
export const INVALID_TEXTS = [
  "",
  " ",
  "[1,]",
  '{"a":1,}',
  "{'a':1}",
  "tru",
  "nul",
  "nan",
  "inf",
  "-inf",
  "+1",
  "01",
  "-01",
  "1.",
  ".5",
  "-",
  "1e",
  "1e+",
  "[1 2]",
  '{"a" 1}',
  "{1:2}",
  '"abc',
  '"a\nb"',
  '"a\tb"',
  '"\\x"',
  '"\\u12"',
  '"\\u12g4"',
  "[",
  "]",
  "{",
  "}",
  "1 2",
  "\ufeff{}",
  '["a",]',
  '{"a":1}}',
  "-Infinityx",
  "NaN1",
  "[-]",
  '"\\"',
  "truefalse",
  "\u00a0 1",
  "\u20281",
];
