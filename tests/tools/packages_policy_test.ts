/**
 * The package, search and catalog tools under IAM enforcement in moto, with per-user roles that
 * hold exactly the rendered category policies: each tool works with its own category's policy
 * (sufficiency — no call outside policies/<category>.json), and without it fails with the clear
 * AccessDenied message that names the action and the category.
 */
import {
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import type { Client } from "@modelcontextprotocol/client";
import placeholders from "../../policies/placeholders.json" with { type: "json" };
import { type Json, renderTemplate } from "../../policies/render.ts";
import {
  adminS3,
  assert,
  assertEquals,
  assertMatch,
  MOTO_ACCOUNT,
  seedBucket,
  startMoto,
  startStack,
} from "../harness/mod.ts";
import { callError, callOk } from "./helpers_transports.ts";
import { writeRevision } from "./peer/mod.ts";

const BUCKET = "pp-reg";

async function rendered(category: string, values: Record<string, string | string[]>) {
  const template = JSON.parse(
    await Deno.readTextFile(new URL(`../../policies/${category}.json`, import.meta.url)),
  ) as Json;
  return JSON.stringify(renderTemplate(template, placeholders.placeholders as never, values));
}

Deno.test("package tools under IAM enforcement: own policy suffices, none gives clear denials", async (t) => {
  await using moto = await startMoto();
  const iam = new IAMClient(moto.clientConfig());
  await iam.send(new CreateUserCommand({ UserName: "pp-task" }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: "pp-task",
      PolicyName: "assume-data-roles",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
          Effect: "Allow",
          Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
          Resource: `arn:aws:iam::${MOTO_ACCOUNT}:role/pp-*`,
        }],
      }),
    }),
  );
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "pp-task" }))).AccessKey!;
  const trust = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:user/pp-task` },
      Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
    }],
  });
  const roles: Record<string, string[]> = {
    "pp-nothing": [],
    "pp-reader": ["packages-read"],
    "pp-publisher": ["packages-read", "packages-write"],
    "pp-searcher": ["search"],
  };
  for (const [role, categories] of Object.entries(roles)) {
    await iam.send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: trust }));
    for (const category of categories) {
      const policy = await iam.send(
        new CreatePolicyCommand({
          PolicyName: `${role}-${category}`,
          PolicyDocument: await rendered(category, { bucket: [BUCKET] }),
        }),
      );
      await iam.send(
        new AttachRolePolicyCommand({ RoleName: role, PolicyArn: policy.Policy!.Arn! }),
      );
    }
  }
  iam.destroy();
  await seedBucket(moto, BUCKET, { "data/a.csv": "a,b\n", "data/b.csv": "c,d\n" }, {
    versioned: true,
  });
  const s3 = adminS3(moto);
  const rev1 = await writeRevision(s3, BUCKET, "team/pkg", {
    files: [{ lk: "a.txt" }],
    message: "one",
    userMeta: `{"topic": "policies"}`,
    timestamp: 1700000000,
  });
  const rev2 = await writeRevision(s3, BUCKET, "team/pkg", {
    files: [{ lk: "a.txt" }, { lk: "b.txt" }],
    message: "two",
    userMeta: `{"topic": "policies"}`,
    timestamp: 1700000100,
  });
  s3.destroy();

  await using stack = await startStack({
    moto,
    roles: ["pp-default"],
    categories: ["packages-read", "packages-write", "search", "catalog"],
    env: {
      AWS_ACCESS_KEY_ID: key.AccessKeyId!,
      AWS_SECRET_ACCESS_KEY: key.SecretAccessKey!,
      QUILT_MCP_BUCKETS: BUCKET,
      QUILT_MCP_ALLOWED_ROLE_ARNS: `arn:aws:iam::${MOTO_ACCOUNT}:role/pp-*`,
      QUILT_MCP_RATE_LIMIT_BURST: "100000",
      QUILT_MCP_RATE_LIMIT_PER_MINUTE: "100000",
    },
  });
  const enforce = await fetch(`${moto.endpoint}/moto-api/reset-auth`, {
    method: "POST",
    body: "0",
  });
  assertEquals(enforce.status, 200);
  await enforce.body?.cancel();
  const as = (role: string, subject: string): Promise<Client & AsyncDisposable> =>
    stack.http(subject, { claims: { quilt_role_arns: stack.roleArn(role) } });

  const reads: [string, Record<string, unknown>][] = [
    ["package_list", { bucket: BUCKET }],
    ["package_versions", { bucket: BUCKET, package: "team/pkg" }],
    ["package_browse", { bucket: BUCKET, package: "team/pkg" }],
    ["package_browse", { bucket: BUCKET, package: "team/pkg", top_hash: rev1.slice(0, 8) }],
    ["package_diff", { bucket: BUCKET, package: "team/pkg", top_hash: rev1 }],
  ];

  await t.step("packages-read policy alone runs every read tool", async () => {
    await using reader = await as("pp-reader", "rhea");
    for (const [tool, args] of reads) await callOk(reader, tool, args);
    const diff = await callOk(reader, "package_diff", {
      bucket: BUCKET,
      package: "team/pkg",
      top_hash: rev1,
    });
    assertEquals((diff.to as { top_hash: string }).top_hash, rev2);
  });

  await t.step("search policy alone runs package_search; catalog tools need none", async () => {
    await using searcher = await as("pp-searcher", "sam");
    const found = await callOk(searcher, "package_search", { bucket: BUCKET, query: "policies" });
    assertEquals((found.results as { name: string }[]).map((r) => r.name), ["team/pkg"]);
    await callOk(searcher, "catalog_uri", { bucket: BUCKET, package: "team/pkg" });
    await using nobody = await as("pp-nothing", "nils");
    await callOk(nobody, "catalog_url", {
      bucket: BUCKET,
      package: "team/pkg",
      catalog: "catalog.example.com",
    });
  });

  await t.step("packages-read + packages-write publish, update and delete", async () => {
    await using publisher = await as("pp-publisher", "paula");
    const created = await callOk<{ top_hash: string }>(publisher, "package_create", {
      bucket: BUCKET,
      package: "team/new",
      source: { prefix: "data/" },
      message: "from data",
    });
    // The summary's files go to .quilt/summaries/ (the policy's only PutObject beyond manifests
    // and pointers), then the revision is published like package_update's.
    const summarized = await callOk<{ top_hash: string }>(publisher, "package_summarize", {
      bucket: BUCKET,
      package: "team/new",
      parent_top_hash: created.top_hash,
    });
    const updated = await callOk<{ top_hash: string }>(publisher, "package_update", {
      bucket: BUCKET,
      package: "team/new",
      parent_top_hash: summarized.top_hash,
      remove: ["b.csv"],
    });
    const deleted = await callOk(publisher, "package_delete", {
      bucket: BUCKET,
      package: "team/new",
      top_hash: updated.top_hash,
    });
    assertEquals(deleted.new_latest, summarized.top_hash);
    await callOk(publisher, "package_delete", { bucket: BUCKET, package: "team/new" });
  });

  await t.step(
    "without the policies: AccessDenied naming the action and the category",
    async () => {
      await using nobody = await as("pp-nothing", "nils");
      const denied = (category: string, action: string) =>
        new RegExp(
          `^(Entry "[^"]+": )?Access denied: ${action} on s3://${BUCKET}/.* is not allowed for this identity\\. It is granted by the '${category}' tool category policy \\(policies/${category}\\.json\\)\\.`,
        );
      for (const [tool, args] of reads) {
        assertMatch(
          await callError(nobody, tool, args),
          denied("packages-read", "s3:(GetObject|ListBucket)"),
          tool,
        );
      }
      assertMatch(
        await callError(nobody, "package_search", { bucket: BUCKET, query: "x" }),
        denied("search", "s3:ListBucket"),
      );
      for (
        const [tool, args] of [
          ["package_create", { bucket: BUCKET, package: "team/x", entries: [] }],
          ["package_update", { bucket: BUCKET, package: "team/pkg", parent_top_hash: rev2 }],
          ["package_delete", { bucket: BUCKET, package: "team/pkg" }],
        ] as const
      ) {
        assertMatch(
          await callError(nobody, tool, args),
          denied("packages-write", "s3:(GetObject|ListBucket)"),
          tool,
        );
      }
      // A reader may read pointers and manifests but not publish.
      await using reader = await as("pp-reader", "rhea");
      const message = await callError(reader, "package_create", {
        bucket: BUCKET,
        package: "team/x",
        source: { prefix: "data/" },
      });
      assertMatch(message, denied("packages-write", "s3:(ListBucket|GetObject)"));
      // Reading the package is enough to plan a summary, not to store it.
      assertMatch(
        await callError(reader, "package_summarize", {
          bucket: BUCKET,
          package: "team/pkg",
          parent_top_hash: rev2,
        }),
        denied("packages-write", "s3:PutObject"),
      );
      const versions = await callOk(reader, "package_versions", {
        bucket: BUCKET,
        package: "team/pkg",
      });
      assert((versions.versions as unknown[]).length === 2, "nothing was published or deleted");
    },
  );
});
