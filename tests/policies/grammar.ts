/**
 * Static checks of a rendered IAM policy: the policy grammar (Version, Statement, Effect, Action,
 * Resource, Principal, Condition shapes and known operators) and this bundle's least-privilege
 * rules (no wildcard action, no service-wide grant, no `*` resource outside the documented
 * unscopable actions, no iam:PassRole, no wildcard principal, no Not* elements). Pure.
 * @module
 */

/** Condition operators IAM defines (before the ForAllValues:/ForAnyValue: and IfExists forms). */
export const CONDITION_OPERATORS: ReadonlySet<string> = new Set([
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
  "NumericEquals",
  "NumericNotEquals",
  "NumericLessThan",
  "NumericLessThanEquals",
  "NumericGreaterThan",
  "NumericGreaterThanEquals",
  "DateEquals",
  "DateNotEquals",
  "DateLessThan",
  "DateLessThanEquals",
  "DateGreaterThan",
  "DateGreaterThanEquals",
  "Bool",
  "BinaryEquals",
  "IpAddress",
  "NotIpAddress",
  "ArnEquals",
  "ArnLike",
  "ArnNotEquals",
  "ArnNotLike",
  "Null",
]);

/** Kind of policy: identity-based (attached to a role) or a role trust policy. */
export type PolicyKind = "identity" | "trust";

/** Options for {@linkcode lintPolicy}. */
export interface LintOptions {
  kind: PolicyKind;
  /** Actions that may use Resource "*" (policies/index.json `unscopable`). */
  unscopable: ReadonlySet<string>;
}

const ACTION = /^[a-z0-9-]+:[A-Za-z0-9]+$/;
const ARN = /^arn:aws(-cn|-us-gov)?:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/;
const SID = /^[A-Za-z0-9]+$/;
const TOP_KEYS = new Set(["Version", "Id", "Statement"]);
const STATEMENT_KEYS = new Set(["Sid", "Effect", "Principal", "Action", "Resource", "Condition"]);

/** Every problem found in one rendered policy; empty when it passes. */
export function lintPolicy(policy: unknown, options: LintOptions): string[] {
  const problems: string[] = [];
  const fail = (where: string, what: string) => problems.push(`${where}: ${what}`);
  if (!isObject(policy)) return ["policy: not a JSON object"];
  for (const key of Object.keys(policy)) {
    if (!TOP_KEYS.has(key)) fail("policy", `unknown element ${key}`);
  }
  if (policy.Version !== "2012-10-17") fail("policy", `Version must be "2012-10-17"`);
  const statements = policy.Statement;
  if (!Array.isArray(statements) || statements.length === 0) {
    fail("policy", "Statement must be a non-empty array");
    return problems;
  }
  const sids = new Set<string>();
  statements.forEach((stmt, i) => {
    const where = `Statement[${i}]`;
    if (!isObject(stmt)) {
      fail(where, "not an object");
      return;
    }
    for (const key of Object.keys(stmt)) {
      if (!STATEMENT_KEYS.has(key)) {
        fail(where, `element ${key} is not allowed (Not* elements are banned here)`);
      }
    }
    if (stmt.Sid !== undefined) {
      if (typeof stmt.Sid !== "string" || !SID.test(stmt.Sid)) fail(where, `Sid must match ${SID}`);
      else if (sids.has(stmt.Sid)) fail(where, `duplicate Sid ${stmt.Sid}`);
      else sids.add(stmt.Sid);
    } else {
      fail(where, "every statement needs a Sid (reviewers and parliament findings refer to it)");
    }
    if (stmt.Effect !== "Allow" && stmt.Effect !== "Deny") {
      fail(where, `Effect must be Allow or Deny`);
    }
    const actions = stringList(stmt.Action);
    if (actions === null || actions.length === 0) {
      fail(where, "Action must be a string or non-empty string array");
    }
    for (const action of actions ?? []) {
      if (action.includes("*") || action.includes("?")) fail(where, `wildcard action ${action}`);
      else if (!ACTION.test(action)) fail(where, `malformed action ${action}`);
      if (action.toLowerCase() === "iam:passrole") {
        fail(where, "iam:PassRole is never granted by this bundle");
      }
    }
    if (options.kind === "identity") {
      if ("Principal" in stmt) fail(where, "identity policies have no Principal");
      const resources = stringList(stmt.Resource);
      if (resources === null || resources.length === 0) {
        fail(where, "Resource must be a string or non-empty string array");
      }
      for (const resource of resources ?? []) {
        if (resource === "*") {
          const bad = (actions ?? []).filter((a) => !options.unscopable.has(a));
          if (bad.length > 0) fail(where, `Resource "*" for scopable action(s) ${bad.join(", ")}`);
        } else if (!ARN.test(resource)) {
          fail(where, `malformed resource ARN ${resource}`);
        } else if (/\$\{[a-z][a-z0-9_]*\}/.test(resource)) {
          fail(where, `unrendered placeholder in ${resource}`);
        }
      }
    } else {
      if ("Resource" in stmt) fail(where, "trust policies have no Resource");
      lintPrincipal(stmt.Principal, where, fail);
    }
    if (stmt.Condition !== undefined) lintCondition(stmt.Condition, where, fail);
  });
  return problems;
}

function lintPrincipal(
  principal: unknown,
  where: string,
  fail: (w: string, m: string) => void,
): void {
  if (principal === "*") return fail(where, "wildcard Principal");
  if (!isObject(principal) || Object.keys(principal).length === 0) {
    return fail(where, "Principal must be an object");
  }
  for (const [kind, value] of Object.entries(principal)) {
    if (!["AWS", "Service", "Federated"].includes(kind)) {
      fail(where, `unknown principal type ${kind}`);
    }
    const values = stringList(value);
    if (values === null || values.length === 0) {
      fail(where, `Principal.${kind} must be a string or string array`);
    }
    for (const v of values ?? []) {
      if (v.includes("*")) fail(where, `wildcard principal ${v}`);
      if (kind === "AWS" && !/^arn:aws[a-z-]*:iam::\d{12}:(role|user|root)/.test(v)) {
        fail(where, `AWS principal ${v} is not an IAM ARN`);
      }
      if (kind === "Service" && !/^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/.test(v)) {
        fail(where, `service principal ${v} is malformed`);
      }
    }
  }
}

function lintCondition(
  condition: unknown,
  where: string,
  fail: (w: string, m: string) => void,
): void {
  if (!isObject(condition) || Object.keys(condition).length === 0) {
    return fail(where, "Condition must be a non-empty object");
  }
  for (const [rawOperator, block] of Object.entries(condition)) {
    let operator = rawOperator.replace(/^(ForAllValues|ForAnyValue):/, "");
    if (operator !== "Null") operator = operator.replace(/IfExists$/, "");
    if (!CONDITION_OPERATORS.has(operator)) {
      fail(where, `unknown condition operator ${rawOperator}`);
    }
    if (!isObject(block) || Object.keys(block).length === 0) {
      fail(where, `${rawOperator} must map condition keys to values`);
      continue;
    }
    for (const [key, value] of Object.entries(block)) {
      if (!/^[a-z0-9-]+:[\w/.:+=@-]+$/i.test(key)) fail(where, `malformed condition key ${key}`);
      const values = stringList(value);
      if (values === null || values.length === 0) {
        fail(where, `${rawOperator} ${key} needs string value(s)`);
      }
      if (operator === "Null" && !(values?.length === 1 && ["true", "false"].includes(values[0]))) {
        fail(where, `Null ${key} takes "true" or "false"`);
      }
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function stringList(v: unknown): string[] | null {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  return null;
}

/** The actions a policy grants, sorted and deduplicated. */
export function policyActions(policy: { Statement: { Action?: string | string[] }[] }): string[] {
  const all = policy.Statement.flatMap((
    s,
  ) => (s.Action === undefined ? [] : typeof s.Action === "string" ? [s.Action] : s.Action));
  return [...new Set(all)].sort();
}
