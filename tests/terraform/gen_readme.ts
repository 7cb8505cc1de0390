/**
 * Writes the inputs and outputs tables of every module and example README from its `variable`
 * and `output` blocks, between `<!-- BEGIN_TF_DOCS -->` and `<!-- END_TF_DOCS -->`.
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
  terraformDirs,
  type VariableBlock,
} from "./tf.ts";

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
  const tables = renderTables(await moduleVariables(abs), await moduleOutputs(abs));
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
