/**
 * Generates the Terraform rendering of the IAM policy templates in `policies/`:
 *
 * - `modules/mcp-server/category_policies.tf`: every category policy and the three identity
 *   policies written as plain HCL objects (placeholders become references to
 *   `local.policy_values`, list placeholders become `for` expressions), so checkov reads the
 *   statements that file()/jsondecode() would hide from it.
 * - `modules/mcp-server/tests/policies.tftest.hcl`: terraform tests asserting that the module's
 *   rendering equals what the reference renderer (`policies/render.ts`) makes of the same
 *   templates with the same values, which `tests/policies.expected.json` holds.
 *
 * Run `deno run -A tests/terraform/gen_policies.ts` after changing `policies/`;
 * `policies_generated_test.ts` fails while either file is stale.
 * @module
 */
import { join } from "node:path";
import { REPO_ROOT } from "../harness/paths.ts";
import {
  type Json,
  PLACEHOLDER_PATTERN,
  type PlaceholderSpecs,
  type PlaceholderValues,
  renderTemplate,
} from "../../policies/render.ts";
import { terraformFmt } from "./tf.ts";

/** Output paths, relative to the repository root. */
export const GENERATED_HCL = "modules/mcp-server/category_policies.tf";
/** The generated terraform test. */
export const GENERATED_TFTEST = "modules/mcp-server/tests/policies.tftest.hcl";
/** The documents it expects, rendered by policies/render.ts. */
export const GENERATED_EXPECTED = "modules/mcp-server/tests/policies.expected.json";
/** The same, as the test reads it (terraform test runs in the module directory). */
const GENERATED_EXPECTED_IN_MODULE = "tests/policies.expected.json";

/** The identity policies the module renders, and the HCL values object each one uses. */
const IDENTITY_VALUES: Record<string, string> = {
  "ecs-tasks-trust": "local.ecs_policy_values",
  "task-role-assume": "local.policy_values",
  "data-role-trust": "local.policy_values",
};

interface PolicyIndex {
  categories: Record<string, { policy: string | null; reason?: string }>;
  identity: Record<string, { file: string }>;
}

/** Everything the generators read from `policies/`. */
export interface PolicySources {
  specs: PlaceholderSpecs;
  categories: Record<string, Json>;
  identity: Record<string, Json>;
  noPolicy: Record<string, string>;
}

/** Reads the templates listed in `policies/index.json`. */
export function readPolicySources(root: string = REPO_ROOT): PolicySources {
  const read = (p: string): Json => JSON.parse(Deno.readTextFileSync(join(root, "policies", p)));
  const index = read("index.json") as unknown as PolicyIndex;
  const specs = (read("placeholders.json") as unknown as { placeholders: PlaceholderSpecs })
    .placeholders;
  const categories: Record<string, Json> = {};
  const noPolicy: Record<string, string> = {};
  for (const [name, entry] of Object.entries(index.categories)) {
    if (entry.policy === null) noPolicy[name] = entry.reason ?? "";
    else categories[name] = read(entry.policy);
  }
  const identity: Record<string, Json> = {};
  for (const name of Object.keys(IDENTITY_VALUES)) {
    const entry = index.identity[name];
    if (!entry) throw new Error(`policies/index.json has no identity policy "${name}"`);
    identity[name] = read(entry.file);
  }
  return { specs, categories, identity, noPolicy };
}

/** An HCL string literal for `text`, with placeholders turned into interpolations. */
function hclString(
  text: string,
  specs: PlaceholderSpecs,
  values: string,
  loopVar?: string,
): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER_PATTERN)) {
    out += escapeLiteral(text.slice(last, m.index));
    const name = m[1];
    const spec = specs[name];
    if (!spec) throw new Error(`undeclared placeholder \${${name}} in ${JSON.stringify(text)}`);
    if (spec.type === "list") {
      if (!loopVar) throw new Error(`list placeholder \${${name}} outside an array element`);
      out += `\${${loopVar}}`;
    } else {
      out += `\${${values}.${name}}`;
    }
    last = m.index + m[0].length;
  }
  out += escapeLiteral(text.slice(last));
  return `"${out}"`;
}

/** Escapes literal text for an HCL quoted string (IAM's own ${aws:…} variables stay literal). */
function escapeLiteral(text: string): string {
  return text
    .replaceAll("\\", "\\\\")
    .replaceAll('"', '\\"')
    .replaceAll("\n", "\\n")
    // Function replacements: in a replacement string "$$" would collapse to "$".
    .replaceAll("${", () => "$${")
    .replaceAll("%{", () => "%%{");
}

function listPlaceholderOf(text: string, specs: PlaceholderSpecs): string | undefined {
  const lists = [...text.matchAll(PLACEHOLDER_PATTERN)].map((m) => m[1]).filter((n) =>
    specs[n]?.type === "list"
  );
  if (lists.length > 1) throw new Error(`more than one list placeholder in ${text}`);
  return lists[0];
}

function hclKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
}

/** HCL expression for a template node. */
export function toHcl(node: Json, specs: PlaceholderSpecs, values: string, indent = ""): string {
  const inner = indent + "  ";
  if (typeof node === "string") return hclString(node, specs, values);
  if (typeof node === "number" || typeof node === "boolean") return String(node);
  if (node === null) return "null";
  if (Array.isArray(node)) {
    let expands = false;
    const items = node.map((child) => {
      if (typeof child === "string") {
        const list = listPlaceholderOf(child, specs);
        if (list) {
          expands = true;
          return `[for v in ${values}.${list} : ${hclString(child, specs, values, "v")}]`;
        }
      }
      return toHcl(child, specs, values, inner);
    });
    if (items.length === 0) return "[]";
    const body = items.map((i) => `${inner}${i},`).join("\n");
    // flatten() splices the expanded elements in place; without expansions a plain list suffices.
    return expands ? `flatten([\n${body}\n${indent}])` : `[\n${body}\n${indent}]`;
  }
  const entries = Object.entries(node);
  if (entries.length === 0) return "{}";
  const body = entries.map(([k, v]) => `${inner}${hclKey(k)} = ${toHcl(v, specs, values, inner)}`)
    .join("\n");
  return `{\n${body}\n${indent}}`;
}

/** Name of the local holding an identity policy: `ecs-tasks-trust` → `ecs_tasks_trust_document`. */
export function identityLocal(name: string): string {
  return `${name.replaceAll("-", "_")}_document`;
}

/** Placeholders a template needs a value for: strings, and lists with min_items > 0. */
function requirements(template: Json, specs: PlaceholderSpecs): string[] {
  const names = new Set<string>();
  const walk = (n: Json): void => {
    if (typeof n === "string") { for (const m of n.matchAll(PLACEHOLDER_PATTERN)) names.add(m[1]); }
    else if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === "object") Object.values(n).forEach(walk);
  };
  walk(template);
  return [...names].filter((n) => specs[n].type === "string" || (specs[n].min_items ?? 0) > 0)
    .sort();
}

/** The text of modules/mcp-server/category_policies.tf (before terraform fmt). */
export function generateHcl(src: PolicySources): string {
  const lines: string[] = [
    "# Generated by tests/terraform/gen_policies.ts from policies/*.json; do not edit by hand.",
    "# The IAM templates of policies/ rendered in HCL: ${name} placeholders read local.policy_values",
    "# (policies.tf), list placeholders expand with for expressions. tests/policies.tftest.hcl",
    "# proves the result equals policies/render.ts's rendering of the same templates.",
    "locals {",
    "  # Category => its policy document.",
    "  category_policy_documents = {",
  ];
  for (const name of Object.keys(src.categories).sort()) {
    lines.push(
      `    ${JSON.stringify(name)} = ${
        toHcl(src.categories[name], src.specs, "local.policy_values", "    ")
      }`,
    );
  }
  lines.push("  }", "");
  lines.push(
    "  # Category => placeholders that need a value (strings, and lists with min_items > 0).",
    "  category_policy_requirements = {",
  );
  for (const name of Object.keys(src.categories).sort()) {
    lines.push(
      `    ${JSON.stringify(name)} = ${
        JSON.stringify(requirements(src.categories[name], src.specs))
      }`,
    );
  }
  lines.push("  }", "");
  lines.push(
    "  # Placeholders that take a list of values.",
    `  policy_list_placeholders = ${
      JSON.stringify(Object.keys(src.specs).filter((n) => src.specs[n].type === "list").sort())
    }`,
    "",
  );
  lines.push("  # Categories without a policy (they call no AWS API), with the reason.");
  lines.push("  categories_without_policy = {");
  for (const [name, reason] of Object.entries(src.noPolicy).sort()) {
    lines.push(
      `    ${JSON.stringify(name)} = ${hclString(reason, src.specs, "local.policy_values")}`,
    );
  }
  lines.push("  }", "");
  lines.push(
    "  # Trust and identity policies of the roles (policies/trust/), one local each: the ECS trust",
    "  # is part of the task role, so it must not depend on values derived from that role.",
  );
  for (const name of Object.keys(IDENTITY_VALUES)) {
    lines.push(
      `  ${identityLocal(name)} = ${
        toHcl(src.identity[name], src.specs, IDENTITY_VALUES[name], "  ")
      }`,
      "",
    );
  }
  lines.push("}", "");
  return lines.join("\n");
}

/** The values the tests render with: placeholders.json's examples, as the module maps them. */
export interface TestCase {
  /** Module variables (HCL expressions). */
  variables: Record<string, string>;
  /** Placeholder values the module must derive from them. */
  values: PlaceholderValues;
}

/** Example values of every placeholder (placeholders.json "example"). */
function examples(specs: PlaceholderSpecs): Record<string, string | readonly string[]> {
  return Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.example]));
}

const TASK_ROLE_ARN = "arn:aws:iam::123456789012:role/quilt-mcp-task";

function testCases(src: PolicySources): Record<string, TestCase> {
  const ex = examples(src.specs);
  const prefix = ex.athena_results_prefix as string;
  const variables = {
    buckets: JSON.stringify(ex.bucket),
    athena_workgroup: JSON.stringify(ex.athena_workgroup),
    athena_output_location: JSON.stringify(`s3://${ex.athena_results_bucket}/${prefix}`),
    glue_databases: JSON.stringify(ex.glue_database),
    allowed_role_arns: JSON.stringify(ex.data_role_arn),
    session_tag_claims: JSON.stringify(
      (ex.session_tag_key as string[]).map((k) => `${k}=${k.toLowerCase()}`),
    ),
    subject_pattern: JSON.stringify(ex.subject_pattern),
    tool_categories: JSON.stringify(Object.keys(src.categories).sort()),
  };
  const common = {
    partition: "aws",
    region: "us-east-1",
    account_id: "123456789012",
    bucket: ex.bucket,
    athena_workgroup: ex.athena_workgroup,
    athena_results_bucket: ex.athena_results_bucket,
    athena_results_prefix: prefix,
    glue_database: ex.glue_database,
    task_role_arn: TASK_ROLE_ARN,
    data_role_arn: ex.data_role_arn,
    subject_pattern: ex.subject_pattern,
    session_tag_key: ex.session_tag_key,
  };
  return {
    per_user: {
      variables: { ...variables, role_mode: '"per-user"' },
      // A data role's governance policy may simulate the allow-listed data roles.
      values: { ...common, self_role_arn: ex.data_role_arn },
    },
    single_tenant: {
      variables: { ...variables, role_mode: '"single-tenant"', allowed_role_arns: "[]" },
      // The task role simulates only itself.
      values: Object.fromEntries(
        Object.entries({ ...common, self_role_arn: [TASK_ROLE_ARN] }).filter(([k]) =>
          k !== "data_role_arn"
        ),
      ),
    },
  };
}

/**
 * What the reference renderer makes of every template, per test case: the documents the
 * generated test compares the module's rendering with (modules/mcp-server/tests/
 * policies.expected.json), kept as data so the test itself stays one assertion per property.
 */
export function expectedDocuments(src: PolicySources): Record<string, Record<string, Json>> {
  return Object.fromEntries(
    Object.entries(testCases(src)).map(([caseName, tc]) => {
      const render = (template: Json) => renderTemplate(template, src.specs, tc.values);
      return [caseName, {
        category_policies: Object.fromEntries(
          Object.keys(src.categories).sort().map((c) => [c, render(src.categories[c])]),
        ),
        ecs_tasks_trust: render(src.identity["ecs-tasks-trust"]),
        data_role_trust: render(src.identity["data-role-trust"]),
        ...(caseName === "per_user"
          ? { task_role_assume: render(src.identity["task-role-assume"]) }
          : {}),
      }];
    }),
  );
}

/** The text of modules/mcp-server/tests/policies.tftest.hcl (before terraform fmt). */
export function generateTfTest(src: PolicySources): string {
  const cases = testCases(src);
  const expected = (caseName: string, key: string) =>
    `jsondecode(file(${JSON.stringify(GENERATED_EXPECTED_IN_MODULE)})).${caseName}.${key}`;
  const out: string[] = [
    "# Generated by tests/terraform/gen_policies.ts; do not edit by hand.",
    "# The module's HCL rendering of policies/ (category_policies.tf) must equal the reference",
    "# renderer's (policies/render.ts) output for the same templates and values: the expected",
    "# documents in policies.expected.json were rendered by policies/render.ts from",
    "# placeholders.json's examples.",
    'mock_provider "aws" {',
    '  source = "../../tests/terraform/mocks"',
    "}",
    "",
    "override_resource {",
    "  target = aws_iam_role.task",
    `  values = { arn = ${JSON.stringify(TASK_ROLE_ARN)} }`,
    "}",
  ];
  for (const [caseName, tc] of Object.entries(cases)) {
    out.push("", `run "${caseName}_matches_reference_renderer" {`, "  variables {");
    for (const [k, v] of Object.entries(tc.variables)) out.push(`    ${k} = ${v}`);
    out.push(
      "  }",
      "",
      "  assert {",
      "    condition = { for k, v in output.category_policies : k => jsondecode(v) } == " +
        expected(caseName, "category_policies"),
      `    error_message = "A category policy differs from policies/<category>.json rendered by policies/render.ts, or a category without a policy (${
        Object.keys(src.noPolicy).join(", ")
      }) has one."`,
      "  }",
      "",
      "  assert {",
      `    condition = jsondecode(aws_iam_role.task.assume_role_policy) == ${
        expected(caseName, "ecs_tasks_trust")
      }`,
      '    error_message = "The task role trust must equal policies/trust/ecs-tasks-trust.json rendered."',
      "  }",
      "",
      "  assert {",
      "    condition = aws_iam_role.execution.assume_role_policy == aws_iam_role.task.assume_role_policy",
      '    error_message = "The execution role trust must equal policies/trust/ecs-tasks-trust.json rendered."',
      "  }",
      "",
      "  assert {",
      `    condition = jsondecode(output.data_role_trust_policy) == ${
        expected(caseName, "data_role_trust")
      }`,
      '    error_message = "The exported data-role trust must equal policies/trust/data-role-trust.json rendered."',
      "  }",
    );
    if (caseName === "per_user") {
      out.push(
        "",
        "  assert {",
        `    condition = jsondecode(aws_iam_role_policy.assume[0].policy) == ${
          expected(caseName, "task_role_assume")
        }`,
        '    error_message = "The task role policy must equal policies/trust/task-role-assume.json rendered."',
        "  }",
        "",
        "  assert {",
        "    condition = length(aws_iam_role_policy.category) == 0",
        '    error_message = "per-user: no category policy may be attached to the task role."',
        "  }",
      );
    } else {
      out.push(
        "",
        "  assert {",
        "    condition = keys(aws_iam_role_policy.category) == keys(output.category_policies) && alltrue([for k, v in output.category_policies : aws_iam_role_policy.category[k].policy == v])",
        '    error_message = "single-tenant: every category policy must be attached to the task role as rendered."',
        "  }",
        "",
        "  assert {",
        "    condition = length(aws_iam_role_policy.assume) == 0",
        '    error_message = "single-tenant without allow-listed roles: the task role assumes nothing."',
        "  }",
      );
    }
    out.push("}");
  }
  return out.join("\n") + "\n";
}

/** The generated files, formatted: path (relative to the repository root) → text. */
export async function generateAll(root: string = REPO_ROOT): Promise<Record<string, string>> {
  const src = readPolicySources(root);
  return {
    [GENERATED_HCL]: await terraformFmt(generateHcl(src)),
    [GENERATED_TFTEST]: await terraformFmt(generateTfTest(src)),
    [GENERATED_EXPECTED]: JSON.stringify(expectedDocuments(src), null, 2) + "\n",
  };
}

if (import.meta.main) {
  for (const [path, text] of Object.entries(await generateAll())) {
    Deno.writeTextFileSync(join(REPO_ROOT, path), text);
    console.log(`wrote ${path}`);
  }
}
