/**
 * Authentication and authorization of one web request, before anything else touches it: the bearer
 * token (header only) → the configured verifier → required scopes → the role the principal may
 * assume → a request context. Failures become the HTTP answer the MCP authorization spec requires
 * (401/403 with a WWW-Authenticate challenge naming the resource metadata; 400 for a malformed
 * request; 503 when the issuer's keys are unreachable) and never reach a tool.
 * @module
 */
import {
  type AuthInfo,
  bearerAuthChallengeResponse,
  OAuthError,
  OAuthErrorCode,
  type OAuthTokenVerifier,
} from "@modelcontextprotocol/server";
import type { Config } from "../config/schema.ts";
import type { ContextAws, Principal } from "../context.ts";
import { extractBearerToken } from "../auth/bearer.ts";
import {
  JwksUnavailableError,
  MalformedAuthRequestError,
  RoleDeniedError,
  TokenRejectedError,
} from "../auth/errors.ts";
import { compileAllowList, resolveRole, ROLE_SELECTION_HEADER } from "../auth/roles.ts";
import { tagValueFor } from "../auth/sanitize.ts";
import { type PerUserCredentials, sessionNamesFor } from "../auth/sts.ts";
import { verifiedClaims } from "../auth/verifier.ts";
import type { AuthFailureReason } from "../telemetry/catalog.ts";
import type { CredentialProvider } from "../aws/settings.ts";

/** A request that passed authentication. */
export interface Authenticated {
  readonly ok: true;
  readonly authInfo: AuthInfo;
  readonly principal: Principal;
  readonly aws: ContextAws;
  /** The principal's key in the per-principal rate limiter: issuer and subject. */
  readonly limitKey: string;
  /** The token, only when its audience also names the Quilt registry (no passthrough otherwise). */
  readonly registryToken?: string;
  /**
   * Milliseconds until this principal's AWS credentials can be obtained (an STS backoff window
   * after throttling or unavailability, with nothing cached); 0 when they can be now.
   */
  readonly credentialsRetryAfterMs: number;
}

/** A refused request: the response to send and the reason to count. */
export interface Refused {
  readonly ok: false;
  readonly response: Response;
  readonly reason: AuthFailureReason;
}

/** Where per-request AWS credentials come from. */
export type CredentialSource =
  | { kind: "per-user"; credentials: PerUserCredentials }
  | { kind: "single-tenant"; taskCredentials: CredentialProvider };

/** What {@link WebAuthenticator} derives from a verified token and the role-selection header. */
interface Derived {
  readonly principal: Principal;
  readonly aws: ContextAws;
  readonly limitKey: string;
  readonly registryToken?: string;
  /** Asked on every request: an STS backoff window opens and closes independently of the token. */
  readonly retryAfterMs: () => number;
}

/** Distinct role-selection headers remembered per verified token. */
const MAX_ROLE_HEADERS_PER_TOKEN = 8;

/** Authenticates web requests with one verifier chosen at start-up. */
export class WebAuthenticator {
  readonly #config: Config;
  readonly #verifier: OAuthTokenVerifier;
  readonly #source: CredentialSource;
  readonly #allowList: RegExp[];
  readonly #resourceMetadataUrl: string;
  readonly #derived = new WeakMap<AuthInfo, Map<string, Derived>>();

  constructor(
    config: Config,
    verifier: OAuthTokenVerifier,
    source: CredentialSource,
    resourceMetadataUrl: string,
  ) {
    this.#config = config;
    this.#verifier = verifier;
    this.#source = source;
    this.#allowList = compileAllowList(config.allowedRoleArns);
    this.#resourceMetadataUrl = resourceMetadataUrl;
  }

  /** Authenticates `request`; never throws. */
  async authenticate(request: Request): Promise<Authenticated | Refused> {
    try {
      const token = extractBearerToken(request, this.#config.authMaxTokenBytes);
      const authInfo = await this.#verifier.verifyAccessToken(token);
      for (const scope of this.#config.authRequiredScopes) {
        if (!authInfo.scopes.includes(scope)) {
          throw new TokenRejectedError("insufficient_scope", "the token lacks a required scope");
        }
      }
      const derived = this.#derive(authInfo, token, request.headers.get(ROLE_SELECTION_HEADER));
      return {
        ok: true,
        authInfo,
        principal: derived.principal,
        aws: derived.aws,
        limitKey: derived.limitKey,
        registryToken: derived.registryToken,
        credentialsRetryAfterMs: derived.retryAfterMs(),
      };
    } catch (e) {
      return this.#refusal(e);
    }
  }

  /**
   * What a verified token and role-selection header give: principal, AWS context, registry token.
   * All of it is a function of the two, so it is derived once and kept with the verified token's
   * AuthInfo (the verifier's cache hands back the same object for the same token; a WeakMap entry
   * goes when that does). Only immutable values are kept; each request still gets its own context.
   */
  #derive(authInfo: AuthInfo, token: string, roleHeader: string | null): Derived {
    let byHeader = this.#derived.get(authInfo);
    const headerKey = roleHeader === null ? "" : `=${roleHeader}`;
    const known = byHeader?.get(headerKey);
    if (known) return known;
    const claims = verifiedClaims(authInfo);
    const principal: Principal = Object.freeze({
      id: claims.subject,
      issuer: claims.issuer,
      audiences: claims.audiences,
    });
    const registryAudience = this.#config.registryAudience;
    const registryToken = registryAudience && claims.audiences.includes(registryAudience) &&
        claims.audiences.includes(this.#config.authAudience!)
      ? token
      : undefined;
    const derived: Derived = Object.freeze({
      principal,
      limitKey: `${claims.issuer}\n${claims.subject}`,
      registryToken,
      ...this.#awsFor(roleHeader, claims.subject, claims.payload),
    });
    if (!byHeader) this.#derived.set(authInfo, byHeader = new Map());
    // A client cycling through role headers with one token is not remembered without bound.
    if (byHeader.size >= MAX_ROLE_HEADERS_PER_TOKEN) byHeader.clear();
    byHeader.set(headerKey, derived);
    return derived;
  }

  #awsFor(
    roleHeader: string | null,
    subject: string,
    payload: Readonly<Record<string, unknown>>,
  ): { aws: ContextAws; retryAfterMs: () => number } {
    // Single-tenant is an explicit deployment choice: every principal acts as the task role.
    if (this.#source.kind === "single-tenant") {
      return {
        aws: Object.freeze({ credentials: this.#source.taskCredentials }),
        retryAfterMs: () => 0,
      };
    }
    const roleArn = resolveRole({
      claimValue: payload[this.#config.roleClaim],
      defaultRoleArn: this.#config.defaultRoleArn,
      headerValue: roleHeader,
      allowList: this.#allowList,
    });
    const tags: Record<string, string> = {
      QuiltMcpSubject: tagValueFor(subject)!,
      QuiltMcpClient: "web-jwt",
    };
    for (const pair of this.#config.sessionTagClaims) {
      const [tagKey, claim] = pair.split("=", 2);
      const value = tagValueFor(payload[claim]);
      if (value !== undefined) tags[tagKey] = value;
    }
    const credentials = this.#source.credentials.forPrincipal({ roleArn, subject, tags });
    return {
      aws: Object.freeze({
        roleArn,
        ...sessionNamesFor(subject),
        credentials: credentials.provider,
        onCredentialError: credentials.invalidate,
      }),
      retryAfterMs: credentials.retryAfterMs,
    };
  }

  #refusal(e: unknown): Refused {
    const options = {
      requiredScopes: [...this.#config.authRequiredScopes],
      resourceMetadataUrl: this.#resourceMetadataUrl,
    };
    if (e instanceof JwksUnavailableError) {
      return {
        ok: false,
        reason: e.reason,
        response: Response.json(
          {
            error: "temporarily_unavailable",
            error_description: "the token issuer's keys cannot be fetched; retry shortly",
          },
          { status: 503, headers: { "Retry-After": "5" } },
        ),
      };
    }
    if (e instanceof MalformedAuthRequestError) {
      const response = bearerAuthChallengeResponse(e, options);
      response.headers.set(
        "WWW-Authenticate",
        `Bearer error="invalid_request", error_description="${e.message}", resource_metadata="${this.#resourceMetadataUrl}"`,
      );
      return { ok: false, reason: e.reason, response };
    }
    if (e instanceof TokenRejectedError) {
      return { ok: false, reason: e.reason, response: bearerAuthChallengeResponse(e, options) };
    }
    if (e instanceof RoleDeniedError) {
      const denied = new OAuthError(OAuthErrorCode.InsufficientScope, e.message);
      return {
        ok: false,
        reason: e.reason,
        response: bearerAuthChallengeResponse(denied, options),
      };
    }
    // Anything unexpected fails closed as an invalid token; the cause is not echoed to the client.
    return {
      ok: false,
      reason: "invalid_token",
      response: bearerAuthChallengeResponse(
        new TokenRejectedError("invalid_token", "the token is invalid"),
        options,
      ),
    };
  }
}
