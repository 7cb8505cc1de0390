/**
 * What exists in the emulator, read through the AWS SDK: one line per resource of every kind the
 * examples create ("kind id"), so the apply suite can tell what an apply created and what a
 * destroy left. KMS keys and ECS clusters, services and task definitions carry their state,
 * because AWS keeps them after a delete by design (a key waits out its deletion window; a deleted
 * cluster or service and a deregistered revision stay discoverable as INACTIVE).
 * @module
 */
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
} from "@aws-sdk/client-application-auto-scaling";
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  ListDashboardsCommand,
} from "@aws-sdk/client-cloudwatch";
import { AwsQueryProtocol } from "@aws-sdk/core/protocols";
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeResourcePoliciesCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
} from "@aws-sdk/client-ecs";
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { IAMClient, ListRolePoliciesCommand, ListRolesCommand } from "@aws-sdk/client-iam";
import {
  DescribeKeyCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
} from "@aws-sdk/client-kms";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { ListTopicsCommand, SNSClient } from "@aws-sdk/client-sns";
import {
  GetWebACLForResourceCommand,
  ListLoggingConfigurationsCommand,
  ListWebACLsCommand,
  WAFV2Client,
} from "@aws-sdk/client-wafv2";
import type { Moto } from "../harness/moto.ts";

/** Every resource the emulator holds of the kinds the examples create, sorted. */
export async function inventory(moto: Moto): Promise<string[]> {
  const config = moto.clientConfig();
  const lines: string[] = [];
  const add = (kind: string, id: string) => lines.push(`${kind} ${id}`);

  const ec2 = new EC2Client(config);
  for (const g of (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? []) {
    if (g.GroupName !== "default") add("ec2:security-group", g.GroupId!);
  }
  for (
    const r of (await ec2.send(new DescribeSecurityGroupRulesCommand({}))).SecurityGroupRules ?? []
  ) {
    add("ec2:security-group-rule", r.SecurityGroupRuleId!);
  }
  for (const e of (await ec2.send(new DescribeVpcEndpointsCommand({}))).VpcEndpoints ?? []) {
    if (String(e.State).toLowerCase() !== "deleted") add("ec2:vpc-endpoint", e.VpcEndpointId!);
  }

  const elb = new ElasticLoadBalancingV2Client(config);
  for (const lb of (await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? []) {
    add("elbv2:load-balancer", lb.LoadBalancerArn!);
    const listeners = await elb.send(
      new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }),
    );
    for (const l of listeners.Listeners ?? []) {
      add("elbv2:listener", l.ListenerArn!);
      for (
        const r
          of (await elb.send(new DescribeRulesCommand({ ListenerArn: l.ListenerArn }))).Rules ?? []
      ) {
        if (!r.IsDefault) add("elbv2:listener-rule", r.RuleArn!);
      }
    }
  }
  for (const tg of (await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? []) {
    add("elbv2:target-group", tg.TargetGroupArn!);
  }

  const ecs = new ECSClient(config);
  for (const cluster of (await ecs.send(new ListClustersCommand({}))).clusterArns ?? []) {
    const { clusters } = await ecs.send(new DescribeClustersCommand({ clusters: [cluster] }));
    add(`ecs:cluster(${clusters?.[0]?.status})`, cluster);
    const arns = (await ecs.send(new ListServicesCommand({ cluster }))).serviceArns ?? [];
    if (arns.length === 0) continue;
    const { services } = await ecs.send(new DescribeServicesCommand({ cluster, services: arns }));
    for (const s of services ?? []) add(`ecs:service(${s.status})`, s.serviceArn!);
  }
  for (const arn of (await ecs.send(new ListTaskDefinitionsCommand({}))).taskDefinitionArns ?? []) {
    const { taskDefinition } = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: arn }),
    );
    add(`ecs:task-definition(${taskDefinition?.status})`, arn);
  }

  const scaling = new ApplicationAutoScalingClient(config);
  const targets = await scaling.send(
    new DescribeScalableTargetsCommand({ ServiceNamespace: "ecs" }),
  );
  for (const t of targets.ScalableTargets ?? []) {
    add("application-autoscaling:target", t.ResourceId!);
  }
  const policies = await scaling.send(
    new DescribeScalingPoliciesCommand({ ServiceNamespace: "ecs" }),
  );
  for (const p of policies.ScalingPolicies ?? []) {
    add("application-autoscaling:policy", p.PolicyARN!);
  }

  const logs = new CloudWatchLogsClient(config);
  for (const g of (await logs.send(new DescribeLogGroupsCommand({}))).logGroups ?? []) {
    add("logs:log-group", g.logGroupName!);
  }
  for (
    const p of (await logs.send(new DescribeResourcePoliciesCommand({}))).resourcePolicies ?? []
  ) {
    add("logs:resource-policy", p.policyName!);
  }

  const kms = new KMSClient(config);
  for (const k of (await kms.send(new ListKeysCommand({}))).Keys ?? []) {
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }));
    if (KeyMetadata?.KeyManager === "AWS") continue;
    add(`kms:key(${KeyMetadata?.KeyState})`, k.KeyId!);
  }
  for (const a of (await kms.send(new ListAliasesCommand({}))).Aliases ?? []) {
    // AWS-managed aliases (alias/aws/…) exist in every account; only customer aliases count.
    if (!a.AliasName!.startsWith("alias/aws/")) add("kms:alias", a.AliasName!);
  }

  const iam = new IAMClient(config);
  for (const role of (await iam.send(new ListRolesCommand({}))).Roles ?? []) {
    add("iam:role", role.RoleName!);
    const inline = await iam.send(new ListRolePoliciesCommand({ RoleName: role.RoleName }));
    for (const name of inline.PolicyNames ?? []) add("iam:role-policy", `${role.RoleName}/${name}`);
  }

  const s3 = new S3Client(config);
  for (const b of (await s3.send(new ListBucketsCommand({}))).Buckets ?? []) {
    add("s3:bucket", b.Name!);
  }

  const sns = new SNSClient(config);
  for (const t of (await sns.send(new ListTopicsCommand({}))).Topics ?? []) {
    add("sns:topic", t.TopicArn!);
  }

  // moto 5.2.5 serves CloudWatch in the query protocol only, not the JSON protocol this SDK
  // version speaks by default; AWS serves both (the service is awsQueryCompatible).
  const cloudwatch = new CloudWatchClient({ ...config, protocol: AwsQueryProtocol });
  for (const a of (await cloudwatch.send(new DescribeAlarmsCommand({}))).MetricAlarms ?? []) {
    add("cloudwatch:alarm", a.AlarmName!);
  }
  for (const d of (await cloudwatch.send(new ListDashboardsCommand({}))).DashboardEntries ?? []) {
    add("cloudwatch:dashboard", d.DashboardName!);
  }

  const waf = new WAFV2Client(config);
  for (const acl of (await waf.send(new ListWebACLsCommand({ Scope: "REGIONAL" }))).WebACLs ?? []) {
    add("wafv2:web-acl", acl.Name!);
  }
  const logging = await waf.send(new ListLoggingConfigurationsCommand({ Scope: "REGIONAL" }));
  for (const c of logging.LoggingConfigurations ?? []) {
    add("wafv2:logging-configuration", c.ResourceArn!);
  }
  for (const line of lines.filter((l) => l.startsWith("elbv2:load-balancer "))) {
    const arn = line.slice("elbv2:load-balancer ".length);
    const { WebACL } = await waf.send(new GetWebACLForResourceCommand({ ResourceArn: arn }));
    if (WebACL) add("wafv2:association", `${WebACL.Name} ${arn}`);
  }
  return lines.sort();
}

/** Lines of `after` that are not in `before`. */
export function added(before: readonly string[], after: readonly string[]): string[] {
  const seen = new Set(before);
  return after.filter((l) => !seen.has(l));
}
