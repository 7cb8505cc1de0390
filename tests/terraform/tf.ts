/** Helpers the Terraform tests share: terraform fmt, and HCL parsed to JSON. @module */
import { join } from "node:path";
import { REPO_ROOT, VENV } from "../harness/paths.ts";

/** Formats HCL text with `terraform fmt -` (the canonical layout CI checks). */
export async function terraformFmt(text: string): Promise<string> {
  const proc = new Deno.Command("terraform", {
    args: ["fmt", "-no-color", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = proc.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const { code, stdout, stderr } = await proc.output();
  if (code !== 0) {
    throw new Error(`terraform fmt failed: ${new TextDecoder().decode(stderr)}\n${text}`);
  }
  return new TextDecoder().decode(stdout);
}

/** A Terraform file parsed by python-hcl2 (checkov's own parser, in the project venv). */
export type HclFile = Record<string, unknown[]>;

/** Parses `.tf` files with python-hcl2; returns path → parsed body. */
export async function parseHcl(paths: string[]): Promise<Record<string, HclFile>> {
  const script = join(REPO_ROOT, "tests", "terraform", "hcl_to_json.py");
  const { code, stdout, stderr } = await new Deno.Command(join(VENV, "bin", "python"), {
    args: [script, ...paths],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`hcl_to_json.py failed: ${new TextDecoder().decode(stderr)}`);
  return JSON.parse(new TextDecoder().decode(stdout));
}

/** python-hcl2 wraps every attribute value in a one-element list. */
function first(v: unknown): unknown {
  return Array.isArray(v) && v.length === 1 ? v[0] : v;
}

/** `${list(string)}` → `list(string)`: python-hcl2 wraps expressions in `${…}`. */
function unwrapExpr(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const m = /^\$\{([\s\S]*)\}$/.exec(v);
  return m ? m[1] : v;
}

/** One `variable` block: name and its attributes as python-hcl2 renders them. */
export interface VariableBlock {
  name: string;
  type?: string;
  description?: string;
  default?: unknown;
  hasDefault: boolean;
  validations: { condition: string; error_message: string }[];
  sensitive?: boolean;
  /** `nullable = false`: null takes the default (or is refused when there is none). */
  nullable?: boolean;
}

/** One `output` block. */
export interface OutputBlock {
  name: string;
  description?: string;
  value?: unknown;
}

/** The `variable` blocks of every `.tf` file in a module directory. */
export async function moduleVariables(dir: string): Promise<VariableBlock[]> {
  const parsed = await parseHcl(tfFiles(dir));
  const out: VariableBlock[] = [];
  for (const file of Object.values(parsed)) {
    for (const block of (file.variable ?? []) as Record<string, Record<string, unknown>>[]) {
      for (const [name, body] of Object.entries(block)) {
        out.push({
          name,
          type: unwrapExpr(first(body.type)),
          description: first(body.description) as string | undefined,
          default: first(body.default),
          hasDefault: "default" in body,
          validations: ((body.validation ?? []) as Record<string, unknown>[]).map((v) => ({
            condition: unwrapExpr(first(v.condition)) ?? "",
            error_message: String(first(v.error_message) ?? ""),
          })),
          sensitive: first(body.sensitive) as boolean | undefined,
          nullable: first(body.nullable) as boolean | undefined,
        });
      }
    }
  }
  return out;
}

/** The `output` blocks of every `.tf` file in a module directory. */
export async function moduleOutputs(dir: string): Promise<OutputBlock[]> {
  const parsed = await parseHcl(tfFiles(dir));
  const out: OutputBlock[] = [];
  for (const file of Object.values(parsed)) {
    for (const block of (file.output ?? []) as Record<string, Record<string, unknown>>[]) {
      for (const [name, body] of Object.entries(block)) {
        out.push({
          name,
          description: first(body.description) as string | undefined,
          value: first(body.value),
        });
      }
    }
  }
  return out;
}

/** The `.tf` files directly in a directory (tests and nested folders excluded), sorted. */
export function tfFiles(dir: string): string[] {
  return [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && e.name.endsWith(".tf"))
    .map((e) => join(dir, e.name))
    .sort();
}

/** Every module and example directory holding Terraform files, relative to the repository. */
export function terraformDirs(): string[] {
  const dirs: string[] = [];
  for (const parent of ["modules", "examples"]) {
    for (const e of Deno.readDirSync(join(REPO_ROOT, parent))) {
      if (!e.isDirectory) continue;
      const dir = join(REPO_ROOT, parent, e.name);
      if (tfFiles(dir).length > 0) dirs.push(`${parent}/${e.name}`);
    }
  }
  return dirs.sort();
}
