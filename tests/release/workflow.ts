// deno-lint-ignore-file no-explicit-any -- the parsed workflow is untyped YAML
/**
 * A GitHub workflow file parsed by PyYAML from the project's virtualenv (already pinned in
 * tests/requirements.txt), so no YAML parser is added to deno.lock. @module
 */
import { PYTHON } from "../harness/mod.ts";

/** The workflow at `path` as JSON. */
export async function parseWorkflow(path: string): Promise<any> {
  const out = await new Deno.Command(PYTHON, {
    args: [
      "-c",
      "import json, sys, yaml\nprint(json.dumps(yaml.safe_load(open(sys.argv[1], encoding='utf-8'))))",
      path,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`cannot parse ${path}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}
