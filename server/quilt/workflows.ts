/**
 * Quilt workflows (`.quilt/workflows/config.yml` of a registry), as quilt3's `quilt3.workflows`
 * reads them: which workflows exist, which is the default, whether one is required, and each
 * workflow's metadata JSON Schema (by id, from `schemas.<id>.url`), package-name pattern and
 * commit-message rule. From a schema this module builds a metadata template an assistant can fill
 * in, and it checks proposed metadata against the schema (JSON Schema draft-07, the keywords
 * listed in CHECKED_KEYWORDS; any other keyword in the schema is reported as not checked, so a
 * "valid" answer never claims more than was verified). Pure: the caller reads the files.
 * @module
 */
import { parseYaml, type YamlValue } from "./yaml.ts";

/** One workflow of the configuration. */
export interface Workflow {
  readonly id: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly metadataSchemaId: string | null;
  readonly entriesSchemaId: string | null;
  readonly handlePattern: string | null;
  readonly isMessageRequired: boolean;
}

/** A parsed workflows configuration. */
export interface WorkflowsConfig {
  readonly version: string | null;
  /** quilt3's default: a workflow is required unless the config says otherwise. */
  readonly isWorkflowRequired: boolean;
  readonly defaultWorkflow: string | null;
  readonly workflows: readonly Workflow[];
  /** Schema id → URL. */
  readonly schemas: Readonly<Record<string, string>>;
}

/** The configuration is not a valid workflows configuration. */
export class WorkflowsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkflowsConfigError";
  }
}

const isObject = (v: unknown): v is Record<string, YamlValue> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === "string" ? v : null);

/** Parses `config.yml` text. */
export function parseWorkflowsConfig(text: string): WorkflowsConfig {
  const doc = parseYaml(text);
  if (!isObject(doc)) throw new WorkflowsConfigError("the workflows config is not a mapping");
  const version = isObject(doc.version) ? str(doc.version.base) : str(doc.version) ??
    (typeof doc.version === "number" ? String(doc.version) : null);
  if (!isObject(doc.workflows)) {
    throw new WorkflowsConfigError("the config has no 'workflows' mapping");
  }
  const workflows = Object.entries(doc.workflows).map(([id, w]): Workflow => {
    const data = isObject(w) ? w : {};
    return {
      id,
      name: str(data.name),
      description: str(data.description),
      metadataSchemaId: str(data.metadata_schema),
      entriesSchemaId: str(data.entries_schema),
      handlePattern: str(data.handle_pattern),
      isMessageRequired: data.is_message_required === true,
    };
  });
  const schemas: Record<string, string> = {};
  if (isObject(doc.schemas)) {
    for (const [id, s] of Object.entries(doc.schemas)) {
      const url = isObject(s) ? str(s.url) : null;
      if (!url) throw new WorkflowsConfigError(`schema '${id}' has no url`);
      schemas[id] = url;
    }
  }
  for (const w of workflows) {
    for (const ref of [w.metadataSchemaId, w.entriesSchemaId]) {
      if (ref && !(ref in schemas)) {
        throw new WorkflowsConfigError(
          `workflow '${w.id}' names schema '${ref}', which is not in 'schemas'`,
        );
      }
    }
  }
  const defaultWorkflow = str(doc.default_workflow);
  if (defaultWorkflow && !workflows.some((w) => w.id === defaultWorkflow)) {
    throw new WorkflowsConfigError(`default_workflow '${defaultWorkflow}' is not a workflow`);
  }
  return {
    version,
    isWorkflowRequired: doc.is_workflow_required !== false,
    defaultWorkflow,
    workflows,
    schemas,
  };
}

/** A JSON Schema (object form). */
export type JsonSchema = { [key: string]: unknown };

/** Keywords the validator checks. */
export const CHECKED_KEYWORDS: ReadonlySet<string> = new Set([
  "type",
  "enum",
  "const",
  "required",
  "properties",
  "additionalProperties",
  "patternProperties",
  "propertyNames",
  "minProperties",
  "maxProperties",
  "items",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "allOf",
  "anyOf",
  "oneOf",
  "not",
  "$ref",
  "format",
]);
/** Keywords that only annotate (nothing to check). */
const ANNOTATIONS: ReadonlySet<string> = new Set([
  "$schema",
  "$id",
  "$comment",
  "title",
  "description",
  "default",
  "examples",
  "definitions",
  "$defs",
  "readOnly",
  "writeOnly",
  "dateformat",
]);

/** One reason metadata does not match its schema. */
export interface SchemaViolation {
  /** JSON Pointer of the offending value ("" = the whole metadata). */
  readonly path: string;
  readonly message: string;
}

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function matchesType(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === "number" && actual === "integer");
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}
function canon(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

const FORMATS: Record<string, RegExp> = {
  date: /^\d{4}-\d{2}-\d{2}$/,
  "date-time": /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
  email: /^[^@\s]+@[^@\s]+$/,
  uri: /^[A-Za-z][A-Za-z0-9+.-]*:\S*$/,
};

class Validator {
  readonly notChecked = new Set<string>();
  constructor(readonly root: JsonSchema) {}

  resolve(ref: string): JsonSchema | undefined {
    if (!ref.startsWith("#")) {
      this.notChecked.add(`$ref ${ref} (only references inside the schema are followed)`);
      return undefined;
    }
    let node: unknown = this.root;
    for (const part of ref.slice(1).split("/").filter((p) => p !== "")) {
      const key = decodeURIComponent(part).replaceAll("~1", "/").replaceAll("~0", "~");
      node = (node as Record<string, unknown> | undefined)?.[key];
    }
    return typeof node === "object" && node !== null ? node as JsonSchema : undefined;
  }

  check(schema: unknown, v: unknown, path: string, out: SchemaViolation[], depth = 0): void {
    if (depth > 64) return;
    if (schema === true || schema === undefined) return;
    if (schema === false) {
      out.push({ path, message: "no value is allowed here" });
      return;
    }
    const s = schema as JsonSchema;
    for (const k of Object.keys(s)) {
      if (!CHECKED_KEYWORDS.has(k) && !ANNOTATIONS.has(k)) this.notChecked.add(k);
    }
    if (typeof s.$ref === "string") {
      const target = this.resolve(s.$ref);
      if (target) this.check(target, v, path, out, depth + 1);
      // In draft-07 $ref makes sibling keywords ineffective.
      return;
    }
    const at = (p: string | number) =>
      `${path}/${String(p).replaceAll("~", "~0").replaceAll("/", "~1")}`;
    const types = s.type === undefined ? undefined : [s.type].flat() as string[];
    if (types && !types.some((t) => matchesType(v, t))) {
      out.push({ path, message: `must be ${types.join(" or ")}, not ${typeOf(v)}` });
      return;
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => equal(e, v))) {
      out.push({ path, message: `must be one of ${JSON.stringify(s.enum)}` });
    }
    if ("const" in s && !equal(s.const, v)) {
      out.push({ path, message: `must be ${JSON.stringify(s.const)}` });
    }
    if (typeof v === "string") {
      const len = [...v].length;
      if (typeof s.minLength === "number" && len < s.minLength) {
        out.push({ path, message: `must have at least ${s.minLength} characters` });
      }
      if (typeof s.maxLength === "number" && len > s.maxLength) {
        out.push({ path, message: `must have at most ${s.maxLength} characters` });
      }
      if (typeof s.pattern === "string") {
        let re: RegExp | undefined;
        try {
          re = new RegExp(s.pattern, "u");
        } catch {
          this.notChecked.add(`pattern ${s.pattern} (not a JavaScript regular expression)`);
        }
        if (re && !re.test(v)) out.push({ path, message: `must match the pattern ${s.pattern}` });
      }
      if (typeof s.format === "string") {
        const f = FORMATS[s.format];
        if (!f) this.notChecked.add(`format ${s.format}`);
        else if (!f.test(v)) out.push({ path, message: `must be a ${s.format}` });
      }
    }
    if (typeof v === "number") {
      if (typeof s.minimum === "number" && v < s.minimum) {
        out.push({ path, message: `must be ≥ ${s.minimum}` });
      }
      if (typeof s.maximum === "number" && v > s.maximum) {
        out.push({ path, message: `must be ≤ ${s.maximum}` });
      }
      if (typeof s.exclusiveMinimum === "number" && v <= s.exclusiveMinimum) {
        out.push({ path, message: `must be > ${s.exclusiveMinimum}` });
      }
      if (typeof s.exclusiveMaximum === "number" && v >= s.exclusiveMaximum) {
        out.push({ path, message: `must be < ${s.exclusiveMaximum}` });
      }
      if (typeof s.multipleOf === "number" && s.multipleOf > 0) {
        const q = v / s.multipleOf;
        if (Math.abs(q - Math.round(q)) > 1e-9) {
          out.push({ path, message: `must be a multiple of ${s.multipleOf}` });
        }
      }
    }
    if (Array.isArray(v)) {
      if (typeof s.minItems === "number" && v.length < s.minItems) {
        out.push({ path, message: `must have at least ${s.minItems} items` });
      }
      if (typeof s.maxItems === "number" && v.length > s.maxItems) {
        out.push({ path, message: `must have at most ${s.maxItems} items` });
      }
      if (
        s.uniqueItems === true && new Set(v.map((x) => JSON.stringify(canon(x)))).size !== v.length
      ) {
        out.push({ path, message: "items must be unique" });
      }
      if (Array.isArray(s.items)) {
        s.items.forEach((item, i) => i < v.length && this.check(item, v[i], at(i), out, depth + 1));
      } else if (s.items !== undefined) {
        v.forEach((x, i) => this.check(s.items, x, at(i), out, depth + 1));
      }
    }
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj);
      for (const r of Array.isArray(s.required) ? s.required as string[] : []) {
        if (!(r in obj)) out.push({ path, message: `is missing the required property '${r}'` });
      }
      if (typeof s.minProperties === "number" && keys.length < s.minProperties) {
        out.push({ path, message: `must have at least ${s.minProperties} properties` });
      }
      if (typeof s.maxProperties === "number" && keys.length > s.maxProperties) {
        out.push({ path, message: `must have at most ${s.maxProperties} properties` });
      }
      const props = (s.properties ?? {}) as Record<string, unknown>;
      const patterns = Object.entries((s.patternProperties ?? {}) as Record<string, unknown>)
        .map(([p, sub]) => [new RegExp(p, "u"), sub] as const);
      for (const k of keys) {
        if (s.propertyNames !== undefined) this.check(s.propertyNames, k, at(k), out, depth + 1);
        let covered = false;
        if (k in props) {
          covered = true;
          this.check(props[k], obj[k], at(k), out, depth + 1);
        }
        for (const [re, sub] of patterns) {
          if (re.test(k)) {
            covered = true;
            this.check(sub, obj[k], at(k), out, depth + 1);
          }
        }
        if (!covered && s.additionalProperties !== undefined) {
          if (s.additionalProperties === false) {
            out.push({ path: at(k), message: `'${k}' is not an allowed property` });
          } else this.check(s.additionalProperties, obj[k], at(k), out, depth + 1);
        }
      }
    }
    if (Array.isArray(s.allOf)) {
      for (const sub of s.allOf) this.check(sub, v, path, out, depth + 1);
    }
    const passes = (sub: unknown) => {
      const o: SchemaViolation[] = [];
      this.check(sub, v, path, o, depth + 1);
      return o.length === 0;
    };
    if (Array.isArray(s.anyOf) && !s.anyOf.some(passes)) {
      out.push({ path, message: "matches none of the allowed alternatives (anyOf)" });
    }
    if (Array.isArray(s.oneOf)) {
      const n = s.oneOf.filter(passes).length;
      if (n !== 1) {
        out.push({ path, message: `must match exactly one alternative (oneOf), matches ${n}` });
      }
    }
    if (s.not !== undefined && passes(s.not)) {
      out.push({ path, message: "matches a schema it must not (not)" });
    }
  }
}

/** Checks `value` against `schema`; lists violations and the schema keywords it did not check. */
export function validateAgainstSchema(
  schema: JsonSchema,
  value: unknown,
): { violations: SchemaViolation[]; notChecked: string[] } {
  const v = new Validator(schema);
  const violations: SchemaViolation[] = [];
  v.check(schema, value, "", violations);
  return { violations, notChecked: [...v.notChecked].sort() };
}

/** A placeholder value for one schema: its default, first example, first enum value or const, else by type. */
function exampleOf(schema: unknown, root: JsonSchema, depth: number): unknown {
  if (depth > 8 || typeof schema !== "object" || schema === null) return null;
  let s = schema as JsonSchema;
  if (typeof s.$ref === "string" && s.$ref.startsWith("#")) {
    s = new Validator(root).resolve(s.$ref) ?? s;
  }
  if ("default" in s) return s.default;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  const alt = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
  if (Array.isArray(alt) && alt.length > 0) return exampleOf(alt[0], root, depth + 1);
  const type = [s.type].flat()[0];
  if (type === "object" || s.properties) return templateOf(s, root, depth + 1);
  if (type === "array") {
    const item = exampleOf(s.items, root, depth + 1);
    return item === null ? [] : [item];
  }
  if (type === "string") {
    return s.format === "date"
      ? "YYYY-MM-DD"
      : s.format === "date-time"
      ? "YYYY-MM-DDThh:mm:ssZ"
      : "";
  }
  if (type === "integer" || type === "number") {
    return typeof s.minimum === "number" ? s.minimum : 0;
  }
  if (type === "boolean") return false;
  return null;
}

function templateOf(schema: JsonSchema, root: JsonSchema, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const props = (schema.properties ?? {}) as Record<string, unknown>;
  const required = new Set(Array.isArray(schema.required) ? schema.required as string[] : []);
  // Required properties first, then the optional ones, each in schema order.
  for (
    const k of [
      ...Object.keys(props).filter((k) => required.has(k)),
      ...Object.keys(props).filter((k) => !required.has(k)),
    ]
  ) {
    out[k] = exampleOf(props[k], root, depth);
  }
  for (const k of required) if (!(k in out)) out[k] = null;
  return out;
}

/** A metadata template from a schema: every property with a placeholder value, required first. */
export function metadataTemplate(schema: JsonSchema): Record<string, unknown> {
  return templateOf(schema, schema, 0);
}

/** One property of a schema, described for an assistant. */
export interface FieldHelp {
  readonly name: string;
  readonly required: boolean;
  readonly type: string | null;
  readonly description: string | null;
  readonly allowed: unknown[] | null;
  readonly pattern: string | null;
  readonly format: string | null;
}

/** The top-level properties of a schema, with what each accepts. */
export function schemaFields(schema: JsonSchema): FieldHelp[] {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(schema.required) ? schema.required as string[] : []);
  const names = [...Object.keys(props)];
  for (const r of required) if (!names.includes(r)) names.push(r);
  return names.map((name) => {
    const p = props[name] ?? {};
    return {
      name,
      required: required.has(name),
      type: p.type === undefined ? null : [p.type].flat().join(" or "),
      description: typeof p.description === "string" ? p.description : null,
      allowed: Array.isArray(p.enum) ? p.enum : "const" in p ? [p.const] : null,
      pattern: typeof p.pattern === "string" ? p.pattern : null,
      format: typeof p.format === "string" ? p.format : null,
    };
  });
}
