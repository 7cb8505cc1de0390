/**
 * Tool arguments generated from a tool's input JSON Schema (as tools/list publishes it): mostly
 * values that satisfy the schema, drawn from corpora that matter for S3 and Quilt (real and
 * malformed bucket names, traversal-looking keys, odd Unicode, SQL), and a share of deliberate
 * violations (wrong types, missing required properties, unknown properties, out-of-range numbers,
 * over-long strings and arrays). Pure and seeded: the same seed gives the same cases.
 * @module
 */
import type { Rng } from "./rng.ts";

/** The subset of JSON Schema (2020-12, as zod emits it) the generator understands. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
  [key: string]: unknown;
}

/** Real targets the stack seeds, so a share of valid calls reaches data that exists. */
export interface FuzzTargets {
  /** A bucket that exists (with objects under `keys`). */
  readonly bucket: string;
  /** Keys that exist in it. */
  readonly keys: readonly string[];
  /** Packages that exist in the bucket (namespace/name). */
  readonly packages?: readonly string[];
  /** Top hashes of their revisions. */
  readonly topHashes?: readonly string[];
}

const WEIRD_STRINGS = [
  "",
  " ",
  "../../etc/passwd",
  "..\\..\\windows\\win.ini",
  "%2e%2e%2f%2e%2e%2f",
  "a//b///c",
  "/leading/slash",
  "trailing/",
  "\u0000nul",
  "tab\there",
  "line\nbreak",
  "carriage\rreturn",
  "é中😀\ue000",
  "\u202eevil\u202c.txt",
  "\ud800",
  "s3://other-bucket/key",
  "quilt+s3://bucket#package=a/b",
  "http://169.254.169.254/latest/meta-data/",
  "${jndi:ldap://x}",
  "'; DROP TABLE t; --",
  "<script>alert(1)</script>",
  "null",
  "undefined",
  "__proto__",
  "constructor",
  "?versionId=abc",
  "#fragment",
  "*",
  "%",
  "\\",
];

const BUCKETS = [
  "my-bucket",
  "a.b.c",
  "Upper-Case",
  "ab",
  "a".repeat(64),
  "192.168.0.1",
  "bucket..dots",
  "-leading-dash",
  "xn--punycode",
  "bucket-s3alias",
  "nonexistent-bucket-fuzz",
];

const SQL = [
  "SELECT 1",
  "select * from t limit 10",
  "WITH x AS (SELECT 1) SELECT * FROM x",
  "VALUES (1, 'a')",
  "SHOW DATABASES",
  "DESCRIBE t",
  "EXPLAIN SELECT 1",
  "DROP TABLE t",
  "INSERT INTO t VALUES (1)",
  "SELECT 1; DROP TABLE t",
  "/* comment */ SELECT 1",
  "-- only a comment",
  "SELECT '",
  "CREATE TABLE x AS SELECT 1",
  "select\n*\nfrom\tt",
  "UNLOAD (SELECT 1) TO 's3://x/' WITH (format='csv')",
];

function typesOf(schema: JsonSchema): string[] {
  if (schema.type === undefined) {
    if (schema.properties) return ["object"];
    if (schema.enum) return ["enum"];
    if (schema.const !== undefined) return ["const"];
    return ["string", "number", "boolean", "object", "array", "null"];
  }
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

function randomChars(rng: Rng, n: number, alphabet: string): string {
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[rng.int(alphabet.length)];
  return s;
}

const ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
const ANY_ASCII =
  " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

/** A string of a random length in [lo, hi], mostly short. */
function randomString(rng: Rng, lo: number, hi: number): string {
  const r = rng.next();
  const cap = Math.min(hi, r < 0.85 ? lo + 24 : r < 0.98 ? lo + 600 : lo + 5000);
  const n = rng.range(lo, Math.max(lo, cap));
  const alphabet = rng.chance(0.5) ? ALNUM : rng.chance(0.8) ? ANY_ASCII : "aé中😀/._-";
  // Slicing can split a surrogate pair; that is a fine fuzz input, and length stays ≤ n.
  return randomChars(rng, n, alphabet).slice(0, Math.max(n, 0));
}

function candidates(rng: Rng, name: string, targets: FuzzTargets): string[] {
  const n = name.toLowerCase();
  const out: string[] = [];
  if (n.includes("bucket")) out.push(targets.bucket, targets.bucket, rng.pick(BUCKETS));
  if (n === "key" || n.endsWith("key") || n.includes("prefix") || n.includes("path")) {
    out.push(rng.pick(targets.keys), rng.pick(targets.keys), "data/", rng.pick(WEIRD_STRINGS));
  }
  if (n.includes("sql") || n.includes("query")) out.push(rng.pick(SQL), rng.pick(SQL));
  if (n.includes("database") || n.includes("table")) out.push("default", "sampledb", "t_1");
  if (n.includes("encoding")) out.push("utf-8");
  if (n.includes("content_type")) out.push("text/plain", "application/json", "x/y; a=b");
  if (n.includes("token") || n.includes("cursor")) {
    out.push(btoa(randomChars(rng, rng.range(1, 60), ANY_ASCII)), rng.pick(WEIRD_STRINGS));
  }
  if (n.includes("version")) out.push("null", randomChars(rng, 32, ALNUM));
  if (n.includes("package")) {
    out.push(...(targets.packages ?? []), ...(targets.packages ?? []));
    out.push(rng.pick(["a/b", "no-slash", "a/b/c", "/b", "a/", "ns/na me", "é/中", "../x"]));
  }
  if (n.includes("hash")) {
    const known = targets.topHashes ?? [];
    if (known.length > 0) {
      const h = rng.pick(known);
      out.push(h, h, h.slice(0, rng.range(6, 63)), h.toUpperCase());
    }
    out.push(randomChars(rng, 64, "0123456789abcdef"), randomChars(rng, 6, "0123456789abcdef"));
  }
  if (n === "tag" || n === "revision") out.push("latest", String(rng.int(2 ** 31)), "0");
  if (n.includes("catalog")) {
    out.push("catalog.example.com", "https://catalog.example.com", "http://x:99999", "a b");
  }
  if (n.includes("uri")) {
    const pkg = rng.pick(targets.packages ?? ["a/b"]);
    out.push(
      `quilt+s3://${targets.bucket}#package=${pkg}`,
      `quilt+s3://${targets.bucket}#package=${pkg}@${
        rng.pick(targets.topHashes ?? ["abcdef"])
      }&path=data/a.csv&catalog=catalog.example.com`,
      `quilt+s3://${targets.bucket}#package=${pkg}:latest&path=%2e%2e/`,
      "quilt+s3://#package=a/b",
      "quilt+s3://bucket#package=a/b&package=c/d",
    );
  }
  if (n.includes("name")) out.push("namespace/name", "a/b", "no-slash", "a/b/c");
  if (n === "query") out.push("data", "csv", "é", "*", "a AND b");
  out.push(rng.pick(WEIRD_STRINGS));
  return out;
}

function genString(rng: Rng, schema: JsonSchema, name: string, targets: FuzzTargets): string {
  const lo = schema.minLength ?? 0;
  const hi = schema.maxLength ?? 4096;
  const re = schema.pattern ? safeRegExp(schema.pattern) : undefined;
  const fits = (s: string) => s.length >= lo && s.length <= hi && (!re || re.test(s));
  const pool = candidates(rng, name, targets);
  for (let attempt = 0; attempt < 12; attempt++) {
    const s = attempt < 4 ? rng.pick(pool) : randomString(rng, lo, Math.min(hi, lo + 64));
    if (fits(s)) return s;
  }
  // Satisfies most identifier-like patterns (letters/digits, possibly bounded at the ends).
  const plain = randomChars(rng, Math.max(lo, Math.min(hi, 8)), ALNUM);
  return plain;
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, "u");
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return undefined;
    }
  }
}

function genNumber(rng: Rng, schema: JsonSchema, integer: boolean): number {
  const lo = schema.minimum ??
    (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : 1e-9) : -1e6);
  const hi = schema.maximum ??
    (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : 1e-9) : 1e6);
  const r = rng.next();
  let v: number;
  if (r < 0.2) v = lo;
  else if (r < 0.35) v = hi;
  else if (r < 0.7) v = lo + rng.next() * Math.min(hi - lo, 1000);
  else v = lo + rng.next() * (hi - lo);
  return integer ? Math.min(hi, Math.max(lo, Math.round(v))) : v;
}

/** A value that satisfies `schema` as far as the generator can tell (patterns are best effort). */
export function validValue(
  rng: Rng,
  schema: JsonSchema,
  targets: FuzzTargets,
  name = "",
  depth = 0,
): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return rng.pick(schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return validValue(rng, rng.pick(alternatives), targets, name, depth);
  const type = rng.pick(typesOf(schema));
  switch (type) {
    case "string":
      return genString(rng, schema, name, targets);
    case "integer":
      return genNumber(rng, schema, true);
    case "number":
      return genNumber(rng, schema, false);
    case "boolean":
      return rng.chance(0.5);
    case "null":
      return null;
    case "array": {
      const lo = schema.minItems ?? 0;
      const hi = Math.min(schema.maxItems ?? 8, lo + 8);
      const n = rng.range(lo, hi);
      return Array.from(
        { length: n },
        (_, i) => validValue(rng, schema.items ?? {}, targets, `${name}[${i}]`, depth + 1),
      );
    }
    case "object": {
      if (depth > 6) return {};
      const out: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [key, sub] of Object.entries(schema.properties ?? {})) {
        if (required.has(key) || rng.chance(0.5)) {
          out[key] = validValue(rng, sub, targets, key, depth + 1);
        }
      }
      const extra = schema.additionalProperties;
      if (typeof extra === "object" && !schema.properties && rng.chance(0.7)) {
        for (let i = rng.int(4); i > 0; i--) {
          out[randomChars(rng, rng.range(1, 12), ALNUM)] = validValue(
            rng,
            extra,
            targets,
            "value",
            depth + 1,
          );
        }
      }
      return out;
    }
    default:
      return null;
  }
}

/** Any JSON value, for type confusion. */
export function anyValue(rng: Rng, depth = 0): unknown {
  const r = rng.int(depth > 2 ? 6 : 8);
  switch (r) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1, 1.5, -0, 2 ** 53, -(2 ** 53), 1e308, -1e308, 5e-324, 1e21]);
    case 3:
      return rng.int(2000) - 1000;
    case 4:
      return rng.pick(WEIRD_STRINGS);
    case 5:
      return randomString(rng, 0, 200);
    case 6:
      return Array.from({ length: rng.int(5) }, () => anyValue(rng, depth + 1));
    default: {
      // fromEntries defines own properties, so "__proto__" stays a plain key in the JSON.
      const entries: Array<[string, unknown]> = [];
      for (let i = rng.int(4); i > 0; i--) {
        entries.push([
          rng.pick(["a", "__proto__", "constructor", "bucket", "key", "x".repeat(300)]),
          anyValue(rng, depth + 1),
        ]);
      }
      return Object.fromEntries(entries);
    }
  }
}

function violateNumber(rng: Rng, schema: JsonSchema, integer: boolean): unknown {
  const lo = schema.minimum ?? schema.exclusiveMinimum;
  const hi = schema.maximum ?? schema.exclusiveMaximum;
  const options: unknown[] = [1e308, -1e308, 2 ** 63, -(2 ** 63), "1", "NaN", true, null];
  if (lo !== undefined) options.push(lo - 1, lo - 0.5);
  if (hi !== undefined) options.push(hi + 1, hi * 10 + 1);
  if (integer) options.push(0.5, 1.000001);
  return rng.pick(options);
}

function violateString(rng: Rng, schema: JsonSchema): unknown {
  const options: unknown[] = [123, null, true, ["a"], { a: 1 }];
  if (schema.maxLength !== undefined && schema.maxLength < 200_000) {
    options.push("x".repeat(schema.maxLength + 1));
  }
  if ((schema.minLength ?? 0) > 0) options.push("");
  if (schema.pattern) options.push(rng.pick(WEIRD_STRINGS), "UPPER CASE/with spaces");
  if (schema.enum) options.push("not-in-enum");
  return rng.pick(options);
}

/** A value that breaks `schema` in one way (type, range, length, pattern or enum). */
export function invalidValue(rng: Rng, schema: JsonSchema): unknown {
  const type = typesOf(schema)[0];
  if (schema.enum) return rng.chance(0.5) ? "not-in-enum" : anyValue(rng);
  if (type === "integer") return violateNumber(rng, schema, true);
  if (type === "number") return violateNumber(rng, schema, false);
  if (type === "string") return violateString(rng, schema);
  if (type === "array") {
    if (schema.maxItems !== undefined && schema.maxItems < 2000 && rng.chance(0.5)) {
      return Array.from({ length: schema.maxItems + 1 }, () => ({}));
    }
    return rng.chance(0.5) ? [] : "not-an-array";
  }
  if (type === "boolean") return rng.pick(["true", 1, 0, null]);
  if (type === "object") return rng.pick([[], "x", 1, null]);
  return anyValue(rng);
}

/** One generated argument object and how it was made. */
export interface FuzzCase {
  readonly args: unknown;
  /** "valid" (meant to satisfy the schema) or the kind of violation. */
  readonly kind: string;
}

/** A case for a tool: ~60% schema-valid, the rest one kind of violation each. */
export function toolCase(rng: Rng, schema: JsonSchema, targets: FuzzTargets): FuzzCase {
  const base = validValue(rng, schema, targets) as Record<string, unknown>;
  const r = rng.next();
  if (r < 0.6) return { args: base, kind: "valid" };
  const props = Object.entries(schema.properties ?? {});
  if (r < 0.72 && props.length > 0) {
    const [key, sub] = rng.pick(props);
    return { args: { ...base, [key]: invalidValue(rng, sub) }, kind: "bad_property" };
  }
  if (r < 0.8 && (schema.required?.length ?? 0) > 0) {
    const drop = rng.pick(schema.required!);
    const { [drop]: _, ...rest } = base;
    return { args: rest, kind: "missing_required" };
  }
  if (r < 0.88) {
    return {
      args: {
        ...base,
        [rng.pick(["extra", "__proto__", "constructor", "x".repeat(200)])]: anyValue(rng),
      },
      kind: "unknown_property",
    };
  }
  if (r < 0.95) return { args: anyValue(rng), kind: "not_an_object" };
  // Nested garbage inside an otherwise valid object.
  if (props.length > 0) {
    const [key] = rng.pick(props);
    return { args: { ...base, [key]: anyValue(rng) }, kind: "type_confusion" };
  }
  return { args: { deep: nest(rng.range(20, 200)) }, kind: "deep_nesting" };
}

function nest(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}
