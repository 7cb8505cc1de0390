/**
 * YAML written for readers that use PyYAML's `safe_load` (quilt3, the Quilt registry): block
 * mappings and sequences, every key and string double-quoted with YAML escapes for whatever
 * PyYAML would not read back as written (control and non-printable characters, line breaks,
 * `"` and `\`), integers in decimal, floats always with a decimal point (PyYAML 1.1 reads `1e5`
 * as a string). {@link pyYamlSafeLoad} reads the output back to the same value.
 * @module
 */

import { pyFloatRepr } from "../json_value.ts";
import { QuiltFormatError } from "../errors.ts";

/** A value YAML can be written from: JSON data, with bigint for large integers. */
export type YamlValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | YamlValue[]
  | { [key: string]: YamlValue };

/** The value cannot be written so that PyYAML reads it back unchanged. */
export class YamlDumpError extends QuiltFormatError {
  /** Creates the error; the message says which value. */
  constructor(message: string) {
    super(message);
    this.name = "YamlDumpError";
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "\0": "\\0",
  "\x07": "\\a",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\v": "\\v",
  "\f": "\\f",
  "\r": "\\r",
  "\x1b": "\\e",
  '"': '\\"',
  "\\": "\\\\",
  "\x85": "\\N",
  "\u2028": "\\L",
  "\u2029": "\\P",
};

/** True for a code point PyYAML reads as itself inside a double-quoted scalar. */
function isPlainPrintable(cp: number): boolean {
  return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff && cp !== 0x2028 &&
    cp !== 0x2029) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) ||
    (cp >= 0x10000 && cp <= 0x10ffff);
}

/** A YAML double-quoted scalar. */
export function yamlQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (SIMPLE_ESCAPES[ch]) out += SIMPLE_ESCAPES[ch];
    else if (isPlainPrintable(cp)) out += ch;
    else if (cp <= 0xff) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else out += `\\u${cp.toString(16).padStart(4, "0")}`;
  }
  return out + '"';
}

function scalar(v: YamlValue, path: string): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return yamlQuote(v);
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new YamlDumpError(`${path}: ${v} is not written`);
    if (Number.isInteger(v) && !Object.is(v, -0)) {
      if (!Number.isSafeInteger(v)) {
        throw new YamlDumpError(`${path}: ${v} is not an exact integer (give a bigint)`);
      }
      return String(v);
    }
    // A float: Python's spelling, with the decimal point PyYAML 1.1 needs to read a float.
    const text = pyFloatRepr(v);
    return text.includes(".") ? text : text.replace(/e/, ".0e");
  }
  throw new YamlDumpError(`${path}: not a YAML scalar`);
}

function isMapping(v: YamlValue): v is { [key: string]: YamlValue } {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function lines(v: YamlValue, indent: string, path: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const [i, item] of v.entries()) {
      const at = `${path}[${i}]`;
      if (
        (Array.isArray(item) && item.length > 0) ||
        (isMapping(item) && Object.keys(item).length > 0)
      ) {
        const inner: string[] = [];
        lines(item, `${indent}  `, at, inner);
        inner[0] = `${indent}- ${inner[0].slice(indent.length + 2)}`;
        out.push(...inner);
      } else out.push(`${indent}- ${inline(item, at)}`);
    }
    return;
  }
  for (const [k, item] of Object.entries(v as { [key: string]: YamlValue })) {
    const at = `${path}.${k}`;
    if (
      (Array.isArray(item) && item.length > 0) || (isMapping(item) && Object.keys(item).length > 0)
    ) {
      out.push(`${indent}${yamlQuote(k)}:`);
      lines(item, `${indent}  `, at, out);
    } else out.push(`${indent}${yamlQuote(k)}: ${inline(item, at)}`);
  }
}

/** A scalar, or an empty collection in flow style. */
function inline(v: YamlValue, path: string): string {
  if (Array.isArray(v)) return "[]";
  if (isMapping(v)) return "{}";
  if (typeof v === "object" && v !== null) throw new YamlDumpError(`${path}: not JSON data`);
  return scalar(v, path);
}

/** YAML text that PyYAML's `safe_load` (and {@link pyYamlSafeLoad}) reads as `value`. */
export function dumpYaml(value: YamlValue): string {
  if (
    (Array.isArray(value) && value.length > 0) ||
    (isMapping(value) && Object.keys(value).length > 0)
  ) {
    const out: string[] = [];
    lines(value, "", "$", out);
    return out.join("\n") + "\n";
  }
  return inline(value, "$") + "\n";
}
