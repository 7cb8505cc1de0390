/**
 * null where null makes no sense (issue 17): every variable of every module and example whose
 * default is not null (or that has none) is `nullable = false`. Then null given to an input with
 * a default takes the default (instead of "Iteration over null value" inside a validation), and
 * null given to a required input is refused at plan time with a message naming the variable.
 * Both are run for every variable of every module, on the variable blocks alone (validationRuns:
 * no provider, no resources). modules/mcp-server/tests/nullable.tftest.hcl shows a full plan.
 * @module
 */
import { join } from "node:path";
import { assert, assertEquals } from "../harness/assert.ts";
import { REPO_ROOT } from "../harness/paths.ts";
import { TERRAFORM_BASE } from "../parity/flavours.ts";
import { type ValidationCase, validationRuns } from "../parity/terraform.ts";
import { moduleVariables, terraformDirs } from "./tf.ts";

/** Values that let each module's variables validate (the required ones). */
const BASE: Readonly<Record<string, Record<string, unknown>>> = {
  ...TERRAFORM_BASE,
  network: {
    vpc_id: "vpc-0123456789abcdef0",
    subnet_ids: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
  },
  "kms-key": { alias: "quilt-mcp-logs", description: "quilt-mcp: test key" },
};

Deno.test("every variable whose default is not null, or that is required, is nullable = false", async () => {
  const missing: string[] = [];
  for (const dir of terraformDirs()) {
    for (const v of await moduleVariables(join(REPO_ROOT, dir))) {
      const nullByDesign = v.hasDefault && (v.default ?? null) === null;
      if (nullByDesign) {
        assert(v.nullable !== false, `${dir}: ${v.name} defaults to null yet refuses it`);
      } else if (v.nullable !== false) {
        missing.push(`${dir}: ${v.name}`);
      }
    }
  }
  assertEquals(missing, []);
});

for (const module of Object.keys(BASE).sort()) {
  Deno.test(`modules/${module}: null takes the default, and a required input refuses null naming itself`, async () => {
    const variables = await moduleVariables(join(REPO_ROOT, "modules", module));
    const required = variables.filter((v) => !v.hasDefault).map((v) => v.name);
    assert(
      required.every((name) => name in BASE[module]),
      `${module}: the base sets every required variable`,
    );
    const cases: ValidationCase[] = variables.map((v) => ({
      label: v.name,
      values: { [v.name]: null },
    }));
    const outcomes = new Map(
      (await validationRuns(module, BASE[module], cases)).map((f) => [f.label, f.detail]),
    );
    for (const v of variables) {
      const outcome = outcomes.get(v.name);
      if (v.hasDefault) {
        assertEquals(outcome, undefined, `${module}: null for ${v.name} must take its default`);
      } else {
        assert(
          outcome !== undefined &&
            outcome.includes(`var.${v.name}`) &&
            outcome.includes("required variable may not be set to null"),
          `${module}: null for required ${v.name} must be refused by name, got: ${outcome}`,
        );
      }
    }
  });
}
