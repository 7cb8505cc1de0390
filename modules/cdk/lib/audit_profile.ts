/**
 * The audit trail's security profile (modules/audit in Terraform), described once for the CDK
 * construct and the CloudFormation generator: the trail itself (log file validation, KMS, every
 * management event, S3 data events on the data buckets, CloudWatch Logs delivery), its key's
 * service statements, its locked-down bucket and the delivery role. Like security_profile.ts,
 * each builder returns CloudFormation-cased properties and takes what varies (values and tokens
 * in the CDK, intrinsics in the template); tests/parity compares all three flavours. Pure.
 * @module
 */

import { logBucketProperties, tlsOnlyStatements } from "./security_profile.ts";

/** A CloudFormation value as either flavour builds it (a value, a token, an intrinsic). */
type Value = unknown;

/** The trail's name, and the prefix of its bucket, log group and role: `<name>-audit`. */
export const trailName = (name: string): string => `${name}-audit`;

/** Description of the trail's KMS key (after `<name>: `), as modules/audit writes it. */
export const TRAIL_KEY_DESCRIPTION = "CloudTrail audit trail (log files and its log group)";

/** Sid of the key statement that lets CloudWatch Logs use the key for the trail's group only. */
export const TRAIL_LOGS_SID = "CloudWatchLogsOfTheTrailLogGroupOnly";

/**
 * CloudTrail may encrypt log files and describe the key for this trail only (aws:SourceArn);
 * readers decrypt through IAM (the account statement), so no decrypt grant here.
 */
export function trailKeyStatements(i: {
  trailArn: Value;
  trailArnPattern: Value;
}): Record<string, Value>[] {
  return [
    {
      Sid: "CloudTrailEncryptsThisTrailsLogFilesOnly",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "kms:GenerateDataKey*",
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceArn": i.trailArn },
        StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": i.trailArnPattern },
      },
    },
    {
      Sid: "CloudTrailDescribesTheKeyForThisTrailOnly",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "kms:DescribeKey",
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceArn": i.trailArn } },
    },
  ];
}

/**
 * The trail's bucket: private, owner-enforced, versioned, SSE-KMS with the trail's key, files
 * expired after `retentionDays`; `logging` is the flavour's optional LoggingConfiguration.
 */
export function trailBucketProperties(i: {
  bucketName: Value;
  keyArn: Value;
  retentionDays: Value;
  logging: Value;
}): Record<string, Value> {
  return {
    ...logBucketProperties({
      bucketName: i.bucketName,
      encryption: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: i.keyArn },
      lifecycleRuleId: "expire-trail-files",
      retentionDays: i.retentionDays,
    }),
    LoggingConfiguration: i.logging,
  };
}

/** The bucket's policy: TLS ≥ 1.2 only; CloudTrail reads the ACL and writes for this trail only. */
export function trailBucketPolicy(i: {
  bucketArn: Value;
  bucketObjectsArn: Value;
  writeArn: Value;
  trailArn: Value;
}): Record<string, Value> {
  return {
    Version: "2012-10-17",
    Statement: [
      ...tlsOnlyStatements(i.bucketArn, i.bucketObjectsArn),
      {
        Sid: "CloudTrailAclCheckForThisTrailOnly",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:GetBucketAcl",
        Resource: i.bucketArn,
        Condition: { StringEquals: { "aws:SourceArn": i.trailArn } },
      },
      {
        Sid: "CloudTrailWritesThisTrailsFilesOnly",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: i.writeArn,
        Condition: {
          StringEquals: {
            "aws:SourceArn": i.trailArn,
            "s3:x-amz-acl": "bucket-owner-full-control",
          },
        },
      },
    ],
  };
}

/** The delivery role's trust: CloudTrail, for this trail of this account only. */
export function deliveryRoleTrust(i: { trailArn: Value; accountId: Value }): Record<string, Value> {
  return {
    Version: "2012-10-17",
    Statement: [{
      Sid: "CloudTrailOfThisTrailOnly",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: {
        StringEquals: { "aws:SourceArn": i.trailArn, "aws:SourceAccount": i.accountId },
      },
    }],
  };
}

/** The delivery role may only add to the trail's streams (`<account>_CloudTrail_<region>`). */
export function deliveryRolePolicy(i: { streamsArn: Value }): Record<string, Value> {
  return {
    Version: "2012-10-17",
    Statement: [{
      Sid: "StreamsOfTheTrailLogGroupOnly",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: i.streamsArn,
    }],
  };
}

/** Name of the delivery role's inline policy. */
export const DELIVERY_POLICY_NAME = "deliver-to-the-trail-log-group";

/**
 * Every management event, read and write, no event source excluded: STS AssumeRole (the user's
 * session, with its source identity), Athena, Glue, IAM and KMS are all management events.
 */
export const MANAGEMENT_EVENTS = {
  Name: "Management events (STS, Athena, Glue, IAM, KMS and every other service)",
  FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }],
} as const;

/** The selector's name for each choice of `audit_s3_data_events`. */
export const DATA_EVENTS_NAMES: Readonly<Record<string, string>> = {
  all: "S3 object reads and writes on the data buckets",
  read: "S3 object reads on the data buckets",
  write: "S3 object writes on the data buckets",
};

/** `readOnly` for read and write (all records both, so no selector on readOnly). */
export const READ_ONLY: Readonly<Record<string, string>> = { read: "true", write: "false" };

/**
 * S3 data events on the data buckets' objects: `objectArnPrefixes` is the list of
 * `arn:<partition>:s3:::<bucket>/`, `readOnly` the flavour's optional readOnly field selector.
 */
export function dataEventsSelector(i: {
  name: Value;
  objectArnPrefixes: Value;
  readOnly: Value;
}): Record<string, Value> {
  return {
    Name: i.name,
    FieldSelectors: [
      { Field: "eventCategory", Equals: ["Data"] },
      { Field: "resources.type", Equals: ["AWS::S3::Object"] },
      { Field: "resources.ARN", StartsWith: i.objectArnPrefixes },
      i.readOnly,
    ],
  };
}

/** The trail: log file validation and KMS always on, delivered to S3 and CloudWatch Logs. */
export function trailProperties(i: {
  trailName: Value;
  bucketName: Value;
  keyArn: Value;
  multiRegion: Value;
  logGroupStreamsArn: Value;
  roleArn: Value;
  selectors: Value;
}): Record<string, Value> {
  return {
    TrailName: i.trailName,
    S3BucketName: i.bucketName,
    KMSKeyId: i.keyArn,
    EnableLogFileValidation: true,
    IsLogging: true,
    IsMultiRegionTrail: i.multiRegion,
    IncludeGlobalServiceEvents: true,
    // The API wants the group's ARN with :* (its log streams).
    CloudWatchLogsLogGroupArn: i.logGroupStreamsArn,
    CloudWatchLogsRoleArn: i.roleArn,
    AdvancedEventSelectors: i.selectors,
  };
}

/**
 * checkov's CKV_AWS_18 (S3 access logging) on the trail's bucket when no access-logs bucket is
 * named: the CDK construct adds it only then, the CloudFormation template always (one template
 * serves both cases). Terraform's checkov follows the optional aws_s3_bucket_logging instead.
 */
export const BUCKET_ACCESS_LOGS_SKIP = {
  id: "CKV_AWS_18",
  comment:
    "Server access logging of the audit trail's bucket needs an existing bucket the operator names (AuditAccessLogsBucket / auditAccessLogsBucket, Terraform access_logs_bucket); without one there is no bucket of the right kind to log to.",
} as const;

/**
 * checkov's CKV_AWS_67 (multi-region trail): on the CloudFormation template always (checkov
 * cannot evaluate the AuditMultiRegion parameter and reports the Fn::If), in the CDK construct
 * only when auditMultiRegion is false.
 */
export const MULTI_REGION_SKIP = {
  id: "CKV_AWS_67",
  comment:
    "The trail is multi-region by default (AuditMultiRegion / auditMultiRegion true, as Terraform's multi_region; tests/parity asserts it in every flavour); a single-region trail is the operator's explicit choice, documented as recording this region's events only. checkov cannot evaluate the CloudFormation parameter and reports its Fn::If.",
} as const;
