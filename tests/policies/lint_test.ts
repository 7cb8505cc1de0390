/**
 * Static lint of every rendered policy: IAM grammar and this bundle's least-privilege rules (own
 * checker), the IAM size limits, and parliament (PyPI) with an explicit allow-list of findings.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { PYTHON } from "../harness/paths.ts";
import type { PlaceholderValues } from "../../policies/render.ts";
import { exampleValues, loadIndex, type PolicyDocument, renderFile } from "./bundle.ts";
import { lintPolicy, type PolicyKind } from "./grammar.ts";
import { once } from "../harness/setup.ts";

// Set-up shared by the tests, done on first use inside a test (a failure fails the tests
// that need it, not the whole module).
const setup = once(() => {
  const index = loadIndex();
  const unscopable = new Set(index.unscopable.map((u) => u.action));
  return { index, unscopable };
});

/** Every template with its kind. */
function bundle(): { file: string; kind: PolicyKind }[] {
  const { index } = setup();
  return [
    ...Object.values(index.categories).flatMap((
      c,
    ) => (c.policy ? [{ file: c.policy, kind: "identity" as const }] : [])),
    ...Object.values(index.identity).map((i) => ({ file: i.file, kind: i.kind })),
    ...Object.values(index.samples).map((s) => ({ file: s.file, kind: "identity" as const })),
  ];
}

/** Value sets that stress the renderer: the examples, one value per list, many values, no extra tags. */
function valueSets(): [string, PlaceholderValues][] {
  const ex = exampleValues();
  return [
    ["examples", ex],
    ["single values", {
      ...ex,
      bucket: ["acme-one"],
      glue_database: ["db"],
      data_role_arn: ["arn:aws:iam::123456789012:role/data"],
      self_role_arn: ["arn:aws:iam::123456789012:role/data"],
      session_tag_key: [],
      athena_results_prefix: "",
      subject_pattern: "*@acme.example*",
    }],
    ["GovCloud, many buckets", {
      ...ex,
      partition: "aws-us-gov",
      region: "us-gov-west-1",
      bucket: Array.from({ length: 12 }, (_, i) => `acme-genomics-bucket-${i}`),
    }],
  ];
}

Deno.test("lint: every rendered policy passes the IAM grammar and least-privilege rules", () => {
  const { unscopable } = setup();
  for (const [label, values] of valueSets()) {
    for (const { file, kind } of bundle()) {
      const problems = lintPolicy(renderFile(file, values), { kind, unscopable });
      assert.deepEqual(problems, [], `${file} (${label})`);
    }
  }
});

Deno.test("lint: the checker rejects each banned pattern (it can fail)", () => {
  const { unscopable } = setup();
  const ok = { Sid: "Ok", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" };
  const policy = (stmt: object) => ({ Version: "2012-10-17", Statement: [stmt] });
  const cases: [object, "identity" | "trust", RegExp][] = [
    [policy({ ...ok, Action: "*" }), "identity", /wildcard action/],
    [policy({ ...ok, Action: "s3:*" }), "identity", /wildcard action/],
    [policy({ ...ok, Action: "s3:Get*" }), "identity", /wildcard action/],
    [policy({ ...ok, Resource: "*" }), "identity", /Resource "\*" for scopable/],
    [
      policy({ ...ok, Action: "iam:PassRole", Resource: "arn:aws:iam::123456789012:role/x" }),
      "identity",
      /PassRole/,
    ],
    [policy({ ...ok, NotAction: "s3:DeleteObject" }), "identity", /NotAction is not allowed/],
    [policy({ ...ok, NotResource: "arn:aws:s3:::b" }), "identity", /NotResource is not allowed/],
    [
      policy({ ...ok, Condition: { StringSortOf: { "s3:prefix": "a" } } }),
      "identity",
      /unknown condition operator/,
    ],
    [
      policy({ ...ok, Condition: { Null: { "s3:prefix": "yes" } } }),
      "identity",
      /Null s3:prefix takes/,
    ],
    [policy({ ...ok, Effect: "Permit" }), "identity", /Effect must be/],
    [policy({ ...ok, Resource: "bucket/*" }), "identity", /malformed resource ARN/],
    [policy({ ...ok, Sid: undefined }), "identity", /needs a Sid/],
    [{ Version: "2008-10-17", Statement: [ok] }, "identity", /Version/],
    [{ Version: "2012-10-17", Statement: [ok, ok] }, "identity", /duplicate Sid/],
    [
      policy({ Sid: "T", Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }),
      "trust",
      /wildcard Principal/,
    ],
    [
      policy({ Sid: "T", Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }),
      "trust",
      /wildcard principal/,
    ],
    [
      policy({
        Sid: "T",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:role/*" },
        Action: "sts:AssumeRole",
      }),
      "trust",
      /wildcard principal/,
    ],
    [
      policy({ ...ok, Principal: { AWS: "arn:aws:iam::123456789012:role/t" } }),
      "identity",
      /no Principal/,
    ],
    [policy({ Sid: "T", Effect: "Allow", Action: "sts:AssumeRole" }), "trust", /Principal must be/],
  ];
  for (const [p, kind, message] of cases) {
    const problems = lintPolicy(p, { kind, unscopable });
    assert.ok(
      problems.some((m) => message.test(m)),
      `${JSON.stringify(p)} → ${JSON.stringify(problems)}`,
    );
  }
});

/** The most 24-character bucket names each kind of template must hold within the size limits. */
const BUCKETS_THAT_MUST_FIT = { category: 20, sample: 8 };

Deno.test("lint: rendered policies fit the IAM size limits with many buckets", () => {
  const { index } = setup();
  // Managed policies: 6,144 characters without whitespace; role trust policies: 2,048 by default.
  // README documents these capacities; beyond them attach the category policies separately.
  const sampleFiles = new Set(Object.values(index.samples).map((s) => s.file));
  for (const { file, kind } of bundle()) {
    const n = sampleFiles.has(file) ? BUCKETS_THAT_MUST_FIT.sample : BUCKETS_THAT_MUST_FIT.category;
    const bucket = Array.from(
      { length: n },
      (_, i) => `acme-genomics-bucket-${String(i).padStart(2, "0")}`,
    );
    const size =
      JSON.stringify(renderFile(file, { ...exampleValues(), bucket })).replace(/\s/g, "").length;
    assert.ok(
      size <= (kind === "trust" ? 2048 : 6144),
      `${file} with ${n} buckets is ${size} characters`,
    );
  }
});

/**
 * Every parliament finding the bundle is expected to produce, each with the reason it is accepted.
 * A finding not listed fails the test, and so does a listed one that no longer appears.
 */
const EXPECTED_PARLIAMENT_FINDINGS: { file: string; issue: string; reason: string }[] = [
  {
    file: "trust/task-role-assume.json",
    issue: "CREDENTIALS_EXPOSURE",
    reason:
      "sts:AssumeRole returns credentials by design: assuming the allow-listed data roles is the task role's whole job in per-user mode. The resource is limited to ${data_role_arn} and each data role's trust policy adds the tag and source-identity conditions.",
  },
  {
    file: "trust/data-role-trust.json",
    issue: "CREDENTIALS_EXPOSURE",
    reason:
      "Linted as its identity-policy projection (see below); granting sts:AssumeRole is what a trust policy is for, limited to the task role principal and the session-tag/source-identity conditions.",
  },
  {
    file: "trust/ecs-tasks-trust.json",
    issue: "CREDENTIALS_EXPOSURE",
    reason:
      "Linted as its identity-policy projection; ECS must assume the task and execution roles to run the service, limited to this account's ECS tasks by aws:SourceAccount and aws:SourceArn.",
  },
];

/**
 * parliament reads identity policies only: a trust policy has no Resource and would be reported
 * MALFORMED. It is linted as its projection — the same actions and conditions with the role as
 * Resource and no Principal — so parliament still checks the actions and that each condition key
 * is documented for the action it guards.
 */
function forParliament(policy: PolicyDocument, kind: PolicyKind): PolicyDocument {
  if (kind === "identity") return policy;
  return {
    ...policy,
    Statement: policy.Statement.map(({ Principal: _p, ...rest }) => ({
      ...rest,
      Resource: "arn:aws:iam::123456789012:role/protected-role",
    })),
  };
}

Deno.test("lint: parliament reports nothing beyond the explained findings", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parliament-" });
  try {
    const paths = new Map<string, string>();
    for (const { file, kind } of bundle()) {
      const path = join(dir, file.replaceAll("/", "__"));
      await Deno.writeTextFile(
        path,
        JSON.stringify(forParliament(renderFile(file), kind), null, 2),
      );
      paths.set(path, file);
    }
    // A canary proves parliament really runs and reports: an unknown action must be flagged.
    const canary = join(dir, "canary.json");
    await Deno.writeTextFile(
      canary,
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
          Sid: "C",
          Effect: "Allow",
          Action: "s3:GetObjekt",
          Resource: "arn:aws:s3:::b/*",
        }],
      }),
    );
    const out = await new Deno.Command(PYTHON, {
      args: [join(import.meta.dirname!, "parliament_check.py"), canary, ...paths.keys()],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const report = JSON.parse(new TextDecoder().decode(out.stdout)) as Record<
      string,
      { issue: string; detail: unknown }[]
    >;
    assert.ok(
      report[canary].some((f) => f.issue === "UNKNOWN_ACTION"),
      "parliament flags the canary",
    );
    delete report[canary];
    assert.equal(Object.keys(report).length, paths.size, "parliament analysed every policy");
    const found = Object.entries(report).flatMap(([path, findings]) =>
      findings.map((f) => ({ file: paths.get(path)!, issue: f.issue, detail: f.detail }))
    );
    const key = (f: { file: string; issue: string }) => `${f.file} ${f.issue}`;
    const expected = new Set(EXPECTED_PARLIAMENT_FINDINGS.map(key));
    const unexpected = found.filter((f) => !expected.has(key(f)));
    assert.deepEqual(unexpected, [], "unexplained parliament findings");
    const seen = new Set(found.map(key));
    assert.deepEqual(
      [...expected].filter((k) => !seen.has(k)),
      [],
      "allow-listed findings that no longer occur",
    );
    for (const e of EXPECTED_PARLIAMENT_FINDINGS) assert.ok(e.reason.length > 40);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
