/**
 * One-element removals from a policy template, for the minimality proofs: every action, every
 * resource entry and every alternative condition value must be needed by some tool call. Pure.
 * @module
 */
import type { PolicyDocument, Statement } from "./bundle.ts";

/** A template with one element removed, and a label saying which. */
export interface Mutation {
  readonly label: string;
  readonly policy: PolicyDocument;
}

const list = (
  v: string | string[] | undefined,
): string[] => (v === undefined ? [] : typeof v === "string" ? [v] : v);

function clone(policy: PolicyDocument): PolicyDocument {
  return structuredClone(policy);
}

/** The template without `action` in any statement (statements left without actions are dropped). */
export function withoutAction(policy: PolicyDocument, action: string): PolicyDocument {
  const out = clone(policy);
  out.Statement = out.Statement.flatMap((s): Statement[] => {
    const rest = list(s.Action).filter((a) => a !== action);
    return rest.length === 0 ? [] : [{ ...s, Action: rest }];
  });
  return out;
}

/** Every distinct action a template grants, sorted. */
export function actionsOf(policy: PolicyDocument): string[] {
  return [...new Set(policy.Statement.flatMap((s) => list(s.Action)))].sort();
}

/** Each template with one resource entry of one statement removed. */
export function resourceRemovals(policy: PolicyDocument): Mutation[] {
  const out: Mutation[] = [];
  policy.Statement.forEach((stmt, i) => {
    list(stmt.Resource).forEach((resource, j) => {
      const p = clone(policy);
      const rest = list(stmt.Resource).filter((_, k) => k !== j);
      if (rest.length === 0) p.Statement.splice(i, 1);
      else p.Statement[i].Resource = rest;
      out.push({ label: `${stmt.Sid}: without resource ${resource}`, policy: p });
    });
  });
  return out;
}

/** Each template with one alternative value of a multi-valued condition removed. */
export function conditionValueRemovals(policy: PolicyDocument): Mutation[] {
  const out: Mutation[] = [];
  policy.Statement.forEach((stmt, i) => {
    for (const [operator, block] of Object.entries(stmt.Condition ?? {})) {
      for (const [key, values] of Object.entries(block)) {
        const all = list(values);
        if (all.length < 2) continue;
        all.forEach((value, j) => {
          const p = clone(policy);
          p.Statement[i].Condition![operator][key] = all.filter((_, k) => k !== j);
          out.push({ label: `${stmt.Sid}: ${operator} ${key} without ${value}`, policy: p });
        });
      }
    }
  });
  return out;
}
