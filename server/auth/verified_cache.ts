/**
 * Remembers verified tokens for a short time, so a client sending the same bearer token on every
 * request is not re-verified cryptographically each time (RS256 verification dominated the
 * request cost in the benchmark). Safe by construction: the key is a hash of the whole token, so
 * only byte-identical tokens share an entry, and an entry lives no longer than the token's own
 * expiry nor than `ttlMs` (so a key removed from the JWKS stops being honoured within that time).
 * Failures are never cached.
 * @module
 */
import { createHash } from "node:crypto";
import type { AuthInfo, OAuthTokenVerifier } from "@modelcontextprotocol/server";

/** Wraps a verifier with a bounded, short-lived cache of successful verifications. */
export class CachingVerifier implements OAuthTokenVerifier {
  readonly #inner: OAuthTokenVerifier;
  readonly #entries = new Map<string, { authInfo: AuthInfo; until: number }>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(
    inner: OAuthTokenVerifier,
    options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
  ) {
    this.#inner = inner;
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#max = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Verifies `token`, from the cache when it was verified recently and has not expired since. */
  async verifyAccessToken(token: string): Promise<AuthInfo> {
    const key = createHash("sha256").update(token).digest("base64url");
    const now = this.#now();
    const hit = this.#entries.get(key);
    if (hit && hit.until > now) return hit.authInfo;
    if (hit) this.#entries.delete(key);
    const authInfo = await this.#inner.verifyAccessToken(token);
    const expiresAtMs = (authInfo.expiresAt ?? 0) * 1000;
    const until = Math.min(now + this.#ttlMs, expiresAtMs);
    if (until > now) {
      this.#entries.set(key, { authInfo, until });
      while (this.#entries.size > this.#max) {
        this.#entries.delete(this.#entries.keys().next().value!);
      }
    }
    return authInfo;
  }
}
