// deno-lint-ignore-file no-explicit-any -- walks untyped JSON (templates, plans) of any shape
/**
 * The security profile of a deployment, read from a Terraform plan or from a resolved
 * CloudFormation template (the CDK synthesis and the committed template alike): the properties
 * the parity tests compare across flavours. References to other resources are reduced to the
 * kind of thing they point at, so the three spellings of the same deployment compare equal.
 * @module
 */
import type { Evaluated } from "./cfn_eval.ts";
import type { TerraformPlan } from "./terraform.ts";

/** One security-group rule: protocol, ports and the kind of destination. */
export interface Rule {
  readonly protocol: string;
  readonly from: number;
  readonly to: number;
  readonly destination: string;
}

/** A policy statement, normalized (actions and resources sorted, lists even for one item). */
export interface Statement {
  readonly sid: string;
  readonly actions: string[];
  readonly resources: string[];
  readonly condition?: unknown;
}

/** A WAF rule summarized: what it does, to what, with which overrides. */
export interface WafRule {
  readonly name: string;
  readonly priority: number;
  readonly action: string;
  readonly managed?: string;
  readonly overrides: string[];
  readonly detail: string[];
}

/** A resource policy's statement: a {@linkcode Statement} with its effect and principal. */
export interface ResourceStatement extends Statement {
  readonly effect: string;
  /** The principal, canonical JSON. */
  readonly principal: string;
}

/** The audit trail (modules/audit) summarized: the trail, its bucket, key and delivery role. */
export interface AuditTrail {
  readonly trail: Record<string, unknown>;
  /** Each advanced event selector: its name and "field op values" of each field selector. */
  readonly selectors: { name: string; fields: string[] }[];
  readonly bucket: Record<string, unknown>;
  readonly bucketPolicy: ResourceStatement[];
  readonly keyPolicy: ResourceStatement[];
  readonly deliveryTrust: ResourceStatement[];
  readonly deliveryPolicy: Statement[];
}

/** Everything the parity tests compare. */
export interface Profile {
  readonly container: Record<string, unknown>;
  readonly environment: Record<string, string>;
  readonly secretNames: string[];
  readonly serviceEgress: Rule[];
  readonly serviceIngress: Rule[];
  readonly defaultEgressRemoved: boolean;
  readonly logGroups: { name: string; retention: number | null; encrypted: boolean }[];
  readonly keysRotate: boolean[];
  readonly listeners: { protocol: string; port: number; sslPolicy?: string; action: string }[];
  readonly loadBalancer: Record<string, string>;
  readonly wafRules: WafRule[];
  readonly wafAssociated: boolean;
  readonly wafLogDestinations: string[];
  readonly wafRedactedHeaders: string[];
  readonly alarms: { name: string; metrics: string[]; namespaces: string[] }[];
  readonly executionStatements: Statement[];
  readonly taskAssumeStatements: Statement[];
  readonly trustConditions: unknown[];
  readonly categoryPolicies: Record<string, Statement[] | typeof UNKNOWN_AT_PLAN>;
  /** Categories whose policy the task role holds (single-tenant mode). */
  readonly attachedCategories: string[];
  readonly service: Record<string, unknown>;
  /** Health check path and protocol, the traffic protocol to the task, the target type. */
  readonly targetGroupHealthCheck: Record<string, unknown>;
  readonly routes: { hosts: string[]; paths: string[] };
  /** The CloudTrail audit trail, or null where the deployment creates none. */
  readonly auditTrail: AuditTrail | null;
}

/** Every field of {@linkcode Profile}; the type makes it complete, so test names need no plan. */
const PROFILE_FIELDS: Readonly<Record<keyof Profile, true>> = {
  container: true,
  environment: true,
  secretNames: true,
  serviceEgress: true,
  serviceIngress: true,
  defaultEgressRemoved: true,
  logGroups: true,
  keysRotate: true,
  listeners: true,
  loadBalancer: true,
  wafRules: true,
  wafAssociated: true,
  wafLogDestinations: true,
  wafRedactedHeaders: true,
  alarms: true,
  executionStatements: true,
  taskAssumeStatements: true,
  trustConditions: true,
  categoryPolicies: true,
  attachedCategories: true,
  service: true,
  targetGroupHealthCheck: true,
  routes: true,
  auditTrail: true,
};

/** The field names of {@linkcode Profile}, in declaration order. */
export const PROFILE_KEYS: readonly (keyof Profile)[] = Object.keys(
  PROFILE_FIELDS,
) as (keyof Profile)[];

const asList = <T>(x: T | T[] | undefined | null): T[] =>
  x === undefined || x === null ? [] : Array.isArray(x) ? x : [x];

const text = (x: unknown): string =>
  typeof x === "string" ? x : x === null || x === undefined ? "" : JSON.stringify(x);

/** How the task role's own ARN appears in a category policy (single-tenant governance). */
export const TASK_ROLE = "<task-role>";

/** A value Terraform knows only after apply (a mock plan leaves it unknown). */
export const UNKNOWN_AT_PLAN = "(known after apply)";

/** JSON with object keys sorted at every level: equal values, equal text. */
export function canonical(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v !== null && typeof v === "object"
      ? Object.fromEntries(
        Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      )
      : v;
  return JSON.stringify(sort(value));
}

/** A resource policy's statements: {@linkcode statements} plus each one's effect and principal. */
function resourcePolicy(document: unknown): ResourceStatement[] {
  const doc = (typeof document === "string" ? JSON.parse(document) : document) as {
    Statement: Record<string, unknown>[];
  };
  const bySid = new Map(asList(doc.Statement).map((s) => [String(s.Sid ?? ""), s]));
  return statements(doc).map((s) => ({
    ...s,
    effect: String(bySid.get(s.sid)?.Effect),
    principal: canonical(bySid.get(s.sid)?.Principal ?? null),
  }));
}

/** One field selector as "field op value,value" (values sorted), op as CloudTrail spells it. */
function fieldSelector(field: string, ops: Record<string, unknown>): string[] {
  return Object.entries(ops).filter(([, v]) => asList(v as unknown[]).length > 0).map(([op, v]) =>
    `${field} ${op} ${asList(v as unknown[]).map(text).sort().join(",")}`
  );
}

/** Normalizes a policy document's statements. */
export function statements(document: unknown): Statement[] {
  const doc = (typeof document === "string" ? JSON.parse(document) : document) as {
    Statement: Record<string, unknown>[];
  };
  return asList(doc.Statement).map((s) => ({
    sid: String(s.Sid ?? ""),
    actions: asList(s.Action as string[]).map(String).sort(),
    resources: asList(s.Resource as string[]).map(text).sort(),
    ...(s.Condition === undefined ? {} : { condition: s.Condition }),
  })).sort((a, b) => a.sid.localeCompare(b.sid));
}

function containerProfile(c: Record<string, any>): Record<string, unknown> {
  return {
    readonlyRootFilesystem: c.readonlyRootFilesystem,
    privileged: c.privileged,
    user: c.user,
    initProcessEnabled: c.linuxParameters?.initProcessEnabled,
    capabilitiesDrop: c.linuxParameters?.capabilities?.drop,
    capabilitiesAdd: c.linuxParameters?.capabilities?.add ?? [],
    healthCheck: c.healthCheck?.command,
    portMappings: asList(c.portMappings).map((p: any) => `${p.containerPort}/${p.protocol}`),
    logDriver: c.logConfiguration?.logDriver,
    logGroup: c.logConfiguration?.options?.["awslogs-group"],
    stopTimeout: Number(c.stopTimeout),
    mountPoints: asList(c.mountPoints).length,
    volumesFrom: asList(c.volumesFrom).length,
  };
}

/** CloudFormation-cased keys → camelCase (container definitions), deeply. */
function camel(value: unknown): any {
  if (Array.isArray(value)) return value.map(camel);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map((
        [k, v],
      ) => [k.charAt(0).toLowerCase() + k.slice(1), k === "Options" ? v : camel(v)]),
    );
  }
  return value;
}

function sortRules(rules: Rule[]): Rule[] {
  return rules.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** The profile of a resolved CloudFormation template (CDK synthesis or the committed one). */
export function fromCloudFormation(t: Evaluated): Profile {
  const all = Object.entries(t.resources);
  const ofType = (type: string) => all.filter(([, r]) => r.Type === type);
  const one = (type: string) => {
    const found = ofType(type);
    if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
    return found[0];
  };
  const idOf = (x: any): string | undefined => x?.ref ?? x?.getAtt?.[0];
  const [serviceSgId] = ofType("AWS::EC2::SecurityGroup").find(([, r]) =>
    String(r.Properties.GroupDescription).startsWith("quilt-mcp tasks")
  )!;
  const [albSgId] = ofType("AWS::EC2::SecurityGroup").find(([, r]) =>
    String(r.Properties.GroupDescription).startsWith("quilt-mcp load balancer")
  )!;
  const destination = (p: any): string =>
    p.CidrIp
      ? `cidr:${p.CidrIp}`
      : p.CidrIpv6
      ? `cidr:${p.CidrIpv6}`
      : p.DestinationPrefixListId
      ? `pl:${p.DestinationPrefixListId}`
      : idOf(p.DestinationSecurityGroupId) === albSgId
      ? "sg:alb"
      : idOf(p.DestinationSecurityGroupId) === serviceSgId
      ? "sg:service"
      : `sg:${text(p.DestinationSecurityGroupId)}`;
  const rule = (p: any, dest: string): Rule => ({
    protocol: String(p.IpProtocol),
    from: Number(p.FromPort),
    to: Number(p.ToPort),
    destination: dest,
  });
  const serviceEgress = ofType("AWS::EC2::SecurityGroupEgress")
    .filter(([, r]) => idOf(r.Properties.GroupId) === serviceSgId)
    .map(([, r]) => rule(r.Properties, destination(r.Properties)));
  const serviceIngress = ofType("AWS::EC2::SecurityGroupIngress")
    .filter(([, r]) => idOf(r.Properties.GroupId) === serviceSgId)
    .map(([, r]) =>
      rule(r.Properties, idOf(r.Properties.SourceSecurityGroupId) === albSgId ? "sg:alb" : "other")
    );
  const inlineEgress = ofType("AWS::EC2::SecurityGroup").flatMap(([, r]) =>
    asList(r.Properties.SecurityGroupEgress)
  );
  const [, task] = one("AWS::ECS::TaskDefinition");
  const container = camel(task.Properties.ContainerDefinitions[0]);
  const environment = Object.fromEntries(
    asList(container.environment).map((e: any) => [e.name, text(e.value)]),
  );
  const roleOf = (name: string) =>
    ofType("AWS::IAM::Role").find(([, r]) => text(r.Properties.RoleName).endsWith(name))!;
  const [taskRoleId, taskRole] = roleOf("-task");
  const [, executionRole] = roleOf("-execution");
  const roleTargets = (r: any) => asList(r.Properties.RoleName ?? r.Properties.Roles).map(idOf);
  const attachedCategories: string[] = [];
  const taskAssume = ofType("AWS::IAM::RolePolicy").find(([, r]) =>
    r.Properties.PolicyName === "assume-data-roles" && roleTargets(r).includes(taskRoleId)
  );
  const categoryPolicies: Record<string, Statement[]> = {};
  const taskRoleArn = JSON.stringify({ getAtt: [taskRoleId, "Arn"] });
  for (const [, r] of ofType("AWS::IAM::ManagedPolicy")) {
    const m = /-category-(.+)$/.exec(text(r.Properties.ManagedPolicyName));
    if (m) {
      categoryPolicies[m[1]] = statements(r.Properties.PolicyDocument).map((s) => ({
        ...s,
        resources: s.resources.map((x) => (x === taskRoleArn ? TASK_ROLE : x)),
      }));
      const attached = asList(r.Properties.Roles).map(idOf);
      if (attached.length > 0 && !(attached.length === 1 && attached[0] === taskRoleId)) {
        throw new Error(`category policy ${m[1]} attached to something else than the task role`);
      }
      if (attached.length > 0) attachedCategories.push(m[1]);
    }
  }
  const [, lb] = one("AWS::ElasticLoadBalancingV2::LoadBalancer");
  const lbAttributes = Object.fromEntries(
    asList(lb.Properties.LoadBalancerAttributes).map((a: any) => [a.Key, text(a.Value)]),
  );
  const [webAclId, webAcl] = one("AWS::WAFv2::WebACL");
  const [, logging] = one("AWS::WAFv2::LoggingConfiguration");
  const [, service] = one("AWS::ECS::Service");
  const [, tg] = one("AWS::ElasticLoadBalancingV2::TargetGroup");
  const [, listenerRule] = one("AWS::ElasticLoadBalancingV2::ListenerRule");
  const conditions = asList(listenerRule.Properties.Conditions);
  const trails = ofType("AWS::CloudTrail::Trail");
  if (trails.length > 1) throw new Error(`expected at most one trail, found ${trails.length}`);
  return {
    container: containerProfile(container),
    environment,
    secretNames: asList(container.secrets).map((s: any) => text(s.name)).sort(),
    serviceEgress: sortRules(serviceEgress),
    serviceIngress: sortRules(serviceIngress),
    defaultEgressRemoved:
      ofType("AWS::EC2::SecurityGroup").every(([, r]) =>
        asList(r.Properties.SecurityGroupEgress).length === 1
      ) && inlineEgress.every((e: any) =>
        e.CidrIp === "255.255.255.255/32" && e.IpProtocol === "icmp"
      ),
    logGroups: ofType("AWS::Logs::LogGroup").map(([, r]) => ({
      name: text(r.Properties.LogGroupName),
      retention: r.Properties.RetentionInDays === undefined
        ? null
        : Number(r.Properties.RetentionInDays),
      encrypted: r.Properties.KmsKeyId !== undefined,
    })).sort((a, b) => a.name.localeCompare(b.name)),
    keysRotate: ofType("AWS::KMS::Key").map(([, r]) => r.Properties.EnableKeyRotation === true),
    listeners: ofType("AWS::ElasticLoadBalancingV2::Listener").map(([, r]) => ({
      protocol: r.Properties.Protocol,
      port: Number(r.Properties.Port),
      ...(r.Properties.SslPolicy ? { sslPolicy: r.Properties.SslPolicy } : {}),
      action: r.Properties.DefaultActions[0].Type,
    })).sort((a, b) => a.port - b.port),
    loadBalancer: {
      scheme: lb.Properties.Scheme,
      dropInvalidHeaders: lbAttributes["routing.http.drop_invalid_header_fields.enabled"],
      desyncMitigation: lbAttributes["routing.http.desync_mitigation_mode"],
      deletionProtection: lbAttributes["deletion_protection.enabled"],
      wafFailOpen: lbAttributes["waf.fail_open.enabled"],
      accessLogs: lbAttributes["access_logs.s3.enabled"],
      idleTimeout: lbAttributes["idle_timeout.timeout_seconds"],
    },
    wafRules: asList(webAcl.Properties.Rules).map(cfnWafRule).sort((a, b) =>
      a.priority - b.priority
    ),
    wafAssociated: ofType("AWS::WAFv2::WebACLAssociation").some(([, r]) =>
      idOf(r.Properties.WebACLArn) === webAclId && idOf(r.Properties.ResourceArn) !== undefined &&
      t.resources[idOf(r.Properties.ResourceArn)!]?.Type ===
        "AWS::ElasticLoadBalancingV2::LoadBalancer"
    ),
    wafLogDestinations: asList(logging.Properties.LogDestinationConfigs).map(text),
    wafRedactedHeaders: asList(logging.Properties.RedactedFields).map((f: any) =>
      f.SingleHeader?.Name
    )
      .sort(),
    alarms: ofType("AWS::CloudWatch::Alarm").map(([, r]) => {
      const p = r.Properties;
      const metrics = [
        ...(p.MetricName ? [{ name: p.MetricName, ns: p.Namespace }] : []),
        ...asList(p.Metrics).filter((m: any) => m.MetricStat).map((m: any) => ({
          name: m.MetricStat.Metric.MetricName,
          ns: m.MetricStat.Metric.Namespace,
        })),
      ];
      return {
        name: text(p.AlarmName),
        metrics: [...new Set(metrics.map((m) => m.name))].sort(),
        namespaces: [...new Set(metrics.map((m) => text(m.ns)))].sort(),
      };
    }).sort((a, b) => a.name.localeCompare(b.name)),
    executionStatements: statements(executionRole.Properties.Policies[0].PolicyDocument),
    taskAssumeStatements: taskAssume ? statements(taskAssume[1].Properties.PolicyDocument) : [],
    trustConditions: [taskRole, executionRole].map((r) =>
      asList(r.Properties.AssumeRolePolicyDocument.Statement).map((s: any) => s.Condition)
    ),
    categoryPolicies,
    attachedCategories: attachedCategories.sort(),
    service: {
      launchType: service.Properties.LaunchType,
      assignPublicIp: service.Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp,
      enableExecuteCommand: service.Properties.EnableExecuteCommand,
      circuitBreaker: service.Properties.DeploymentConfiguration.DeploymentCircuitBreaker,
      rollbackAlarms: asList(service.Properties.DeploymentConfiguration.Alarms?.AlarmNames).length,
    },
    targetGroupHealthCheck: {
      path: tg.Properties.HealthCheckPath,
      protocol: tg.Properties.HealthCheckProtocol,
      trafficProtocol: tg.Properties.Protocol,
      targetType: tg.Properties.TargetType,
    },
    routes: {
      hosts: conditions.filter((c: any) => c.Field === "host-header").flatMap((c: any) =>
        c.HostHeaderConfig.Values
      ),
      paths: conditions.filter((c: any) => c.Field === "path-pattern").flatMap((c: any) =>
        c.PathPatternConfig.Values
      ).sort(),
    },
    auditTrail: trails.length === 0 ? null : cfnAuditTrail(t, trails[0][1]),
  };
}

/** The audit trail of a resolved template, found from the trail's own references. */
function cfnAuditTrail(t: Evaluated, trail: any): AuditTrail {
  const p = trail.Properties;
  const idOf = (x: any): string => {
    const id = x?.ref ?? x?.getAtt?.[0];
    if (id === undefined || t.resources[id] === undefined) {
      throw new Error(`the trail refers to no resource of the template: ${text(x)}`);
    }
    return id;
  };
  const bucketId = idOf(p.S3BucketName);
  const bucket = t.resources[bucketId].Properties;
  const [, policy] = Object.entries(t.resources).find(([, r]) =>
    r.Type === "AWS::S3::BucketPolicy" && r.Properties.Bucket?.ref === bucketId
  )!;
  // The bucket policy names the bucket by its ARN attribute: spell it as Terraform does.
  const bucketArn = `arn:aws:s3:::${bucket.BucketName}`;
  const ownArn = (node: any): any => {
    if (Array.isArray(node)) return node.map(ownArn);
    if (node === null || typeof node !== "object") return node;
    if (node.getAtt?.[0] === bucketId && node.getAtt[1] === "Arn") return bucketArn;
    if (node.join !== undefined) {
      const parts = ownArn(node.join[1]);
      return parts.every((x: unknown) => typeof x === "string")
        ? parts.join(node.join[0])
        : { join: [node.join[0], parts] };
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, ownArn(v)]));
  };
  const key = t.resources[idOf(p.KMSKeyId)].Properties;
  const role = t.resources[idOf(p.CloudWatchLogsRoleArn)].Properties;
  const rule = bucket.LifecycleConfiguration.Rules[0];
  const sse = bucket.BucketEncryption.ServerSideEncryptionConfiguration[0];
  return {
    trail: {
      logFileValidation: p.EnableLogFileValidation,
      logging: p.IsLogging,
      multiRegion: p.IsMultiRegionTrail,
      globalServiceEvents: p.IncludeGlobalServiceEvents,
      encrypted: p.KMSKeyId !== undefined,
      cloudWatchLogs: p.CloudWatchLogsLogGroupArn !== undefined,
    },
    selectors: asList(p.AdvancedEventSelectors).map((a: any) => ({
      name: a.Name,
      fields: asList(a.FieldSelectors).flatMap((f: any) =>
        fieldSelector(f.Field, {
          equals: f.Equals,
          startsWith: f.StartsWith,
          notEquals: f.NotEquals,
          notStartsWith: f.NotStartsWith,
        })
      ).sort(),
    })),
    bucket: {
      publicAccessBlocked:
        Object.values(bucket.PublicAccessBlockConfiguration ?? {}).length === 4 &&
        Object.values(bucket.PublicAccessBlockConfiguration).every((v) => v === true),
      ownership: bucket.OwnershipControls?.Rules?.[0]?.ObjectOwnership,
      versioning: bucket.VersioningConfiguration?.Status,
      sse: sse.ServerSideEncryptionByDefault.SSEAlgorithm,
      bucketKey: sse.BucketKeyEnabled,
      expirationDays: Number(rule.ExpirationInDays),
      noncurrentDays: Number(rule.NoncurrentVersionExpiration.NoncurrentDays),
      abortMultipartDays: Number(rule.AbortIncompleteMultipartUpload.DaysAfterInitiation),
      accessLogs: bucket.LoggingConfiguration === undefined
        ? null
        : `${bucket.LoggingConfiguration.DestinationBucketName}/${bucket.LoggingConfiguration.LogFilePrefix}`,
    },
    bucketPolicy: resourcePolicy(ownArn(policy.Properties.PolicyDocument)),
    keyPolicy: resourcePolicy(key.KeyPolicy),
    deliveryTrust: resourcePolicy(role.AssumeRolePolicyDocument),
    deliveryPolicy: statements(role.Policies[0].PolicyDocument),
  };
}

function cfnWafRule(r: any): WafRule {
  const s = r.Statement;
  const detail: string[] = [];
  const walk = (node: any): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== "object") return;
    if (node.LabelMatchStatement) detail.push(`label:${node.LabelMatchStatement.Key}`);
    if (node.ByteMatchStatement) {
      detail.push(
        `${node.ByteMatchStatement.PositionalConstraint}:${node.ByteMatchStatement.SearchString}`,
      );
    }
    if (node.RateBasedStatement) {
      const rb = node.RateBasedStatement;
      detail.push(`rate:${rb.Limit}/${rb.EvaluationWindowSec}/${rb.AggregateKeyType}`);
      for (const key of asList(rb.CustomKeys)) {
        const types = asList(key.Header?.TextTransformations).map((t: any) => t.Type).join("+");
        detail.push(`key:${Object.keys(key).join("+")}:${key.Header?.Name}:${types}`);
      }
    }
    if (node.IPSetReferenceStatement) detail.push("ipset");
    if (node.NotStatement) detail.push("not");
    Object.values(node).forEach(walk);
  };
  walk(s);
  return {
    name: r.Name,
    priority: Number(r.Priority),
    action: r.Action
      ? Object.keys(r.Action)[0].toLowerCase()
      : `override:${Object.keys(r.OverrideAction)[0].toLowerCase()}`,
    ...(s.ManagedRuleGroupStatement ? { managed: s.ManagedRuleGroupStatement.Name } : {}),
    overrides: asList(s.ManagedRuleGroupStatement?.RuleActionOverrides).map((o: any) =>
      `${o.Name}:${Object.keys(o.ActionToUse)[0].toLowerCase()}`
    ).sort(),
    detail: detail.sort(),
  };
}

/** Drops empty lists and nulls from Terraform's plan JSON and unwraps one-item block lists. */
function tfClean(value: unknown): any {
  if (Array.isArray(value)) {
    const items = value.map(tfClean).filter((v) => v !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const c = tfClean(v);
      if (c !== undefined) out[k] = c;
    }
    return out;
  }
  return value === null ? undefined : value;
}

function tfWafRule(r: any): WafRule {
  const rule = tfClean(r);
  const detail: string[] = [];
  const walk = (node: any): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== "object") return;
    if (node.label_match_statement) detail.push(`label:${node.label_match_statement[0].key}`);
    if (node.byte_match_statement) {
      const b = node.byte_match_statement[0];
      detail.push(`${b.positional_constraint}:${b.search_string}`);
    }
    if (node.rate_based_statement) {
      const rb = node.rate_based_statement[0];
      detail.push(`rate:${rb.limit}/${rb.evaluation_window_sec}/${rb.aggregate_key_type}`);
      for (const key of asList(rb.custom_key)) {
        const header = key.header?.[0];
        const types = asList(header?.text_transformation).map((t: any) => t.type).join("+");
        const kinds = Object.keys(key).map((k) => k === "header" ? "Header" : k).join("+");
        detail.push(`key:${kinds}:${header?.name}:${types}`);
      }
    }
    if (node.ip_set_reference_statement) detail.push("ipset");
    if (node.not_statement) detail.push("not");
    Object.values(node).forEach(walk);
  };
  walk(rule.statement);
  const managed = rule.statement[0].managed_rule_group_statement?.[0];
  return {
    name: rule.name,
    priority: Number(rule.priority),
    action: rule.action
      ? Object.keys(rule.action[0])[0]
      : `override:${Object.keys(rule.override_action[0])[0]}`,
    ...(managed ? { managed: managed.name } : {}),
    overrides: asList(managed?.rule_action_override).map((o: any) =>
      `${o.name}:${Object.keys(o.action_to_use[0])[0]}`
    ).sort(),
    detail: detail.sort(),
  };
}

/** The profile of a Terraform plan of the composition (planComposition). */
export function fromTerraform(plan: TerraformPlan): Profile {
  const changes = plan.resource_changes.filter((r) => r.change.actions.includes("create"));
  const at = (prefix: string) =>
    changes.filter((r) => r.address.startsWith(prefix)).map((r) => r.change.after);
  const one = (prefix: string) => {
    const found = at(prefix);
    if (found.length !== 1) throw new Error(`expected one ${prefix}, found ${found.length}`);
    return found[0];
  };
  const ofType = (type: string) => changes.filter((r) => r.type === type);
  const task = one("module.mcp_server.aws_ecs_task_definition.this");
  const container = JSON.parse(task.container_definitions)[0];
  const rule = (r: any, destination: string): Rule => ({
    protocol: r.ip_protocol,
    from: r.from_port,
    to: r.to_port,
    destination,
  });
  const egress = changes.filter((r) =>
    r.type === "aws_vpc_security_group_egress_rule" && r.address.startsWith("module.mcp_server.") &&
    !r.address.includes("alb_to_service")
  ).map((r) => {
    const a = r.change.after;
    const destination = a.cidr_ipv4
      ? `cidr:${a.cidr_ipv4}`
      : a.cidr_ipv6
      ? `cidr:${a.cidr_ipv6}`
      : a.prefix_list_id
      ? `pl:${a.prefix_list_id}`
      : `sg:${a.referenced_security_group_id}`;
    return rule(a, destination);
  });
  const ingress = at("module.mcp_server.aws_vpc_security_group_ingress_rule.from_alb").map((a) =>
    rule(a, "sg:alb")
  );
  const policies = plan.output_changes.category_policies?.after as Record<string, string>;
  // The mock provider gives every role this ARN (tests/parity/terraform/mocks).
  const taskRoleArn = "arn:aws:iam::123456789012:role/quilt-mcp-mock";
  const lb = one("module.alb.aws_lb.this");
  const web = one("module.waf.aws_wafv2_web_acl.this");
  const logging = one("module.waf.aws_wafv2_web_acl_logging_configuration.this");
  const service = one("module.mcp_server.aws_ecs_service.this");
  const tg = one("module.mcp_server.aws_lb_target_group.this");
  const listenerRule = one("module.mcp_server.aws_lb_listener_rule.this");
  const trails = at("module.audit[0].aws_cloudtrail.this");
  return {
    container: containerProfile(container),
    environment: Object.fromEntries(
      container.environment.map((e: any) => [e.name, String(e.value)]),
    ),
    secretNames: asList(container.secrets).map((s: any) => s.name).sort(),
    serviceEgress: sortRules(egress),
    serviceIngress: sortRules(ingress),
    // Terraform's aws_security_group removes AWS's default allow-all egress rule itself.
    defaultEgressRemoved: ofType("aws_security_group").every((r) =>
      asList(r.change.after.egress).length === 0
    ),
    logGroups: ofType("aws_cloudwatch_log_group").map((r) => ({
      name: r.change.after.name,
      retention: r.change.after.retention_in_days === 0 ? null : r.change.after.retention_in_days,
      // The key ARN of a key created in the same plan is unknown until apply.
      encrypted: Boolean(r.change.after.kms_key_id) || r.change.after_unknown?.kms_key_id === true,
    })).sort((a, b) => a.name.localeCompare(b.name)),
    keysRotate: ofType("aws_kms_key").map((r) => r.change.after.enable_key_rotation === true),
    listeners: ofType("aws_lb_listener").map((r) => ({
      protocol: r.change.after.protocol,
      port: r.change.after.port,
      ...(r.change.after.ssl_policy ? { sslPolicy: r.change.after.ssl_policy } : {}),
      action: r.change.after.default_action[0].type,
    })).sort((a, b) => a.port - b.port),
    loadBalancer: {
      scheme: lb.internal ? "internal" : "internet-facing",
      dropInvalidHeaders: String(lb.drop_invalid_header_fields),
      desyncMitigation: lb.desync_mitigation_mode,
      deletionProtection: String(lb.enable_deletion_protection),
      wafFailOpen: String(lb.enable_waf_fail_open),
      accessLogs: String(lb.access_logs[0].enabled),
      idleTimeout: String(lb.idle_timeout),
    },
    wafRules: web.rule.map(tfWafRule).sort((a: WafRule, b: WafRule) => a.priority - b.priority),
    wafAssociated: at("module.alb.aws_wafv2_web_acl_association.this").length === 1,
    wafLogDestinations: logging.log_destination_configs,
    wafRedactedHeaders: logging.redacted_fields.map((f: any) => f.single_header[0].name).sort(),
    alarms: ofType("aws_cloudwatch_metric_alarm").map((r) => {
      const a = r.change.after;
      const metrics = [
        ...(a.metric_name ? [{ name: a.metric_name, ns: a.namespace }] : []),
        ...asList(a.metric_query).filter((q: any) => asList(q.metric).length > 0).map((q: any) => ({
          name: q.metric[0].metric_name,
          ns: q.metric[0].namespace,
        })),
      ];
      return {
        name: a.alarm_name,
        metrics: [...new Set(metrics.map((m) => m.name))].sort(),
        namespaces: [...new Set(metrics.map((m) => m.ns))].sort(),
      };
    }).sort((a, b) => a.name.localeCompare(b.name)),
    executionStatements: statements(one("module.mcp_server.aws_iam_role_policy.execution").policy),
    taskAssumeStatements: at("module.mcp_server.aws_iam_role_policy.assume").flatMap((p) =>
      statements(p.policy)
    ),
    trustConditions: [
      one("module.mcp_server.aws_iam_role.task"),
      one("module.mcp_server.aws_iam_role.execution"),
    ].map((r) => asList(JSON.parse(r.assume_role_policy).Statement).map((s: any) => s.Condition)),
    categoryPolicies: Object.fromEntries([
      ...Object.entries(policies ?? {}).map((
        [c, doc],
      ) => [c, statements(doc.replaceAll(taskRoleArn, TASK_ROLE))]),
      // A policy naming the task role's own ARN (single-tenant governance) is known after apply.
      ...Object.entries(
        (plan.output_changes.category_policies?.after_unknown ?? {}) as Record<string, boolean>,
      ).filter(([, unknown]) => unknown === true).map(([c]) => [c, UNKNOWN_AT_PLAN]),
    ]),
    attachedCategories: at("module.mcp_server.aws_iam_role_policy.category").map((p) =>
      String(p.name).replace(/^category-/, "")
    ).sort(),
    service: {
      launchType: service.launch_type,
      assignPublicIp: service.network_configuration[0].assign_public_ip ? "ENABLED" : "DISABLED",
      enableExecuteCommand: service.enable_execute_command,
      circuitBreaker: {
        Enable: service.deployment_circuit_breaker[0].enable,
        Rollback: service.deployment_circuit_breaker[0].rollback,
      },
      rollbackAlarms: asList(service.alarms?.[0]?.alarm_names).length,
    },
    targetGroupHealthCheck: {
      path: tg.health_check[0].path,
      protocol: tg.health_check[0].protocol,
      trafficProtocol: tg.protocol,
      targetType: tg.target_type,
    },
    routes: {
      hosts: listenerRule.condition.flatMap((c: any) =>
        asList(c.host_header).flatMap((h: any) => h.values)
      ),
      paths: listenerRule.condition.flatMap((c: any) =>
        asList(c.path_pattern).flatMap((h: any) => h.values)
      ),
    },
    auditTrail: trails.length === 0 ? null : tfAuditTrail(plan),
  };
}

/** The audit trail of the composition's plan (module.audit[0]). */
function tfAuditTrail(plan: TerraformPlan): AuditTrail {
  const resource = (address: string) => {
    const r = plan.resource_changes.find((x) => x.address === `module.audit[0].${address}`);
    if (r === undefined) throw new Error(`no ${address} in the audit module's plan`);
    return r.change;
  };
  const trail = resource("aws_cloudtrail.this");
  const p = trail.after;
  const known = (key: string) => Boolean(p[key]) || trail.after_unknown?.[key] === true;
  const rule = resource("aws_s3_bucket_lifecycle_configuration.trail").after.rule[0];
  const sse = resource("aws_s3_bucket_server_side_encryption_configuration.trail").after.rule[0];
  const block = resource("aws_s3_bucket_public_access_block.trail").after;
  const logging = plan.resource_changes.find((x) =>
    x.address === "module.audit[0].aws_s3_bucket_logging.trail[0]"
  )?.change.after;
  const key =
    plan.resource_changes.find((x) =>
      x.address.startsWith("module.audit[0].module.kms_key.") && x.type === "aws_kms_key"
    )!.change.after;
  const role = resource("aws_iam_role.cloudwatch").after;
  return {
    trail: {
      logFileValidation: p.enable_log_file_validation,
      logging: p.enable_logging,
      multiRegion: p.is_multi_region_trail,
      globalServiceEvents: p.include_global_service_events,
      encrypted: known("kms_key_id"),
      cloudWatchLogs: known("cloud_watch_logs_group_arn") && known("cloud_watch_logs_role_arn"),
    },
    selectors: asList(p.advanced_event_selector).map((a: any) => ({
      name: a.name,
      fields: asList(a.field_selector).flatMap((f: any) =>
        fieldSelector(f.field, {
          equals: f.equals,
          startsWith: f.starts_with,
          notEquals: f.not_equals,
          notStartsWith: f.not_starts_with,
        })
      ).sort(),
    })),
    bucket: {
      publicAccessBlocked: block.block_public_acls && block.block_public_policy &&
        block.ignore_public_acls && block.restrict_public_buckets,
      ownership: resource("aws_s3_bucket_ownership_controls.trail").after.rule[0].object_ownership,
      versioning: resource("aws_s3_bucket_versioning.trail").after.versioning_configuration[0]
        .status,
      sse: sse.apply_server_side_encryption_by_default[0].sse_algorithm,
      bucketKey: sse.bucket_key_enabled,
      expirationDays: Number(rule.expiration[0].days),
      noncurrentDays: Number(rule.noncurrent_version_expiration[0].noncurrent_days),
      abortMultipartDays: Number(rule.abort_incomplete_multipart_upload[0].days_after_initiation),
      accessLogs: logging === undefined
        ? null
        : `${logging.target_bucket}/${logging.target_prefix}`,
    },
    bucketPolicy: resourcePolicy(resource("aws_s3_bucket_policy.trail").after.policy),
    keyPolicy: resourcePolicy(key.policy),
    deliveryTrust: resourcePolicy(role.assume_role_policy),
    deliveryPolicy: statements(resource("aws_iam_role_policy.cloudwatch").after.policy),
  };
}
