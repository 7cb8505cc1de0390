/**
 * Seeded generators for the workflow-rule oracle tests: Python regular expressions (valid,
 * invalid, and the few constructs the server refuses), JSON Schema draft-7 schemas and
 * instances, and `.quilt/workflows/config.yml` texts in the YAML spellings PyYAML reads.
 * @module
 */
import {
  encodeManifestJson,
  JsonNumber,
  type JsonObject,
  type JsonValue,
} from "../../server/quilt/mod.ts";
import type { Rng } from "./helpers.ts";

// ---------------------------------------------------------------------------------------------
// Python regular expressions

const LITERALS = ["a", "b", "z", "A", "Z", "0", "9", "_", "-", " ", "é", "É", "ß", "中", "😀", "/"];
const ESCAPED = [
  "\\.",
  "\\-",
  "\\/",
  "\\ ",
  "\\(",
  "\\)",
  "\\[",
  "\\]",
  "\\{",
  "\\}",
  "\\*",
  "\\+",
  "\\?",
  "\\|",
  "\\^",
  "\\$",
  "\\\\",
  "\\n",
  "\\t",
  "\\x41",
  "\\u00e9",
  "\\U0001F600",
  "\\0",
  "\\101",
  "\\a",
  "\\f",
  "\\v",
];
const CATEGORIES = ["\\d", "\\D", "\\w", "\\W", "\\s", "\\S"];
const ANCHORS = ["^", "$", "\\A", "\\Z", "\\b", "\\B"];
const CLASSES = [
  "[a-z]",
  "[^a-z]",
  "[A-Z0-9_-]",
  "[\\d.]",
  "[\\w]",
  "[\\W\\s]",
  "[]a]",
  "[^]a]",
  "[a-]",
  "[-a]",
  "[é-ü]",
  "[😀-😂]",
  "[\\x00-\\x1f]",
  "[^\\n]",
  "[.]",
  "[$^]",
  "[\\b]",
];
/** Constructs Python accepts and the server refuses (it cannot reproduce their meaning). */
export const UNSUPPORTED_REGEX = [
  "(a)\\1",
  "(?P<n>a)(?P=n)",
  "(a)?(?(1)b|c)",
  "\\N{EM DASH}",
  "(?t)a",
];
const INVALID_REGEX = [
  "(",
  ")",
  "[a",
  "a**",
  "*a",
  "a{2,1}",
  "\\q",
  "\\",
  "(?P<1>a)",
  "[z-a]",
  "(?<=a+)b",
  "(?<=a|bc)d",
  "a(?i)b",
  "(?L)a",
  "\\8",
  "[\\A]",
  "(?z)",
  "(?P=x)",
  "(?#x",
  "(?i-i:a)",
  "(?au)",
  "x{99999999999}",
];

function atom(rng: Rng, depth: number): string {
  const r = rng.next();
  if (r < 0.3) return rng.pick(LITERALS);
  if (r < 0.4) return rng.pick(ESCAPED);
  if (r < 0.52) return rng.pick(CATEGORIES);
  if (r < 0.62) return rng.pick(CLASSES);
  if (r < 0.68) return ".";
  if (r < 0.74) return rng.pick(["{", "}", "]", "x{}", "x{a}", "x{,2}", "x{1,}"]);
  if (depth > 2) return rng.pick(LITERALS);
  const inner = sequence(rng, depth + 1);
  return rng.pick([
    `(${inner})`,
    `(?:${inner})`,
    `(?>${inner})`,
    `(?P<g${rng.int(1000)}>${inner})`,
    `(?=${inner})`,
    `(?!${inner})`,
    `(?<=${rng.pick(["a", "ab", "[xy]", "\\d\\d", "(?:ab|cd)"])})`,
    `(?<!${rng.pick(["a", "b", "\\s"])})`,
    `(?i:${inner})`,
    `(?-i:${inner})`,
    `(?s:${inner})`,
    `(?m:${inner})`,
    `(?x:${inner} # note\n)`,
    `(?#comment)`,
  ]);
}

function quantified(rng: Rng, depth: number): string {
  const a = atom(rng, depth);
  if (rng.next() < 0.65 || ANCHORS.includes(a)) return a;
  const q = rng.pick(["*", "+", "?", "{2}", "{1,3}", "{2,}", "{,2}", "{0}"]);
  // Lazy and possessive forms too.
  return a + q + rng.pick(["", "", "", "", "?", "+"]);
}

function sequence(rng: Rng, depth: number): string {
  let s = "";
  const n = 1 + rng.int(4);
  for (let i = 0; i < n; i++) {
    s += rng.next() < 0.12 ? rng.pick(ANCHORS) : quantified(rng, depth);
  }
  if (rng.next() < 0.15) s += "|" + sequence(rng, depth + 1);
  return s;
}

/** A random Python pattern: mostly valid, sometimes invalid, rarely one the server refuses. */
export function randomPattern(rng: Rng): string {
  const r = rng.next();
  if (r < 0.08) return rng.pick(INVALID_REGEX);
  if (r < 0.1) return rng.pick(UNSUPPORTED_REGEX);
  const flags = rng.next() < 0.2
    ? `(?${rng.pick(["i", "s", "m", "x", "a", "u", "im", "sx"])})`
    : "";
  const body = sequence(rng, 0);
  return flags + (flags.includes("x") ? body.replaceAll(" ", "\\ ") + " # trailing\n" : body);
}

/** Strings to search: the patterns' alphabet, line breaks, Unicode digits, spaces and letters. */
export function randomSubject(rng: Rng): string {
  const alphabet = [
    ...LITERALS,
    "\n",
    "\r",
    "\t",
    "\x1c",
    "\x85",
    "\u00a0",
    "\u2028",
    "\u3000",
    "\ufeff",
    "٣",
    "²",
    "Ⅷ",
    "\u0301",
    "ſ",
    "K",
    "k",
    "\u212a",
    ".",
    "x",
    "{",
    "}",
    "ab",
    "cd",
    "xy",
  ];
  let s = "";
  const n = rng.int(7);
  for (let i = 0; i < n; i++) s += rng.pick(alphabet);
  return s;
}

// ---------------------------------------------------------------------------------------------
// JSON Schema draft 7

const TYPES = ["null", "boolean", "integer", "number", "string", "array", "object"];
const NUM_TEXTS = [
  "0",
  "1",
  "2",
  "3",
  "-1",
  "10",
  "1.0",
  "2.0",
  "0.5",
  "0.1",
  "0.3",
  "1.5",
  "-2.5",
  "7",
  "9007199254740993",
  "9007199254740992.0",
  "1e2",
  "100",
  "1e-3",
  "123456789012345678901234567890",
];
const PATTERNS = [
  "^a",
  "b$",
  "^[a-z]+$",
  "\\d",
  "^\\w+$",
  "é",
  "^$",
  "(?i)^A",
  "x{2}",
  "\\s",
  "^\\S*$",
  "[😀]",
];
const KEYS = ["a", "b", "c", "id", "name", "2", "é", "__proto__", "x-y", ""];

function num(rng: Rng): JsonNumber {
  return new JsonNumber(rng.pick(NUM_TEXTS));
}

function nonNegInt(rng: Rng): JsonValue {
  return new JsonNumber(rng.pick(["0", "1", "2", "3", "2.0", "1.0"]));
}

/** A random draft-7 schema (sometimes an invalid one, which check_schema must refuse). */
export function randomSchema(rng: Rng, depth = 0): JsonValue {
  if (depth > 0 && rng.next() < 0.1) return rng.next() < 0.5;
  const s: JsonObject = new Map();
  const n = 1 + rng.int(depth > 1 ? 2 : 4);
  for (let i = 0; i < n; i++) {
    const k = rng.int(26);
    switch (k) {
      case 0:
        s.set("type", rng.next() < 0.7 ? rng.pick(TYPES) : [rng.pick(TYPES), rng.pick(TYPES)]);
        break;
      case 1:
        s.set("enum", Array.from({ length: 1 + rng.int(3) }, () => smallValue(rng)));
        break;
      case 2:
        s.set("const", smallValue(rng));
        break;
      case 3:
        s.set(
          "multipleOf",
          new JsonNumber(rng.pick(["2", "3", "0.5", "0.1", "1.5", "0.01", "1e-3", "7"])),
        );
        break;
      case 4:
        s.set(rng.pick(["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]), num(rng));
        break;
      case 5:
        s.set(rng.pick(["minLength", "maxLength"]), nonNegInt(rng));
        break;
      case 6:
        s.set("pattern", rng.pick(PATTERNS));
        break;
      case 7:
        s.set(
          "items",
          rng.next() < 0.6
            ? randomSchema(rng, depth + 1)
            : [randomSchema(rng, depth + 1), randomSchema(rng, depth + 1)],
        );
        break;
      case 8:
        s.set(
          "additionalItems",
          rng.next() < 0.5 ? rng.next() < 0.5 : randomSchema(rng, depth + 1),
        );
        break;
      case 9:
        s.set(rng.pick(["minItems", "maxItems", "minProperties", "maxProperties"]), nonNegInt(rng));
        break;
      case 10:
        s.set("uniqueItems", rng.next() < 0.8);
        break;
      case 11:
        s.set("contains", randomSchema(rng, depth + 1));
        break;
      case 12:
        s.set("required", [
          ...new Set(Array.from({ length: 1 + rng.int(2) }, () => rng.pick(KEYS))),
        ]);
        break;
      case 13: {
        const props: JsonObject = new Map();
        for (let j = 0; j < 1 + rng.int(3); j++) {
          props.set(rng.pick(KEYS), randomSchema(rng, depth + 1));
        }
        s.set("properties", props);
        break;
      }
      case 14: {
        const pp: JsonObject = new Map();
        pp.set(rng.pick(PATTERNS), randomSchema(rng, depth + 1));
        s.set("patternProperties", pp);
        break;
      }
      case 15:
        s.set(
          "additionalProperties",
          rng.next() < 0.6 ? rng.next() < 0.5 : randomSchema(rng, depth + 1),
        );
        break;
      case 16: {
        const deps: JsonObject = new Map();
        deps.set(
          rng.pick(KEYS),
          rng.next() < 0.5 ? [rng.pick(KEYS)] : randomSchema(rng, depth + 1),
        );
        s.set("dependencies", deps);
        break;
      }
      case 17:
        s.set("propertyNames", randomSchema(rng, depth + 1));
        break;
      case 18:
        s.set("if", randomSchema(rng, depth + 1));
        if (rng.next() < 0.7) s.set("then", randomSchema(rng, depth + 1));
        if (rng.next() < 0.5) s.set("else", randomSchema(rng, depth + 1));
        break;
      case 19:
        s.set(
          rng.pick(["allOf", "anyOf", "oneOf"]),
          Array.from({ length: 1 + rng.int(3) }, () => randomSchema(rng, depth + 1)),
        );
        break;
      case 20:
        s.set("not", randomSchema(rng, depth + 1));
        break;
      case 21:
        s.set("format", rng.pick(["date", "email", "uri", "regex", "ipv4"]));
        break;
      case 22:
        s.set(
          rng.pick(["title", "description", "$comment", "default", "examples", "x-custom"]),
          smallValue(rng),
        );
        break;
      case 23:
        // Invalid schemas: check_schema must refuse them.
        s.set(...rng.pick<[string, JsonValue]>([
          ["type", "float"],
          ["minLength", new JsonNumber("-1")],
          ["minLength", new JsonNumber("1.5")],
          ["required", [new JsonNumber("1")]],
          ["required", ["a", "a"]],
          ["multipleOf", new JsonNumber("0")],
          ["pattern", "("],
          ["patternProperties", new Map([["[", true]])],
          ["enum", "x"],
          ["items", new JsonNumber("3")],
          ["allOf", []],
          ["$schema", new JsonNumber("1")],
        ]));
        break;
      case 24:
        s.set("$id", rng.pick(["http://example.com/s", "s.json", "#frag"]));
        break;
      default:
        s.set("definitions", new Map([["d", randomSchema(rng, depth + 1)]]));
    }
  }
  return s;
}

/** A small JSON value of every kind, with Python's number spellings. */
export function smallValue(rng: Rng, depth = 0): JsonValue {
  const r = rng.next();
  if (depth > 2 || r < 0.6) {
    switch (rng.int(7)) {
      case 0:
        return null;
      case 1:
        return rng.next() < 0.5;
      case 2:
        return rng.pick(["", "a", "b", "ab", "abc", "é", "A", "😀", "x y", "2", "0"]);
      case 3:
        return num(rng);
      case 4:
        return new JsonNumber(rng.pick(["0", "1", "-1", "0.0", "-0.0", "1.0", "2", "3.0", "4.5"]));
      default:
        return new JsonNumber(String(rng.int(12) - 3));
    }
  }
  if (r < 0.8) return Array.from({ length: rng.int(4) }, () => smallValue(rng, depth + 1));
  const o: JsonObject = new Map();
  for (let i = 0; i < rng.int(4); i++) o.set(rng.pick(KEYS), smallValue(rng, depth + 1));
  return o;
}

/** JSON text of a value exactly as Python's json.loads should read it. */
export function jsonText(v: JsonValue): string {
  return encodeManifestJson(v);
}

// ---------------------------------------------------------------------------------------------
// .quilt/workflows/config.yml

/** A workflow configuration in one of the YAML spellings (valid or not). */
export interface ConfigCase {
  readonly text: string;
  /** Workflow ids the configuration defines (for choosing attempts). */
  readonly ids: readonly string[];
}

const VERSIONS = [
  "'1'",
  '"1"',
  "1",
  "'1.0'",
  "'1.1'",
  "'1.1.0'",
  "'1.2'",
  "'2'",
  "1.0",
  "{base: '1'}",
  "{base: '1.1', catalog: '2'}",
  "'01'",
  "'1.0.0.0'",
];
const BOOLS_TRUE = ["true", "True", "yes", "on", "Yes", "ON"];
const BOOLS_FALSE = ["false", "False", "no", "off", "No", "OFF"];
const NOT_BOOLS = ["y", "n", "'true'", "1", "0", "~"];

function yamlString(rng: Rng, s: string): string {
  return rng.pick([s, `'${s}'`, `"${s}"`]);
}

/**
 * A random configuration text: versions, required/default workflows, message rules, handle
 * patterns, schema references, catalog sections with dates and anchors, duplicate keys,
 * YAML 1.1 booleans, comments — and sometimes an invalid configuration.
 */
export function randomConfig(
  rng: Rng,
  schemas: Readonly<Record<string, string>> = {},
  opts: { valid?: boolean } = {},
): ConfigCase {
  const schemaIds = Object.keys(schemas);
  // `valid`: only spellings quilt3 accepts, so the rules themselves decide the pushes.
  const bad = (p: number) => !opts.valid && rng.next() < p;
  const lines: string[] = [];
  if (rng.next() < 0.2) lines.push("# workflows configuration");
  lines.push(`version: ${bad(0.25) ? rng.pick(VERSIONS) : rng.pick(VERSIONS.slice(0, 6))}`);
  const r = rng.next();
  if (r < 0.3) lines.push(`is_workflow_required: ${rng.pick(BOOLS_FALSE)}`);
  else if (r < 0.45) lines.push(`is_workflow_required: ${rng.pick(BOOLS_TRUE)}`);
  else if (r < 0.5 && bad(1)) lines.push(`is_workflow_required: ${rng.pick(NOT_BOOLS)}`);
  const ids = Array.from(
    new Set(
      Array.from(
        { length: 1 + rng.int(3) },
        () => rng.pick(["alpha", "beta", "gamma", "w-1", "_x"]),
      ),
    ),
  );
  if (rng.next() < 0.5) {
    lines.push(
      `default_workflow: ${yamlString(rng, rng.next() < 0.85 ? rng.pick(ids) : "missing")}`,
    );
  }
  lines.push("workflows:");
  if (rng.next() < 0.03) lines.push("  {}");
  for (const id of ids) {
    lines.push(`  ${id}:`);
    lines.push(`    name: ${yamlString(rng, rng.next() < 0.95 ? `Workflow ${id}` : "")}`);
    if (rng.next() < 0.3) {
      lines.push(`    description: ${rng.pick(["'A workflow'", "2021-01-01", "x"])}`);
    }
    if (rng.next() < 0.35) {
      lines.push(
        `    is_message_required: ${bad(0.2) ? rng.pick(NOT_BOOLS) : rng.pick(BOOLS_TRUE)}`,
      );
    }
    if (rng.next() < 0.3) {
      lines.push(
        `    handle_pattern: ${
          yamlString(
            rng,
            rng.pick([
              "^ns/",
              "^(ns|other)/[a-z]+$",
              "pkg$",
              "^[a-z]+/[a-z0-9-]+$",
              "^NS/",
              "(?i)^ns/",
            ]),
          )
        }`,
      );
    }
    if (schemaIds.length > 0 && rng.next() < 0.45) {
      lines.push(
        `    metadata_schema: ${rng.next() < 0.95 ? rng.pick(schemaIds) : "no-such-schema"}`,
      );
    }
    if (schemaIds.length > 0 && rng.next() < 0.25) {
      lines.push(`    entries_schema: ${rng.pick(schemaIds)}`);
    }
    if (rng.next() < 0.1) lines.push("    catalog: {package_handle: {files: '<%= username %>/'}}");
    if (bad(0.03)) lines.push("    unknown_key: 1");
  }
  if (rng.next() < 0.25) {
    lines.push(
      "catalog:",
      "  packages: &defaults",
      "    created: 2021-01-01",
      "    size: 1_000",
      "  other:",
      "    <<: *defaults",
      "    flag: on",
    );
  }
  if (rng.next() < 0.1) {
    lines.push("successors:", "  s3://other-bucket:", "    title: Other", "    copy_data: no");
  }
  if (schemaIds.length > 0) {
    lines.push("schemas:");
    for (const [id, url] of Object.entries(schemas)) lines.push(`  ${id}:`, `    url: ${url}`);
  }
  if (rng.next() < 0.05) lines.push("version: '1'"); // duplicate key: the last value wins
  if (bad(0.04)) lines.push("bad: [unclosed");
  if (bad(0.03)) lines.push("extra_top_level: 1");
  return { text: lines.join("\n") + "\n", ids };
}
