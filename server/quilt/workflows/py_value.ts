/**
 * JSON values as Python holds them after `json.loads` — ints of any size, floats, `==` and `<`
 * between them, `repr` — for evaluating workflow rules (JSON Schema) exactly as quilt3's
 * jsonschema does and for its messages.
 * @module
 */

import { JsonNumber, type JsonValue, pyFloatRepr } from "../json_value.ts";

/**
 * A Python value with no JSON counterpart (a YAML timestamp, binary data): it has no JSON
 * Schema type, equals only itself, and Python cannot order it. Carried through JSON values by a
 * cast; only the workflow configuration loader makes them.
 */
export class PyOther {
  /** Python's repr of the value, e.g. `datetime.date(2021, 1, 1)`. */
  readonly repr: string;
  /** Wraps a value known by its repr. */
  constructor(repr: string) {
    this.repr = repr;
  }
}

/** A Python number: an exact int, or a float (IEEE double). */
export type PyNumber = { readonly int: bigint } | { readonly float: number };

/** The Python number a JSON value is (bools are not numbers here); undefined otherwise. */
export function pyNumber(v: JsonValue): PyNumber | undefined {
  if (typeof v === "number") {
    // Numbers our own code created: integral ones are written (and so read) as ints.
    return Number.isInteger(v) ? { int: BigInt(v) } : { float: v };
  }
  if (typeof v === "bigint") return { int: v };
  if (v instanceof JsonNumber) {
    if (v.isFloat) return { float: v.value };
    return { int: BigInt(v.text) };
  }
  return undefined;
}

/** True when the value is a Python float (a JSON number written with `.`, `e` or NaN/Infinity). */
export function isPyFloat(n: PyNumber): n is { float: number } {
  return "float" in n;
}

/** Exact `float` → (numerator, power-of-two denominator); finite input only. */
function ratio(x: number): [bigint, bigint] {
  if (Number.isInteger(x)) return [BigInt(x), 1n];
  let den = 1n;
  let num = x;
  // Doubling is exact until the value is integral (at most 1074 steps).
  while (!Number.isInteger(num)) {
    num *= 2;
    den *= 2n;
  }
  return [BigInt(num), den];
}

/** Python's comparison of two numbers: -1, 0, 1, or NaN when either is NaN (all tests false). */
export function pyCompare(a: PyNumber, b: PyNumber): number {
  if ("int" in a && "int" in b) return a.int < b.int ? -1 : a.int > b.int ? 1 : 0;
  if ("float" in a && "float" in b) {
    if (Number.isNaN(a.float) || Number.isNaN(b.float)) return NaN;
    return a.float < b.float ? -1 : a.float > b.float ? 1 : 0;
  }
  if ("float" in a) return -pyCompare(b, a);
  const i = (a as { int: bigint }).int;
  const f = (b as { float: number }).float;
  if (Number.isNaN(f)) return NaN;
  if (f === Infinity) return -1;
  if (f === -Infinity) return 1;
  const [num, den] = ratio(f);
  const lhs = i * den;
  return lhs < num ? -1 : lhs > num ? 1 : 0;
}

/** `float(n)` in Python; undefined where Python raises OverflowError (ints beyond a double). */
export function pyToFloat(n: PyNumber): number | undefined {
  if ("float" in n) return n.float;
  const f = Number(n.int);
  return Number.isFinite(f) ? f : undefined;
}

/** Exact test that `a / b` is an integer (Python's `Fraction` fallback); b non-zero and finite. */
export function isExactMultiple(a: PyNumber, b: PyNumber): boolean {
  const [an, ad] = "int" in a ? [a.int, 1n] : ratio(a.float);
  const [bn, bd] = "int" in b ? [b.int, 1n] : ratio(b.float);
  // (an/ad) / (bn/bd) = (an*bd) / (ad*bn)
  const num = an * bd;
  const den = ad * bn;
  return num % den === 0n;
}

/** Python's `repr` of a number as `json.loads` would have produced it. */
export function pyNumberRepr(n: PyNumber): string {
  if ("int" in n) return n.int.toString();
  const x = n.float;
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  return pyFloatRepr(x);
}

// Python's str.isprintable() is false for these categories (space U+0020 excepted).
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's `repr(str)`. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (cp < 0x20 || cp === 0x7f) out += "\\x" + cp.toString(16).padStart(2, "0");
    else if (cp < 0x7f) out += ch;
    else if (ch !== " " && NOT_PRINTABLE.test(ch)) {
      out += cp <= 0xff
        ? "\\x" + cp.toString(16).padStart(2, "0")
        : cp <= 0xffff
        ? "\\u" + cp.toString(16).padStart(4, "0")
        : "\\U" + cp.toString(16).padStart(8, "0");
    } else out += ch;
  }
  return out + quote;
}

/** Python's `repr` of a JSON value as `json.loads` returns it (dict, list, str, int, ...). */
export function pyRepr(v: JsonValue): string {
  if ((v as unknown) instanceof PyOther) return (v as unknown as PyOther).repr;
  if (v === null) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "string") return pyStrRepr(v);
  const n = pyNumber(v);
  if (n) return pyNumberRepr(n);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  const parts: string[] = [];
  for (const [k, x] of v as Map<string, JsonValue>) parts.push(`${pyStrRepr(k)}: ${pyRepr(x)}`);
  return `{${parts.join(", ")}}`;
}

/** Python's `len()` of a str: code points. */
export function pyLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Python's `a == b` for JSON values (1 == 1.0 == True; dicts regardless of key order). */
export function pyEq(a: JsonValue, b: JsonValue): boolean {
  if ((a as unknown) instanceof PyOther || (b as unknown) instanceof PyOther) return a === b;
  if (typeof a === "string" || typeof b === "string") return a === b;
  if (a === null || b === null) return a === b;
  const an = typeof a === "boolean" ? { int: a ? 1n : 0n } : pyNumber(a);
  const bn = typeof b === "boolean" ? { int: b ? 1n : 0n } : pyNumber(b);
  if (an || bn) return !!an && !!bn && pyCompare(an, bn) === 0;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
      a.every((x, i) => pyEq(x, b[i]));
  }
  const am = a as Map<string, JsonValue>, bm = b as Map<string, JsonValue>;
  if (am.size !== bm.size) return false;
  for (const [k, x] of am) if (!bm.has(k) || !pyEq(x, bm.get(k)!)) return false;
  return true;
}

/** Python raised TypeError comparing two values with `<`. */
export class PyTypeError extends Error {
  constructor() {
    super("'<' not supported");
    this.name = "PyTypeError";
  }
}

/** Python's `a < b` for JSON values; throws {@link PyTypeError} where Python raises TypeError. */
export function pyLt(a: JsonValue, b: JsonValue): boolean {
  if (typeof a === "string" && typeof b === "string") {
    // Python compares code points.
    const x = Array.from(a), y = Array.from(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
      if (d !== 0) return d < 0;
    }
    return x.length < y.length;
  }
  const an = typeof a === "boolean" ? { int: a ? 1n : 0n } : pyNumber(a);
  const bn = typeof b === "boolean" ? { int: b ? 1n : 0n } : pyNumber(b);
  if (an && bn) return pyCompare(an, bn) < 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEq(a[i], b[i])) return pyLt(a[i], b[i]);
    }
    return a.length < b.length;
  }
  throw new PyTypeError();
}
