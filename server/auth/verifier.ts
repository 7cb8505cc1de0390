/**
 * Token verification with jose. The verifier is chosen by configuration — a remote JWKS with pinned
 * asymmetric algorithms, or HS256 shared secrets — never by the token's own `alg` header; keys are
 * never fetched from `jku`/`x5u`. Issuer, audience and `exp` are required on every token.
 * @module
 */
import type { AuthInfo, OAuthTokenVerifier } from "@modelcontextprotocol/server";
import { errors, type JWTPayload, jwtVerify, type JWTVerifyOptions } from "jose";
import { JwksUnavailableError, TokenRejectedError } from "./errors.ts";
import { JwksKeySet, type JwksKeySetOptions } from "./jwks_keys.ts";
import type { Hs256KeySource } from "./secret_source.ts";

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

/** Verifies tokens against the issuer's JWKS, held by a {@linkcode JwksKeySet} (one per process). */
export class JwksVerifier implements OAuthTokenVerifier {
  readonly #keys: JwksKeySet;
  readonly #verify: JWTVerifyOptions;
  readonly #options: VerifierOptions;

  constructor(
    jwksUrl: string,
    algorithms: readonly string[],
    options: VerifierOptions & { keys: JwksKeySetOptions },
  ) {
    this.#keys = new JwksKeySet(jwksUrl, options.keys);
    this.#options = options;
    this.#verify = {
      algorithms: [...algorithms],
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ["exp", "sub"],
      clockTolerance: options.clockToleranceSeconds,
    };
  }

  /** Key-set fetches so far (tests). */
  get keySetFetches(): number {
    return this.#keys.fetches;
  }

  /** Verifies a compact JWS; throws TokenRejectedError or JwksUnavailableError. */
  async verifyAccessToken(token: string): Promise<AuthInfo> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#keys.resolver, this.#verify));
    } catch (e) {
      if (e instanceof JwksUnavailableError) throw e;
      if (isKeySetOutage(e)) throw new JwksUnavailableError(e);
      throw rejection(e);
    }
    return toAuthInfo(token, payload, this.#options);
  }

  /** Readiness: usable keys are held or can be fetched now; throws JwksUnavailableError if not. */
  async probe(): Promise<void> {
    await this.#keys.probe();
  }
}

/**
 * Verifies HS256 tokens against the current secret and, during a rotation window, the previous
 * one. When a token matches none of the held secrets, the source may learn new ones (a rotation
 * the server has not seen yet) and the token is tried once more.
 */
export class Hs256Verifier implements OAuthTokenVerifier {
  readonly #source: Hs256KeySource;
  readonly #verify: JWTVerifyOptions;
  readonly #options: VerifierOptions;

  constructor(source: Hs256KeySource, options: VerifierOptions) {
    const keys = source.keys();
    if (keys.length === 0 || keys.some((k) => k.length < 32)) {
      // jose does not enforce an HMAC key length; a short secret is brute-forceable.
      throw new Error("HS256 secrets must be at least 32 bytes");
    }
    this.#source = source;
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
    let outcome = await this.#tryKeys(token, this.#source.keys());
    if (!outcome.ok && outcome.mismatch && await this.#source.refreshAfterMismatch()) {
      outcome = await this.#tryKeys(token, this.#source.keys());
    }
    if (outcome.ok) return toAuthInfo(token, outcome.payload, this.#options);
    throw rejection(outcome.error);
  }

  async #tryKeys(
    token: string,
    keys: readonly Uint8Array[],
  ): Promise<
    { ok: true; payload: JWTPayload } | { ok: false; error: unknown; mismatch: boolean }
  > {
    let last: unknown;
    for (const key of keys) {
      try {
        const { payload } = await jwtVerify(token, key, this.#verify);
        return { ok: true, payload };
      } catch (e) {
        last = e;
        if (!(e instanceof errors.JWSSignatureVerificationFailed)) {
          return { ok: false, error: e, mismatch: false };
        }
      }
    }
    return { ok: false, error: last, mismatch: true };
  }
}
