/**
 * The cdk-nag findings this construct acknowledges, each with its reason, applied to its own
 * resources so an application running the AwsSolutions and NIST 800-53 R5 packs sees no
 * unacknowledged finding. Wildcard resources in IAM policies are acknowledged one by one (cdk-nag
 * v3 matches findings exactly), each classified by why it is the narrowest scope; a wildcard
 * this file cannot classify stays a finding. tests/parity proves every acknowledgement matches a
 * finding and every finding is acknowledged.
 * @module
 */
import { CfnResource, Stack, Validations } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as iam from "aws-cdk-lib/aws-iam";
import * as s3 from "aws-cdk-lib/aws-s3";
import type { IConstruct } from "constructs";

/** One acknowledgement: the finding id, the construct it applies to (by id) and why. */
export interface Acknowledgement {
  readonly id: string;
  readonly construct: string;
  readonly reason: string;
}

/** A bucket that logs its server access nowhere (no access-logs bucket was named). */
const withoutAccessLogging = (r: CfnResource) =>
  Stack.of(r).resolve((r as s3.CfnBucket).loggingConfiguration) === undefined;

/** Fixed acknowledgements: construct id (`*` ends a prefix, for numbered ones) → findings and reasons. */
const FIXED: readonly {
  on: string;
  id: string;
  reason: string;
  when?: (r: CfnResource) => boolean;
}[] = [
  {
    on: "AlbIngress*",
    id: "AwsSolutions-EC23",
    reason:
      "Who may reach the endpoint is the operator's ingress_cidr_blocks / ingress_ipv6_cidr_blocks choice (a public MCP endpoint needs 0.0.0.0/0); only 443 and the optional 80→443 redirect are open, behind the WAF web ACL.",
    when: (r) => {
      const p = Stack.of(r).resolve(
        (r as ec2.CfnSecurityGroupIngress).cidrIp ??
          (r as ec2.CfnSecurityGroupIngress).cidrIpv6,
      );
      return p === "0.0.0.0/0" || p === "::/0";
    },
  },
  {
    on: "AccessLogsBucket",
    id: "AwsSolutions-S1",
    reason:
      "This bucket receives the load balancer's access logs; logging its own access would need another bucket of the same kind (Terraform skips CKV_AWS_18 for the same reason).",
  },
  {
    on: "AccessLogsBucket",
    id: "NIST.800.53.R5-S3BucketLoggingEnabled",
    reason:
      "This bucket receives the load balancer's access logs; logging its own access would need another bucket of the same kind (Terraform skips CKV_AWS_18 for the same reason).",
  },
  {
    on: "AccessLogsBucket",
    id: "NIST.800.53.R5-S3BucketReplicationEnabled",
    reason:
      "Cross-region replication of access logs is an organisation-wide choice (a replica bucket and role in another region), not made by this construct (Terraform: CKV_AWS_144).",
  },
  {
    on: "AccessLogsBucket",
    id: "NIST.800.53.R5-S3DefaultEncryptionKMS",
    reason:
      "Application Load Balancer access logs can only be written to buckets encrypted with SSE-S3 (AES256); SSE-KMS is not supported for this destination (Terraform: CKV_AWS_145).",
  },
  {
    on: "HttpRedirectListener",
    id: "NIST.800.53.R5-ELBv2ACMCertificateRequired",
    reason:
      "Port 80 only answers with a 301 redirect to HTTPS (created only when httpRedirect is true); the ACM certificate is on the HTTPS listener, where TLS applies.",
  },
  {
    on: "TaskDefinition",
    id: "AwsSolutions-ECS2",
    reason:
      "Only non-secret server settings are plain environment variables (the parameter table refuses secret-looking names in extra_environment); every secret reaches the container through secrets/valueFrom.",
  },
  {
    on: "AuditBucket",
    id: "AwsSolutions-S1",
    reason:
      "Server access logging of the audit trail's bucket goes to an existing bucket the operator names (auditAccessLogsBucket, as Terraform's access_logs_bucket); without one there is no bucket of the right kind to log to. Reads of the trail's files are themselves CloudTrail data events when the organisation records them.",
    when: withoutAccessLogging,
  },
  {
    on: "AuditBucket",
    id: "NIST.800.53.R5-S3BucketLoggingEnabled",
    reason:
      "Server access logging of the audit trail's bucket goes to an existing bucket the operator names (auditAccessLogsBucket, as Terraform's access_logs_bucket); without one there is no bucket of the right kind to log to.",
    when: withoutAccessLogging,
  },
  {
    on: "AuditBucket",
    id: "NIST.800.53.R5-S3BucketReplicationEnabled",
    reason:
      "Cross-region replication of the trail's files is an organisation-wide choice (a replica bucket, key and role in another region, usually a log archive account), not made by this construct (Terraform: CKV_AWS_144).",
  },
  {
    on: "AuditDeliveryRole",
    id: "NIST.800.53.R5-IAMNoInlinePolicy",
    reason:
      "The delivery policy lets CloudTrail add events to this trail's log group only; inline keeps it bound to this one role so it cannot be attached elsewhere (the Terraform module uses aws_iam_role_policy likewise).",
  },
  {
    on: "ExecutionRole",
    id: "NIST.800.53.R5-IAMNoInlinePolicy",
    reason:
      "The execution policy grants exactly this service's image, log group and container secrets; inline keeps it bound to this one role so it cannot be attached elsewhere (the Terraform module uses aws_iam_role_policy likewise).",
  },
];

/** Why a wildcard IAM resource is the narrowest scope, or undefined if it is not understood. */
function wildcardReason(
  resource: string,
  actions: readonly string[],
): string | undefined {
  if (
    resource === "*" && actions.every((a) => a === "ecr:GetAuthorizationToken")
  ) {
    return "ecr:GetAuthorizationToken has no resource-level permissions: IAM accepts only Resource '*'.";
  }
  if (resource === "*" && actions.every((a) => a === "s3:ListAllMyBuckets")) {
    return "s3:ListAllMyBuckets (bucket_list) has no resource type: IAM accepts only Resource '*' (policies/index.json, unscopable).";
  }
  if (resource === "*" && actions.every((a) => a === "athena:ListWorkGroups")) {
    return "athena:ListWorkGroups (resource athena://workgroups) has no resource type: IAM accepts only Resource '*' (policies/index.json, unscopable).";
  }
  // Quilt names a stack's Tabulator data catalog quilt-<stack>-tabulator; only GetDataCatalog.
  if (
    /:athena:([a-z0-9-]+|<AWS::Region>):(\d{12}|<AWS::AccountId>):datacatalog\/quilt-\*-tabulator$/
      .test(resource) &&
    actions.every((a) => a === "athena:GetDataCatalog")
  ) {
    return "tabulator_query may use only the Quilt stack's Tabulator data catalog (quilt-<stack>-tabulator, policies/README.md, athena); the stack name is the deployment's, so the middle is a wildcard.";
  }
  if (
    /:log-group:\/aws\/cloudtrail\/[^*]+:log-stream:[^*]+_CloudTrail_\*$/.test(resource) &&
    actions.every((a) => a === "logs:CreateLogStream" || a === "logs:PutLogEvents")
  ) {
    return "CloudTrail names its log streams <account>_CloudTrail_<region>, one per region a multi-region trail records; the grant is limited to the trail's own log group and that naming.";
  }
  if (/:log-group:[^*]+:log-stream:\*$/.test(resource)) {
    return "ECS creates one log stream per task at run time; the grant is limited to this service's own log group.";
  }
  if (/:s3:::[^*/]+\/.*\*$/.test(resource)) {
    return "Object-level S3 actions are scoped to the configured buckets and the key prefixes the tools need (policies/README.md); object keys are chosen at run time, so the key part ends in a wildcard.";
  }
  if (/:iam::\d{12}:role\/[^*]*\*/.test(resource)) {
    return "The allow-listed data roles (allowed_role_arns) may name a role prefix with '*', as the server's own allow-list does; the task role can use nothing else.";
  }
  // Region and account are concrete or the stack's pseudo parameters (`<AWS::Region>`).
  if (
    /:glue:([a-z0-9-]+|<AWS::Region>):(\d{12}|<AWS::AccountId>):table\/[^/*]+\/\*$/.test(resource)
  ) {
    return "The athena category may read every table of the configured Glue databases (policies/README.md, athena).";
  }
  return undefined;
}

/** A CloudFormation value flattened the way cdk-nag names findings (`<AWS::Partition>`). */
export function flattenReference(node: unknown): string {
  if (node === undefined) return "";
  if (typeof node === "string") {
    return node.replace(/\$\{/g, "<").replace(/\}/g, ">");
  }
  const o = node as Record<string, unknown>;
  if (o["Fn::Join"]) {
    const [delimiter, items] = o["Fn::Join"] as [string, unknown[]];
    return items.map(flattenReference).join(delimiter);
  }
  if (o["Fn::Sub"]) return flattenReference(o["Fn::Sub"]);
  if (o["Fn::GetAtt"]) {
    const [resource, attribute] = o["Fn::GetAtt"] as [unknown, unknown];
    return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
  }
  if (o["Fn::ImportValue"]) return flattenReference(o["Fn::ImportValue"]);
  if (o.Ref) return `<${flattenReference(o.Ref)}>`;
  return JSON.stringify(node);
}

const asArray = <T>(x: T | T[] | undefined): T[] =>
  x === undefined ? [] : Array.isArray(x) ? x : [x];

/** The IAM5 acknowledgements of one policy document (wildcard resources it can explain). */
function policyAcknowledgements(
  document: unknown,
): { id: string; reason: string }[] {
  const out: { id: string; reason: string }[] = [];
  const doc = document as { Statement?: Record<string, unknown>[] };
  for (const statement of doc.Statement ?? []) {
    if (statement.Effect !== "Allow") continue;
    const actions = asArray(statement.Action as string | string[]);
    for (const resource of asArray(statement.Resource).map(flattenReference)) {
      if (!resource.includes("*")) continue;
      const reason = wildcardReason(resource, actions);
      if (reason !== undefined) {
        out.push({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
      }
    }
  }
  return out;
}

/**
 * Every acknowledgement that applies to the construct's resources as built: the fixed ones
 * whose construct exists, plus one per explainable wildcard resource of its IAM policies.
 */
export function acknowledgementsFor(scope: IConstruct): Acknowledgement[] {
  const out: Acknowledgement[] = [];
  const stack = Stack.of(scope);
  for (const child of scope.node.children) {
    const resource = child instanceof CfnResource ? child : undefined;
    if (resource === undefined) continue;
    const id = child.node.id;
    for (const fixed of FIXED) {
      const matches = fixed.on.endsWith("*")
        ? id.startsWith(fixed.on.slice(0, -1))
        : id === fixed.on;
      if (matches && (fixed.when === undefined || fixed.when(resource))) {
        out.push({ id: fixed.id, construct: id, reason: fixed.reason });
      }
    }
    const documents: unknown[] = [];
    if (resource instanceof iam.CfnRole) {
      for (
        const p of asArray(stack.resolve(resource.policies)) as {
          policyDocument: unknown;
        }[]
      ) {
        documents.push(stack.resolve(p.policyDocument));
      }
    }
    if (
      resource instanceof iam.CfnManagedPolicy ||
      resource instanceof iam.CfnPolicy
    ) {
      documents.push(stack.resolve(resource.policyDocument));
    }
    const seen = new Set<string>();
    for (const ack of documents.flatMap(policyAcknowledgements)) {
      if (seen.has(ack.id)) continue;
      seen.add(ack.id);
      out.push({ ...ack, construct: id });
    }
  }
  return out;
}

/** Applies {@linkcode acknowledgementsFor} to the construct's resources. */
export function acknowledgeFindings(scope: IConstruct): Acknowledgement[] {
  const acks = acknowledgementsFor(scope);
  for (const ack of acks) {
    Validations.of(scope.node.findChild(ack.construct)).acknowledge({
      id: ack.id,
      reason: ack.reason,
    });
  }
  return acks;
}
