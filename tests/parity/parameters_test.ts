/**
 * Parameter parity: modules/parameters.json against the Terraform module variables (names,
 * types, defaults, validations), the CDK props (generated, validated by the table) and the
 * CloudFormation parameters (generated constraints, evaluated); every example of the table and
 * every value the Terraform modules' own tests refuse is refused by all three flavours.
 * @module
 */
import { assert, assertEquals } from "../harness/assert.ts";
import { PYTHON, REPO_ROOT } from "../harness/paths.ts";
import { moduleVariables, parseHcl } from "../terraform/tf.ts";
import {
  checkValue,
  crossRuleProblems,
  PARAMETER_TABLE,
  PARAMETERS,
  PARAMETERS_BY_NAME,
  type ParameterSpec,
  withDefaults,
} from "../../modules/cdk/lib/parameters.ts";
import { unrenderableCategories } from "../../modules/cdk/lib/policies.ts";
import { propsSource } from "../../modules/cdk/generate_props.ts";
import { formatYaml, templateSource } from "../../modules/cloudformation/generate.ts";
import { parameterDeclaration } from "../../modules/cloudformation/lib/parameters.ts";
import { parameterErrors, readTemplate } from "./cfn_eval.ts";
import { cdkProps, cfnParameters, cfnValue, FIXTURE, TERRAFORM_BASE } from "./flavours.ts";
import { type ValidationCase, validationRuns } from "./terraform.ts";
import { setUpOnce } from "../harness/set_up.ts";

const MODULES = ["mcp-server", "alb", "waf", "observability", "audit"];
// Set-up runs in the first test that needs it: a failure fails those tests, not the module load.
const template = setUpOnce(() =>
  readTemplate(`${REPO_ROOT}/modules/cloudformation/quilt-mcp.yaml`, PYTHON)
);
const unwrap = (x: unknown) => (Array.isArray(x) && x.length === 1 ? x[0] : x);
const moduleVariablesByName = setUpOnce(async () =>
  Object.fromEntries(
    await Promise.all(
      MODULES.map(async (m) => [m, await moduleVariables(`${REPO_ROOT}/modules/${m}`)] as const),
    ),
  )
);
const fixtureCfn = () => cfnParameters(FIXTURE);

Deno.test("every Terraform module variable is a table parameter or Terraform-only with a reason", async () => {
  const variables = await moduleVariablesByName();
  const mapped = PARAMETERS.flatMap((p) => p.terraform);
  const only = PARAMETER_TABLE.terraform_only.map((t) => t.terraform);
  for (const t of PARAMETER_TABLE.terraform_only) {
    assert(t.reason.length > 20, `${t.terraform}: a reason`);
  }
  const all = [...mapped, ...only];
  assertEquals(all.length, new Set(all).size, "a module variable is listed twice");
  const actual = MODULES.flatMap((m) => variables[m].map((v) => `${m}.${v.name}`)).sort();
  assertEquals([...all].sort(), actual);
});

/** The variable a parameter of the composition itself names (`terraform_composition`). */
async function compositionVariable(p: ParameterSpec) {
  const [dir, name] = p.terraform_composition!.split(".");
  const v = (await moduleVariables(`${REPO_ROOT}/${dir}`)).find((x) => x.name === name);
  assert(v !== undefined, `${p.name}: ${p.terraform_composition} is not a variable`);
  return v;
}

Deno.test("a parameter feeds module variables or names one variable of the composition", async () => {
  const composition = PARAMETERS.filter((p) => p.terraform.length === 0);
  assert(composition.length > 0, "the table has a composition parameter (create_audit_trail)");
  for (const p of PARAMETERS) {
    assertEquals(p.terraform.length === 0, p.terraform_composition !== undefined, p.name);
  }
  for (const p of composition) {
    const v = await compositionVariable(p);
    assertEquals(String(unwrap(v.type)).replace(/^\$\{(.*)\}$/, "$1"), p.type, `${p.name} type`);
    assertEquals(unwrap(v.default) ?? null, p.default ?? null, `${p.name} default`);
    assertEquals(v.validations.length > 0, p.validation !== undefined, `${p.name}: validation`);
  }
});

Deno.test("table types, defaults and required-ness equal the Terraform variables'", async () => {
  const variables = await moduleVariablesByName();
  for (const p of PARAMETERS) {
    for (const target of p.terraform) {
      const [module, name] = target.split(".");
      const v = variables[module].find((x) => x.name === name)!;
      assertEquals(String(unwrap(v.type)).replace(/^\$\{(.*)\}$/, "$1"), p.type, `${target} type`);
      assertEquals(v.hasDefault, "default" in p, `${target} required-ness`);
      if (v.hasDefault) {
        assertEquals(unwrap(v.default) ?? null, p.default ?? null, `${target} default`);
      }
    }
  }
});

Deno.test("a Terraform variable has a validation exactly when its table row has one and examples refused", async () => {
  const variables = await moduleVariablesByName();
  for (const p of PARAMETERS.filter((p) => p.terraform.length > 0)) {
    const [module, name] = p.terraform[0].split(".");
    const validated = variables[module].find((x) => x.name === name)!.validations.length > 0;
    assertEquals(p.validation !== undefined, validated, `${p.name}: validation`);
    if (validated) {
      assert((p.examples?.invalid ?? []).length > 0, `${p.name}: needs invalid examples`);
    }
  }
});

Deno.test("names follow one convention: snake_case, camelCase prop, PascalCase parameter", () => {
  for (const p of PARAMETERS) {
    const words = p.name.split("_");
    assertEquals(
      p.cdk,
      words[0] + words.slice(1).map((w) => w[0].toUpperCase() + w.slice(1)).join(""),
    );
    assertEquals(p.cloudformation, words.map((w) => w[0].toUpperCase() + w.slice(1)).join(""));
  }
  assertEquals(new Set(PARAMETERS.map((p) => p.name)).size, PARAMETERS.length);
});

Deno.test("generated CDK props and CloudFormation template are up to date with the table", async () => {
  assertEquals(
    await Deno.readTextFile(`${REPO_ROOT}/modules/cdk/lib/props.ts`),
    propsSource(),
    "run modules/cdk/generate_props.ts",
  );
  assertEquals(
    await Deno.readTextFile(`${REPO_ROOT}/modules/cloudformation/quilt-mcp.yaml`),
    await formatYaml(templateSource()),
    "run modules/cloudformation/generate.ts",
  );
});

Deno.test("the CloudFormation parameters are exactly the table's, with its constraints", async () => {
  const t = await template();
  const stackOnly = PARAMETER_TABLE.stack_only;
  assertEquals(Object.keys(t.Parameters), [
    ...PARAMETERS.map((p) => p.cloudformation),
    ...stackOnly.map((s) => s.cloudformation),
  ]);
  for (const p of PARAMETERS) {
    assertEquals(
      t.Parameters[p.cloudformation],
      JSON.parse(JSON.stringify(parameterDeclaration(p))),
      p.name,
    );
  }
  for (const s of stackOnly) {
    assertEquals(t.Parameters[s.cloudformation], {
      Type: "String",
      Default: String(s.default),
      AllowedValues: ["true", "false"],
      Description: s.description,
    }, s.cloudformation);
  }
});

Deno.test("stack-only settings: a reason each, names by the convention, none a Terraform table parameter", () => {
  const groups = new Set(PARAMETER_TABLE.groups.map((g) => g.id));
  for (const s of PARAMETER_TABLE.stack_only) {
    assert(s.reason.length > 20, `${s.cdk}: a reason`);
    assertEquals(s.cloudformation, s.cdk[0].toUpperCase() + s.cdk.slice(1));
    assert(groups.has(s.group), `${s.cdk}: group ${s.group}`);
    assertEquals(typeof s.default, "boolean");
    assert(!PARAMETERS.some((p) => p.cdk === s.cdk || p.cloudformation === s.cloudformation));
  }
});

Deno.test("the table's server settings are the schema's, by environment name", async () => {
  const { stdout, code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", `${REPO_ROOT}/server/config/describe.ts`],
    stdout: "piped",
  }).output();
  assertEquals(code, 0);
  const schema = JSON.parse(new TextDecoder().decode(stdout)) as { env: string; secret: boolean }[];
  const fixed = ["QUILT_MCP_TRANSPORT", "QUILT_MCP_USE_QUILT3_LOGIN"];
  assertEquals(
    PARAMETERS.flatMap((p) => (p.environment ? [p.environment] : [])).sort(),
    schema.filter((s) => !s.secret && !fixed.includes(s.env)).map((s) => s.env).sort(),
  );
});

function cdkRefuses(spec: ParameterSpec, value: unknown): boolean {
  return checkValue(spec, value).length > 0;
}

async function cfnRefuses(spec: ParameterSpec, value: unknown): Promise<boolean> {
  const errors = parameterErrors(await template(), {
    ...fixtureCfn(),
    [spec.cloudformation]: cfnValue(spec, value),
  });
  return errors.some((e) => e.startsWith(`${spec.cloudformation}:`));
}

Deno.test("every example of the table: valid ones accepted, invalid ones refused, by CDK and CloudFormation", async () => {
  for (const p of PARAMETERS) {
    for (const value of p.examples?.valid ?? []) {
      assertEquals(
        cdkRefuses(p, value),
        false,
        `CDK refuses valid ${p.name} ${JSON.stringify(value)}`,
      );
      assertEquals(
        await cfnRefuses(p, value),
        false,
        `CloudFormation refuses valid ${p.name} ${JSON.stringify(value)}`,
      );
    }
    for (const value of p.examples?.invalid ?? []) {
      assert(cdkRefuses(p, value), `CDK accepts invalid ${p.name} ${JSON.stringify(value)}`);
      assert(
        await cfnRefuses(p, value),
        `CloudFormation accepts invalid ${p.name} ${JSON.stringify(value)}`,
      );
    }
  }
});

Deno.test("every example of the table: Terraform's own validations agree", async () => {
  const cases: Record<string, ValidationCase[]> = Object.fromEntries(MODULES.map((m) => [m, []]));
  const invalidTargets = new Map<string, number>();
  for (const p of PARAMETERS) {
    for (const target of p.terraform) {
      const [module, name] = target.split(".");
      (p.examples?.valid ?? []).forEach((value, i) =>
        cases[module].push({ label: `valid ${target} #${i}`, values: { [name]: value } })
      );
      (p.examples?.invalid ?? []).forEach((value, i) => {
        const label = `invalid ${p.name} #${i}`;
        invalidTargets.set(label, (invalidTargets.get(label) ?? 0) + 1);
        cases[module].push({ label, values: { [name]: value }, refusedBy: name });
      });
    }
  }
  const wrong =
    (await Promise.all(MODULES.map((m) => validationRuns(m, TERRAFORM_BASE[m], cases[m]))))
      .flat();
  // Valid examples must pass everywhere; an invalid one fed to several modules (a shared name or
  // key) must be refused by at least one of them: the composition then refuses it.
  const validWrong = wrong.filter((w) => w.label.startsWith("valid"));
  assertEquals(validWrong, [], "valid examples Terraform refuses");
  const missed = new Map<string, number>();
  for (const w of wrong.filter((w) => w.label.startsWith("invalid"))) {
    missed.set(w.label, (missed.get(w.label) ?? 0) + 1);
  }
  const accepted = [...missed].filter(([label, n]) => n === invalidTargets.get(label)).map(([l]) =>
    l
  );
  assertEquals(accepted, [], "invalid examples Terraform accepts");
});

Deno.test("every value the Terraform modules' own tests refuse is refused by CDK and CloudFormation", async () => {
  let checked = 0;
  for (const module of MODULES) {
    const dir = `${REPO_ROOT}/modules/${module}/tests`;
    const files = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".tftest.hcl")).map((
      e,
    ) => `${dir}/${e.name}`);
    const parsed = await parseHcl(files);
    for (const file of Object.values(parsed)) {
      for (const block of (file.run ?? []) as Record<string, Record<string, unknown>>[]) {
        for (const [runName, run] of Object.entries(block)) {
          const expect = ((unwrap(run.expect_failures) ?? []) as string[]).map(String);
          const vars = (unwrap(run.variables) ?? {}) as Record<string, unknown>;
          if (expect.length !== 1 || !/^\$\{var\.[a-z0-9_]+\}$/.test(expect[0])) continue;
          const name = expect[0].slice(6, -1);
          const spec = PARAMETERS.find((p) => p.terraform.includes(`${module}.${name}`));
          if (spec === undefined || !(name in vars)) continue;
          const value = unwrap(vars[name]);
          assert(
            cdkRefuses(spec, value),
            `${module}/${runName}: CDK accepts ${spec.cdk} = ${JSON.stringify(value)}`,
          );
          if (spec.validation?.integer && typeof value === "number" && !Number.isInteger(value)) {
            // The documented gap (cloudformation_encoding): a Number parameter takes fractions.
            assert(!(await cfnRefuses(spec, value)), runName);
            assert(
              /fraction/.test(spec.cloudformation_encoding ?? ""),
              `${spec.name}: document it`,
            );
          } else {
            assert(
              await cfnRefuses(spec, value),
              `${module}/${runName}: CloudFormation accepts ${spec.cloudformation} = ${
                JSON.stringify(value)
              }`,
            );
          }
          checked++;
        }
      }
    }
  }
  assert(checked >= 40, `only ${checked} refused values found in the modules' tests`);
});

Deno.test("rules between parameters: the CDK refuses each, CloudFormation too unless it cannot say so", async () => {
  const t = await template();
  for (const rule of PARAMETER_TABLE.rules) {
    for (const overlay of rule.invalid) {
      const values = { ...FIXTURE, ...overlay };
      const props = withDefaults(
        cdkProps(Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null))),
      );
      const problems = crossRuleProblems(props, unrenderableCategories(props)).map((p) => p.id);
      assert(
        problems.includes(rule.id),
        `CDK misses ${rule.id} for ${JSON.stringify(overlay)}: ${problems}`,
      );
      const cfn = cfnParameters(Object.fromEntries(
        Object.entries(values).map(([k, v]) => [k, v === null ? "" : v]),
      ));
      const errors = parameterErrors(t, cfn);
      const refused = errors.some((e) => e.includes(`${rule.id}:`));
      if (rule.cloudformation.startsWith("Rules.")) {
        assert(
          refused,
          `CloudFormation misses ${rule.id} for ${JSON.stringify(overlay)}: ${errors}`,
        );
      } else {
        // A documented gap: CloudFormation accepts it (and the reason says who refuses it then).
        assert(rule.cloudformation.startsWith("not expressible"), rule.id);
        assertEquals(errors, [], `${rule.id} is refused after all: update the table`);
      }
    }
  }
});

Deno.test("the shipped examples configure the tested fixture", async () => {
  const { EXAMPLE_PROPS } = await import("../../modules/cdk/example/app.ts");
  assertEquals(EXAMPLE_PROPS, cdkProps(FIXTURE));
  const sample = JSON.parse(
    await Deno.readTextFile(`${REPO_ROOT}/modules/cloudformation/parameters.sample.json`),
  ) as {
    ParameterKey: string;
    ParameterValue: string;
  }[];
  assertEquals(
    Object.fromEntries(sample.map((s) => [s.ParameterKey, s.ParameterValue])),
    fixtureCfn(),
  );
  assertEquals(parameterErrors(await template(), fixtureCfn()), []);
  for (const name of Object.keys(FIXTURE)) assert(PARAMETERS_BY_NAME.has(name), name);
});
