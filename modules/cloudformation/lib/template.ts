/**
 * The CloudFormation template of the quilt-mcp deployment, generated from the parameter table,
 * the IAM templates of `policies/` and the telemetry catalog: the resources and properties of
 * the Terraform modules mcp-server, alb, waf and observability (and of the CDK construct) as
 * plain CloudFormation a customer deploys from the console. No transform: lists that become
 * several resources or list elements use fixed slots guarded by conditions (each list's
 * `max_items` in the table). Pure.
 * @module
 */
import {
  CATEGORY_TEMPLATES,
  categoryNeeds,
  IDENTITY_TEMPLATES,
  PLACEHOLDER_SPECS,
} from "../../cdk/lib/policies.ts";
import {
  buildAlarms,
  buildWafRules,
  dashboardWidgets,
  type Flavour,
} from "../../cdk/lib/shared.ts";
import { ELB_LOG_ACCOUNTS } from "../../cdk/lib/elb_accounts.ts";
import * as profile from "../../cdk/lib/security_profile.ts";
import { addAuditTrail } from "./audit.ts";
import { CONTAINER_NAME, FIXED_ENVIRONMENT } from "../../cdk/lib/values.ts";
import { FARGATE_MEMORY, PARAMETER_TABLE as TABLE } from "../../cdk/lib/parameters.ts";
import type { Json } from "../../../policies/render.ts";
import {
  and,
  type Cfn,
  cond,
  contains,
  equals,
  getAtt,
  iff,
  join,
  NO_VALUE,
  not,
  or,
  ref,
  select,
  split,
  sub,
} from "./intrinsics.ts";
import { targetProtocol, tlsRules, tlsValueFroms } from "./target_tls.ts";
import {
  accessLogsBucketPolicies,
  RETAIN,
  retentionConditions,
  stackOnlyDeclarations,
  TRANSFORM,
} from "./retention.ts";
import {
  hasCondition,
  isCondition,
  isEncodedString,
  MAP_SEPARATOR,
  parameterDeclarations,
  parameterGroups,
  presenceConditions,
  spec,
} from "./parameters.ts";

/** Depth of an Athena result prefix the template can split (as many as the table's pattern allows). */
const ATHENA_PREFIX_SEGMENTS = 5;

/** Path segments of the public URL the template can split (as many as the table's pattern allows). */
const PUBLIC_URL_SEGMENTS = 4;

type Resources = Record<string, Record<string, unknown>>;

/** Builds the template: parameters, rules, mappings, conditions, resources and outputs. */
export function buildTemplate(): Record<string, unknown> {
  const conditions: Record<string, Cfn> = { ...presenceConditions(), ...retentionConditions() };
  const resources: Resources = {};
  const outputs: Record<string, unknown> = {};
  const P = (name: string) => ref(spec(name).cloudformation);
  const has = (name: string) => hasCondition(spec(name));
  const is = (name: string) => isCondition(spec(name));
  const addCondition = (name: string, expression: Cfn) => {
    if (name in conditions) throw new Error(`condition ${name} defined twice`);
    conditions[name] = expression;
    return name;
  };
  const add = (
    id: string,
    type: string,
    properties: Record<string, unknown>,
    extra = {},
  ) => {
    if (id in resources) throw new Error(`resource ${id} defined twice`);
    resources[id] = { Type: type, ...extra, Properties: properties };
  };

  /**
   * The slots of a list or map parameter: `items[i]` (use only behind `conditions[i]`) and
   * `padded[i]`, the same item from a padded split that every slot index exists in, for
   * conditions (which CloudFormation evaluates whatever the list holds).
   */
  const slots = (
    name: string,
  ): { items: Cfn[]; padded: Cfn[]; conditions: string[] } => {
    const s = spec(name);
    const max = s.validation?.max_items as number;
    const sep = s.type === "map(string)" ? MAP_SEPARATOR : ",";
    const source = isEncodedString(s) ? ref(s.cloudformation) : join(",", ref(s.cloudformation));
    const paddedList = split(sep, join("", [source, sep.repeat(max)]));
    const list = split(sep, source);
    const items: Cfn[] = [];
    const padded: Cfn[] = [];
    const names: string[] = [];
    for (let i = 0; i < max; i++) {
      items.push(select(i, list));
      padded.push(select(i, paddedList));
      names.push(
        addCondition(
          `${s.cloudformation}Slot${i}`,
          not(equals(select(i, paddedList), "")),
        ),
      );
    }
    return { items, padded, conditions: names };
  };

  /** A list parameter's value (split when it is encoded as one string). */
  const listOf = (name: string): Cfn => {
    const s = spec(name);
    return isEncodedString(s) ? split(",", ref(s.cloudformation)) : ref(s.cloudformation);
  };

  // --- derived values and conditions -----------------------------------------------------
  addCondition("PerUser", equals(P("role_mode"), "per-user"));
  addCondition("SingleTenant", equals(P("role_mode"), "single-tenant"));
  addCondition("CreateKeys", not(cond(has("kms_key_arn"))));
  addCondition("RetainLogsForever", equals(P("log_retention_in_days"), 0));
  addCondition("CreateCluster", cond(is("create_cluster")));
  addCondition("HttpRedirect", cond(is("http_redirect")));
  const region = iff(has("aws_region"), P("aws_region"), ref("AWS::Region"));
  const retention = iff(
    "RetainLogsForever",
    NO_VALUE,
    P("log_retention_in_days"),
  );
  const name = P("name");
  const logGroupName = sub("/ecs/${Name}", { Name: name });
  const logGroupArn = sub(
    "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/ecs/${Name}",
    { Name: name },
  );
  const wafLogGroupName = sub("aws-waf-logs-${Name}", { Name: name });
  const wafLogGroupArn = sub(
    "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:aws-waf-logs-${Name}",
    { Name: name },
  );
  // Host and path of the public URL (https://host[:port]/a/b): the listener rule and the WAF.
  // Split takes literal delimiters only, so the path is rebuilt from its padded segments.
  const host = select(0, split(":", select(2, split("/", P("public_url")))));
  const urlSegments = split(
    "/",
    join("", [P("public_url"), "/".repeat(PUBLIC_URL_SEGMENTS + 1)]),
  );
  const mcpPath = join(
    "",
    Array.from({ length: PUBLIC_URL_SEGMENTS }, (_, n) => n + 3).map((n) =>
      iff(
        addCondition(
          `PublicUrlSegment${n - 2}`,
          not(equals(select(n, urlSegments), "")),
        ),
        join("", ["/", select(n, urlSegments)]),
      )
    ),
  );

  // --- keys and logs ----------------------------------------------------------------------
  const accountRootArn = sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root");
  const logsServicePrincipal = sub("logs.${AWS::Region}.${AWS::URLSuffix}");
  const keyProperties = (description: string, statements: Cfn[]) =>
    profile.kmsKeyProperties({
      description: sub(`\${Name}: ${description}`, { Name: name }),
      deletionWindowInDays: P("kms_deletion_window_in_days"),
      accountRootArn,
      statements,
    });
  const key = (
    id: string,
    condition: string,
    description: string,
    statements: Cfn[],
    alias: string,
  ) => {
    add(id, "AWS::KMS::Key", keyProperties(description, statements), {
      Condition: condition,
      ...RETAIN,
    });
    add(`${id}Alias`, "AWS::KMS::Alias", {
      AliasName: sub(`alias/\${Name}-${alias}`, { Name: name }),
      TargetKeyId: ref(id),
    }, { Condition: condition });
    return iff(condition, getAtt(id, "Arn"), P("kms_key_arn"));
  };
  const logsKey = key(
    "LogsKey",
    "CreateKeys",
    "CloudWatch Logs of the MCP service and its ECS Exec sessions",
    [profile.logsKeyStatement("CloudWatchLogsOfThisServiceOnly", {
      logsServicePrincipal,
      groupArn: logGroupArn,
    })],
    "logs",
  );
  add("LogGroup", "AWS::Logs::LogGroup", {
    LogGroupName: logGroupName,
    RetentionInDays: retention,
    KmsKeyId: logsKey,
  }, RETAIN);

  // --- secrets ----------------------------------------------------------------------------
  addCondition("CreateHs256Secret", cond(is("create_hs256_secret")));
  addCondition(
    "RotateHs256Secret",
    and(
      cond("CreateHs256Secret"),
      cond(has("hs256_secret_rotation_lambda_arn")),
    ),
  );
  add("SecretsKey", "AWS::KMS::Key", keyProperties("HS256 token signing secret", []), {
    Condition: "CreateHs256Secret",
    ...RETAIN,
  });
  add("SecretsKeyAlias", "AWS::KMS::Alias", {
    AliasName: sub("alias/${Name}-secrets", { Name: name }),
    TargetKeyId: ref("SecretsKey"),
  }, { Condition: "CreateHs256Secret" });
  add("Hs256Secret", "AWS::SecretsManager::Secret", {
    Description: sub(
      "HS256 signing key of ${Name} bearer tokens (QUILT_MCP_AUTH_HS256_SECRET)",
      { Name: name },
    ),
    KmsKeyId: getAtt("SecretsKey", "Arn"),
    GenerateSecretString: {
      PasswordLength: 64,
      ExcludePunctuation: true,
      IncludeSpace: false,
    },
  }, { Condition: "CreateHs256Secret", ...RETAIN });
  add("Hs256SecretRotation", "AWS::SecretsManager::RotationSchedule", {
    SecretId: ref("Hs256Secret"),
    RotationLambdaARN: P("hs256_secret_rotation_lambda_arn"),
    RotationRules: { AutomaticallyAfterDays: P("hs256_secret_rotation_days") },
  }, { Condition: "RotateHs256Secret" });

  // Candidate valueFrom references: the extra secrets' slots, the HS256 secret and its previous.
  const extraSecrets = slots("extra_secrets");
  const valueFroms: { condition: string; value: Cfn; name: Cfn; probe: Cfn }[] = [
    ...extraSecrets.items.map((item, i) => ({
      condition: extraSecrets.conditions[i],
      name: select(0, split("=", item)),
      value: select(1, split("=", item)),
      probe: extraSecrets.padded[i],
    })),
    {
      condition: has("auth_hs256_secret_value_from"),
      name: "QUILT_MCP_AUTH_HS256_SECRET",
      value: P("auth_hs256_secret_value_from"),
      probe: P("auth_hs256_secret_value_from"),
    },
    {
      condition: has("auth_hs256_secret_previous_value_from"),
      name: "QUILT_MCP_AUTH_HS256_SECRET_PREVIOUS",
      value: P("auth_hs256_secret_previous_value_from"),
      probe: P("auth_hs256_secret_previous_value_from"),
    },
    ...tlsValueFroms(has),
  ];
  const secretArnConditions: string[] = [];
  const parameterArnConditions: string[] = [];
  valueFroms.forEach((v, i) => {
    secretArnConditions.push(addCondition(
      `ValueFrom${i}IsSecret`,
      and(cond(v.condition), contains(v.probe, ":secretsmanager:")),
    ));
    parameterArnConditions.push(addCondition(
      `ValueFrom${i}IsParameter`,
      and(cond(v.condition), contains(v.probe, ":ssm:")),
    ));
  });
  // IAM knows no `:json-key:version-stage:version-id` suffix: keep the first seven ARN fields.
  const stripped = (v: Cfn) => {
    const fields = split(":", v);
    return join(":", [0, 1, 2, 3, 4, 5, 6].map((n) => select(n, fields)));
  };
  addCondition(
    "AnyContainerSecret",
    or(...secretArnConditions.map(cond), cond("CreateHs256Secret")),
  );
  addCondition(
    "AnyContainerParameter",
    or(...parameterArnConditions.map(cond)),
  );
  addCondition(
    "AnySecretKey",
    or(cond(has("secrets_kms_key_arns")), cond("CreateHs256Secret")),
  );

  // --- cluster ----------------------------------------------------------------------------
  add("Cluster", "AWS::ECS::Cluster", {
    ClusterName: name,
    ClusterSettings: [{ Name: "containerInsights", Value: "enabled" }],
    Configuration: {
      ExecuteCommandConfiguration: {
        KmsKeyId: logsKey,
        Logging: "OVERRIDE",
        LogConfiguration: {
          CloudWatchEncryptionEnabled: true,
          CloudWatchLogGroupName: ref("LogGroup"),
        },
      },
    },
  }, { Condition: "CreateCluster" });
  const clusterArn = iff(
    "CreateCluster",
    getAtt("Cluster", "Arn"),
    P("cluster_arn"),
  );
  const clusterName = iff(
    "CreateCluster",
    ref("Cluster"),
    select(1, split("cluster/", P("cluster_arn"))),
  );

  // --- roles ------------------------------------------------------------------------------
  const ecsTrust = renderPolicy(IDENTITY_TEMPLATES["ecs-tasks-trust"], {
    scalars: { region: "${AWS::Region}" },
  });
  // <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<repository>[:tag|@digest]
  addCondition("EcrImage", contains(P("container_image"), ".dkr.ecr"));
  addCondition(
    "ChinaImage",
    contains(P("container_image"), ".amazonaws.com.cn/"),
  );
  const afterHost = iff(
    "ChinaImage",
    select(1, split(".amazonaws.com.cn/", P("container_image"))),
    select(1, split(".amazonaws.com/", P("container_image"))),
  );
  const repository = select(0, split(":", select(0, split("@", afterHost))));
  const imageFields = split(".", P("container_image"));
  const ecrRepositoryArn = sub(
    "arn:${AWS::Partition}:ecr:${Region}:${Account}:repository/${Repo}",
    {
      Region: select(3, imageFields),
      Account: select(0, imageFields),
      Repo: repository,
    },
  );
  const secretArns = [
    ...valueFroms.map((v, i) => iff(secretArnConditions[i], stripped(v.value))),
    iff("CreateHs256Secret", ref("Hs256Secret")),
  ];
  const parameterArns = valueFroms.map((v, i) => iff(parameterArnConditions[i], v.value));
  const secretKeyArns = iff(
    has("secrets_kms_key_arns"),
    iff(
      "CreateHs256Secret",
      split(
        ",",
        join(",", [
          join(",", P("secrets_kms_key_arns")),
          getAtt("SecretsKey", "Arn"),
        ]),
      ),
      P("secrets_kms_key_arns"),
    ),
    [getAtt("SecretsKey", "Arn")],
  );
  const executionStatements = [
    iff("EcrImage", {
      Sid: "EcrLogin",
      Effect: "Allow",
      Action: "ecr:GetAuthorizationToken",
      Resource: "*",
    }),
    iff("EcrImage", {
      Sid: "PullTheServiceImage",
      Effect: "Allow",
      Action: [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
      ],
      Resource: ecrRepositoryArn,
    }),
    {
      Sid: "WriteServiceLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: sub(
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/ecs/${Name}:log-stream:*",
        { Name: name },
      ),
    },
    iff("AnyContainerSecret", {
      Sid: "ReadContainerSecrets",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: secretArns,
    }),
    iff("AnyContainerParameter", {
      Sid: "ReadContainerParameters",
      Effect: "Allow",
      Action: "ssm:GetParameters",
      Resource: parameterArns,
    }),
    iff("AnySecretKey", {
      Sid: "DecryptContainerSecrets",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: secretKeyArns,
      Condition: {
        StringEquals: {
          "kms:ViaService": [
            sub("secretsmanager.${AWS::Region}.${AWS::URLSuffix}"),
            sub("ssm.${AWS::Region}.${AWS::URLSuffix}"),
          ],
        },
      },
    }),
  ];
  const boundary = iff(
    has("permissions_boundary_arn"),
    P("permissions_boundary_arn"),
  );
  add("ExecutionRole", "AWS::IAM::Role", {
    RoleName: sub("${Name}-execution", { Name: name }),
    Description: sub(
      "ECS agent of ${Name}: pull the image, write logs, read exactly the container secrets",
      { Name: name },
    ),
    AssumeRolePolicyDocument: ecsTrust,
    PermissionsBoundary: boundary,
    Policies: [{
      PolicyName: "execution",
      PolicyDocument: { Version: "2012-10-17", Statement: executionStatements },
    }],
  });
  add("TaskRole", "AWS::IAM::Role", {
    RoleName: sub("${Name}-task", { Name: name }),
    Description: sub("quilt-mcp server of ${Name} (${Mode})", {
      Name: name,
      Mode: P("role_mode"),
    }),
    AssumeRolePolicyDocument: ecsTrust,
    PermissionsBoundary: boundary,
  });
  add("AssumeDataRolesPolicy", "AWS::IAM::RolePolicy", {
    RoleName: ref("TaskRole"),
    PolicyName: "assume-data-roles",
    PolicyDocument: renderPolicy(IDENTITY_TEMPLATES["task-role-assume"], {
      lists: { data_role_arn: P("allowed_role_arns") },
    }),
  }, { Condition: has("allowed_role_arns") });
  addCondition(
    "SigningSecretKey",
    and(
      cond(has("auth_hs256_secret_arn")),
      cond(has("auth_hs256_secret_kms_key_arn")),
    ),
  );
  add("SigningSecretPolicy", "AWS::IAM::RolePolicy", {
    RoleName: ref("TaskRole"),
    PolicyName: "read-token-signing-secret",
    PolicyDocument: profile.signingSecretPolicy({
      secretArn: P("auth_hs256_secret_arn"),
      keyArn: P("auth_hs256_secret_kms_key_arn"),
      secretsManagerService: sub("secretsmanager.${AWS::Region}.${AWS::URLSuffix}"),
      keyStatements: (statement) => [iff("SigningSecretKey", statement)],
    }),
  }, { Condition: has("auth_hs256_secret_arn") });

  // Category policies: rendered from policies/ with slots for the bucket and database lists.
  addCondition("PartitionAws", equals(ref("AWS::Partition"), "aws"));
  addCondition("PartitionAwsCn", equals(ref("AWS::Partition"), "aws-cn"));
  const glueSlots = slots("glue_databases");
  // s3://bucket[/prefix...]: padded so the conditions can always select (the location may be "").
  const athenaRest = select(
    1,
    split("s3://", join("", [P("athena_output_location"), "s3://"])),
  );
  const athenaSegments = split(
    "/",
    join("", [athenaRest, "/".repeat(ATHENA_PREFIX_SEGMENTS + 1)]),
  );
  const athenaPrefix = join(
    "",
    Array.from({ length: ATHENA_PREFIX_SEGMENTS }, (_, n) => n + 1).map((n) =>
      iff(
        addCondition(
          `AthenaPrefixSegment${n}`,
          not(equals(select(n, athenaSegments), "")),
        ),
        join("", [select(n, athenaSegments), "/"]),
      )
    ),
  );
  const categoriesJoined = join("", [
    ",",
    join(",", P("tool_categories")),
    ",",
  ]);
  for (const [category, template] of Object.entries(CATEGORY_TEMPLATES)) {
    const id = pascal(category);
    const enabled = addCondition(
      `Category${id}`,
      contains(categoriesJoined, `,${category},`),
    );
    const needs = categoryNeeds(category);
    const inputs: Cfn[] = [];
    if (needs.lists.includes("bucket")) inputs.push(cond(has("buckets")));
    if (needs.lists.includes("glue_database")) {
      inputs.push(cond(has("glue_databases")));
    }
    if (needs.lists.includes("self_role_arn")) {
      inputs.push(or(cond("SingleTenant"), cond(has("allowed_role_arns"))));
    }
    if (needs.athenaResults) inputs.push(cond(has("athena_output_location")));
    const renderable = addCondition(
      `Render${id}`,
      and(cond(enabled), ...inputs),
    );
    const document = renderPolicy(template, {
      scalars: {
        region: "${Region}",
        athena_workgroup: "${Workgroup}",
        athena_results_bucket: "${ResultsBucket}",
        athena_results_prefix: "${ResultsPrefix}",
      },
      vars: {
        Region: region,
        Workgroup: P("athena_workgroup"),
        ResultsBucket: select(0, athenaSegments),
        ResultsPrefix: athenaPrefix,
      },
      lists: {
        self_role_arn: iff(
          "SingleTenant",
          [getAtt("TaskRole", "Arn")],
          P("allowed_role_arns"),
        ),
      },
      joins: { bucket: P("buckets") },
      slots: { glue_database: glueSlots },
    });
    // One policy per category: attached to the task role in single-tenant mode; in per-user
    // mode left unattached for the customer's data roles (the Terraform module exports JSON).
    add(`CategoryPolicy${id}`, "AWS::IAM::ManagedPolicy", {
      ManagedPolicyName: sub(`\${Name}-category-${category}`, { Name: name }),
      Description: `quilt-mcp ${category} tools (policies/${category}.json)`,
      PolicyDocument: document,
      Roles: iff("SingleTenant", [ref("TaskRole")]),
    }, { Condition: renderable });
    outputs[`CategoryPolicy${id}Arn`] = {
      Condition: renderable,
      Description: `Policy of the ${category} category for the per-user data roles`,
      Value: ref(`CategoryPolicy${id}`),
    };
  }

  // --- load balancer ----------------------------------------------------------------------
  add("AlbSecurityGroup", "AWS::EC2::SecurityGroup", {
    GroupDescription:
      "quilt-mcp load balancer: HTTPS from the listed sources; egress only to the tasks",
    VpcId: P("vpc_id"),
    SecurityGroupEgress: [profile.NO_DEFAULT_EGRESS],
    Tags: [{ Key: "Name", Value: sub("${Name}-alb", { Name: name }) }],
  });
  const ingressSources: { prefix: string; list: string; property: string }[] = [
    { prefix: "Cidr", list: "ingress_cidr_blocks", property: "CidrIp" },
    { prefix: "Ipv6", list: "ingress_ipv6_cidr_blocks", property: "CidrIpv6" },
    {
      prefix: "PrefixList",
      list: "ingress_prefix_list_ids",
      property: "SourcePrefixListId",
    },
  ];
  for (const source of ingressSources) {
    const s = slots(source.list);
    s.items.forEach((item, i) => {
      for (const port of [443, 80]) {
        const condition = port === 443 ? s.conditions[i] : addCondition(
          `${s.conditions[i]}Redirect`,
          and(cond(s.conditions[i]), cond("HttpRedirect")),
        );
        add(
          `AlbIngress${port}${source.prefix}${i}`,
          "AWS::EC2::SecurityGroupIngress",
          {
            GroupId: getAtt("AlbSecurityGroup", "GroupId"),
            Description: port === 443
              ? "HTTPS to the MCP endpoint"
              : "HTTP, redirected to HTTPS only",
            IpProtocol: "tcp",
            FromPort: port,
            ToPort: port,
            [source.property]: item,
          },
          { Condition: condition },
        );
      }
    });
  }
  add("AccessLogsBucket", "AWS::S3::Bucket", {
    ...profile.accessLogsBucketProperties({
      bucketName: sub("${Name}-logs-${AWS::AccountId}-${AWS::Region}", { Name: name }),
      retentionDays: P("access_logs_retention_days"),
    }),
  }, {
    // The logs outlive the stack unless force-destroy is asked for (retention.ts).
    ...accessLogsBucketPolicies(is("access_logs_bucket_force_destroy")),
    Metadata: {
      checkov: {
        skip: [{
          id: "CKV_AWS_18",
          comment:
            "This is the load balancer's access log bucket; logging its own access would need another bucket of the same kind.",
        }],
      },
    },
  });
  const bucketArn = getAtt("AccessLogsBucket", "Arn");
  addCondition(
    "LegacyElbLogRegion",
    or(
      ...Object.keys(ELB_LOG_ACCOUNTS).map((r) => equals(ref("AWS::Region"), r)),
    ),
  );
  const logDelivery = sub("${Bucket}/*/AWSLogs/${AWS::AccountId}/*", {
    Bucket: bucketArn,
  });
  add("AccessLogsBucketPolicy", "AWS::S3::BucketPolicy", {
    Bucket: ref("AccessLogsBucket"),
    PolicyDocument: profile.accessLogsBucketPolicy({
      bucketArn,
      bucketObjectsArn: sub("${Bucket}/*", { Bucket: bucketArn }),
      logDeliveryArn: logDelivery,
      legacyElbAccountRootArn: sub("arn:${AWS::Partition}:iam::${Account}:root", {
        Account: { "Fn::FindInMap": ["ElbLogAccounts", ref("AWS::Region"), "account"] },
      }),
      legacyRegion: (statement) => iff("LegacyElbLogRegion", statement),
    }),
  });
  add("LoadBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer", {
    Name: name,
    Type: "application",
    Scheme: iff(is("internal"), "internal", "internet-facing"),
    IpAddressType: P("ip_address_type"),
    SecurityGroups: [getAtt("AlbSecurityGroup", "GroupId")],
    Subnets: listOf("alb_subnet_ids"),
    LoadBalancerAttributes: profile.loadBalancerAttributes({
      idleTimeout: P("idle_timeout"),
      deletionProtection: P("deletion_protection"),
      logsBucket: ref("AccessLogsBucket"),
    }),
  }, { DependsOn: ["AccessLogsBucketPolicy"] });
  add("HttpsListener", "AWS::ElasticLoadBalancingV2::Listener", {
    LoadBalancerArn: ref("LoadBalancer"),
    Port: 443,
    Protocol: "HTTPS",
    SslPolicy: P("ssl_policy"),
    Certificates: [{ CertificateArn: P("certificate_arn") }],
    DefaultActions: profile.HTTPS_DEFAULT_ACTIONS,
  });
  const certificates = slots("additional_certificate_arns");
  certificates.items.forEach((item, i) =>
    add(
      `AdditionalCertificate${i}`,
      "AWS::ElasticLoadBalancingV2::ListenerCertificate",
      {
        ListenerArn: ref("HttpsListener"),
        Certificates: [{ CertificateArn: item }],
      },
      { Condition: certificates.conditions[i] },
    )
  );
  add("HttpRedirectListener", "AWS::ElasticLoadBalancingV2::Listener", {
    LoadBalancerArn: ref("LoadBalancer"),
    Port: 80,
    Protocol: "HTTP",
    DefaultActions: profile.REDIRECT_DEFAULT_ACTIONS,
  }, { Condition: "HttpRedirect" });

  // --- WAF --------------------------------------------------------------------------------
  const wafKey = key(
    "WafLogsKey",
    "CreateKeys",
    "WAF logs",
    [profile.logsKeyStatement("CloudWatchLogsOfTheWafLogGroupOnly", {
      logsServicePrincipal,
      groupArn: wafLogGroupArn,
    })],
    "waf-logs",
  );
  const ipSets = (list: string, label: string): { v4: Cfn; v6: Cfn } => {
    const s = slots(list);
    const v6 = s.padded.map((item, i) =>
      addCondition(
        `${s.conditions[i]}Ipv6`,
        and(cond(s.conditions[i]), contains(item, ":")),
      )
    );
    const v4 = s.items.map((_, i) =>
      addCondition(
        `${s.conditions[i]}Ipv4`,
        and(cond(s.conditions[i]), not(cond(v6[i]))),
      )
    );
    const any4 = addCondition(
      `${spec(list).cloudformation}AnyIpv4`,
      or(...v4.map(cond)),
    );
    const any6 = addCondition(
      `${spec(list).cloudformation}AnyIpv6`,
      or(...v6.map(cond)),
    );
    const set = (version: "IPV4" | "IPV6", flags: string[], any: string) => {
      const id = `${label}${version === "IPV4" ? "Ipv4" : "Ipv6"}Set`;
      add(id, "AWS::WAFv2::IPSet", {
        Name: sub(`\${Name}-${label.toLowerCase()}-${version.toLowerCase()}`, {
          Name: name,
        }),
        Scope: "REGIONAL",
        IPAddressVersion: version,
        Addresses: iff(
          any,
          split(",", join(",", s.items.map((item, i) => iff(flags[i], item)))),
          [],
        ),
      }, { Condition: has(list) });
      return getAtt(id, "Arn");
    };
    return { v4: set("IPV4", v4, any4), v6: set("IPV6", v6, any6) };
  };
  const blockedSets = ipSets("waf_blocked_ip_cidrs", "Blocked");
  const allowedSets = ipSets("waf_allowed_ip_cidrs", "Allowed");
  addCondition("AnonymousCount", equals(P("waf_anonymous_ip_action"), "count"));
  addCondition(
    "HostingCount",
    equals(P("waf_hosting_provider_ip_action"), "count"),
  );
  const wafConditions: Record<string, string> = {
    blockedIps: has("waf_blocked_ip_cidrs"),
    allowedIps: has("waf_allowed_ip_cidrs"),
    anonymousCount: "AnonymousCount",
    hostingCount: "HostingCount",
  };
  const flavour: Flavour = {
    concat: (...parts) => join("", parts),
    when: (condition, value) => iff(wafConditions[condition] ?? condition, value),
  };
  // The web ACL name without hyphens: the Terraform module's metric prefix.
  const metricPrefix = join("", split("-", name));
  add("WebAcl", "AWS::WAFv2::WebACL", {
    Name: name,
    Description:
      "quilt-mcp: managed rule sets, body-size rule scoped off the MCP path, per-IP and per-caller rate limits",
    Scope: "REGIONAL",
    DefaultAction: { Allow: {} },
    Rules: buildWafRules(flavour, {
      metricPrefix,
      mcpPath,
      rateLimit: P("waf_rate_limit"),
      callerRateLimit: P("waf_caller_rate_limit"),
      rateLimitWindowSeconds: P("waf_rate_limit_window_seconds"),
      blockedIpv4SetArn: blockedSets.v4,
      blockedIpv6SetArn: blockedSets.v6,
      allowedIpv4SetArn: allowedSets.v4,
      allowedIpv6SetArn: allowedSets.v6,
    }),
    VisibilityConfig: {
      CloudWatchMetricsEnabled: true,
      MetricName: metricPrefix,
      SampledRequestsEnabled: true,
    },
  });
  add("WafLogGroup", "AWS::Logs::LogGroup", {
    LogGroupName: wafLogGroupName,
    RetentionInDays: retention,
    KmsKeyId: wafKey,
  }, RETAIN);
  add("WafLogResourcePolicy", "AWS::Logs::ResourcePolicy", {
    PolicyName: sub("${Name}-waf-log-delivery", { Name: name }),
    PolicyDocument: sub(
      JSON.stringify(profile.wafLogDeliveryPolicy({
        logStreamsArn:
          "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:aws-waf-logs-${Name}:*",
        accountId: "${AWS::AccountId}",
        logsArnPattern: "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*",
      })),
      { Name: name },
    ),
  }, { Condition: is("waf_create_log_resource_policy") });
  const redacted = slots("waf_redacted_headers");
  add("WafLogging", "AWS::WAFv2::LoggingConfiguration", {
    ResourceArn: getAtt("WebAcl", "Arn"),
    LogDestinationConfigs: [wafLogGroupArn],
    RedactedFields: redacted.items.map((item, i) =>
      iff(redacted.conditions[i], { SingleHeader: { Name: item } })
    ),
  }, {
    DependsOn: ["WafLogGroup"],
  });
  // Without the association the parameters needed AllowWithoutWaf (Rules.WafOptOut).
  add("WebAclAssociation", "AWS::WAFv2::WebACLAssociation", {
    ResourceArn: ref("LoadBalancer"),
    WebACLArn: getAtt("WebAcl", "Arn"),
  }, { Condition: is("associate_web_acl") });

  // --- observability ----------------------------------------------------------------------
  const topicKey = key(
    "AlarmsKey",
    "CreateKeys",
    "alarm notifications",
    [profile.alarmsKeyStatement(ref("AWS::AccountId"))],
    "alarms",
  );
  add("AlarmTopic", "AWS::SNS::Topic", {
    TopicName: sub("${Name}-alarms", { Name: name }),
    KmsMasterKeyId: topicKey,
  });
  add("AlarmTopicPolicy", "AWS::SNS::TopicPolicy", {
    Topics: [ref("AlarmTopic")],
    PolicyDocument: profile.alarmTopicPolicy({
      topic: ref("AlarmTopic"),
      accountId: ref("AWS::AccountId"),
      alarmArnPattern: sub(
        "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*",
      ),
    }),
  });
  const emails = slots("alarm_email_addresses");
  emails.items.forEach((item, i) =>
    add(`AlarmEmail${i}`, "AWS::SNS::Subscription", {
      TopicArn: ref("AlarmTopic"),
      Protocol: "email",
      Endpoint: item,
    }, { Condition: emails.conditions[i] })
  );
  add("TargetGroup", "AWS::ElasticLoadBalancingV2::TargetGroup", {
    Name: name,
    Port: P("port"),
    ...profile.targetProtocols(targetProtocol(has)),
    ProtocolVersion: "HTTP1",
    TargetType: "ip",
    VpcId: P("vpc_id"),
    TargetGroupAttributes: [{
      Key: "deregistration_delay.timeout_seconds",
      Value: P("deregistration_delay"),
    }],
    ...profile.TARGET_HEALTH_CHECK,
  });
  const alarms = buildAlarms(flavour, {
    name,
    namespace: P("metrics_namespace"),
    period: P("alarm_period_seconds"),
    authFailureRatePercent: P("auth_failure_rate_percent"),
    authFailureMinRequests: P("auth_failure_min_requests"),
    target5xxThreshold: P("target_5xx_threshold"),
    stsErrorThreshold: P("sts_error_threshold"),
    wafBlockedThreshold: P("waf_blocked_threshold"),
    topicArn: ref("AlarmTopic"),
    loadBalancerFullName: getAtt("LoadBalancer", "LoadBalancerFullName"),
    targetGroupFullName: getAtt("TargetGroup", "TargetGroupFullName"),
    webAclName: name,
    region: ref("AWS::Region"),
  });
  for (const a of alarms) {
    add(a.logicalId, "AWS::CloudWatch::Alarm", a.properties);
  }
  add("Dashboard", "AWS::CloudWatch::Dashboard", {
    DashboardName: name,
    DashboardBody: dashboardBody(dashboardWidgets(flavour, {
      alarmArns: Object.fromEntries(
        alarms.map((a) => [a.key, `\${${a.logicalId}.Arn}`]),
      ),
      namespace: "${MetricsNamespace}",
      period: "${AlarmPeriodSeconds}",
      region: "${AWS::Region}",
      loadBalancer: "${LoadBalancer.LoadBalancerFullName}",
      targetGroup: "${TargetGroup.TargetGroupFullName}",
      webAcl: "${Name}",
    })),
  });

  // --- task definition, service, routing --------------------------------------------------
  const environment: Cfn[] = [];
  for (const s of TABLE.parameters) {
    if (s.environment === undefined) continue;
    const value = s.environment === "AWS_REGION"
      ? region
      : s.type === "list(string)"
      ? isEncodedString(s) ? ref(s.cloudformation) : join(",", ref(s.cloudformation))
      : ref(s.cloudformation);
    const entry = { Name: s.environment, Value: value };
    const optional = s.environment !== "AWS_REGION" &&
      (s.type === "list(string)" ||
        (s.type === "string" && s.default === null));
    environment.push(optional ? iff(hasCondition(s), entry) : entry);
  }
  for (const [k, value] of Object.entries(FIXED_ENVIRONMENT)) {
    environment.push({ Name: k, Value: value });
  }
  const extraEnvironment = slots("extra_environment");
  extraEnvironment.items.forEach((item, i) =>
    environment.push(iff(extraEnvironment.conditions[i], {
      Name: select(0, split("=", item)),
      Value: select(1, split("=", item)),
    }))
  );
  const containerSecrets = [
    ...valueFroms.map((v) => iff(v.condition, { Name: v.name, ValueFrom: v.value })),
    iff("CreateHs256Secret", {
      Name: "QUILT_MCP_AUTH_HS256_SECRET",
      ValueFrom: ref("Hs256Secret"),
    }),
  ];
  add("TaskDefinition", "AWS::ECS::TaskDefinition", {
    Family: name,
    RequiresCompatibilities: ["FARGATE"],
    NetworkMode: "awsvpc",
    Cpu: P("cpu"),
    Memory: P("memory"),
    TaskRoleArn: getAtt("TaskRole", "Arn"),
    ExecutionRoleArn: getAtt("ExecutionRole", "Arn"),
    RuntimePlatform: {
      OperatingSystemFamily: "LINUX",
      CpuArchitecture: P("cpu_architecture"),
    },
    ContainerDefinitions: [profile.containerDefinition({
      name: CONTAINER_NAME,
      image: P("container_image"),
      user: P("container_user"),
      port: P("port"),
      environment,
      secrets: containerSecrets,
      healthcheckBinary: P("healthcheck_binary"),
      stopTimeout: P("stop_timeout"),
      logGroupName,
      region: ref("AWS::Region"),
    })],
  }, { DependsOn: ["LogGroup"] });
  add("ServiceSecurityGroup", "AWS::EC2::SecurityGroup", {
    GroupDescription:
      "quilt-mcp tasks: ingress from the load balancer only; egress 443 to VPC endpoints, S3 and listed CIDRs",
    VpcId: P("vpc_id"),
    SecurityGroupEgress: [profile.NO_DEFAULT_EGRESS],
    Tags: [{ Key: "Name", Value: sub("${Name}-service", { Name: name }) }],
  });
  add("ServiceIngressFromAlb", "AWS::EC2::SecurityGroupIngress", {
    GroupId: getAtt("ServiceSecurityGroup", "GroupId"),
    Description: "MCP traffic and health checks from the load balancer",
    IpProtocol: "tcp",
    FromPort: P("port"),
    ToPort: P("port"),
    SourceSecurityGroupId: getAtt("AlbSecurityGroup", "GroupId"),
  });
  add("AlbEgressToService", "AWS::EC2::SecurityGroupEgress", {
    GroupId: getAtt("AlbSecurityGroup", "GroupId"),
    Description: "Load balancer to the quilt-mcp tasks",
    IpProtocol: "tcp",
    FromPort: P("port"),
    ToPort: P("port"),
    DestinationSecurityGroupId: getAtt("ServiceSecurityGroup", "GroupId"),
  });
  const https = (
    id: string,
    condition: string,
    description: string,
    destination: Record<string, Cfn>,
  ) =>
    add(id, "AWS::EC2::SecurityGroupEgress", {
      GroupId: getAtt("ServiceSecurityGroup", "GroupId"),
      Description: description,
      IpProtocol: "tcp",
      FromPort: 443,
      ToPort: 443,
      ...destination,
    }, { Condition: condition });
  const endpoints = slots("vpc_endpoint_security_group_ids");
  endpoints.items.forEach((item, i) =>
    https(
      `EgressToEndpoints${i}`,
      endpoints.conditions[i],
      "HTTPS to VPC interface endpoints",
      {
        DestinationSecurityGroupId: item,
      },
    )
  );
  const prefixLists = slots("s3_prefix_list_ids");
  prefixLists.items.forEach((item, i) =>
    https(
      `EgressToS3${i}`,
      prefixLists.conditions[i],
      "HTTPS to S3 through the gateway endpoint (data and ECR image layers)",
      { DestinationPrefixListId: item },
    )
  );
  const cidrs = slots("egress_cidr_blocks");
  cidrs.items.forEach((item, i) => {
    const v6 = addCondition(
      `${cidrs.conditions[i]}Ipv6`,
      and(cond(cidrs.conditions[i]), contains(item, ":")),
    );
    const v4 = addCondition(
      `${cidrs.conditions[i]}Ipv4`,
      and(cond(cidrs.conditions[i]), not(cond(v6))),
    );
    https(`EgressToCidr${i}`, v4, "HTTPS to an explicitly listed destination", {
      CidrIp: item,
    });
    https(
      `EgressToCidrIpv6${i}`,
      v6,
      "HTTPS to an explicitly listed destination",
      {
        CidrIpv6: item,
      },
    );
  });
  https(
    "EgressToInternet",
    is("allow_internet_egress"),
    "Conscious exception (allow_internet_egress): HTTPS to the internet",
    { CidrIp: "0.0.0.0/0" },
  );
  add("ListenerRule", "AWS::ElasticLoadBalancingV2::ListenerRule", {
    ListenerArn: ref("HttpsListener"),
    Priority: P("listener_rule_priority"),
    Actions: [{ Type: "forward", TargetGroupArn: ref("TargetGroup") }],
    Conditions: [
      { Field: "host-header", HostHeaderConfig: { Values: [host] } },
      {
        Field: "path-pattern",
        PathPatternConfig: {
          Values: [
            mcpPath,
            join("", [mcpPath, "/*"]),
            "/.well-known/oauth-protected-resource",
            "/.well-known/oauth-protected-resource/*",
          ],
        },
      },
    ],
  });
  const deploymentAlarms = alarms.filter((a) => a.deployment);
  add("Service", "AWS::ECS::Service", {
    ServiceName: name,
    Cluster: clusterArn,
    TaskDefinition: ref("TaskDefinition"),
    DesiredCount: P("desired_count"),
    LaunchType: "FARGATE",
    PlatformVersion: P("platform_version"),
    HealthCheckGracePeriodSeconds: P("health_check_grace_period_seconds"),
    // Exec needs a writable root filesystem and opens a shell into the task: off, not configurable.
    EnableExecuteCommand: false,
    EnableECSManagedTags: true,
    PropagateTags: "SERVICE",
    DeploymentConfiguration: {
      MinimumHealthyPercent: 100,
      MaximumPercent: 200,
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      Alarms: {
        AlarmNames: deploymentAlarms.map((a) => ref(a.logicalId)),
        Enable: true,
        Rollback: true,
      },
    },
    NetworkConfiguration: {
      AwsvpcConfiguration: {
        Subnets: listOf("subnet_ids"),
        SecurityGroups: [getAtt("ServiceSecurityGroup", "GroupId")],
        AssignPublicIp: "DISABLED",
      },
    },
    LoadBalancers: [{
      TargetGroupArn: ref("TargetGroup"),
      ContainerName: CONTAINER_NAME,
      ContainerPort: P("port"),
    }],
  }, { DependsOn: ["ListenerRule"] });
  add("ScalableTarget", "AWS::ApplicationAutoScaling::ScalableTarget", {
    ServiceNamespace: "ecs",
    ScalableDimension: "ecs:service:DesiredCount",
    ResourceId: join("/", ["service", clusterName, getAtt("Service", "Name")]),
    MinCapacity: P("autoscaling_min_capacity"),
    MaxCapacity: P("autoscaling_max_capacity"),
  });
  const tracking = (
    id: string,
    suffix: string,
    target: Cfn,
    metric: Record<string, Cfn>,
  ) =>
    add(id, "AWS::ApplicationAutoScaling::ScalingPolicy", {
      PolicyName: sub(`\${Name}-${suffix}`, { Name: name }),
      PolicyType: "TargetTrackingScaling",
      ScalingTargetId: ref("ScalableTarget"),
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: target,
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
        PredefinedMetricSpecification: metric,
      },
    });
  tracking("CpuScaling", "cpu", P("autoscaling_cpu_target"), {
    PredefinedMetricType: "ECSServiceAverageCPUUtilization",
  });
  tracking("RequestScaling", "requests", P("autoscaling_requests_per_target"), {
    PredefinedMetricType: "ALBRequestCountPerTarget",
    ResourceLabel: join("/", [
      getAtt("LoadBalancer", "LoadBalancerFullName"),
      getAtt("TargetGroup", "TargetGroupFullName"),
    ]),
  });

  // The data roles' trust policy (policies/trust/data-role-trust.json) as an output: JSON text
  // with the task role, the subject pattern and the session tag keys filled in.
  const tagClaims = slots("session_tag_claims");
  const trustText = JSON.stringify(IDENTITY_TEMPLATES["data-role-trust"])
    .replaceAll(',"${session_tag_key}"', "${TagKeys}")
    .replaceAll("${task_role_arn}", "${TaskRole.Arn}")
    .replaceAll("${subject_pattern}", "${SubjectPattern}");
  if (/\$\{[a-z]/.test(trustText)) {
    throw new Error("data-role trust policy: unrendered placeholder");
  }
  outputs.DataRoleTrustPolicy = {
    Description: "Trust policy for the per-user data roles (policies/trust/data-role-trust.json)",
    Value: sub(trustText, {
      TagKeys: join(
        "",
        tagClaims.items.map((item, i) =>
          iff(
            tagClaims.conditions[i],
            sub(',"${Key}"', { Key: select(0, split("=", item)) }),
          )
        ),
      ),
    }),
  };

  // The audit trail (modules/audit): S3 data events on exactly the buckets the tools may touch.
  Object.assign(
    outputs,
    addAuditTrail({
      add,
      addCondition,
      P,
      has,
      is,
      objectArnPrefixes: renderPolicy(["arn:${partition}:s3:::${bucket}/"], {
        joins: { bucket: P("buckets") },
      }),
      retain: RETAIN,
    }),
  );

  const template = {
    AWSTemplateFormatVersion: "2010-09-09",
    Transform: TRANSFORM,
    Description:
      "quilt-mcp: MCP server for Quilt data on ECS Fargate behind an HTTPS-only load balancer with WAF, KMS-encrypted logs and alarms (modules/cloudformation; same parameters as the Terraform modules and the CDK construct).",
    Metadata: { "AWS::CloudFormation::Interface": parameterGroups() },
    Parameters: { ...parameterDeclarations(), ...stackOnlyDeclarations() },
    Rules: buildRules(),
    Mappings: { ElbLogAccounts: ELB_LOG_ACCOUNTS },
    Conditions: conditions,
    Resources: resources,
    Outputs: {
      LoadBalancerDnsName: {
        Description: "Point the public URL's host at this name (CNAME or alias record)",
        Value: getAtt("LoadBalancer", "DNSName"),
      },
      TaskRoleArn: {
        Description: "The task role; the per-user data roles trust exactly this principal",
        Value: getAtt("TaskRole", "Arn"),
      },
      AlarmTopicArn: {
        Description: "KMS-encrypted SNS topic every alarm notifies",
        Value: ref("AlarmTopic"),
      },
      ...outputs,
    },
  };
  pruneConditions(template as { Conditions: Record<string, Cfn> });
  return template;
}

/** Drops conditions nothing refers to (presence conditions are declared for every parameter). */
function pruneConditions(template: { Conditions: Record<string, Cfn> }): void {
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) {
        if (k === "Condition" && typeof v === "string") used.add(v);
        else if (k === "Fn::If" && Array.isArray(v)) used.add(v[0] as string);
        if (k !== "Conditions") visit(v);
      }
    }
  };
  visit(template);
  let grew = true;
  while (grew) {
    const before = used.size;
    for (const name of [...used]) visit(template.Conditions[name]);
    grew = used.size > before;
  }
  for (const name of Object.keys(template.Conditions)) {
    if (!used.has(name)) delete template.Conditions[name];
  }
}

/** The dashboard body as one `Fn::Sub` string; `${...}` references resolve at deployment. */
function dashboardBody(widgets: unknown[]): Cfn {
  const text = JSON.stringify(widgets, (_k, v) => {
    if (v !== null && typeof v === "object" && "Fn::Join" in v) {
      const [delimiter, parts] = (v as { "Fn::Join": [string, unknown[]] })["Fn::Join"];
      return parts.map((p) => (typeof p === "string" ? p : String(p))).join(
        delimiter,
      );
    }
    return v;
  }).replace(/"\$\{AlarmPeriodSeconds\}"/g, "${AlarmPeriodSeconds}");
  return sub(text);
}

/** `packages-read` → `PackagesRead`. */
function pascal(category: string): string {
  return category.split("-").map((w) => w[0].toUpperCase() + w.slice(1)).join(
    "",
  );
}

/** How one policy template's placeholders become CloudFormation values. */
interface RenderContext {
  /** Scalar placeholders spelled as `Fn::Sub` references (defaults below for the pseudo ones). */
  readonly scalars?: Record<string, string>;
  /** The `Fn::Sub` variables those references use. */
  readonly vars?: Record<string, Cfn>;
  /** List placeholders that are a whole array on their own: the CloudFormation list value. */
  readonly lists?: Record<string, Cfn>;
  /** List placeholders inside a longer string, expanded by join-then-split. */
  readonly joins?: Record<string, Cfn>;
  /** List placeholders inside a longer string: one element per slot, each behind its condition. */
  readonly slots?: Record<string, { items: Cfn[]; conditions: string[] }>;
}

const PSEUDO: Record<string, string> = {
  partition: "${AWS::Partition}",
  account_id: "${AWS::AccountId}",
  region: "${AWS::Region}",
};

/**
 * Renders a policy template of `policies/` as CloudFormation, following policies/README.md:
 * scalars through `Fn::Sub` (IAM variables escaped as `${!aws:...}`), list placeholders as the
 * list itself or one slot per value.
 */
export function renderPolicy(template: Json, ctx: RenderContext): Cfn {
  const scalars = { ...PSEUDO, ...(ctx.scalars ?? {}) };
  const text = (s: string): string =>
    s.replace(/\$\{([^}]*)\}/g, (m, inner: string) => {
      if (inner.includes(":")) return `\${!${inner}}`;
      if (PLACEHOLDER_SPECS[inner]?.type === "list") return m;
      const value = scalars[inner];
      if (value === undefined) {
        throw new Error(`no CloudFormation value for \${${inner}}`);
      }
      return value;
    });
  const scalar = (s: string): Cfn => {
    const t = text(s);
    return t === s && !s.includes("${") ? s : sub(t, usedVars(t));
  };
  const usedVars = (t: string): Record<string, Cfn> =>
    Object.fromEntries(
      Object.entries(ctx.vars ?? {}).filter(([k]) => t.includes(`\${${k}}`)),
    );
  const listIn = (s: string): string | undefined =>
    [...s.matchAll(/\$\{([a-z][a-z0-9_]*)\}/g)].map((m) => m[1]).find((n) =>
      PLACEHOLDER_SPECS[n]?.type === "list"
    );
  const walk = (node: Json): Cfn => {
    if (typeof node === "string") {
      if (listIn(node) !== undefined) {
        throw new Error(`list placeholder outside an array: ${node}`);
      }
      return scalar(node);
    }
    if (Array.isArray(node)) {
      const whole = node.length === 1 && typeof node[0] === "string" &&
          /^\$\{([a-z_]+)\}$/.test(node[0])
        ? node[0].slice(2, -1)
        : undefined;
      if (whole !== undefined && ctx.lists?.[whole] !== undefined) {
        return ctx.lists[whole];
      }
      if (
        !node.some((item) => typeof item === "string" && listIn(item) !== undefined)
      ) {
        return node.map(walk);
      }
      // An array with list elements: every element as a string, joined and split again
      // (ARNs hold no commas), so list values expand in place and in order.
      const parts: Cfn[] = [];
      for (const item of node) {
        const list = typeof item === "string" ? listIn(item) : undefined;
        if (list === undefined) {
          parts.push(walk(item));
          continue;
        }
        const t = text(item as string);
        const [pre, post] = t.split(`\${${list}}`);
        const joined = ctx.joins?.[list];
        if (joined !== undefined) {
          // Join's delimiter must be literal: the only reference in it, the partition, is
          // enumerated (policies/placeholders.json allows aws, aws-cn and aws-us-gov).
          const delimiter = (partition: string) =>
            `${post},${pre}`.replaceAll("${AWS::Partition}", partition);
          if (/\$\{(?!AWS::Partition\})/.test(`${post},${pre}`)) {
            throw new Error(
              `cannot join ${item}: only the partition may vary between elements`,
            );
          }
          const all = iff(
            "PartitionAws",
            join(delimiter("aws"), joined),
            iff(
              "PartitionAwsCn",
              join(delimiter("aws-cn"), joined),
              join(delimiter("aws-us-gov"), joined),
            ),
          );
          parts.push(
            sub(`${pre}\${Items}${post}`, {
              ...usedVars(`${pre}${post}`),
              Items: all,
            }),
          );
          continue;
        }
        const slot = ctx.slots?.[list];
        if (slot === undefined) {
          throw new Error(
            `no CloudFormation rendering for \${${list}} in ${item}`,
          );
        }
        const itemText = `${pre}\${Item}${post}`;
        slot.items.forEach((value, i) =>
          parts.push(
            iff(
              slot.conditions[i],
              sub(itemText, { ...usedVars(itemText), Item: value }),
            ),
          )
        );
      }
      return split(",", join(",", parts));
    }
    if (node !== null && typeof node === "object") {
      return Object.fromEntries(
        Object.entries(node).map(([k, v]) => [k, walk(v)]),
      );
    }
    return node;
  };
  return walk(template);
}

/** The Rules section: the table's rules between parameters that CloudFormation can express. */
function buildRules(): Record<string, unknown> {
  const P = (name: string) => ref(spec(name).cloudformation);
  const empty = (name: string) => {
    const s = spec(name);
    return s.type === "list(string)" && !isEncodedString(s)
      ? { "Fn::EachMemberEquals": [P(name), ""] }
      : equals(P(name), "");
  };
  const rules: Record<string, unknown> = {
    TokenVerifier: {
      Assertions: [{
        Assert: or(
          not(empty("auth_jwks_url")),
          equals(P("create_hs256_secret"), "true"),
          not(empty("auth_hs256_secret_value_from")),
          not(empty("auth_hs256_secret_arn")),
        ),
        AssertDescription:
          "token_verifier: the server needs a token verifier: AuthJwksUrl, or an HS256 secret (CreateHs256Secret, AuthHs256SecretValueFrom or AuthHs256SecretArn).",
      }],
    },
    OneHs256Source: {
      RuleCondition: equals(P("create_hs256_secret"), "true"),
      Assertions: [{
        Assert: empty("auth_hs256_secret_value_from"),
        AssertDescription:
          "one_hs256_source: set either CreateHs256Secret or AuthHs256SecretValueFrom, not both.",
      }],
    },
    PerUserNeedsRoles: {
      RuleCondition: equals(P("role_mode"), "per-user"),
      Assertions: [{
        Assert: not(empty("allowed_role_arns")),
        AssertDescription:
          "per_user_needs_roles: RoleMode per-user needs AllowedRoleArns (the data roles web principals may assume).",
      }],
    },
    ClusterSource: {
      RuleCondition: equals(P("create_cluster"), "false"),
      Assertions: [{
        Assert: not(empty("cluster_arn")),
        AssertDescription: "cluster_source: set CreateCluster to true or give ClusterArn.",
      }],
    },
    AlbIngressSource: {
      Assertions: [{
        Assert: or(
          not(empty("ingress_cidr_blocks")),
          not(empty("ingress_ipv6_cidr_blocks")),
          not(empty("ingress_prefix_list_ids")),
        ),
        AssertDescription:
          "alb_ingress_source: give at least one ingress source (IngressCidrBlocks, IngressIpv6CidrBlocks or IngressPrefixListIds).",
      }],
    },
    ...tlsRules(empty),
    WafOptOut: {
      RuleCondition: equals(P("associate_web_acl"), "false"),
      Assertions: [{
        Assert: equals(P("allow_without_waf"), "true"),
        AssertDescription:
          "waf_opt_out: AssociateWebAcl false leaves the load balancer without a web ACL; keep it, or accept the risk explicitly with AllowWithoutWaf true.",
      }],
    },
  };
  for (const [cpu, memory] of Object.entries(FARGATE_MEMORY_STRINGS)) {
    rules[`FargateMemoryFor${cpu}Cpu`] = {
      RuleCondition: equals(P("cpu"), cpu),
      Assertions: [{
        Assert: { "Fn::Contains": [memory, P("memory")] },
        AssertDescription: `fargate_cpu_memory: with Cpu ${cpu}, Memory must be one of ${
          memory.join(", ")
        }.`,
      }],
    };
  }
  for (const [category, template] of Object.entries(CATEGORY_TEMPLATES)) {
    const needs = categoryNeeds(category);
    const required: Cfn[] = [];
    if (needs.lists.includes("bucket")) required.push(not(empty("buckets")));
    if (needs.lists.includes("glue_database")) {
      required.push(not(empty("glue_databases")));
    }
    if (needs.athenaResults) {
      required.push(not(empty("athena_output_location")));
    }
    void template;
    rules[`SingleTenantRenderable${pascal(category)}`] = {
      RuleCondition: {
        "Fn::And": [
          equals(P("role_mode"), "single-tenant"),
          { "Fn::Contains": [P("tool_categories"), category] },
        ],
      },
      Assertions: [{
        Assert: and(...required),
        AssertDescription:
          `single_tenant_renderable: single-tenant with the ${category} category needs its policy inputs (Buckets${
            needs.athenaResults ? ", AthenaOutputLocation, GlueDatabases" : ""
          }).`,
      }],
    };
  }
  return rules;
}

const FARGATE_MEMORY_STRINGS: Record<string, string[]> = Object.fromEntries(
  Object.entries(FARGATE_MEMORY).map((
    [cpu, memory],
  ) => [cpu, memory.map(String)]),
);
