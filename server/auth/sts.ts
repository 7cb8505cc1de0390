/**
 * Per-user AWS credentials through STS AssumeRole (role chaining from the task role): session name,
 * source identity and session tags derived from verified claims only, duration ≤ 1 hour, cached
 * per (role, subject, tags) with single-flight refresh, and a backoff per (role, subject) after STS
 * throttled or was unreachable (sts_backoff.ts).
 * @module
 */
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentials } from "../aws/settings.ts";
import type { Logger } from "../telemetry/logger.ts";
import type { Metrics } from "../telemetry/metrics.ts";
import type { AwsSettings } from "../aws/settings.ts";
import { CredentialCache, type TemporaryCredentials } from "./credential_cache.ts";
import { roleSessionNameFor, sourceIdentityFor } from "./sanitize.ts";
import { classifyStsFailure, StsBackoff, type StsBackoffOptions } from "./sts_backoff.ts";

/** Tag keys the server always sends; trust policies require exactly these (plus configured extras). */
export const ALWAYS_SENT_TAG_KEYS = ["QuiltMcpSubject", "QuiltMcpClient"] as const;

/**
 * The names of a principal's STS session. AWS records both on the AssumeRole event and on every call
 * the session makes (CloudTrail `userIdentity`), so the audit record carries the same values: they
 * are the join key between the server's audit trail and CloudTrail.
 */
export interface SessionNames {
  readonly roleSessionName: string;
  readonly sourceIdentity: string;
}

/** The RoleSessionName and SourceIdentity sent to STS for a verified subject (deterministic). */
export function sessionNamesFor(subject: string): SessionNames {
  return {
    roleSessionName: roleSessionNameFor(subject),
    sourceIdentity: sourceIdentityFor(subject),
  };
}

/** What to assume for whom. */
export interface AssumeRequest {
  roleArn: string;
  subject: string;
  tags: Readonly<Record<string, string>>;
}

/**
 * What the caller can do about a failed AssumeRole: wait for a throttled or unreachable STS, or
 * have the role's trust policy and the allow-list checked (the trust-policy advice misleads when
 * STS was merely busy or down).
 */
function adviceFor(cause: unknown): string {
  if (cause instanceof StsBackoffActive) {
    return `STS ${
      cause.kind === "throttled" ? "is throttling requests" : "is unreachable"
    }; retry in ${Math.ceil(cause.ms / 1000)} s`;
  }
  switch (classifyStsFailure(cause)) {
    case "throttled":
      return "STS is throttling requests; retry shortly";
    case "unavailable":
      return "STS is unreachable; retry shortly";
    default:
      return "check the role's trust policy and the allow-list";
  }
}

/** No AssumeRole was made: the (role, principal) is inside a backoff window. */
export class StsBackoffActive extends Error {
  /** Milliseconds left in the window. */
  readonly ms: number;
  /** Why the window was opened. */
  readonly kind: "throttled" | "unavailable";
  constructor(ms: number, kind: "throttled" | "unavailable") {
    super(`backing off for ${ms} ms after STS was ${kind}`);
    this.name = "StsBackoff";
    this.ms = ms;
    this.kind = kind;
  }
}

/** Per-user credentials could not be obtained (AssumeRole failed); tools report it as such. */
export class CredentialsUnavailableError extends Error {
  /** The AWS error name of the AssumeRole failure. */
  readonly awsError: string;
  constructor(roleArn: string, cause: unknown) {
    const name = (cause as Error)?.name ?? "Error";
    super(`could not assume ${roleArn} for this principal (${name}); ${adviceFor(cause)}`, {
      cause,
    });
    this.name = "CredentialsUnavailable";
    this.awsError = name;
  }
}

/** AWS error names after which cached credentials must not be reused. */
const POISONING_ERRORS: ReadonlySet<string> = new Set([
  "ExpiredToken",
  "ExpiredTokenException",
  "AccessDenied",
  "AccessDeniedException",
  "InvalidClientTokenId",
]);

/** One principal's view of {@link PerUserCredentials} (see {@link PerUserCredentials.forPrincipal}). */
export interface PrincipalCredentials {
  /** Credentials for the principal's AWS clients (cached; one AssumeRole flight at a time). */
  readonly provider: () => Promise<AwsCredentials>;
  /** Milliseconds until credentials can be obtained (0 = now); see {@link PerUserCredentials.retryAfterMs}. */
  retryAfterMs(): number;
  /** Forgets the cached credentials after AWS rejected them with `errorName` (when that poisons them). */
  invalidate(errorName: string): void;
}

/** Assumes per-user roles and caches the results. */
export class PerUserCredentials {
  readonly #sts: STSClient;
  readonly #cache: CredentialCache;
  readonly #backoff: StsBackoff;
  readonly #durationSeconds: number;
  readonly #logger: Logger;
  readonly #metrics: Metrics;

  constructor(
    settings: AwsSettings,
    options: {
      durationSeconds: number;
      cacheSize: number;
      logger: Logger;
      metrics: Metrics;
      now?: () => number;
      /** Backoff windows after throttling/unavailability (defaults: 1 s doubling to 30 s). */
      backoff?: Omit<StsBackoffOptions, "now">;
      /** An STS client to use instead of the configured one (unit tests). */
      sts?: STSClient;
    },
  ) {
    // The STS client signs with the task's own credentials (default chain); it never sees a user token.
    this.#sts = options.sts ?? new STSClient({ ...settings.clientConfig(), maxAttempts: 4 });
    this.#durationSeconds = Math.min(options.durationSeconds, 3600);
    this.#logger = options.logger;
    this.#metrics = options.metrics;
    this.#backoff = new StsBackoff({ ...options.backoff, now: options.now });
    this.#cache = new CredentialCache({
      maxEntries: options.cacheSize,
      now: options.now,
      onHit: () => options.metrics.count("CredentialCacheHit"),
      onMiss: () => options.metrics.count("CredentialCacheMiss"),
    });
  }

  /** Number of cached credential sets (tests, bench). */
  get cacheSize(): number {
    return this.#cache.size;
  }

  /**
   * One principal's credentials, with the cache and backoff keys derived once: the web
   * authenticator keeps this per verified token, so requests of a principal do not rebuild it.
   */
  forPrincipal(request: AssumeRequest): PrincipalCredentials {
    const key = CredentialCache.key(request.roleArn, request.subject, request.tags);
    const backoffKey = StsBackoff.key(request.roleArn, request.subject);
    // Inside a backoff window no AssumeRole is made; credentials still valid in the cache are served.
    const fetch = () => {
      const wait = this.#backoff.remaining(backoffKey);
      if (wait.ms > 0) return Promise.reject(new StsBackoffActive(wait.ms, wait.kind!));
      return this.#assume(request, backoffKey);
    };
    return {
      provider: async () => {
        try {
          return { ...(await this.#cache.get(key, fetch)) };
        } catch (e) {
          throw new CredentialsUnavailableError(request.roleArn, e);
        }
      },
      retryAfterMs: () => this.#cache.holdsValid(key) ? 0 : this.#backoff.remaining(backoffKey).ms,
      invalidate: (errorName) => {
        if (POISONING_ERRORS.has(errorName)) this.#cache.drop(key);
      },
    };
  }

  /** A credential provider for one principal, for the AWS SDK clients of its requests. */
  provider(request: AssumeRequest): () => Promise<AwsCredentials> {
    return this.forPrincipal(request).provider;
  }

  /**
   * Milliseconds until a request of this principal can obtain credentials: 0 when the cache holds
   * valid ones or no backoff is open, else the rest of the backoff window (the client is answered
   * 503 with Retry-After instead of being sent into a tool that cannot reach AWS).
   */
  retryAfterMs(request: AssumeRequest): number {
    return this.forPrincipal(request).retryAfterMs();
  }

  /** Forgets the credentials of a principal after AWS rejected them. */
  invalidate(request: AssumeRequest, errorName: string): void {
    this.forPrincipal(request).invalidate(errorName);
  }

  /** Readiness: STS answers GetCallerIdentity with the task's credentials. */
  async probe(): Promise<void> {
    await this.#sts.send(new GetCallerIdentityCommand({}), {
      abortSignal: AbortSignal.timeout(3000),
    });
  }

  async #assume(request: AssumeRequest, backoffKey: string): Promise<TemporaryCredentials> {
    const started = performance.now();
    const names = sessionNamesFor(request.subject);
    try {
      const out = await this.#sts.send(
        new AssumeRoleCommand({
          RoleArn: request.roleArn,
          RoleSessionName: names.roleSessionName,
          SourceIdentity: names.sourceIdentity,
          DurationSeconds: this.#durationSeconds,
          Tags: Object.entries(request.tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
        throw new Error("STS AssumeRole returned no credentials");
      }
      this.#backoff.succeeded(backoffKey);
      this.#metrics.count("StsAssume", { Outcome: "ok" });
      this.#logger.info("sts_assume", {
        outcome: "ok",
        role_arn: request.roleArn,
        principal: request.subject,
        source_identity: names.sourceIdentity,
        role_session_name: names.roleSessionName,
        latency_ms: Math.round(performance.now() - started),
      });
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: new Date(c.Expiration),
      };
    } catch (e) {
      const backoffMs = this.#backoff.failed(backoffKey, classifyStsFailure(e));
      this.#metrics.count("StsAssume", { Outcome: "error" });
      this.#metrics.count("AuthFailure", {
        ClientType: "web-jwt",
        Reason: "credentials_unavailable",
      });
      this.#logger.warn("sts_assume", {
        outcome: "error",
        role_arn: request.roleArn,
        principal: request.subject,
        source_identity: names.sourceIdentity,
        role_session_name: names.roleSessionName,
        reason: (e as Error).name,
        error: (e as Error).message,
        latency_ms: Math.round(performance.now() - started),
        backoff_ms: backoffMs > 0 ? backoffMs : undefined,
      });
      throw e;
    }
  }
}
