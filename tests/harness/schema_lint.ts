/**
 * The tool-schema portability rules of the MCP Inspector CLI's strict mode
 * (`mcp-inspector --cli --strict --method tools/list`, @modelcontextprotocol/inspector 2.12.0,
 * core/json/schemaLint.ts), restated here independently of the server's own rewrite
 * (server/tools/common/portable_schema.ts) so the check cannot agree with the code it checks by
 * construction: `type` arrays, schemas that constrain nothing, bare boolean schemas, and remote
 * `$ref`s. Each finding names the tool, the schema and the path, as the Inspector does.
 * @module
 */

/** One portability problem. */
export interface SchemaFinding {
  readonly tool: string;
  readonly schema: "inputSchema" | "outputSchema";
  readonly path: string;
  readonly rule: "type-union" | "untyped-schema" | "boolean-schema" | "remote-ref";
}

const ONE = [
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
const MANY = ["allOf", "anyOf", "oneOf", "prefixItems"];
const NAMED = [
  "properties",
  "patternProperties",
  "dependentSchemas",
  "dependencies",
  "$defs",
  "definitions",
];
const BOOLEAN_OK = new Set([
  "additionalProperties",
  "unevaluatedProperties",
  "additionalItems",
  "unevaluatedItems",
]);
const CONSTRAINING = new Set([
  ...["type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum"],
  ...["exclusiveMinimum", "maxLength", "minLength", "pattern", "format", "contentMediaType"],
  ...["contentEncoding", "contentSchema", "maxItems", "minItems", "uniqueItems", "maxContains"],
  ...["minContains", "maxProperties", "minProperties", "required", "dependentRequired"],
  ...["allOf", "anyOf", "oneOf", "not", "items", "prefixItems", "contains", "additionalItems"],
  ...["unevaluatedItems", "properties", "patternProperties", "additionalProperties"],
  ...["unevaluatedProperties", "propertyNames", "dependentSchemas", "dependencies"],
  ...["$ref", "$dynamicRef", "$recursiveRef"],
]);
const TYPES = new Set(["null", "boolean", "object", "array", "number", "string", "integer"]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function hasId(node: unknown, depth = 0): boolean {
  if (depth > 64 || !isObject(node)) return false;
  if (typeof node.$id === "string" && node.$id !== "") return true;
  let found = false;
  children(node, "", (child) => {
    found ||= hasId(child, depth + 1);
  });
  return found;
}

function children(
  node: Record<string, unknown>,
  path: string,
  visit: (child: unknown, path: string, keyword: string) => void,
): void {
  const at = (p: string, k: string) => (p === "" ? k : `${p}.${k}`);
  for (const k of NAMED) {
    if (!isObject(node[k])) continue;
    for (const [name, sub] of Object.entries(node[k] as Record<string, unknown>)) {
      visit(sub, `${at(path, k)}.${name}`, k);
    }
  }
  for (const k of MANY) {
    if (Array.isArray(node[k])) {
      (node[k] as unknown[]).forEach((sub, i) => visit(sub, `${at(path, k)}[${i}]`, k));
    }
  }
  for (const k of ONE) {
    if (!(k in node)) continue;
    if (k === "items" && Array.isArray(node[k])) {
      (node[k] as unknown[]).forEach((sub, i) => visit(sub, `${at(path, k)}[${i}]`, k));
    } else visit(node[k], at(path, k), k);
  }
}

/** Every finding in one schema. */
export function lintSchema(
  tool: string,
  schema: "inputSchema" | "outputSchema",
  root: unknown,
): SchemaFinding[] {
  const found: SchemaFinding[] = [];
  const embeddedIds = hasId(root);
  const walk = (node: unknown, path: string, keyword: string | undefined, depth: number) => {
    if (depth > 64) return;
    if (typeof node === "boolean") {
      if (keyword === undefined || !BOOLEAN_OK.has(keyword)) {
        found.push({ tool, schema, path, rule: "boolean-schema" });
      }
      return;
    }
    if (!isObject(node)) return;
    const type = node.type;
    if (
      Array.isArray(type) && type.length > 0 && new Set(type).size === type.length &&
      type.every((t) => typeof t === "string" && TYPES.has(t))
    ) {
      found.push({ tool, schema, path, rule: "type-union" });
    }
    if (typeof node.$ref === "string" && node.$ref !== "" && !node.$ref.startsWith("#")) {
      if (!embeddedIds) found.push({ tool, schema, path, rule: "remote-ref" });
    }
    const constrains = Object.keys(node).some((k) => CONSTRAINING.has(k)) ||
      ("if" in node && ("then" in node || "else" in node));
    if (!constrains && keyword !== "not") {
      found.push({ tool, schema, path, rule: "untyped-schema" });
    }
    children(node, path, (child, p, k) => walk(child, p, k, depth + 1));
  };
  walk(root, "", undefined, 0);
  return found;
}

/** Every finding in a tools/list answer. */
export function lintTools(
  tools: readonly { name: string; inputSchema?: unknown; outputSchema?: unknown }[],
): SchemaFinding[] {
  return tools.flatMap((t) => [
    ...(t.inputSchema === undefined ? [] : lintSchema(t.name, "inputSchema", t.inputSchema)),
    ...(t.outputSchema === undefined ? [] : lintSchema(t.name, "outputSchema", t.outputSchema)),
  ]);
}
