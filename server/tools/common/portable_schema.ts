/**
 * Tool schemas every MCP client can read. zod writes a nullable primitive as a `type` array
 * (`["string", "null"]`) and an unconstrained value (`z.unknown()`) as `{}`; both are legal JSON
 * Schema but not portable: clients that map tool schemas onto a single-`type` dialect (the OpenAPI
 * subset of Gemini function declarations, for one) reject the tool or drop the constraint, and the
 * MCP Inspector's strict mode warns about each. This module rewrites zod's JSON Schema into an
 * equivalent portable one — `anyOf` branches with one `type` each, and "any JSON value" spelled as
 * the six JSON types — while validation stays zod's own. The rules are exactly those the Inspector
 * checks (tests/tools/schema_portability_test.ts proves every tool's schemas pass them).
 * @module
 */
import type { StandardSchemaWithJSON } from "@modelcontextprotocol/server";
import type * as z from "zod";

/** A JSON Schema object (or a boolean schema). */
export type JsonSchema = boolean | { [key: string]: unknown };

/** Keywords whose value is one subschema. */
export const SUBSCHEMA_KEYWORDS: readonly string[] = [
  "items",
  "contains",
  "not",
  "propertyNames",
  "if",
  "then",
  "else",
  "additionalProperties",
  "unevaluatedProperties",
  "additionalItems",
  "unevaluatedItems",
  "contentSchema",
];
/** Keywords whose value is an array of subschemas. */
export const SUBSCHEMA_ARRAY_KEYWORDS: readonly string[] = [
  "allOf",
  "anyOf",
  "oneOf",
  "prefixItems",
];
/** Keywords whose value maps names to subschemas. */
export const SUBSCHEMA_MAP_KEYWORDS: readonly string[] = [
  "properties",
  "patternProperties",
  "dependentSchemas",
  "dependencies",
  "$defs",
  "definitions",
];
/** Keywords where `true`/`false` is the ordinary spelling (not a bare boolean schema). */
export const BOOLEAN_VALUED_KEYWORDS: ReadonlySet<string> = new Set([
  "additionalProperties",
  "unevaluatedProperties",
  "additionalItems",
  "unevaluatedItems",
]);
/** Keywords that constrain an instance (a schema with none of them accepts any value). */
export const CONSTRAINING_KEYWORDS: ReadonlySet<string> = new Set([
  "type",
  "enum",
  "const",
  "multipleOf",
  "maximum",
  "exclusiveMaximum",
  "minimum",
  "exclusiveMinimum",
  "maxLength",
  "minLength",
  "pattern",
  "format",
  "contentMediaType",
  "contentEncoding",
  "contentSchema",
  "maxItems",
  "minItems",
  "uniqueItems",
  "maxContains",
  "minContains",
  "maxProperties",
  "minProperties",
  "required",
  "dependentRequired",
  "allOf",
  "anyOf",
  "oneOf",
  "not",
  "items",
  "prefixItems",
  "contains",
  "additionalItems",
  "unevaluatedItems",
  "properties",
  "patternProperties",
  "additionalProperties",
  "unevaluatedProperties",
  "propertyNames",
  "dependentSchemas",
  "dependencies",
  "$ref",
  "$dynamicRef",
  "$recursiveRef",
]);

/** The JSON types, as single-`type` branches: "any JSON value" spelled portably. */
const ANY_JSON_VALUE = ["object", "array", "string", "number", "boolean", "null"];

/** Keywords that apply to one instance type only; they move into that type's branch. */
const TYPE_KEYWORDS: Record<string, readonly string[]> = {
  string: [
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
  ],
  number: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"],
  array: [
    "items",
    "prefixItems",
    "contains",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minContains",
    "maxContains",
    "unevaluatedItems",
    "additionalItems",
  ],
  object: [
    "properties",
    "patternProperties",
    "additionalProperties",
    "required",
    "minProperties",
    "maxProperties",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
    "dependencies",
  ],
};
TYPE_KEYWORDS.integer = TYPE_KEYWORDS.number;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** True when the node asserts something about the instance. */
export function constrainsInstance(node: Record<string, unknown>): boolean {
  if (Object.keys(node).some((k) => CONSTRAINING_KEYWORDS.has(k))) return true;
  return "if" in node && ("then" in node || "else" in node);
}

function anyJsonValue(): Record<string, unknown>[] {
  return ANY_JSON_VALUE.map((type) => ({ type }));
}

/** `{type: [a, b], …}` → `{anyOf: [{type: a, …a's keywords}, {type: b, …}], …the rest}`. */
function splitTypeArray(node: Record<string, unknown>, types: string[]): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...node };
  delete rest.type;
  const branches = types.map((type) => {
    const branch: Record<string, unknown> = { type };
    for (const k of TYPE_KEYWORDS[type] ?? []) if (k in rest) branch[k] = rest[k];
    return branch;
  });
  for (const t of types) for (const k of TYPE_KEYWORDS[t] ?? []) delete rest[k];
  if (Array.isArray(rest.anyOf)) {
    // Both must hold: keep the existing alternatives beside the type split.
    const existing = rest.anyOf;
    delete rest.anyOf;
    return { ...rest, allOf: [{ anyOf: branches }, { anyOf: existing }] };
  }
  return { ...rest, anyOf: branches };
}

function rewrite(schema: unknown, keyword: string | undefined, depth: number): unknown {
  if (depth > 64) return schema;
  if (typeof schema === "boolean") {
    if (keyword !== undefined && BOOLEAN_VALUED_KEYWORDS.has(keyword)) return schema;
    return schema ? { anyOf: anyJsonValue() } : { not: {} };
  }
  if (!isRecord(schema)) return schema;
  let node: Record<string, unknown> = { ...schema };
  for (const k of SUBSCHEMA_MAP_KEYWORDS) {
    if (isRecord(node[k])) {
      node[k] = Object.fromEntries(
        Object.entries(node[k] as Record<string, unknown>).map((
          [name, sub],
        ) => [name, rewrite(sub, k, depth + 1)]),
      );
    }
  }
  for (const k of SUBSCHEMA_ARRAY_KEYWORDS) {
    if (Array.isArray(node[k])) {
      node[k] = (node[k] as unknown[]).map((sub) => rewrite(sub, k, depth + 1));
    }
  }
  for (const k of SUBSCHEMA_KEYWORDS) {
    if (!(k in node)) continue;
    node[k] = k === "items" && Array.isArray(node[k])
      ? (node[k] as unknown[]).map((sub) => rewrite(sub, k, depth + 1))
      : rewrite(node[k], k, depth + 1);
  }
  const type = node.type;
  if (Array.isArray(type) && type.length > 1) {
    node = splitTypeArray(node, [...new Set(type as string[])]);
  } else if (Array.isArray(type) && type.length === 1) {
    node.type = type[0];
  }
  if (!constrainsInstance(node) && keyword !== "not") node.anyOf = anyJsonValue();
  return node;
}

/** The portable equivalent of a JSON Schema (a new object; the input is not modified). */
export function portableJsonSchema<T extends JsonSchema>(schema: T): T {
  return rewrite(schema, undefined, 0) as T;
}

/** Freezes `value` and everything reachable from it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Wraps a zod schema for the SDK: validation is zod's, the advertised JSON Schema is the portable
 * rewrite of zod's, computed once per direction and target and then shared by every request's
 * server. It is deeply frozen: a caller that tried to decorate it would throw instead of changing
 * what every later request advertises (a copy per call cost a tools/call its share of
 * structuredClone; issue 13).
 */
export function portableSchema<S extends z.ZodType>(schema: S): StandardSchemaWithJSON<
  z.input<S>,
  z.output<S>
> {
  const std = (schema as unknown as StandardSchemaWithJSON<z.input<S>, z.output<S>>)["~standard"];
  const cache = new Map<string, Record<string, unknown>>();
  const convert = (io: "input" | "output") => (options: { target: string }) => {
    const key = `${io}:${options.target}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = deepFreeze(portableJsonSchema(
        std.jsonSchema[io](options as Parameters<typeof std.jsonSchema.input>[0]),
      ) as Record<string, unknown>);
      cache.set(key, hit);
    }
    return hit;
  };
  return {
    "~standard": {
      ...std,
      jsonSchema: { input: convert("input"), output: convert("output") },
    },
  };
}
