/**
 * The AWS API calls each tool makes, per tool, as the policies must allow them — the contract the
 * tool authors follow (policies/README.md has the same list in prose). For every call:
 * - `aws`: each authorization AWS performs for it (action, resource ARN, condition context),
 *   including those a service performs with the caller's credentials on its behalf (Athena reading
 *   Glue and S3). The evaluator proves the rendered policies allow exactly these.
 * - `emulator`: the one authorization moto 5.2.5 performs for the request, and `unenforced` says
 *   why any other `aws` entry is not checked there.
 * - `run`: the same call through the AWS SDK v3 against the emulator. When the MCP tools exist,
 *   the lead can swap these raw calls for real tool invocations without changing the tests.
 * @module
 */
import {
  DeleteObjectCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import { type IAMClient, SimulatePrincipalPolicyCommand } from "@aws-sdk/client-iam";
import {
  type AthenaClient,
  GetDataCatalogCommand,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetWorkGroupCommand,
  ListQueryExecutionsCommand,
  ListWorkGroupsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import {
  GetDatabasesCommand,
  GetTableCommand,
  GetTablesCommand,
  type GlueClient,
} from "@aws-sdk/client-glue";
import type { AuthzRequest } from "./evaluator.ts";
import { exampleValues } from "./bundle.ts";
import type { PlaceholderValues } from "../../policies/render.ts";

/** The resources the calls address (one customer domain; matches the placeholder examples). */
export interface Fixture {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** `${bucket}`; the first holds the objects and the Quilt registry (versioned). */
  readonly buckets: readonly string[];
  /** A bucket outside `${bucket}`. */
  readonly foreignBucket: string;
  readonly objectKey: string;
  /** Filled in once the emulator has stored the object. */
  objectVersionId: string;
  readonly uploadKey: string;
  readonly packageName: string;
  readonly newPackageName: string;
  readonly topHash: string;
  readonly parentHash: string;
  readonly newTopHash: string;
  readonly pointerTimestamp: string;
  readonly newPointerTimestamp: string;
  readonly workgroup: string;
  readonly resultsBucket: string;
  readonly resultsPrefix: string;
  readonly glueDatabase: string;
  readonly glueTable: string;
  /** Data prefix of the Glue table in the first bucket. */
  readonly tablePrefix: string;
  /** The role the governance policy is attached to (simulated on itself). */
  selfRoleArn: string;
  /** A query the emulator already knows, so query calls do not depend on each other. */
  queryExecutionId: string;
  /** Another known query, the one the timeout path cancels. */
  cancelQueryExecutionId: string;
}

/** The SDK clients of one principal. */
export interface Clients {
  readonly s3: S3Client;
  readonly sts: STSClient;
  readonly iam: IAMClient;
  readonly athena: AthenaClient;
  readonly glue: GlueClient;
}

/** What moto checks for one request. */
export type EmulatorCheck =
  /** moto authorizes exactly this action (S3 and sts:AssumeRole with the resource ARN; athena, glue, iam against Resource "*"). */
  | { readonly enforces: string; readonly unimplemented?: string }
  /** moto (like AWS) authorizes nothing for this request. */
  | { readonly noAuthorization: string };

/** One AWS API call a tool (or an MCP resource, keyed by its URI or URI template) makes. */
export interface ApiCall {
  readonly tool: string;
  /** `service:Operation` as in the SDK. */
  readonly api: string;
  readonly why: string;
  readonly aws: readonly AuthzRequest[];
  readonly emulator: EmulatorCheck;
  /** Why the `aws` entries other than the emulator's are not checked by moto. */
  readonly unenforced?: string;
  readonly run: (clients: Clients, fx: Fixture) => Promise<unknown>;
}

/** Services moto authorizes against Resource "*" whatever the request addresses. */
export const EMULATOR_RESOURCE_STAR_SERVICES: ReadonlySet<string> = new Set([
  "athena",
  "glue",
  "iam",
]);

const s3Bucket = (fx: Fixture, bucket: string) => `arn:${fx.partition}:s3:::${bucket}`;
const s3Object = (fx: Fixture, bucket: string, key: string) =>
  `arn:${fx.partition}:s3:::${bucket}/${key}`;
const glueArn = (fx: Fixture, rest: string) =>
  `arn:${fx.partition}:glue:${fx.region}:${fx.accountId}:${rest}`;
const workgroupArn = (fx: Fixture) =>
  `arn:${fx.partition}:athena:${fx.region}:${fx.accountId}:workgroup/${fx.workgroup}`;
const pointer = (_fx: Fixture, name: string, leaf: string) =>
  `.quilt/named_packages/${name}/${leaf}`;
const manifest = (hash: string) => `.quilt/packages/${hash}`;
const listCtx = (prefix: string, delimiter?: string) => ({
  "s3:prefix": prefix,
  ...(delimiter ? { "s3:delimiter": delimiter } : {}),
});

async function drain(r: { Body?: { transformToString(): Promise<string> } }): Promise<string> {
  return r.Body ? await r.Body.transformToString() : "";
}

function list(
  tool: string,
  why: string,
  bucket: (fx: Fixture) => string,
  prefix: (fx: Fixture) => string,
  delimiter?: string,
) {
  return (fx: Fixture): ApiCall => ({
    tool,
    api: "s3:ListObjectsV2",
    why,
    aws: [{
      action: "s3:ListBucket",
      resource: s3Bucket(fx, bucket(fx)),
      context: listCtx(prefix(fx), delimiter),
    }],
    emulator: { enforces: "s3:ListBucket" },
    run: (c, f) =>
      c.s3.send(
        new ListObjectsV2Command({
          Bucket: bucket(f),
          Prefix: prefix(f),
          Delimiter: delimiter,
          MaxKeys: 100,
        }),
      ),
  });
}

function getObject(tool: string, why: string, key: (fx: Fixture) => string, range?: string) {
  return (fx: Fixture): ApiCall => ({
    tool,
    api: "s3:GetObject",
    why,
    aws: [{ action: "s3:GetObject", resource: s3Object(fx, fx.buckets[0], key(fx)) }],
    emulator: { enforces: "s3:GetObject" },
    run: async (c, f) =>
      drain(
        await c.s3.send(new GetObjectCommand({ Bucket: f.buckets[0], Key: key(f), Range: range })),
      ),
  });
}

function putObject(
  tool: string,
  why: string,
  key: (fx: Fixture) => string,
  body: (fx: Fixture) => string,
) {
  return (fx: Fixture): ApiCall => ({
    tool,
    api: "s3:PutObject",
    why,
    aws: [{ action: "s3:PutObject", resource: s3Object(fx, fx.buckets[0], key(fx)) }],
    emulator: { enforces: "s3:PutObject" },
    run: (c, f) =>
      c.s3.send(new PutObjectCommand({ Bucket: f.buckets[0], Key: key(f), Body: body(f) })),
  });
}

function deleteObject(tool: string, why: string, key: (fx: Fixture) => string) {
  return (fx: Fixture): ApiCall => ({
    tool,
    api: "s3:DeleteObject",
    why,
    aws: [{ action: "s3:DeleteObject", resource: s3Object(fx, fx.buckets[0], key(fx)) }],
    emulator: { enforces: "s3:DeleteObject" },
    run: (c, f) => c.s3.send(new DeleteObjectCommand({ Bucket: f.buckets[0], Key: key(f) })),
  });
}

function getBucketLocation(tool: string, why: string, bucket: (fx: Fixture) => string) {
  return (fx: Fixture): ApiCall => ({
    tool,
    api: "s3:GetBucketLocation",
    why,
    aws: [{ action: "s3:GetBucketLocation", resource: s3Bucket(fx, bucket(fx)) }],
    emulator: { enforces: "s3:GetBucketLocation" },
    run: (c, f) => c.s3.send(new GetBucketLocationCommand({ Bucket: bucket(f) })),
  });
}

function probeList(tool: string, bucket: (fx: Fixture) => string) {
  return (fx: Fixture): ApiCall => ({
    tool,
    api: "s3:ListObjectsV2",
    why:
      "Safe read probe when simulation is not allowed: can the caller list the bucket? ListObjectsV2 with MaxKeys=1 (not HeadBucket, which moto authorizes as a non-existent s3:HeadBucket action); never writes.",
    aws: [{
      action: "s3:ListBucket",
      resource: s3Bucket(fx, bucket(fx)),
      context: { "s3:max-keys": "1" },
    }],
    emulator: { enforces: "s3:ListBucket" },
    run: (c, f) => c.s3.send(new ListObjectsV2Command({ Bucket: bucket(f), MaxKeys: 1 })),
  });
}

function simulate(tool: string, buckets: (fx: Fixture) => readonly string[]) {
  return (fx: Fixture): ApiCall => ({
    tool,
    api: "iam:SimulatePrincipalPolicy",
    why:
      "Ask IAM what the caller's own role may do on each bucket (list, read, write) without touching data.",
    aws: [{ action: "iam:SimulatePrincipalPolicy", resource: fx.selfRoleArn }],
    emulator: {
      enforces: "iam:SimulatePrincipalPolicy",
      unimplemented:
        "moto 5.2.5 authorizes the request, then answers HTTP 500 'simulate_principal_policy has not been implemented'; only AccessDenied counts as refused",
    },
    run: (c, f) =>
      c.iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: f.selfRoleArn,
          ActionNames: ["s3:ListBucket", "s3:GetObject", "s3:PutObject"],
          ResourceArns: buckets(f).flatMap((b) => [s3Bucket(f, b), s3Object(f, b, "*")]),
        }),
      ),
  });
}

const ATHENA_ON_BEHALF =
  "Athena performs these with the caller's credentials while it plans and runs the query (Glue Data Catalog reads, the table's S3 data, the result location incl. multipart uploads of large results); moto's Athena reads neither Glue nor S3, so only the Athena action is checked there";

/** Every tool's calls, in the order a tool makes them. Tools without AWS calls map to []. */
export function toolCalls(fx: Fixture): Record<string, ApiCall[]> {
  const [b0] = fx.buckets;
  const latest = (f: Fixture) => pointer(f, f.packageName, "latest");
  const newLatest = (f: Fixture) => pointer(f, f.newPackageName, "latest");
  const newStamp = (f: Fixture) => pointer(f, f.newPackageName, f.newPointerTimestamp);
  const catalog = glueArn(fx, "catalog");
  const database = glueArn(fx, `database/${fx.glueDatabase}`);
  const table = glueArn(fx, `table/${fx.glueDatabase}/${fx.glueTable}`);
  const resultObject = s3Object(
    fx,
    fx.resultsBucket,
    `${fx.resultsPrefix}${fx.queryExecutionId}.csv`,
  );
  const glueRead = (action: string) =>
    [catalog, database, table].map((resource) => ({ action, resource }));
  const athena = (
    tool: string,
    api: string,
    why: string,
    extra: AuthzRequest[] = [],
    unenforced?: string,
  ) => ({
    tool,
    api: `athena:${api}`,
    why,
    aws: [{ action: `athena:${api}`, resource: workgroupArn(fx) }, ...extra],
    emulator: { enforces: `athena:${api}` },
    ...(unenforced ? { unenforced } : {}),
  });

  return {
    // s3-read
    bucket_list: [
      {
        tool: "bucket_list",
        api: "s3:ListBuckets",
        why: "List bucket names beyond the configured ones, where the policy allows it.",
        aws: [{ action: "s3:ListAllMyBuckets", resource: "*" }],
        emulator: { enforces: "s3:ListAllMyBuckets" },
        run: (c) => c.s3.send(new ListBucketsCommand({})),
      },
      ...fx.buckets.map((b) =>
        getBucketLocation(
          "bucket_list",
          "Report each configured bucket's region (later calls and presigned links are signed for it).",
          () => b,
        )(fx)
      ),
    ],
    bucket_objects_list: [
      list(
        "bucket_objects_list",
        "List one page of keys under a prefix.",
        (f) => f.buckets[0],
        () => "data/",
        "/",
      )(fx),
    ],
    bucket_object_info: [
      {
        tool: "bucket_object_info",
        api: "s3:HeadObject",
        why: "Object metadata (size, type, ETag, checksums, version).",
        aws: [{ action: "s3:GetObject", resource: s3Object(fx, b0, fx.objectKey) }],
        emulator: { enforces: "s3:GetObject" },
        run: (c, f) =>
          c.s3.send(
            new HeadObjectCommand({
              Bucket: f.buckets[0],
              Key: f.objectKey,
              ChecksumMode: "ENABLED",
            }),
          ),
      },
      {
        tool: "bucket_object_info",
        api: "s3:HeadObject",
        why: "Metadata of one version (versionId given).",
        aws: [{ action: "s3:GetObjectVersion", resource: s3Object(fx, b0, fx.objectKey) }],
        emulator: { enforces: "s3:GetObject" },
        unenforced:
          "moto authorizes HEAD with versionId as s3:GetObject, AWS as s3:GetObjectVersion; the emulator proves s3:GetObjectVersion through bucket_object_text with a versionId",
        run: (c, f) =>
          c.s3.send(
            new HeadObjectCommand({
              Bucket: f.buckets[0],
              Key: f.objectKey,
              VersionId: f.objectVersionId,
            }),
          ),
      },
    ],
    bucket_object_text: [
      getObject(
        "bucket_object_text",
        "Read at most the byte limit of the object as text.",
        (f) => f.objectKey,
        "bytes=0-1023",
      )(fx),
      {
        tool: "bucket_object_text",
        api: "s3:GetObject",
        why: "Read a given version.",
        aws: [{ action: "s3:GetObjectVersion", resource: s3Object(fx, b0, fx.objectKey) }],
        emulator: { enforces: "s3:GetObjectVersion" },
        run: async (c, f) =>
          drain(
            await c.s3.send(
              new GetObjectCommand({
                Bucket: f.buckets[0],
                Key: f.objectKey,
                VersionId: f.objectVersionId,
              }),
            ),
          ),
      },
    ],
    bucket_object_fetch: [
      getObject(
        "bucket_object_fetch",
        "Read at most the byte limit as base64.",
        (f) => f.objectKey,
        "bytes=0-65535",
      )(fx),
    ],
    bucket_object_link: [
      {
        tool: "bucket_object_link",
        api: "s3:GetObject (presigned)",
        why:
          "The link is signed locally (no request); whoever opens it is authorized as the signer for s3:GetObject. moto 5.2.5 answers HTTP 500 to any presigned request while IAM enforcement is on, so the emulator runs the same GET signed in the header.",
        aws: [{ action: "s3:GetObject", resource: s3Object(fx, b0, fx.objectKey) }],
        emulator: { enforces: "s3:GetObject" },
        run: async (c, f) =>
          drain(await c.s3.send(new GetObjectCommand({ Bucket: f.buckets[0], Key: f.objectKey }))),
      },
    ],
    bucket_objects_search: [
      list(
        "bucket_objects_search",
        "List keys of each searched bucket (bounded by max_keys_examined), matching words locally.",
        (f) => f.buckets[0],
        () => "",
      )(fx),
    ],
    // s3-write
    bucket_objects_put: [
      putObject(
        "bucket_objects_put",
        "Upload each item of the batch (single PutObject per item; no multipart).",
        (f) => f.uploadKey,
        () => "sample,reads\n1,2\n",
      )(fx),
    ],
    // packages-read
    package_list: [
      list(
        "package_list",
        "Namespaces of the registry.",
        (f) => f.buckets[0],
        () => ".quilt/named_packages/",
        "/",
      )(fx),
      list(
        "package_list",
        "Packages of a namespace.",
        (f) => f.buckets[0],
        (f) => `.quilt/named_packages/${f.packageName.split("/")[0]}/`,
        "/",
      )(fx),
    ],
    package_versions: [
      list(
        "package_versions",
        "Revision pointers of one package.",
        (f) => f.buckets[0],
        (f) => `.quilt/named_packages/${f.packageName}/`,
      )(fx),
      getObject(
        "package_versions",
        "Top hash a revision pointer holds.",
        (f) => pointer(f, f.packageName, f.pointerTimestamp),
      )(fx),
    ],
    package_browse: [
      getObject("package_browse", "Resolve `latest` to a top hash.", latest)(fx),
      getObject("package_browse", "Read the manifest.", (f) => manifest(f.topHash))(fx),
      list(
        "package_browse",
        "Resolve a short top hash (≥ 6 hex) to a manifest.",
        (f) => f.buckets[0],
        (f) => `.quilt/packages/${f.topHash.slice(0, 8)}`,
      )(fx),
    ],
    package_diff: [
      getObject("package_diff", "Read the first manifest.", (f) => manifest(f.topHash))(fx),
      getObject("package_diff", "Read the second manifest.", (f) => manifest(f.parentHash))(fx),
    ],
    package_metadata_templates: [
      getObject(
        "package_metadata_templates",
        "Read the registry's workflows configuration.",
        () => ".quilt/workflows/config.yml",
        "bytes=0-1048575",
      )(fx),
      getObject(
        "package_metadata_templates",
        "Read a workflow's metadata JSON Schema (an s3:// URL in the registry).",
        () => ".quilt/workflows/schemas/sample.json",
        "bytes=0-1048575",
      )(fx),
    ],
    package_metadata_validate: [
      getObject(
        "package_metadata_validate",
        "Read the registry's workflows configuration.",
        () => ".quilt/workflows/config.yml",
        "bytes=0-1048575",
      )(fx),
      getObject(
        "package_metadata_validate",
        "Read the workflow's metadata JSON Schema.",
        () => ".quilt/workflows/schemas/sample.json",
        "bytes=0-1048575",
      )(fx),
    ],
    // packages-write
    package_create: [
      list(
        "package_create",
        "Enumerate the source prefix (include/exclude globs apply to the listing).",
        (f) => f.buckets[0],
        () => "data/reads/",
      )(fx),
      {
        tool: "package_create",
        api: "s3:HeadObject",
        why:
          "Size, versionId, ETag and S3 SHA-256 checksum and checksum type (ChecksumMode=ENABLED) of a source object.",
        aws: [{ action: "s3:GetObject", resource: s3Object(fx, b0, fx.objectKey) }],
        emulator: { enforces: "s3:GetObject" },
        run: (c, f) =>
          c.s3.send(
            new HeadObjectCommand({
              Bucket: f.buckets[0],
              Key: f.objectKey,
              ChecksumMode: "ENABLED",
            }),
          ),
      },
      {
        tool: "package_create",
        api: "s3:GetObject",
        why:
          "Stream the pinned version to compute the sha2-256-chunked hash when S3 has no usable checksum.",
        aws: [{ action: "s3:GetObjectVersion", resource: s3Object(fx, b0, fx.objectKey) }],
        emulator: { enforces: "s3:GetObjectVersion" },
        run: async (c, f) =>
          drain(
            await c.s3.send(
              new GetObjectCommand({
                Bucket: f.buckets[0],
                Key: f.objectKey,
                VersionId: f.objectVersionId,
              }),
            ),
          ),
      },
      getObject(
        "package_create",
        "Read the registry's workflow rules (quilt3 checks every push against them).",
        () => ".quilt/workflows/config.yml",
      )(fx),
      putObject(
        "package_create",
        "Write the manifest.",
        (f) => manifest(f.newTopHash),
        () => '{"version":"v0","message":null}\n',
      )(fx),
      putObject("package_create", "Write the revision pointer.", newStamp, (f) => f.newTopHash)(fx),
      putObject(
        "package_create",
        "Point `latest` at the new revision.",
        newLatest,
        (f) => f.newTopHash,
      )(fx),
    ],
    package_update: [
      getObject(
        "package_update",
        "Check `latest` still equals the parent top hash (conflict detection).",
        latest,
      )(fx),
      getObject(
        "package_update",
        "Read the parent manifest (metadata kept byte-exact).",
        (f) => manifest(f.parentHash),
      )(fx),
      getObject(
        "package_update",
        "Read the registry's workflow rules; the new revision is re-validated against them.",
        () => ".quilt/workflows/config.yml",
      )(fx),
      putObject(
        "package_update",
        "Write the new manifest.",
        (f) => manifest(f.newTopHash),
        () => '{"version":"v0","message":"update"}\n',
      )(fx),
      putObject("package_update", "Write the new revision pointer.", newStamp, (f) => f.newTopHash)(
        fx,
      ),
      putObject(
        "package_update",
        "Point `latest` at the new revision.",
        newLatest,
        (f) => f.newTopHash,
      )(fx),
    ],
    package_summarize: [
      getObject(
        "package_summarize",
        "Check `latest` equals the parent top hash before anything is read or stored.",
        latest,
      )(fx),
      getObject(
        "package_summarize",
        "Read the parent manifest: the files to summarize.",
        (f) => manifest(f.parentHash),
      )(fx),
      {
        tool: "package_summarize",
        api: "s3:GetObject",
        why:
          "Read the first bytes of a table or JSON file at the version its manifest entry pins (column statistics).",
        aws: [{ action: "s3:GetObjectVersion", resource: s3Object(fx, b0, fx.objectKey) }],
        emulator: { enforces: "s3:GetObjectVersion" },
        run: async (c, f) =>
          drain(
            await c.s3.send(
              new GetObjectCommand({
                Bucket: f.buckets[0],
                Key: f.objectKey,
                VersionId: f.objectVersionId,
                Range: "bytes=0-65535",
              }),
            ),
          ),
      },
      putObject(
        "package_summarize",
        "Store a generated file (quilt_summarize.json, a chart), content-addressed, so nothing existing is replaced.",
        (f) => `.quilt/summaries/${f.newPackageName}/${"0".repeat(64)}/quilt_summarize.json`,
        () => '["data.csv"]\n',
      )(fx),
      getObject(
        "package_summarize",
        "Publish through package_update: read the registry's workflow rules.",
        () => ".quilt/workflows/config.yml",
      )(fx),
      putObject(
        "package_summarize",
        "Publish through package_update: write the new manifest.",
        (f) => manifest(f.newTopHash),
        () => '{"version":"v0","message":"summary"}\n',
      )(fx),
      putObject(
        "package_summarize",
        "Publish through package_update: write the new revision pointer.",
        newStamp,
        (f) => f.newTopHash,
      )(fx),
      putObject(
        "package_summarize",
        "Publish through package_update: point `latest` at the new revision.",
        newLatest,
        (f) => f.newTopHash,
      )(fx),
    ],
    package_delete: [
      list(
        "package_delete",
        "Find the package's revision pointers.",
        (f) => f.buckets[0],
        (f) => `.quilt/named_packages/${f.newPackageName}/`,
      )(fx),
      deleteObject(
        "package_delete",
        "Remove a revision pointer (manifests and data stay).",
        newStamp,
      )(fx),
      putObject(
        "package_delete",
        "Repoint `latest` at the newest remaining revision (as quilt3 does).",
        newLatest,
        (f) => f.topHash,
      )(fx),
      deleteObject(
        "package_delete",
        "Remove `latest` when the whole package is deleted.",
        newLatest,
      )(fx),
    ],
    // search
    package_search: [
      list(
        "package_search",
        "Enumerate package names (bounded pages).",
        (f) => f.buckets[0],
        () => ".quilt/named_packages/",
      )(fx),
      getObject("package_search", "Resolve a package's `latest`.", latest)(fx),
      getObject(
        "package_search",
        "Read the manifest's first line (package metadata) with a bounded range.",
        (f) => manifest(f.topHash),
        "bytes=0-65535",
      )(fx),
    ],
    catalog_search: [],
    search_explain: [],
    search_suggest: [],
    // governance
    auth_status: [
      {
        tool: "auth_status",
        api: "sts:GetCallerIdentity",
        why: "Principal, account and assumed role of the current credentials.",
        aws: [],
        emulator: { noAuthorization: "GetCallerIdentity needs no permission (AWS and moto alike)" },
        run: (c) => c.sts.send(new GetCallerIdentityCommand({})),
      },
    ],
    permissions_discover: [
      simulate("permissions_discover", (f) => f.buckets)(fx),
      ...fx.buckets.flatMap((b) => [
        probeList("permissions_discover", () => b)(fx),
        getBucketLocation(
          "permissions_discover",
          "Region of each bucket (reported; probes are signed for it).",
          () => b,
        )(fx),
      ]),
    ],
    bucket_access_check: [
      simulate("bucket_access_check", (f) => [f.buckets[0]])(fx),
      probeList("bucket_access_check", (f) => f.buckets[0])(fx),
      getBucketLocation("bucket_access_check", "Region of the bucket.", (f) => f.buckets[0])(fx),
    ],
    // athena
    athena_query_execute: [
      {
        ...athena(
          "athena_query_execute",
          "GetWorkGroup",
          "Read the workgroup's result location, engine and limits.",
        ),
        run: (c, f) => c.athena.send(new GetWorkGroupCommand({ WorkGroup: f.workgroup })),
      },
      {
        ...athena(
          "athena_query_execute",
          "StartQueryExecution",
          "Start the query in the configured workgroup and database.",
          [
            ...glueRead("glue:GetDatabase"),
            ...glueRead("glue:GetTable"),
            ...glueRead("glue:GetPartitions"),
            ...glueRead("glue:BatchGetPartition"),
            { action: "s3:GetBucketLocation", resource: s3Bucket(fx, b0) },
            {
              action: "s3:ListBucket",
              resource: s3Bucket(fx, b0),
              context: listCtx(fx.tablePrefix),
            },
            {
              action: "s3:GetObject",
              resource: s3Object(fx, b0, `${fx.tablePrefix}part-00000.parquet`),
            },
            { action: "s3:GetBucketLocation", resource: s3Bucket(fx, fx.resultsBucket) },
            {
              action: "s3:ListBucket",
              resource: s3Bucket(fx, fx.resultsBucket),
              context: listCtx(fx.resultsPrefix),
            },
            { action: "s3:PutObject", resource: resultObject },
            { action: "s3:ListBucketMultipartUploads", resource: s3Bucket(fx, fx.resultsBucket) },
            { action: "s3:ListMultipartUploadParts", resource: resultObject },
            { action: "s3:AbortMultipartUpload", resource: resultObject },
          ],
          ATHENA_ON_BEHALF,
        ),
        run: (c, f) =>
          c.athena.send(
            new StartQueryExecutionCommand({
              WorkGroup: f.workgroup,
              QueryString: `SELECT * FROM "${f.glueTable}" LIMIT 10`,
              QueryExecutionContext: { Catalog: "AwsDataCatalog", Database: f.glueDatabase },
            }),
          ),
      },
      {
        ...athena(
          "athena_query_execute",
          "GetQueryExecution",
          "Poll the query state until done or the timeout.",
        ),
        run: (c, f) =>
          c.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: f.queryExecutionId })),
      },
      {
        ...athena(
          "athena_query_execute",
          "GetQueryResults",
          "Read result rows page by page within the row and byte limits.",
          [{ action: "s3:GetObject", resource: resultObject }],
          "Athena reads the result object from the result location with the caller's credentials; moto's Athena serves results from memory",
        ),
        run: (c, f) =>
          c.athena.send(
            new GetQueryResultsCommand({ QueryExecutionId: f.queryExecutionId, MaxResults: 100 }),
          ),
      },
      {
        ...athena(
          "athena_query_execute",
          "StopQueryExecution",
          "Cancel the query when the timeout expires.",
        ),
        run: (c, f) =>
          c.athena.send(
            new StopQueryExecutionCommand({ QueryExecutionId: f.cancelQueryExecutionId }),
          ),
      },
    ],
    athena_databases_list: [
      {
        tool: "athena_databases_list",
        api: "glue:GetDatabases",
        why: "List the Data Catalog's databases.",
        aws: [catalog, database].map((resource) => ({ action: "glue:GetDatabases", resource })),
        emulator: { enforces: "glue:GetDatabases" },
        run: (c) => c.glue.send(new GetDatabasesCommand({ MaxResults: 100 })),
      },
    ],
    athena_tables_list: [
      {
        tool: "athena_tables_list",
        api: "glue:GetTables",
        why: "List a database's tables.",
        aws: glueRead("glue:GetTables"),
        emulator: { enforces: "glue:GetTables" },
        run: (c, f) =>
          c.glue.send(new GetTablesCommand({ DatabaseName: f.glueDatabase, MaxResults: 100 })),
      },
    ],
    athena_table_schema: [
      {
        tool: "athena_table_schema",
        api: "glue:GetTable",
        why: "Columns, partition keys and location of one table.",
        aws: glueRead("glue:GetTable"),
        emulator: { enforces: "glue:GetTable" },
        run: (c, f) =>
          c.glue.send(new GetTableCommand({ DatabaseName: f.glueDatabase, Name: f.glueTable })),
      },
    ],
    tabulator_buckets_list: [],
    tabulator_tables_list: [],
    tabulator_query: [
      {
        tool: "tabulator_query",
        api: "athena:GetDataCatalog",
        why:
          "Check that the stack's Tabulator data catalog (quilt-<stack>-tabulator) exists and may be used.",
        aws: [{
          action: "athena:GetDataCatalog",
          resource:
            `arn:${fx.partition}:athena:${fx.region}:${fx.accountId}:datacatalog/quilt-acme-tabulator`,
        }],
        emulator: { enforces: "athena:GetDataCatalog" },
        run: (c) => c.athena.send(new GetDataCatalogCommand({ Name: "quilt-acme-tabulator" })),
      },
      ...([
        "GetWorkGroup",
        "StartQueryExecution",
        "GetQueryExecution",
        "GetQueryResults",
        "StopQueryExecution",
      ] as const)
        .map((api) => ({
          ...athena(
            "tabulator_query",
            api,
            "As athena_query_execute, in the Tabulator data catalog (the stack's connector Lambda and spill bucket are authorized by the Quilt stack's TabulatorOpenQueryPolicy, not by this category).",
          ),
          run: (c: Clients, f: Fixture) =>
            api === "GetWorkGroup"
              ? c.athena.send(new GetWorkGroupCommand({ WorkGroup: f.workgroup }))
              : api === "StartQueryExecution"
              ? c.athena.send(
                new StartQueryExecutionCommand({
                  WorkGroup: f.workgroup,
                  QueryString: 'SELECT * FROM "counts" LIMIT 10',
                  QueryExecutionContext: {
                    Catalog: "quilt-acme-tabulator",
                    Database: f.buckets[0],
                  },
                }),
              )
              : api === "GetQueryExecution"
              ? c.athena.send(
                new GetQueryExecutionCommand({ QueryExecutionId: f.queryExecutionId }),
              )
              : api === "GetQueryResults"
              ? c.athena.send(new GetQueryResultsCommand({ QueryExecutionId: f.queryExecutionId }))
              : c.athena.send(
                new StopQueryExecutionCommand({ QueryExecutionId: f.cancelQueryExecutionId }),
              ),
        })),
    ],
    // catalog
    catalog_url: [],
    catalog_uri: [],
    // admin: the catalog's admin GraphQL API only (no AWS call)
    ...Object.fromEntries(
      [
        "admin_users_list",
        "admin_user_get",
        "admin_user_create",
        "admin_user_delete",
        "admin_user_set_email",
        "admin_user_set_role",
        "admin_user_add_roles",
        "admin_user_remove_roles",
        "admin_user_set_admin",
        "admin_user_set_active",
        "admin_user_reset_password",
        "admin_roles_list",
        "admin_sso_config_get",
        "admin_sso_config_set",
        "admin_sso_config_remove",
        "tabulator_table_create",
        "tabulator_table_delete",
        "tabulator_table_rename",
        "admin_tabulator_open_query_get",
        "admin_tabulator_open_query_set",
      ].map((tool) => [tool, [] as ApiCall[]]),
    ),

    // MCP resources, keyed by URI or URI template (policies/categories.json "resources").
    // s3-read
    "s3://{bucket}/{key}": [
      getObject(
        "s3://{bucket}/{key}",
        "Read the start of the object (at most the server's read limit).",
        (f) => f.objectKey,
        "bytes=0-1048575",
      )(fx),
      {
        tool: "s3://{bucket}/{key}",
        api: "s3:GetObject",
        why: "Read a given version (?versionId= in the URI).",
        aws: [{ action: "s3:GetObjectVersion", resource: s3Object(fx, b0, fx.objectKey) }],
        emulator: { enforces: "s3:GetObjectVersion" },
        run: async (c, f) =>
          drain(
            await c.s3.send(
              new GetObjectCommand({
                Bucket: f.buckets[0],
                Key: f.objectKey,
                VersionId: f.objectVersionId,
                Range: "bytes=0-1048575",
              }),
            ),
          ),
      },
    ],
    "quilt+s3://{bucket}#package={package}&path={path}": [
      getObject(
        "quilt+s3://{bucket}#package={package}&path={path}",
        "Resolve `latest` (or a tag) to a top hash.",
        latest,
      )(fx),
      list(
        "quilt+s3://{bucket}#package={package}&path={path}",
        "Resolve a short top hash (≥ 6 hex) to a manifest.",
        (f) => f.buckets[0],
        (f) => `.quilt/packages/${f.topHash.slice(0, 8)}`,
      )(fx),
      getObject(
        "quilt+s3://{bucket}#package={package}&path={path}",
        "Read the manifest to find the file's physical key.",
        (f) => manifest(f.topHash),
      )(fx),
      {
        tool: "quilt+s3://{bucket}#package={package}&path={path}",
        api: "s3:GetObject",
        why: "Read the start of the file at its pinned version (the manifest's physical key).",
        aws: [{ action: "s3:GetObjectVersion", resource: s3Object(fx, b0, fx.objectKey) }],
        emulator: { enforces: "s3:GetObjectVersion" },
        run: async (c, f) =>
          drain(
            await c.s3.send(
              new GetObjectCommand({
                Bucket: f.buckets[0],
                Key: f.objectKey,
                VersionId: f.objectVersionId,
                Range: "bytes=0-1048575",
              }),
            ),
          ),
      },
    ],
    // packages-read
    "metadata://{bucket}/templates": [
      getObject(
        "metadata://{bucket}/templates",
        "Read the registry's workflows configuration.",
        () => ".quilt/workflows/config.yml",
        "bytes=0-1048575",
      )(fx),
      getObject(
        "metadata://{bucket}/templates",
        "Read each workflow's metadata JSON Schema.",
        () => ".quilt/workflows/schemas/sample.json",
        "bytes=0-1048575",
      )(fx),
    ],
    // governance
    "auth://status": [
      {
        tool: "auth://status",
        api: "sts:GetCallerIdentity",
        why: "Principal, account and assumed role of the current credentials.",
        aws: [],
        emulator: { noAuthorization: "GetCallerIdentity needs no permission (AWS and moto alike)" },
        run: (c) => c.sts.send(new GetCallerIdentityCommand({})),
      },
    ],
    // athena
    "athena://workgroups": [
      {
        tool: "athena://workgroups",
        api: "athena:ListWorkGroups",
        why: "The account's workgroups (names, states, engines).",
        aws: [{ action: "athena:ListWorkGroups", resource: "*" }],
        emulator: { enforces: "athena:ListWorkGroups" },
        run: (c) => c.athena.send(new ListWorkGroupsCommand({ MaxResults: 50 })),
      },
    ],
    "athena://queries/recent": [
      {
        ...athena(
          "athena://queries/recent",
          "ListQueryExecutions",
          "The newest query executions of the server's workgroup.",
        ),
        run: (c, f) =>
          c.athena.send(new ListQueryExecutionsCommand({ WorkGroup: f.workgroup, MaxResults: 50 })),
      },
      {
        ...athena(
          "athena://queries/recent",
          "GetQueryExecution",
          "Each execution's SQL (to keep only the caller's own, by the server's mark), state and statistics.",
        ),
        run: (c, f) =>
          c.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: f.queryExecutionId })),
      },
    ],
  };
}

/** Requests each category's policy must refuse: other buckets, other prefixes, other verbs, other roles. */
export function outOfScope(fx: Fixture): Record<string, AuthzRequest[]> {
  const [b0] = fx.buckets;
  const other = fx.foreignBucket;
  const data = s3Object(fx, b0, fx.objectKey);
  const otherRole = `arn:${fx.partition}:iam::${fx.accountId}:role/someone-else`;
  const otherWorkgroup =
    `arn:${fx.partition}:athena:${fx.region}:${fx.accountId}:workgroup/primary`;
  return {
    "s3-read": [
      { action: "s3:ListBucket", resource: s3Bucket(fx, other), context: listCtx("") },
      { action: "s3:GetObject", resource: s3Object(fx, other, fx.objectKey) },
      { action: "s3:GetBucketLocation", resource: s3Bucket(fx, other) },
      { action: "s3:PutObject", resource: data },
      { action: "s3:DeleteObject", resource: data },
    ],
    "s3-write": [
      { action: "s3:PutObject", resource: s3Object(fx, other, fx.uploadKey) },
      { action: "s3:GetObject", resource: data },
      { action: "s3:DeleteObject", resource: data },
      { action: "s3:PutObjectAcl", resource: data },
    ],
    "packages-read": [
      { action: "s3:ListBucket", resource: s3Bucket(fx, b0) },
      { action: "s3:ListBucket", resource: s3Bucket(fx, b0), context: listCtx("data/") },
      { action: "s3:ListBucket", resource: s3Bucket(fx, b0), context: listCtx(".quilt/") },
      { action: "s3:GetObject", resource: data },
      { action: "s3:GetObject", resource: s3Object(fx, other, manifest(fx.topHash)) },
      { action: "s3:PutObject", resource: s3Object(fx, b0, manifest(fx.newTopHash)) },
    ],
    "packages-write": [
      { action: "s3:PutObject", resource: data },
      { action: "s3:PutObject", resource: s3Object(fx, other, manifest(fx.newTopHash)) },
      { action: "s3:DeleteObject", resource: s3Object(fx, b0, manifest(fx.topHash)) },
      { action: "s3:DeleteObject", resource: data },
      {
        action: "s3:DeleteObjectVersion",
        resource: s3Object(fx, b0, pointer(fx, fx.packageName, "latest")),
      },
      { action: "s3:GetObject", resource: s3Object(fx, other, fx.objectKey) },
    ],
    search: [
      { action: "s3:ListBucket", resource: s3Bucket(fx, b0) },
      { action: "s3:ListBucket", resource: s3Bucket(fx, b0), context: listCtx(".quilt/packages/") },
      { action: "s3:GetObject", resource: data },
      {
        action: "s3:ListBucket",
        resource: s3Bucket(fx, other),
        context: listCtx(".quilt/named_packages/"),
      },
    ],
    governance: [
      { action: "iam:SimulatePrincipalPolicy", resource: otherRole },
      { action: "iam:SimulateCustomPolicy", resource: "*" },
      { action: "s3:GetObject", resource: data },
      { action: "s3:ListBucket", resource: s3Bucket(fx, other) },
    ],
    athena: [
      { action: "athena:StartQueryExecution", resource: otherWorkgroup },
      { action: "athena:GetQueryResults", resource: otherWorkgroup },
      { action: "glue:GetTable", resource: glueArn(fx, "table/finance/ledger") },
      { action: "glue:GetDatabase", resource: glueArn(fx, "database/finance") },
      {
        action: "glue:DeleteTable",
        resource: glueArn(fx, `table/${fx.glueDatabase}/${fx.glueTable}`),
      },
      { action: "s3:PutObject", resource: s3Object(fx, fx.resultsBucket, "other/x.csv") },
      {
        action: "s3:ListBucket",
        resource: s3Bucket(fx, fx.resultsBucket),
        context: listCtx("other/"),
      },
      { action: "s3:PutObject", resource: data },
      { action: "s3:GetObject", resource: s3Object(fx, other, "tables/x.parquet") },
    ],
  };
}

/** The fixture matching the placeholder examples (the Acme Genomics domain). */
export function exampleFixture(values: PlaceholderValues = exampleValues()): Fixture {
  const str = (k: string) => values[k] as string;
  const lst = (k: string) => values[k] as readonly string[];
  return {
    partition: str("partition"),
    region: str("region"),
    accountId: str("account_id"),
    buckets: lst("bucket"),
    foreignBucket: "acme-finance-ledger",
    objectKey: "data/reads/sample-1.csv",
    objectVersionId: "3HL4kqtJlcpXroDTDmjVBH40Nrjfkd",
    uploadKey: "uploads/sample-2.csv",
    packageName: "genomics/reads",
    newPackageName: "genomics/reads-qc",
    topHash: "a".repeat(8) + "1".repeat(56),
    parentHash: "b".repeat(8) + "2".repeat(56),
    newTopHash: "c".repeat(8) + "3".repeat(56),
    pointerTimestamp: "1700000000",
    newPointerTimestamp: "1700000100",
    workgroup: str("athena_workgroup"),
    resultsBucket: str("athena_results_bucket"),
    resultsPrefix: str("athena_results_prefix"),
    glueDatabase: lst("glue_database")[0],
    glueTable: "reads",
    tablePrefix: "tables/reads/",
    selfRoleArn: lst("self_role_arn")[0],
    queryExecutionId: "0b6c7a3e-5f1d-4c1e-9a7e-2f4b8d9c0a11",
    cancelQueryExecutionId: "7d2e1f40-8a3b-4c5d-9e6f-0a1b2c3d4e5f",
  };
}
