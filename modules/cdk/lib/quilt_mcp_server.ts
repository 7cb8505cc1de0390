/**
 * `QuiltMcpServer`: the quilt-mcp service on ECS Fargate behind an HTTPS-only load balancer with
 * a WAF web ACL, KMS-encrypted logs, alarms, least-privilege IAM and a CloudTrail audit trail —
 * the resources and secure defaults of the Terraform modules mcp-server, alb, waf, observability
 * and audit in one construct.
 * Built from L1 resources so every property is the one the Terraform modules set, and cdk-nag
 * inspects each of them.
 * @module
 */
import {
  Aws,
  CfnCondition,
  CfnMapping,
  CfnOutput,
  Fn,
  RemovalPolicy,
  Stack,
  Token,
} from "aws-cdk-lib";
import * as appscaling from "aws-cdk-lib/aws-applicationautoscaling";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as sns from "aws-cdk-lib/aws-sns";
import * as wafv2 from "aws-cdk-lib/aws-wafv2";
import { Construct } from "constructs";
import { findPlaceholders, type Json, renderTemplate } from "../../../policies/render.ts";
import { toCdkProps } from "./cfn_case.ts";
import { ELB_LOG_ACCOUNTS } from "./elb_accounts.ts";
import { addAuditTrail } from "./audit_trail.ts";
import { acknowledgeFindings } from "./nag.ts";
import { QuiltMcpPropsError, validateProps } from "./parameters.ts";
import {
  athenaResults,
  CATEGORY_TEMPLATES,
  IDENTITY_TEMPLATES,
  PLACEHOLDER_SPECS,
  sessionTagKeys,
  unrenderableCategories,
} from "./policies.ts";
import type { QuiltMcpServerProps } from "./props.ts";
import { buildAlarms, buildWafRules, dashboardWidgets, type Flavour } from "./shared.ts";
import * as profile from "./security_profile.ts";
import {
  CONTAINER_NAME,
  containerEnvironment,
  containerSecrets,
  ecrRepositoryArn,
  executionParameterArns,
  executionSecretArns,
  routes,
  targetProtocol,
} from "./values.ts";

/** Resolved props: validated, defaults filled in. */
type Values =
  & Readonly<Record<string, unknown>>
  & Required<Pick<QuiltMcpServerProps, "name">>;

/** Options of the construct itself, beside the deployment parameters of {@linkcode QuiltMcpServerProps}. */
export interface QuiltMcpServerOptions {
  /**
   * Keep the KMS keys, the HS256 secret, the log groups and the audit trail's bucket when the
   * stack is deleted or they are replaced (DeletionPolicy and UpdateReplacePolicy Retain), as the
   * CloudFormation template does by default (its RetainDataOnDelete; both are the table's
   * `stack_only` setting): audit logs and the keys that decrypt them outlive the stack. `false`
   * for throw-away stacks only. The access log bucket follows `accessLogsBucketForceDestroy`.
   * Default: `true`.
   */
  readonly retainDataOnDelete?: boolean;
}

/** The quilt-mcp deployment: service, load balancer, WAF, logs, alarms and roles. */
export class QuiltMcpServer extends Construct {
  /** The load balancer's DNS name (point the public URL's host at it). */
  readonly loadBalancerDnsName: string;
  /** ARN of the task role; the data roles' trust policies name it. */
  readonly taskRoleArn: string;
  /** The rendered policy of each enabled, renderable category (policies/). */
  readonly categoryPolicies: Readonly<Record<string, Json>>;
  /** Trust policy for the per-user data roles (policies/trust/data-role-trust.json rendered). */
  readonly dataRoleTrustPolicy: Json;
  /** Names of the alarms that roll a deployment back. */
  readonly deploymentAlarmNames: readonly string[];
  /** Enabled categories left out of `categoryPolicies` because an input is missing. */
  readonly unrenderedCategories: readonly string[];

  /** Validates the props against modules/parameters.json and builds every resource. */
  constructor(
    scope: Construct,
    id: string,
    props: QuiltMcpServerProps & QuiltMcpServerOptions,
  ) {
    super(scope, id);
    const { retainDataOnDelete = true, ...parameters } = props;
    if (typeof retainDataOnDelete !== "boolean") {
      throw new QuiltMcpPropsError(["retainDataOnDelete must be a boolean"]);
    }
    /** What happens to data (keys, secret, log groups) when the stack is deleted or replaces it. */
    const dataPolicy = retainDataOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const v = validateProps(
      parameters as unknown as Record<string, unknown>,
      unrenderableCategories,
    ) as Values;
    const stack = Stack.of(this);
    const name = v.name;
    const partition = Aws.PARTITION;
    const account = Aws.ACCOUNT_ID;
    const region = Aws.REGION;
    const urlSuffix = Aws.URL_SUFFIX;
    const str = (k: string) => v[k] as string;
    const optStr = (k: string) => v[k] as string | undefined;
    const num = (k: string) => v[k] as number;
    const list = (k: string) => (v[k] as string[] | undefined) ?? [];
    const bool = (k: string) => v[k] === true;
    const route = routes(str("publicUrl"));
    const logGroupName = `/ecs/${name}`;
    const logGroupArn = `arn:${partition}:logs:${region}:${account}:log-group:${logGroupName}`;
    const wafLogGroupName = `aws-waf-logs-${name}`;
    const wafLogGroupArn =
      `arn:${partition}:logs:${region}:${account}:log-group:${wafLogGroupName}`;
    const retention = num("logRetentionInDays") === 0 ? undefined : num("logRetentionInDays");
    const logsServicePrincipal = `logs.${region}.${urlSuffix}`;
    const newKey = (
      id: string,
      description: string,
      statements: unknown[],
      alias: string,
    ) => {
      const key = new kms.CfnKey(
        this,
        id,
        toCdkProps(profile.kmsKeyProperties({
          description: `${name}: ${description}`,
          deletionWindowInDays: num("kmsDeletionWindowInDays"),
          accountRootArn: `arn:${partition}:iam::${account}:root`,
          statements,
        })),
      );
      key.applyRemovalPolicy(dataPolicy);
      new kms.CfnAlias(this, `${id}Alias`, {
        aliasName: `alias/${name}-${alias}`,
        targetKeyId: key.ref,
      });
      return key.attrArn;
    };
    const givenKey = optStr("kmsKeyArn");

    // --- service logs ---------------------------------------------------------------------
    const logsKeyArn = givenKey ??
      newKey(
        "LogsKey",
        "CloudWatch Logs of the MCP service and its ECS Exec sessions",
        [profile.logsKeyStatement("CloudWatchLogsOfThisServiceOnly", {
          logsServicePrincipal,
          groupArn: logGroupArn,
        })],
        "logs",
      );
    const logGroup = new logs.CfnLogGroup(this, "LogGroup", {
      logGroupName,
      retentionInDays: retention,
      kmsKeyId: logsKeyArn,
    });
    logGroup.applyRemovalPolicy(dataPolicy);

    // --- secrets ----------------------------------------------------------------------------
    let createdSecretArn: string | undefined;
    let secretsKeyArn: string | undefined;
    if (bool("createHs256Secret")) {
      secretsKeyArn = newKey(
        "SecretsKey",
        "HS256 token signing secret",
        [],
        "secrets",
      );
      const secret = new secretsmanager.CfnSecret(this, "Hs256Secret", {
        description: `HS256 signing key of ${name} bearer tokens (QUILT_MCP_AUTH_HS256_SECRET)`,
        kmsKeyId: secretsKeyArn,
        generateSecretString: {
          passwordLength: 64,
          excludePunctuation: true,
          includeSpace: false,
        },
      });
      secret.applyRemovalPolicy(dataPolicy);
      createdSecretArn = secret.ref;
      if (optStr("hs256SecretRotationLambdaArn") !== undefined) {
        new secretsmanager.CfnRotationSchedule(this, "Hs256SecretRotation", {
          secretId: secret.ref,
          rotationLambdaArn: str("hs256SecretRotationLambdaArn"),
          rotationRules: {
            automaticallyAfterDays: num("hs256SecretRotationDays"),
          },
        });
      }
    }
    const secrets = containerSecrets(v, createdSecretArn);
    const givenValueFroms = Object.values(containerSecrets(v, undefined));
    const secretArns = [
      ...executionSecretArns(givenValueFroms),
      ...(createdSecretArn ? [createdSecretArn] : []),
    ];
    const parameterArns = executionParameterArns(givenValueFroms);
    const secretKeyArns = [
      ...new Set([
        ...list("secretsKmsKeyArns"),
        ...(secretsKeyArn ? [secretsKeyArn] : []),
      ]),
    ];

    // --- cluster ----------------------------------------------------------------------------
    let clusterArn = optStr("clusterArn") as string;
    let clusterName: string;
    if (bool("createCluster")) {
      const cluster = new ecs.CfnCluster(this, "Cluster", {
        clusterName: name,
        clusterSettings: [{ name: "containerInsights", value: "enabled" }],
        configuration: {
          executeCommandConfiguration: {
            kmsKeyId: logsKeyArn,
            logging: "OVERRIDE",
            logConfiguration: {
              cloudWatchEncryptionEnabled: true,
              cloudWatchLogGroupName: logGroup.ref,
            },
          },
        },
      });
      clusterArn = cluster.attrArn;
      clusterName = cluster.ref;
    } else {
      clusterName = /cluster\/(.+)$/.exec(clusterArn)![1];
    }

    // --- roles ------------------------------------------------------------------------------
    // Deploy-time references skip the placeholder patterns, and so do the allow-listed role
    // ARNs the table already validated: per-user mode renders them as self_role_arn, wildcards
    // included, exactly as the Terraform module does (placeholders.json has no '*' there).
    const render = (
      template: Json,
      values: Record<string, string | readonly string[]>,
    ) =>
      renderTemplate(
        template,
        PLACEHOLDER_SPECS,
        pick(values, findPlaceholders(template)),
        {
          isUnresolved: (s) => Token.isUnresolved(s) || list("allowedRoleArns").includes(s),
        },
      );
    const ecsTrust = render(IDENTITY_TEMPLATES["ecs-tasks-trust"], {
      partition,
      region,
      account_id: account,
    });
    const boundary = optStr("permissionsBoundaryArn");
    const ecrRepo = ecrRepositoryArn(str("containerImage"), partition);
    const executionStatements: unknown[] = [
      ...(ecrRepo === undefined ? [] : [
        {
          Sid: "EcrLogin",
          Effect: "Allow",
          Action: "ecr:GetAuthorizationToken",
          Resource: "*",
        },
        {
          Sid: "PullTheServiceImage",
          Effect: "Allow",
          Action: [
            "ecr:BatchCheckLayerAvailability",
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer",
          ],
          Resource: ecrRepo,
        },
      ]),
      {
        Sid: "WriteServiceLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${logGroupArn}:log-stream:*`,
      },
      ...(secretArns.length === 0 ? [] : [{
        Sid: "ReadContainerSecrets",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: secretArns,
      }]),
      ...(parameterArns.length === 0 ? [] : [{
        Sid: "ReadContainerParameters",
        Effect: "Allow",
        Action: "ssm:GetParameters",
        Resource: parameterArns,
      }]),
      ...(secretKeyArns.length === 0 ? [] : [{
        Sid: "DecryptContainerSecrets",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: secretKeyArns,
        Condition: {
          StringEquals: {
            "kms:ViaService": [
              `secretsmanager.${region}.${urlSuffix}`,
              `ssm.${region}.${urlSuffix}`,
            ],
          },
        },
      }]),
    ];
    const executionRole = new iam.CfnRole(this, "ExecutionRole", {
      roleName: `${name}-execution`,
      description:
        `ECS agent of ${name}: pull the image, write logs, read exactly the container secrets`,
      assumeRolePolicyDocument: ecsTrust,
      permissionsBoundary: boundary,
      policies: [{
        policyName: "execution",
        policyDocument: {
          Version: "2012-10-17",
          Statement: executionStatements,
        },
      }],
    });
    const taskRole = new iam.CfnRole(this, "TaskRole", {
      roleName: `${name}-task`,
      description: `quilt-mcp server of ${name} (${str("roleMode")})`,
      assumeRolePolicyDocument: ecsTrust,
      permissionsBoundary: boundary,
    });
    this.taskRoleArn = taskRole.attrArn;
    const tagKeys = sessionTagKeys(list("sessionTagClaims"));
    if (list("allowedRoleArns").length > 0) {
      new iam.CfnRolePolicy(this, "AssumeDataRolesPolicy", {
        roleName: taskRole.ref,
        policyName: "assume-data-roles",
        policyDocument: render(IDENTITY_TEMPLATES["task-role-assume"], {
          data_role_arn: list("allowedRoleArns"),
        }),
      });
    }
    if (optStr("authHs256SecretArn") !== undefined) {
      new iam.CfnRolePolicy(this, "SigningSecretPolicy", {
        roleName: taskRole.ref,
        policyName: "read-token-signing-secret",
        policyDocument: profile.signingSecretPolicy({
          secretArn: str("authHs256SecretArn"),
          keyArn: optStr("authHs256SecretKmsKeyArn"),
          secretsManagerService: `secretsmanager.${region}.${urlSuffix}`,
          keyStatements: (statement) =>
            optStr("authHs256SecretKmsKeyArn") === undefined ? [] : [statement],
        }),
      });
    }
    const athena = optStr("athenaOutputLocation") === undefined
      ? { bucket: "", prefix: "" }
      : athenaResults(str("athenaOutputLocation"));
    const singleTenant = str("roleMode") === "single-tenant";
    const policyValues = {
      partition,
      region: optStr("awsRegion") ?? region,
      account_id: account,
      bucket: list("buckets"),
      athena_workgroup: str("athenaWorkgroup"),
      athena_results_bucket: athena.bucket,
      athena_results_prefix: athena.prefix,
      glue_database: list("glueDatabases"),
      task_role_arn: taskRole.attrArn,
      data_role_arn: list("allowedRoleArns"),
      self_role_arn: singleTenant ? [taskRole.attrArn] : list("allowedRoleArns"),
      subject_pattern: str("subjectPattern"),
      session_tag_key: tagKeys,
    };
    const unrendered = unrenderableCategories(v);
    this.unrenderedCategories = unrendered;
    const categoryPolicies: Record<string, Json> = {};
    for (const category of list("toolCategories")) {
      if (!(category in CATEGORY_TEMPLATES) || unrendered.includes(category)) {
        continue;
      }
      categoryPolicies[category] = render(
        CATEGORY_TEMPLATES[category],
        policyValues,
      );
    }
    this.categoryPolicies = categoryPolicies;
    for (const [category, document] of Object.entries(categoryPolicies)) {
      const id = `CategoryPolicy${
        category.replace(/(^|-)([a-z0-9])/g, (_m, _d, c) => c.toUpperCase())
      }`;
      // One policy per category: attached to the task role in single-tenant mode; in per-user
      // mode left unattached for the customer's data roles (the Terraform module exports JSON).
      const policy = new iam.CfnManagedPolicy(this, id, {
        managedPolicyName: `${name}-category-${category}`,
        description: `quilt-mcp ${category} tools (policies/${category}.json)`,
        policyDocument: document,
        roles: singleTenant ? [taskRole.ref] : undefined,
      });
      new CfnOutput(this, `${id}Arn`, {
        value: policy.ref,
        description: `Policy of the ${category} category for the per-user data roles`,
      });
    }
    this.dataRoleTrustPolicy = render(IDENTITY_TEMPLATES["data-role-trust"], {
      task_role_arn: taskRole.attrArn,
      subject_pattern: str("subjectPattern"),
      session_tag_key: tagKeys,
    });

    // --- load balancer ----------------------------------------------------------------------
    const albSg = new ec2.CfnSecurityGroup(this, "AlbSecurityGroup", {
      groupDescription:
        "quilt-mcp load balancer: HTTPS from the listed sources; egress only to the tasks",
      vpcId: str("vpcId"),
      securityGroupEgress: [toCdkProps(profile.NO_DEFAULT_EGRESS)],
      tags: [{ key: "Name", value: `${name}-alb` }],
    });
    const listenerPorts = bool("httpRedirect") ? [443, 80] : [443];
    const sources = [
      ...list("ingressCidrBlocks").map((c) => ({ cidrIp: c })),
      ...list("ingressIpv6CidrBlocks").map((c) => ({ cidrIpv6: c })),
      ...list("ingressPrefixListIds").map((p) => ({ sourcePrefixListId: p })),
    ];
    listenerPorts.forEach((port) =>
      sources.forEach((source, n) =>
        new ec2.CfnSecurityGroupIngress(this, `AlbIngress${port}n${n}`, {
          groupId: albSg.attrGroupId,
          description: port === 443
            ? "HTTPS to the MCP endpoint"
            : "HTTP, redirected to HTTPS only",
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          ...source,
        })
      )
    );
    const logsBucketName = `${name}-logs-${account}-${region}`;
    const logsBucket = new s3.CfnBucket(
      this,
      "AccessLogsBucket",
      toCdkProps(profile.accessLogsBucketProperties({
        bucketName: logsBucketName,
        retentionDays: num("accessLogsRetentionDays"),
      })),
    );
    logsBucket.addMetadata("checkov", {
      skip: [{
        id: "CKV_AWS_18",
        comment:
          "This is the load balancer's access log bucket; logging its own access would need another bucket of the same kind.",
      }],
    });
    // The logs outlive the stack unless force-destroy is asked for (then deleting the stack
    // deletes the bucket, which fails while it still holds objects, as in Terraform).
    logsBucket.applyRemovalPolicy(
      bool("accessLogsBucketForceDestroy") ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    );
    const elbAccounts = new CfnMapping(this, "ElbLogAccounts", {
      mapping: ELB_LOG_ACCOUNTS,
    });
    const legacyRegion = new CfnCondition(this, "LegacyElbLogRegion", {
      expression: Fn.conditionOr(
        ...chunk(Object.keys(ELB_LOG_ACCOUNTS), 10).map((regions) =>
          regions.length === 1 ? Fn.conditionEquals(region, regions[0]) : Fn.conditionOr(
            ...regions.map((r) => Fn.conditionEquals(region, r)),
          )
        ),
      ),
    });
    const logsBucketArn = logsBucket.attrArn;
    const bucketPolicy = new s3.CfnBucketPolicy(
      this,
      "AccessLogsBucketPolicy",
      {
        bucket: logsBucket.ref,
        policyDocument: profile.accessLogsBucketPolicy({
          bucketArn: logsBucketArn,
          bucketObjectsArn: `${logsBucketArn}/*`,
          logDeliveryArn: `${logsBucketArn}/*/AWSLogs/${account}/*`,
          legacyElbAccountRootArn: `arn:${partition}:iam::${
            elbAccounts.findInMap(region, "account")
          }:root`,
          legacyRegion: (statement) =>
            Fn.conditionIf(legacyRegion.logicalId, statement, Aws.NO_VALUE),
        }),
      },
    );
    const alb = new elbv2.CfnLoadBalancer(this, "LoadBalancer", {
      name,
      type: "application",
      scheme: bool("internal") ? "internal" : "internet-facing",
      ipAddressType: str("ipAddressType"),
      securityGroups: [albSg.attrGroupId],
      subnets: list("albSubnetIds"),
      loadBalancerAttributes: toCdkProps(profile.loadBalancerAttributes({
        idleTimeout: String(num("idleTimeout")),
        deletionProtection: String(bool("deletionProtection")),
        logsBucket: logsBucket.ref,
      })),
    });
    alb.node.addDependency(bucketPolicy);
    const listener = new elbv2.CfnListener(this, "HttpsListener", {
      loadBalancerArn: alb.ref,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: str("sslPolicy"),
      certificates: [{ certificateArn: str("certificateArn") }],
      defaultActions: toCdkProps(profile.HTTPS_DEFAULT_ACTIONS),
    });
    list("additionalCertificateArns").forEach((arn, n) =>
      new elbv2.CfnListenerCertificate(this, `AdditionalCertificate${n}`, {
        listenerArn: listener.ref,
        certificates: [{ certificateArn: arn }],
      })
    );
    if (bool("httpRedirect")) {
      new elbv2.CfnListener(this, "HttpRedirectListener", {
        loadBalancerArn: alb.ref,
        port: 80,
        protocol: "HTTP",
        defaultActions: toCdkProps(profile.REDIRECT_DEFAULT_ACTIONS),
      });
    }
    this.loadBalancerDnsName = alb.attrDnsName;

    // --- WAF --------------------------------------------------------------------------------
    const wafKeyArn = givenKey ??
      newKey(
        "WafLogsKey",
        "WAF logs",
        [profile.logsKeyStatement("CloudWatchLogsOfTheWafLogGroupOnly", {
          logsServicePrincipal,
          groupArn: wafLogGroupArn,
        })],
        "waf-logs",
      );
    const ipSet = (
      id: string,
      version: "IPV4" | "IPV6",
      cidrs: string[],
      suffix: string,
    ) =>
      new wafv2.CfnIPSet(this, id, {
        name: `${name}-${suffix}`,
        scope: "REGIONAL",
        ipAddressVersion: version,
        addresses: cidrs,
      }).attrArn;
    const v6 = (c: string) => c.includes(":");
    const blocked = list("wafBlockedIpCidrs");
    const allowed = list("wafAllowedIpCidrs");
    const blockedSets = blocked.length === 0 ? [] : [
      ipSet(
        "BlockedIpv4Set",
        "IPV4",
        blocked.filter((c) => !v6(c)),
        "blocked-ipv4",
      ),
      ipSet("BlockedIpv6Set", "IPV6", blocked.filter(v6), "blocked-ipv6"),
    ];
    const allowedSets = allowed.length === 0 ? [] : [
      ipSet(
        "AllowedIpv4Set",
        "IPV4",
        allowed.filter((c) => !v6(c)),
        "allowed-ipv4",
      ),
      ipSet("AllowedIpv6Set", "IPV6", allowed.filter(v6), "allowed-ipv6"),
    ];
    const conditions: Record<string, boolean> = {
      blockedIps: blocked.length > 0,
      allowedIps: allowed.length > 0,
      anonymousCount: str("wafAnonymousIpAction") === "count",
      hostingCount: str("wafHostingProviderIpAction") === "count",
    };
    const concrete: Flavour = {
      concat: (...parts) => parts.map(String).join(""),
      when: (condition, value) => (conditions[condition] ? value : undefined),
    };
    const metricPrefix = name.replace(/-/g, "");
    const webAcl = new wafv2.CfnWebACL(this, "WebAcl", {
      name,
      description:
        "quilt-mcp: managed rule sets, body-size rule scoped off the MCP path, per-IP and per-caller rate limits",
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      rules: toCdkProps(dropEmpty(buildWafRules(concrete, {
        metricPrefix,
        mcpPath: route.path,
        rateLimit: num("wafRateLimit"),
        callerRateLimit: num("wafCallerRateLimit"),
        rateLimitWindowSeconds: num("wafRateLimitWindowSeconds"),
        blockedIpv4SetArn: blockedSets[0],
        blockedIpv6SetArn: blockedSets[1],
        allowedIpv4SetArn: allowedSets[0],
        allowedIpv6SetArn: allowedSets[1],
      }))),
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        metricName: metricPrefix,
        sampledRequestsEnabled: true,
      },
    });
    const wafLogGroup = new logs.CfnLogGroup(this, "WafLogGroup", {
      logGroupName: wafLogGroupName,
      retentionInDays: retention,
      kmsKeyId: wafKeyArn,
    });
    wafLogGroup.applyRemovalPolicy(dataPolicy);
    const loggingDependencies: Construct[] = [wafLogGroup];
    if (bool("wafCreateLogResourcePolicy")) {
      loggingDependencies.push(
        new logs.CfnResourcePolicy(this, "WafLogResourcePolicy", {
          policyName: `${name}-waf-log-delivery`,
          policyDocument: Stack.of(this).toJsonString(profile.wafLogDeliveryPolicy({
            logStreamsArn: `${wafLogGroupArn}:*`,
            accountId: account,
            logsArnPattern: `arn:${partition}:logs:${region}:${account}:*`,
          })),
        }),
      );
    }
    const wafLogging = new wafv2.CfnLoggingConfiguration(this, "WafLogging", {
      resourceArn: webAcl.attrArn,
      logDestinationConfigs: [wafLogGroupArn],
      redactedFields: [
        ...new Set(list("wafRedactedHeaders").map((h) => h.toLowerCase())),
      ].map((
        h,
      ) => ({ singleHeader: { Name: h } })),
    });
    loggingDependencies.forEach((d) => wafLogging.node.addDependency(d));
    // Without the association the props needed allowWithoutWaf (rule waf_opt_out).
    if (bool("associateWebAcl")) {
      new wafv2.CfnWebACLAssociation(this, "WebAclAssociation", {
        resourceArn: alb.ref,
        webAclArn: webAcl.attrArn,
      });
    }

    // --- observability ----------------------------------------------------------------------
    const topicKeyArn = givenKey ?? newKey(
      "AlarmsKey",
      "alarm notifications",
      [profile.alarmsKeyStatement(account)],
      "alarms",
    );
    const topic = new sns.CfnTopic(this, "AlarmTopic", {
      topicName: `${name}-alarms`,
      kmsMasterKeyId: topicKeyArn,
    });
    new sns.CfnTopicPolicy(this, "AlarmTopicPolicy", {
      topics: [topic.ref],
      policyDocument: profile.alarmTopicPolicy({
        topic: topic.ref,
        accountId: account,
        alarmArnPattern: `arn:${partition}:cloudwatch:${region}:${account}:alarm:*`,
      }),
    });
    list("alarmEmailAddresses").forEach((address, n) =>
      new sns.CfnSubscription(this, `AlarmEmail${n}`, {
        topicArn: topic.ref,
        protocol: "email",
        endpoint: address,
      })
    );
    // HTTP to the task unless the server serves TLS (targetProtocol). No checkov skip: checkov
    // has no CloudFormation check of a target group's protocol (CKV_AWS_378 reads Terraform
    // only), so the HTTP default trips nothing; tests/parity/target_tls_test.ts pins both cases.
    const targetGroup = new elbv2.CfnTargetGroup(this, "TargetGroup", {
      name,
      port: num("port"),
      ...toCdkProps<Record<string, unknown>>(profile.targetProtocols(targetProtocol(v))),
      protocolVersion: "HTTP1",
      targetType: "ip",
      vpcId: str("vpcId"),
      targetGroupAttributes: [{
        key: "deregistration_delay.timeout_seconds",
        value: String(num("deregistrationDelay")),
      }],
      ...toCdkProps<Record<string, unknown>>(profile.TARGET_HEALTH_CHECK),
    });
    const alarms = buildAlarms(concrete, {
      name,
      namespace: str("metricsNamespace"),
      period: num("alarmPeriodSeconds"),
      authFailureRatePercent: num("authFailureRatePercent"),
      authFailureMinRequests: num("authFailureMinRequests"),
      target5xxThreshold: num("target5xxThreshold"),
      stsErrorThreshold: num("stsErrorThreshold"),
      wafBlockedThreshold: num("wafBlockedThreshold"),
      topicArn: topic.ref,
      loadBalancerFullName: alb.attrLoadBalancerFullName,
      targetGroupFullName: targetGroup.attrTargetGroupFullName,
      webAclName: name,
      region,
    });
    const alarmResources = alarms.map((a) =>
      new cloudwatch.CfnAlarm(this, a.logicalId, toCdkProps(a.properties))
    );
    this.deploymentAlarmNames = alarms.filter((a) => a.deployment).map((a) =>
      a.properties.AlarmName as string
    );
    new cloudwatch.CfnDashboard(this, "Dashboard", {
      dashboardName: name,
      dashboardBody: Stack.of(this).toJsonString({
        widgets: dashboardWidgets(concrete, {
          alarmArns: Object.fromEntries(
            alarms.map((a, n) => [a.key, alarmResources[n].attrArn]),
          ),
          namespace: str("metricsNamespace"),
          period: num("alarmPeriodSeconds"),
          region,
          loadBalancer: alb.attrLoadBalancerFullName,
          targetGroup: targetGroup.attrTargetGroupFullName,
          webAcl: name,
        }),
      }),
    });

    // --- task definition, service, routing --------------------------------------------------
    const environment = containerEnvironment(v, region);
    const taskDefinition = new ecs.CfnTaskDefinition(this, "TaskDefinition", {
      family: name,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(num("cpu")),
      memory: String(num("memory")),
      taskRoleArn: taskRole.attrArn,
      executionRoleArn: executionRole.attrArn,
      runtimePlatform: {
        operatingSystemFamily: "LINUX",
        cpuArchitecture: str("cpuArchitecture"),
      },
      containerDefinitions: [toCdkProps(profile.containerDefinition({
        name: CONTAINER_NAME,
        image: str("containerImage"),
        user: str("containerUser"),
        port: num("port"),
        environment: Object.keys(environment).sort().map((k) => ({
          Name: k,
          Value: environment[k],
        })),
        secrets: Object.keys(secrets).sort().map((k) => ({ Name: k, ValueFrom: secrets[k] })),
        healthcheckBinary: str("healthcheckBinary"),
        stopTimeout: num("stopTimeout"),
        logGroupName,
        region,
      }))],
    });
    taskDefinition.node.addDependency(logGroup);
    const serviceSg = new ec2.CfnSecurityGroup(this, "ServiceSecurityGroup", {
      groupDescription:
        "quilt-mcp tasks: ingress from the load balancer only; egress 443 to VPC endpoints, S3 and listed CIDRs",
      vpcId: str("vpcId"),
      securityGroupEgress: [toCdkProps(profile.NO_DEFAULT_EGRESS)],
      tags: [{ key: "Name", value: `${name}-service` }],
    });
    new ec2.CfnSecurityGroupIngress(this, "ServiceIngressFromAlb", {
      groupId: serviceSg.attrGroupId,
      description: "MCP traffic and health checks from the load balancer",
      ipProtocol: "tcp",
      fromPort: num("port"),
      toPort: num("port"),
      sourceSecurityGroupId: albSg.attrGroupId,
    });
    new ec2.CfnSecurityGroupEgress(this, "AlbEgressToService", {
      groupId: albSg.attrGroupId,
      description: "Load balancer to the quilt-mcp tasks",
      ipProtocol: "tcp",
      fromPort: num("port"),
      toPort: num("port"),
      destinationSecurityGroupId: serviceSg.attrGroupId,
    });
    const https = (
      id: string,
      description: string,
      destination: Record<string, string>,
    ) =>
      new ec2.CfnSecurityGroupEgress(this, id, {
        groupId: serviceSg.attrGroupId,
        description,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        ...destination,
      });
    list("vpcEndpointSecurityGroupIds").forEach((sg, n) =>
      https(`EgressToEndpoints${n}`, "HTTPS to VPC interface endpoints", {
        destinationSecurityGroupId: sg,
      })
    );
    list("s3PrefixListIds").forEach((pl, n) =>
      https(
        `EgressToS3${n}`,
        "HTTPS to S3 through the gateway endpoint (data and ECR image layers)",
        {
          destinationPrefixListId: pl,
        },
      )
    );
    list("egressCidrBlocks").forEach((cidr, n) =>
      https(
        `EgressToCidr${n}`,
        "HTTPS to an explicitly listed destination",
        v6(cidr) ? { cidrIpv6: cidr } : { cidrIp: cidr },
      )
    );
    if (bool("allowInternetEgress")) {
      https(
        "EgressToInternet",
        "Conscious exception (allow_internet_egress): HTTPS to the internet",
        { cidrIp: "0.0.0.0/0" },
      );
    }
    const listenerRule = new elbv2.CfnListenerRule(this, "ListenerRule", {
      listenerArn: listener.ref,
      priority: num("listenerRulePriority"),
      actions: [{ type: "forward", targetGroupArn: targetGroup.ref }],
      conditions: [
        { field: "host-header", hostHeaderConfig: { values: [route.host] } },
        { field: "path-pattern", pathPatternConfig: { values: route.paths } },
      ],
    });
    const service = new ecs.CfnService(this, "Service", {
      serviceName: name,
      cluster: clusterArn,
      taskDefinition: taskDefinition.ref,
      desiredCount: num("desiredCount"),
      launchType: "FARGATE",
      platformVersion: str("platformVersion"),
      healthCheckGracePeriodSeconds: num("healthCheckGracePeriodSeconds"),
      // Exec needs a writable root filesystem and opens a shell into the task: off, not configurable.
      enableExecuteCommand: false,
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      deploymentConfiguration: {
        minimumHealthyPercent: 100,
        maximumPercent: 200,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        alarms: {
          alarmNames: this.deploymentAlarmNames as string[],
          enable: true,
          rollback: true,
        },
      },
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: list("subnetIds"),
          securityGroups: [serviceSg.attrGroupId],
          assignPublicIp: "DISABLED",
        },
      },
      loadBalancers: [{
        targetGroupArn: targetGroup.ref,
        containerName: CONTAINER_NAME,
        containerPort: num("port"),
      }],
    });
    service.node.addDependency(listenerRule);
    alarmResources.filter((_, n) => alarms[n].deployment).forEach((a) =>
      service.node.addDependency(a)
    );

    const scalable = new appscaling.CfnScalableTarget(this, "ScalableTarget", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${clusterName}/${service.attrName}`,
      minCapacity: num("autoscalingMinCapacity"),
      maxCapacity: num("autoscalingMaxCapacity"),
    });
    const tracking = (
      id: string,
      suffix: string,
      target: number,
      metric: appscaling.CfnScalingPolicy.PredefinedMetricSpecificationProperty,
    ) =>
      new appscaling.CfnScalingPolicy(this, id, {
        policyName: `${name}-${suffix}`,
        policyType: "TargetTrackingScaling",
        scalingTargetId: scalable.ref,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: target,
          scaleInCooldown: 300,
          scaleOutCooldown: 60,
          predefinedMetricSpecification: metric,
        },
      });
    tracking("CpuScaling", "cpu", num("autoscalingCpuTarget"), {
      predefinedMetricType: "ECSServiceAverageCPUUtilization",
    });
    tracking(
      "RequestScaling",
      "requests",
      num("autoscalingRequestsPerTarget"),
      {
        predefinedMetricType: "ALBRequestCountPerTarget",
        resourceLabel: `${alb.attrLoadBalancerFullName}/${targetGroup.attrTargetGroupFullName}`,
      },
    );

    new CfnOutput(this, "LoadBalancerDnsName", {
      value: alb.attrDnsName,
      description: "Point the public URL's host at this name (CNAME or alias record)",
    });
    new CfnOutput(this, "TaskRoleArnOutput", {
      value: taskRole.attrArn,
      description: "The task role; the per-user data roles trust exactly this principal",
    });
    new CfnOutput(this, "DataRoleTrustPolicyOutput", {
      value: stack.toJsonString(this.dataRoleTrustPolicy),
      description: "Trust policy for the per-user data roles (policies/trust/data-role-trust.json)",
    });
    // --- audit trail (modules/audit) ---------------------------------------------------------
    if (bool("createAuditTrail")) {
      addAuditTrail(this, {
        name,
        multiRegion: bool("auditMultiRegion"),
        s3DataEvents: str("auditS3DataEvents"),
        // The trail records object calls on exactly the buckets the tools may touch.
        dataBuckets: list("buckets"),
        logRetentionInDays: num("auditLogRetentionInDays"),
        bucketRetentionInDays: num("auditBucketRetentionInDays"),
        accessLogsBucket: optStr("auditAccessLogsBucket"),
        kmsDeletionWindowInDays: num("kmsDeletionWindowInDays"),
        dataPolicy,
      });
    }
    acknowledgeFindings(this);
  }
}

function pick<T>(
  values: Readonly<Record<string, T>>,
  names: readonly string[],
): Record<string, T> {
  return Object.fromEntries(
    names.filter((n) => n in values).map((n) => [n, values[n]]),
  );
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/** Drops `undefined` entries (conditional parts that do not apply) and empty override lists. */
function dropEmpty(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.filter((x) => x !== undefined).map(dropEmpty);
  }
  if (
    value !== null && typeof value === "object" &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(value)) {
      if (x === undefined) continue;
      const cleaned = dropEmpty(x);
      if (
        k === "RuleActionOverrides" && Array.isArray(cleaned) &&
        cleaned.length === 0
      ) continue;
      out[k] = cleaned;
    }
    return out;
  }
  return value;
}
