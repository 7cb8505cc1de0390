/**
 * A small, strict IAM policy evaluator for the request contexts our tools produce. The emulator
 * (moto) checks actions and S3 resource ARNs but ignores every Condition and every non-S3 resource,
 * so resource scoping of Athena/Glue/IAM, s3:prefix conditions, principal tags (ABAC) and trust
 * policy conditions are proven here, following the IAM evaluation rules:
 * explicit Deny wins, otherwise any matching Allow, otherwise implicit deny; every condition
 * operator of a statement must hold; values of one key are ORed; negated operators are true for
 * an absent key; `…IfExists` is true for an absent key; `ForAllValues` is true for an empty set
 * and `ForAnyValue` false. Anything it does not model (NotPrincipal, unknown operators, a
 * single-valued operator on a multivalued key) throws instead of guessing.
 * @module
 */
import type { PolicyDocument, Statement } from "./bundle.ts";

/** Value of a condition key in the request context. Arrays are multivalued keys (aws:TagKeys). */
export type ContextValue = string | readonly string[];

/** One authorization AWS performs. */
export interface AuthzRequest {
  /** `service:Action`, e.g. `s3:GetObject`. */
  readonly action: string;
  /** Resource ARN, or `*` for actions without a resource type. */
  readonly resource: string;
  /** Condition keys present in the request context (names are case-insensitive). */
  readonly context?: Readonly<Record<string, ContextValue>>;
  /** The calling principal, for resource-based (trust) policies. */
  readonly principal?: { readonly AWS?: string; readonly Service?: string };
}

/** Outcome of evaluating policies for one request. */
export type Decision = "allow" | "explicit-deny" | "implicit-deny";

/** The evaluator met something it does not model. */
export class UnsupportedPolicyError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedPolicyError";
  }
}

const STRING_OPS = new Set([
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
  "ArnEquals",
  "ArnLike",
  "ArnNotEquals",
  "ArnNotLike",
  "Bool",
  "NumericEquals",
  "NumericNotEquals",
  "NumericLessThan",
  "NumericLessThanEquals",
  "NumericGreaterThan",
  "NumericGreaterThanEquals",
]);

/** Evaluates every policy for one request (identity policies, or one trust policy with a principal). */
export function evaluate(policies: readonly PolicyDocument[], request: AuthzRequest): Decision {
  let allowed = false;
  for (const policy of policies) {
    const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    for (const stmt of statements) {
      if (!statementApplies(stmt, request)) continue;
      if (stmt.Effect === "Deny") return "explicit-deny";
      allowed = true;
    }
  }
  return allowed ? "allow" : "implicit-deny";
}

/** Whether a statement matches the request (action, resource, principal and all conditions). */
export function statementApplies(stmt: Statement, request: AuthzRequest): boolean {
  if ("NotPrincipal" in stmt) throw new UnsupportedPolicyError("NotPrincipal is not modelled");
  const ctx = normalizeContext(request.context ?? {});
  if (!actionMatches(stmt, request.action)) return false;
  if (!resourceMatches(stmt, request.resource, ctx)) return false;
  if (!principalMatches(stmt, request)) return false;
  return conditionsHold(stmt.Condition ?? {}, ctx);
}

function asList(v: string | readonly string[] | undefined): readonly string[] {
  return v === undefined ? [] : typeof v === "string" ? [v] : v;
}

function actionMatches(stmt: Statement, action: string): boolean {
  if (stmt.Action !== undefined) {
    return asList(stmt.Action).some((p) => glob([{ text: p }], true).test(action));
  }
  if (stmt.NotAction !== undefined) {
    return !asList(stmt.NotAction).some((p) => glob([{ text: p }], true).test(action));
  }
  throw new UnsupportedPolicyError("statement without Action or NotAction");
}

function resourceMatches(
  stmt: Statement,
  resource: string,
  ctx: Map<string, ContextValue>,
): boolean {
  const test = (p: string) => {
    const parts = substituteVariables(p, ctx);
    return parts !== null && glob(parts, false).test(resource);
  };
  if (stmt.Resource !== undefined) return asList(stmt.Resource).some(test);
  if (stmt.NotResource !== undefined) return !asList(stmt.NotResource).some(test);
  // Trust policies have no Resource: the role itself is the resource.
  return true;
}

function principalMatches(stmt: Statement, request: AuthzRequest): boolean {
  if (stmt.Principal === undefined) return request.principal === undefined;
  if (request.principal === undefined) return false;
  if (stmt.Principal === "*") return true;
  for (const [kind, value] of Object.entries(stmt.Principal)) {
    const wanted = request.principal[kind as "AWS" | "Service"];
    if (wanted === undefined) continue;
    if (asList(value).some((v) => v === "*" || v === wanted)) return true;
  }
  return false;
}

function normalizeContext(
  context: Readonly<Record<string, ContextValue>>,
): Map<string, ContextValue> {
  return new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
}

/** A piece of a pattern: `literal` pieces come from variables and never act as wildcards. */
interface Piece {
  text: string;
  literal?: boolean;
}

/** Replaces IAM policy variables; null when a referenced key is absent (the value cannot match). */
export function substituteVariables(
  pattern: string,
  ctx: Map<string, ContextValue>,
): Piece[] | null {
  const pieces: Piece[] = [];
  const re = /\$\{([^}]*)\}/g;
  let last = 0;
  for (const m of pattern.matchAll(re)) {
    pieces.push({ text: pattern.slice(last, m.index) });
    const name = m[1];
    if (name === "*" || name === "?" || name === "$") {
      pieces.push({ text: name, literal: true });
    } else {
      if (!/^[a-z0-9-]+:[\w/.:+=@-]+$/i.test(name)) {
        throw new UnsupportedPolicyError(`unsupported policy variable \${${name}}`);
      }
      const value = ctx.get(name.toLowerCase());
      if (value === undefined) return null;
      if (typeof value !== "string") {
        throw new UnsupportedPolicyError(`multivalued key ${name} used as a variable`);
      }
      pieces.push({ text: value, literal: true });
    }
    last = m.index! + m[0].length;
  }
  pieces.push({ text: pattern.slice(last) });
  return pieces;
}

function glob(pieces: readonly Piece[], caseInsensitive: boolean): RegExp {
  let source = "";
  for (const piece of pieces) {
    for (const ch of piece.text) {
      if (!piece.literal && ch === "*") source += ".*";
      else if (!piece.literal && ch === "?") source += ".";
      else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`, caseInsensitive ? "is" : "s");
}

function conditionsHold(
  condition: Record<string, Record<string, string | string[]>>,
  ctx: Map<string, ContextValue>,
): boolean {
  for (const [rawOperator, block] of Object.entries(condition)) {
    for (const [key, policyValues] of Object.entries(block)) {
      if (!conditionHolds(rawOperator, key, asList(policyValues), ctx)) return false;
    }
  }
  return true;
}

function conditionHolds(
  rawOperator: string,
  key: string,
  policyValues: readonly string[],
  ctx: Map<string, ContextValue>,
): boolean {
  const present = ctx.get(key.toLowerCase());
  if (rawOperator === "Null") {
    if (policyValues.length !== 1 || !["true", "false"].includes(policyValues[0])) {
      throw new UnsupportedPolicyError(`Null takes "true" or "false" for ${key}`);
    }
    const absent = present === undefined || (Array.isArray(present) && present.length === 0);
    return policyValues[0] === "true" ? absent : !absent;
  }
  let operator = rawOperator;
  let set: "all" | "any" | undefined;
  if (operator.startsWith("ForAllValues:")) [set, operator] = ["all", operator.slice(13)];
  else if (operator.startsWith("ForAnyValue:")) [set, operator] = ["any", operator.slice(12)];
  let ifExists = false;
  if (operator.endsWith("IfExists")) [ifExists, operator] = [true, operator.slice(0, -8)];
  if (!STRING_OPS.has(operator)) {
    throw new UnsupportedPolicyError(`condition operator ${rawOperator}`);
  }
  const negated = operator.includes("Not");
  const positive = negated ? operator.replace("Not", "") : operator;
  const matchesAny = (value: string) =>
    policyValues.some((p) => valueMatches(positive, p, value, ctx));
  if (set !== undefined) {
    const values = present === undefined ? [] : asList(present);
    const ok = (v: string) => (negated ? !matchesAny(v) : matchesAny(v));
    return set === "all" ? values.every(ok) : values.some(ok);
  }
  if (present === undefined) return ifExists || negated;
  if (typeof present !== "string") {
    throw new UnsupportedPolicyError(
      `single-valued operator ${rawOperator} on multivalued key ${key}`,
    );
  }
  return negated ? !matchesAny(present) : matchesAny(present);
}

function valueMatches(
  operator: string,
  policyValue: string,
  value: string,
  ctx: Map<string, ContextValue>,
): boolean {
  const pieces = substituteVariables(policyValue, ctx);
  if (pieces === null) return false;
  const literal = pieces.map((p) => p.text).join("");
  switch (operator) {
    case "StringEquals":
    case "ArnEquals":
    case "Bool":
      return literal === value;
    case "StringEqualsIgnoreCase":
      return literal.toLowerCase() === value.toLowerCase();
    case "StringLike":
    case "ArnLike":
      return glob(pieces, false).test(value);
    case "NumericEquals":
      return Number(literal) === Number(value);
    case "NumericLessThan":
      return Number(value) < Number(literal);
    case "NumericLessThanEquals":
      return Number(value) <= Number(literal);
    case "NumericGreaterThan":
      return Number(value) > Number(literal);
    case "NumericGreaterThanEquals":
      return Number(value) >= Number(literal);
  }
  throw new UnsupportedPolicyError(`condition operator ${operator}`);
}
