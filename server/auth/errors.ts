/** Authentication and authorization failures, each carrying the reason the telemetry reports. @module */
import { OAuthError, OAuthErrorCode } from "@modelcontextprotocol/server";
import type { AuthFailureReason } from "../telemetry/catalog.ts";

/** A token refused (401 invalid_token) or lacking scope (403 insufficient_scope). */
export class TokenRejectedError extends OAuthError {
  /** Machine-readable cause for metrics and logs. */
  readonly reason: AuthFailureReason;
  constructor(reason: AuthFailureReason, message: string) {
    super(
      reason === "insufficient_scope"
        ? OAuthErrorCode.InsufficientScope
        : OAuthErrorCode.InvalidToken,
      message,
    );
    this.reason = reason;
  }
}

/** A malformed request: the token is not where or how it must be (400 invalid_request). */
export class MalformedAuthRequestError extends OAuthError {
  /** Always `malformed_header`. */
  readonly reason: AuthFailureReason = "malformed_header";
  constructor(message: string) {
    super(OAuthErrorCode.InvalidRequest, message);
  }
}

/** The key set could not be fetched: a dependency outage (503), not an invalid token. */
export class JwksUnavailableError extends Error {
  /** Always `jwks_unavailable`. */
  readonly reason: AuthFailureReason = "jwks_unavailable";
  constructor(cause: unknown) {
    super("the issuer's key set (JWKS) is unreachable", { cause });
    this.name = "JwksUnavailableError";
  }
}

/** The verified principal may not use the requested or granted role (403). */
export class RoleDeniedError extends Error {
  /** `role_not_allowed` or `role_not_granted`. */
  readonly reason: AuthFailureReason;
  constructor(reason: "role_not_allowed" | "role_not_granted", message: string) {
    super(message);
    this.name = "RoleDeniedError";
    this.reason = reason;
  }
}
