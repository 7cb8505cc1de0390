/**
 * JSON Schema draft 7, evaluated as quilt3 evaluates workflow schemas: with the Python
 * `jsonschema` package's `Draft7Validator` (4.x) on the values `json.loads` produces. That
 * means Python's numbers (exact ints, `1.0` is an integer, int/float comparisons exact, its
 * `multipleOf` arithmetic), Python's `re.search` for `pattern`, `format` as an annotation only,
 * keywords in the schema's own order, errors in `iter_errors` order (the first is the one
 * `validator.validate` raises, which quilt3 reports). The messages follow jsonschema's.
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
  return iterErrors(ctx, instance, schema, []).next().done === true;
}

/**
 * jsonschema's `descend`: errors of the subschema's keywords get `step` added to their path;
 * the error of a `false` subschema does not (jsonschema yields it before adding the step).
 */
function* descend(
  ctx: Ctx,
  instance: JsonValue,
  schema: JsonValue,
  path: (string | number)[],
  step?: string | number,
): Generator<SchemaViolation> {
  if (schema === false) {
    yield { message: `False schema does not allow ${pyRepr(instance)}`, keyword: null, path };
    return;
  }
  yield* iterErrors(ctx, instance, schema, step === undefined ? path : [...path, step]);
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
 * The errors jsonschema's `iter_errors` yields for `instance` under `schema`, lazily and in order.
 * `path` is the instance path so far.
 */
function* iterErrors(
  ctx: Ctx,
  instance: JsonValue,
  schema: JsonValue,
  path: (string | number)[],
): Generator<SchemaViolation> {
  if (schema === true) return;
  if (schema === false) {
    yield { message: `False schema does not allow ${pyRepr(instance)}`, keyword: null, path };
    return;
  }
  if (!isObject(schema)) return;
  const ref = schema.get("$ref");
  if (ref !== undefined) {
    // Draft 7 ignores the siblings of $ref.
    if (typeof ref !== "string") throw new SchemaEvaluationError("$ref must be a string");
    yield* iterErrors(ctx, instance, resolveRef(ctx, ref), path);
    return;
  }
  for (const [keyword, value] of schema) {
    yield* keywordErrors(ctx, keyword, value, instance, schema, path);
  }
}

function fail(message: string, keyword: string, path: (string | number)[]): SchemaViolation {
  return { message, keyword, path };
}

function* keywordErrors(
  ctx: Ctx,
  keyword: string,
  value: JsonValue,
  instance: JsonValue,
  schema: JsonObject,
  path: (string | number)[],
): Generator<SchemaViolation> {
  const err = (message: string) => fail(message, keyword, path);
  switch (keyword) {
    case "type": {
      const types = typeof value === "string" ? [value] : value as JsonValue[];
      if (!types.some((t) => isType(instance, t as string))) {
        yield err(
          `${pyRepr(instance)} is not of type ${
            types.map((t) => pyStrRepr(t as string)).join(", ")
          }`,
        );
        return;
      }
      return;
    }
    case "enum": {
      const options = value as JsonValue[];
      if (!options.some((o) => jsEqual(o, instance))) {
        yield err(`${pyRepr(instance)} is not one of ${pyRepr(value)}`);
        return;
      }
      return;
    }
    case "const":
      if (!jsEqual(instance, value)) yield err(`${pyRepr(value)} was expected`);
      return;
    case "multipleOf": {
      if (!isNumber(instance)) return;
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
      if (failed) yield err(`${pyRepr(instance)} is not a multiple of ${dText}`);
      return;
    }
    case "maximum":
    case "exclusiveMaximum":
    case "minimum":
    case "exclusiveMinimum": {
      if (!isNumber(instance)) return;
      const c = pyCompare(numberOrThrow(instance), numberOrThrow(value));
      const bad = keyword === "maximum"
        ? c > 0
        : keyword === "exclusiveMaximum"
        ? c >= 0
        : keyword === "minimum"
        ? c < 0
        : c <= 0;
      if (!bad) return;
      const i = pyRepr(instance), v = reprNum(value);
      yield err(
        keyword === "maximum"
          ? `${i} is greater than the maximum of ${v}`
          : keyword === "exclusiveMaximum"
          ? `${i} is greater than or equal to the maximum of ${v}`
          : keyword === "minimum"
          ? `${i} is less than the minimum of ${v}`
          : `${i} is less than or equal to the minimum of ${v}`,
      );
      return;
    }
    case "maxLength":
    case "minLength": {
      if (typeof instance !== "string") return;
      const c = pyCompare({ int: BigInt(pyLen(instance)) }, numberOrThrow(value));
      const limit = numberOrThrow(value);
      const zeroOrOne = pyCompare(limit, { int: keyword === "maxLength" ? 0n : 1n }) === 0;
      if (keyword === "maxLength" && c > 0) {
        yield err(`${pyRepr(instance)} ${zeroOrOne ? "is expected to be empty" : "is too long"}`);
        return;
      }
      if (keyword === "minLength" && c < 0) {
        yield err(`${pyRepr(instance)} ${zeroOrOne ? "should be non-empty" : "is too short"}`);
        return;
      }
      return;
    }
    case "pattern": {
      if (typeof instance !== "string") return;
      if (!regex(ctx, value as string).search(instance)) {
        yield err(`${pyRepr(instance)} does not match ${pyStrRepr(value as string)}`);
      }
      return;
    }
    case "format": {
      if (!ctx.checkFormats || value !== "regex" || typeof instance !== "string") return;
      try {
        regex(ctx, instance);
      } catch (e) {
        if (e instanceof PyRegexError) {
          yield err(`${pyRepr(instance)} is not a 'regex'`);
          return;
        }
        throw e;
      }
      return;
    }
    case "items": {
      if (!Array.isArray(instance)) return;
      if (Array.isArray(value)) {
        for (let i = 0; i < Math.min(value.length, instance.length); i++) {
          yield* descend(ctx, instance[i], value[i], path, i);
        }
        return;
      }
      for (let i = 0; i < instance.length; i++) {
        yield* descend(ctx, instance[i], value, path, i);
      }
      return;
    }
    case "additionalItems": {
      if (!Array.isArray(instance)) return;
      const items = schema.get("items") ?? new Map();
      if (isObject(items)) return;
      if (!Array.isArray(items)) {
        throw new SchemaEvaluationError("object of type 'bool' has no len()");
      }
      if (isObject(value)) {
        for (let i = items.length; i < instance.length; i++) {
          yield* descend(ctx, instance[i], value, path, i);
        }
        return;
      }
      if (!pyTruthy(value) && instance.length > items.length) {
        const extra = instance.slice(items.length);
        yield err(
          `Additional items are not allowed (${extra.map(pyRepr).join(", ")} ${
            extra.length === 1 ? "was" : "were"
          } unexpected)`,
        );
        return;
      }
      return;
    }
    case "maxItems":
    case "minItems": {
      if (!Array.isArray(instance)) return;
      const limit = numberOrThrow(value);
      const c = pyCompare({ int: BigInt(instance.length) }, limit);
      if (keyword === "maxItems" && c > 0) {
        const empty = pyCompare(limit, { int: 0n }) === 0;
        yield err(`${pyRepr(instance)} ${empty ? "is expected to be empty" : "is too long"}`);
        return;
      }
      if (keyword === "minItems" && c < 0) {
        const one = pyCompare(limit, { int: 1n }) === 0;
        yield err(`${pyRepr(instance)} ${one ? "should be non-empty" : "is too short"}`);
        return;
      }
      return;
    }
    case "uniqueItems":
      if (pyTruthy(value) && Array.isArray(instance) && !uniq(instance)) {
        yield err(`${pyRepr(instance)} has non-unique elements`);
        return;
      }
      return;
    case "contains":
      if (!Array.isArray(instance)) return;
      if (!instance.some((x) => isValid(ctx, x, value))) {
        yield err(`None of ${pyRepr(instance)} are valid under the given schema`);
        return;
      }
      return;
    case "maxProperties":
    case "minProperties": {
      if (!isObject(instance)) return;
      const limit = numberOrThrow(value);
      const c = pyCompare({ int: BigInt(instance.size) }, limit);
      if (keyword === "maxProperties" && c > 0) {
        const empty = pyCompare(limit, { int: 0n }) === 0;
        yield err(
          `${pyRepr(instance)} ${empty ? "is expected to be empty" : "has too many properties"}`,
        );
        return;
      }
      if (keyword === "minProperties" && c < 0) {
        const one = pyCompare(limit, { int: 1n }) === 0;
        yield err(
          `${pyRepr(instance)} ${one ? "should be non-empty" : "does not have enough properties"}`,
        );
        return;
      }
      return;
    }
    case "required":
      if (!isObject(instance)) return;
      for (const p of value as JsonValue[]) {
        if (!instance.has(p as string)) yield err(`${pyRepr(p)} is a required property`);
      }
      return;
    case "properties":
      if (!isObject(instance)) return;
      for (const [p, sub] of value as JsonObject) {
        if (instance.has(p)) {
          yield* descend(ctx, instance.get(p)!, sub, path, p);
        }
      }
      return;
    case "patternProperties":
      if (!isObject(instance)) return;
      for (const [pattern, sub] of value as JsonObject) {
        for (const [k, v] of instance) {
          if (regex(ctx, pattern).search(k)) {
            yield* descend(ctx, v, sub, path, k);
          }
        }
      }
      return;
    case "additionalProperties": {
      if (!isObject(instance)) return;
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
          yield* descend(ctx, instance.get(k)!, value, path, k);
        }
        return;
      }
      if (!pyTruthy(value) && extras.length > 0) {
        const sorted = [...extras].sort((a, b) => (pyLt(a, b) ? -1 : pyLt(b, a) ? 1 : 0));
        if (patternProps !== undefined) {
          const pats = [...(patternProps as JsonObject).keys()].sort((a, b) =>
            pyLt(a, b) ? -1 : pyLt(b, a) ? 1 : 0
          );
          yield err(
            `${sorted.map(pyStrRepr).join(", ")} ${
              extras.length === 1 ? "does" : "do"
            } not match any of the regexes: ${pats.map(pyStrRepr).join(", ")}`,
          );
          return;
        }
        yield err(
          `Additional properties are not allowed (${sorted.map(pyStrRepr).join(", ")} ${
            extras.length === 1 ? "was" : "were"
          } unexpected)`,
        );
        return;
      }
      return;
    }
    case "dependencies":
      if (!isObject(instance)) return;
      for (const [p, dep] of value as JsonObject) {
        if (!instance.has(p)) continue;
        if (Array.isArray(dep)) {
          for (const each of dep) {
            if (!instance.has(each as string)) {
              yield err(`${pyRepr(each)} is a dependency of ${pyStrRepr(p)}`);
            }
          }
        } else {
          yield* descend(ctx, instance, dep, path);
        }
      }
      return;
    case "propertyNames":
      if (!isObject(instance)) return;
      for (const k of instance.keys()) {
        yield* descend(ctx, k, value, path);
      }
      return;
    case "if":
      if (isValid(ctx, instance, value)) {
        if (schema.has("then")) yield* descend(ctx, instance, schema.get("then")!, path);
        return;
      }
      if (schema.has("else")) yield* descend(ctx, instance, schema.get("else")!, path);
      return;
    case "allOf":
      for (const sub of value as JsonValue[]) {
        yield* descend(ctx, instance, sub, path);
      }
      return;
    case "anyOf":
      if ((value as JsonValue[]).some((sub) => isValid(ctx, instance, sub))) return;
      yield err(`${pyRepr(instance)} is not valid under any of the given schemas`);
      return;
    case "oneOf": {
      const subs = value as JsonValue[];
      const first = subs.findIndex((sub) => isValid(ctx, instance, sub));
      if (first < 0) {
        yield err(`${pyRepr(instance)} is not valid under any of the given schemas`);
        return;
      }
      const more = subs.slice(first + 1).filter((sub) => isValid(ctx, instance, sub));
      if (more.length > 0) {
        yield err(
          `${pyRepr(instance)} is valid under each of ${
            [...more, subs[first]].map(pyRepr).join(", ")
          }`,
        );
        return;
      }
      return;
    }
    case "not":
      if (isValid(ctx, instance, value)) {
        yield err(`${pyRepr(instance)} should not be valid under ${pyRepr(value)}`);
      }
      return;
    default:
      // Keywords draft 7 does not define (and then/else, handled by if) are annotations.
      return;
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
  /**
   * Every error `iter_errors` yields for `instance`, in its order (the first is
   * {@link firstError}), at most `limit` of them.
   */
  errors(instance: JsonValue, limit: number): SchemaViolation[];
}

/** A validator for `schema` (assumed valid; see {@link checkDraft7Schema}). */
export function draft7Validator(schema: JsonValue): Draft7Validator {
  const ctx: Ctx = { root: schema, regexes: new Map(), checkFormats: false };
  return {
    firstError: (instance) => iterErrors(ctx, instance, schema, []).next().value ?? undefined,
    errors: (instance, limit) => {
      const out: SchemaViolation[] = [];
      if (limit <= 0) return out;
      for (const e of iterErrors(ctx, instance, schema, [])) {
        out.push(e);
        if (out.length >= limit) break;
      }
      return out;
    },
  };
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
  return iterErrors(ctx, schema, meta, []).next().value ?? undefined;
}
