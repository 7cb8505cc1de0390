// deno-lint-ignore-file no-explicit-any -- walks the parsed workflow, untyped YAML
/**
 * The Terraform modules' publishing path (docs/publishing.md), checked statically: the release-notes
 * gate refuses a tag that is not a semantic version, differs from server/version.ts or has no
 * CHANGELOG.md section; the registry tree holds every module (internal ones without a README),
 * the examples and a root module, and every relative module source inside it resolves; the
 * release workflow runs both before publishing and pushes the tree with the tag; the page names
 * what the workflow uses.
 * @module
 */
import { join } from "node:path";
import { assert, assertEquals, REPO_ROOT } from "../harness/mod.ts";
import { REGISTRY_SOURCE } from "../terraform/gen_readme.ts";
import { parseHcl, terraformDirs, tfFiles } from "../terraform/tf.ts";
import { parseWorkflow } from "../harness/workflow.ts";

const LIB = join(REPO_ROOT, ".ci", "lib");

async function bash(script: string, args: string[], cwd?: string) {
  const out = await new Deno.Command("bash", {
    args: [script, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

/** A scratch repository with the release-notes script, a server version and a changelog. */
async function scratchRepository(version: string, changelog: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "quilt-mcp-release-notes-" });
  await Deno.mkdir(join(dir, ".ci", "lib"), { recursive: true });
  await Deno.mkdir(join(dir, "server"));
  await Deno.copyFile(join(LIB, "release_notes.sh"), join(dir, ".ci", "lib", "release_notes.sh"));
  await Deno.writeTextFile(
    join(dir, "server", "version.ts"),
    `/** The version. */\nexport const VERSION = "${version}";\n`,
  );
  await Deno.writeTextFile(join(dir, "CHANGELOG.md"), changelog);
  return dir;
}

const CHANGELOG = [
  "# Changelog",
  "",
  "## [Unreleased]",
  "",
  "## [1.2.0] - 2026-12-01",
  "",
  "### Added",
  "",
  "- the thing",
  "",
  "## [1.1.0] - 2026-11-01",
  "",
  "- older",
  "",
].join("\n");

Deno.test("release_notes.sh: a semver tag equal to server/version.ts with its CHANGELOG section passes and prints it", async () => {
  const dir = await scratchRepository("1.2.0", CHANGELOG);
  try {
    const r = await bash(join(dir, ".ci", "lib", "release_notes.sh"), ["v1.2.0"]);
    assertEquals(r.code, 0, r.stderr);
    assert(r.stdout.includes("- the thing"), r.stdout);
    assert(!r.stdout.includes("older"), "only the tag's own section");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("release_notes.sh refuses a non-semver tag, a version mismatch and a missing section", async () => {
  const cases: [string, string, string, string][] = [
    ["1.2.0", CHANGELOG, "v1.2", "not a semantic version"],
    ["1.2.0", CHANGELOG, "1.2.0", "not a semantic version"],
    ["1.2.0", CHANGELOG, "v1.3.0", "server/version.ts says"],
    ["1.3.0", CHANGELOG, "v1.3.0", "has no section"],
    ["1.2.0", CHANGELOG.replace("- the thing", ""), "v1.2.0", "is empty"],
  ];
  for (const [version, changelog, tag, message] of cases) {
    const dir = await scratchRepository(version, changelog.replace("### Added\n", ""));
    try {
      const r = await bash(join(dir, ".ci", "lib", "release_notes.sh"), [tag]);
      assertEquals(r.code, 1, `${tag} with version ${version}`);
      assert(r.stderr.includes(message), `${tag}: ${r.stderr}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

Deno.test("the registry tree holds every module and example, a root module, and resolves every local source", async () => {
  const out = await Deno.makeTempDir({ prefix: "quilt-mcp-registry-tree-" });
  try {
    const r = await bash(join(LIB, "terraform_registry_tree.sh"), [out]);
    assertEquals(r.code, 0, r.stderr);
    for (const file of ["README.md", "LICENSE", "CHANGELOG.md", "main.tf", "versions.tf"]) {
      assert(Deno.statSync(join(out, file)).isFile, `root ${file}`);
    }
    const dirs = terraformDirs().filter((d) => !d.startsWith("modules/cdk"));
    for (const dir of dirs) {
      const names = (d: string) => tfFiles(d).map((f) => f.slice(d.length + 1));
      assertEquals(names(join(out, dir)), names(join(REPO_ROOT, dir)), `${dir}: every .tf file`);
      const hasReadme = (d: string) => {
        try {
          return Deno.statSync(join(d, "README.md")).isFile;
        } catch {
          return false;
        }
      };
      assertEquals(hasReadme(join(out, dir)), hasReadme(join(REPO_ROOT, dir)), `${dir}: README`);
      let tests = true;
      try {
        Deno.statSync(join(out, dir, "tests"));
      } catch {
        tests = false;
      }
      assert(!tests, `${dir}: the module tests stay in this repository`);
      // Every local module source resolves inside the tree.
      const parsed = await parseHcl(tfFiles(join(out, dir)));
      for (const file of Object.values(parsed)) {
        for (const block of (file.module ?? []) as Record<string, Record<string, unknown>>[]) {
          for (const [name, body] of Object.entries(block)) {
            const source = String((body.source as unknown[])[0]);
            if (!source.startsWith(".")) continue;
            const target = join(out, dir, source);
            assert(target.startsWith(out), `${dir}: module ${name} leaves the tree`);
            assert(tfFiles(target).length > 0, `${dir}: module ${name} (${source}) resolves`);
          }
        }
      }
      if (dir.startsWith("modules/") && hasReadme(join(REPO_ROOT, dir))) {
        const readme = Deno.readTextFileSync(join(out, dir, "README.md"));
        assert(
          readme.includes(`source  = "${REGISTRY_SOURCE}//${dir}"`),
          `${dir}: the README's usage names its registry source`,
        );
      }
    }
    const again = await bash(join(LIB, "terraform_registry_tree.sh"), [out]);
    assertEquals(again.code, 1, "a non-empty output directory is refused");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("release workflow: the modules are published with the tag, after the smoke tests and the notes gate", async () => {
  const workflow = await parseWorkflow(join(REPO_ROOT, ".github", "workflows", "release.yml"));
  const job = workflow.jobs["terraform-modules"];
  assert(job !== undefined, "a terraform-modules job");
  assertEquals(job.if, "startsWith(github.ref, 'refs/tags/v')");
  const needs = [job.needs].flat();
  assert(needs.includes("smoke"), "waits for the smoke tests");
  const runs: string[] = job.steps.map((s: any) => String(s.run ?? ""));
  const index = (text: string) => runs.findIndex((r) => r.includes(text));
  const notes = index(".ci/lib/release_notes.sh");
  const tree = index(".ci/lib/terraform_registry_tree.sh");
  const push = index(".ci/lib/push_registry_tree.sh");
  assert(notes >= 0 && tree > notes && push > tree, "notes gate, then tree, then push");
  const pushStep = job.steps[push];
  assertEquals(pushStep.env.DEPLOY_KEY, "${{ secrets.TERRAFORM_REGISTRY_DEPLOY_KEY }}");
  assertEquals(pushStep.env.REGISTRY_REPOSITORY, "${{ vars.TERRAFORM_REGISTRY_REPOSITORY }}");
  assert(!runs[push].includes("secrets."), "the key reaches the script by env only");
  for (const s of job.steps) {
    if (String(s.uses ?? "").startsWith("actions/checkout@")) {
      assertEquals(s.with?.["persist-credentials"], false);
    }
  }
  const publishNeeds = [workflow.jobs.publish.needs].flat();
  assert(publishNeeds.includes("terraform-modules"), "the release waits for the modules' gate");
  const publishRuns = workflow.jobs.publish.steps.map((s: any) => String(s.run ?? "")).join("\n");
  assert(publishRuns.includes(".ci/lib/release_notes.sh"), "release notes from CHANGELOG.md");
  assert(publishRuns.includes("--notes-file"), "the release carries those notes");
});

Deno.test("docs/publishing.md names the registry source, the scripts, the variable and the secret", () => {
  const page = Deno.readTextFileSync(join(REPO_ROOT, "docs", "publishing.md"));
  for (
    const name of [
      REGISTRY_SOURCE,
      ".ci/lib/release_notes.sh",
      ".ci/lib/terraform_registry_tree.sh",
      ".ci/lib/push_registry_tree.sh",
      "TERRAFORM_REGISTRY_REPOSITORY",
      "TERRAFORM_REGISTRY_DEPLOY_KEY",
      "server/version.ts",
      "## [X.Y.Z] - YYYY-MM-DD",
    ]
  ) {
    assert(page.includes(name), `docs/publishing.md names ${name}`);
  }
});
