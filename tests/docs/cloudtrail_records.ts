/**
 * CloudTrail records, in the format AWS documents, of the AWS calls a test run really made: the
 * recording proxy in front of the emulator saw every request the server sent (who signed it, what
 * it asked for, its user agent, when), and the emulator's STS answers say which temporary access key
 * belongs to which role session. From those this module writes the event CloudTrail would deliver
 * for each call, attributing it the way CloudTrail does: by the access key that signed it. A call
 * the server signed with the wrong principal's credentials would therefore show up under that
 * principal here, as it would in CloudTrail.
 *
 * Where each field comes from:
 * - documented schema (AWS CloudTrail User Guide, "CloudTrail record contents" and "CloudTrail
 *   userIdentity element"; IAM User Guide, "Monitor and control actions taken with assumed roles"
 *   for `sessionContext.sourceIdentity` and the AssumeRole `requestParameters`; Amazon S3 User
 *   Guide, CloudTrail log file entries, for S3 data events: `requestParameters.bucketName`/`key`,
 *   `resources` of type AWS::S3::Object and AWS::S3::Bucket, the user agent in brackets,
 *   `eventCategory` "Data"): the shape and the constant values;
 * - the recorded request: `eventName`, `eventSource`, `requestParameters`, `userAgent`,
 *   `userIdentity.accessKeyId`, `eventTime` (the proxy's clock; CloudTrail keeps seconds), `readOnly`;
 * - the emulator's answers: the session's `assumedRoleId`, `arn` and access key (AssumeRole
 *   `responseElements`, then `userIdentity` of every call signed with that key), `requestID`, and
 *   `errorCode` of a refused call;
 * - AssumeRole's own request: `sessionContext.sourceIdentity` of every later call of the session
 *   (AWS: the source identity is present on every action taken during the role session);
 * - fixture constants, because nothing local can observe them: `eventVersion`, `eventID`,
 *   `sourceIPAddress` (the task's address), the ECS task role session that calls AssumeRole, and the
 *   CloudWatch Logs fields (`@log`, `@logStream` named `<account>_CloudTrail_<region>` as CloudTrail
 *   names its streams, `@timestamp` set to `eventTime`).
 * @module
 */
import type { RecordedRequest } from "../harness/mod.ts";
import { type LogRecord, toRecord } from "./logs_insights.ts";

/** The deployment the records describe. */
export interface TrailContext {
  readonly account: string;
  readonly region: string;
  /** CloudWatch Logs group the trail delivers to (any name; the runbook's TRAIL_LOG_GROUP). */
  readonly logGroup: string;
  /** The role the ECS task runs as (it calls AssumeRole). */
  readonly taskRoleName: string;
}

/** Fixture: the ECS task's session as CloudTrail would name it (role session name = task id). */
const TASK_SESSION = "0123456789abcdef0123456789abcdef";
const TASK_ROLE_ID = "AROAEXAMPLETASKROLE1";
const TASK_IP = "10.0.1.23";
const EVENT_VERSION = "1.11";

interface Session {
  readonly roleArn: string;
  readonly roleName: string;
  readonly roleId: string;
  readonly sessionArn: string;
  readonly assumedRoleId: string;
  readonly sourceIdentity: string | undefined;
  readonly creationDate: string;
}

/** CloudTrail times are UTC to the second. */
function eventTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function xmlValue(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
}

function errorOf(r: RecordedRequest): { errorCode: string; errorMessage: string } | undefined {
  const response = r.response;
  if (!response || response.status < 400) return undefined;
  const code = response.errorCode ?? xmlValue(response.body ?? "", "Code") ??
    String(response.status);
  const message = code === "AccessDenied" ? "Access Denied" : code;
  return { errorCode: code, errorMessage: message };
}

/** Sessions created by successful AssumeRole calls, by their temporary access key id. */
function sessionsOf(requests: readonly RecordedRequest[]): Map<string, Session> {
  const sessions = new Map<string, Session>();
  for (const r of requests) {
    if (r.action !== "AssumeRole" || r.response?.status !== 200 || !r.response.body) continue;
    const body = r.response.body;
    const accessKeyId = xmlValue(body, "AccessKeyId");
    const assumedRoleId = xmlValue(body, "AssumedRoleId");
    const sessionArn = xmlValue(body, "Arn");
    const roleArn = r.params.get("RoleArn");
    if (!accessKeyId || !assumedRoleId || !sessionArn || !roleArn) {
      throw new Error(`AssumeRole answer without credentials or user: ${body.slice(0, 300)}`);
    }
    sessions.set(accessKeyId, {
      roleArn,
      roleName: roleArn.split("/").at(-1)!,
      roleId: assumedRoleId.split(":")[0],
      sessionArn,
      assumedRoleId,
      sourceIdentity: r.params.get("SourceIdentity") ?? undefined,
      creationDate: eventTime(r.at),
    });
  }
  return sessions;
}

function assumedRoleIdentity(session: Session, accessKeyId: string, account: string) {
  return {
    type: "AssumedRole",
    principalId: session.assumedRoleId,
    arn: session.sessionArn,
    accountId: account,
    accessKeyId,
    sessionContext: {
      sessionIssuer: {
        type: "Role",
        principalId: session.roleId,
        arn: session.roleArn,
        accountId: account,
        userName: session.roleName,
      },
      attributes: { creationDate: session.creationDate, mfaAuthenticated: "false" },
      ...(session.sourceIdentity ? { sourceIdentity: session.sourceIdentity } : {}),
    },
  };
}

function taskRoleIdentity(ctx: TrailContext, accessKeyId: string | undefined) {
  const roleArn = `arn:aws:iam::${ctx.account}:role/${ctx.taskRoleName}`;
  return {
    type: "AssumedRole",
    principalId: `${TASK_ROLE_ID}:${TASK_SESSION}`,
    arn: `arn:aws:sts::${ctx.account}:assumed-role/${ctx.taskRoleName}/${TASK_SESSION}`,
    accountId: ctx.account,
    accessKeyId: accessKeyId ?? "ASIAEXAMPLETASKKEY01",
    sessionContext: {
      sessionIssuer: {
        type: "Role",
        principalId: TASK_ROLE_ID,
        arn: roleArn,
        accountId: ctx.account,
        userName: ctx.taskRoleName,
      },
      attributes: { creationDate: "2026-01-01T00:00:00Z", mfaAuthenticated: "false" },
    },
  };
}

function common(r: RecordedRequest, ctx: TrailContext) {
  return {
    eventVersion: EVENT_VERSION,
    eventTime: eventTime(r.at),
    awsRegion: ctx.region,
    sourceIPAddress: TASK_IP,
    requestID: r.response?.requestId ?? crypto.randomUUID().replaceAll("-", "").slice(0, 16),
    eventID: crypto.randomUUID(),
    eventType: "AwsApiCall",
    recipientAccountId: ctx.account,
  };
}

function tagsOf(params: URLSearchParams): Array<{ key: string; value: string }> {
  const tags = [];
  for (let i = 1; params.has(`Tags.member.${i}.Key`); i++) {
    tags.push({
      key: params.get(`Tags.member.${i}.Key`)!,
      value: params.get(`Tags.member.${i}.Value`)!,
    });
  }
  return tags;
}

function assumeRoleEvent(r: RecordedRequest, ctx: TrailContext) {
  const body = r.response?.body ?? "";
  const error = errorOf(r);
  const roleArn = r.params.get("RoleArn")!;
  return {
    ...common(r, ctx),
    userIdentity: taskRoleIdentity(ctx, r.accessKeyId),
    eventSource: "sts.amazonaws.com",
    eventName: "AssumeRole",
    userAgent: r.userAgent ?? "",
    ...(error ?? {}),
    requestParameters: {
      roleArn,
      roleSessionName: r.params.get("RoleSessionName"),
      durationSeconds: Number(r.params.get("DurationSeconds")),
      tags: tagsOf(r.params),
      ...(r.params.has("SourceIdentity") ? { sourceIdentity: r.params.get("SourceIdentity") } : {}),
    },
    responseElements: error ? null : {
      credentials: {
        accessKeyId: xmlValue(body, "AccessKeyId"),
        expiration: xmlValue(body, "Expiration"),
      },
      assumedRoleUser: {
        assumedRoleId: xmlValue(body, "AssumedRoleId"),
        arn: xmlValue(body, "Arn"),
      },
      ...(r.params.has("SourceIdentity") ? { sourceIdentity: r.params.get("SourceIdentity") } : {}),
    },
    readOnly: true,
    resources: [{ ARN: roleArn, accountId: ctx.account, type: "AWS::IAM::Role" }],
    managementEvent: true,
    eventCategory: "Management",
  };
}

/** The S3 API operation of a path-style REST request, with its bucket and key. */
function s3Operation(r: RecordedRequest) {
  const [, bucket, ...rest] = r.path.split("/");
  const key = rest.length > 0 ? decodeURIComponent(rest.join("/")) : "";
  // The SDK adds `x-id=<operation>`, `versionId` selects a version and a presigned URL carries its
  // signature and signed headers in `X-Amz-*`/`x-amz-*`: none of them is a subresource.
  const subresources = [...new URLSearchParams(r.search).keys()]
    .filter((k) => k !== "x-id" && k !== "versionId" && !/^x-amz-/i.test(k));
  if (bucket && key && subresources.length === 0) {
    const name = { GET: "GetObject", HEAD: "HeadObject", PUT: "PutObject" }[r.method];
    if (name) return { name, bucket, key };
  }
  throw new Error(
    `no documented CloudTrail event name for S3 ${r.method} ${r.path}${r.search}: extend ${import.meta.url}`,
  );
}

function s3DataEvent(r: RecordedRequest, session: Session, ctx: TrailContext) {
  const op = s3Operation(r);
  const error = errorOf(r);
  return {
    ...common(r, ctx),
    userIdentity: assumedRoleIdentity(session, r.accessKeyId!, ctx.account),
    eventSource: "s3.amazonaws.com",
    eventName: op.name,
    // S3 data events show the user agent in brackets (Amazon S3 User Guide examples).
    userAgent: `[${r.userAgent ?? ""}]`,
    ...(error ?? {}),
    requestParameters: {
      bucketName: op.bucket,
      Host: `${op.bucket}.s3.${ctx.region}.amazonaws.com`,
      key: op.key,
    },
    responseElements: null,
    additionalEventData: {
      SignatureVersion: "SigV4",
      // A presigned URL is signed in its query string.
      AuthenticationMethod: r.search.includes("X-Amz-Credential") ? "QueryString" : "AuthHeader",
      bytesTransferredIn: 0,
    },
    readOnly: r.method === "GET" || r.method === "HEAD",
    resources: [
      { type: "AWS::S3::Object", ARN: `arn:aws:s3:::${op.bucket}/${op.key}` },
      { accountId: ctx.account, type: "AWS::S3::Bucket", ARN: `arn:aws:s3:::${op.bucket}` },
    ],
    managementEvent: false,
    eventCategory: "Data",
  };
}

/** The CloudTrail events of the recorded requests, as JSON objects in the documented schema. */
export function cloudTrailEvents(
  requests: readonly RecordedRequest[],
  ctx: TrailContext,
): Record<string, unknown>[] {
  const sessions = sessionsOf(requests);
  const events: Record<string, unknown>[] = [];
  for (const r of requests) {
    if (r.action === "AssumeRole") {
      events.push(assumeRoleEvent(r, ctx));
      continue;
    }
    const session = r.accessKeyId ? sessions.get(r.accessKeyId) : undefined;
    if (!session) continue; // signed by the emulator's own keys (test set-up), not by the server
    if (r.action !== undefined) {
      throw new Error(`no CloudTrail event for ${r.action} in this fixture: extend it`);
    }
    events.push(s3DataEvent(r, session, ctx));
  }
  return events;
}

/** The events as Logs Insights sees them in the trail's CloudWatch Logs group. */
export function cloudTrailLogRecords(
  events: readonly Record<string, unknown>[],
  ctx: TrailContext,
): LogRecord[] {
  return events.map((e) => ({
    ...toRecord(JSON.stringify(e), `${ctx.account}_CloudTrail_${ctx.region}`)!,
    "@log": `${ctx.account}:${ctx.logGroup}`,
    "@timestamp": Date.parse(String(e.eventTime)),
  }));
}
