/**
 * Token verification with jose. The verifier is chosen by configuration — a remote JWKS with pinned
 * asymmetric algorithms, or HS256 shared secrets — never by the token's own `alg` header; keys are
 * never fetched from `jku`/`x5u`. Issuer, audience and `exp` are required on every token.
 * @module
 */
import type { AuthInfo, OAuthTokenVerifier } from "@modelcontextprotocol/server";
import {
  createRemoteJWKSet,
  errors,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyOptions,
} from "jose";
import { JwksUnavailableError, TokenRejectedError } from "./errors.ts";

/** The verified claims the server uses, attached to `AuthInfo.extra`. */
export interface VerifiedClaims {
  readonly subject: string;
  readonly issuer: string;
  readonly audiences: readonly string[];
  /** The complete payload, kept in memory only (never logged). */
  readonly payload: Readonly<JWTPayload>;
}

/** Options shared by both verifier kinds. */
export interface VerifierOptions {
  issuer: string;
  audience: string;
  /** RFC 9728 resource identifier (the public MCP URL), reported as AuthInfo.resource. */
  resource: string;
  clockToleranceSeconds: number;
}

/** Reads the verified claims a verifier attached to AuthInfo. */
export function verifiedClaims(authInfo: AuthInfo): VerifiedClaims {
  const claims = authInfo.extra?.claims as VerifiedClaims | undefined;
  if (!claims) throw new Error("AuthInfo carries no verified claims");
  return claims;
}

function scopesOf(payload: JWTPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === "string") return raw.split(" ").filter((s) => s.length > 0);
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === "string");
  return [];
}

/** Maps a jose failure to a reason; anything unrecognised is an invalid token (fail closed). */
function rejection(e: unknown): TokenRejectedError {
  if (e instanceof errors.JWTExpired) {
    return new TokenRejectedError("expired", "the token has expired");
  }
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === "iss") {
      return new TokenRejectedError("wrong_issuer", "the token was issued by an untrusted issuer");
    }
    if (e.claim === "aud") {
      return new TokenRejectedError("wrong_audience", "the token was not issued for this server");
    }
    return new TokenRejectedError("invalid_token", `the token's ${e.claim} claim is invalid`);
  }
  return new TokenRejectedError("invalid_token", "the token is invalid");
}

/** Whether a jose/fetch failure means the key set could not be obtained (an outage, not a bad token). */
function isKeySetOutage(e: unknown): boolean {
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid) return true;
  if (e instanceof TypeError) return true; // fetch: connection refused, DNS, TLS
  if (e instanceof errors.JOSEError && e.code === "ERR_JOSE_GENERIC") {
    return /JSON Web Key Set/i.test(e.message);
  }
  return e instanceof DOMException && (e.name === "TimeoutError" || e.name === "AbortError");
}

function toAuthInfo(token: string, payload: JWTPayload, options: VerifierOptions): AuthInfo {
  const subject = payload.sub;
  if (typeof subject !== "string" || subject.length === 0 || subject.length > 256) {
    throw new TokenRejectedError("invalid_token", "the token has no usable sub claim");
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [];
  const clientId = typeof payload.azp === "string"
    ? payload.azp
    : typeof payload.client_id === "string"
    ? payload.client_id
    : subject;
  const claims: VerifiedClaims = {
    subject,
    issuer: payload.iss!,
    audiences,
    payload: Object.freeze({ ...payload }),
  };
  return {
    token,
    clientId,
    scopes: scopesOf(payload),
    expiresAt: payload.exp,
    resource: new URL(options.resource),
    extra: { claims },
  };
}

/** Verifies tokens against the issuer's JWKS (one remote key set per process; jose caches it). */
export class JwksVerifier implements OAuthTokenVerifier {
  readonly #keys: ReturnType<typeof createRemoteJWKSet>;
  readonly #verify: JWTVerifyOptions;
  readonly #options: VerifierOptions;

  constructor(jwksUrl: string, algorithms: readonly string[], options: VerifierOptions) {
    this.#keys = createRemoteJWKSet(new URL(jwksUrl), {
      timeoutDuration: 5000,
      cooldownDuration: 30_000,
    });
    this.#options = options;
    this.#verify = {
      algorithms: [...algorithms],
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ["exp", "sub"],
      clockTolerance: options.clockToleranceSeconds,
    };
  }

  /** Verifies a compact JWS; throws TokenRejectedError or JwksUnavailableError. */
  async verifyAccessToken(token: string): Promise<AuthInfo> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#keys, this.#verify));
    } catch (e) {
      if (isKeySetOutage(e)) throw new JwksUnavailableError(e);
      throw rejection(e);
    }
    return toAuthInfo(token, payload, this.#options);
  }

  /** Fetches the key set now (readiness probe); throws JwksUnavailableError when it cannot. */
  async probe(): Promise<void> {
    try {
      await this.#keys.reload();
    } catch (e) {
      throw new JwksUnavailableError(e);
    }
  }
}

/** Verifies HS256 tokens against the current secret and, during a rotation window, the previous one. */
export class Hs256Verifier implements OAuthTokenVerifier {
  readonly #keys: Uint8Array[];
  readonly #verify: JWTVerifyOptions;
  readonly #options: VerifierOptions;

  constructor(secrets: readonly string[], options: VerifierOptions) {
    const encoder = new TextEncoder();
    this.#keys = secrets.map((s) => encoder.encode(s));
    if (this.#keys.length === 0 || this.#keys.some((k) => k.length < 32)) {
      // jose does not enforce an HMAC key length; a short secret is brute-forceable.
      throw new Error("HS256 secrets must be at least 32 bytes");
    }
    this.#options = options;
    this.#verify = {
      algorithms: ["HS256"],
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ["exp", "sub"],
      clockTolerance: options.clockToleranceSeconds,
    };
  }

  /** Verifies with each accepted secret in turn; only a signature mismatch moves on to the next. */
  async verifyAccessToken(token: string): Promise<AuthInfo> {
    let last: unknown;
    for (const key of this.#keys) {
      try {
        const { payload } = await jwtVerify(token, key, this.#verify);
        return toAuthInfo(token, payload, this.#options);
      } catch (e) {
        last = e;
        if (!(e instanceof errors.JWSSignatureVerificationFailed)) break;
      }
    }
    throw rejection(last);
  }
}
