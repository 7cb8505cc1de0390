/**
 * Sufficiency and minimality against the emulator with IAM enforcement on. For each category a
 * data role holding only that category's rendered policy, assumed by the task principal with the
 * server's session tags and source identity, runs every call of the category's tools:
 * - with the policy, every call is authorized;
 * - without it, every call the emulator authorizes is refused with AccessDenied;
 * - without any single action, exactly the calls the emulator authorizes by that action are
 *   refused and all others still pass — unless no call of the category is checked by that action
 *   in the emulator, which must be a documented gap (EXPECTED_EMULATOR_GAPS) with its reason.
 */
import assert from "node:assert/strict";
import {
  callersOf,
  categoryTemplate,
  loadCategories,
  loadIndex,
  type PolicyDocument,
} from "./bundle.ts";
import { type IamEmulator, type Outcome, outcomeOf, startIamEmulator } from "./emulator.ts";
import { actionsOf, withoutAction } from "./mutations.ts";
import { type ApiCall, outOfScope, toolCalls } from "./tool_calls.ts";
import { type AuthzRequest, evaluate } from "./evaluator.ts";
import {
  DeleteObjectCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { once } from "../harness/setup.ts";

// Set-up shared by the tests, done on first use inside a test (a failure fails the tests
// that need it, not the whole module).
const setup = once(() => {
  const categories = loadCategories().categories;
  const index = loadIndex();
  return { categories, index };
});

/**
 * Actions a category needs that no emulator request checks, each with the reason. The test fails
 * if this list and the measured gaps differ in either direction.
 */
const EXPECTED_EMULATOR_GAPS: Record<string, Record<string, string>> = {
  athena: Object.fromEntries(
    [
      "glue:BatchGetPartition",
      "glue:GetDatabase",
      "glue:GetPartitions",
      "s3:AbortMultipartUpload",
      "s3:GetBucketLocation",
      "s3:GetObject",
      "s3:ListBucket",
      "s3:ListBucketMultipartUploads",
      "s3:ListMultipartUploadParts",
      "s3:PutObject",
    ].map((action) => [
      action,
      "Athena performs it with the caller's credentials while planning and running a query or reading results; moto's Athena touches neither Glue nor S3 (the evaluator proves these in least_privilege_test.ts)",
    ]),
  ),
};

async function runAll(
  emu: IamEmulator,
  calls: ApiCall[],
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
) {
  const clients = emu.clients(credentials);
  try {
    const out: { call: ApiCall; outcome: Outcome }[] = [];
    for (const call of calls) {
      const unimplementedMeansAuthorized = "enforces" in call.emulator &&
        call.emulator.unimplemented !== undefined;
      out.push({
        call,
        outcome: await outcomeOf(() => call.run(clients, emu.fx), { unimplementedMeansAuthorized }),
      });
    }
    return out;
  } finally {
    Object.values(clients).forEach((c) => c.destroy());
  }
}

/** The S3 request behind an out-of-scope authorization, when the emulator can express it. */
function s3RequestFor(request: AuthzRequest): ApiCall | null {
  const m = /^arn:aws:s3:::([^/]+)(?:\/(.*))?$/.exec(request.resource);
  if (!m) return null;
  const [, Bucket, Key] = m;
  const prefix = request.context?.["s3:prefix"] as string | undefined;
  const runs: Record<string, ApiCall["run"]> = {
    "s3:GetObject": (c) => c.s3.send(new GetObjectCommand({ Bucket, Key })),
    "s3:PutObject": (c) => c.s3.send(new PutObjectCommand({ Bucket, Key, Body: "x" })),
    "s3:DeleteObject": (c) => c.s3.send(new DeleteObjectCommand({ Bucket, Key })),
    "s3:ListBucket": (c) =>
      c.s3.send(new ListObjectsV2Command({ Bucket, Prefix: prefix, MaxKeys: 1 })),
    "s3:GetBucketLocation": (c) => c.s3.send(new GetBucketLocationCommand({ Bucket })),
  };
  const run = runs[request.action];
  if (
    !run ||
    (Key === undefined) !== ["s3:ListBucket", "s3:GetBucketLocation"].includes(request.action)
  ) return null;
  return {
    tool: "(out of scope)",
    api: request.action,
    why: `${request.resource} ${prefix === undefined ? "" : `prefix ${prefix}`}`,
    aws: [request],
    emulator: { enforces: request.action },
    run,
  };
}

/** The policy without its conditions: what the emulator, which ignores conditions, enforces. */
function withoutConditions(policy: PolicyDocument): PolicyDocument {
  return { ...policy, Statement: policy.Statement.map(({ Condition: _c, ...rest }) => rest) };
}

const label = (c: ApiCall) => `${c.tool} ${c.api}: ${c.why}`;
const enforced = (c: ApiCall) => ("enforces" in c.emulator ? c.emulator.enforces : undefined);

Deno.test("emulator: every category policy is sufficient and minimal under IAM enforcement", async (t) => {
  const { categories, index } = setup();
  await using emu = await startIamEmulator();
  const calls = toolCalls(emu.fx);
  const measuredGaps: Record<string, string[]> = {};

  for (const [category, entry] of Object.entries(index.categories)) {
    if (entry.policy === null) continue;
    const template = categoryTemplate(category, index) as unknown as PolicyDocument;
    const categoryCalls = callersOf(categories[category]).flatMap((tool) => calls[tool]);
    const role = await emu.createDataRole(category);
    const session = await role.assume();

    await t.step(
      `${category}: every tool call is authorized with the category policy`,
      async () => {
        await role.setPolicy(emu.render(template));
        const results = await runAll(emu, categoryCalls, session);
        assert.deepEqual(
          results.filter((r) => r.outcome !== "authorized").map((r) =>
            `${label(r.call)} → ${r.outcome}`
          ),
          [],
        );
      },
    );

    await t.step(
      `${category}: without the policy every checked call gets AccessDenied`,
      async () => {
        await role.setPolicy(null);
        const results = await runAll(emu, categoryCalls, session);
        for (const { call, outcome } of results) {
          assert.equal(outcome, enforced(call) ? "denied" : "authorized", label(call));
        }
        assert.ok(results.some((r) => r.outcome === "denied"));
      },
    );

    await t.step(
      `${category}: out-of-scope S3 requests are refused by the emulator too`,
      async () => {
        const rendered = emu.render(template);
        await role.setPolicy(rendered);
        // Only refusals that do not rest on a Condition: the emulator ignores conditions (the
        // evaluator proves those in least_privilege_test.ts).
        const probes = outOfScope(emu.fx)[category]
          .filter((r) => evaluate([withoutConditions(rendered)], r) !== "allow")
          .map(s3RequestFor)
          .filter((c): c is ApiCall => c !== null);
        const results = await runAll(emu, probes, session);
        for (const { call, outcome } of results) {
          assert.equal(outcome, "denied", `${call.api} ${call.why}`);
        }
        if (category !== "athena" && category !== "governance") {
          assert.ok(results.length >= 2, "probes ran");
        }
      },
    );

    await t.step(
      `${category}: removing any one action refuses exactly the calls checked by it`,
      async () => {
        const gaps: string[] = [];
        for (const action of actionsOf(template)) {
          await role.setPolicy(emu.render(withoutAction(template, action)));
          const results = await runAll(emu, categoryCalls, session);
          for (const { call, outcome } of results) {
            const expected = enforced(call) === action ? "denied" : "authorized";
            assert.equal(outcome, expected, `without ${action}: ${label(call)}`);
          }
          if (
            !categoryCalls.some((c) => enforced(c) === action)
          ) {
            gaps.push(action);
            const needing = categoryCalls.filter((c) => c.aws.some((r) => r.action === action));
            assert.ok(needing.length > 0, `${action} is needed by no call`);
            for (const c of needing) {
              assert.ok(
                (c.unenforced ?? "").length > 20,
                `${label(c)}: why is ${action} not checked?`,
              );
            }
          }
        }
        measuredGaps[category] = gaps;
      },
    );
  }

  await t.step("the actions the emulator cannot check are exactly the documented gaps", () => {
    const expected = Object.fromEntries(
      Object.keys(measuredGaps).map((
        c,
      ) => [c, Object.keys(EXPECTED_EMULATOR_GAPS[c] ?? {}).sort()]),
    );
    assert.deepEqual(measuredGaps, expected);
  });
});
