/**
 * Pure logic of permission discovery: which ARN to simulate for the caller, how IAM simulation
 * results and live read probes combine into one answer per bucket, and the bounded TTL cache of
 * those answers. No I/O here; permissions_probe.ts talks to AWS.
 * @module
 */

/** What discovery can say about one capability. */
export type Decision = "allowed" | "denied" | "unknown";
/** Where a decision came from. */
export type DecisionSource = "simulation" | "probe" | "none";

/** The three capabilities discovery reports, with the S3 action each stands for. */
export const CAPABILITIES = {
  list: "s3:ListBucket",
  read: "s3:GetObject",
  write: "s3:PutObject",
} as const;

/** A capability name. */
export type Capability = keyof typeof CAPABILITIES;

/**
 * The IAM principal ARN to simulate for a caller: an assumed-role session ARN
 * (`arn:aws:sts::123:assumed-role/Name/session`) becomes its role ARN. The session ARN drops the
 * role's path, so the context's own role ARN (known in per-user mode, path included) wins when it
 * names the same role. IAM users and roles are used as they are; the account root, federated
 * users and anything else cannot be simulated (undefined).
 */
export function simulationArn(callerArn: string, contextRoleArn?: string): string | undefined {
  const m = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/[^/]+$/.exec(
    callerArn,
  );
  if (m) {
    const [, partition, account, name] = m;
    if (contextRoleArn) {
      const ctx = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\w+=,.@\/-]*\/)?([\w+=,.@-]{1,64})$/
        .exec(contextRoleArn);
      if (ctx && ctx[1] === partition && ctx[2] === account && ctx[3] === name) {
        return contextRoleArn;
      }
    }
    return `arn:${partition}:iam::${account}:role/${name}`;
  }
  if (/^arn:aws[a-z-]*:iam::\d{12}:(user|role)\/[\w+=,.@\/-]+$/.test(callerArn)) return callerArn;
  return undefined;
}

/** The partition of an ARN (aws, aws-cn, aws-us-gov), defaulting to aws. */
export function partitionOf(arn: string | undefined): string {
  return /^arn:(aws[a-z-]*):/.exec(arn ?? "")?.[1] ?? "aws";
}

/** ARN of a bucket. */
export function bucketArn(partition: string, bucket: string): string {
  return `arn:${partition}:s3:::${bucket}`;
}

/** ARN of the objects of a bucket (one key, or all of them). */
export function objectArn(partition: string, bucket: string, key?: string): string {
  return `arn:${partition}:s3:::${bucket}/${key ?? "*"}`;
}

/** The slice of an IAM simulation result this module reads. */
export interface SimulationResult {
  EvalActionName?: string;
  EvalResourceName?: string;
  EvalDecision?: string;
  ResourceSpecificResults?: Array<{ EvalResourceName?: string; EvalResourceDecision?: string }>;
}

/** IAM's decision words → ours: anything but "allowed" (explicitDeny, implicitDeny) is a denial. */
export function fromIamDecision(decision: string | undefined): Decision {
  if (decision === undefined) return "unknown";
  return decision === "allowed" ? "allowed" : "denied";
}

/**
 * Looks up the simulated decision of `action` on `resource` in simulation results (decisions are
 * reported per resource either in the result itself or in its resource-specific list).
 */
export function simulatedDecision(
  results: readonly SimulationResult[],
  action: string,
  resource: string,
): Decision {
  for (const r of results) {
    if (r.EvalActionName !== action) continue;
    for (const rs of r.ResourceSpecificResults ?? []) {
      if (rs.EvalResourceName === resource) return fromIamDecision(rs.EvalResourceDecision);
    }
    if (r.EvalResourceName === resource) return fromIamDecision(r.EvalDecision);
  }
  return "unknown";
}

/**
 * One capability's answer: a live probe that got an answer wins (it sees bucket policies, SCPs
 * and KMS, which the identity-policy simulation does not); otherwise the simulation; otherwise
 * unknown.
 */
export function combine(
  probe: Decision | undefined,
  simulated: Decision | undefined,
): { decision: Decision; source: DecisionSource } {
  if (probe === "allowed" || probe === "denied") return { decision: probe, source: "probe" };
  if (simulated === "allowed" || simulated === "denied") {
    return { decision: simulated, source: "simulation" };
  }
  return { decision: "unknown", source: "none" };
}

/** Who the cached answers belong to: the verified principal and the AWS role it acts as. */
export interface CacheOwner {
  readonly clientType: string;
  readonly issuer?: string;
  readonly principal: string;
  readonly roleArn?: string;
}

/** The cache key of one answer for `owner` (NUL-separated: no field can contain NUL). */
export function cacheKey(owner: CacheOwner, ...parts: string[]): string {
  return [owner.clientType, owner.issuer ?? "", owner.principal, owner.roleArn ?? "", ...parts]
    .join("\u0000");
}

/**
 * A bounded TTL cache of discovery answers. It holds results, never credentials or tokens, and is
 * never consulted to authorize anything: every data call is still authorized by AWS with the
 * caller's own credentials. Keys carry the verified principal and role, so one caller's answers
 * are never shown to another. The oldest entry is evicted first once `maxEntries` is reached.
 */
export class PermissionsCache<V> {
  readonly #entries = new Map<string, { value: V; expires: number }>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: { ttlSeconds: number; maxEntries: number; now?: () => number }) {
    this.#ttlMs = options.ttlSeconds * 1000;
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
  }

  /** Entries currently held (expired ones included until touched or evicted). */
  get size(): number {
    return this.#entries.size;
  }

  /** The unexpired value at `key`. */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Stores `value` for the TTL (a TTL of 0 disables caching). */
  set(key: string, value: V): void {
    if (this.#ttlMs <= 0) return;
    this.#entries.delete(key);
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    this.#entries.set(key, { value, expires: this.#now() + this.#ttlMs });
  }
}
