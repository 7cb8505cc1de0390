/**
 * Every scanner skip is needed: without it, the scanner reports exactly the finding it hides.
 * - checkov, Terraform: each inline `#checkov:skip=<ID>:<reason>` of modules/ and examples/, and
 *   each `skip-check` entry of .checkov.yaml;
 * - checkov, CloudFormation: each `Metadata.checkov.skip` of the committed template (as written
 *   and resolved for the fixture) and of the CDK construct's synthesized template (the fixture,
 *   and all conditional resources present);
 * - cdk-nag: each acknowledgement of the construct (AwsSolutions and NIST 800-53 R5).
 * A skip changes only its own (check, resource) result, so each scan removes every skip of its
 * scope at once and must report exactly the removed ones as failed: a skip that hides nothing, or
 * a finding left that no skip names, fails. The scans run only the skipped checks (`--check`)
 * on copies of the affected directories or templates, which keeps them to seconds each.
 * @module
 */
import { App, Stack, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks, NIST80053R5Checks } from "cdk-nag";
import { dirname, join, normalize, relative } from "node:path";
import { assert, assertEquals } from "../harness/assert.ts";
import { PYTHON, REPO_ROOT } from "../harness/paths.ts";
import {
  acknowledgementsFor,
  QuiltMcpServer,
  type QuiltMcpServerProps,
} from "../../modules/cdk/mod.ts";
import { buildApp, EXAMPLE_PROPS } from "../../modules/cdk/example/app.ts";
import { evaluate, readTemplate, resolvedAsTemplate, type Template } from "./cfn_eval.ts";
import { checkov } from "./checkov.ts";
import { cdkProps, cfnParameters, FEATURES, FIXTURE } from "./flavours.ts";

/** One skip: the check, where it sits (`aws_lb.this`, `AWS::S3::Bucket.AccessLogsBucket`), why. */
interface Skip {
  readonly checkId: string;
  readonly resource: string;
  readonly reason: string;
}

const key = (f: { checkId: string; resource: string }) => `${f.checkId} on ${f.resource}`;

/** The blocks an inline skip can sit in, named as checkov names them. */
const BLOCK = /^(resource|data|module) "([^"]+)"(?: "([^"]+)")? \{/;
const INLINE_SKIP = /#\s*checkov:skip=([A-Z0-9_]+)(?::(.*))?$/;

/** The inline skips of one `.tf` file's text, each with the block it sits in. */
export function inlineSkips(text: string): Skip[] {
  const out: Skip[] = [];
  let block = "";
  for (const line of text.split("\n")) {
    const b = BLOCK.exec(line);
    if (b) {
      block = b[1] === "resource"
        ? `${b[2]}.${b[3]}`
        : b[1] === "data"
        ? `data.${b[2]}.${b[3]}`
        : `module.${b[2]}`;
    }
    const s = INLINE_SKIP.exec(line);
    if (s) out.push({ checkId: s[1], resource: block, reason: (s[2] ?? "").trim() });
  }
  return out;
}

/** The `skip-check` entries of a checkov configuration (`- ID  # reason`, or `[]`). */
export function configuredSkips(yaml: string): { checkId: string; reason: string }[] {
  const out: { checkId: string; reason: string }[] = [];
  let inList = false;
  for (const line of yaml.split("\n")) {
    if (/^skip-check:/.test(line)) {
      inList = true;
      continue;
    }
    if (inList && /^\S/.test(line)) inList = false;
    const m = inList ? /^\s*-\s*([A-Z0-9_]+)\s*(?:#\s*(.*))?$/.exec(line) : null;
    if (m) out.push({ checkId: m[1], reason: (m[2] ?? "").trim() });
  }
  return out;
}

/** Every `.tf` file of modules/ and examples/ (no tests, no data directories), repo-relative. */
function terraformFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of Deno.readDirSync(join(REPO_ROOT, dir))) {
      const path = join(dir, e.name);
      if (e.isDirectory && !["tests", ".terraform", "cdk", "cloudformation"].includes(e.name)) {
        walk(path);
      } else if (e.isFile && e.name.endsWith(".tf")) out.push(path);
    }
  };
  walk("modules");
  walk("examples");
  return out.sort();
}

/** A copy of every Terraform directory (relative sources keep working) under `root`. */
async function copyTerraform(root: string, files: readonly string[]): Promise<void> {
  for (const file of files) {
    await Deno.mkdir(join(root, dirname(file)), { recursive: true });
    await Deno.copyFile(join(REPO_ROOT, file), join(root, file));
  }
}

/**
 * A finding of a scan of `dir` as the skip that would hide it: the check, the file (repo-relative)
 * and the block within it (`module.alb.aws_lb.this` in an example is `aws_lb.this` of its file).
 */
function asSkipKey(dir: string, f: { checkId: string; resource: string; file: string }): string {
  const file = normalize(join(dir, f.file));
  return `${f.checkId} on ${f.resource.replace(/^(module\.[^.]+\.)+/, "")} in ${file}`;
}

/**
 * The directories whose scan reads a file of `skipDirs`: those directories and every module or
 * example that sources one of them (`source = "../../modules/alb"`), as make test scans each.
 */
async function scansSeeing(skipDirs: string[], files: readonly string[]): Promise<string[]> {
  const wanted = new Set(skipDirs);
  const out = new Set(skipDirs);
  for (const file of files) {
    const text = await Deno.readTextFile(join(REPO_ROOT, file));
    for (const m of text.matchAll(/^\s*source\s*=\s*"(\.\.?\/[^"]+)"/gm)) {
      if (wanted.has(normalize(join(dirname(file), m[1])))) out.add(dirname(file));
    }
  }
  return [...out].sort();
}

/** `fn` over `items`, at most `width` at a time (checkov takes a core each), results in order. */
async function inBatches<T, R>(
  items: T[],
  width: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) {
    out.push(...await Promise.all(items.slice(i, i + width).map(fn)));
  }
  return out;
}

Deno.test("checkov, Terraform: every inline skip hides exactly its finding", async () => {
  const files = terraformFiles();
  const expected: string[] = [];
  const ids = new Set<string>();
  for (const file of files) {
    for (const skip of inlineSkips(await Deno.readTextFile(join(REPO_ROOT, file)))) {
      expected.push(`${key(skip)} in ${file}`);
      ids.add(skip.checkId);
    }
  }
  assert(expected.length > 0, "no inline skip found: the parser is wrong or the test is moot");
  const work = await Deno.makeTempDir({ prefix: "quilt-mcp-skips-tf-" });
  try {
    // A copy without any inline skip (line numbers kept), scanned as make test scans: each module
    // and example on its own, so a module's skip counts where any composition of it needs it.
    // Only the scans that read a file with a skip run.
    await copyTerraform(work, files);
    for (const file of files) {
      const text = await Deno.readTextFile(join(work, file));
      await Deno.writeTextFile(join(work, file), text.replace(/#\s*checkov:skip=.*$/gm, ""));
    }
    const dirs = await scansSeeing(expected.map((e) => dirname(e.split(" in ").pop()!)), files);
    const reports = await inBatches(dirs, 2, (dir) =>
      checkov([
        "-d",
        join(work, dir),
        "--framework",
        "terraform",
        "--config-file",
        join(REPO_ROOT, ".checkov.yaml"),
        "--check",
        [...ids].join(","),
      ]));
    const actual = new Set(reports.flatMap((r, n) => r.failed.map((f) => asSkipKey(dirs[n], f))));
    assertEquals([...actual].sort(), expected.sort(), "skips and the findings without them differ");
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test("checkov, Terraform: every configured skip hides a finding", async () => {
  const config = await Deno.readTextFile(join(REPO_ROOT, ".checkov.yaml"));
  const dirs = [...new Set(terraformFiles().map(dirname))];
  const work = await Deno.makeTempDir({ prefix: "quilt-mcp-skips-config-" });
  try {
    for (const skip of configuredSkips(config)) {
      // The configuration without this one entry; the scan runs only its check.
      const without = join(work, `${skip.checkId}.yaml`);
      await Deno.writeTextFile(
        without,
        config.split("\n").filter((l) => !new RegExp(`^\\s*-\\s*${skip.checkId}\\b`).test(l))
          .join("\n"),
      );
      const report = await checkov([
        ...dirs.flatMap((d) => ["-d", join(REPO_ROOT, d)]),
        "--framework",
        "terraform",
        "--config-file",
        without,
        "--check",
        skip.checkId,
      ]);
      assert(report.failed.length > 0, `${skip.checkId} is skipped everywhere but fails nowhere`);
    }
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test("configuredSkips and inlineSkips read what checkov reads", () => {
  assertEquals(
    configuredSkips(
      "framework:\n  - terraform\nskip-check:\n  - CKV_AWS_1  # why\n  - CKV2_AWS_2\nx: 1\n",
    ),
    [{ checkId: "CKV_AWS_1", reason: "why" }, { checkId: "CKV2_AWS_2", reason: "" }],
  );
  assertEquals(configuredSkips("skip-check: []\n"), []);
  assertEquals(
    inlineSkips(
      'resource "aws_lb" "this" {\n  #checkov:skip=CKV2_AWS_76:a reason\n}\n' +
        'data "aws_iam_policy_document" "p" {\n  # checkov:skip=CKV_AWS_1:other\n}\n',
    ),
    [
      { checkId: "CKV2_AWS_76", resource: "aws_lb.this", reason: "a reason" },
      { checkId: "CKV_AWS_1", resource: "data.aws_iam_policy_document.p", reason: "other" },
    ],
  );
});

/** The checkov skips in a template's resource Metadata; removes them from `template`. */
function takeTemplateSkips(template: Template): Skip[] {
  const out: Skip[] = [];
  for (const [id, r] of Object.entries(template.Resources as Record<string, Template>)) {
    const skips = (r.Metadata?.checkov?.skip ?? []) as { id: string; comment: string }[];
    for (const s of skips) {
      out.push({ checkId: s.id, resource: `${r.Type}.${id}`, reason: s.comment });
    }
    if (r.Metadata?.checkov !== undefined) delete r.Metadata.checkov;
  }
  return out;
}

/** The CDK construct's template for `values` (FEATURES: every conditional resource present). */
function cdkTemplate(values: Readonly<Record<string, unknown>>): Template {
  const app = new App({ outdir: Deno.makeTempDirSync({ prefix: "quilt-mcp-skips-cdk-" }) });
  const stack = new Stack(app, "QuiltMcp", {
    env: { account: "123456789012", region: "us-east-1" },
  });
  new QuiltMcpServer(stack, "Server", cdkProps(values) as never);
  const out = app.synth();
  try {
    return structuredClone(out.getStackByName("QuiltMcp").template);
  } finally {
    Deno.removeSync(out.directory, { recursive: true });
  }
}

Deno.test("checkov, CloudFormation and CDK: every Metadata skip hides exactly its finding", async () => {
  // A skip's scope is one flavour: the committed template as written and as resolved for the
  // fixture (a skip may be needed in only one of them: checkov cannot evaluate parameters), and
  // the construct's synthesis for the fixture and with every conditional resource (FEATURES).
  const raw = await readTemplate(
    join(REPO_ROOT, "modules", "cloudformation", "quilt-mcp.yaml"),
    PYTHON,
  );
  const scopes: Record<string, Record<string, Template>> = {
    cloudformation: {
      "quilt-mcp.json": raw,
      "quilt-mcp.resolved.json": resolvedAsTemplate(evaluate(raw, cfnParameters(FIXTURE))),
    },
    cdk: { "cdk-fixture.json": cdkTemplate(FIXTURE), "cdk-features.json": cdkTemplate(FEATURES) },
  };
  const scopeOf = new Map<string, string>();
  const work = await Deno.makeTempDir({ prefix: "quilt-mcp-skips-cfn-" });
  try {
    const expected = new Set<string>();
    const ids = new Set<string>();
    for (const [scope, templates] of Object.entries(scopes)) {
      let found = 0;
      for (const [file, template] of Object.entries(templates)) {
        const skips = takeTemplateSkips(template);
        found += skips.length;
        skips.forEach((s) => {
          expected.add(`${scope}: ${key(s)}`);
          ids.add(s.checkId);
        });
        scopeOf.set(file, scope);
        await Deno.writeTextFile(join(work, file), JSON.stringify(template));
      }
      assert(found > 0, `${scope}: no skip found: the reader is wrong or the test is moot`);
    }
    const report = await checkov([
      "-d",
      work,
      "--framework",
      "cloudformation",
      "--check",
      [...ids].join(","),
    ]);
    const actual = new Set(
      report.failed.map((f) => `${scopeOf.get(relative(work, join(work, f.file)))}: ${key(f)}`),
    );
    assertEquals(
      [...actual].sort(),
      [...expected].sort(),
      "skips and the findings without them differ",
    );
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

/**
 * The findings of both cdk-nag packs on an app built without the construct's acknowledgements,
 * and the acknowledgements the construct would apply.
 */
function nagFindings(props: QuiltMcpServerProps): { raw: string[]; acks: string[] } {
  const proto = Object.getPrototypeOf(Validations.of(new App()));
  const acknowledge = proto.acknowledge;
  proto.acknowledge = () => {};
  try {
    const outdir = Deno.makeTempDirSync({ prefix: "quilt-mcp-skips-nag-" });
    try {
      const bare = buildApp(props, outdir);
      const raw = [new AwsSolutionsChecks(), new NIST80053R5Checks()].flatMap((pack) =>
        pack.validateScope(bare.app).violations.flatMap((v) =>
          v.violatingResources.map((r) =>
            `${v.ruleName} on ${String(r.constructPath).split("/").pop()}`
          )
        )
      );
      const acks = acknowledgementsFor(bare.server);
      for (const a of acks) {
        assert(a.reason.length >= 40, `${a.id} on ${a.construct}: a real reason`);
      }
      return { raw: [...new Set(raw)].sort(), acks: acks.map((a) => `${a.id} on ${a.construct}`) };
    } finally {
      Deno.removeSync(outdir, { recursive: true });
    }
  } finally {
    proto.acknowledge = acknowledge;
  }
}

for (
  const [label, props] of [
    ["the example app", () => EXAMPLE_PROPS],
    [
      "every conditional resource (FEATURES)",
      () => cdkProps(FEATURES) as unknown as QuiltMcpServerProps,
    ],
  ] as const
) {
  Deno.test(`cdk-nag, ${label}: every acknowledgement hides exactly its finding`, () => {
    const { raw, acks } = nagFindings(props());
    // Acknowledged and found are the same set: without one acknowledgement, exactly its finding
    // is reported; no acknowledgement is without a finding; no finding is unacknowledged.
    assertEquals(raw, [...acks].sort(), "findings and acknowledgements differ");
    assert(raw.length >= 10, `only ${raw.length} raw findings: did the packs run?`);
  });
}
