/**
 * The AWS side of permission discovery: the caller's identity, an IAM policy simulation of the
 * caller's own role, and safe read-only probes (GetBucketLocation, ListObjectsV2 with MaxKeys=1,
 * and — where the s3-read category is enabled — HeadObject of one key). Nothing here ever writes:
 * write access is known only from the simulation, or reported as unknown.
 * @module
 */
import {
  GetBucketLocationCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
} from "@aws-sdk/client-s3";
import { SimulatePrincipalPolicyCommand } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { ToolEnv } from "../common/define.ts";
import { mapAwsError, ToolError } from "../common/errors.ts";
import {
  bucketArn,
  CAPABILITIES,
  combine,
  type Decision,
  type DecisionSource,
  objectArn,
  partitionOf,
  simulatedDecision,
  simulationArn,
  type SimulationResult,
} from "./permissions.ts";

/** The caller as AWS sees it. */
export interface CallerIdentity {
  readonly callerArn: string | null;
  readonly account: string | null;
  readonly partition: string;
  /** The principal ARN to simulate, when the caller has one that IAM can simulate. */
  readonly simulationArn: string | null;
}

/** Outcome of the policy simulation. */
export interface Simulation {
  /** used | denied (no iam:SimulatePrincipalPolicy) | unavailable (failed) | not_applicable. */
  readonly status: "used" | "denied" | "unavailable" | "not_applicable";
  readonly sourceArn: string | null;
  readonly detail: string | null;
  readonly results: readonly SimulationResult[];
}

/** One check that was made, for the detailed answer. */
export interface Check {
  readonly action: string;
  readonly resource: string;
  readonly result: "allowed" | "denied" | "not_found" | "unknown";
  readonly source: "simulation" | "probe";
  readonly detail: string | null;
}

/** Everything known about one bucket (and optionally one key) for the caller. */
export interface BucketAssessment {
  readonly bucket: string;
  readonly key: string | null;
  readonly exists: boolean | null;
  readonly region: string | null;
  readonly list: Decision;
  readonly read: Decision;
  readonly write: Decision;
  readonly sources: { list: DecisionSource; read: DecisionSource; write: DecisionSource };
  readonly checks: readonly Check[];
  readonly notes: readonly string[];
  readonly evaluatedAt: string;
}

// Errors after which the session's credentials must be dropped and the answer is "retry", not "denied".
const CREDENTIAL_ERRORS: ReadonlySet<string> = new Set([
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidClientTokenId",
]);

type ProbeOutcome<T> = { ok: true; value: T } | { ok: false; error: ToolError };

/**
 * Runs a probe whose denial is an answer, not a failure. Unlike env.aws, an expected AccessDenied
 * does not evict the caller's cached credentials (the core drops them on AccessDenied); expired
 * or invalid credentials still do, and an unreachable AWS still fails the tool.
 */
async function probe<T>(
  env: ToolEnv,
  call: { action: string; target: string; category: string },
  fn: () => Promise<T>,
): Promise<ProbeOutcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    const name = (e as { name?: string })?.name ?? "";
    const error = mapAwsError(e, call);
    if (CREDENTIAL_ERRORS.has(name)) {
      env.context.aws.onCredentialError?.(name);
      throw error;
    }
    if (error.code === "aws_unreachable" || error.code === "timeout") throw error;
    return { ok: false, error };
  }
}

/** The caller's identity (sts:GetCallerIdentity needs no permission). */
export async function callerIdentity(env: ToolEnv): Promise<CallerIdentity> {
  const out = await env.aws(
    { action: "sts:GetCallerIdentity" },
    () => env.deps.aws.sts().send(new GetCallerIdentityCommand({})),
  );
  const arn = out.Arn ?? null;
  return {
    callerArn: arn,
    account: out.Account ?? null,
    partition: partitionOf(arn ?? undefined),
    simulationArn: arn ? simulationArn(arn, env.context.aws.roleArn) ?? null : null,
  };
}

const SIMULATION_PAGES = 20;
const RESOURCES_PER_SIMULATION = 20;

/**
 * Simulates list/read/write of the caller's own role on `resources` with
 * iam:SimulatePrincipalPolicy. The simulation covers identity policies, permission boundaries and
 * SCPs, not bucket policies — which is why live probes win where they answer.
 */
export async function simulate(
  env: ToolEnv,
  identity: CallerIdentity,
  resources: readonly string[],
): Promise<Simulation> {
  const sourceArn = identity.simulationArn;
  if (!sourceArn) {
    return {
      status: "not_applicable",
      sourceArn: null,
      detail: "the caller is not an IAM role or user, so its policies cannot be simulated",
      results: [],
    };
  }
  const results: SimulationResult[] = [];
  for (let i = 0; i < resources.length; i += RESOURCES_PER_SIMULATION) {
    const chunk = resources.slice(i, i + RESOURCES_PER_SIMULATION);
    let marker: string | undefined;
    for (let page = 0; page < SIMULATION_PAGES; page++) {
      const out = await probe(
        env,
        { action: "iam:SimulatePrincipalPolicy", target: sourceArn, category: "governance" },
        () =>
          env.deps.aws.iam().send(
            new SimulatePrincipalPolicyCommand({
              PolicySourceArn: sourceArn,
              ActionNames: Object.values(CAPABILITIES),
              ResourceArns: chunk,
              Marker: marker,
            }),
          ),
      );
      if (!out.ok) {
        const denied = out.error.code === "access_denied";
        return {
          status: denied ? "denied" : "unavailable",
          sourceArn,
          // First line only: SDK deserialization errors append a multi-line hint.
          detail: out.error.message.split("\n")[0],
          results: [],
        };
      }
      results.push(...(out.value.EvaluationResults ?? []));
      if (!out.value.IsTruncated || !out.value.Marker) break;
      marker = out.value.Marker;
    }
  }
  return { status: "used", sourceArn, detail: null, results };
}

/** The resources a simulation for `bucket` (and optionally `key`) must cover. */
export function simulationResources(partition: string, bucket: string, key?: string): string[] {
  return [bucketArn(partition, bucket), objectArn(partition, bucket, key)];
}

function probeCheck(
  action: string,
  resource: string,
  outcome: ProbeOutcome<unknown>,
): Check {
  if (outcome.ok) return { action, resource, result: "allowed", source: "probe", detail: null };
  const code = outcome.error.code;
  return {
    action,
    resource,
    result: code === "access_denied" ? "denied" : code === "not_found" ? "not_found" : "unknown",
    source: "probe",
    detail: outcome.error.message,
  };
}

const asDecision = (c: Check | undefined): Decision | undefined =>
  c?.result === "allowed" || c?.result === "denied" ? c.result : undefined;

/**
 * Assesses one bucket: live read-only probes, combined with the simulation when there is one.
 * `key` narrows the read check (and the simulated object ARN) to one object.
 */
export async function assessBucket(
  env: ToolEnv,
  target: {
    bucket: string;
    key?: string;
    partition: string;
    simulation: Simulation;
    /**
     * Whether a HeadObject read probe may be made: s3:GetObject is granted by the s3-read
     * category's policy, not governance's, so the probe runs only where s3-read is enabled.
     */
    probeRead: boolean;
  },
): Promise<BucketAssessment> {
  const { bucket, key, partition, simulation, probeRead } = target;
  const s3 = env.deps.aws.s3();
  const bArn = bucketArn(partition, bucket);
  const oArn = objectArn(partition, bucket, key);
  const checks: Check[] = [];
  const notes: string[] = [];

  const location = await probe(
    env,
    { action: "s3:GetBucketLocation", target: `s3://${bucket}`, category: "governance" },
    () => s3.send(new GetBucketLocationCommand({ Bucket: bucket })),
  );
  checks.push(probeCheck("s3:GetBucketLocation", bArn, location));
  const listed = await probe(
    env,
    { action: "s3:ListBucket", target: `s3://${bucket}`, category: "governance" },
    () => s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 })),
  );
  const listCheck = probeCheck("s3:ListBucket", bArn, listed);
  checks.push(listCheck);

  const missing = [location, listed].some((o) => !o.ok && o.error.code === "not_found");
  const exists = missing ? false : location.ok || listed.ok ? true : null;
  const region = location.ok ? (location.value.LocationConstraint || "us-east-1") : null;
  if (exists === false) {
    notes.push("The bucket does not exist (or its name is misspelled).");
  }

  let readCheck: Check | undefined;
  const readKey = key ?? (listed.ok ? listed.value.Contents?.[0]?.Key : undefined);
  if (exists !== false && !probeRead) {
    notes.push(
      "Reading was not probed: the s3-read tool category (whose policy grants s3:GetObject) is not enabled.",
    );
  } else if (exists !== false && readKey !== undefined) {
    const head = await probe(
      env,
      { action: "s3:GetObject", target: `s3://${bucket}/${readKey}`, category: "s3-read" },
      () => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: readKey })),
    );
    readCheck = probeCheck("s3:GetObject", objectArn(partition, bucket, readKey), head);
    checks.push(readCheck);
    if (readCheck.result === "not_found") notes.push(`The object '${readKey}' does not exist.`);
    if (key !== undefined && readCheck.result === "denied" && listCheck.result !== "allowed") {
      notes.push(
        "Without s3:ListBucket, S3 answers 403 for missing keys too: the object may simply not exist.",
      );
    }
  } else if (exists !== false && listed.ok) {
    notes.push("The bucket is empty, so reading could not be probed.");
  }

  const simulated = (action: string, resource: string): Decision | undefined => {
    if (simulation.status !== "used") return undefined;
    const decision = simulatedDecision(simulation.results, action, resource);
    checks.push({ action, resource, result: decision, source: "simulation", detail: null });
    return decision;
  };
  const simList = simulated(CAPABILITIES.list, bArn);
  const simRead = simulated(CAPABILITIES.read, oArn);
  const simWrite = simulated(CAPABILITIES.write, oArn);

  if (exists === false) {
    return {
      bucket,
      key: key ?? null,
      exists,
      region,
      list: "unknown",
      read: "unknown",
      write: "unknown",
      sources: { list: "none", read: "none", write: "none" },
      checks,
      notes,
      evaluatedAt: new Date().toISOString(),
    };
  }
  const list = combine(asDecision(listCheck), simList);
  const read = combine(asDecision(readCheck), simRead);
  // Writing is never probed: a probe would modify the bucket.
  const write = combine(undefined, simWrite);
  if (write.decision === "unknown") {
    notes.push(
      "Write access is unknown: it is never probed (that would modify data) and the policy simulation was not available.",
    );
  }
  if (simulation.status === "used") {
    notes.push(
      "Simulated decisions cover the role's identity policies, boundaries and SCPs, not bucket policies or KMS key policies.",
    );
  }
  return {
    bucket,
    key: key ?? null,
    exists,
    region,
    list: list.decision,
    read: read.decision,
    write: write.decision,
    sources: { list: list.source, read: read.source, write: write.source },
    checks,
    notes,
    evaluatedAt: new Date().toISOString(),
  };
}
