/** governance: who am I and what may I do. @module */
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import * as z from "zod";
import type { RequestContext } from "../../context.ts";
import { mapLimit } from "../common/concurrency.ts";
import {
  defineTool,
  READ_ONLY,
  type ToolDefinition,
  type ToolDeps,
  type ToolEnv,
} from "../common/define.ts";
import { ToolError } from "../common/errors.ts";
import { bucketName, objectKey } from "../common/inputs.ts";
import { cacheKey, type CacheOwner, PermissionsCache } from "./permissions.ts";
import {
  assessBucket,
  type BucketAssessment,
  type CallerIdentity,
  callerIdentity,
  simulate,
  type Simulation,
  simulationResources,
} from "./permissions_probe.ts";

const authStatusOutput = z.object({
  principal: z.string(),
  client_type: z.string(),
  request_id: z.string(),
  role_arn: z.string().nullable(),
  aws_account: z.string().nullable(),
  aws_arn: z.string().nullable(),
  aws_user_id: z.string().nullable(),
  enabled_categories: z.array(z.string()),
});

/** Who the caller is to this server and to AWS (the auth_status tool and the auth://status resource). */
export async function authStatusOf(
  { context, deps, aws }: ToolEnv,
): Promise<z.infer<typeof authStatusOutput>> {
  const identity = await aws(
    { action: "sts:GetCallerIdentity" },
    () => deps.aws.sts().send(new GetCallerIdentityCommand({})),
  );
  return {
    principal: context.principal.id,
    client_type: context.clientType,
    request_id: context.requestId,
    role_arn: context.aws.roleArn ?? null,
    aws_account: identity.Account ?? null,
    aws_arn: identity.Arn ?? null,
    aws_user_id: identity.UserId ?? null,
    enabled_categories: [...context.enabledCategories].sort(),
  };
}

const authStatus = defineTool({
  name: "auth_status",
  title: "Who am I",
  description:
    "Shows the identity this server acts as for you: your principal, client type, the AWS role and session (from STS GetCallerIdentity) and the enabled tool categories. Use it first when access fails or to confirm which account and role you are using. Returns no secrets.",
  input: z.object({}),
  output: authStatusOutput,
  annotations: READ_ONLY,
  run: (_args, env) => authStatusOf(env),
});

/** Most buckets one discovery call assesses. */
const MAX_DISCOVER_BUCKETS = 50;
/** Bound on cached answers per process (principals × buckets). */
const CACHE_ENTRIES = 5000;
/** Buckets assessed at once. */
const ASSESS_CONCURRENCY = 4;

type SimulationSummary = Omit<Simulation, "results">;
interface CachedAssessment {
  readonly assessment: BucketAssessment;
  readonly simulation: SimulationSummary;
}
interface DiscoveryCaches {
  readonly assessments: PermissionsCache<CachedAssessment>;
  readonly identities: PermissionsCache<CallerIdentity>;
}

/**
 * One cache set per process runtime (its ToolDeps), so two runtimes in one process (tests) never
 * share answers. What is cached are answers keyed by verified principal and role — never
 * credentials, tokens or anything consulted for authorization (see PermissionsCache).
 */
const cachesByRuntime = new WeakMap<ToolDeps, DiscoveryCaches>();

function cachesOf(deps: ToolDeps): DiscoveryCaches {
  let caches = cachesByRuntime.get(deps);
  if (!caches) {
    const options = { ttlSeconds: deps.config.permissionsCacheSeconds, maxEntries: CACHE_ENTRIES };
    caches = {
      assessments: new PermissionsCache(options),
      identities: new PermissionsCache(options),
    };
    cachesByRuntime.set(deps, caches);
  }
  return caches;
}

function ownerOf(context: RequestContext): CacheOwner {
  return {
    clientType: context.clientType,
    issuer: context.principal.issuer,
    principal: context.principal.id,
    roleArn: context.aws.roleArn,
  };
}

async function identityFor(env: ToolEnv, owner: CacheOwner, refresh: boolean) {
  const caches = cachesOf(env.deps);
  const key = cacheKey(owner, "identity");
  const cached = refresh ? undefined : caches.identities.get(key);
  if (cached) return cached;
  const identity = await callerIdentity(env);
  caches.identities.set(key, identity);
  return identity;
}

/** Assesses `buckets` for the caller, from the cache where allowed; in input order. */
async function discover(
  env: ToolEnv,
  targets: ReadonlyArray<{ bucket: string; key?: string }>,
  refresh: boolean,
): Promise<{
  identity: CallerIdentity | null;
  simulation: SimulationSummary | null;
  answers: Array<CachedAssessment & { fromCache: boolean }>;
}> {
  const caches = cachesOf(env.deps);
  const owner = ownerOf(env.context);
  const keyOf = (t: { bucket: string; key?: string }) =>
    cacheKey(owner, "bucket", t.bucket, t.key ?? "");
  const answers = new Array<CachedAssessment & { fromCache: boolean }>(targets.length);
  const todo: number[] = [];
  targets.forEach((t, i) => {
    const hit = refresh ? undefined : caches.assessments.get(keyOf(t));
    if (hit) answers[i] = { ...hit, fromCache: true };
    else todo.push(i);
  });
  let identity: CallerIdentity | null = null;
  let simulation: SimulationSummary | null = answers.find((a) => a)?.simulation ?? null;
  if (todo.length > 0) {
    identity = await identityFor(env, owner, refresh);
    const id = identity;
    const sim = await simulate(
      env,
      id,
      todo.flatMap((i) => simulationResources(id.partition, targets[i].bucket, targets[i].key)),
    );
    const { results: _, ...summary } = sim;
    simulation = summary;
    await mapLimit(todo, ASSESS_CONCURRENCY, async (i) => {
      const assessment = await assessBucket(env, {
        bucket: targets[i].bucket,
        key: targets[i].key,
        partition: id.partition,
        simulation: sim,
        probeRead: env.context.enabledCategories.has("s3-read"),
      });
      const entry = { assessment, simulation: summary };
      caches.assessments.set(keyOf(targets[i]), entry);
      answers[i] = { ...entry, fromCache: false };
    });
  } else if (answers.length > 0) {
    identity = caches.identities.get(cacheKey(owner, "identity")) ?? null;
  }
  return { identity, simulation, answers };
}

const decision = z.enum(["allowed", "denied", "unknown"]);
const source = z.enum(["simulation", "probe", "none"]);
const simulationOutput = z.object({
  status: z.enum(["used", "denied", "unavailable", "not_applicable", "skipped"]).describe(
    "used: iam:SimulatePrincipalPolicy answered; denied: the role may not simulate itself; unavailable: the simulation failed; not_applicable: the caller is not an IAM role or user",
  ),
  source_arn: z.string().nullable(),
  detail: z.string().nullable(),
});
const simulationOut = (s: SimulationSummary | null) =>
  s
    ? { status: s.status, source_arn: s.sourceArn, detail: s.detail }
    : { status: "skipped" as const, source_arn: null, detail: "no bucket needed an AWS check" };

const serverAllows = (deps: ToolDeps, bucket: string) =>
  deps.config.buckets.length === 0 || deps.config.buckets.includes(bucket);

const NOT_CONFIGURED =
  "This server is not configured for this bucket (QUILT_MCP_BUCKETS), so no tool will use it; nothing was checked.";

const permissionsDiscover = defineTool({
  name: "permissions_discover",
  title: "Discover bucket permissions",
  description:
    "Tells you, per bucket, whether you can list, read and write — for the buckets this server is configured for, or the buckets you name. Use it before a task to see which buckets are usable, or after an access error. It simulates your role's IAM policies where allowed and otherwise makes safe read-only probes; it never writes, so write access may be 'unknown'. Answers are cached per user for a few minutes (pass refresh: true to re-check).",
  input: z.object({
    buckets: z.array(bucketName).min(1).max(MAX_DISCOVER_BUCKETS).optional().describe(
      `Buckets to check (1–${MAX_DISCOVER_BUCKETS}); default: the server's configured buckets`,
    ),
    refresh: z.boolean().default(false).describe("Ignore cached answers and check again"),
  }),
  output: z.object({
    principal: z.string(),
    caller_arn: z.string().nullable(),
    simulation: simulationOutput,
    buckets: z.array(z.object({
      bucket: z.string(),
      server_allows: z.boolean(),
      exists: z.boolean().nullable(),
      region: z.string().nullable(),
      list: decision,
      read: decision,
      write: decision,
      sources: z.object({ list: source, read: source, write: source }),
      notes: z.array(z.string()),
      evaluated_at: z.string().nullable(),
      from_cache: z.boolean(),
    })),
    cache_ttl_seconds: z.number(),
  }),
  annotations: READ_ONLY,
  async run(args, env) {
    const { config } = env.deps;
    const requested = [...new Set(args.buckets ?? config.buckets)];
    if (requested.length === 0) {
      throw new ToolError(
        "invalid_input",
        "No buckets are configured on this server (QUILT_MCP_BUCKETS); pass the buckets to check.",
      );
    }
    if (requested.length > MAX_DISCOVER_BUCKETS) {
      throw new ToolError(
        "invalid_input",
        `At most ${MAX_DISCOVER_BUCKETS} buckets per call; pass a shorter list in buckets.`,
      );
    }
    const allowed = requested.filter((b) => serverAllows(env.deps, b));
    const found = await discover(env, allowed.map((bucket) => ({ bucket })), args.refresh);
    const byBucket = new Map(allowed.map((b, i) => [b, found.answers[i]]));
    return {
      principal: env.context.principal.id,
      caller_arn: found.identity?.callerArn ?? null,
      simulation: simulationOut(found.simulation),
      buckets: requested.map((bucket) => {
        const answer = byBucket.get(bucket);
        if (!answer) {
          return {
            bucket,
            server_allows: false,
            exists: null,
            region: null,
            list: "unknown" as const,
            read: "unknown" as const,
            write: "unknown" as const,
            sources: { list: "none" as const, read: "none" as const, write: "none" as const },
            notes: [NOT_CONFIGURED],
            evaluated_at: null,
            from_cache: false,
          };
        }
        const a = answer.assessment;
        return {
          bucket,
          server_allows: true,
          exists: a.exists,
          region: a.region,
          list: a.list,
          read: a.read,
          write: a.write,
          sources: a.sources,
          notes: [...a.notes],
          evaluated_at: a.evaluatedAt,
          from_cache: answer.fromCache,
        };
      }),
      cache_ttl_seconds: config.permissionsCacheSeconds,
    };
  },
});

const bucketAccessCheck = defineTool({
  name: "bucket_access_check",
  title: "Check access to one bucket",
  description:
    "Checks in detail what you can do in one S3 bucket (optionally for one object key): whether it exists, its region, and whether you can list, read and write, with every check made and where each answer came from (IAM policy simulation or a safe read-only probe). Use it to explain an access error or before writing to a bucket. It never writes to the bucket.",
  input: z.object({
    bucket: bucketName,
    key: objectKey.optional().describe("Check reading and writing this object key specifically"),
    refresh: z.boolean().default(false).describe("Ignore a cached answer and check again"),
  }),
  output: z.object({
    bucket: z.string(),
    key: z.string().nullable(),
    principal: z.string(),
    caller_arn: z.string().nullable(),
    server_allows: z.boolean(),
    exists: z.boolean().nullable(),
    region: z.string().nullable(),
    list: decision,
    read: decision,
    write: decision,
    sources: z.object({ list: source, read: source, write: source }),
    checks: z.array(z.object({
      action: z.string(),
      resource: z.string(),
      result: z.enum(["allowed", "denied", "not_found", "unknown"]),
      source: z.enum(["simulation", "probe"]),
      detail: z.string().nullable(),
    })),
    simulation: simulationOutput,
    notes: z.array(z.string()),
    evaluated_at: z.string().nullable(),
    from_cache: z.boolean(),
  }),
  annotations: READ_ONLY,
  async run(args, env) {
    const base = {
      bucket: args.bucket,
      key: args.key ?? null,
      principal: env.context.principal.id,
    };
    if (!serverAllows(env.deps, args.bucket)) {
      return {
        ...base,
        caller_arn: null,
        server_allows: false,
        exists: null,
        region: null,
        list: "unknown" as const,
        read: "unknown" as const,
        write: "unknown" as const,
        sources: { list: "none" as const, read: "none" as const, write: "none" as const },
        checks: [],
        simulation: simulationOut(null),
        notes: [NOT_CONFIGURED],
        evaluated_at: null,
        from_cache: false,
      };
    }
    const found = await discover(env, [{ bucket: args.bucket, key: args.key }], args.refresh);
    const { assessment: a, fromCache } = found.answers[0];
    return {
      ...base,
      caller_arn: found.identity?.callerArn ?? null,
      server_allows: true,
      exists: a.exists,
      region: a.region,
      list: a.list,
      read: a.read,
      write: a.write,
      sources: a.sources,
      checks: [...a.checks],
      simulation: simulationOut(found.simulation),
      notes: [...a.notes],
      evaluated_at: a.evaluatedAt,
      from_cache: fromCache,
    };
  },
});

/** Tools of the governance category. */
export const GOVERNANCE_TOOLS: readonly ToolDefinition[] = [
  authStatus,
  permissionsDiscover,
  bucketAccessCheck,
];
