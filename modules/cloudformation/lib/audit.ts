/**
 * The template's audit trail (CreateAuditTrail): the resources of the Terraform module
 * modules/audit, with the properties of modules/cdk/lib/audit_profile.ts, each behind the
 * condition `AuditTrail`. Data (key, bucket, log group) is retained like the template's other
 * data (RetainDataOnDelete). Kept apart from template.ts, which calls it once. Pure.
 * @module
 */
import * as audit from "../../cdk/lib/audit_profile.ts";
import * as profile from "../../cdk/lib/security_profile.ts";
import { type Cfn, cond, equals, getAtt, iff, NO_VALUE, ref, sub } from "./intrinsics.ts";

/** What the generator lends: resource and condition registration, parameters, conditions. */
export interface TemplateParts {
  readonly add: (
    id: string,
    type: string,
    properties: Record<string, unknown>,
    extra?: object,
  ) => void;
  readonly addCondition: (name: string, expression: Cfn) => string;
  /** `Ref` of a table parameter by canonical name. */
  readonly P: (name: string) => Cfn;
  /** Name of the condition "this optional parameter is set". */
  readonly has: (name: string) => string;
  /** Name of the condition "this boolean parameter is true". */
  readonly is: (name: string) => string;
  /** `arn:<partition>:s3:::<bucket>/` for each of the buckets parameter's buckets. */
  readonly objectArnPrefixes: Cfn;
  /** DeletionPolicy and UpdateReplacePolicy of retained data (RetainDataOnDelete). */
  readonly retain: Readonly<Record<string, Cfn>>;
}

/** Adds the trail, its key, bucket, log group and delivery role; returns the outputs. */
export function addAuditTrail(t: TemplateParts): Record<string, unknown> {
  const on = t.addCondition("AuditTrail", cond(t.is("create_audit_trail")));
  const name = t.P("name");
  const vars = { Name: name };
  const trailName = sub("${Name}-audit", vars);
  // Built, not read from the trail: the key, bucket policy and role name the trail, which uses them.
  const trailArn = sub(
    "arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/${Name}-audit",
    vars,
  );
  const bucketName = sub("${Name}-audit-${AWS::AccountId}-${AWS::Region}", vars);
  const logGroupName = sub("/aws/cloudtrail/${Name}-audit", vars);
  const logGroupArn = sub(
    "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/cloudtrail/${Name}-audit",
    vars,
  );
  const keyArn = getAtt("AuditKey", "Arn");
  const withGroup = (suffix: string) => sub(`\${Group}${suffix}`, { Group: logGroupArn });

  t.add(
    "AuditKey",
    "AWS::KMS::Key",
    profile.kmsKeyProperties({
      description: sub(`\${Name}: ${audit.TRAIL_KEY_DESCRIPTION}`, vars),
      deletionWindowInDays: t.P("kms_deletion_window_in_days"),
      accountRootArn: sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"),
      statements: [
        profile.logsKeyStatement(audit.TRAIL_LOGS_SID, {
          logsServicePrincipal: sub("logs.${AWS::Region}.${AWS::URLSuffix}"),
          groupArn: logGroupArn,
        }),
        ...audit.trailKeyStatements({
          trailArn,
          trailArnPattern: sub("arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*"),
        }),
      ],
    }),
    { Condition: on, ...t.retain },
  );
  t.add("AuditKeyAlias", "AWS::KMS::Alias", {
    AliasName: sub("alias/${Name}-audit", vars),
    TargetKeyId: ref("AuditKey"),
  }, { Condition: on });

  const logging = t.addCondition("AuditAccessLogging", cond(t.has("audit_access_logs_bucket")));
  t.add(
    "AuditBucket",
    "AWS::S3::Bucket",
    audit.trailBucketProperties({
      bucketName,
      keyArn,
      retentionDays: t.P("audit_bucket_retention_in_days"),
      logging: iff(logging, {
        DestinationBucketName: t.P("audit_access_logs_bucket"),
        LogFilePrefix: sub("s3-access/${Bucket}/", { Bucket: bucketName }),
      }),
    }),
    {
      Condition: on,
      ...t.retain,
      Metadata: { checkov: { skip: [audit.BUCKET_ACCESS_LOGS_SKIP] } },
    },
  );
  t.add("AuditBucketPolicy", "AWS::S3::BucketPolicy", {
    Bucket: ref("AuditBucket"),
    // The bucket's own ARN attribute, as the CDK construct writes it (see audit_trail.ts).
    PolicyDocument: audit.trailBucketPolicy({
      bucketArn: getAtt("AuditBucket", "Arn"),
      bucketObjectsArn: sub("${AuditBucket.Arn}/*"),
      // CloudTrail writes under AWSLogs/<account>/ (no key prefix).
      writeArn: sub("${AuditBucket.Arn}/AWSLogs/${AWS::AccountId}/*"),
      trailArn,
    }),
  }, { Condition: on });

  const forever = t.addCondition(
    "AuditLogsForever",
    equals(t.P("audit_log_retention_in_days"), 0),
  );
  t.add("AuditLogGroup", "AWS::Logs::LogGroup", {
    LogGroupName: logGroupName,
    RetentionInDays: iff(forever, NO_VALUE, t.P("audit_log_retention_in_days")),
    KmsKeyId: keyArn,
  }, { Condition: on, ...t.retain });
  t.add("AuditDeliveryRole", "AWS::IAM::Role", {
    RoleName: sub("${Name}-audit-cloudwatch", vars),
    Description: sub(
      "CloudTrail ${Name}-audit: deliver events to /aws/cloudtrail/${Name}-audit only",
      vars,
    ),
    AssumeRolePolicyDocument: audit.deliveryRoleTrust({
      trailArn,
      accountId: ref("AWS::AccountId"),
    }),
    Policies: [{
      PolicyName: audit.DELIVERY_POLICY_NAME,
      PolicyDocument: audit.deliveryRolePolicy({
        streamsArn: withGroup(":log-stream:${AWS::AccountId}_CloudTrail_*"),
      }),
    }],
  }, { Condition: on });

  // S3 data events only with buckets; "all" has no readOnly selector, read and write one each.
  const dataEvents = t.addCondition("AuditDataEvents", cond(t.has("buckets")));
  const all = t.addCondition("AuditAllDataEvents", equals(t.P("audit_s3_data_events"), "all"));
  const read = t.addCondition("AuditReadDataEvents", equals(t.P("audit_s3_data_events"), "read"));
  const pick = (by: Readonly<Record<string, string>>) =>
    iff(all, by.all, iff(read, by.read, by.write));
  t.add(
    "AuditTrail",
    "AWS::CloudTrail::Trail",
    audit.trailProperties({
      trailName,
      bucketName: ref("AuditBucket"),
      keyArn,
      multiRegion: iff(t.is("audit_multi_region"), true, false),
      logGroupStreamsArn: withGroup(":*"),
      roleArn: getAtt("AuditDeliveryRole", "Arn"),
      selectors: [
        audit.MANAGEMENT_EVENTS,
        iff(
          dataEvents,
          audit.dataEventsSelector({
            name: pick(audit.DATA_EVENTS_NAMES),
            objectArnPrefixes: t.objectArnPrefixes,
            readOnly: iff(all, NO_VALUE, {
              Field: "readOnly",
              Equals: [iff(read, audit.READ_ONLY.read, audit.READ_ONLY.write)],
            }),
          }),
        ),
      ],
    }),
    {
      Condition: on,
      // CloudTrail checks at creation that it can write to both destinations.
      DependsOn: ["AuditBucketPolicy", "AuditLogGroup"],
      Metadata: { checkov: { skip: [audit.MULTI_REGION_SKIP] } },
    },
  );
  return {
    AuditTrailLogGroupName: {
      Condition: on,
      Description:
        "CloudWatch log group of the audit trail ($TRAIL_LOG_GROUP of runbooks/audit-trail.md)",
      Value: ref("AuditLogGroup"),
    },
  };
}
