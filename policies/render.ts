/**
 * Reference renderer for the policy templates in `policies/`: substitutes `${name}` placeholders
 * (declared in `policies/placeholders.json`) and expands list placeholders. Pure: no I/O and no
 * Deno APIs, so the CDK construct and the parity tests can import it as it is.
 *
 * Rules (the Terraform and CloudFormation flavours implement the same):
 * - A placeholder is `${name}` with `name` matching `^[a-z][a-z0-9_]*$`. IAM policy variables such
 *   as `${aws:PrincipalTag/QuiltMcpSubject}` never match and are left intact.
 * - A `string` placeholder is replaced in place, anywhere in a string value.
 * - A `list` placeholder may appear only in a string that is an element of a JSON array, at most
 *   once per string; that element becomes one element per value, in order (none when empty).
 * - Object keys never contain placeholders. Every placeholder used must have a value or a default.
 * @module
 */

/** Matches one placeholder; group 1 is its name. */
export const PLACEHOLDER_PATTERN: RegExp = /\$\{([a-z][a-z0-9_]*)\}/g;

/** Kind of value a placeholder takes. */
export type PlaceholderType = "string" | "list";

/** One entry of `policies/placeholders.json`. */
export interface PlaceholderSpec {
  readonly type: PlaceholderType;
  readonly description: string;
  readonly pattern?: string;
  readonly min_items?: number;
  readonly default?: string | readonly string[];
  readonly example: string | readonly string[];
}

/** The `placeholders` object of `policies/placeholders.json`. */
export type PlaceholderSpecs = Readonly<Record<string, PlaceholderSpec>>;

/** Values to render with: a string for `string` placeholders, an array for `list` ones. */
export type PlaceholderValues = Readonly<Record<string, string | readonly string[]>>;

/** JSON value as parsed from a template. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A template or values that cannot be rendered, with the reason and where. */
export class PolicyRenderError extends Error {
  /** Creates the error; `path` is a JSON-pointer-like location inside the template. */
  constructor(message: string, readonly path: string = "") {
    super(path ? `${message} (at ${path})` : message);
    this.name = "PolicyRenderError";
  }
}

/** Names of every placeholder a template uses, in first-use order. */
export function findPlaceholders(template: Json): string[] {
  const found = new Set<string>();
  const walk = (node: Json): void => {
    if (typeof node === "string") {
      for (const m of node.matchAll(PLACEHOLDER_PATTERN)) found.add(m[1]);
    } else if (Array.isArray(node)) {
      node.forEach(walk);
    } else if (node !== null && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        for (const m of key.matchAll(PLACEHOLDER_PATTERN)) found.add(m[1]);
        walk(value);
      }
    }
  };
  walk(template);
  return [...found];
}

/** Options for {@linkcode resolveValues} and {@linkcode renderTemplate}. */
export interface RenderOptions {
  /**
   * Values this returns true for skip the pattern check: deploy-time references such as CDK tokens
   * (`Token.isUnresolved`) that only resolve in CloudFormation. Everything else is still checked.
   */
  readonly isUnresolved?: (value: string) => boolean;
}

/**
 * Checks values against the specs (known names, type, pattern, min_items), fills defaults and
 * returns the complete value set. Values for placeholders a template does not use are allowed.
 */
export function resolveValues(
  specs: PlaceholderSpecs,
  values: PlaceholderValues,
  options: RenderOptions = {},
): PlaceholderValues {
  const out: Record<string, string | readonly string[]> = {};
  for (const name of Object.keys(values)) {
    if (!(name in specs)) throw new PolicyRenderError(`unknown placeholder value "${name}"`);
  }
  for (const [name, spec] of Object.entries(specs)) {
    const value = name in values ? values[name] : spec.default;
    if (value === undefined) continue;
    if (spec.type === "string") {
      if (typeof value !== "string") {
        throw new PolicyRenderError(`placeholder "${name}" takes a string`);
      }
      checkPattern(name, spec, value, options);
    } else {
      if (!Array.isArray(value)) throw new PolicyRenderError(`placeholder "${name}" takes a list`);
      if (value.length < (spec.min_items ?? 0)) {
        throw new PolicyRenderError(
          `placeholder "${name}" needs at least ${spec.min_items} value(s), got ${value.length}`,
        );
      }
      for (const v of value) checkPattern(name, spec, v, options);
    }
    out[name] = value;
  }
  return out;
}

function checkPattern(
  name: string,
  spec: PlaceholderSpec,
  value: string,
  options: RenderOptions,
): void {
  if (typeof value !== "string") {
    throw new PolicyRenderError(`placeholder "${name}" values are strings`);
  }
  if (options.isUnresolved?.(value)) return;
  if (spec.pattern !== undefined && !new RegExp(spec.pattern).test(value)) {
    throw new PolicyRenderError(
      `value ${JSON.stringify(value)} of "${name}" does not match ${spec.pattern}`,
    );
  }
}

/**
 * Renders a template: every placeholder substituted, every list placeholder expanded. Throws
 * {@linkcode PolicyRenderError} for an undeclared placeholder, a missing value, a list
 * placeholder outside an array element, two list placeholders in one string, or a placeholder in
 * an object key.
 */
export function renderTemplate(
  template: Json,
  specs: PlaceholderSpecs,
  values: PlaceholderValues,
  options: RenderOptions = {},
): Json {
  const resolved = resolveValues(specs, values, options);
  const lookup = (name: string, path: string): string | readonly string[] => {
    const spec = specs[name];
    if (spec === undefined) {
      throw new PolicyRenderError(`undeclared placeholder "\${${name}}"`, path);
    }
    const value = resolved[name];
    if (value === undefined) {
      throw new PolicyRenderError(`no value for placeholder "\${${name}}"`, path);
    }
    return value;
  };
  const substituteScalar = (text: string, path: string): string =>
    text.replace(PLACEHOLDER_PATTERN, (_m, name: string) => {
      const value = lookup(name, path);
      if (typeof value !== "string") {
        throw new PolicyRenderError(
          `list placeholder "\${${name}}" must be a whole array element's only list placeholder`,
          path,
        );
      }
      return value;
    });
  const expandElement = (text: string, path: string): string[] => {
    const lists = [...text.matchAll(PLACEHOLDER_PATTERN)]
      .map((m) => m[1])
      .filter((name) => specs[name]?.type === "list");
    if (lists.length > 1) {
      throw new PolicyRenderError(
        `more than one list placeholder in ${JSON.stringify(text)}`,
        path,
      );
    }
    if (lists.length === 0) return [substituteScalar(text, path)];
    const [listName] = lists;
    const values = lookup(listName, path) as readonly string[];
    const marker = `\${${listName}}`;
    // Scalars first, then the list: a value is inserted verbatim and never scanned again.
    const [head, tail] = text.split(marker).map((part) => substituteScalar(part, path));
    return values.map((v) => `${head}${v}${tail}`);
  };
  const walk = (node: Json, path: string, inArray: boolean): Json | Json[] => {
    if (typeof node === "string") {
      return inArray ? expandElement(node, path) : substituteScalar(node, path);
    }
    if (Array.isArray(node)) {
      const out: Json[] = [];
      node.forEach((child, i) => {
        const rendered = walk(child, `${path}/${i}`, true);
        if (typeof child === "string") out.push(...(rendered as Json[]));
        else out.push(rendered as Json);
      });
      return out;
    }
    if (node !== null && typeof node === "object") {
      const out: { [key: string]: Json } = {};
      for (const [key, value] of Object.entries(node)) {
        if (new RegExp(PLACEHOLDER_PATTERN.source).test(key)) {
          throw new PolicyRenderError(`placeholder in object key ${JSON.stringify(key)}`, path);
        }
        out[key] = walk(value, `${path}/${key}`, false) as Json;
      }
      return out;
    }
    return node;
  };
  return walk(template, "", false) as Json;
}

/** A policy document's statement as the composer sees it. */
interface Statement {
  Sid?: string;
  [key: string]: Json | undefined;
}

/**
 * Composes category templates into one policy document (the customer-domain samples are built
 * this way): statements concatenated in the given order, each Sid prefixed with its part's name
 * in PascalCase so Sids stay unique. Works on templates and on rendered policies alike.
 */
export function composePolicies(parts: readonly { name: string; policy: Json }[]): Json {
  const statements: Json[] = [];
  for (const { name, policy } of parts) {
    const doc = policy as { Statement?: Json };
    const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    for (const stmt of list as Statement[]) {
      const prefix = pascalCase(name);
      statements.push({ ...stmt, Sid: `${prefix}${stmt.Sid ?? ""}` } as Json);
    }
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** `packages-read` → `PackagesRead`; IAM Sids allow only [A-Za-z0-9]. */
export function pascalCase(name: string): string {
  return name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
}
