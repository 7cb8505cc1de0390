/**
 * AccessDenied end to end with IAM enforcement on in moto: the HTTP server signs AssumeRole as an
 * IAM user (the "task"), web principals act as per-user roles that hold exactly the rendered
 * policies/<category>.json (or nothing), and a denied call must come back as the clear tool error
 * naming the action and the category — not as a crash or a generic failure.
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
import {
  assert,
  assertEquals,
  assertMatch,
  MOTO_ACCOUNT,
  seedBucket,
  startMoto,
  startStack,
} from "../harness/mod.ts";
import { type Json, renderTemplate } from "../../policies/render.ts";
import placeholders from "../../policies/placeholders.json" with { type: "json" };
import { callError, callOk } from "./helpers_transports.ts";

const BUCKET = "ad-data";

async function rendered(category: string, values: Record<string, string | string[]>) {
  const template = JSON.parse(
    await Deno.readTextFile(new URL(`../../policies/${category}.json`, import.meta.url)),
  ) as Json;
  return JSON.stringify(renderTemplate(template, placeholders.placeholders as never, values));
}

Deno.test("AccessDenied from IAM-enforcing moto is a clear tool error", async (t) => {
  await using moto = await startMoto();
  const iam = new IAMClient(moto.clientConfig());
  // The task identity: an IAM user that may assume the data roles (enforcement needs real keys).
  await iam.send(new CreateUserCommand({ UserName: "mcp-task" }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: "mcp-task",
      PolicyName: "assume-data-roles",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
          Effect: "Allow",
          Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
          Resource: `arn:aws:iam::${MOTO_ACCOUNT}:role/ad-*`,
        }],
      }),
    }),
  );
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "mcp-task" }))).AccessKey!;
  // A desktop user with no policy at all, for stdio.
  await iam.send(new CreateUserCommand({ UserName: "ad-desktop" }));
  const desktopKey = (await iam.send(new CreateAccessKeyCommand({ UserName: "ad-desktop" })))
    .AccessKey!;
  const trust = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:user/mcp-task` },
      Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
    }],
  });
  const values = {
    bucket: [BUCKET],
    self_role_arn: [`arn:aws:iam::${MOTO_ACCOUNT}:role/ad-reader`],
  };
  const roles: Record<string, string[]> = {
    "ad-nothing": [],
    "ad-reader": ["s3-read", "governance"],
  };
  for (const [role, categories] of Object.entries(roles)) {
    await iam.send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: trust }));
    for (const category of categories) {
      const policy = await iam.send(
        new CreatePolicyCommand({
          PolicyName: `${role}-${category}`,
          PolicyDocument: await rendered(category, values),
        }),
      );
      await iam.send(
        new AttachRolePolicyCommand({ RoleName: role, PolicyArn: policy.Policy!.Arn! }),
      );
    }
  }
  iam.destroy();
  await seedBucket(moto, BUCKET, { "docs/readme.md": "hello" });

  await using stack = await startStack({
    moto,
    // startStack creates its roles; ours exist already (with a trust naming the task user).
    roles: ["ad-default"],
    categories: ["s3-read", "s3-write", "governance"],
    env: {
      AWS_ACCESS_KEY_ID: key.AccessKeyId!,
      AWS_SECRET_ACCESS_KEY: key.SecretAccessKey!,
      QUILT_MCP_BUCKETS: BUCKET,
      QUILT_MCP_ALLOWED_ROLE_ARNS: `arn:aws:iam::${MOTO_ACCOUNT}:role/ad-*`,
    },
  });
  // From here on moto authorizes every request against the caller's policies.
  const enforce = await fetch(`${moto.endpoint}/moto-api/reset-auth`, {
    method: "POST",
    body: "0",
  });
  assertEquals(enforce.status, 200);
  await enforce.body?.cancel();

  const as = (
    role: string,
    subject: string,
    era: "legacy" | "modern" = "legacy",
  ): Promise<Client & AsyncDisposable> =>
    stack.http(subject, { era, claims: { quilt_role_arns: stack.roleArn(role) } });

  await t.step("a role with the s3-read policy reads", async () => {
    await using reader = await as("ad-reader", "rita");
    const r = await callOk(reader, "bucket_object_text", { bucket: BUCKET, key: "docs/readme.md" });
    assertEquals(r.text, "hello");
    const listed = await callOk(reader, "bucket_objects_list", { bucket: BUCKET });
    assertEquals((listed.objects as unknown[]).length, 1);
  });

  const denials: Array<[string, Record<string, unknown>, string, string]> = [
    ["bucket_object_info", { bucket: BUCKET, key: "docs/readme.md" }, "s3:GetObject", "s3-read"],
    ["bucket_object_text", { bucket: BUCKET, key: "docs/readme.md" }, "s3:GetObject", "s3-read"],
    ["bucket_object_fetch", { bucket: BUCKET, key: "docs/readme.md" }, "s3:GetObject", "s3-read"],
    ["bucket_object_link", { bucket: BUCKET, key: "docs/readme.md" }, "s3:GetObject", "s3-read"],
    ["bucket_objects_list", { bucket: BUCKET }, "s3:ListBucket", "s3-read"],
    [
      "bucket_objects_put",
      { bucket: BUCKET, items: [{ key: "out/x.txt", text: "x" }] },
      "s3:PutObject",
      "s3-write",
    ],
  ];
  const expectDenied = async (client: Client) => {
    for (const [tool, args, action, category] of denials) {
      const message = await callError(client, tool, args);
      assertMatch(
        message,
        new RegExp(
          `^Access denied: ${action} on s3://${BUCKET}/.* is not allowed for this identity\\. It is granted by the '${category}' tool category policy \\(policies/${category}\\.json\\)\\.`,
        ),
        tool,
      );
    }
  };

  for (const era of ["legacy", "modern"] as const) {
    await t.step(
      `${era}: a role without the policies gets AccessDenied naming action and category`,
      async () => {
        await using nobody = await as("ad-nothing", `nora-${era}`, era);
        await expectDenied(nobody);
      },
    );
  }

  await t.step(
    "stdio: a desktop user without permissions gets the same clear denials",
    async () => {
      await using desktop = await stack.stdio({
        env: {
          AWS_ACCESS_KEY_ID: desktopKey.AccessKeyId!,
          AWS_SECRET_ACCESS_KEY: desktopKey.SecretAccessKey!,
        },
      });
      // Denied because of policy, not because of unusable keys: STS knows this user.
      const me = await callOk(desktop, "auth_status", {});
      assertEquals(me.aws_arn, `arn:aws:iam::${MOTO_ACCOUNT}:user/ad-desktop`);
      await expectDenied(desktop);
    },
  );

  await t.step("s3-write without its policy: the batch fails as one clear denial", async () => {
    await using reader = await as("ad-reader", "rita");
    const message = await callError(reader, "bucket_objects_put", {
      bucket: BUCKET,
      items: [{ key: "out/a.txt", text: "a" }, { key: "out/b.txt", text: "b" }],
    });
    assertMatch(
      message,
      /^Access denied: s3:PutObject on s3:\/\/ad-data\/out\/a\.txt is not allowed .*'s3-write' tool category policy .*Nothing was written\.$/,
    );
  });

  await t.step("permissions discovery reports denials as answers", async () => {
    await using nobody = await as("ad-nothing", "nora");
    const d = await callOk(nobody, "permissions_discover", {});
    const [b] = d.buckets as Array<Record<string, unknown>>;
    assertEquals([b.exists, b.list, b.read, b.write], [null, "denied", "unknown", "unknown"]);
    await using reader = await as("ad-reader", "rita");
    const r = await callOk(reader, "bucket_access_check", { bucket: BUCKET });
    assertEquals([r.exists, r.list, r.read, r.write], [true, "allowed", "allowed", "unknown"]);
    assert(
      (r.checks as Array<Record<string, unknown>>).every((c) => c.result === "allowed"),
      JSON.stringify(r.checks),
    );
  });
});
