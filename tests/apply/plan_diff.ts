/** The changes of a saved plan, one line per resource: `address actions: attribute, …`. @module */
// deno-lint-ignore-file no-explicit-any -- Terraform's JSON plan carries provider-defined values
import { isDeepStrictEqual } from "node:util";

/**
 * Every resource change that is not a no-op or a read, with the top-level attributes whose
 * planned value differs from the prior one (or is unknown until apply), sorted.
 */
export function planDiffLines(plan: any): string[] {
  const lines: string[] = [];
  for (const change of plan.resource_changes ?? []) {
    const actions: string[] = change.change.actions;
    if (actions.every((a) => a === "no-op" || a === "read")) continue;
    const before = change.change.before ?? {};
    const after = change.change.after ?? {};
    const unknown = change.change.after_unknown ?? {};
    const keys = new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)]);
    const changed = [...keys]
      .filter((k) => unknown[k] === true || !isDeepStrictEqual(before[k] ?? null, after[k] ?? null))
      .sort();
    lines.push(`${change.address} ${actions.join("+")}: ${changed.join(", ")}`);
  }
  return lines.sort();
}
