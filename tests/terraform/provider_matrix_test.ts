// deno-lint-ignore-file no-explicit-any -- walks the parsed workflow, untyped YAML
/**
 * Provider range honesty, checked statically (the matrix only runs on GitHub, where the registry
 * is reachable): the workflow's provider-matrix job runs .ci/lib/provider_matrix.sh for the lower
 * bound of the range the modules claim, for the version the local tests verify and for the newest
 * major, every entry inside the claimed range; the README states the claimed range and the
 * verified version; and the e2e job runs the apply suite. The verified version is the one the
 * committed lock file of modules/kms-key records (what `make test` installs from the mirror).
 */
import { join } from "node:path";
import { assert, assertEquals, REPO_ROOT } from "../harness/mod.ts";
import { parseWorkflow } from "../harness/workflow.ts";

const CLAIMED = ">= 5.70, < 7.0";
const LOWER_BOUND = [5, 70, 0];
const UPPER_BOUND_EXCLUSIVE = [7, 0, 0];

const workflow = await parseWorkflow(join(REPO_ROOT, ".github", "workflows", "ci.yml"));
const jobs: Record<string, any> = workflow.jobs;

/** Every root Terraform configuration: each module with .tf files and each example. */
function terraformDirs(): string[] {
  const dirs: string[] = [];
  for (const parent of ["modules", "examples"]) {
    for (const entry of Deno.readDirSync(join(REPO_ROOT, parent))) {
      if (!entry.isDirectory) continue;
      const files = [...Deno.readDirSync(join(REPO_ROOT, parent, entry.name))];
      if (files.some((f) => f.name.endsWith(".tf"))) dirs.push(`${parent}/${entry.name}`);
    }
  }
  return dirs.sort();
}

function verifiedVersion(): string {
  const lock = Deno.readTextFileSync(join(REPO_ROOT, "modules", "kms-key", ".terraform.lock.hcl"));
  const version = /^\s*version\s*=\s*"([0-9.]+)"/m.exec(lock)?.[1];
  assert(version !== undefined, "modules/kms-key/.terraform.lock.hcl records no provider version");
  return version;
}

const parse = (v: string) => v.split(".").map(Number);
function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  }
  return 0;
}
/** Every version a matrix entry (an exact version or `~> X.Y`) can select is in the claimed range. */
function withinClaimedRange(entry: string): boolean {
  const pessimistic = /^~>\s*(\d+)\.(\d+)$/.exec(entry);
  if (pessimistic) {
    const [major, minor] = [Number(pessimistic[1]), Number(pessimistic[2])];
    // ~> X.Y selects >= X.Y, < (X+1).0.
    return compare([major, minor, 0], LOWER_BOUND) >= 0 &&
      compare([major + 1, 0, 0], UPPER_BOUND_EXCLUSIVE) <= 0;
  }
  if (!/^\d+\.\d+\.\d+$/.test(entry)) return false;
  return compare(parse(entry), LOWER_BOUND) >= 0 &&
    compare(parse(entry), UPPER_BOUND_EXCLUSIVE) < 0;
}

Deno.test("provider matrix: every module and example claims the same range", () => {
  const dirs = terraformDirs();
  assert(dirs.length >= 7, `found ${dirs}`);
  for (const dir of dirs) {
    const versions = Deno.readTextFileSync(join(REPO_ROOT, dir, "versions.tf"));
    assert(versions.includes(`version = "${CLAIMED}"`), `${dir} claims another range`);
  }
});

Deno.test("provider matrix: the lower bound, the verified version and the newest major, all in range", () => {
  const job = jobs["provider-matrix"];
  assert(job !== undefined, "ci.yml has no provider-matrix job");
  const entries: string[] = job.strategy.matrix.aws_provider;
  assertEquals(job.strategy["fail-fast"], false, "one version's failure must not hide the others");
  assertEquals(entries.filter((e) => !withinClaimedRange(e)), []);
  assert(entries.includes(LOWER_BOUND.join(".")), "the lower bound of the range is tested");
  assert(
    entries.includes(verifiedVersion()),
    "the version the local tests verify is in the matrix",
  );
  assert(entries.includes("~> 6.0"), "the newest 6.x is tested");
  // The checker itself: values outside the range are refused.
  for (const outside of ["5.69.0", "7.0.0", "~> 5.0", "~> 7.0", ">= 5.70", "latest"]) {
    assert(!withinClaimedRange(outside), outside);
  }
});

Deno.test("provider matrix: the job runs init, validate and test of every directory per version", () => {
  const steps: any[] = jobs["provider-matrix"].steps;
  const run = steps.find((s) => String(s.run ?? "").includes(".ci/lib/provider_matrix.sh"));
  assert(run !== undefined, "no step runs .ci/lib/provider_matrix.sh");
  // The matrix value reaches the script through the environment, not spliced into the shell text.
  assertEquals(run.env?.AWS_PROVIDER, "${{ matrix.aws_provider }}");
  assert(!String(run.run).includes("${{"), "no expression inside the run script");
  const script = Deno.readTextFileSync(join(REPO_ROOT, ".ci", "lib", "provider_matrix.sh"));
  assert(script.includes("for d in modules/*/ examples/*/"), "every module and example");
  for (const command of ["init -backend=false", "validate", "test -no-color"]) {
    assert(script.includes(command), `the script runs terraform ${command}`);
  }
  assert(
    script.includes("tests/terraform/terraform_cli.ts"),
    "terraform runs under the cache locks",
  );
});

Deno.test("provider matrix: the README states the claimed range and what was verified", () => {
  const readme = Deno.readTextFileSync(join(REPO_ROOT, "README.md"));
  assert(readme.includes(`\`${CLAIMED}\``), "README names the claimed range");
  assert(
    readme.includes(`Verified so far: **${verifiedVersion()}**`),
    "README names the verified version",
  );
  for (const entry of jobs["provider-matrix"].strategy.matrix.aws_provider as string[]) {
    assert(readme.includes(entry), `README lists matrix entry ${entry}`);
  }
});

Deno.test("ci workflow: the apply suite runs as its own job, as .ci/run runs it", () => {
  const steps: any[] = jobs.e2e?.steps ?? [];
  assert(steps.some((s) => s.run === "make e2e"), "ci.yml has no job running make e2e");
  const ciRun = Deno.readTextFileSync(join(REPO_ROOT, ".ci", "run"));
  assert(/for target in test e2e/.test(ciRun), ".ci/run runs make test and make e2e");
});
