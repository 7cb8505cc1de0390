/**
 * Help for writing package metadata a workflow accepts: a template (every property of the
 * workflow's metadata JSON Schema with a placeholder value) and a description of each top-level
 * field. The template is a starting point, not a promise: callers check it (and the filled-in
 * metadata) with the workflow's own validator. Schemas here are the ones quilt3 accepts, so they
 * contain no `$ref` (quilt3 refuses it). Pure logic.
 * @module
 */

import type { JsonObject, JsonValue } from "../json_value.ts";
import { pyNumber } from "./py_value.ts";

/** Deepest nesting a template follows (deeper objects get an empty placeholder). */
const MAX_DEPTH = 8;

const isObject = (v: JsonValue | undefined): v is JsonObject => v instanceof Map;

function requiredOf(schema: JsonObject): string[] {
  const r = schema.get("required");
  return Array.isArray(r) ? r.filter((x): x is string => typeof x === "string") : [];
}

function propertiesOf(schema: JsonObject): JsonObject {
  const p = schema.get("properties");
  return isObject(p) ? p : new Map();
}

/** The first type a schema names (`"type": ["string", "null"]` → `"string"`). */
function firstType(schema: JsonObject): string | undefined {
  const t = schema.get("type");
  if (typeof t === "string") return t;
  if (Array.isArray(t)) return t.find((x): x is string => typeof x === "string");
  return undefined;
}

/** A placeholder for one schema: default, first example, const, first enum value, else by type. */
function placeholder(schema: JsonValue | undefined, depth: number): JsonValue {
  if (!isObject(schema) || depth > MAX_DEPTH) return null;
  if (schema.has("default")) return schema.get("default")!;
  const examples = schema.get("examples");
  if (Array.isArray(examples) && examples.length > 0) return examples[0];
  if (schema.has("const")) return schema.get("const")!;
  const options = schema.get("enum");
  if (Array.isArray(options) && options.length > 0) return options[0];
  const alternatives = schema.get("oneOf") ?? schema.get("anyOf");
  if (Array.isArray(alternatives) && alternatives.length > 0) {
    return placeholder(alternatives[0], depth + 1);
  }
  const type = firstType(schema);
  if (type === "object" || (type === undefined && schema.has("properties"))) {
    return templateOf(schema, depth + 1);
  }
  if (type === "array") {
    const item = placeholder(schema.get("items"), depth + 1);
    return item === null ? [] : [item];
  }
  if (type === "string") {
    const format = schema.get("format");
    if (format === "date") return "YYYY-MM-DD";
    if (format === "date-time") return "YYYY-MM-DDThh:mm:ssZ";
    return "";
  }
  if (type === "integer" || type === "number") {
    const min = schema.get("minimum");
    return min !== undefined && typeof min !== "boolean" && pyNumber(min) ? min : 0;
  }
  if (type === "boolean") return false;
  return null;
}

function templateOf(schema: JsonObject, depth: number): JsonObject {
  const props = propertiesOf(schema);
  const required = new Set(requiredOf(schema));
  const out: JsonObject = new Map();
  // Required properties first, then the optional ones, each in schema order.
  const keys = [...props.keys()];
  for (
    const k of [
      ...keys.filter((k) => required.has(k)),
      ...keys.filter((k) => !required.has(k)),
    ]
  ) {
    out.set(k, placeholder(props.get(k), depth));
  }
  for (const k of required) if (!out.has(k)) out.set(k, null);
  return out;
}

/** Metadata with every property of `schema` and a placeholder value, required properties first. */
export function metadataTemplate(schema: JsonValue): JsonObject {
  return isObject(schema) ? templateOf(schema, 0) : new Map();
}

/** One top-level property of a metadata schema, described for whoever fills it in. */
export interface FieldHelp {
  readonly name: string;
  readonly required: boolean;
  /** The JSON types accepted (`"string or null"`), null when the schema does not say. */
  readonly type: string | null;
  readonly description: string | null;
  /** The only values accepted (`enum`, or `const`), null when any value of the type is. */
  readonly allowed: JsonValue[] | null;
  /** Python regular expression the value must match (`re.search`). */
  readonly pattern: string | null;
  /** A format annotation (quilt3's validator does not check formats). */
  readonly format: string | null;
}

/** The top-level properties of a metadata schema, required ones included even if undescribed. */
export function schemaFields(schema: JsonValue): FieldHelp[] {
  if (!isObject(schema)) return [];
  const props = propertiesOf(schema);
  const required = new Set(requiredOf(schema));
  const names = [...props.keys()];
  for (const r of required) if (!names.includes(r)) names.push(r);
  return names.map((name) => {
    const p = props.get(name);
    const s: JsonObject = isObject(p) ? p : new Map();
    const t = s.get("type");
    const text = (v: JsonValue | undefined) => (typeof v === "string" ? v : null);
    const options = s.get("enum");
    return {
      name,
      required: required.has(name),
      type: typeof t === "string" ? t : Array.isArray(t) ? t.join(" or ") : null,
      description: text(s.get("description")),
      allowed: Array.isArray(options) ? options : s.has("const") ? [s.get("const")!] : null,
      pattern: text(s.get("pattern")),
      format: text(s.get("format")),
    };
  });
}
