/**
 * Writes the generated part of every module and example README, between `<!-- BEGIN_TF_DOCS -->`
 * and `<!-- END_TF_DOCS -->`, from its `.tf` files: a registry usage snippet (modules only: the
 * registry `source` and a version constraint from server/version.ts, see docs/publishing.md),
 * the requirements and providers of `versions.tf`, the module calls, the resources and data
 * sources, and the inputs and outputs tables.
 * `readme_test.ts` fails while a README is out of step with its `.tf` files.
 *
 * Run `deno run -A tests/terraform/gen_readme.ts` after changing variables or outputs.
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../harness/paths.ts";
import {
  moduleOutputs,
  moduleVariables,
  type OutputBlock,
  parseHcl,
  terraformDirs,
  tfFiles,
  type VariableBlock,
} from "./tf.ts";
import { VERSION } from "../../server/version.ts";

/**
 * The Terraform Registry address of the modules: one registry module, `quilt-mcp` for the `aws`
 * provider, whose public modules are its submodules (`//modules/<name>`); docs/publishing.md
 * says how a release reaches it.
 */
export const REGISTRY_SOURCE = "quiltdata/quilt-mcp/aws";

/**
 * The version constraint the usage snippets recommend: the current release series. Before 1.0 a
 * minor release may break (semver), so `~> 0.M.0`; from 1.0 on, `~> MAJOR.MINOR`.
 */
export function versionConstraint(version: string = VERSION): string {
  const [major, minor] = version.split(".");
  return major === "0" ? `~> 0.${minor}.0` : `~> ${major}.${minor}`;
}

/** What a directory's `.tf` files declare besides variables and outputs. */
export interface Inventory {
  requiredVersion?: string;
  providers: { name: string; source: string; version?: string }[];
  modules: { name: string; source: string }[];
  resources: { address: string; kind: "resource" | "data source" }[];
}

/** The terraform block, module calls, resources and data sources of a directory. */
export async function inventory(dir: string): Promise<Inventory> {
  const parsed = await parseHcl(tfFiles(dir));
  const out: Inventory = { providers: [], modules: [], resources: [] };
  type Blocks = Record<string, Record<string, Record<string, unknown>>>[];
  const first = (v: unknown) => (Array.isArray(v) && v.length === 1 ? v[0] : v);
  for (const file of Object.values(parsed)) {
    for (const block of (file.terraform ?? []) as Record<string, unknown>[]) {
      if (block.required_version !== undefined) {
        out.requiredVersion = String(first(block.required_version));
      }
      for (const p of (block.required_providers ?? []) as Record<string, unknown>[]) {
        for (const [name, spec] of Object.entries(p)) {
          const s = first(spec) as Record<string, string>;
          out.providers.push({ name, source: s.source, version: s.version });
        }
      }
    }
    for (const block of (file.module ?? []) as Record<string, Record<string, unknown>>[]) {
      for (const [name, body] of Object.entries(block)) {
        out.modules.push({ name, source: String(first(body.source)) });
      }
    }
    for (const [key, kind] of [["resource", "resource"], ["data", "data source"]] as const) {
      for (const block of (file[key] ?? []) as Blocks) {
        for (const [type, named] of Object.entries(block)) {
          for (const name of Object.keys(named)) {
            out.resources.push({
              address: key === "data" ? `data.${type}.${name}` : `${type}.${name}`,
              kind,
            });
          }
        }
      }
    }
  }
  out.modules.sort((a, b) => a.name.localeCompare(b.name));
  out.resources.sort((a, b) => a.address.localeCompare(b.address));
  return out;
}

/** A placeholder of a required input's type in the usage snippet. */
function placeholder(type: string | undefined): string {
  if (type === "bool") return "true";
  if (type === "number") return "0";
  if (type?.startsWith("list") || type?.startsWith("set")) return '["…"]';
  if (type?.startsWith("map") || type?.startsWith("object")) return "{}";
  return '"…"';
}

/** The registry usage snippet of a module: source, version constraint, its required inputs. */
export function renderUsage(dir: string, variables: VariableBlock[]): string {
  const name = dir.split("/").pop()!;
  const required = variables.filter((v) => !v.hasDefault)
    .sort((a, b) => a.name.localeCompare(b.name));
  // Aligned as `terraform fmt` aligns: each run of lines without a blank line on its own.
  const width = Math.max(...required.map((v) => v.name.length));
  const pad = (k: string) => k.padEnd(width);
  return [
    "## Usage",
    "",
    `From the Terraform Registry (how each release gets there: docs/publishing.md), with its required inputs:`,
    "",
    "```hcl",
    `module "${name.replaceAll("-", "_")}" {`,
    `  source  = "${REGISTRY_SOURCE}//modules/${name}"`,
    `  version = "${versionConstraint()}"`,
    ...(required.length > 0 ? [""] : []),
    ...required.map((v) => `  ${pad(v.name)} = ${placeholder(v.type)}`),
    "}",
    "```",
  ].join("\n");
}

/** Requirements, providers, module calls and resources of a directory, as Markdown. */
export function renderInventory(inv: Inventory): string {
  const lines = ["## Requirements", "", "| Name | Version |", "|------|---------|"];
  if (inv.requiredVersion) lines.push(`| terraform | ${code(inv.requiredVersion)} |`);
  for (const p of inv.providers) {
    lines.push(`| ${p.name} (${code(p.source)}) | ${p.version ? code(p.version) : "any"} |`);
  }
  lines.push("", "## Providers", "", "| Name | Source |", "|------|--------|");
  for (const p of inv.providers) lines.push(`| ${p.name} | ${code(p.source)} |`);
  lines.push("", "## Modules", "");
  if (inv.modules.length === 0) {
    lines.push("No modules.");
  } else {
    lines.push("| Name | Source |", "|------|--------|");
    for (const m of inv.modules) lines.push(`| ${code(m.name)} | ${code(m.source)} |`);
  }
  lines.push("", "## Resources", "");
  if (inv.resources.length === 0) {
    lines.push("No resources.");
  } else {
    lines.push("| Name | Type |", "|------|------|");
    for (const r of inv.resources) lines.push(`| ${code(r.address)} | ${r.kind} |`);
  }
  return lines.join("\n");
}

/** Start marker of the generated part of a README. */
export const BEGIN = "<!-- BEGIN_TF_DOCS -->";
/** End marker of the generated part of a README. */
export const END = "<!-- END_TF_DOCS -->";

/** A README whose markers are missing or out of order. */
export class ReadmeMarkerError extends Error {
  /** Creates the error for the README at `path`. */
  constructor(path: string) {
    super(`${path} needs one ${BEGIN} followed by one ${END}`);
    this.name = "ReadmeMarkerError";
  }
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function code(text: string): string {
  // A backtick-free rendering keeps table cells valid Markdown.
  return "`" + text.replaceAll("`", "'") + "`";
}

function renderDefault(v: VariableBlock): string {
  if (!v.hasDefault) return "n/a";
  return code(JSON.stringify(v.default ?? null));
}

/** The generated Markdown for one directory's variables and outputs. */
export function renderTables(variables: VariableBlock[], outputs: OutputBlock[]): string {
  const lines = ["## Inputs", ""];
  if (variables.length === 0) {
    lines.push("No inputs.");
  } else {
    lines.push(
      "| Name | Description | Type | Default | Required |",
      "|------|-------------|------|---------|:--------:|",
    );
    for (const v of [...variables].sort((a, b) => a.name.localeCompare(b.name))) {
      lines.push(
        `| ${code(v.name)} | ${cell(v.description ?? "")} | ${code(v.type ?? "any")} | ${
          cell(renderDefault(v))
        } | ${v.hasDefault ? "no" : "yes"} |`,
      );
    }
  }
  lines.push("", "## Outputs", "");
  if (outputs.length === 0) {
    lines.push("No outputs.");
  } else {
    lines.push("| Name | Description |", "|------|-------------|");
    for (const o of [...outputs].sort((a, b) => a.name.localeCompare(b.name))) {
      lines.push(`| ${code(o.name)} | ${cell(o.description ?? "")} |`);
    }
  }
  return lines.join("\n");
}

/** `readme` with its generated part replaced by `tables`. */
export function spliceTables(readme: string, tables: string, path: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start || readme.indexOf(BEGIN, start + 1) >= 0) {
    throw new ReadmeMarkerError(path);
  }
  return `${readme.slice(0, start + BEGIN.length)}\n\n${tables}\n\n${readme.slice(end)}`;
}

/** The README of `dir` (relative to the repository) as it should read. */
export async function expectedReadme(dir: string, root: string = REPO_ROOT): Promise<string> {
  const abs = join(root, dir);
  const path = join(abs, "README.md");
  const current = Deno.readTextFileSync(path);
  const variables = await moduleVariables(abs);
  const tables = [
    ...(dir.startsWith("modules/") ? [renderUsage(dir, variables)] : []),
    renderInventory(await inventory(abs)),
    renderTables(variables, await moduleOutputs(abs)),
  ].join("\n\n");
  return await denoFmtMarkdown(spliceTables(current, tables, `${dir}/README.md`));
}

/** Formats Markdown as `deno fmt` does (CI runs `deno fmt --check`, which aligns tables). */
export async function denoFmtMarkdown(text: string): Promise<string> {
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext=md", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    cwd: REPO_ROOT,
  }).spawn();
  const writer = proc.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const { code, stdout, stderr } = await proc.output();
  if (code !== 0) throw new Error(`deno fmt failed: ${new TextDecoder().decode(stderr)}`);
  return new TextDecoder().decode(stdout);
}

if (import.meta.main) {
  for (const dir of terraformDirs()) {
    const path = join(REPO_ROOT, dir, "README.md");
    // Internal modules (modules/kms-key) have no README on purpose (readme_test.ts).
    if (!existsSync(path)) continue;
    Deno.writeTextFileSync(path, await expectedReadme(dir));
    console.log(`wrote ${dir}/README.md`);
  }
}
