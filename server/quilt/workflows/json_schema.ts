/**
 * JSON Schema draft 7, evaluated as quilt3 evaluates workflow schemas: with the Python
 * `jsonschema` package's `Draft7Validator` (4.x) on the values `json.loads` produces. That
 * means Python's numbers (exact ints, `1.0` is an integer, int/float comparisons exact, its
 * `multipleOf` arithmetic), Python's `re.search` for `pattern`, `format` as an annotation only,
 * keywords in the schema's own order, and the first error raised (`validator.validate`). The
 * messages follow jsonschema's.
 *
 * `$ref` is followed only within the same document (`#`, `#/definitions/...`): quilt3 refuses
 * `$ref` in workflow schemas, and the two built-in schemas (the draft-07 meta-schema and the
 * workflow configuration schema) only refer to themselves.
 * @module
 */

import { JsonNumber, type JsonObject, type JsonValue } from "../json_value.ts";
import { parseJson } from "../json_parse.ts";
import { compilePyRegex, type PyRegex, PyRegexError } from "./py_regex.ts";
import {
  isExactMultiple,
  isPyFloat,
  pyCompare,
  pyEq,
  pyLen,
  pyLt,
  type PyNumber,
  pyNumber,
  pyNumberRepr,
  pyRepr,
  pyStrRepr,
  pyToFloat,
  PyTypeError,
} from "./py_value.ts";
import { DRAFT7_METASCHEMA_TEXT } from "./draft7_metaschema.ts";
import { QuiltFormatError } from "../errors.ts";

/** The first error jsonschema would raise for an instance. */
export interface SchemaViolation {
  /** jsonschema's message, e.g. `'a' is a required property`. */
  readonly message: string;
  /** The keyword that failed (`required`, `type`, ...; null for a `false` schema). */
  readonly keyword: string | null;
  /** Path of the failing value inside the instance. */
  readonly path: readonly (string | number)[];
}

/** Evaluating the schema raised an exception in Python other than a validation error. */
export class SchemaEvaluationError extends QuiltFormatError {
  /** Creates the error; the message says what Python would have raised. */
  constructor(message: string) {
    super(message);
    this.name = "SchemaEvaluationError";
  }
}

interface Ctx {
  readonly root: JsonValue;
  readonly regexes: Map<string, PyRegex>;
  /** The format checker of `check_schema` (regex only); off for ordinary validation. */
  readonly checkFormats: boolean;
}

const isObject = (v: JsonValue | undefined): v is JsonObject => v instanceof Map;
const isNumber = (v: JsonValue) => typeof v !== "boolean" && pyNumber(v) !== undefined;

function isType(v: JsonValue, type: string): boolean {
  switch (type) {
    case "array":
      return Array.isArray(v);
    case "boolean":
      return typeof v === "boolean";
    case "null":
      return v === null;
    case "object":
      return isObject(v);
    case "string":
      return typeof v === "string";
    case "number":
      return isNumber(v);
    case "integer": {
      if (typeof v === "boolean") return false;
      const n = pyNumber(v);
      if (!n) return false;
      return !isPyFloat(n) || (Number.isFinite(n.float) && Number.isInteger(n.float));
    }
  }
  // jsonschema raises UnknownType; check_schema keeps unknown names out of valid schemas.
  throw new SchemaEvaluationError(`unknown type ${pyStrRepr(type)}`);
}

function regex(ctx: Ctx, pattern: string): PyRegex {
  let r = ctx.regexes.get(pattern);
  if (!r) ctx.regexes.set(pattern, r = compilePyRegex(pattern));
  return r;
}

/** jsonschema's `equal`: `==`, except that booleans never equal numbers (at any depth). */
function jsEqual(a: JsonValue, b: JsonValue): boolean {
  if (typeof a === "string" || typeof b === "string") return a === b;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => jsEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    if (a.size !== b.size) return false;
    for (const [k, x] of a) if (!b.has(k) || !jsEqual(x, b.get(k)!)) return false;
    return true;
  }
  if (typeof a === "boolean" || typeof b === "boolean") return a === b;
  return pyEq(a, b);
}

/**
 * jsonschema's `uniq`: sort (Python's `sorted`, which may raise TypeError), compare neighbours
 * with `equal`; on TypeError compare every pair. Sorting keeps equal-by-`==` items in their
 * order, so it can miss `[[true], [1], [true]]` — and jsonschema does, so this does too.
 */
function uniq(items: readonly JsonValue[]): boolean {
  try {
    const sorted = pySorted(items.map((x) => (typeof x === "boolean" ? { bool: x } : x)));
    for (let i = 1; i < sorted.length; i++) {
      if (jsEqual(sorted[i - 1] as JsonValue, sorted[i] as JsonValue)) return false;
    }
    return true;
  } catch (e) {
    if (!(e instanceof PyTypeError)) throw e;
  }
  for (let i = 0; i < items.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = items[i], b = items[j];
      // unbool: True and False equal only themselves.
      if (typeof a === "boolean" || typeof b === "boolean" ? a === b : jsEqual(a, b)) return false;
    }
  }
  return true;
}

type Sortable = JsonValue | { bool: boolean };

function sortLt(a: Sortable, b: Sortable): boolean {
  // unbool() turns top-level booleans into plain objects, which Python cannot order.
  if (isBoolBox(a) || isBoolBox(b)) throw new PyTypeError();
  return pyLt(a as JsonValue, b as JsonValue);
}

function isBoolBox(v: Sortable): v is { bool: boolean } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Map) &&
    !(v instanceof JsonNumber) && "bool" in v;
}

/**
 * CPython's list sort (timsort) for up to 63 items: count the first run, reverse it when strictly
 * descending, binary-insert the rest — the same comparisons in the same order, so the same
 * TypeError where Python raises one. Longer lists go through the same steps run by run.
 */
function pySorted(input: readonly Sortable[]): Sortable[] {
  const a = [...input];
  const n = a.length;
  if (n < 2) return a;
  let minrun = n;
  let r = 0;
  while (minrun >= 64) {
    r |= minrun & 1;
    minrun >>= 1;
  }
  minrun += r;
  const runs: [number, number][] = [];
  let lo = 0;
  while (lo < n) {
    let runLen = 1;
    if (lo + 1 < n) {
      runLen = 2;
      if (sortLt(a[lo + 1], a[lo])) {
        while (lo + runLen < n && sortLt(a[lo + runLen], a[lo + runLen - 1])) runLen++;
        a.splice(lo, runLen, ...a.slice(lo, lo + runLen).reverse());
      } else {
        while (lo + runLen < n && !sortLt(a[lo + runLen], a[lo + runLen - 1])) runLen++;
      }
    }
    if (runLen < minrun) {
      const force = Math.min(minrun, n - lo);
      for (let start = lo + runLen; start < lo + force; start++) {
        const pivot = a[start];
        let l = lo, h = start;
        while (l < h) {
          const p = l + ((h - l) >> 1);
          if (sortLt(pivot, a[p])) h = p;
          else l = p + 1;
        }
        a.splice(start, 1);
        a.splice(l, 0, pivot);
      }
      runLen = force;
    }
    runs.push([lo, runLen]);
    lo += runLen;
  }
  if (runs.length > 1) {
    // Merging long runs: Python's galloping merge makes other comparisons; any TypeError it
    // could meet is met by comparing neighbours of the merged order too, which this does.
    const merged = [...a];
    mergeSortStable(merged);
    return merged;
  }
  return a;
}

function mergeSortStable(a: Sortable[]): void {
  const sorted = a.map((v, i) => [v, i] as const).sort(([x, i], [y, j]) =>
    sortLt(x, y) ? -1 : sortLt(y, x) ? 1 : i - j
  );
  sorted.forEach(([v], i) => (a[i] = v));
}

function numberOrThrow(v: JsonValue): PyNumber {
  const n = typeof v === "boolean" ? { int: v ? 1n : 0n } : pyNumber(v);
  if (!n) throw new SchemaEvaluationError(`${pyRepr(v)} is not a number`);
  return n;
}

function reprNum(v: JsonValue): string {
  return pyRepr(v);
}

/** Whether an instance is valid (no error at all). */
function isValid(ctx: Ctx, instance: JsonValue, schema: JsonValue): boolean {
  return firstError(ctx, instance, schema, []) === undefined;
}

/**
 * jsonschema's `descend`: errors of the subschema's keywords get `step` added to their path;
 * the error of a `false` subschema does not (jsonschema yields it before adding the step).
 */
function descend(
  ctx: Ctx,
  instance: JsonValue,
  schema: JsonValue,
  path: (string | number)[],
  step?: string | number,
): SchemaViolation | undefined {
  if (schema === false) {
    return { message: `False schema does not allow ${pyRepr(instance)}`, keyword: null, path };
  }
  return firstError(ctx, instance, schema, step === undefined ? path : [...path, step]);
}

function resolveRef(ctx: Ctx, ref: string): JsonValue {
  if (ref === "#") return ctx.root;
  if (!ref.startsWith("#/")) {
    throw new SchemaEvaluationError(`unsupported $ref ${pyStrRepr(ref)}`);
  }
  let node: JsonValue = ctx.root;
  for (const raw of ref.slice(2).split("/")) {
    const part = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (isObject(node) && node.has(part)) node = node.get(part)!;
    else if (Array.isArray(node) && /^\d+$/.test(part) && Number(part) < node.length) {
      node = node[Number(part)];
    } else throw new SchemaEvaluationError(`unresolvable $ref ${pyStrRepr(ref)}`);
  }
  return node;
}

/**
 * The first error jsonschema's `iter_errors` yields for `instance` under `schema`, or undefined.
 * `path` is the instance path so far.
 */
function firstError(
  ctx: Ctx,
  instance: JsonValue,
  schema: JsonValue,
  path: (string | number)[],
): SchemaViolation | undefined {
  if (schema === true) return undefined;
  if (schema === false) {
    return { message: `False schema does not allow ${pyRepr(instance)}`, keyword: null, path };
  }
  if (!isObject(schema)) return undefined;
  const ref = schema.get("$ref");
  if (ref !== undefined) {
    // Draft 7 ignores the siblings of $ref.
    if (typeof ref !== "string") throw new SchemaEvaluationError("$ref must be a string");
    return firstError(ctx, instance, resolveRef(ctx, ref), path);
  }
  for (const [keyword, value] of schema) {
    const err = keywordError(ctx, keyword, value, instance, schema, path);
    if (err) return err;
  }
  return undefined;
}

function fail(message: string, keyword: string, path: (string | number)[]): SchemaViolation {
  return { message, keyword, path };
}

function keywordError(
  ctx: Ctx,
  keyword: string,
  value: JsonValue,
  instance: JsonValue,
  schema: JsonObject,
  path: (string | number)[],
): SchemaViolation | undefined {
  const err = (message: string) => fail(message, keyword, path);
  switch (keyword) {
    case "type": {
      const types = typeof value === "string" ? [value] : value as JsonValue[];
      if (!types.some((t) => isType(instance, t as string))) {
        return err(
          `${pyRepr(instance)} is not of type ${
            types.map((t) => pyStrRepr(t as string)).join(", ")
          }`,
        );
      }
      return undefined;
    }
    case "enum": {
      const options = value as JsonValue[];
      if (!options.some((o) => jsEqual(o, instance))) {
        return err(`${pyRepr(instance)} is not one of ${pyRepr(value)}`);
      }
      return undefined;
    }
    case "const":
      return jsEqual(instance, value) ? undefined : err(`${pyRepr(value)} was expected`);
    case "multipleOf": {
      if (!isNumber(instance)) return undefined;
      const x = numberOrThrow(instance);
      const d = numberOrThrow(value);
      let failed: boolean;
      if (isPyFloat(d)) {
        const fx = pyToFloat(x);
        if (fx === undefined) throw new SchemaEvaluationError("int too large to convert to float");
        const q = fx / d.float;
        if (Number.isNaN(q)) throw new SchemaEvaluationError("cannot convert float NaN to integer");
        failed = Number.isFinite(q) ? !Number.isInteger(q) : !isExactMultiple(x, d);
      } else if (isPyFloat(x)) {
        const fd = pyToFloat(d);
        if (fd === undefined) throw new SchemaEvaluationError("int too large to convert to float");
        failed = x.float % fd !== 0;
      } else {
        failed = (x as { int: bigint }).int % (d as { int: bigint }).int !== 0n;
      }
      const dText = "int" in d ? d.int.toString() : pyNumberRepr(d);
      return failed ? err(`${pyRepr(instance)} is not a multiple of ${dText}`) : undefined;
    }
    case "maximum":
    case "exclusiveMaximum":
    case "minimum":
    case "exclusiveMinimum": {
      if (!isNumber(instance)) return undefined;
      const c = pyCompare(numberOrThrow(instance), numberOrThrow(value));
      const bad = keyword === "maximum"
        ? c > 0
        : keyword === "exclusiveMaximum"
        ? c >= 0
        : keyword === "minimum"
        ? c < 0
        : c <= 0;
      if (!bad) return undefined;
      const i = pyRepr(instance), v = reprNum(value);
      return err(
        keyword === "maximum"
          ? `${i} is greater than the maximum of ${v}`
          : keyword === "exclusiveMaximum"
          ? `${i} is greater than or equal to the maximum of ${v}`
          : keyword === "minimum"
          ? `${i} is less than the minimum of ${v}`
          : `${i} is less than or equal to the minimum of ${v}`,
      );
    }
    case "maxLength":
    case "minLength": {
      if (typeof instance !== "string") return undefined;
      const c = pyCompare({ int: BigInt(pyLen(instance)) }, numberOrThrow(value));
      const limit = numberOrThrow(value);
      const zeroOrOne = pyCompare(limit, { int: keyword === "maxLength" ? 0n : 1n }) === 0;
      if (keyword === "maxLength" && c > 0) {
        return err(`${pyRepr(instance)} ${zeroOrOne ? "is expected to be empty" : "is too long"}`);
      }
      if (keyword === "minLength" && c < 0) {
        return err(`${pyRepr(instance)} ${zeroOrOne ? "should be non-empty" : "is too short"}`);
      }
      return undefined;
    }
    case "pattern": {
      if (typeof instance !== "string") return undefined;
      return regex(ctx, value as string).search(instance)
        ? undefined
        : err(`${pyRepr(instance)} does not match ${pyStrRepr(value as string)}`);
    }
    case "format": {
      if (!ctx.checkFormats || value !== "regex" || typeof instance !== "string") return undefined;
      try {
        regex(ctx, instance);
      } catch (e) {
        if (e instanceof PyRegexError) return err(`${pyRepr(instance)} is not a 'regex'`);
        throw e;
      }
      return undefined;
    }
    case "items": {
      if (!Array.isArray(instance)) return undefined;
      if (Array.isArray(value)) {
        for (let i = 0; i < Math.min(value.length, instance.length); i++) {
          const e = descend(ctx, instance[i], value[i], path, i);
          if (e) return e;
        }
        return undefined;
      }
      for (let i = 0; i < instance.length; i++) {
        const e = descend(ctx, instance[i], value, path, i);
        if (e) return e;
      }
      return undefined;
    }
    case "additionalItems": {
      if (!Array.isArray(instance)) return undefined;
      const items = schema.get("items") ?? new Map();
      if (isObject(items)) return undefined;
      if (!Array.isArray(items)) {
        throw new SchemaEvaluationError("object of type 'bool' has no len()");
      }
      if (isObject(value)) {
        for (let i = items.length; i < instance.length; i++) {
          const e = descend(ctx, instance[i], value, path, i);
          if (e) return e;
        }
        return undefined;
      }
      if (!pyTruthy(value) && instance.length > items.length) {
        const extra = instance.slice(items.length);
        return err(
          `Additional items are not allowed (${extra.map(pyRepr).join(", ")} ${
            extra.length === 1 ? "was" : "were"
          } unexpected)`,
        );
      }
      return undefined;
    }
    case "maxItems":
    case "minItems": {
      if (!Array.isArray(instance)) return undefined;
      const limit = numberOrThrow(value);
      const c = pyCompare({ int: BigInt(instance.length) }, limit);
      if (keyword === "maxItems" && c > 0) {
        const empty = pyCompare(limit, { int: 0n }) === 0;
        return err(`${pyRepr(instance)} ${empty ? "is expected to be empty" : "is too long"}`);
      }
      if (keyword === "minItems" && c < 0) {
        const one = pyCompare(limit, { int: 1n }) === 0;
        return err(`${pyRepr(instance)} ${one ? "should be non-empty" : "is too short"}`);
      }
      return undefined;
    }
    case "uniqueItems":
      if (pyTruthy(value) && Array.isArray(instance) && !uniq(instance)) {
        return err(`${pyRepr(instance)} has non-unique elements`);
      }
      return undefined;
    case "contains":
      if (!Array.isArray(instance)) return undefined;
      if (!instance.some((x) => isValid(ctx, x, value))) {
        return err(`None of ${pyRepr(instance)} are valid under the given schema`);
      }
      return undefined;
    case "maxProperties":
    case "minProperties": {
      if (!isObject(instance)) return undefined;
      const limit = numberOrThrow(value);
      const c = pyCompare({ int: BigInt(instance.size) }, limit);
      if (keyword === "maxProperties" && c > 0) {
        const empty = pyCompare(limit, { int: 0n }) === 0;
        return err(
          `${pyRepr(instance)} ${empty ? "is expected to be empty" : "has too many properties"}`,
        );
      }
      if (keyword === "minProperties" && c < 0) {
        const one = pyCompare(limit, { int: 1n }) === 0;
        return err(
          `${pyRepr(instance)} ${one ? "should be non-empty" : "does not have enough properties"}`,
        );
      }
      return undefined;
    }
    case "required":
      if (!isObject(instance)) return undefined;
      for (const p of value as JsonValue[]) {
        if (!instance.has(p as string)) return err(`${pyRepr(p)} is a required property`);
      }
      return undefined;
    case "properties":
      if (!isObject(instance)) return undefined;
      for (const [p, sub] of value as JsonObject) {
        if (instance.has(p)) {
          const e = descend(ctx, instance.get(p)!, sub, path, p);
          if (e) return e;
        }
      }
      return undefined;
    case "patternProperties":
      if (!isObject(instance)) return undefined;
      for (const [pattern, sub] of value as JsonObject) {
        for (const [k, v] of instance) {
          if (regex(ctx, pattern).search(k)) {
            const e = descend(ctx, v, sub, path, k);
            if (e) return e;
          }
        }
      }
      return undefined;
    case "additionalProperties": {
      if (!isObject(instance)) return undefined;
      const props = schema.get("properties");
      const patternProps = schema.get("patternProperties");
      const joined = isObject(patternProps) ? [...patternProps.keys()].join("|") : "";
      const extras: string[] = [];
      for (const k of instance.keys()) {
        if (isObject(props) && props.has(k)) continue;
        if (joined && regex(ctx, joined).search(k)) continue;
        extras.push(k);
      }
      if (isObject(value)) {
        for (const k of extras) {
          const e = descend(ctx, instance.get(k)!, value, path, k);
          if (e) return e;
        }
        return undefined;
      }
      if (!pyTruthy(value) && extras.length > 0) {
        const sorted = [...extras].sort((a, b) => (pyLt(a, b) ? -1 : pyLt(b, a) ? 1 : 0));
        if (patternProps !== undefined) {
          const pats = [...(patternProps as JsonObject).keys()].sort((a, b) =>
            pyLt(a, b) ? -1 : pyLt(b, a) ? 1 : 0
          );
          return err(
            `${sorted.map(pyStrRepr).join(", ")} ${
              extras.length === 1 ? "does" : "do"
            } not match any of the regexes: ${pats.map(pyStrRepr).join(", ")}`,
          );
        }
        return err(
          `Additional properties are not allowed (${sorted.map(pyStrRepr).join(", ")} ${
            extras.length === 1 ? "was" : "were"
          } unexpected)`,
        );
      }
      return undefined;
    }
    case "dependencies":
      if (!isObject(instance)) return undefined;
      for (const [p, dep] of value as JsonObject) {
        if (!instance.has(p)) continue;
        if (Array.isArray(dep)) {
          for (const each of dep) {
            if (!instance.has(each as string)) {
              return err(`${pyRepr(each)} is a dependency of ${pyStrRepr(p)}`);
            }
          }
        } else {
          const e = descend(ctx, instance, dep, path);
          if (e) return e;
        }
      }
      return undefined;
    case "propertyNames":
      if (!isObject(instance)) return undefined;
      for (const k of instance.keys()) {
        const e = descend(ctx, k, value, path);
        if (e) return e;
      }
      return undefined;
    case "if":
      if (isValid(ctx, instance, value)) {
        return schema.has("then") ? descend(ctx, instance, schema.get("then")!, path) : undefined;
      }
      return schema.has("else") ? descend(ctx, instance, schema.get("else")!, path) : undefined;
    case "allOf":
      for (const sub of value as JsonValue[]) {
        const e = descend(ctx, instance, sub, path);
        if (e) return e;
      }
      return undefined;
    case "anyOf":
      if ((value as JsonValue[]).some((sub) => isValid(ctx, instance, sub))) return undefined;
      return err(`${pyRepr(instance)} is not valid under any of the given schemas`);
    case "oneOf": {
      const subs = value as JsonValue[];
      const first = subs.findIndex((sub) => isValid(ctx, instance, sub));
      if (first < 0) return err(`${pyRepr(instance)} is not valid under any of the given schemas`);
      const more = subs.slice(first + 1).filter((sub) => isValid(ctx, instance, sub));
      if (more.length > 0) {
        return err(
          `${pyRepr(instance)} is valid under each of ${
            [...more, subs[first]].map(pyRepr).join(", ")
          }`,
        );
      }
      return undefined;
    }
    case "not":
      return isValid(ctx, instance, value)
        ? err(`${pyRepr(instance)} should not be valid under ${pyRepr(value)}`)
        : undefined;
    default:
      // Keywords draft 7 does not define (and then/else, handled by if) are annotations.
      return undefined;
  }
}

/** Python's truthiness of a schema value (`if not aP`). */
function pyTruthy(v: JsonValue): boolean {
  if (v === null || v === false || v === "") return false;
  const n = typeof v === "boolean" ? undefined : pyNumber(v);
  if (n) return pyCompare(n, { int: 0n }) !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  return true;
}

/** A compiled draft-7 schema. */
export interface Draft7Validator {
  /** The first error for `instance` (as `Draft7Validator(schema).validate` raises it), if any. */
  firstError(instance: JsonValue): SchemaViolation | undefined;
}

/** A validator for `schema` (assumed valid; see {@link checkDraft7Schema}). */
export function draft7Validator(schema: JsonValue): Draft7Validator {
  const ctx: Ctx = { root: schema, regexes: new Map(), checkFormats: false };
  return { firstError: (instance) => firstError(ctx, instance, schema, []) };
}

/** The draft-07 meta-schema, parsed once per call site that needs it. */
function metaschema(): JsonValue {
  return parseJson(DRAFT7_METASCHEMA_TEXT);
}

/**
 * `Draft7Validator.check_schema(schema)`: the first meta-schema violation (with jsonschema's
 * draft-7 format checker, i.e. `pattern`s must be Python regular expressions), or undefined.
 */
export function checkDraft7Schema(schema: JsonValue): SchemaViolation | undefined {
  const meta = metaschema();
  const ctx: Ctx = { root: meta, regexes: new Map(), checkFormats: true };
  return firstError(ctx, schema, meta, []);
}
