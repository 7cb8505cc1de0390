/**
 * Customer-domain samples: the composed ones are exactly their categories (regenerate with
 * `deno run -A tests/policies/write_samples.ts`) and let every tool of their categories work; the
 * attribute-based one confines each person to their own home prefix and their team's share,
 * keyed on the session tags the trust policy admits.
 */
import assert from "node:assert/strict";
import {
  callersOf,
  composeSample,
  exampleValues,
  loadCategories,
  loadIndex,
  type PolicyDocument,
  readPolicyJson,
  renderFile,
} from "./bundle.ts";
import { type AuthzRequest, evaluate } from "./evaluator.ts";
import { exampleFixture, toolCalls } from "./tool_calls.ts";
import { listedOrFailing, once } from "../harness/setup.ts";

const composedSamples = listedOrFailing(
  "samples: the composed samples (policies/index.json)",
  () => Object.entries(loadIndex().samples).filter(([, s]) => s.compose),
);

for (const [name, sample] of composedSamples) {
  Deno.test(`samples: ${name} is exactly the composition of ${sample.compose!.join(", ")}`, () => {
    assert.deepEqual(readPolicyJson(sample.file), composeSample(name, loadIndex()));
  });

  Deno.test(`samples: ${name} lets every tool of its categories work`, () => {
    const categories = loadCategories().categories;
    const policy = renderFile(sample.file);
    const calls = toolCalls(exampleFixture());
    const tools = sample.categories.flatMap((c) => callersOf(categories[c]));
    for (const tool of tools) {
      for (const call of calls[tool]) {
        for (const request of call.aws) {
          assert.equal(
            evaluate([policy], request),
            "allow",
            `${tool} ${request.action} ${request.resource}`,
          );
        }
      }
    }
    // A sample grants nothing beyond what its categories need.
    const needed = new Set(
      tools.flatMap((t) => calls[t].flatMap((c) => c.aws.map((r) => r.action))),
    );
    const granted = policy.Statement.flatMap((s) => [s.Action ?? []].flat());
    assert.deepEqual(granted.filter((a) => !needed.has(a)), []);
  });
}

Deno.test("samples: the read-only analyst cannot write or delete anything", () => {
  const policy = renderFile("samples/read-only-analyst.json");
  const writes = policy.Statement.flatMap((s) => [s.Action ?? []].flat()).filter((a) =>
    /^s3:(Put|Delete)|^athena:Start/.test(a)
  );
  assert.deepEqual(writes, []);
});

const ABAC = "samples/abac-home-prefix.json";
const bucket = once(() => (exampleValues().bucket as string[])[0]);
const obj = (key: string) => `arn:aws:s3:::${bucket()}/${key}`;
const tags = {
  "aws:PrincipalTag/QuiltMcpSubject": "alice@acme.example",
  "aws:PrincipalTag/QuiltMcpTeam": "variants",
};
const abac = (): PolicyDocument => renderFile(ABAC);
const decide = (request: AuthzRequest) => evaluate([abac()], request);

Deno.test("samples: ABAC — each person reads and writes only their own home prefix", () => {
  const ctx = { context: tags };
  for (const action of ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]) {
    assert.equal(
      decide({ action, resource: obj("home/alice@acme.example/results.csv"), ...ctx }),
      "allow",
      action,
    );
    assert.equal(
      decide({ action, resource: obj("home/bob@acme.example/results.csv"), ...ctx }),
      "implicit-deny",
      action,
    );
    assert.equal(
      decide({ action, resource: obj("home/alice@acme.example.evil/x"), ...ctx }),
      "implicit-deny",
      action,
    );
  }
  const list = (prefix: string) =>
    decide({
      action: "s3:ListBucket",
      resource: `arn:aws:s3:::${bucket()}`,
      context: { ...tags, "s3:prefix": prefix },
    });
  assert.equal(list("home/alice@acme.example/"), "allow");
  assert.equal(list("home/alice@acme.example/2026/"), "allow");
  assert.equal(list("home/bob@acme.example/"), "implicit-deny");
  assert.equal(list("home/"), "implicit-deny");
  assert.equal(list(""), "implicit-deny");
  assert.equal(
    decide({ action: "s3:ListBucket", resource: `arn:aws:s3:::${bucket()}`, context: tags }),
    "implicit-deny",
  );
  assert.equal(
    decide({
      action: "s3:DeleteObject",
      resource: obj("home/alice@acme.example/x"),
      context: tags,
    }),
    "implicit-deny",
  );
  assert.equal(
    decide({
      action: "s3:GetObject",
      resource: `arn:aws:s3:::acme-finance-ledger/home/alice@acme.example/x`,
      context: tags,
    }),
    "implicit-deny",
  );
});

Deno.test("samples: ABAC — the team share is readable, not writable, and only for one's own team", () => {
  assert.equal(
    decide({ action: "s3:GetObject", resource: obj("teams/variants/panel.vcf"), context: tags }),
    "allow",
  );
  assert.equal(
    decide({ action: "s3:PutObject", resource: obj("teams/variants/panel.vcf"), context: tags }),
    "implicit-deny",
  );
  assert.equal(
    decide({ action: "s3:GetObject", resource: obj("teams/proteomics/x"), context: tags }),
    "implicit-deny",
  );
  assert.equal(
    decide({
      action: "s3:ListBucket",
      resource: `arn:aws:s3:::${bucket()}`,
      context: { ...tags, "s3:prefix": "teams/variants/" },
    }),
    "allow",
  );
});

Deno.test("samples: ABAC — a session without the tags gets nothing", () => {
  const without = (key: string) =>
    Object.fromEntries(Object.entries(tags).filter(([k]) => k !== key));
  assert.equal(
    decide({ action: "s3:GetObject", resource: obj("home/alice@acme.example/x") }),
    "implicit-deny",
  );
  assert.equal(
    decide({
      action: "s3:GetObject",
      resource: obj("home/alice@acme.example/x"),
      context: without("aws:PrincipalTag/QuiltMcpSubject"),
    }),
    "implicit-deny",
  );
  assert.equal(
    decide({
      action: "s3:GetObject",
      resource: obj("teams/variants/x"),
      context: without("aws:PrincipalTag/QuiltMcpTeam"),
    }),
    "implicit-deny",
  );
  // A wildcard can never arrive through a tag (the server's tag sanitizer drops '*' and '?'), and
  // even a literal '*' value matches only itself.
  assert.equal(
    decide({
      action: "s3:GetObject",
      resource: obj("home/bob@acme.example/x"),
      context: { "aws:PrincipalTag/QuiltMcpSubject": "*" },
    }),
    "implicit-deny",
  );
});

Deno.test("samples: ABAC — a tag value with '/' cannot reach into someone else's prefix", () => {
  // Tag values may contain '/', so subject "alice@acme.example/x" would otherwise own
  // home/alice@acme.example/x/… inside Alice's home. Such sessions get nothing from the sample.
  const sneaky = { ...tags, "aws:PrincipalTag/QuiltMcpSubject": "alice@acme.example/x" };
  for (const action of ["s3:GetObject", "s3:PutObject"]) {
    assert.equal(
      decide({ action, resource: obj("home/alice@acme.example/x/y.csv"), context: sneaky }),
      "implicit-deny",
      action,
    );
  }
  assert.equal(
    decide({
      action: "s3:ListBucket",
      resource: `arn:aws:s3:::${bucket()}`,
      context: { ...sneaky, "s3:prefix": "home/alice@acme.example/x/" },
    }),
    "implicit-deny",
  );
  const sneakyTeam = { ...tags, "aws:PrincipalTag/QuiltMcpTeam": "variants/private" };
  assert.equal(
    decide({
      action: "s3:GetObject",
      resource: obj("teams/variants/private/x"),
      context: sneakyTeam,
    }),
    "implicit-deny",
  );
  // …while ordinary values keep working.
  assert.equal(
    decide({
      action: "s3:GetObject",
      resource: obj("home/alice@acme.example/x/y.csv"),
      context: tags,
    }),
    "allow",
  );
});

Deno.test("samples: ABAC — the tags it relies on are exactly what the trust policy admits", () => {
  // QuiltMcpSubject is always sent; QuiltMcpTeam must be a configured extra session tag key.
  const trust = JSON.stringify(renderFile("trust/data-role-trust.json"));
  const used = [
    ...JSON.stringify(readPolicyJson(ABAC)).matchAll(/\$\{aws:PrincipalTag\/([^}]+)\}/g),
  ].map((m) => m[1]);
  assert.deepEqual([...new Set(used)].sort(), ["QuiltMcpSubject", "QuiltMcpTeam"]);
  for (const key of used) {
    assert.ok(trust.includes(`"${key}"`), `the trust policy does not admit the ${key} tag`);
  }
});
