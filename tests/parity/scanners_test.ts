/**
 * Scanners on the CDK and CloudFormation flavours: cdk-nag (AwsSolutions and NIST 800-53 R5)
 * with no unacknowledged finding (skips_test.ts: no acknowledgement without one); cfn-lint clean on
 * the synthesized template (`make test` lints the committed template in its own section);
 * checkov's CloudFormation framework with 0 failed checks on the synthesized template, the
 * committed template and that template resolved for the sample parameters (checkov does not
 * evaluate conditions), every skip carrying its reason.
 * @module
 */
import { join } from "node:path";
import { assert, assertEquals } from "../harness/assert.ts";
import { PYTHON, REPO_ROOT, VENV } from "../harness/paths.ts";
import { buildApp, EXAMPLE_PROPS } from "../../modules/cdk/example/app.ts";
import { evaluate, readTemplate, resolvedAsTemplate } from "./cfn_eval.ts";
import { cfnParameters, FIXTURE } from "./flavours.ts";
import { checkov } from "./checkov.ts";
import { setUpOnce } from "../harness/set_up.ts";

/** A work directory (removed when the module unloads) and the example app, synthesized. */
const setUp = setUpOnce(async () => {
  const work = await Deno.makeTempDir({ prefix: "quilt-mcp-parity-scan-" });
  globalThis.addEventListener("unload", () => Deno.removeSync(work, { recursive: true }));
  // The example app as a user runs it: both packs registered, acknowledgements applied.
  const example = buildApp(EXAMPLE_PROPS, join(work, "cdk.out"));
  const synthesized: Record<string, unknown> =
    example.app.synth().getStackByName("QuiltMcp").template;
  return { work, example, synthesized };
});

Deno.test("cdk-nag: the example app synthesizes with no unacknowledged AwsSolutions or NIST 800-53 R5 finding", async () => {
  const { work } = await setUp();
  const report = join(work, "cdk.out", "validation-report.json");
  let violations: string[] = [];
  try {
    const parsed = JSON.parse(Deno.readTextFileSync(report));
    violations = parsed.pluginReports.flatMap((
      p: { pluginName: string; violations: { ruleName: string }[] },
    ) => p.violations.map((v) => `${p.pluginName}: ${v.ruleName}`));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  // CloudFormation Validate (aws-cdk-lib's own template check) reports here too: nothing at all.
  assertEquals(violations, []);
});

async function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const { code, stdout, stderr } = await new Deno.Command(cmd, {
    args,
    env: { BC_SKIP_MAPPING: "TRUE", CHECKPOINT_DISABLE: "1", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code, out: new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr) };
}

Deno.test("cfn-lint: the synthesized CDK template is clean", async () => {
  const { work, synthesized } = await setUp();
  const path = join(work, "cdk.template.json");
  await Deno.writeTextFile(path, JSON.stringify(synthesized));
  const { code, out } = await run(join(VENV, "bin", "cfn-lint"), [path]);
  assertEquals([code, out.trim()], [0, ""]);
});

Deno.test("checkov: 0 failed checks on the synthesized, committed and resolved templates; skips reasoned", async () => {
  const { work, synthesized } = await setUp();
  const dir = join(work, "checkov");
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, "cdk-synth.template.json"), JSON.stringify(synthesized));
  await Deno.copyFile(
    join(REPO_ROOT, "modules", "cloudformation", "quilt-mcp.yaml"),
    join(dir, "quilt-mcp.yaml"),
  );
  const template = await readTemplate(
    join(REPO_ROOT, "modules", "cloudformation", "quilt-mcp.yaml"),
    PYTHON,
  );
  const resolved = evaluate(template, cfnParameters(FIXTURE));
  await Deno.writeTextFile(
    join(dir, "quilt-mcp.resolved.json"),
    JSON.stringify(resolvedAsTemplate(resolved)),
  );

  const report = await checkov(["-d", dir, "--framework", "cloudformation"]);
  const failed = report.failed.map((c) => `${c.checkId} ${c.file} ${c.resource}`);
  const { skipped, passed } = report;
  console.log(`checkov: ${passed} passed, ${failed.length} failed, ${skipped.length} skipped`);
  for (const s of skipped) console.log(`  skip ${s.checkId} ${s.resource}: ${s.reason}`);
  assertEquals(failed, []);
  assertEquals(report.code, 0, report.out.slice(0, 2000));
  assert(passed > 200, `checkov passed only ${passed} checks: did it read the templates?`);
  for (const s of skipped) assert(s.reason.length >= 40, `${s.checkId}: a real reason`);
});
