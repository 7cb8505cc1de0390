/**
 * Per-user temporary credentials, cached per (role, subject, exact tag set): single-flight (many
 * concurrent first requests make one STS call), refreshed a margin before expiry, bounded as an
 * LRU, and dropped when AWS says they stopped working. The clock is injectable for tests.
 * @module
 */

/** Temporary AWS credentials with their expiry. */
export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** Options of a {@linkcode CredentialCache}. */
export interface CredentialCacheOptions {
  maxEntries: number;
  /** Refresh when less than this remains (default 5 minutes). */
  refreshBeforeMs?: number;
  now?: () => number;
  onHit?: () => void;
  onMiss?: () => void;
}

interface Entry {
  value?: TemporaryCredentials;
  pending?: Promise<TemporaryCredentials>;
}

/** A bounded, single-flight cache of temporary credentials. */
export class CredentialCache {
  readonly #entries = new Map<string, Entry>();
  readonly #max: number;
  readonly #refreshBeforeMs: number;
  readonly #now: () => number;
  readonly #onHit: () => void;
  readonly #onMiss: () => void;

  constructor(options: CredentialCacheOptions) {
    this.#max = options.maxEntries;
    this.#refreshBeforeMs = options.refreshBeforeMs ?? 5 * 60_000;
    this.#now = options.now ?? Date.now;
    this.#onHit = options.onHit ?? (() => {});
    this.#onMiss = options.onMiss ?? (() => {});
  }

  /** The cache key of a credential set: role, subject and the exact (sorted) session tags. */
  static key(roleArn: string, subject: string, tags: Readonly<Record<string, string>>): string {
    const sorted = Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return JSON.stringify([roleArn, subject, sorted]);
  }

  /** Number of cached credential sets. */
  get size(): number {
    return this.#entries.size;
  }

  /** Returns fresh credentials for `key`, calling `fetch` at most once at a time per key. */
  get(key: string, fetch: () => Promise<TemporaryCredentials>): Promise<TemporaryCredentials> {
    const entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key); // re-insert: most recently used last
      this.#entries.set(key, entry);
      const value = entry.value;
      if (value && value.expiration.getTime() - this.#now() > this.#refreshBeforeMs) {
        this.#onHit();
        return Promise.resolve(value);
      }
      if (entry.pending) {
        this.#onHit();
        return entry.pending;
      }
    }
    this.#onMiss();
    const target: Entry = entry ?? {};
    const pending = fetch().then(
      (fresh) => {
        target.value = fresh;
        target.pending = undefined;
        return fresh;
      },
      (error) => {
        target.pending = undefined;
        // Still-valid credentials outlive a failed early refresh; otherwise forget the key.
        if (!(target.value && target.value.expiration.getTime() > this.#now())) {
          this.#entries.delete(key);
        }
        throw error;
      },
    );
    target.pending = pending;
    if (!entry) {
      this.#entries.set(key, target);
      while (this.#entries.size > this.#max) {
        this.#entries.delete(this.#entries.keys().next().value!);
      }
    }
    if (target.value && target.value.expiration.getTime() > this.#now()) {
      // Early refresh: callers keep using the valid credentials while the refresh runs.
      pending.catch(() => {});
      return Promise.resolve(target.value);
    }
    return pending;
  }

  /** Whether `key` holds credentials that have not expired (they are served, even while refreshing). */
  holdsValid(key: string): boolean {
    const value = this.#entries.get(key)?.value;
    return value !== undefined && value.expiration.getTime() > this.#now();
  }

  /** Forgets a key (after ExpiredToken / AccessDenied from AWS). */
  drop(key: string): void {
    this.#entries.delete(key);
  }
}
