/**
 * Remembers verified tokens for a short time, so a client sending the same bearer token on every
 * request is not re-verified cryptographically each time (RS256 verification dominated the
 * request cost in the benchmark). Safe by construction: the key is the whole token, so only
 * byte-identical tokens share an entry, and an entry lives no longer than the token's own expiry
 * nor than `ttlMs` (so a key removed from the JWKS stops being honoured within that time).
 * Failures are never cached. (The key is the token itself, not a digest of it: the AuthInfo kept
 * for it carries the token anyway, as the SDK requires, and hashing cost more than the lookup.)
 * @module
 */
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
    const now = this.#now();
    const hit = this.#entries.get(token);
    if (hit && hit.until > now) return hit.authInfo;
    if (hit) this.#entries.delete(token);
    const authInfo = await this.#inner.verifyAccessToken(token);
    const expiresAtMs = (authInfo.expiresAt ?? 0) * 1000;
    const until = Math.min(now + this.#ttlMs, expiresAtMs);
    if (until > now) {
      this.#entries.set(token, { authInfo, until });
      while (this.#entries.size > this.#max) {
        this.#entries.delete(this.#entries.keys().next().value!);
      }
    }
    return authInfo;
  }
}
