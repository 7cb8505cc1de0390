/**
 * Data that survives (issue 17 item 4): the KMS keys, the HS256 secret, the log groups, the audit
 * trail's bucket and the access log bucket outlive a stack delete or a replacement. The CloudFormation template and the
 * CDK construct retain them (DeletionPolicy and UpdateReplacePolicy Retain) unless the stack-only
 * setting RetainDataOnDelete / `retainDataOnDelete` is false (the bucket follows force-destroy); the Terraform modules create
 * the same data resources and protect them the Terraform way (KMS deletion window, Secrets
 * Manager recovery window, bucket force_destroy off; modules/mcp-server/README.md says what
 * Terraform cannot do). One deployment with every data resource switched on, in each flavour.
 * @module
 */
import { App, Stack } from "aws-cdk-lib";
import { assert, assertEquals } from "../harness/assert.ts";
import { QuiltMcpServer } from "../../modules/cdk/mod.ts";
import { PARAMETERS_BY_NAME } from "../../modules/cdk/lib/parameters.ts";
import { PYTHON, REPO_ROOT } from "../harness/paths.ts";
import { evaluate, parameterErrors, readTemplate } from "./cfn_eval.ts";
import { cdkProps, cfnParameters, FIXTURE, terraformInputs } from "./flavours.ts";
import { planComposition } from "./terraform.ts";
import { setUpOnce } from "../harness/set_up.ts";

/** The fixture with the one data resource it leaves off: the generated HS256 secret. */
const VALUES: Readonly<Record<string, unknown>> = { ...FIXTURE, create_hs256_secret: true };

/** CloudFormation types that hold data, and the property that tells one from another. */
const DATA_TYPES: Readonly<Record<string, string>> = {
  "AWS::KMS::Key": "Description",
  "AWS::SecretsManager::Secret": "Description",
  "AWS::Logs::LogGroup": "LogGroupName",
  "AWS::S3::Bucket": "BucketName",
};

/** Terraform's resource types for the same data, and the attribute that names each. */
const TERRAFORM_TYPES: Readonly<Record<string, [string, string]>> = {
  aws_kms_key: ["AWS::KMS::Key", "description"],
  aws_secretsmanager_secret: ["AWS::SecretsManager::Secret", "description"],
  aws_cloudwatch_log_group: ["AWS::Logs::LogGroup", "name"],
  aws_s3_bucket: ["AWS::S3::Bucket", "bucket"],
};

type Resources = Record<
  string,
  & { Type: string; Properties: Record<string, unknown> }
  & Record<
    string,
    unknown
  >
>;

/** The access log bucket's label (a bucket is labelled by its role: its name holds the account). */
const ACCESS_LOGS_BUCKET = "AWS::S3::Bucket access logs";

/** "Type name" of a data resource; a bucket by its role, the audit trail's or the access logs'. */
const label = (type: string, name: unknown) =>
  type !== "AWS::S3::Bucket"
    ? `${type} ${String(name)}`
    : /-audit-/.test(String(name))
    ? "AWS::S3::Bucket audit trail"
    : ACCESS_LOGS_BUCKET;

/** Each data resource of a template: label → its deletion and update-replace policies. */
function dataPolicies(resources: Resources): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of Object.values(resources)) {
    const property = DATA_TYPES[r.Type];
    if (property === undefined) continue;
    const key = label(r.Type, r.Properties[property]);
    assert(!(key in out), `two data resources labelled ${key}`);
    out[key] = `${r.DeletionPolicy ?? "Delete"}/${r.UpdateReplacePolicy ?? "Delete"}`;
  }
  return out;
}

function cdkResources(options: { retainDataOnDelete?: boolean }): Resources {
  const app = new App({ outdir: Deno.makeTempDirSync({ prefix: "quilt-mcp-parity-retain-" }) });
  const stack = new Stack(app, "QuiltMcp", {
    env: { account: "123456789012", region: "us-east-1" },
  });
  new QuiltMcpServer(stack, "Server", { ...cdkProps(VALUES), ...options } as never);
  const out = app.synth();
  try {
    return evaluate(out.getStackByName("QuiltMcp").template).resources as Resources;
  } finally {
    Deno.removeSync(out.directory, { recursive: true });
  }
}

const template = setUpOnce(() =>
  readTemplate(`${REPO_ROOT}/modules/cloudformation/quilt-mcp.yaml`, PYTHON)
);

/** The template's resources for the fixture plus `extra` stack parameters. */
async function cfnResources(
  extra: Record<string, string> = {},
  values: Readonly<Record<string, unknown>> = VALUES,
): Promise<Resources> {
  return evaluate(await template(), { ...cfnParameters(values), ...extra }).resources as Resources;
}

const cloudFormation = setUpOnce(() => cfnResources());

const EXPECTED_DATA = [
  "AWS::KMS::Key quilt-mcp: CloudTrail audit trail (log files and its log group)",
  "AWS::KMS::Key quilt-mcp: CloudWatch Logs of the MCP service and its ECS Exec sessions",
  "AWS::KMS::Key quilt-mcp: HS256 token signing secret",
  "AWS::KMS::Key quilt-mcp: WAF logs",
  "AWS::KMS::Key quilt-mcp: alarm notifications",
  "AWS::Logs::LogGroup /aws/cloudtrail/quilt-mcp-audit",
  "AWS::Logs::LogGroup /ecs/quilt-mcp",
  "AWS::Logs::LogGroup aws-waf-logs-quilt-mcp",
  "AWS::S3::Bucket access logs",
  "AWS::S3::Bucket audit trail",
  "AWS::SecretsManager::Secret HS256 signing key of quilt-mcp bearer tokens (QUILT_MCP_AUTH_HS256_SECRET)",
];

Deno.test("CloudFormation retains every key, secret, log group and log bucket on delete and on replacement", async () => {
  const policies = dataPolicies(await cloudFormation());
  assertEquals(Object.keys(policies).sort(), EXPECTED_DATA);
  for (const [resource, policy] of Object.entries(policies)) {
    assertEquals(policy, "Retain/Retain", resource);
  }
});

Deno.test("CDK retains the same data resources by default, exactly as CloudFormation does", async () => {
  assertEquals(dataPolicies(cdkResources({})), dataPolicies(await cloudFormation()));
});

Deno.test("CDK retainDataOnDelete: false deletes keys, secret and log groups; the bucket follows force-destroy", () => {
  const policies = dataPolicies(cdkResources({ retainDataOnDelete: false }));
  assertEquals(Object.keys(policies).sort(), EXPECTED_DATA);
  for (const [resource, policy] of Object.entries(policies)) {
    // The access log bucket keeps its own switch (access_logs_bucket_force_destroy, off here).
    const expected = resource === ACCESS_LOGS_BUCKET ? "Retain/Retain" : "Delete/Delete";
    assertEquals(policy, expected, resource);
  }
});

Deno.test("CloudFormation RetainDataOnDelete=false deletes keys, secret and log groups, exactly as the CDK opt-out", async () => {
  const policies = dataPolicies(await cfnResources({ RetainDataOnDelete: "false" }));
  assertEquals(Object.keys(policies).sort(), EXPECTED_DATA);
  for (const [resource, policy] of Object.entries(policies)) {
    const expected = resource === ACCESS_LOGS_BUCKET ? "Retain/Retain" : "Delete/Delete";
    assertEquals(policy, expected, resource);
  }
  assertEquals(policies, dataPolicies(cdkResources({ retainDataOnDelete: false })));
});

Deno.test("the access log bucket follows force-destroy in CloudFormation as in the CDK", async () => {
  const forced = { ...VALUES, access_logs_bucket_force_destroy: true };
  const cfn = dataPolicies(await cfnResources({}, forced))[ACCESS_LOGS_BUCKET];
  assertEquals(cfn, "Delete/Delete");
  const app = new App({ outdir: Deno.makeTempDirSync({ prefix: "quilt-mcp-parity-retain-" }) });
  const stack = new Stack(app, "QuiltMcp", {
    env: { account: "123456789012", region: "us-east-1" },
  });
  new QuiltMcpServer(stack, "Server", cdkProps(forced) as never);
  const out = app.synth();
  try {
    const resources = evaluate(out.getStackByName("QuiltMcp").template).resources as Resources;
    assertEquals(dataPolicies(resources)[ACCESS_LOGS_BUCKET], cfn);
  } finally {
    Deno.removeSync(out.directory, { recursive: true });
  }
});

Deno.test("CloudFormation refuses a RetainDataOnDelete other than true or false", async () => {
  const errors = parameterErrors(await template(), {
    ...cfnParameters(VALUES),
    RetainDataOnDelete: "no",
  });
  assert(errors.some((e) => e.startsWith("RetainDataOnDelete:")), errors.join("; "));
});

Deno.test("the template declares the transform its conditional deletion policies need", async () => {
  assertEquals((await template()).Transform, "AWS::LanguageExtensions");
});

Deno.test("CDK refuses a retainDataOnDelete that is not a boolean", () => {
  let message = "";
  try {
    cdkResources({ retainDataOnDelete: "no" as unknown as boolean });
  } catch (e) {
    message = (e as Error).message;
  }
  assert(message.includes("retainDataOnDelete must be a boolean"), message);
});

Deno.test("Terraform creates the same data resources, each protected the Terraform way", async () => {
  const plan = await planComposition(
    terraformInputs(VALUES),
    /^https:\/\/[^/]+(\/.*)$/.exec(VALUES.public_url as string)![1],
  );
  const found: string[] = [];
  for (const r of plan.resource_changes) {
    const mapping = TERRAFORM_TYPES[r.type];
    if (mapping === undefined || !r.change.actions.includes("create")) continue;
    const after = r.change.after;
    found.push(label(mapping[0], after[mapping[1]]));
    if (r.type === "aws_kms_key") {
      // Pending deletion for the window: a destroyed key can be cancelled back within it.
      assertEquals(
        after.deletion_window_in_days,
        PARAMETERS_BY_NAME.get("kms_deletion_window_in_days")!.default,
      );
    }
    if (r.type === "aws_secretsmanager_secret") {
      assertEquals(after.recovery_window_in_days, 30, "secret recoverable after destroy");
    }
    if (r.type === "aws_s3_bucket") {
      assertEquals(after.force_destroy, false, "a bucket with logs cannot be destroyed");
    }
  }
  assertEquals(found.sort(), EXPECTED_DATA);
});
