/**
 * Security parity: one deployment (fixture.json) and a second with every conditional feature
 * switched on, planned by Terraform under a mock provider, synthesized by the CDK construct and
 * evaluated from the CloudFormation template; their security profiles must be equal, and each
 * must hold the properties the design demands. Plus one refused dangerous input per flavour.
 * @module
 */
import { App, Stack } from "aws-cdk-lib";
import { assert, assertEquals, assertThrows } from "../harness/assert.ts";
import { QuiltMcpPropsError, QuiltMcpServer } from "../../modules/cdk/mod.ts";
import {
  CATEGORY_TEMPLATES,
  IDENTITY_TEMPLATES,
  PLACEHOLDER_SPECS,
} from "../../modules/cdk/lib/policies.ts";
import { TELEMETRY_CATALOG } from "../../modules/cdk/lib/shared.ts";
import { findPlaceholders, renderTemplate } from "../../policies/render.ts";
import { PYTHON, REPO_ROOT } from "../harness/paths.ts";
import { evaluate, parameterErrors, readTemplate } from "./cfn_eval.ts";
import {
  cdkProps,
  cfnParameters,
  FEATURES,
  FIXTURE,
  TERRAFORM_BASE,
  terraformInputs,
} from "./flavours.ts";
import {
  canonical,
  fromCloudFormation,
  fromTerraform,
  type Profile,
  PROFILE_KEYS,
  type Statement,
  statements,
  TASK_ROLE,
  UNKNOWN_AT_PLAN,
} from "./profile.ts";
import { planComposition, type TerraformPlan, validationRuns } from "./terraform.ts";
import { setUpOnce } from "../harness/set_up.ts";

const template = setUpOnce(() =>
  readTemplate(`${REPO_ROOT}/modules/cloudformation/quilt-mcp.yaml`, PYTHON)
);

function cdkProfile(values: Record<string, unknown>): Profile {
  const app = new App({ outdir: Deno.makeTempDirSync({ prefix: "quilt-mcp-parity-cdk-" }) });
  const stack = new Stack(app, "QuiltMcp", {
    env: { account: "123456789012", region: "us-east-1" },
  });
  new QuiltMcpServer(stack, "Server", cdkProps(values) as never);
  const out = app.synth();
  try {
    return fromCloudFormation(evaluate(out.getStackByName("QuiltMcp").template));
  } finally {
    Deno.removeSync(out.directory, { recursive: true });
  }
}

async function cfnProfile(values: Record<string, unknown>): Promise<Profile> {
  const parameters = cfnParameters(values);
  const t = await template();
  assertEquals(parameterErrors(t, parameters), [], "CloudFormation refuses the parameters");
  return fromCloudFormation(evaluate(t, parameters));
}

const mcpPath = (values: Record<string, unknown>) =>
  /^https:\/\/[^/]+(\/.*)$/.exec(values.public_url as string)![1];

const SCENARIOS = { fixture: FIXTURE, features: FEATURES } as const;
type Scenario = keyof typeof SCENARIOS;
/** The fixture leaves TLS to the task off; FEATURES turns it on (TLS_TO_THE_TASK). */
const TARGET_PROTOCOL: Record<Scenario, string> = { fixture: "HTTP", features: "HTTPS" };
const FLAVOURS = ["terraform", "cdk", "cloudformation"] as const;
type ByFlavour = Record<(typeof FLAVOURS)[number], Profile>;

/** Each scenario's profile in each flavour, made in the first test that needs them. */
const profiles = setUpOnce(async (): Promise<Record<Scenario, ByFlavour>> => {
  // Both Terraform plans at once (each starts the provider once); terraform_cli.ts serializes
  // what must not overlap (the inits into the shared plugin cache).
  const [tfFixture, tfFeatures] = await Promise.all([
    planComposition(terraformInputs(FIXTURE), mcpPath(FIXTURE)),
    planComposition(terraformInputs(FEATURES), mcpPath(FEATURES)),
  ]);
  const plans: Record<Scenario, TerraformPlan> = { fixture: tfFixture, features: tfFeatures };
  const out = {} as Record<Scenario, ByFlavour>;
  for (const [scenario, values] of Object.entries(SCENARIOS) as [Scenario, typeof FIXTURE][]) {
    out[scenario] = {
      terraform: fromTerraform(plans[scenario]),
      cdk: cdkProfile(values),
      cloudformation: await cfnProfile(values),
    };
  }
  return out;
});

for (const scenario of Object.keys(SCENARIOS) as Scenario[]) {
  Deno.test(`${scenario}: every flavour's profile has exactly the compared fields`, async () => {
    for (const flavour of FLAVOURS) {
      assertEquals(
        Object.keys((await profiles())[scenario][flavour]).sort(),
        [...PROFILE_KEYS].sort(),
        flavour,
      );
    }
  });
  for (const key of PROFILE_KEYS) {
    Deno.test(`${scenario}: ${key} is the same in Terraform, CDK and CloudFormation`, async () => {
      const byFlavour = (await profiles())[scenario];
      const reference = canonical(byFlavour.terraform[key]);
      for (const flavour of ["cdk", "cloudformation"] as const) {
        assertEquals(
          canonical(
            key === "categoryPolicies"
              ? unknownAsTerraform(byFlavour[flavour], byFlavour.terraform)
              : byFlavour[flavour][key],
          ),
          reference,
          `${flavour} differs from Terraform in ${key}`,
        );
      }
    });
  }
}

/** CDK/CloudFormation category policies with those Terraform knows only after apply masked. */
function unknownAsTerraform(p: Profile, terraform: Profile): Profile["categoryPolicies"] {
  return Object.fromEntries(
    Object.entries(p.categoryPolicies).map((
      [c, v],
    ) => [c, terraform.categoryPolicies[c] === UNKNOWN_AT_PLAN ? UNKNOWN_AT_PLAN : v]),
  );
}

const SECRET_WORDS =
  /SECRET|TOKEN|PASSW|PWD|PASSPHRASE|KEY|CREDENTIAL|PRIVATE|SIGNING|BEARER|JWT|SALT|COOKIE|SESSION|AUTH/i;

for (const scenario of Object.keys(SCENARIOS) as Scenario[]) {
  for (const flavour of FLAVOURS) {
    const profile = async () => (await profiles())[scenario][flavour];
    Deno.test(`${scenario}/${flavour}: hardened container, secrets by reference only`, async () => {
      const p = await profile();
      assertEquals(p.container.readonlyRootFilesystem, true);
      assertEquals(p.container.privileged, false);
      assert(/^[1-9][0-9]*:[1-9][0-9]*$/.test(String(p.container.user)), "non-root numeric user");
      assertEquals(p.container.capabilitiesDrop, ["ALL"]);
      assertEquals(p.container.capabilitiesAdd, []);
      assertEquals(p.container.initProcessEnabled, true);
      assertEquals(p.container.healthCheck, ["CMD", "/quilt-mcp", "healthcheck"]);
      assertEquals([p.container.mountPoints, p.container.volumesFrom], [0, 0]);
      // Only the server's own settings and the allowed extras; nothing secret-looking in plain text.
      for (const name of Object.keys(p.environment)) {
        const setting = name.startsWith("QUILT_MCP_") || name.startsWith("AWS_");
        assert(setting || !SECRET_WORDS.test(name), `secret-looking plain environment ${name}`);
        assert(
          !/HS256_SECRET$|HS256_SECRET_PREVIOUS$|^QUILT_MCP_TLS_/.test(name),
          `${name} must come through secrets`,
        );
      }
      assertEquals(p.service.enableExecuteCommand, false);
      assertEquals(p.service.assignPublicIp, "DISABLED");
    });
    Deno.test(`${scenario}/${flavour}: egress only on 443, to endpoints, S3 and listed CIDRs`, async () => {
      const p = await profile();
      assert(p.defaultEgressRemoved, "the default allow-all egress rule must be gone");
      for (const rule of p.serviceEgress) {
        assertEquals([rule.protocol, rule.from, rule.to], ["tcp", 443, 443], JSON.stringify(rule));
        const open = rule.destination === "cidr:0.0.0.0/0" || rule.destination === "cidr:::/0";
        assertEquals(
          open,
          open && scenario === "features",
          `internet egress without the exception: ${rule.destination}`,
        );
      }
      assertEquals(p.serviceIngress.map((r) => r.destination), ["sg:alb"]);
    });
    Deno.test(`${scenario}/${flavour}: KMS-encrypted log groups kept at least a year`, async () => {
      const p = await profile();
      assertEquals(p.logGroups.map((g) => g.name), [
        "/aws/cloudtrail/quilt-mcp-audit",
        "/ecs/quilt-mcp",
        "aws-waf-logs-quilt-mcp",
      ]);
      for (const g of p.logGroups) {
        assert(g.encrypted, `${g.name} must use a KMS key`);
        assert(g.retention === null || g.retention >= 365, `${g.name} retention ${g.retention}`);
      }
      assert(p.keysRotate.length >= 3 && p.keysRotate.every(Boolean), "every created key rotates");
    });
    Deno.test(`${scenario}/${flavour}: HTTPS-only TLS 1.3 listener on a hardened load balancer`, async () => {
      const p = await profile();
      const https = p.listeners.filter((l) => l.protocol === "HTTPS");
      assertEquals(https, [{
        protocol: "HTTPS",
        port: 443,
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        action: "fixed-response",
      }]);
      for (const l of p.listeners.filter((l) => l.protocol !== "HTTPS")) {
        assertEquals([l.port, l.action], [80, "redirect"], "plain HTTP only redirects");
      }
      assertEquals(p.loadBalancer.dropInvalidHeaders, "true");
      assertEquals(p.loadBalancer.deletionProtection, "true");
      assertEquals(p.loadBalancer.desyncMitigation, "strictest");
      assertEquals(p.loadBalancer.wafFailOpen, "false");
    });
    Deno.test(`${scenario}/${flavour}: target group and health check on ${TARGET_PROTOCOL[scenario]}, TLS material as secrets only with the option`, async () => {
      const p = await profile();
      const protocol = TARGET_PROTOCOL[scenario];
      assertEquals(
        [p.targetGroupHealthCheck.trafficProtocol, p.targetGroupHealthCheck.protocol],
        [protocol, protocol],
      );
      const tls = p.secretNames.filter((n) => n.startsWith("QUILT_MCP_TLS_"));
      assertEquals(
        tls,
        protocol === "HTTPS" ? ["QUILT_MCP_TLS_CERTIFICATE", "QUILT_MCP_TLS_PRIVATE_KEY"] : [],
      );
    });
    Deno.test(`${scenario}/${flavour}: WAF associated, logged redacted, managed rules with the MCP body exception`, async () => {
      const p = await profile();
      assert(p.wafAssociated, "the web ACL must be associated with the load balancer");
      assert(
        p.wafLogDestinations.every((d) => d.includes(":log-group:aws-waf-logs-")),
        "aws-waf-logs-* destination",
      );
      assert(p.wafRedactedHeaders.includes("authorization"), "authorization redacted");
      const byName = Object.fromEntries(p.wafRules.map((r) => [r.name, r]));
      for (
        const group of [
          "AWSManagedRulesAmazonIpReputationList",
          "AWSManagedRulesAnonymousIpList",
          "AWSManagedRulesKnownBadInputsRuleSet",
          "AWSManagedRulesCommonRuleSet",
        ]
      ) {
        assertEquals(byName[group]?.managed, group);
        assertEquals(
          byName[group].action,
          "override:none",
          `${group} blocks (no count override on the group)`,
        );
      }
      assertEquals(byName.AWSManagedRulesCommonRuleSet.overrides, ["SizeRestrictions_BODY:count"]);
      assertEquals(byName.BlockLargeBodiesOutsideMcpPath.action, "block");
      assertEquals(byName.BlockLargeBodiesOutsideMcpPath.detail, [
        "EXACTLY:/mcp",
        "STARTS_WITH:/mcp/",
        "label:awswaf:managed:aws:core-rule-set:SizeRestrictions_Body",
        "not",
      ]);
      assertEquals(byName.RateLimitPerIp.detail, ["rate:2000/300/IP"]);
      // The cross-task limit: one counter per Authorization header value, over the whole ACL.
      assertEquals(byName.RateLimitPerCaller.action, "block");
      assertEquals(byName.RateLimitPerCaller.detail, [
        "key:Header:authorization:NONE",
        "rate:3000/300/CUSTOM_KEYS",
      ]);
    });
    Deno.test(`${scenario}/${flavour}: alarms from the telemetry catalog`, async () => {
      const p = await profile();
      const names = p.alarms.map((a) => a.name);
      assertEquals(
        names,
        [
          ...TELEMETRY_CATALOG.client_types.map((c) => `quilt-mcp-auth-failure-rate-${c}`),
          "quilt-mcp-context-failure",
          "quilt-mcp-sts-assume-errors",
          "quilt-mcp-target-5xx",
          "quilt-mcp-unhealthy-hosts",
          "quilt-mcp-waf-blocked-spike",
        ].sort(),
      );
      for (const alarm of p.alarms.filter((a) => a.namespaces.includes("QuiltMCP"))) {
        for (const m of alarm.metrics) {
          assert(m in TELEMETRY_CATALOG.metrics, `${m} is not emitted by the server`);
        }
      }
      assertEquals(p.service.rollbackAlarms, 3);
      assertEquals(p.service.circuitBreaker, { Enable: true, Rollback: true });
    });
    Deno.test(`${scenario}/${flavour}: ECS trust guards the confused deputy`, async () => {
      const p = await profile();
      for (const conditions of p.trustConditions as unknown[][]) {
        assertEquals(
          canonical(conditions),
          canonical([{
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnLike: { "aws:SourceArn": "arn:aws:ecs:us-east-1:123456789012:*" },
          }]),
        );
      }
    });
  }
}

/** The reference rendering (policies/render.ts) of a category for a configuration. */
function referencePolicy(category: string, values: Record<string, unknown>, taskRoleArn: string) {
  const location = /^s3:\/\/([^/]+)\/?(.*)$/.exec(String(values.athena_output_location ?? ""));
  const all: Record<string, string | string[]> = {
    partition: "aws",
    region: "us-east-1",
    account_id: "123456789012",
    bucket: (values.buckets as string[]) ?? [],
    athena_workgroup: "primary",
    athena_results_bucket: location?.[1] ?? "",
    athena_results_prefix: location
      ? (location[2] === "" || location[2].endsWith("/") ? location[2] : `${location[2]}/`)
      : "",
    glue_database: (values.glue_databases as string[]) ?? [],
    self_role_arn: values.role_mode === "single-tenant"
      ? [taskRoleArn]
      : (values.allowed_role_arns as string[]),
  };
  const template = CATEGORY_TEMPLATES[category];
  const used = findPlaceholders(template);
  const rendered = renderTemplate(
    template,
    PLACEHOLDER_SPECS,
    Object.fromEntries(used.map((u) => [u, all[u]])),
    { isUnresolved: () => true },
  );
  return statements(rendered);
}

/**
 * Each category policy of a profile is the reference rendering of policies/ for `values`; only
 * Terraform's self-referencing governance policy may be unknown at plan.
 */
function assertRenderedPolicies(
  flavour: string,
  p: Profile,
  values: Record<string, unknown>,
  taskRoleArn: string,
): void {
  for (const [category, actual] of Object.entries(p.categoryPolicies)) {
    if (actual === UNKNOWN_AT_PLAN) {
      assertEquals(
        [flavour, category],
        ["terraform", "governance"],
        "only the self-referencing policy is unknown at plan",
      );
      continue;
    }
    assertEquals(
      canonical(actual),
      canonical(referencePolicy(category, values, taskRoleArn)),
      `${flavour} ${category}`,
    );
  }
}

Deno.test("per-user: each enabled category's policy is policies/ rendered, never attached to the task role", async () => {
  const all = await profiles();
  const enabled = (FIXTURE.tool_categories as string[] | undefined) ??
    ["s3-read", "packages-read", "search", "governance", "catalog"];
  for (const flavour of FLAVOURS) {
    const p = all.fixture[flavour];
    assertEquals(
      Object.keys(p.categoryPolicies).sort(),
      enabled.filter((c) => c in CATEGORY_TEMPLATES).sort(),
      flavour,
    );
    assertRenderedPolicies(flavour, p, FIXTURE, "");
    // The task role may only assume, tag and set the source identity on the allow-listed roles.
    assertEquals(
      p.taskAssumeStatements,
      statements(renderTemplate(IDENTITY_TEMPLATES["task-role-assume"], PLACEHOLDER_SPECS, {
        data_role_arn: FIXTURE.allowed_role_arns as string[],
      })),
    );
  }
});

Deno.test("single-tenant: the task role holds exactly the enabled categories' policies", async () => {
  const all = await profiles();
  const expected = (FEATURES.tool_categories as string[]).filter((c) => c in CATEGORY_TEMPLATES)
    .sort();
  for (const flavour of FLAVOURS) {
    const p = all.features[flavour];
    assertEquals(p.attachedCategories, expected, flavour);
    assertRenderedPolicies(flavour, p, FEATURES, TASK_ROLE);
    assertEquals(
      all.fixture[flavour].attachedCategories,
      [],
      `${flavour}: per-user attaches nothing`,
    );
  }
});

Deno.test("execution role reads exactly the container secrets, suffixes stripped, and their keys", async () => {
  const all = await profiles();
  for (const flavour of FLAVOURS) {
    const s = Object.fromEntries(
      all.features[flavour].executionStatements.map((x) => [x.sid, x]),
    );
    assertEquals(s.ReadContainerSecrets.resources, [
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp-hs256-AbCdEf",
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp-tls-AbCdEf",
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:proxy-AbCdEf",
    ], flavour);
    assertEquals(s.ReadContainerParameters.resources, [
      "arn:aws:ssm:us-east-1:123456789012:parameter/mcp/hs256-previous",
      "arn:aws:ssm:us-east-1:123456789012:parameter/mcp/tls-private-key",
    ], flavour);
    assertEquals(
      s.DecryptContainerSecrets.resources,
      FEATURES.secrets_kms_key_arns as string[],
      flavour,
    );
    assertEquals(all.features[flavour].secretNames, [
      "PROXY_PASSWORD",
      "QUILT_MCP_AUTH_HS256_SECRET",
      "QUILT_MCP_AUTH_HS256_SECRET_PREVIOUS",
      "QUILT_MCP_TLS_CERTIFICATE",
      "QUILT_MCP_TLS_PRIVATE_KEY",
    ], flavour);
  }
});

// --- a dangerous input, refused by each flavour ------------------------------------------

Deno.test("Terraform refuses open egress without allow_internet_egress (variable validation)", async () => {
  const wrong = await validationRuns("mcp-server", TERRAFORM_BASE["mcp-server"], [
    {
      label: "0.0.0.0/0",
      values: { egress_cidr_blocks: ["0.0.0.0/0"] },
      refusedBy: "egress_cidr_blocks",
    },
    {
      label: "two halves",
      values: { egress_cidr_blocks: ["0.0.0.0/1", "128.0.0.0/1"] },
      refusedBy: "egress_cidr_blocks",
    },
    { label: "::/0", values: { egress_cidr_blocks: ["::/0"] }, refusedBy: "egress_cidr_blocks" },
    {
      label: "secret-looking env",
      values: { extra_environment: { DB_PASSWORD: "x" } },
      refusedBy: "extra_environment",
    },
    { label: "the exception", values: { allow_internet_egress: true } },
  ]);
  assertEquals(wrong, []);
});

Deno.test("the CDK construct refuses open egress and secret-looking environment at synth", () => {
  for (
    const [prop, value] of [
      ["egressCidrBlocks", ["0.0.0.0/0"]],
      ["egressCidrBlocks", ["0.0.0.0/1", "128.0.0.0/1"]],
      ["egressCidrBlocks", ["::/0"]],
      ["extraEnvironment", { DB_PASSWORD: "x" }],
    ] as const
  ) {
    const stack = new Stack(new App(), "Refused");
    assertThrows(
      () => new QuiltMcpServer(stack, "Server", { ...cdkProps(FIXTURE), [prop]: value } as never),
      QuiltMcpPropsError,
      prop,
    );
  }
});

Deno.test("the CloudFormation template refuses open egress at parameter validation", async () => {
  const t = await template();
  for (
    const [name, value] of [
      ["EgressCidrBlocks", "0.0.0.0/0"],
      ["EgressCidrBlocks", "0.0.0.0/1,128.0.0.0/1"],
      ["EgressCidrBlocks", "::/0"],
      ["ExtraEnvironment", "DB_PASSWORD=x"],
    ]
  ) {
    const errors = parameterErrors(t, { ...cfnParameters(FIXTURE), [name]: value });
    assert(errors.some((e) => e.startsWith(`${name}:`)), `${name}=${value} accepted: ${errors}`);
  }
  // With the conscious exception the template opens exactly 443 to the internet.
  const open = (await cfnProfile({ ...FIXTURE, allow_internet_egress: true })).serviceEgress
    .filter((r) => r.destination === "cidr:0.0.0.0/0");
  assertEquals(open, [{ protocol: "tcp", from: 443, to: 443, destination: "cidr:0.0.0.0/0" }]);
});

// --- the audit trail (issue 16) -------------------------------------------------------------

/** The data-event selector's name and readOnly field for each choice of audit_s3_data_events. */
const DATA_EVENTS: Record<string, { name: string; readOnly: string[] }> = {
  all: { name: "S3 object reads and writes on the data buckets", readOnly: [] },
  read: { name: "S3 object reads on the data buckets", readOnly: ["readOnly equals true"] },
  write: { name: "S3 object writes on the data buckets", readOnly: ["readOnly equals false"] },
};

/** The aws:SourceArn a statement's StringEquals condition requires. */
const sourceArn = (s: Statement) =>
  (s.condition as { StringEquals?: Record<string, string> } | undefined)?.StringEquals
    ?.["aws:SourceArn"];

/** What the design demands of a trail recording `choice` data events on the fixture's buckets. */
function assertAuditTrail(trail: Profile["auditTrail"], choice: string, multiRegion: boolean) {
  assert(trail !== null, "no audit trail");
  assertEquals(trail.trail, {
    logFileValidation: true,
    logging: true,
    multiRegion,
    globalServiceEvents: true,
    encrypted: true,
    cloudWatchLogs: true,
  });
  const buckets = (FIXTURE.buckets as string[]).map((b) => `arn:aws:s3:::${b}/`).sort();
  assertEquals(trail.selectors, [
    {
      name: "Management events (STS, Athena, Glue, IAM, KMS and every other service)",
      fields: ["eventCategory equals Management"],
    },
    {
      name: DATA_EVENTS[choice].name,
      fields: [
        "eventCategory equals Data",
        ...DATA_EVENTS[choice].readOnly,
        `resources.ARN startsWith ${buckets.join(",")}`,
        "resources.type equals AWS::S3::Object",
      ].sort(),
    },
  ]);
  const b = trail.bucket;
  assertEquals(
    [b.publicAccessBlocked, b.ownership, b.versioning, b.sse, b.bucketKey],
    [true, "BucketOwnerEnforced", "Enabled", "aws:kms", true],
  );
  assert(Number(b.expirationDays) >= 365, `trail files kept ${b.expirationDays} days`);
  // TLS only; CloudTrail may read the ACL and write, for this trail only; nobody else is granted.
  const policy = trail.bucketPolicy;
  assertEquals(policy.map((s) => `${s.effect} ${s.sid}`).sort(), [
    "Allow CloudTrailAclCheckForThisTrailOnly",
    "Allow CloudTrailWritesThisTrailsFilesOnly",
    "Deny DenyInsecureTransport",
    "Deny DenyOutdatedTls",
  ]);
  const trailArn = "arn:aws:cloudtrail:us-east-1:123456789012:trail/quilt-mcp-audit";
  for (const s of policy.filter((s) => s.effect === "Allow")) {
    assertEquals(s.principal, canonical({ Service: "cloudtrail.amazonaws.com" }), s.sid);
    assertEquals(sourceArn(s), trailArn, s.sid);
  }
  // The key: CloudTrail encrypts for this trail only; no decrypt grant to any service.
  const cloudTrail = trail.keyPolicy.filter((s) => s.principal.includes("cloudtrail"));
  assertEquals(cloudTrail.flatMap((s) => s.actions).sort(), [
    "kms:DescribeKey",
    "kms:GenerateDataKey*",
  ]);
  for (const s of cloudTrail) {
    assertEquals(sourceArn(s), trailArn, s.sid);
  }
  // Any other service: CloudWatch Logs, for the trail's log group only (its encryption context).
  const logGroupArn =
    "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/quilt-mcp-audit";
  for (const s of trail.keyPolicy.filter((s) => s.principal.includes("Service"))) {
    if (s.principal.includes("cloudtrail")) continue;
    assertEquals(s.principal, canonical({ Service: "logs.us-east-1.amazonaws.com" }), s.sid);
    assert(JSON.stringify(s.condition).includes(logGroupArn), `${s.sid}: not scoped to the group`);
  }
  // Delivery: assumed by CloudTrail for this trail and account only; writes to its streams only.
  assertEquals(trail.deliveryTrust.map((s) => s.condition), [{
    StringEquals: { "aws:SourceArn": trailArn, "aws:SourceAccount": "123456789012" },
  }]);
  assertEquals(trail.deliveryPolicy.map((s) => [s.actions, s.resources]), [[
    ["logs:CreateLogStream", "logs:PutLogEvents"],
    [
      "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/quilt-mcp-audit:log-stream:123456789012_CloudTrail_*",
    ],
  ]]);
}

for (const scenario of Object.keys(SCENARIOS) as Scenario[]) {
  for (const flavour of FLAVOURS) {
    Deno.test(`${scenario}/${flavour}: audit trail with validation, KMS, a locked bucket, management and data events`, async () => {
      const values = SCENARIOS[scenario];
      const p = (await profiles())[scenario][flavour];
      assertAuditTrail(
        p.auditTrail,
        String(values.audit_s3_data_events ?? "all"),
        values.audit_multi_region !== false,
      );
      const logs = values.audit_access_logs_bucket;
      assertEquals(
        p.auditTrail!.bucket.accessLogs,
        logs ? `${logs}/s3-access/quilt-mcp-audit-123456789012-us-east-1/` : null,
      );
    });
  }
}

Deno.test("CDK and CloudFormation record the chosen S3 data events: all, read or write", async () => {
  for (const choice of Object.keys(DATA_EVENTS)) {
    const values = { ...FIXTURE, audit_s3_data_events: choice };
    assertAuditTrail(cdkProfile(values).auditTrail, choice, true);
    assertAuditTrail((await cfnProfile(values)).auditTrail, choice, true);
  }
});

Deno.test("without buckets the trail records management events only, in every flavour", async () => {
  const values = { ...FIXTURE, buckets: [] };
  const plan = await planComposition(terraformInputs(values), mcpPath(values));
  for (const p of [fromTerraform(plan), cdkProfile(values), await cfnProfile(values)]) {
    assertEquals(p.auditTrail?.selectors.map((s) => s.name), [
      "Management events (STS, Athena, Glue, IAM, KMS and every other service)",
    ]);
  }
});

Deno.test("create_audit_trail false: no trail in any flavour, and nothing else changes", async () => {
  const values = { ...FIXTURE, create_audit_trail: false };
  const withTrail = (await profiles()).fixture;
  const without: ByFlavour = {
    terraform: fromTerraform(await planComposition(terraformInputs(values), mcpPath(values))),
    cdk: cdkProfile(values),
    cloudformation: await cfnProfile(values),
  };
  for (const flavour of FLAVOURS) {
    assertEquals(without[flavour].auditTrail, null, flavour);
    // Beside the trail itself: one key fewer and its log group gone.
    const rest = (p: Profile) =>
      canonical({ ...p, auditTrail: null, logGroups: [], keysRotate: [] });
    assertEquals(
      rest(without[flavour]),
      rest(withTrail[flavour]),
      `${flavour}: turning the trail off changes more than the trail`,
    );
    assertEquals(without[flavour].keysRotate.length, withTrail[flavour].keysRotate.length - 1);
    assertEquals(
      without[flavour].logGroups.map((g) => g.name),
      withTrail[flavour].logGroups.map((g) => g.name).filter((n) =>
        !n.startsWith("/aws/cloudtrail/")
      ),
    );
  }
});

// --- no load balancer without WAF by accident (issue 19) --------------------------------

/** The fixture with the web ACL left off the load balancer, and with the explicit opt-out too. */
const WITHOUT_WAF = { ...FIXTURE, associate_web_acl: false };
const WITHOUT_WAF_ACCEPTED = { ...WITHOUT_WAF, allow_without_waf: true };

Deno.test("each flavour refuses a load balancer without a web ACL unless allow_without_waf", async () => {
  const [refused, accepted] = await Promise.allSettled([
    planComposition(terraformInputs(WITHOUT_WAF), mcpPath(WITHOUT_WAF)),
    planComposition(terraformInputs(WITHOUT_WAF_ACCEPTED), mcpPath(WITHOUT_WAF_ACCEPTED)),
  ]);
  assertEquals(refused.status, "rejected", "Terraform planned a load balancer without WAF");
  assert(
    /allow_without_waf/.test(String((refused as PromiseRejectedResult).reason)),
    `Terraform refused it for another reason: ${(refused as PromiseRejectedResult).reason}`,
  );
  if (accepted.status === "rejected") throw accepted.reason;
  assertThrows(
    () =>
      new QuiltMcpServer(new Stack(new App(), "Refused"), "Server", cdkProps(WITHOUT_WAF) as never),
    QuiltMcpPropsError,
    "waf_opt_out",
  );
  const errors = parameterErrors(await template(), cfnParameters(WITHOUT_WAF));
  assert(errors.some((e) => e.includes("waf_opt_out:")), `CloudFormation accepts it: ${errors}`);
  // With the opt-out, every flavour leaves the web ACL unassociated, and only that differs.
  const withWaf = (await profiles()).fixture;
  const withoutWaf: ByFlavour = {
    terraform: fromTerraform(accepted.value),
    cdk: cdkProfile(WITHOUT_WAF_ACCEPTED),
    cloudformation: await cfnProfile(WITHOUT_WAF_ACCEPTED),
  };
  for (const flavour of FLAVOURS) {
    assertEquals(withoutWaf[flavour].wafAssociated, false, flavour);
    assertEquals(
      canonical({ ...withoutWaf[flavour], wafAssociated: true }),
      canonical(withWaf[flavour]),
      `${flavour}: the opt-out changes more than the association`,
    );
  }
});
