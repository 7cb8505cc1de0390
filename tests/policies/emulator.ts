/**
 * moto with IAM enforcement on, set up the way the deployment is: a stand-in for the MCP task role
 * holding the rendered task-role policy, per-category data roles whose trust policy is the
 * rendered data-role trust, and sessions obtained by AssumeRole with the server's session tags and
 * source identity. Calls made with a session are authorized by moto against the data role's
 * policies.
 *
 * What moto 5.2.5 checks (read in moto/iam/access_control.py and moto/core/authorization.py):
 * - every request of an IAM user or assumed-role session, against that principal's inline and
 *   attached policies; Allow/Deny, Action and Resource patterns;
 * - S3 requests against the bucket or object ARN; sts:AssumeRole against the role ARN, plus the
 *   target role's trust policy (exact principal ARN, and only StringEquals on sts:ExternalId);
 * - every other service (athena, glue, iam) against Resource "*" whatever the request addresses,
 *   so their statements are projected to Resource "*" here (the evaluator proves their scoping);
 * - no Condition at all in identity policies, and no tag/source-identity condition in trust
 *   policies (the evaluator proves those);
 * - a trust principal only by exact caller ARN: an assumed-role session never equals its role's
 *   ARN, so the task role's stand-in is an IAM user.
 * @module
 */
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import {
  CreateBucketCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  AthenaClient,
  CreateWorkGroupCommand,
  StartQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { CreateDatabaseCommand, CreateTableCommand, GlueClient } from "@aws-sdk/client-glue";
import { type Moto, MOTO_CREDENTIALS, startMoto } from "../harness/moto.ts";
import {
  type PlaceholderSpecs,
  type PlaceholderValues,
  renderTemplate,
} from "../../policies/render.ts";
import { exampleValues, loadPlaceholders, type PolicyDocument, readPolicyJson } from "./bundle.ts";
import {
  type Clients,
  EMULATOR_RESOURCE_STAR_SERVICES,
  exampleFixture,
  type Fixture,
} from "./tool_calls.ts";

/** AWS credentials. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The session tags and source identity the server sends for one verified subject. */
export interface SessionRequest {
  subject: string;
  tags?: { Key: string; Value: string }[];
  sourceIdentity?: string;
}

/** The tags and source identity the server sends for `subject` (issue 3: always these two tags). */
export function serverSession(subject: string): Required<SessionRequest> {
  return {
    subject,
    tags: [{ Key: "QuiltMcpSubject", Value: subject }, { Key: "QuiltMcpClient", Value: "web-jwt" }],
    sourceIdentity: subject,
  };
}

/** A data role in the emulator. */
export interface DataRole {
  readonly name: string;
  readonly arn: string;
  /** Replaces the role's only inline policy (projected for the emulator); null removes it. */
  setPolicy(policy: PolicyDocument | null): Promise<void>;
  /** AssumeRole as the task principal; throws what STS answers. */
  assume(session?: SessionRequest, as?: Credentials): Promise<Credentials>;
}

/** A running emulator with the deployment's identities. */
export interface IamEmulator extends AsyncDisposable {
  readonly moto: Moto;
  readonly fx: Fixture;
  /** Values the emulator's policies are rendered with (examples adapted to the emulator). */
  readonly values: PlaceholderValues;
  /** Specs with the one emulator adaptation: the task principal is an IAM user. */
  readonly specs: PlaceholderSpecs;
  readonly admin: Credentials;
  readonly task: { readonly arn: string; readonly credentials: Credentials };
  clients(credentials: Credentials): Clients;
  /** Renders a template with the emulator's values. */
  render(template: unknown): PolicyDocument;
  /** Creates a data role trusted per the rendered data-role trust policy. */
  createDataRole(name: string): Promise<DataRole>;
  /** Creates an IAM user holding the given policy (another would-be task principal). */
  createUser(
    name: string,
    policy: PolicyDocument | null,
  ): Promise<{ arn: string; credentials: Credentials }>;
}

const ACCOUNT = "123456789012";
const ROLE_PREFIX = "quilt-mcp-data-";

/** The policy as moto can check it: statements of resource-"*" services get Resource "*". */
export function projectForEmulator(policy: PolicyDocument): PolicyDocument {
  return {
    ...policy,
    Statement: policy.Statement.map((s) => {
      const actions = typeof s.Action === "string" ? [s.Action] : s.Action ?? [];
      const services = new Set(actions.map((a) => a.split(":")[0]));
      const starOnly = [...services].every((svc) => EMULATOR_RESOURCE_STAR_SERVICES.has(svc));
      if (starOnly !== [...services].some((svc) => EMULATOR_RESOURCE_STAR_SERVICES.has(svc))) {
        throw new Error(`statement ${s.Sid} mixes services the emulator scopes differently`);
      }
      return starOnly ? { ...s, Resource: "*" } : s;
    }),
  };
}

async function post(moto: Moto, path: string, body: string): Promise<void> {
  const r = await fetch(`${moto.endpoint}${path}`, { method: "POST", body });
  await r.body?.cancel();
  if (!r.ok) throw new Error(`POST ${path}: ${r.status}`);
}

/** Starts moto with IAM enforcement and creates the admin, the fixture data and the task principal. */
export async function startIamEmulator(): Promise<IamEmulator> {
  const moto = await startMoto({ enforceIam: true });
  try {
    return await setUp(moto);
  } catch (e) {
    await moto.stop();
    throw e;
  }
}

async function setUp(moto: Moto): Promise<IamEmulator> {
  const config = (credentials: Credentials) => ({
    ...moto.clientConfig(credentials),
    maxAttempts: 1,
  });
  const plain = (credentials: Credentials) => {
    const { forcePathStyle: _f, ...rest } = config(credentials);
    return rest;
  };
  const clients = (credentials: Credentials): Clients => ({
    s3: new S3Client(config(credentials)),
    sts: new STSClient(plain(credentials)),
    iam: new IAMClient(plain(credentials)),
    athena: new AthenaClient(plain(credentials)),
    glue: new GlueClient(plain(credentials)),
  });
  const destroy = (c: Clients) => Object.values(c).forEach((client) => client.destroy());

  // Bootstrap: with enforcement paused, create an administrator; every later setup call uses it.
  await post(moto, "/moto-api/reset-auth", "inf");
  const boot = clients(MOTO_CREDENTIALS);
  await boot.iam.send(new CreateUserCommand({ UserName: "emulator-admin" }));
  await boot.iam.send(
    new PutUserPolicyCommand({
      UserName: "emulator-admin",
      PolicyName: "admin",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
      }),
    }),
  );
  const key = (await boot.iam.send(new CreateAccessKeyCommand({ UserName: "emulator-admin" })))
    .AccessKey!;
  destroy(boot);
  await post(moto, "/moto-api/reset-auth", "0");
  const admin = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  const a = clients(admin);

  const baseSpecs = loadPlaceholders();
  const taskUser = "quilt-mcp-task";
  const taskArn = `arn:aws:iam::${ACCOUNT}:user/${taskUser}`;
  const specs: PlaceholderSpecs = {
    ...baseSpecs,
    task_role_arn: {
      ...baseSpecs.task_role_arn,
      pattern: "^arn:aws:iam::\\d{12}:user/[\\w+=,.@-]+$",
    },
  };
  const fx = exampleFixture();
  fx.selfRoleArn = `arn:aws:iam::${ACCOUNT}:role/${ROLE_PREFIX}governance`;
  const values: PlaceholderValues = {
    ...exampleValues(baseSpecs),
    account_id: ACCOUNT,
    task_role_arn: taskArn,
    data_role_arn: [`arn:aws:iam::${ACCOUNT}:role/${ROLE_PREFIX}*`],
    self_role_arn: [fx.selfRoleArn],
  };
  const render = (template: unknown) =>
    renderTemplate(template as never, specs, values) as unknown as PolicyDocument;

  // Data: versioned registry/data bucket, another configured bucket, a foreign one, Athena results.
  const [b0, ...others] = fx.buckets;
  for (const bucket of [b0, ...others, fx.foreignBucket, fx.resultsBucket]) {
    await a.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
  await a.s3.send(
    new PutBucketVersioningCommand({ Bucket: b0, VersioningConfiguration: { Status: "Enabled" } }),
  );
  const put = (bucket: string, key: string, body: string) =>
    a.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  fx.objectVersionId = (await put(b0, fx.objectKey, "sample,reads\nS1,1042\n")).VersionId!;
  await put(fx.foreignBucket, fx.objectKey, "not yours\n");
  for (const hash of [fx.topHash, fx.parentHash]) {
    await put(b0, `.quilt/packages/${hash}`, '{"version":"v0","message":"seed"}\n');
  }
  await put(b0, `.quilt/named_packages/${fx.packageName}/${fx.pointerTimestamp}`, fx.topHash);
  await put(b0, `.quilt/named_packages/${fx.packageName}/latest`, fx.topHash);
  await put(b0, ".quilt/workflows/config.yml", "version: '1'\nworkflows:\n  w: {name: W}\n");
  await put(b0, ".quilt/workflows/schemas/sample.json", '{"type": "object"}');
  await a.athena.send(
    new CreateWorkGroupCommand({
      Name: fx.workgroup,
      Configuration: {
        ResultConfiguration: { OutputLocation: `s3://${fx.resultsBucket}/${fx.resultsPrefix}` },
      },
    }),
  );
  const startQuery = async () =>
    (await a.athena.send(
      new StartQueryExecutionCommand({ WorkGroup: fx.workgroup, QueryString: "SELECT 1" }),
    ))
      .QueryExecutionId!;
  fx.queryExecutionId = await startQuery();
  fx.cancelQueryExecutionId = await startQuery();
  await a.glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: fx.glueDatabase } }));
  await a.glue.send(
    new CreateTableCommand({
      DatabaseName: fx.glueDatabase,
      TableInput: {
        Name: fx.glueTable,
        StorageDescriptor: {
          Columns: [{ Name: "sample", Type: "string" }, { Name: "reads", Type: "bigint" }],
          Location: `s3://${b0}/${fx.tablePrefix}`,
        },
        PartitionKeys: [{ Name: "run", Type: "string" }],
      },
    }),
  );

  const createUser = async (name: string, policy: PolicyDocument | null) => {
    await a.iam.send(new CreateUserCommand({ UserName: name }));
    if (policy) {
      await a.iam.send(
        new PutUserPolicyCommand({
          UserName: name,
          PolicyName: "policy",
          PolicyDocument: JSON.stringify(policy),
        }),
      );
    }
    const k = (await a.iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return {
      arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
      credentials: { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! },
    };
  };
  const task = await createUser(taskUser, render(readPolicyJson("trust/task-role-assume.json")));
  const trust = render(readPolicyJson("trust/data-role-trust.json"));

  const createDataRole = async (name: string): Promise<DataRole> => {
    const arn = (await a.iam.send(
      new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }),
    )).Role!.Arn!;
    return {
      name,
      arn,
      setPolicy: async (policy) => {
        if (policy === null || policy.Statement.length === 0) {
          await a.iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: "category" }))
            .catch(() => {});
        } else {
          await a.iam.send(
            new PutRolePolicyCommand({
              RoleName: name,
              PolicyName: "category",
              PolicyDocument: JSON.stringify(projectForEmulator(policy)),
            }),
          );
        }
      },
      assume: async (session = serverSession("alice@acme.example"), as = task.credentials) => {
        const sts = new STSClient(plain(as));
        try {
          const out = await sts.send(
            new AssumeRoleCommand({
              RoleArn: arn,
              RoleSessionName: session.subject.replace(/[^\w+=,.@-]/g, "-").slice(0, 64),
              SourceIdentity: session.sourceIdentity,
              Tags: session.tags,
              DurationSeconds: 3600,
            }),
          );
          const c = out.Credentials!;
          return {
            accessKeyId: c.AccessKeyId!,
            secretAccessKey: c.SecretAccessKey!,
            sessionToken: c.SessionToken!,
          };
        } finally {
          sts.destroy();
        }
      },
    };
  };

  const stop = async () => {
    destroy(a);
    await moto.stop();
  };
  return {
    moto,
    fx,
    values,
    specs,
    admin,
    task,
    clients,
    render,
    createDataRole: (category) =>
      createDataRole(category.startsWith(ROLE_PREFIX) ? category : `${ROLE_PREFIX}${category}`),
    createUser,
    [Symbol.asyncDispose]: stop,
  };
}

/** How the emulator answered one call. */
export type Outcome = "authorized" | "denied" | `failed: ${string}`;

/**
 * Error names that mean "not authorized"; signature or key problems are failures, never denials.
 * A HEAD answer has no body, so the SDK names its 403 "Unknown"/"UnknownError"; the sufficiency
 * runs sign the very same requests successfully, so a 403 there is the authorization decision.
 */
const DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "Forbidden",
  "403",
  "Unknown",
  "UnknownError",
]);

/** Runs one call and classifies the answer. */
export async function outcomeOf(
  run: () => Promise<unknown>,
  options: { unimplementedMeansAuthorized?: boolean } = {},
): Promise<Outcome> {
  try {
    await run();
    return "authorized";
  } catch (e) {
    const err = e as {
      name?: string;
      message?: string;
      $metadata?: { httpStatusCode?: number };
    };
    const status = err.$metadata?.httpStatusCode;
    if (status === 403 && DENIED.has(err.name ?? "")) return "denied";
    // moto answers JSON-protocol services (Athena, Glue) with IAM's XML AccessDenied body, which
    // the SDK cannot parse (SyntaxError). The sufficiency runs sign the very same requests
    // successfully, so a 403 here is the authorization decision, not a signature problem.
    if (status === 403 && err.name === "SyntaxError") return "denied";
    if (options.unimplementedMeansAuthorized && status === 500) return "authorized";
    return `failed: ${err.name} (${status}) ${err.message?.slice(0, 200)}`;
  }
}
