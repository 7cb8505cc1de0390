// deno-lint-ignore-file no-explicit-any -- walks untyped JSON (templates, plans) of any shape
/**
 * Terraform, offline, for the parity tests. Two ways in:
 * - `planComposition`: a temporary root module wires modules/alb, waf, mcp-server,
 *   observability and audit together as the one-stack flavours do, and `terraform test -json -verbose`
 *   plans it under a mock AWS provider; the JSON plan of that run (its `test_plan` message) is
 *   what the security parity reads.
 * - `validationRuns`: the variable blocks of a module copied into an otherwise empty module, and
 *   one generated `terraform test` run per input, with `expect_failures` for those that must be
 *   refused: Terraform's own validation decides, in well under a second, with no provider.
 * @module
 */
import { join, relative } from "node:path";
import { REPO_ROOT } from "../harness/paths.ts";
import { runTerraform, type TerraformResult } from "../terraform/terraform_cli.ts";
import { COMPOSITION } from "./flavours.ts";

/** `terraform -chdir=<dir> <args>`, under the plugin-cache and data-directory locks. */
function terraform(dir: string, args: string[]): Promise<TerraformResult> {
  return runTerraform([`-chdir=${dir}`, ...args]);
}

/** An HCL literal for a JSON value (HCL accepts JSON-style lists and objects). */
export function hcl(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(hcl).join(", ")}]`;
  if (typeof value === "object") {
    return `{ ${
      Object.entries(value).map(([k, v]) => `${JSON.stringify(k)} = ${hcl(v)}`).join(", ")
    } }`;
  }
  // A Terraform string literal treats ${ and %{ as template syntax: escape them.
  if (typeof value === "string") {
    return JSON.stringify(value).replace(/\$\{/g, "$$${").replace(/%\{/g, "%%{");
  }
  return JSON.stringify(value);
}

/** The JSON plan of one `terraform test` run with `-verbose`. */
export interface TerraformPlan {
  readonly resource_changes: {
    address: string;
    type: string;
    module_address?: string;
    change: { actions: string[]; after: Record<string, any>; after_unknown?: Record<string, any> };
  }[];
  readonly output_changes: Record<string, { after: unknown; after_unknown?: unknown }>;
}

/** The terraform block of a root module that plans the composition. */
const REQUIRED_PROVIDERS =
  `terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n    }\n  }\n}\n`;

/**
 * The module blocks of one instance of the composition (alb, waf, mcp-server, observability,
 * audit wired as the one-stack flavours are), each block named `<prefix><module>`, for a root module
 * in `dir` (module sources are relative to it).
 */
export function compositionBlocks(
  dir: string,
  inputs: Record<string, Record<string, unknown>>,
  mcpPath: string,
  prefix = "",
): string {
  // A relative path: Terraform reads a local module in place, so modules/kms-key, which the
  // modules call as ../kms-key, stays inside the same package (an absolute path is copied
  // like a remote package, and ../ would escape it).
  const modules = relative(dir, join(REPO_ROOT, "modules"));
  const block = (name: string, source: string, values: Record<string, unknown>, wiring: string) =>
    `module "${prefix}${name}" {\n  source = ${JSON.stringify(join(modules, source))}\n${
      Object.entries(values).map(([k, v]) => `  ${k} = ${hcl(v)}\n`).join("")
    }${wiring}}\n`;
  const m = (name: string) => `module.${prefix}${name}`;
  return [
    block("alb", "alb", inputs.alb ?? {}, `  web_acl_arn = ${m("waf")}.web_acl_arn\n`),
    block("waf", "waf", inputs.waf ?? {}, `  mcp_path = ${hcl(mcpPath)}\n`),
    block(
      "mcp_server",
      "mcp-server",
      inputs["mcp-server"] ?? {},
      `  listener_arn = ${m("alb")}.https_listener_arn\n` +
        `  alb_security_group_id = ${m("alb")}.security_group_id\n` +
        `  deployment_alarm_names = ${m("observability")}.deployment_alarm_names\n`,
    ),
    block(
      "observability",
      "observability",
      inputs.observability ?? {},
      `  metrics_namespace = ${m("mcp_server")}.metrics_namespace\n` +
        `  load_balancer_arn_suffix = ${m("alb")}.arn_suffix\n` +
        `  target_group_arn_suffix = ${m("mcp_server")}.target_group_arn_suffix\n` +
        `  waf_web_acl_name = ${m("waf")}.web_acl_name\n`,
    ),
    // As examples/complete: the trail unless create_audit_trail is false, with data events on
    // exactly the buckets the tools may touch.
    block(
      "audit",
      "audit",
      inputs.audit ?? {},
      `  count = ${inputs[COMPOSITION]?.create_audit_trail === false ? 0 : 1}\n` +
        `  data_bucket_names = ${hcl(inputs["mcp-server"]?.buckets ?? [])}\n`,
    ),
  ].join("\n");
}

/**
 * Plans the composition of the modules with the given inputs per module (from
 * `terraformInputs`) under the mock provider and returns the plan.
 */
export function planComposition(
  inputs: Record<string, Record<string, unknown>>,
  mcpPath: string,
): Promise<TerraformPlan> {
  return planConfiguration((dir) =>
    [
      REQUIRED_PROVIDERS,
      compositionBlocks(dir, inputs, mcpPath),
      `output "category_policies" {\n  value = module.mcp_server.category_policies\n}\n`,
      `output "data_role_trust_policy" {\n  value = module.mcp_server.data_role_trust_policy\n}\n`,
      `output "container_environment" {\n  value = module.mcp_server.container_environment\n}\n`,
    ].join("\n")
  );
}

/**
 * Plans a root module (`main(dir)` gives its text; the aws provider required, see
 * {@linkcode compositionBlocks}) with `terraform test -json -verbose` under the mock provider
 * and returns the plan.
 */
export async function planConfiguration(main: (dir: string) => string): Promise<TerraformPlan> {
  const dir = await Deno.makeTempDir({ prefix: "quilt-mcp-parity-tf-" });
  try {
    await Deno.writeTextFile(join(dir, "main.tf"), main(dir));
    await Deno.mkdir(join(dir, "tests"));
    await Deno.writeTextFile(
      join(dir, "tests", "plan.tftest.hcl"),
      `mock_provider "aws" {\n  source = ${
        JSON.stringify(join(REPO_ROOT, "tests", "terraform", "mocks"))
      }\n}\n\nrun "plan" {\n  command = plan\n}\n`,
    );
    const init = await terraform(dir, ["init", "-backend=false", "-input=false", "-no-color"]);
    if (init.code !== 0) throw new Error(`terraform init failed:\n${init.stdout}\n${init.stderr}`);
    const test = await terraform(dir, ["test", "-json", "-verbose", "-no-color"]);
    let plan: TerraformPlan | undefined;
    const diagnostics: string[] = [];
    for (const line of test.stdout.split("\n")) {
      if (!line.startsWith("{")) continue;
      const message = JSON.parse(line);
      if (message.type === "test_plan") plan = message.test_plan;
      if (message.type === "diagnostic") diagnostics.push(JSON.stringify(message.diagnostic));
    }
    if (test.code !== 0 || plan === undefined) {
      throw new Error(
        `terraform test failed (${test.code}):\n${diagnostics.join("\n")}\n${test.stderr}`,
      );
    }
    return plan;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** One input case for {@linkcode validationRuns}. */
export interface ValidationCase {
  readonly label: string;
  /** Variable values on top of the base values. */
  readonly values: Record<string, unknown>;
  /** The variable whose validation must refuse it, or undefined when it must be accepted. */
  readonly refusedBy?: string;
}

/**
 * Runs each case against the variable blocks of a module (no resources, no provider) and
 * returns the labels of the cases whose outcome differs from what they expect.
 */
export async function validationRuns(
  module: string,
  base: Record<string, unknown>,
  cases: readonly ValidationCase[],
): Promise<{ label: string; detail: string }[]> {
  const dir = await Deno.makeTempDir({ prefix: `quilt-mcp-parity-vars-${module}-` });
  try {
    const source = join(REPO_ROOT, "modules", module);
    for (const entry of Deno.readDirSync(source)) {
      if (!entry.isFile || !entry.name.endsWith(".tf")) continue;
      const text = await Deno.readTextFile(join(source, entry.name));
      const variables = extractBlocks(text, "variable");
      if (variables.length > 0) {
        await Deno.writeTextFile(join(dir, entry.name), variables.join("\n\n"));
      }
    }
    // One file per case: a run that errors makes terraform skip the runs after it in its file.
    await Deno.mkdir(join(dir, "tests"));
    const base_ = `variables {\n${
      Object.entries(base).map(([k, v]) => `  ${k} = ${hcl(v)}\n`).join("")
    }}\n`;
    await Promise.all(cases.map((c, i) =>
      Deno.writeTextFile(
        join(dir, "tests", `case_${i}.tftest.hcl`),
        `${base_}\nrun "case_${i}" {\n  command = plan\n\n  variables {\n${
          Object.entries(c.values).map(([k, v]) => `    ${k} = ${hcl(v)}\n`).join("")
        }  }\n${c.refusedBy ? `\n  expect_failures = [var.${c.refusedBy}]\n` : ""}}\n`,
      )
    ));
    const init = await terraform(dir, ["init", "-backend=false", "-input=false", "-no-color"]);
    if (init.code !== 0) throw new Error(`terraform init failed:\n${init.stdout}\n${init.stderr}`);
    const test = await terraform(dir, ["test", "-json", "-no-color"]);
    const status = new Map<string, string>();
    const details = new Map<string, string[]>();
    for (const line of test.stdout.split("\n")) {
      if (!line.startsWith("{")) continue;
      const m = JSON.parse(line);
      if (m.type === "test_run" && m.test_run?.status) status.set(m["@testrun"], m.test_run.status);
      if (m.type === "diagnostic" && m["@testrun"]) {
        const list = details.get(m["@testrun"]) ?? [];
        list.push(`${m.diagnostic.summary}: ${m.diagnostic.detail ?? ""}`);
        details.set(m["@testrun"], list);
      }
    }
    return cases.flatMap((c, i) =>
      status.get(`case_${i}`) === "pass" ? [] : [{
        label: c.label,
        detail: `${status.get(`case_${i}`) ?? "not run"}: ${
          (details.get(`case_${i}`) ?? []).join("; ")
        }`,
      }]
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The top-level blocks of one kind (`variable "x" { ... }`) of an HCL file, as text. */
export function extractBlocks(text: string, kind: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`^${kind} "[^"]+" \\{`, "gm");
  for (const m of text.matchAll(re)) {
    let depth = 0;
    let i = m.index!;
    let inString = false;
    for (; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === "\\") i++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === "#") i = text.indexOf("\n", i);
      else if (c === "{") depth++;
      else if (c === "}" && --depth === 0) break;
    }
    out.push(text.slice(m.index!, i + 1));
  }
  return out;
}
