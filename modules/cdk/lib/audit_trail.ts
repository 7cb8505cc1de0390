/**
 * The construct's audit trail (`createAuditTrail`): the resources of the Terraform module
 * modules/audit as L1 resources, with the properties of audit_profile.ts. Kept apart from
 * quilt_mcp_server.ts, which calls it once.
 * @module
 */
import { Aws, CfnOutput, RemovalPolicy } from "aws-cdk-lib";
import * as cloudtrail from "aws-cdk-lib/aws-cloudtrail";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import * as audit from "./audit_profile.ts";
import { toCdkProps } from "./cfn_case.ts";
import * as profile from "./security_profile.ts";

/** What the trail needs from the construct's validated props. */
export interface AuditTrailInputs {
  readonly name: string;
  readonly multiRegion: boolean;
  readonly s3DataEvents: string;
  readonly dataBuckets: readonly string[];
  readonly logRetentionInDays: number;
  readonly bucketRetentionInDays: number;
  readonly accessLogsBucket?: string;
  readonly kmsDeletionWindowInDays: number;
  /** What happens to the key, log group and bucket when the stack is deleted or replaces them. */
  readonly dataPolicy: RemovalPolicy;
}

/** Adds the trail, its key, bucket, log group and delivery role to `scope`. */
export function addAuditTrail(scope: Construct, i: AuditTrailInputs): void {
  const partition = Aws.PARTITION;
  const account = Aws.ACCOUNT_ID;
  const region = Aws.REGION;
  const trailName = audit.trailName(i.name);
  // Built, not read from the trail: the key, bucket policy and role name the trail, which uses them.
  const trailArn = `arn:${partition}:cloudtrail:${region}:${account}:trail/${trailName}`;
  const bucketName = `${trailName}-${account}-${region}`;
  const logGroupName = `/aws/cloudtrail/${trailName}`;
  const logGroupArn = `arn:${partition}:logs:${region}:${account}:log-group:${logGroupName}`;

  const key = new kms.CfnKey(
    scope,
    "AuditKey",
    toCdkProps(profile.kmsKeyProperties({
      description: `${i.name}: ${audit.TRAIL_KEY_DESCRIPTION}`,
      deletionWindowInDays: i.kmsDeletionWindowInDays,
      accountRootArn: `arn:${partition}:iam::${account}:root`,
      statements: [
        profile.logsKeyStatement(audit.TRAIL_LOGS_SID, {
          logsServicePrincipal: `logs.${region}.${Aws.URL_SUFFIX}`,
          groupArn: logGroupArn,
        }),
        ...audit.trailKeyStatements({
          trailArn,
          trailArnPattern: `arn:${partition}:cloudtrail:*:${account}:trail/*`,
        }),
      ],
    })),
  );
  key.applyRemovalPolicy(i.dataPolicy);
  new kms.CfnAlias(scope, "AuditKeyAlias", {
    aliasName: `alias/${trailName}`,
    targetKeyId: key.ref,
  });

  const bucket = new s3.CfnBucket(
    scope,
    "AuditBucket",
    toCdkProps(audit.trailBucketProperties({
      bucketName,
      keyArn: key.attrArn,
      retentionDays: i.bucketRetentionInDays,
      logging: i.accessLogsBucket === undefined ? undefined : {
        DestinationBucketName: i.accessLogsBucket,
        LogFilePrefix: `s3-access/${bucketName}/`,
      },
    })),
  );
  bucket.applyRemovalPolicy(i.dataPolicy);
  if (i.accessLogsBucket === undefined) {
    bucket.addMetadata("checkov", { skip: [audit.BUCKET_ACCESS_LOGS_SKIP] });
  }
  const bucketPolicy = new s3.CfnBucketPolicy(scope, "AuditBucketPolicy", {
    bucket: bucket.ref,
    // The bucket's own ARN attribute (not the name-built ARN): cdk-nag then sees that the TLS-only
    // statements cover this bucket (AwsSolutions-S10, NIST S3BucketSSLRequestsOnly).
    policyDocument: audit.trailBucketPolicy({
      bucketArn: bucket.attrArn,
      bucketObjectsArn: `${bucket.attrArn}/*`,
      // CloudTrail writes under AWSLogs/<account>/ (no key prefix).
      writeArn: `${bucket.attrArn}/AWSLogs/${account}/*`,
      trailArn,
    }),
  });

  const logGroup = new logs.CfnLogGroup(scope, "AuditLogGroup", {
    logGroupName,
    retentionInDays: i.logRetentionInDays === 0 ? undefined : i.logRetentionInDays,
    kmsKeyId: key.attrArn,
  });
  logGroup.applyRemovalPolicy(i.dataPolicy);
  const role = new iam.CfnRole(scope, "AuditDeliveryRole", {
    roleName: `${trailName}-cloudwatch`,
    description: `CloudTrail ${trailName}: deliver events to ${logGroupName} only`,
    assumeRolePolicyDocument: audit.deliveryRoleTrust({ trailArn, accountId: account }),
    policies: [{
      policyName: audit.DELIVERY_POLICY_NAME,
      policyDocument: audit.deliveryRolePolicy({
        streamsArn: `${logGroupArn}:log-stream:${account}_CloudTrail_*`,
      }),
    }],
  });

  const readOnly = audit.READ_ONLY[i.s3DataEvents];
  const selectors = [
    audit.MANAGEMENT_EVENTS,
    ...(i.dataBuckets.length === 0 ? [] : [audit.dataEventsSelector({
      name: audit.DATA_EVENTS_NAMES[i.s3DataEvents],
      objectArnPrefixes: i.dataBuckets.map((b) => `arn:${partition}:s3:::${b}/`),
      readOnly: readOnly === undefined ? undefined : { Field: "readOnly", Equals: [readOnly] },
    })]),
  ].map((s) => ({
    ...s,
    // "all" has no readOnly selector: drop the slot.
    FieldSelectors: (s.FieldSelectors as readonly unknown[]).filter((f) => f !== undefined),
  }));
  const trail = new cloudtrail.CfnTrail(
    scope,
    "AuditTrail",
    toCdkProps(audit.trailProperties({
      trailName,
      bucketName: bucket.ref,
      keyArn: key.attrArn,
      multiRegion: i.multiRegion,
      logGroupStreamsArn: `${logGroupArn}:*`,
      roleArn: role.attrArn,
      selectors,
    })),
  );
  if (!i.multiRegion) trail.addMetadata("checkov", { skip: [audit.MULTI_REGION_SKIP] });
  // CloudTrail checks at creation that it can write to both destinations.
  trail.node.addDependency(bucketPolicy, logGroup);

  new CfnOutput(scope, "AuditTrailLogGroupName", {
    value: logGroup.ref,
    description:
      "CloudWatch log group of the audit trail ($TRAIL_LOG_GROUP of runbooks/audit-trail.md)",
  });
}
