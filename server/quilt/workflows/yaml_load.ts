/**
 * YAML read as quilt3 reads `.quilt/workflows/config.yml`: PyYAML's `yaml.safe_load`, i.e.
 * YAML 1.1 with PyYAML's own rules for what a plain scalar means (`yes`/`no`/`on`/`off` are
 * booleans, `1e3` is a string but `1.0e+3` a float, `012` is octal, `1_000` and `1:30` are ints,
 * `~` and an empty value are null, `2021-01-01` is a date), merge keys (`<<`), duplicate keys
 * (the last value wins, the first position stays), and its explicit tags.
 *
 * The `yaml` package parses the text (keeping every scalar as written); the meaning is
 * PyYAML's, applied here. What PyYAML refuses is a {@link YamlLoadError}; what it accepts but
 * this server cannot represent (keys that are not strings, recursive aliases, exotic tags) is a
 * {@link YamlUnsupportedError} — never a silent difference.
 * @module
 */

import {
  type Alias,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  parseDocument,
  type Scalar,
  type YAMLMap,
} from "yaml";
import { QuiltFormatError } from "../errors.ts";
import { JsonNumber, type JsonObject, type JsonValue, toJs } from "../json_value.ts";
import { PyOther } from "./py_value.ts";

/** Text PyYAML's `safe_load` rejects (a YAMLError). */
export class YamlLoadError extends QuiltFormatError {
  /** Creates the error; the message says what is wrong. */
  constructor(message: string) {
    super(message);
    this.name = "YamlLoadError";
  }
}

/** YAML PyYAML reads into something this server cannot represent exactly. */
export class YamlUnsupportedError extends QuiltFormatError {
  /** Creates the error; the message names the construct. */
  constructor(what: string) {
    super(
      `the workflows configuration uses ${what}, which this server cannot read exactly as quilt3 does`,
    );
    this.name = "YamlUnsupportedError";
  }
}

const TAG = "tag:yaml.org,2002:";

// PyYAML's implicit resolvers (yaml/resolver.py), tried in this order for a plain scalar whose
// first character is in the resolver's list.
const RESOLVERS: readonly [string, RegExp, string][] = [
  [
    "bool",
    /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
    "yYnNtTfFoO",
  ],
  [
    "float",
    /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    "-+0123456789.",
  ],
  [
    "int",
    /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
    "-+0123456789",
  ],
  ["merge", /^(?:<<)$/, "<"],
  ["null", /^(?:~|null|Null|NULL|)$/, "~nN"],
  [
    "timestamp",
    /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
    "0123456789",
  ],
  ["value", /^(?:=)$/, "="],
];

// Python's $ also matches before a final newline; plain scalars never end with one.
function resolvePlain(value: string): string {
  for (const [tag, re, first] of RESOLVERS) {
    const applies = value === "" ? tag === "null" : first.includes(value[0]);
    if (applies && re.test(value)) return tag;
  }
  return "str";
}

function pyInt(text: string): bigint {
  let value = text.replaceAll("_", "");
  let sign = 1n;
  if (value[0] === "-") sign = -1n;
  if (value[0] === "+" || value[0] === "-") value = value.slice(1);
  if (value === "0") return 0n;
  if (value.startsWith("0b")) return sign * parseBig(value.slice(2), 2);
  if (value.startsWith("0x")) return sign * parseBig(value.slice(2), 16);
  if (value[0] === "0") return sign * parseBig(value, 8);
  if (value.includes(":")) {
    let total = 0n, base = 1n;
    for (const part of value.split(":").reverse()) {
      total += parseBig(part, 10) * base;
      base *= 60n;
    }
    return sign * total;
  }
  return sign * parseBig(value, 10);
}

/** Python's int(text, base) for the digit strings PyYAML passes (ValueError → load error). */
function parseBig(text: string, base: number): bigint {
  const digits = "0123456789abcdef".slice(0, base);
  if (text === "" || ![...text.toLowerCase()].every((c) => digits.includes(c))) {
    throw new YamlLoadError(`invalid literal for int() with base ${base}: '${text}'`);
  }
  let v = 0n;
  for (const c of text.toLowerCase()) v = v * BigInt(base) + BigInt(digits.indexOf(c));
  return v;
}

function pyFloat(text: string): number {
  let value = text.replaceAll("_", "").toLowerCase();
  let sign = 1;
  if (value[0] === "-") sign = -1;
  if (value[0] === "+" || value[0] === "-") value = value.slice(1);
  if (value === ".inf") return sign * Infinity;
  if (value === ".nan") return NaN;
  if (value.includes(":")) {
    let total = 0, base = 1;
    for (const part of value.split(":").reverse()) {
      total += floatOf(part) * base;
      base *= 60;
    }
    return sign * total;
  }
  return sign * floatOf(value);
}

/** Python's float(text) for decimal text (ValueError → load error). */
function floatOf(text: string): number {
  const t = text.trim();
  if (!/^[-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?|inf|infinity|nan)$/i.test(t)) {
    throw new YamlLoadError(`could not convert string to float: '${text}'`);
  }
  const lower = t.toLowerCase().replace(/^[-+]/, "");
  if (lower === "inf" || lower === "infinity") return t.startsWith("-") ? -Infinity : Infinity;
  if (lower === "nan") return NaN;
  return Number(t);
}

const TIMESTAMP =
  /^([0-9][0-9][0-9][0-9])-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?)?$/;

/** Python's repr of the date or datetime PyYAML's construct_yaml_timestamp makes. */
function timestampRepr(text: string): string {
  const m = TIMESTAMP.exec(text);
  if (!m) throw new YamlLoadError(`not a timestamp: '${text}'`);
  const [, y, mo, d, h, mi, sec, frac, tz, sign, tzh, tzm] = m;
  const ymd = [y, mo, d].map(Number);
  const date = new Date(Date.UTC(ymd[0], ymd[1] - 1, ymd[2]));
  if (
    date.getUTCFullYear() !== ymd[0] || date.getUTCMonth() !== ymd[1] - 1 ||
    date.getUTCDate() !== ymd[2] || ymd[0] < 1
  ) {
    // Python's datetime raises ValueError, which escapes yaml.safe_load.
    throw new YamlUnsupportedError(`an impossible date (${text})`);
  }
  if (h === undefined) return `datetime.date(${ymd.join(", ")})`;
  const parts = [...ymd, Number(h), Number(mi), Number(sec)];
  const micro = Number((frac ?? "").slice(0, 6).padEnd(6, "0"));
  if (micro) parts.push(micro);
  else if (parts[5] === 0) parts.pop();
  let tzinfo = "";
  if (sign) {
    let seconds = (Number(tzh) * 60 + Number(tzm ?? "0")) * 60 * (sign === "-" ? -1 : 1);
    let days = 0;
    if (seconds < 0) {
      days = -Math.ceil(-seconds / 86400);
      seconds -= days * 86400;
    }
    const delta = [days ? `days=${days}` : "", seconds ? `seconds=${seconds}` : ""]
      .filter((x) => x).join(", ");
    tzinfo = `, tzinfo=datetime.timezone(datetime.timedelta(${delta || "0"}))`;
  } else if (tz) {
    tzinfo = ", tzinfo=datetime.timezone.utc";
  }
  return `datetime.datetime(${parts.join(", ")}${tzinfo})`;
}

interface Loader {
  readonly doc: ReturnType<typeof parseDocument>;
  /** Nodes being built (alias cycles are refused). */
  readonly building: Set<Node>;
}

function construct(l: Loader, node: Node | Alias | null): JsonValue {
  if (node === null) return null;
  if (isAlias(node)) {
    const target = node.resolve(l.doc) as Node | undefined;
    if (!target) throw new YamlLoadError(`found undefined alias ${node.source}`);
    return construct(l, target);
  }
  if (l.building.has(node)) throw new YamlUnsupportedError("a recursive alias");
  l.building.add(node);
  try {
    if (isMap(node)) return constructMap(l, node);
    if (isSeq(node)) {
      checkTag(node.tag, ["seq"], "a sequence");
      return node.items.map((x) => construct(l, x as Node));
    }
    if (isScalar(node)) return constructScalar(node);
    throw new YamlLoadError("unexpected YAML node");
  } finally {
    l.building.delete(node);
  }
}

function checkTag(tag: string | undefined, allowed: string[], what: string): void {
  if (tag === undefined || tag === "!" || allowed.some((t) => tag === TAG + t)) return;
  throw new YamlLoadError(`could not determine a constructor for the tag '${tag}' on ${what}`);
}

function scalarTag(node: Scalar): string {
  const tag = node.tag;
  if (tag === undefined) return node.type === "PLAIN" ? resolvePlain(String(node.value)) : "str";
  if (tag === "!") return "str";
  if (tag.startsWith(TAG)) return tag.slice(TAG.length);
  throw new YamlLoadError(`could not determine a constructor for the tag '${tag}'`);
}

function constructScalar(node: Scalar): JsonValue {
  const text = String(node.value);
  switch (scalarTag(node)) {
    case "str":
      return text;
    case "null":
      return null;
    case "bool": {
      const v = ({ yes: true, no: false, true: true, false: false, on: true, off: false } as Record<
        string,
        boolean
      >)[text.toLowerCase()];
      if (v === undefined) throw new YamlLoadError(`not a boolean: '${text}'`);
      return v;
    }
    case "int":
      return pyInt(text);
    case "float":
      return JsonNumber.float(pyFloat(text));
    case "timestamp":
      // A Python date or datetime: no JSON Schema type matches it.
      return new PyOther(timestampRepr(text)) as unknown as JsonValue;
    case "binary":
      return new PyOther(`b${JSON.stringify(text)}`) as unknown as JsonValue;
    case "merge":
      throw new YamlLoadError("a merge key (<<) where no mapping key is");
    case "value":
      throw new YamlLoadError(
        "could not determine a constructor for the tag 'tag:yaml.org,2002:value'",
      );
    default:
      throw new YamlUnsupportedError(`the tag '${node.tag}'`);
  }
}

/** PyYAML's flatten_mapping: the pairs of a mapping with its `<<` merges applied, in order. */
function flatten(l: Loader, map: YAMLMap): { key: Node | null; value: Node | null }[] {
  const merged: { key: Node | null; value: Node | null }[] = [];
  const own: { key: Node | null; value: Node | null }[] = [];
  for (const pair of map.items) {
    const key = pair.key as Node | null;
    const value = pair.value as Node | null;
    if (key && isScalar(key) && scalarTag(key) === "merge") {
      const target = value && isAlias(value) ? value.resolve(l.doc) as Node | undefined : value;
      if (target && isMap(target)) {
        merged.push(...flatten(l, target));
      } else if (target && isSeq(target)) {
        const subs: { key: Node | null; value: Node | null }[][] = [];
        for (const item of target.items) {
          const sub = isAlias(item) ? (item as Alias).resolve(l.doc) as Node | undefined : item;
          if (!sub || !isMap(sub)) {
            throw new YamlLoadError("expected a mapping for merging");
          }
          subs.push(flatten(l, sub));
        }
        for (const sub of subs.reverse()) merged.push(...sub);
      } else {
        throw new YamlLoadError("expected a mapping or list of mappings for merging");
      }
    } else {
      own.push({ key, value });
    }
  }
  return [...merged, ...own];
}

function constructMap(l: Loader, map: YAMLMap): JsonObject {
  checkTag(map.tag, ["map"], "a mapping");
  const out: JsonObject = new Map();
  for (const { key, value } of flatten(l, map)) {
    let k: JsonValue;
    if (
      key && isScalar(key) && key.tag === undefined && key.type === "PLAIN" && key.value === "="
    ) {
      k = "="; // PyYAML reads a "=" key as the string "="
    } else {
      k = construct(l, key);
    }
    if (typeof k !== "string") {
      if (Array.isArray(k) || k instanceof Map) {
        throw new YamlLoadError("found unhashable key while constructing a mapping");
      }
      throw new YamlUnsupportedError("a mapping key that is not a string");
    }
    out.set(k, construct(l, value));
  }
  return out;
}

/** `yaml.safe_load(text)` as JSON values (see the module notes for what is refused). */
export function pyYamlSafeLoad(text: string): JsonValue {
  const doc = parseDocument(
    text,
    {
      version: "1.1",
      schema: "failsafe",
      uniqueKeys: false,
      merge: false,
      resolveKnownTags: false,
      strict: true,
    } as Parameters<typeof parseDocument>[1],
  );
  if (doc.errors.length > 0) throw new YamlLoadError(doc.errors[0].message);
  return construct({ doc, building: new Set() }, doc.contents as Node | null);
}

/**
 * A loaded value as plain JavaScript data for display (see `toJs`); Python values JSON lacks
 * (dates, binary) become their Python repr.
 */
export function loadedYamlToJs(value: JsonValue): unknown {
  return toJs(value, (v) => (v instanceof PyOther ? v.repr : undefined));
}
