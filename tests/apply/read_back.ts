/**
 * The security properties of an applied example, read back from the emulator through the AWS SDK
 * (what AWS holds, not what Terraform planned). Each check throws on a violation and returns the
 * name of the property it proved, so the suite can report exactly what it asserted.
 * @module
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  type SecurityGroupRule,
} from "@aws-sdk/client-ec2";
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
} from "@aws-sdk/client-ecs";
import {
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand } from "@aws-sdk/client-iam";
import { GetKeyRotationStatusCommand, KMSClient } from "@aws-sdk/client-kms";
import {
  GetLoggingConfigurationCommand,
  GetWebACLForResourceCommand,
  WAFV2Client,
} from "@aws-sdk/client-wafv2";
import { SETTINGS } from "../../server/config/schema.ts";
import { assert, assertEquals } from "../harness/assert.ts";
import type { Moto } from "../harness/moto.ts";
import type { AppliedState } from "./state.ts";

/** What the read-back needs to know about the deployment beyond the state. */
export interface Expectations {
  /** Deployment name (prefix of every resource). */
  readonly name: string;
  /** Host of the public URL (the listener rule's host condition). */
  readonly host: string;
  /** The MCP path of the public URL. */
  readonly mcpPath: string;
  /** Security groups, prefix lists and CIDRs the tasks may reach on 443, nothing else. */
  readonly egress: { groups: string[]; prefixLists: string[]; cidrs: string[] };
  /** The certificate the HTTPS listener serves (tests/apply/certificate.ts, imported to ACM). */
  readonly certificateArn: string;
  /** The subnets the service's tasks run in (never the public ones). */
  readonly privateSubnetIds: string[];
  /** Data roles the task role may assume (allowed_role_arns). */
  readonly allowedRoleArns: string[];
  /** Target group protocol (HTTPS with end-to-end TLS, else HTTP). */
  readonly targetProtocol: "HTTP" | "HTTPS";
}

/** Settings whose value is secret material: never a plain container environment entry. */
const SECRET_SETTINGS = new Set(SETTINGS.filter((s) => s.secret).map((s) => s.env));
const KNOWN_SETTINGS = new Set(SETTINGS.map((s) => s.env));

/** Runs named checks and records the name of each that held. */
export class Checks {
  readonly proved: string[] = [];
  async check(property: string, fn: () => void | Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      throw new Error(`${property}: ${(e as Error).message}`, { cause: e });
    }
    this.proved.push(property);
  }
}

/** The ECS service, task definition, security group, routing, logs and IAM of modules/mcp-server. */
export async function checkService(
  moto: Moto,
  state: AppliedState,
  want: Expectations,
  checks: Checks,
): Promise<void> {
  const config = moto.clientConfig();
  const ecs = new ECSClient(config);
  const taskDefinitionArn = state.one("module.mcp.aws_ecs_task_definition.this").arn as string;
  const { taskDefinition } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn }),
  );
  const container = taskDefinition!.containerDefinitions![0];

  await checks.check("task definition: read-only root filesystem", () => {
    assertEquals(container.readonlyRootFilesystem, true);
  });
  await checks.check("task definition: non-root numeric user", () => {
    assert(/^[1-9][0-9]*:[1-9][0-9]*$/.test(container.user ?? ""), `user ${container.user}`);
  });
  await checks.check("task definition: not privileged, every capability dropped", () => {
    assertEquals(container.privileged, false);
    assertEquals(container.linuxParameters?.capabilities?.drop, ["ALL"]);
    assertEquals(container.linuxParameters?.capabilities?.add ?? [], []);
  });
  await checks.check("task definition: secrets by valueFrom only", () => {
    const names = (container.environment ?? []).map((e) => e.name!);
    assertEquals(names.filter((n) => !KNOWN_SETTINGS.has(n)), [], "unknown environment entries");
    assertEquals(
      names.filter((n) => SECRET_SETTINGS.has(n)),
      [],
      "secrets in the plain environment",
    );
    assert(SECRET_SETTINGS.size > 0, "the config schema marks its secret settings");
    for (const s of container.secrets ?? []) {
      assert(
        /^arn:aws:(secretsmanager|ssm):/.test(s.valueFrom ?? ""),
        `${s.name} is not a valueFrom ARN`,
      );
    }
  });
  await checks.check(
    "task definition: Fargate, awsvpc, logs to the service's log group",
    () => {
      assertEquals(taskDefinition!.networkMode, "awsvpc");
      assertEquals(taskDefinition!.requiresCompatibilities, ["FARGATE"]);
      assertEquals(container.logConfiguration?.logDriver, "awslogs");
      assertEquals(container.logConfiguration?.options?.["awslogs-group"], `/ecs/${want.name}`);
    },
  );

  const serviceValues = state.one("module.mcp.aws_ecs_service.this");
  const { services } = await ecs.send(
    new DescribeServicesCommand({ cluster: serviceValues.cluster, services: [serviceValues.name] }),
  );
  const service = services![0];
  await checks.check("service: Fargate, private subnets only, no public IP", () => {
    const vpc = service.networkConfiguration?.awsvpcConfiguration;
    assertEquals(vpc?.assignPublicIp, "DISABLED");
    assertEquals([...(vpc?.subnets ?? [])].sort(), [...want.privateSubnetIds].sort());
    assertEquals(service.launchType, "FARGATE");
  });
  // moto 5.2.5's Service model keeps neither deploymentConfiguration nor enableExecuteCommand
  // (DescribeServices never returns them), so reading them back would prove nothing: these two
  // come from the state, i.e. what the provider sent to CreateService.
  await checks.check(
    "service (as sent; not modelled by moto): ECS Exec off, circuit breaker rolls back",
    () => {
      assertEquals(serviceValues.enable_execute_command, false);
      assertEquals(serviceValues.deployment_circuit_breaker, [{ enable: true, rollback: true }]);
    },
  );

  const groupId = state.one("module.mcp.aws_security_group.service").id as string;
  const ec2 = new EC2Client(config);
  const rules = (await ec2.send(
    new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [groupId] }] }),
  )).SecurityGroupRules ?? [];
  const port = Number(container.portMappings![0].containerPort);
  const albGroup = state.one("module.mcp.aws_vpc_security_group_ingress_rule.from_alb")
    .referenced_security_group_id as string;
  await checks.check(
    "service security group: ingress only from the load balancer's group",
    () => {
      const ingress = rules.filter((r) => !r.IsEgress).map(describeRule);
      assertEquals(ingress, [`tcp ${port}-${port} sg ${albGroup}`]);
    },
  );
  await checks.check(
    "service security group: egress only HTTPS to endpoints, S3 and listed CIDRs",
    () => {
      const egress = rules.filter((r) => r.IsEgress).map(describeRule).sort();
      const expected = [
        ...want.egress.groups.map((g) => `tcp 443-443 sg ${g}`),
        ...want.egress.prefixLists.map((p) => `tcp 443-443 pl ${p}`),
        ...want.egress.cidrs.map((c) => `tcp 443-443 cidr ${c}`),
      ].sort();
      assertEquals(egress, expected);
    },
  );

  const elb = new ElasticLoadBalancingV2Client(config);
  const targetGroupArn = state.one("module.mcp.aws_lb_target_group.this").arn as string;
  const tg =
    (await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [targetGroupArn] })))
      .TargetGroups![0];
  await checks.check(
    `target group: ${want.targetProtocol}, health checks on /healthz`,
    () => {
      assertEquals(tg.Protocol, want.targetProtocol);
      assertEquals(tg.TargetType, "ip");
      assertEquals(tg.HealthCheckPath, "/healthz");
      assertEquals(tg.HealthCheckProtocol, want.targetProtocol);
    },
  );
  const listenerArn = state.one("module.mcp.aws_lb_listener_rule.this").listener_arn as string;
  const ruleArn = state.one("module.mcp.aws_lb_listener_rule.this").arn as string;
  const rule = (await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules!
    .find((r) => r.RuleArn === ruleArn);
  await checks.check(
    "listener rule: the public host and MCP paths only, to the target group",
    () => {
      assert(rule !== undefined, "the rule is not on the listener");
      const host = rule.Conditions!.find((c) => c.Field === "host-header");
      const paths = rule.Conditions!.find((c) => c.Field === "path-pattern");
      assertEquals(host?.HostHeaderConfig?.Values ?? host?.Values, [want.host]);
      assertEquals(
        [...(paths?.PathPatternConfig?.Values ?? paths?.Values ?? [])].sort(),
        [
          want.mcpPath,
          `${want.mcpPath}/*`,
          "/.well-known/oauth-protected-resource",
          "/.well-known/oauth-protected-resource/*",
        ].sort(),
      );
      assertEquals(rule.Actions!.map((a) => [a.Type, a.TargetGroupArn]), [[
        "forward",
        targetGroupArn,
      ]]);
    },
  );
  const listener = (await elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] })))
    .Listeners![0];
  await checks.check("listener: HTTPS with a TLS 1.3 policy, the imported certificate", () => {
    assertEquals(listener.Protocol, "HTTPS");
    assertEquals(listener.Certificates?.map((c) => c.CertificateArn), [want.certificateArn]);
    assert(
      /^ELBSecurityPolicy-TLS13-1-[23]-/.test(listener.SslPolicy ?? ""),
      `policy ${listener.SslPolicy}`,
    );
  });

  await checkEncryptedLogGroup(moto, `/ecs/${want.name}`, checks, "service log group");

  const iam = new IAMClient(config);
  const taskRole = state.one("module.mcp.aws_iam_role.task").name as string;
  await checks.check("task role: only assumes the allow-listed data roles", async () => {
    const names = (await iam.send(new ListRolePoliciesCommand({ RoleName: taskRole }))).PolicyNames;
    assertEquals(names, ["assume-data-roles"]);
    const doc = await rolePolicy(iam, taskRole, "assume-data-roles");
    assertEquals(doc.Statement.length, 1);
    assertEquals(doc.Statement[0].Effect, "Allow");
    assertEquals(
      [...doc.Statement[0].Action].sort(),
      ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
    );
    assertEquals([doc.Statement[0].Resource].flat(), want.allowedRoleArns);
  });
}

/** The load balancer of modules/alb: listener TLS policy, header hardening, WAF and its logs. */
export async function checkLoadBalancer(
  moto: Moto,
  state: AppliedState,
  want: Expectations,
  checks: Checks,
): Promise<void> {
  const config = moto.clientConfig();
  const elb = new ElasticLoadBalancingV2Client(config);
  const lbArn = state.one("module.alb.aws_lb.this").arn as string;
  const attributes = Object.fromEntries(
    ((await elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: lbArn })))
      .Attributes ?? []).map((a) => [a.Key, a.Value]),
  );
  await checks.check(
    "load balancer: invalid headers dropped, strictest desync mitigation, access logs",
    () => {
      assertEquals(attributes["routing.http.drop_invalid_header_fields.enabled"], "true");
      assertEquals(attributes["routing.http.desync_mitigation_mode"], "strictest");
      assertEquals(attributes["access_logs.s3.enabled"], "true");
      assertEquals(attributes["waf.fail_open.enabled"], "false");
    },
  );
  const listeners = (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn })))
    .Listeners ?? [];
  await checks.check("load balancer: one listener, HTTPS 443 with a TLS 1.3 policy", () => {
    assertEquals(listeners.map((l) => [l.Protocol, l.Port]), [["HTTPS", 443]]);
    assert(/^ELBSecurityPolicy-TLS13-1-[23]-/.test(listeners[0].SslPolicy ?? ""));
  });
  const waf = new WAFV2Client(config);
  const aclArn = state.one("module.waf.aws_wafv2_web_acl.this").arn as string;
  await checks.check("WAF: the module's web ACL is associated with the load balancer", async () => {
    const { WebACL } = await waf.send(new GetWebACLForResourceCommand({ ResourceArn: lbArn }));
    assertEquals(WebACL?.ARN, aclArn);
  });
  const wafLogGroup = `aws-waf-logs-${want.name}`;
  await checks.check(
    "WAF: requests logged to aws-waf-logs-<name>, Authorization redacted",
    async () => {
      const { LoggingConfiguration } = await waf.send(
        new GetLoggingConfigurationCommand({ ResourceArn: aclArn }),
      );
      assertEquals(LoggingConfiguration?.LogDestinationConfigs?.length, 1);
      assert(LoggingConfiguration!.LogDestinationConfigs![0].endsWith(`:log-group:${wafLogGroup}`));
      const redacted = (LoggingConfiguration?.RedactedFields ?? []).map((f) =>
        f.SingleHeader?.Name
      );
      assert(
        redacted.map((n) => n?.toLowerCase()).includes("authorization"),
        `redacted ${redacted}`,
      );
    },
  );
  await checkEncryptedLogGroup(moto, wafLogGroup, checks, "WAF log group");
}

/** The sample data role of examples/complete holds exactly the module's category policies. */
export async function checkDataRole(
  moto: Moto,
  state: AppliedState,
  buckets: string[],
  checks: Checks,
): Promise<void> {
  const iam = new IAMClient(moto.clientConfig());
  const role = state.one("aws_iam_role.data_analyst").name as string;
  const expected = state.outputs.category_policies as Record<string, string>;
  await checks.check(
    "data role: exactly the enabled categories' policies, as rendered",
    async () => {
      const names = (await iam.send(new ListRolePoliciesCommand({ RoleName: role }))).PolicyNames ??
        [];
      assertEquals([...names].sort(), Object.keys(expected).sort());
      assert(names.length >= 3, "the example enables several categories");
      for (const name of names) {
        assertEquals(await rolePolicy(iam, role, name), JSON.parse(expected[name]), name);
      }
    },
  );
  await checks.check("data role: S3 access scoped to the configured buckets", async () => {
    for (const name of Object.keys(expected)) {
      const doc = await rolePolicy(iam, role, name);
      for (const statement of doc.Statement) {
        for (const resource of [statement.Resource].flat()) {
          if (typeof resource !== "string" || !resource.startsWith("arn:aws:s3:::")) continue;
          const bucket = resource.slice("arn:aws:s3:::".length).split("/")[0];
          assert(buckets.includes(bucket), `${name} reaches ${resource}`);
        }
      }
    }
  });
}

async function checkEncryptedLogGroup(moto: Moto, name: string, checks: Checks, label: string) {
  const logs = new CloudWatchLogsClient(moto.clientConfig());
  const group = ((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name })))
    .logGroups ?? []).find((g) => g.logGroupName === name);
  await checks.check(
    `${label}: KMS-encrypted with a rotating key, kept at least 365 days`,
    async () => {
      assert(group !== undefined, `no log group ${name}`);
      assert((group.retentionInDays ?? 0) >= 365, `retention ${group.retentionInDays}`);
      assert(group.kmsKeyId?.startsWith("arn:aws:kms:"), `key ${group.kmsKeyId}`);
      const kms = new KMSClient(moto.clientConfig());
      const rotation = await kms.send(new GetKeyRotationStatusCommand({ KeyId: group.kmsKeyId }));
      assertEquals(rotation.KeyRotationEnabled, true);
    },
  );
}

// deno-lint-ignore no-explicit-any -- an IAM policy document of any shape
async function rolePolicy(iam: IAMClient, role: string, name: string): Promise<any> {
  const { PolicyDocument } = await iam.send(
    new GetRolePolicyCommand({ RoleName: role, PolicyName: name }),
  );
  return JSON.parse(decodeURIComponent(PolicyDocument!));
}

function describeRule(r: SecurityGroupRule): string {
  const target = r.ReferencedGroupInfo?.GroupId
    ? `sg ${r.ReferencedGroupInfo.GroupId}`
    : r.PrefixListId
    ? `pl ${r.PrefixListId}`
    : r.CidrIpv4
    ? `cidr ${r.CidrIpv4}`
    : `cidr ${r.CidrIpv6}`;
  return `${r.IpProtocol} ${r.FromPort}-${r.ToPort} ${target}`;
}
