/**
 * The security profile of the one-stack deployment, described once for the CDK construct and the
 * CloudFormation generator: the hardened properties of the KMS keys, the access log bucket, the
 * load balancer and its listeners, the container, the target group health check, the security
 * groups' default egress and the resource policies of the alarm topic and the WAF log group (the
 * Terraform modules set the same; tests/parity compares all three). Each builder returns
 * CloudFormation-cased properties; the caller passes its own values for what varies (concrete
 * values and tokens in the CDK, intrinsic functions in the template), so the security settings
 * themselves are written here only. Pure: no I/O.
 * @module
 */

/** A CloudFormation value as either flavour builds it (a value, a token, an intrinsic). */
type Value = unknown;

/** The egress rule CloudFormation needs to drop a security group's default allow-all egress. */
export const NO_DEFAULT_EGRESS = {
  CidrIp: "255.255.255.255/32",
  IpProtocol: "icmp",
  FromPort: 252,
  ToPort: 86,
  Description: "Disallow all traffic (removes the default allow-all egress rule)",
} as const;

// --- KMS ------------------------------------------------------------------------------------

/** The first statement of every key policy: the account administers the key through IAM. */
export function accountAdministersKey(accountRootArn: Value): Record<string, Value> {
  return {
    Sid: "AccountAdministersKeyThroughIam",
    Effect: "Allow",
    Principal: { AWS: accountRootArn },
    Action: "kms:*",
    Resource: "*",
  };
}

/** CloudWatch Logs may use the key, only for the one log group `groupArn`. */
export function logsKeyStatement(
  sid: string,
  i: { logsServicePrincipal: Value; groupArn: Value },
): Record<string, Value> {
  return {
    Sid: sid,
    Effect: "Allow",
    Principal: { Service: i.logsServicePrincipal },
    Action: [
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ],
    Resource: "*",
    Condition: {
      ArnLike: { "kms:EncryptionContext:aws:logs:arn": i.groupArn },
    },
  };
}

/** CloudWatch alarms of this account may encrypt to the alarm topic. */
export function alarmsKeyStatement(accountId: Value): Record<string, Value> {
  return {
    // Alarms publish to the encrypted topic as CloudWatch itself.
    Sid: "CloudWatchAlarmsOfThisAccount",
    Effect: "Allow",
    Principal: { Service: "cloudwatch.amazonaws.com" },
    Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
    Resource: "*",
    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
  };
}

/** A customer managed key: rotation always on; the account's statement, then `statements`. */
export function kmsKeyProperties(i: {
  description: Value;
  deletionWindowInDays: Value;
  accountRootArn: Value;
  statements?: readonly Value[];
}): Record<string, Value> {
  return {
    Description: i.description,
    EnableKeyRotation: true,
    PendingWindowInDays: i.deletionWindowInDays,
    KeyPolicy: {
      Version: "2012-10-17",
      Statement: [accountAdministersKey(i.accountRootArn), ...(i.statements ?? [])],
    },
  };
}

// --- access logs ----------------------------------------------------------------------------

/**
 * A log bucket: private (public access blocked, owner-enforced), versioned, encrypted by default
 * with `encryption` (an SSE-KMS key with a bucket key, or SSE-S3), files expired after
 * `retentionDays` and old versions after 30 days.
 */
export function logBucketProperties(i: {
  bucketName: Value;
  encryption: { SSEAlgorithm: "AES256" } | { SSEAlgorithm: "aws:kms"; KMSMasterKeyID: Value };
  lifecycleRuleId: string;
  retentionDays: Value;
}): Record<string, Value> {
  return {
    BucketName: i.bucketName,
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
    OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
    VersioningConfiguration: { Status: "Enabled" },
    BucketEncryption: {
      ServerSideEncryptionConfiguration: [{
        ServerSideEncryptionByDefault: i.encryption,
        ...(i.encryption.SSEAlgorithm === "aws:kms" ? { BucketKeyEnabled: true } : {}),
      }],
    },
    LifecycleConfiguration: {
      Rules: [{
        Id: i.lifecycleRuleId,
        Status: "Enabled",
        ExpirationInDays: i.retentionDays,
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      }],
    },
  };
}

/** The load balancer's access log bucket: SSE-S3, the only kind ALB logs take. */
export function accessLogsBucketProperties(i: {
  bucketName: Value;
  retentionDays: Value;
}): Record<string, Value> {
  return logBucketProperties({
    bucketName: i.bucketName,
    encryption: { SSEAlgorithm: "AES256" },
    lifecycleRuleId: "expire-logs",
    retentionDays: i.retentionDays,
  });
}

/** A bucket policy's TLS-only statements: no plain HTTP, no TLS below 1.2, for anyone. */
export function tlsOnlyStatements(
  bucketArn: Value,
  bucketObjectsArn: Value,
): Record<string, Value>[] {
  const everything = [bucketArn, bucketObjectsArn];
  return [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: everything,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "DenyOutdatedTls",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: everything,
      Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
    },
  ];
}

/**
 * The access log bucket's policy: TLS ≥ 1.2 only, written only by ELB log delivery under
 * `AWSLogs/<account>/`; `legacyRegion` makes the statement for the ELB account of regions opened
 * before August 2022 conditional on the deployment's region.
 */
export function accessLogsBucketPolicy(i: {
  bucketArn: Value;
  bucketObjectsArn: Value;
  logDeliveryArn: Value;
  legacyElbAccountRootArn: Value;
  legacyRegion: (statement: Record<string, Value>) => Value;
}): Record<string, Value> {
  return {
    Version: "2012-10-17",
    Statement: [
      ...tlsOnlyStatements(i.bucketArn, i.bucketObjectsArn),
      {
        Sid: "ElbLogDelivery",
        Effect: "Allow",
        Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: i.logDeliveryArn,
      },
      i.legacyRegion({
        Sid: "ElbLogDeliveryLegacyRegions",
        Effect: "Allow",
        Principal: { AWS: i.legacyElbAccountRootArn },
        Action: "s3:PutObject",
        Resource: i.logDeliveryArn,
      }),
    ],
  };
}

// --- load balancer --------------------------------------------------------------------------

/** The load balancer's attributes: hardened routing, WAF fail-closed, access and connection logs. */
export function loadBalancerAttributes(i: {
  idleTimeout: Value;
  deletionProtection: Value;
  logsBucket: Value;
}): { Key: string; Value: Value }[] {
  return ([
    ["idle_timeout.timeout_seconds", i.idleTimeout],
    // Request smuggling and header abuse: drop malformed headers, refuse ambiguous requests.
    ["routing.http.drop_invalid_header_fields.enabled", "true"],
    ["routing.http.desync_mitigation_mode", "strictest"],
    ["deletion_protection.enabled", i.deletionProtection],
    ["routing.http2.enabled", "true"],
    // If WAF cannot be reached, requests are refused rather than let through unfiltered.
    ["waf.fail_open.enabled", "false"],
    ["routing.http.preserve_host_header.enabled", "false"],
    ["routing.http.xff_header_processing.mode", "append"],
    ["access_logs.s3.enabled", "true"],
    ["access_logs.s3.bucket", i.logsBucket],
    ["access_logs.s3.prefix", "access"],
    ["connection_logs.s3.enabled", "true"],
    ["connection_logs.s3.bucket", i.logsBucket],
    ["connection_logs.s3.prefix", "connection"],
  ] as [string, Value][]).map(([Key, v]) => ({ Key, Value: v }));
}

/** The HTTPS listener's default: only the MCP listener rule routes anywhere; the rest is a 404. */
export const HTTPS_DEFAULT_ACTIONS = [{
  Type: "fixed-response",
  FixedResponseConfig: {
    ContentType: "text/plain",
    MessageBody: "Not found",
    StatusCode: "404",
  },
}] as const;

/** The optional port-80 listener only redirects to HTTPS. */
export const REDIRECT_DEFAULT_ACTIONS = [{
  Type: "redirect",
  RedirectConfig: { Port: "443", Protocol: "HTTPS", StatusCode: "HTTP_301" },
}] as const;

/**
 * The target group's health check: the server's own /healthz, on the traffic port, in the
 * protocol of {@linkcode targetProtocols}.
 */
export const TARGET_HEALTH_CHECK = {
  HealthCheckEnabled: true,
  HealthCheckPath: "/healthz",
  HealthCheckPort: "traffic-port",
  Matcher: { HttpCode: "200" },
  HealthCheckIntervalSeconds: 15,
  HealthCheckTimeoutSeconds: 5,
  HealthyThresholdCount: 2,
  UnhealthyThresholdCount: 3,
} as const;

/**
 * The protocol from the load balancer to the task, for traffic and health checks alike: HTTP by
 * default (TLS ends at the HTTPS-only listener; the hop stays in the VPC, from the load
 * balancer's security group only), HTTPS when the server has a certificate and key
 * (tls_certificate_value_from and tls_private_key_value_from). The load balancer does not
 * validate the target's certificate, so a self-signed one will do. `protocol` is "HTTP",
 * "HTTPS" or a CloudFormation expression choosing one.
 */
export function targetProtocols<T>(protocol: T): { Protocol: T; HealthCheckProtocol: T } {
  return { Protocol: protocol, HealthCheckProtocol: protocol };
}

// --- container ------------------------------------------------------------------------------

/**
 * The server's container: non-root, read-only root filesystem, unprivileged, every capability
 * dropped, an init process, its own health check, no mounts, logs to its KMS-encrypted group;
 * secrets only by reference (`secrets`, never `environment`).
 */
export function containerDefinition(i: {
  name: Value;
  image: Value;
  user: Value;
  port: Value;
  environment: Value;
  secrets: Value;
  healthcheckBinary: Value;
  stopTimeout: Value;
  logGroupName: Value;
  region: Value;
}): Record<string, Value> {
  return {
    Name: i.name,
    Image: i.image,
    Essential: true,
    User: i.user,
    ReadonlyRootFilesystem: true,
    Privileged: false,
    LinuxParameters: {
      InitProcessEnabled: true,
      Capabilities: { Add: [], Drop: ["ALL"] },
    },
    PortMappings: [{ ContainerPort: i.port, Protocol: "tcp" }],
    Environment: i.environment,
    Secrets: i.secrets,
    HealthCheck: {
      Command: ["CMD", i.healthcheckBinary, "healthcheck"],
      Interval: 15,
      Timeout: 5,
      Retries: 3,
      StartPeriod: 15,
    },
    StopTimeout: i.stopTimeout,
    MountPoints: [],
    VolumesFrom: [],
    LogConfiguration: {
      LogDriver: "awslogs",
      Options: {
        "awslogs-group": i.logGroupName,
        "awslogs-region": i.region,
        "awslogs-stream-prefix": "mcp",
        "mode": "non-blocking",
        "max-buffer-size": "25m",
      },
    },
  };
}

// --- resource policies ----------------------------------------------------------------------

/**
 * The task role reads the HS256 signing secret it is given (and decrypts it through Secrets
 * Manager only); `keyStatements` turns the decrypt statement into the flavour's list elements
 * (none without a key).
 */
export function signingSecretPolicy(i: {
  secretArn: Value;
  keyArn: Value;
  secretsManagerService: Value;
  keyStatements: (statement: Record<string, Value>) => Value[];
}): Record<string, Value> {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadTokenSigningSecret",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: [i.secretArn],
      },
      ...i.keyStatements({
        Sid: "DecryptTokenSigningSecret",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: i.keyArn,
        Condition: { StringEquals: { "kms:ViaService": i.secretsManagerService } },
      }),
    ],
  };
}

/** The alarm topic: only this account's CloudWatch alarms publish, and only over TLS. */
export function alarmTopicPolicy(i: {
  topic: Value;
  accountId: Value;
  alarmArnPattern: Value;
}): Record<string, Value> {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "CloudWatchAlarmsOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: i.topic,
        Condition: {
          StringEquals: { "aws:SourceAccount": i.accountId },
          ArnLike: { "aws:SourceArn": i.alarmArnPattern },
        },
      },
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sns:Publish",
        Resource: i.topic,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

/** WAF log delivery may write to the WAF log group only, on behalf of this account. */
export function wafLogDeliveryPolicy(i: {
  logStreamsArn: Value;
  accountId: Value;
  logsArnPattern: Value;
}): Record<string, Value> {
  return {
    Version: "2012-10-17",
    Statement: [{
      Sid: "WafLogDeliveryOfThisAccount",
      Effect: "Allow",
      Principal: { Service: "delivery.logs.amazonaws.com" },
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: i.logStreamsArn,
      Condition: {
        StringEquals: { "aws:SourceAccount": i.accountId },
        ArnLike: { "aws:SourceArn": i.logsArnPattern },
      },
    }],
  };
}
