/**
 * Builders shared by the CDK construct and the CloudFormation generator: the alarms (from the
 * server's telemetry catalog, never retyped) and the WAF rules. Each returns CloudFormation
 * property objects; the caller supplies how to concatenate strings and how to make a part
 * conditional, so the CDK passes concrete values and the generator passes intrinsic functions.
 * Pure: no I/O.
 * @module
 */
import catalog from "../../../server/telemetry/catalog.json" with {
  type: "json",
};

/** The server's telemetry catalog (`server/telemetry/catalog.json`); outcomes from its log fields. */
export const TELEMETRY_CATALOG: {
  readonly namespace: string;
  readonly metrics: Readonly<
    Record<string, { unit: string; dimensions: string[][] }>
  >;
  readonly client_types: readonly string[];
  readonly outcomes: readonly string[];
} = {
  namespace: catalog.namespace,
  metrics: catalog.metrics,
  client_types: catalog.client_types,
  outcomes: catalog.log_fields.outcome.split(",").map((s) => s.trim()).filter(
    Boolean,
  ),
};

/** How a flavour builds values: string concatenation and optional parts. */
export interface Flavour {
  /** Concatenates strings, numbers or references into one string. */
  concat(...parts: unknown[]): unknown;
  /** `value` when the named condition holds, else nothing (dropped from lists and objects). */
  when(condition: string, value: unknown): unknown;
}

/** Looks a metric up in the catalog; a name the server does not emit is an error. */
export function metric(name: string): string {
  if (!(name in TELEMETRY_CATALOG.metrics)) {
    throw new Error(`metric ${name} is not in server/telemetry/catalog.json`);
  }
  return name;
}

/** Looks a dimension up in the catalog. */
export function dimension(name: string): string {
  const all = new Set(
    Object.values(TELEMETRY_CATALOG.metrics).flatMap((m) => m.dimensions.flat()),
  );
  if (!all.has(name)) {
    throw new Error(
      `dimension ${name} is not in server/telemetry/catalog.json`,
    );
  }
  return name;
}

/** Looks an outcome up in the catalog. */
export function outcome(name: string): string {
  if (!TELEMETRY_CATALOG.outcomes.includes(name)) {
    throw new Error(`outcome ${name} is not in server/telemetry/catalog.json`);
  }
  return name;
}

/** Inputs of the alarms (values or references, as the flavour builds them). */
export interface AlarmInputs {
  readonly name: unknown;
  readonly namespace: unknown;
  readonly period: unknown;
  readonly authFailureRatePercent: unknown;
  readonly authFailureMinRequests: unknown;
  readonly target5xxThreshold: unknown;
  readonly stsErrorThreshold: unknown;
  readonly wafBlockedThreshold: unknown;
  readonly topicArn: unknown;
  readonly loadBalancerFullName: unknown;
  readonly targetGroupFullName: unknown;
  readonly webAclName: unknown;
  readonly region: unknown;
}

/** One alarm: a stable key (the Terraform `alarm_arns` key) and its CloudFormation properties. */
export interface AlarmSpec {
  readonly key: string;
  readonly logicalId: string;
  readonly deployment: boolean;
  readonly properties: Record<string, unknown>;
}

/** The alarms of modules/observability, in its order. */
export function buildAlarms(f: Flavour, i: AlarmInputs): AlarmSpec[] {
  const actions = {
    ActionsEnabled: true,
    AlarmActions: [i.topicArn],
    OKActions: [i.topicArn],
    TreatMissingData: "notBreaching",
  };
  const alb = [
    { Name: "LoadBalancer", Value: i.loadBalancerFullName },
    { Name: "TargetGroup", Value: i.targetGroupFullName },
  ];
  const clientMetric = (id: string, name: string, client: string) => ({
    Id: id,
    ReturnData: false,
    MetricStat: {
      Metric: {
        Namespace: i.namespace,
        MetricName: metric(name),
        Dimensions: [{ Name: dimension("ClientType"), Value: client }],
      },
      Period: i.period,
      Stat: "Sum",
    },
  });
  const out: AlarmSpec[] = [];
  TELEMETRY_CATALOG.client_types.forEach((client) => {
    out.push({
      key: `auth-failure-rate-${client}`,
      logicalId: `AuthFailureRate${client.replace(/[^A-Za-z0-9]/g, "")}Alarm`,
      deployment: false,
      properties: {
        AlarmName: f.concat(i.name, `-auth-failure-rate-${client}`),
        AlarmDescription: f.concat(
          "More than ",
          i.authFailureRatePercent,
          `% of ${client} authentication attempts failed (at least `,
          i.authFailureMinRequests,
          " attempts). Runbook: runbooks/ (auth failures).",
        ),
        ComparisonOperator: "GreaterThanThreshold",
        Threshold: i.authFailureRatePercent,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        ...actions,
        Metrics: [
          clientMetric("failures", "AuthFailure", client),
          clientMetric("successes", "AuthSuccess", client),
          {
            Id: "attempts",
            Expression: "FILL(failures, 0) + FILL(successes, 0)",
            Label: "Authentication attempts",
            ReturnData: false,
          },
          {
            Id: "failure_rate",
            Expression: f.concat(
              "IF(attempts >= ",
              i.authFailureMinRequests,
              ", 100 * FILL(failures, 0) / attempts, 0)",
            ),
            Label: "Authentication failure rate (%)",
            ReturnData: true,
          },
        ],
      },
    });
  });
  out.push({
    key: "target-5xx",
    logicalId: "Target5xxAlarm",
    deployment: true,
    properties: {
      AlarmName: f.concat(i.name, "-target-5xx"),
      AlarmDescription: f.concat(
        "The MCP tasks returned more than ",
        i.target5xxThreshold,
        " 5xx responses in ",
        i.period,
        " s. Rolls a deployment back.",
      ),
      Namespace: "AWS/ApplicationELB",
      MetricName: "HTTPCode_Target_5XX_Count",
      Dimensions: alb,
      Statistic: "Sum",
      Period: i.period,
      EvaluationPeriods: 1,
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: i.target5xxThreshold,
      ...actions,
    },
  });
  out.push({
    key: "unhealthy-hosts",
    logicalId: "UnhealthyHostsAlarm",
    deployment: true,
    properties: {
      AlarmName: f.concat(i.name, "-unhealthy-hosts"),
      AlarmDescription:
        "A target of the MCP service failed its /healthz check for 2 minutes. Rolls a deployment back.",
      Namespace: "AWS/ApplicationELB",
      MetricName: "UnHealthyHostCount",
      Dimensions: alb,
      Statistic: "Maximum",
      Period: 60,
      EvaluationPeriods: 2,
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: 0,
      ...actions,
    },
  });
  const clients = TELEMETRY_CATALOG.client_types;
  out.push({
    key: "context-failure",
    logicalId: "ContextFailureAlarm",
    deployment: true,
    properties: {
      AlarmName: f.concat(i.name, "-context-failure"),
      AlarmDescription:
        "Code asked for AWS access or identity outside a request context (refused, fail closed). Any occurrence is a defect. Rolls a deployment back.",
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: 0,
      EvaluationPeriods: 1,
      ...actions,
      Metrics: [
        ...clients.map((c, n) => clientMetric(`c${n}`, "ContextFailure", c)),
        {
          Id: "context_failures",
          Expression: `SUM([${clients.map((_, n) => `FILL(c${n}, 0)`).join(", ")}])`,
          Label: "Context failures (all client types)",
          ReturnData: true,
        },
      ],
    },
  });
  out.push({
    key: "sts-assume-errors",
    logicalId: "StsAssumeErrorsAlarm",
    deployment: false,
    properties: {
      AlarmName: f.concat(i.name, "-sts-assume-errors"),
      AlarmDescription:
        "Per-user AssumeRole calls failed (trust policy, allow-list or session tags out of step). Runbook: runbooks/ (per-user roles).",
      Namespace: i.namespace,
      MetricName: metric("StsAssume"),
      Dimensions: [{ Name: dimension("Outcome"), Value: outcome("error") }],
      Statistic: "Sum",
      Period: i.period,
      EvaluationPeriods: 1,
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: i.stsErrorThreshold,
      ...actions,
    },
  });
  out.push({
    key: "waf-blocked-spike",
    logicalId: "WafBlockedSpikeAlarm",
    deployment: false,
    properties: {
      AlarmName: f.concat(i.name, "-waf-blocked-spike"),
      AlarmDescription: f.concat(
        "WAF blocked more than ",
        i.wafBlockedThreshold,
        " requests in ",
        i.period,
        " s: an attack, or a rule blocking legitimate MCP traffic.",
      ),
      Namespace: "AWS/WAFV2",
      MetricName: "BlockedRequests",
      Dimensions: [
        { Name: "WebACL", Value: i.webAclName },
        { Name: "Region", Value: i.region },
        { Name: "Rule", Value: "ALL" },
      ],
      Statistic: "Sum",
      Period: i.period,
      EvaluationPeriods: 1,
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: i.wafBlockedThreshold,
      ...actions,
    },
  });
  return out;
}

/** Inputs of the WAF rules. */
export interface WafInputs {
  /** The web ACL name without hyphens (the Terraform module's metric prefix). */
  readonly metricPrefix: unknown;
  readonly mcpPath: unknown;
  readonly rateLimit: unknown;
  /** Requests per window of one Authorization header value (one caller), over every task. */
  readonly callerRateLimit: unknown;
  readonly rateLimitWindowSeconds: unknown;
  readonly blockedIpv4SetArn: unknown;
  readonly blockedIpv6SetArn: unknown;
  readonly allowedIpv4SetArn: unknown;
  readonly allowedIpv6SetArn: unknown;
}

/**
 * Conditions the WAF rules use: `blockedIps` and `allowedIps` (the lists are not empty),
 * `anonymousCount` and `hostingCount` (those Anonymous IP list rules only count).
 */
export const WAF_CONDITIONS = [
  "blockedIps",
  "allowedIps",
  "anonymousCount",
  "hostingCount",
];

/** The rules of modules/waf's web ACL, in priority order. */
export function buildWafRules(f: Flavour, i: WafInputs): unknown[] {
  const visibility = (suffix: string) => ({
    CloudWatchMetricsEnabled: true,
    MetricName: f.concat(i.metricPrefix, suffix),
    SampledRequestsEnabled: true,
  });
  const managed = (
    name: string,
    priority: number,
    suffix: string,
    overrides: unknown[] = [],
  ) => ({
    Name: name,
    Priority: priority,
    OverrideAction: { None: {} },
    Statement: {
      ManagedRuleGroupStatement: {
        VendorName: "AWS",
        Name: name,
        ...(overrides.length > 0 ? { RuleActionOverrides: overrides } : {}),
      },
    },
    VisibilityConfig: visibility(suffix),
  });
  const countOverride = (name: string) => ({
    Name: name,
    ActionToUse: { Count: {} },
  });
  const ipSets = (v4: unknown, v6: unknown) => ({
    OrStatement: {
      Statements: [
        { IPSetReferenceStatement: { Arn: v4 } },
        { IPSetReferenceStatement: { Arn: v6 } },
      ],
    },
  });
  const uriPath = (search: unknown, constraint: string) => ({
    ByteMatchStatement: {
      SearchString: search,
      PositionalConstraint: constraint,
      FieldToMatch: { UriPath: {} },
      TextTransformations: [{ Priority: 0, Type: "NONE" }],
    },
  });
  return [
    f.when("blockedIps", {
      Name: "BlockListedIps",
      Priority: 0,
      Action: { Block: {} },
      Statement: ipSets(i.blockedIpv4SetArn, i.blockedIpv6SetArn),
      VisibilityConfig: visibility("BlockListedIps"),
    }),
    f.when("allowedIps", {
      Name: "BlockOutsideAllowList",
      Priority: 1,
      Action: { Block: {} },
      Statement: {
        NotStatement: {
          Statement: ipSets(i.allowedIpv4SetArn, i.allowedIpv6SetArn),
        },
      },
      VisibilityConfig: visibility("BlockOutsideAllowList"),
    }),
    managed("AWSManagedRulesAmazonIpReputationList", 10, "IpReputation"),
    {
      ...managed("AWSManagedRulesAnonymousIpList", 15, "AnonymousIp"),
      Statement: {
        ManagedRuleGroupStatement: {
          VendorName: "AWS",
          Name: "AWSManagedRulesAnonymousIpList",
          RuleActionOverrides: [
            f.when("anonymousCount", countOverride("AnonymousIPList")),
            f.when("hostingCount", countOverride("HostingProviderIPList")),
          ],
        },
      },
    },
    managed("AWSManagedRulesKnownBadInputsRuleSet", 20, "KnownBadInputs"),
    managed("AWSManagedRulesCommonRuleSet", 30, "CommonRuleSet", [
      countOverride("SizeRestrictions_BODY"),
    ]),
    {
      Name: "BlockLargeBodiesOutsideMcpPath",
      Priority: 31,
      Action: { Block: {} },
      Statement: {
        AndStatement: {
          Statements: [
            {
              LabelMatchStatement: {
                Scope: "LABEL",
                Key: "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body",
              },
            },
            {
              NotStatement: {
                Statement: {
                  OrStatement: {
                    Statements: [
                      uriPath(i.mcpPath, "EXACTLY"),
                      uriPath(f.concat(i.mcpPath, "/"), "STARTS_WITH"),
                    ],
                  },
                },
              },
            },
          ],
        },
      },
      VisibilityConfig: visibility("LargeBodiesOutsideMcpPath"),
    },
    {
      Name: "RateLimitPerIp",
      Priority: 40,
      Action: { Block: {} },
      Statement: {
        RateBasedStatement: {
          Limit: i.rateLimit,
          AggregateKeyType: "IP",
          EvaluationWindowSec: i.rateLimitWindowSeconds,
        },
      },
      VisibilityConfig: visibility("RateLimitPerIp"),
    },
    // Per caller across every task (the server's limiter is per task): keyed on the Authorization
    // header as sent, untransformed (bearer tokens are case-sensitive).
    {
      Name: "RateLimitPerCaller",
      Priority: 41,
      Action: { Block: {} },
      Statement: {
        RateBasedStatement: {
          Limit: i.callerRateLimit,
          AggregateKeyType: "CUSTOM_KEYS",
          EvaluationWindowSec: i.rateLimitWindowSeconds,
          CustomKeys: [{
            Header: {
              Name: "authorization",
              TextTransformations: [{ Priority: 0, Type: "NONE" }],
            },
          }],
        },
      },
      VisibilityConfig: visibility("RateLimitPerCaller"),
    },
  ];
}

/** Inputs of the dashboard (values or references, as the flavour builds them). */
export interface DashboardInputs {
  /** Alarm ARNs by the Terraform `alarm_arns` key. */
  readonly alarmArns: Readonly<Record<string, unknown>>;
  readonly namespace: unknown;
  readonly period: unknown;
  readonly region: unknown;
  readonly loadBalancer: unknown;
  readonly targetGroup: unknown;
  readonly webAcl: unknown;
}

/**
 * The widgets of modules/observability's dashboard: the alarms, one graph per catalog metric
 * (a SEARCH over its first dimension set), the load balancer and the WAF. Keys are iterated in
 * sorted order, as Terraform iterates maps.
 */
export function dashboardWidgets(f: Flavour, i: DashboardInputs): unknown[] {
  const metrics = Object.keys(TELEMETRY_CATALOG.metrics).sort();
  const catalogWidgets = metrics.map((name) => {
    const m = TELEMETRY_CATALOG.metrics[name];
    const stat = name === "ToolLatency" ? "p99" : "Sum";
    const dims = m.dimensions[0].length > 0 ? `,${m.dimensions[0].join(",")}` : "";
    return {
      type: "metric",
      width: 12,
      height: 6,
      properties: {
        title: `${name} (${m.unit})`,
        region: i.region,
        view: "timeSeries",
        stacked: false,
        stat,
        period: i.period,
        metrics: [[{
          expression: f.concat(
            "SEARCH('{",
            i.namespace,
            `${dims}} MetricName="${name}"', '${stat}', `,
            i.period,
            ")",
          ),
          id: `e_${name.toLowerCase()}`,
          label: name,
        }]],
      },
    };
  });
  const alb = (metric: string, stat: string) => [
    "AWS/ApplicationELB",
    metric,
    "LoadBalancer",
    i.loadBalancer,
    "TargetGroup",
    i.targetGroup,
    { stat },
  ];
  const waf = (metric: string) => [
    "AWS/WAFV2",
    metric,
    "WebACL",
    i.webAcl,
    "Region",
    i.region,
    "Rule",
    "ALL",
    { stat: "Sum" },
  ];
  return [
    {
      type: "alarm",
      width: 24,
      height: 4,
      properties: {
        title: "Alarms",
        alarms: Object.keys(i.alarmArns).sort().map((k) => i.alarmArns[k]),
      },
    },
    ...catalogWidgets,
    {
      type: "metric",
      width: 12,
      height: 6,
      properties: {
        title: "Load balancer: requests, target 5xx, unhealthy hosts",
        region: i.region,
        view: "timeSeries",
        period: i.period,
        metrics: [
          alb("RequestCount", "Sum"),
          alb("HTTPCode_Target_5XX_Count", "Sum"),
          alb("UnHealthyHostCount", "Maximum"),
          alb("TargetResponseTime", "p99"),
        ],
      },
    },
    {
      type: "metric",
      width: 12,
      height: 6,
      properties: {
        title: "WAF: allowed and blocked requests",
        region: i.region,
        view: "timeSeries",
        period: i.period,
        metrics: [waf("AllowedRequests"), waf("BlockedRequests")],
      },
    },
  ];
}
