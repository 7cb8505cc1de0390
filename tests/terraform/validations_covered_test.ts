/**
 * Every validation of every module variable has a negative `terraform test` run: for a variable
 * with k validation blocks, at least k runs in the module's tests expect it to fail.
 */
import { join } from "node:path";
import { REPO_ROOT } from "../harness/paths.ts";
import { moduleVariables } from "./tf.ts";

const MODULES = ["alb", "audit", "kms-key", "mcp-server", "network", "observability", "waf"];

function expectedFailureCounts(dir: string): Map<string, number> {
  const counts = new Map<string, number>();
  const testsDir = join(dir, "tests");
  for (const e of Deno.readDirSync(testsDir)) {
    if (!e.isFile || !e.name.endsWith(".tftest.hcl")) continue;
    const text = Deno.readTextFileSync(join(testsDir, e.name));
    for (const m of text.matchAll(/expect_failures\s*=\s*\[([^\]]*)\]/g)) {
      for (const ref of m[1].split(",").map((s) => s.trim()).filter(Boolean)) {
        counts.set(ref, (counts.get(ref) ?? 0) + 1);
      }
    }
  }
  return counts;
}

for (const name of MODULES) {
  Deno.test(`modules/${name}: a negative run for every validation`, async () => {
    const dir = join(REPO_ROOT, "modules", name);
    const counts = expectedFailureCounts(dir);
    const missing: string[] = [];
    for (const v of await moduleVariables(dir)) {
      const have = counts.get(`var.${v.name}`) ?? 0;
      if (have < v.validations.length) {
        missing.push(
          `var.${v.name}: ${v.validations.length} validation(s), ${have} negative run(s)`,
        );
      }
    }
    if (missing.length > 0) throw new Error(missing.join("\n"));
  });
}

Deno.test("every precondition has a negative run", () => {
  const missing: string[] = [];
  for (const name of MODULES) {
    const dir = join(REPO_ROOT, "modules", name);
    const counts = expectedFailureCounts(dir);
    const preconditions = new Map<string, number>();
    for (const e of Deno.readDirSync(dir)) {
      if (!e.isFile || !e.name.endsWith(".tf")) continue;
      const text = Deno.readTextFileSync(join(dir, e.name));
      // The resource block each precondition sits in.
      const blocks = [...text.matchAll(/^(resource|data) "([^"]+)" "([^"]+)" \{/gm)];
      for (const p of text.matchAll(/precondition \{/g)) {
        const owner = blocks.filter((b) => b.index! < p.index!).pop();
        if (!owner) continue;
        const ref = owner[1] === "data"
          ? `data.${owner[2]}.${owner[3]}`
          : `${owner[2]}.${owner[3]}`;
        preconditions.set(ref, (preconditions.get(ref) ?? 0) + 1);
      }
    }
    for (const [ref, n] of preconditions) {
      const have = counts.get(ref) ?? 0;
      if (have < n) {
        missing.push(`modules/${name}: ${ref} has ${n} precondition(s), ${have} negative run(s)`);
      }
    }
  }
  if (missing.length > 0) throw new Error(missing.join("\n"));
});
