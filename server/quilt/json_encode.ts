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

function escapeUnit(c: number): string {
  switch (c) {
    case 0x22:
      return '\\"';
    case 0x5c:
      return "\\\\";
    case 0x0a:
      return "\\n";
    case 0x0d:
      return "\\r";
    case 0x09:
      return "\\t";
    case 0x08:
      return "\\b";
    case 0x0c:
      return "\\f";
    default:
      // Astral characters are already two UTF-16 units here, i.e. the surrogate pair Python writes.
      return "\\u" + HEX[(c >> 12) & 15] + HEX[(c >> 8) & 15] + HEX[(c >> 4) & 15] + HEX[c & 15];
  }
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

/** Encodes like Python's `json.dumps(v, sort_keys=True, separators=(',', ':'))`. */
export function encodeCanonicalJson(v: JsonValue): string {
  switch (typeof v) {
    case "string":
      return encodeStringAscii(v);
    case "boolean":
      return v ? "true" : "false";
    case "number":
    case "bigint":
      return numberText(v, true);
  }
  if (v === null) return "null";
  if (v instanceof JsonNumber) return v.canonical;
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    let out = "[" + encodeCanonicalJson(v[0]);
    for (let i = 1; i < v.length; i++) out += "," + encodeCanonicalJson(v[i]);
    return out + "]";
  }
  return encodeCanonicalObject(v);
}

function encodeCanonicalObject(o: JsonObject): string {
  if (o.size === 0) return "{}";
  const keys = Array.from(o.keys());
  if (keys.length > 1) keys.sort(compareCodePoints);
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) out += ",";
    out += encodeStringAscii(keys[i]) + ":" + encodeCanonicalJson(o.get(keys[i])!);
  }
  return out + "}";
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
