/**
 * Every module and example: README inputs/outputs tables in step with the `.tf` files, every
 * variable typed and described, every output described, the pinned version constraints.
 */
import { join } from "node:path";
import { REPO_ROOT } from "../harness/paths.ts";
import { assertEquals } from "../harness/assert.ts";
import { expectedReadme, REGISTRY_SOURCE, versionConstraint } from "./gen_readme.ts";
import { moduleOutputs, moduleVariables, terraformDirs, terraformFmt } from "./tf.ts";

function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

/** The modules this product ships and the examples that compose them. */
const EXPECTED = [
  "examples/complete",
  "examples/existing-alb",
  "modules/alb",
  "modules/audit",
  "modules/mcp-server",
  "modules/network",
  "modules/observability",
  "modules/waf",
];

/**
 * Internal modules: called only by the modules above, so no README (the Terraform Registry's mark
 * of a module not meant for direct use); typed, described and pinned all the same.
 */
const INTERNAL = ["modules/kms-key"];

Deno.test("every Terraform module and example is covered", () => {
  const dirs = terraformDirs().filter((d) => !d.startsWith("modules/cdk"));
  assertEquals(dirs, [...EXPECTED, ...INTERNAL].sort());
});

for (const dir of INTERNAL) {
  Deno.test(`${dir}: internal, so no README`, () => {
    let readme = true;
    try {
      Deno.statSync(join(REPO_ROOT, dir, "README.md"));
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      readme = false;
    }
    assert(!readme, `${dir} is internal: a README would make the Registry list it as public`);
  });
}

for (const dir of EXPECTED) {
  Deno.test(`${dir}: README tables match variables.tf and outputs.tf`, async () => {
    const current = Deno.readTextFileSync(join(REPO_ROOT, dir, "README.md"));
    const expected = await expectedReadme(dir);
    assert(
      current === expected,
      `${dir}/README.md is stale: run deno run -A tests/terraform/gen_readme.ts`,
    );
  });
}

for (const dir of [...EXPECTED, ...INTERNAL]) {
  Deno.test(`${dir}: every variable typed and described, every output described`, async () => {
    const abs = join(REPO_ROOT, dir);
    const problems: string[] = [];
    for (const v of await moduleVariables(abs)) {
      if (!v.type) problems.push(`variable ${v.name} has no type`);
      if (!v.description || v.description.length < 10) {
        problems.push(`variable ${v.name} has no description`);
      }
    }
    for (const o of await moduleOutputs(abs)) {
      if (!o.description || o.description.length < 10) {
        problems.push(`output ${o.name} has no description`);
      }
    }
    assert(problems.length === 0, problems.join("\n"));
  });

  Deno.test(`${dir}: Terraform >= 1.5.7 and AWS provider >= 5.70, < 7.0`, () => {
    const versions = Deno.readTextFileSync(join(REPO_ROOT, dir, "versions.tf"));
    assert(
      /required_version\s*=\s*">= 1\.5\.7"/.test(versions),
      "required_version must be >= 1.5.7",
    );
    assert(/version\s*=\s*">= 5\.70, < 7\.0"/.test(versions), "aws must be >= 5.70, < 7.0");
    assert(/source\s*=\s*"hashicorp\/aws"/.test(versions), "the only provider is hashicorp/aws");
    const providers = [...versions.matchAll(/source\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
    assert(providers.every((p) => p === "hashicorp/aws"), `unexpected providers: ${providers}`);
  });
}

for (const dir of EXPECTED.filter((d) => d.startsWith("modules/"))) {
  Deno.test(`${dir}: README usage has the registry source, a version constraint and every required input, fmt-clean`, async () => {
    const readme = Deno.readTextFileSync(join(REPO_ROOT, dir, "README.md"));
    const usage = /## Usage\n[\s\S]*?```hcl\n([\s\S]*?)```/.exec(readme);
    assert(usage, `${dir}: a Usage section with an hcl snippet`);
    const snippet = usage[1];
    assertEquals(
      await terraformFmt(snippet),
      snippet,
      "terraform fmt leaves the snippet unchanged",
    );
    assert(snippet.includes(`source  = "${REGISTRY_SOURCE}//${dir}"`), "the registry source");
    assert(/version = "~> \d+\.\d+(\.\d+)?"/.test(snippet), "a pessimistic version constraint");
    assert(snippet.includes(`"${versionConstraint()}"`), "the current release series");
    const required = (await moduleVariables(join(REPO_ROOT, dir))).filter((v) => !v.hasDefault);
    const set = [...snippet.matchAll(/^ {2}(\w+)\s+=/gm)].map((m) => m[1])
      .filter((k) => k !== "source" && k !== "version");
    assertEquals(set.sort(), required.map((v) => v.name).sort());
  });
}
