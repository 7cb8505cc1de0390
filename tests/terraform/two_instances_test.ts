// deno-lint-ignore-file no-explicit-any -- walks the untyped JSON plan
/**
 * Two instances in one account and region (issue 17): every fixed resource name derives from
 * `var.name`, so two compositions (alb, waf, mcp-server, observability) with different names
 * planned side by side in one configuration name nothing alike. A name here is any attribute
 * AWS keeps unique in an account and region for that resource type (a name, a name prefix, a
 * bucket, a task family, an alias); names scoped to a parent (an inline role policy's name, a
 * WAF rule's name inside its web ACL) are not compared. modules/network is left out on purpose:
 * a VPC holds one interface endpoint per service, so two instances share one network.
 * @module
 */
import { assert, assertEquals } from "../harness/assert.ts";
import { FIXTURE, terraformInputs } from "../parity/flavours.ts";
import { compositionBlocks, planConfiguration, type TerraformPlan } from "../parity/terraform.ts";

/** Attributes that name a resource uniquely in an account and region, per resource type. */
const UNIQUE_NAME_ATTRIBUTES = [
  "name",
  "name_prefix",
  "bucket",
  "family",
  "alarm_name",
  "dashboard_name",
  "policy_name",
  "topic_name",
];

/** Resource types whose `name` is scoped to a parent resource, not to the account. */
const PARENT_SCOPED = new Set(["aws_iam_role_policy"]);

/** The inputs of one instance named `name` (the fixture otherwise). */
function instance(name: string): Record<string, Record<string, unknown>> {
  return terraformInputs({ ...FIXTURE, name });
}

/** "type attribute=value" of each account-unique name a plan creates, with its address. */
function names(plan: TerraformPlan): { key: string; address: string }[] {
  const out: { key: string; address: string }[] = [];
  for (const r of plan.resource_changes as any[]) {
    if (!r.change.actions.includes("create") || PARENT_SCOPED.has(r.type)) continue;
    for (const attribute of UNIQUE_NAME_ATTRIBUTES) {
      const value = r.change.after?.[attribute];
      if (typeof value === "string" && value !== "") {
        // KMS aliases are all `aws_kms_alias`, named "alias/...": the same rule applies.
        out.push({ key: `${r.type} ${attribute}=${value}`, address: r.address });
      }
    }
  }
  return out;
}

Deno.test("two instances with different names planned side by side name no resource alike", async () => {
  const mcpPath = /^https:\/\/[^/]+(\/.*)$/.exec(FIXTURE.public_url as string)![1];
  const plan = await planConfiguration((dir) =>
    [
      `terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n    }\n  }\n}\n`,
      compositionBlocks(dir, instance("mcp-blue"), mcpPath, "blue_"),
      compositionBlocks(dir, instance("mcp-green"), mcpPath, "green_"),
    ].join("\n")
  );
  const all = names(plan);
  const blue = all.filter((n) => n.address.startsWith("module.blue_"));
  const green = all.filter((n) => n.address.startsWith("module.green_"));
  // The test reads real names: each instance names dozens of resources, each after its own name.
  assert(blue.length > 20, `only ${blue.length} names planned for one instance`);
  assertEquals(blue.length, green.length);
  for (const n of blue) assert(!n.key.includes("mcp-green"), `${n.address}: ${n.key}`);
  const seen = new Map<string, string>();
  const collisions: string[] = [];
  for (const n of all) {
    const other = seen.get(n.key);
    if (other !== undefined) collisions.push(`${n.key}: ${other} and ${n.address}`);
    seen.set(n.key, n.address);
  }
  assertEquals(collisions, []);
});
