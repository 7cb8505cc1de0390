/**
 * Encoders byte-identical to the two ways quilt3 encodes JSON:
 * - {@link encodeCanonicalJson}: `json.dumps(v, sort_keys=True, separators=(',', ':'))`
 *   (ASCII only, keys sorted by code point) — the input of the top hash;
 * - {@link encodeManifestJson}: `json.JSONEncoder(ensure_ascii=False, allow_nan=False)`
 *   (insertion order, `", "` and `": "` separators, real UTF-8) — a manifest line.
 * @module
 */

import { JsonEncodeError } from "./errors.ts";
import {
  compareCodePoints,
  JsonNumber,
  type JsonObject,
  type JsonValue,
  pyNumberText,
} from "./json_value.ts";

const HEX = "0123456789abcdef";
// Anything but printable ASCII without '"' and '\\' needs escaping when ensure_ascii is on.
const NEEDS_ESCAPE_ASCII = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;
// Anything ensure_ascii=False still escapes: '"', '\\', C0 controls; plus surrogates, which
// Python could only write with UTF-8 errors, so they are checked on the slow path.
// deno-lint-ignore no-control-regex -- C0 controls are exactly what must be escaped
const NEEDS_CARE_UTF8 = /["\\\x00-\x1f\ud800-\udfff]/;

/** Python's `json.dumps(s)` of a string with `ensure_ascii=True` (lowercase `\uXXXX`). */
export function encodeStringAscii(s: string): string {
  if (!NEEDS_ESCAPE_ASCII.test(s)) return '"' + s + '"';
  let out = '"';
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    if (i > run) out += s.slice(run, i);
    run = i + 1;
    out += escapeUnit(c);
  }
  if (run < s.length) out += s.slice(run);
  return out + '"';
}

/** Python's `json.dumps(s, ensure_ascii=False)` of a string; lone surrogates are refused. */
export function encodeStringUtf8(s: string): string {
  if (!NEEDS_CARE_UTF8.test(s)) return '"' + s + '"';
  let out = '"';
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c & 0xf800) === 0xd800) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && (next & 0xfc00) === 0xdc00) {
        i++;
        continue;
      }
      throw new JsonEncodeError(
        `string contains a lone surrogate (U+${c.toString(16).toUpperCase()}), ` +
          "which cannot be written as UTF-8",
      );
    }
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    if (i > run) out += s.slice(run, i);
    run = i + 1;
    out += escapeUnit(c);
  }
  if (run < s.length) out += s.slice(run);
  return out + '"';
}

// The one-letter escapes Python's json module writes, by code unit; others are \uXXXX.
const SHORT_ESCAPES: ReadonlyMap<number, string> = new Map<number, string>([
  [0x22, '"'],
  [0x5c, "\\"],
  [0x0a, "n"],
  [0x0d, "r"],
  [0x09, "t"],
  [0x08, "b"],
  [0x0c, "f"],
]);

function escapeUnit(c: number): string {
  const short = SHORT_ESCAPES.get(c);
  if (short !== undefined) return "\\" + short;
  // Astral characters are already two UTF-16 units here, i.e. the surrogate pair Python writes.
  return "\\u" + HEX[(c >> 12) & 15] + HEX[(c >> 8) & 15] + HEX[(c >> 4) & 15] + HEX[c & 15];
}

/**
 * Writes `s` exactly as {@link encodeStringAscii} encodes it into `buf` from `pos`, without
 * building the text; returns the position after it. `buf` needs room for `6 * s.length + 2`.
 */
export function writeStringAscii(buf: Uint8Array, pos: number, s: string): number {
  buf[pos++] = 0x22;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) {
      buf[pos++] = c;
      continue;
    }
    buf[pos++] = 0x5c;
    const short = SHORT_ESCAPES.get(c);
    if (short !== undefined) {
      buf[pos++] = short.charCodeAt(0);
      continue;
    }
    buf[pos++] = 0x75;
    for (let shift = 12; shift >= 0; shift -= 4) buf[pos++] = HEX.charCodeAt((c >> shift) & 15);
  }
  buf[pos++] = 0x22;
  return pos;
}

function numberText(v: number | bigint | JsonNumber, allowNan: boolean): string {
  let text: string;
  if (typeof v === "number") text = pyNumberText(v);
  else if (typeof v === "bigint") text = v.toString();
  else text = v.canonical;
  if (!allowNan && (text === "NaN" || text === "Infinity" || text === "-Infinity")) {
    throw new JsonEncodeError(`out of range float value ${text} is not JSON compliant`);
  }
  return text;
}

/** Receives canonical JSON piece by piece (see {@link writeCanonicalJson}). */
export interface CanonicalJsonSink {
  /** Appends text that is already canonical JSON, hence pure ASCII. */
  ascii(text: string): void;
  /** Appends `s` as {@link encodeStringAscii} writes it. */
  string(s: string): void;
  /** Scratch space for sorting object keys, owned by this sink. */
  readonly keys: KeyScratch;
}

/** Collects canonical JSON into one string. */
export class CanonicalText implements CanonicalJsonSink {
  text = "";
  readonly keys = new KeyScratch();
  ascii(text: string): void {
    this.text += text;
  }
  string(s: string): void {
    this.text += encodeStringAscii(s);
  }
}

/** Encodes like Python's `json.dumps(v, sort_keys=True, separators=(',', ':'))`. */
export function encodeCanonicalJson(v: JsonValue): string {
  if (typeof v === "string") return encodeStringAscii(v);
  const out = new CanonicalText();
  writeCanonicalJson(out, v);
  return out.text;
}

/**
 * Writes `v` exactly as {@link encodeCanonicalJson} encodes it, piece by piece, so a caller that
 * only feeds the bytes onwards (the top hash) need not build the text.
 */
export function writeCanonicalJson(out: CanonicalJsonSink, v: JsonValue): void {
  switch (typeof v) {
    case "string":
      return out.string(v);
    case "boolean":
      return out.ascii(v ? "true" : "false");
    case "number":
    case "bigint":
      return out.ascii(numberText(v, true));
  }
  if (v === null) return out.ascii("null");
  if (v instanceof JsonNumber) return out.ascii(v.canonical);
  if (Array.isArray(v)) {
    out.ascii("[");
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.ascii(",");
      writeCanonicalJson(out, v[i]);
    }
    return out.ascii("]");
  }
  writeCanonicalObject(out, v);
}

/**
 * One reusable key array per nesting depth, with its own count (emptying an array by setting its
 * length frees its storage, so the next push allocates again), filled by forEach rather than an
 * iterator: the top hash encodes the metadata of every entry, and a fresh array and iterator
 * results per object were 150 bytes of garbage each, tens of MiB on a large manifest. Each sink
 * owns one (no state shared between encodings).
 */
export class KeyScratch {
  readonly #arrays: string[][] = [];
  #depth = 0;
  #filling: string[] = [];
  #filled = 0;
  /** forEach callback: created once, so filling allocates nothing. */
  readonly #push = (_value: JsonValue, key: string): void => {
    this.#filling[this.#filled++] = key;
  };

  /** The keys of `o` (its first `o.size` slots), sorted by code point; {@link leave} after use. */
  enter(o: JsonObject): string[] {
    const depth = this.#depth++;
    if (depth === this.#arrays.length) this.#arrays.push([]);
    const keys = this.#filling = this.#arrays[depth];
    this.#filled = 0;
    o.forEach(this.#push);
    sortKeys(keys, this.#filled);
    return keys;
  }

  /** Done with the keys {@link enter} returned for an object of `n` members. */
  leave(keys: string[], n: number): void {
    this.#depth--;
    keys.fill("", 0, n); // keep no metadata alive
  }
}

function writeCanonicalObject(out: CanonicalJsonSink, o: JsonObject): void {
  const n = o.size;
  if (n === 0) return out.ascii("{}");
  const keys = out.keys.enter(o);
  try {
    out.ascii("{");
    for (let i = 0; i < n; i++) {
      if (i > 0) out.ascii(",");
      out.string(keys[i]);
      out.ascii(":");
      writeCanonicalJson(out, o.get(keys[i])!);
    }
    out.ascii("}");
  } finally {
    out.keys.leave(keys, n);
  }
}

/** Sorts `keys[0, n)` by code point in place; by insertion for the few keys metadata has. */
function sortKeys(keys: string[], n: number): void {
  if (n > 16) {
    const sorted = keys.slice(0, n).sort(compareCodePoints);
    for (let i = 0; i < n; i++) keys[i] = sorted[i];
    return;
  }
  for (let i = 1; i < n; i++) {
    const k = keys[i];
    let j = i - 1;
    while (j >= 0 && compareCodePoints(keys[j], k) > 0) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = k;
  }
}

/** Encodes like quilt3's manifest writer: `json.JSONEncoder(ensure_ascii=False, allow_nan=False)`. */
export function encodeManifestJson(v: JsonValue): string {
  switch (typeof v) {
    case "string":
      return encodeStringUtf8(v);
    case "boolean":
      return v ? "true" : "false";
    case "number":
    case "bigint":
      return numberText(v, false);
  }
  if (v === null) return "null";
  if (v instanceof JsonNumber) return numberText(v, false);
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    let out = "[" + encodeManifestJson(v[0]);
    for (let i = 1; i < v.length; i++) out += ", " + encodeManifestJson(v[i]);
    return out + "]";
  }
  if (v.size === 0) return "{}";
  let out = "{";
  let first = true;
  for (const [k, val] of v) {
    if (!first) out += ", ";
    first = false;
    out += encodeStringUtf8(k) + ": " + encodeManifestJson(val);
  }
  return out + "}";
}

/** True when two values encode to the same canonical JSON (what the top hash sees). */
export function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  return a === b || encodeCanonicalJson(a) === encodeCanonicalJson(b);
}
