/**
 * Opt-in TLS from the load balancer to the task (issue 17) in the CDK construct and the
 * CloudFormation template: switching it on changes exactly the target group's protocols, the
 * container's secrets and the execution role's policy, and nothing when it is off; checkov passes
 * both ways without a skip (security_test.ts compares the flavours with Terraform, fixture off and
 * FEATURES on; parameters_test.ts checks the rule tls_pair in every flavour).
 * @module
 */
import { App, Stack } from "aws-cdk-lib";
import { join } from "node:path";
import { assert, assertEquals } from "../harness/assert.ts";
import { PYTHON, REPO_ROOT } from "../harness/paths.ts";
import { QuiltMcpServer } from "../../modules/cdk/mod.ts";
import {
  evaluate,
  type Evaluated,
  parameterErrors,
  readTemplate,
  resolvedAsTemplate,
} from "./cfn_eval.ts";
import { canonical } from "./profile.ts";
import { checkov } from "./checkov.ts";
import { cdkProps, cfnParameters, FIXTURE, TLS_TO_THE_TASK } from "./flavours.ts";
import { setUpOnce } from "../harness/set_up.ts";

const WITH_TLS = { ...FIXTURE, ...TLS_TO_THE_TASK };

const template = setUpOnce(() =>
  readTemplate(join(REPO_ROOT, "modules", "cloudformation", "quilt-mcp.yaml"), PYTHON)
);

/** The CDK construct's template for canonical values, as synthesized. */
function cdkTemplate(values: Record<string, unknown>): Record<string, unknown> {
  const app = new App({ outdir: Deno.makeTempDirSync({ prefix: "quilt-mcp-tls-cdk-" }) });
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

/** The committed template resolved for canonical values (which it must accept). */
async function cfnResolved(values: Record<string, unknown>): Promise<Evaluated> {
  const t = await template();
  const parameters = cfnParameters(values);
  assertEquals(parameterErrors(t, parameters), [], "CloudFormation refuses the parameters");
  return evaluate(t, parameters);
}

const resolvers = {
  cdk: (values: Record<string, unknown>) => Promise.resolve(evaluate(cdkTemplate(values))),
  cloudformation: cfnResolved,
};

/** `resource.property` paths whose values differ between two resolved templates. */
function differences(off: Evaluated, on: Evaluated): string[] {
  const out: string[] = [];
  const ids = new Set([...Object.keys(off.resources), ...Object.keys(on.resources)]);
  for (const id of ids) {
    const a = off.resources[id], b = on.resources[id];
    if (a === undefined || b === undefined) {
      out.push(`${id} ${a === undefined ? "added" : "removed"}`);
      continue;
    }
    const keys = new Set([...Object.keys(a.Properties ?? {}), ...Object.keys(b.Properties ?? {})]);
    for (const k of keys) {
      if (canonical(a.Properties?.[k]) !== canonical(b.Properties?.[k])) out.push(`${id}.${k}`);
    }
    if (canonical({ ...a, Properties: 0 }) !== canonical({ ...b, Properties: 0 })) {
      out.push(`${id} attributes`);
    }
  }
  return out.sort();
}

/** The logical ID of the one resource of a type. */
function idOf(t: Evaluated, type: string): string {
  const ids = Object.entries(t.resources).filter(([, r]) => r.Type === type).map(([id]) => id);
  assertEquals(ids.length, 1, type);
  return ids[0];
}

for (const [flavour, resolve] of Object.entries(resolvers)) {
  Deno.test(`${flavour}: TLS to the task changes the target group, the container secrets and the execution role only`, async () => {
    const [off, on] = [await resolve({ ...FIXTURE }), await resolve(WITH_TLS)];
    const tg = idOf(on, "AWS::ElasticLoadBalancingV2::TargetGroup");
    const task = idOf(on, "AWS::ECS::TaskDefinition");
    const role = Object.entries(on.resources).find(([, r]) =>
      r.Type === "AWS::IAM::Role" && /-execution$/.test(String(r.Properties.RoleName))
    )![0];
    assertEquals(
      differences(off, on),
      [
        `${role}.Policies`,
        `${task}.ContainerDefinitions`,
        `${tg}.HealthCheckProtocol`,
        `${tg}.Protocol`,
      ].sort(),
    );
    // Off: plain HTTP, as before the option existed; on: HTTPS for traffic and health checks.
    for (const [t, protocol] of [[off, "HTTP"], [on, "HTTPS"]] as const) {
      const p = t.resources[tg].Properties;
      assertEquals([p.Protocol, p.HealthCheckProtocol], [protocol, protocol], protocol);
    }
    // The certificate and key reach the container by valueFrom only, never in its environment.
    const container = on.resources[task].Properties.ContainerDefinitions[0];
    const secrets = Object.fromEntries(
      container.Secrets.map((s: { Name: string; ValueFrom: string }) => [s.Name, s.ValueFrom]),
    );
    assertEquals(secrets.QUILT_MCP_TLS_CERTIFICATE, TLS_TO_THE_TASK.tls_certificate_value_from);
    assertEquals(secrets.QUILT_MCP_TLS_PRIVATE_KEY, TLS_TO_THE_TASK.tls_private_key_value_from);
    const plain = JSON.stringify(container.Environment);
    assert(!plain.includes("QUILT_MCP_TLS_") && !plain.includes("mcp-tls"), plain);
  });
}

Deno.test("checkov, CDK and CloudFormation: 0 failed with TLS to the task off and on, no skip on the target group", async () => {
  const work = await Deno.makeTempDir({ prefix: "quilt-mcp-tls-checkov-" });
  try {
    for (const [name, values] of [["off", { ...FIXTURE }], ["on", WITH_TLS]] as const) {
      for (const [flavour, resolve] of Object.entries(resolvers)) {
        await Deno.writeTextFile(
          join(work, `${flavour}-${name}.json`),
          JSON.stringify(resolvedAsTemplate(await resolve(values))),
        );
      }
    }
    const report = await checkov(["-d", work, "--framework", "cloudformation"]);
    assertEquals(report.failed.map((f) => `${f.checkId} ${f.file} ${f.resource}`), []);
    assert(report.passed > 200, `checkov passed only ${report.passed}: did it read the files?`);
    const onTargetGroup = report.skipped.filter((s) => /TargetGroup/.test(s.resource));
    assertEquals(onTargetGroup, [], "no skip is needed on the target group either way");
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test("checkov, Terraform: CKV_AWS_378 passes on modules/mcp-server without a skip", async () => {
  const report = await checkov([
    "-d",
    join(REPO_ROOT, "modules", "mcp-server"),
    "--framework",
    "terraform",
    "--config-file",
    join(REPO_ROOT, ".checkov.yaml"),
    "--check",
    "CKV_AWS_378",
  ]);
  assertEquals(report.failed, []);
  assertEquals(report.skipped, [], "the HTTP default needs no skip (main.tf says why)");
  assert(report.passed >= 1, "CKV_AWS_378 did not run on the target group");
});
