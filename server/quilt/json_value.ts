/**
 * The JSON value model shared by the parser and the Python-compatible encoders.
 *
 * Objects are `Map`s because Python dicts keep insertion order for every key, while plain
 * JavaScript objects move integer-like keys ("2020") to the front, which would reorder the
 * metadata quilt3 wrote. Numbers read from text are {@link JsonNumber}s that keep their source
 * text, because a JavaScript number cannot tell `1.0` from `1` or hold integers above 2^53.
 * @module
 */

import { JsonEncodeError } from "./errors.ts";

/** A JSON object: string keys in insertion order, as a Python dict keeps them. */
export type JsonObject = Map<string, JsonValue>;

/**
 * Any JSON value. `number` values are created by our code (integers encode as Python ints,
 * others as Python floats); `bigint` encodes as an integer; {@link JsonNumber} is a parsed number.
 */
export type JsonValue =
  | null
  | boolean
  | string
  | number
  | bigint
  | JsonNumber
  | JsonValue[]
  | JsonObject;

/** A Map that refuses new keys: the class of {@link EMPTY_OBJECT}. */
class ReadOnlyEmptyObject extends Map<string, JsonValue> {
  override set(key: string): this {
    throw new TypeError(
      `cannot set ${JSON.stringify(key)} on the shared empty JSON object: copy it first`,
    );
  }
}

/**
 * One shared, read-only empty JSON object. Most manifest entries have no metadata, and an empty
 * `Map` per entry costs over 100 bytes (a 100,000-entry manifest kept ~10 MiB of them), so
 * readers return this one instead. Writers never change metadata in place (they copy), and
 * `set` throws here so a mistake cannot leak into every other entry.
 */
export const EMPTY_OBJECT: JsonObject = Object.freeze(new ReadOnlyEmptyObject());

/** A number read from JSON text; `text` is exactly the source text (or a Python literal). */
export class JsonNumber {
  /** The source text, e.g. `1.0`, `1e-07`, `123456789012345678901`, `NaN`. */
  readonly text: string;
  #canonical: string | undefined;

  /** Wraps a number's JSON text (as read, or Python's spelling of a value). */
  constructor(text: string) {
    this.text = text;
  }

  /** A Python float with the value `x` (so `JsonNumber.float(1)` encodes as `1.0`). */
  static float(x: number): JsonNumber {
    return new JsonNumber(pyFloatRepr(x));
  }

  /** True when Python would read the text as a float (decimal point, exponent, NaN, Infinity). */
  get isFloat(): boolean {
    return isFloatText(this.text);
  }

  /** The value as a JavaScript number (may round integers above 2^53). */
  get value(): number {
    return numberFromText(this.text);
  }

  /** The text Python's `json.dumps` writes for the value Python's `json.loads` reads from `text`. */
  get canonical(): string {
    if (this.#canonical === undefined) this.#canonical = canonicalNumberText(this.text);
    return this.#canonical;
  }
}

function isFloatText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // '.', 'e', 'E', or the letters of NaN / Infinity.
    if (c === 0x2e || c === 0x65 || c === 0x45 || c === 0x4e || c === 0x49) return true;
  }
  return false;
}

function numberFromText(text: string): number {
  if (text === "NaN") return NaN;
  if (text === "Infinity") return Infinity;
  if (text === "-Infinity") return -Infinity;
  return Number(text);
}

/** Python's text for a parsed number: ints stay exact, floats are re-printed with `repr`. */
function canonicalNumberText(text: string): string {
  if (!isFloatText(text)) return text === "-0" ? "0" : text;
  const x = numberFromText(text);
  // Plain decimals with a fraction in [1e-4, 1e16): JavaScript and Python print the same
  // shortest digits, so text that JavaScript would print is already Python's repr.
  const abs = x < 0 ? -x : x;
  if (abs >= 1e-4 && abs < 1e16 && !Number.isInteger(x) && String(x) === text) return text;
  return pyFloatRepr(x);
}

/**
 * Python's `repr(float)` as `json.dumps` writes it: shortest round-trip digits, a `.0` on
 * integral values, exponent form (`1e-07`, `1.5e+16`) below 1e-4 and from 1e16, `NaN`/`Infinity`.
 */
export function pyFloatRepr(x: number): string {
  if (x !== x) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  // toExponential() without an argument gives the shortest round-trip digits, like repr.
  const exp = x.toExponential();
  const sign = exp.charCodeAt(0) === 0x2d ? "-" : "";
  const ePos = exp.indexOf("e");
  const mantissa = exp.slice(sign.length, ePos);
  const digits = mantissa.length > 1 ? mantissa[0] + mantissa.slice(2) : mantissa;
  const e = Number(exp.slice(ePos + 1));
  const decpt = e + 1;
  if (decpt <= -4 || decpt > 16) {
    const abs = e < 0 ? -e : e;
    const frac = digits.length > 1 ? "." + digits.slice(1) : "";
    return `${sign}${digits[0]}${frac}e${e < 0 ? "-" : "+"}${abs < 10 ? "0" : ""}${abs}`;
  }
  if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${"0".repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/** Python's text for a JavaScript number created by our code: integral → int, else float. */
export function pyNumberText(x: number): string {
  if (Number.isInteger(x)) {
    if (x === 0) return "0";
    // Above 2^53 String() prints the shortest round-trip digits, not the exact integer.
    return Number.isSafeInteger(x) ? String(x) : BigInt(x).toString();
  }
  return pyFloatRepr(x);
}

/** True when the JavaScript number or parsed number is a non-finite float (NaN, ±Infinity). */
export function isNonFinite(value: number | JsonNumber): boolean {
  if (typeof value === "number") return !Number.isFinite(value);
  if (!value.isFloat) return false;
  return !Number.isFinite(value.value);
}

/**
 * Compares two strings by Unicode code point, as Python compares `str` (JavaScript's `<`
 * compares UTF-16 code units, which orders astral characters before U+E000–U+FFFF).
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if ((x & 0xf800) === 0xd800 || (y & 0xf800) === 0xd800) return compareSlow(a, b);
      return x - y;
    }
  }
  return a.length - b.length;
}

function compareSlow(a: string, b: string): number {
  const ca = Array.from(a);
  const cb = Array.from(b);
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const x = ca[i].codePointAt(0)!;
    const y = cb[i].codePointAt(0)!;
    if (x !== y) return x - y;
  }
  return ca.length - cb.length;
}

/** Options of {@link fromJs}. */
export interface FromJsOptions {
  /**
   * The exact source text of the number at `holder[key]`, when known (see
   * `parseJsonKeepingNumberText`); such a number becomes a {@link JsonNumber} of that text.
   */
  readonly numberText?: (holder: object, key: string) => string | undefined;
  /**
   * Refuse numbers whose Python value a JavaScript number cannot tell when no source text is
   * known: integers beyond 2^53 (rounded, or a float such as 1e20?) and -0 (`-0` or `-0.0`?).
   */
  readonly exactNumbers?: boolean;
}

/** Converts plain JavaScript data (e.g. validated tool input) into the JSON value model. */
export function fromJs(value: unknown, path = "$", opts: FromJsOptions = {}): JsonValue {
  return convert(value, path, opts, undefined, "");
}

function convert(
  value: unknown,
  path: string,
  opts: FromJsOptions,
  holder: object | undefined,
  key: string,
): JsonValue {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") {
    const text = holder === undefined ? undefined : opts.numberText?.(holder, key);
    if (text !== undefined) return new JsonNumber(text);
    if (!Number.isFinite(value)) throw new JsonEncodeError(`${path}: ${value} is not valid JSON`);
    if (
      opts.exactNumbers && (Object.is(value, -0) || (Number.isInteger(value) &&
        !Number.isSafeInteger(value)))
    ) {
      throw new JsonEncodeError(
        `${path}: the number ${
          Object.is(value, -0) ? "-0" : value
        } cannot be told apart from its neighbours (or an int from a float) once read as a JavaScript number`,
      );
    }
    return value;
  }
  if (typeof value === "bigint") return value;
  if (value instanceof JsonNumber) return value;
  if (Array.isArray(value)) {
    return value.map((v, i) => convert(v, `${path}[${i}]`, opts, value, String(i)));
  }
  if (value instanceof Map) {
    const out: JsonObject = new Map();
    for (const [k, v] of value) {
      if (typeof k !== "string") throw new JsonEncodeError(`${path}: object keys must be strings`);
      out.set(k, convert(v, `${path}.${k}`, opts, undefined, k));
    }
    return out;
  }
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new JsonEncodeError(
        `${path}: ${proto?.constructor?.name ?? "object"} is not JSON data`,
      );
    }
    const out: JsonObject = new Map();
    // Own keys only, "__proto__" included (JSON.parse makes it an ordinary own property).
    for (const k of Object.keys(value)) {
      const v = Object.getOwnPropertyDescriptor(value, k)!.value;
      out.set(k, convert(v, `${path}.${k}`, opts, value, k));
    }
    return out;
  }
  throw new JsonEncodeError(`${path}: ${typeof value} is not JSON data`);
}

/**
 * Converts a JSON value into plain JavaScript data for display (e.g. tool output). Numbers
 * become JavaScript numbers, except integers beyond 2^53, which become their exact decimal
 * string so no digit is silently lost; NaN and ±Infinity become their Python spelling.
 * `special` may render values outside the JSON model (returning undefined for the others).
 */
export function toJs(value: JsonValue, special?: (value: unknown) => unknown): unknown {
  const mine = special?.(value);
  if (mine !== undefined) return mine;
  if (value === null || typeof value !== "object") {
    if (typeof value === "bigint") return bigToJs(value);
    if (typeof value === "number" && !Number.isFinite(value)) return pyFloatRepr(value);
    return value;
  }
  if (value instanceof JsonNumber) {
    const text = value.canonical;
    if (value.isFloat) {
      const n = value.value;
      return Number.isFinite(n) ? n : text;
    }
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : text;
  }
  if (Array.isArray(value)) return value.map((v) => toJs(v, special));
  const out: Record<string, unknown> = {};
  for (const [k, v] of value) {
    // defineProperty so a "__proto__" key stays an ordinary property.
    Object.defineProperty(out, k, {
      value: toJs(v, special),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function bigToJs(v: bigint): number | string {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v.toString();
}
