/**
 * Per-principal token buckets (per task; WAF adds a distributed per-IP limit in front), charged per
 * JSON-RPC message: a batch of N messages costs N tokens and is admitted whole or refused whole.
 * The table is bounded: least recently seen principals are evicted, and an evicted principal simply
 * starts with a full bucket again.
 * @module
 */

interface Bucket {
  tokens: number;
  updated: number;
}

/** Token-bucket limiter keyed by principal. */
export class RateLimiter {
  readonly #capacity: number;
  readonly #refillPerMs: number;
  readonly #buckets = new Map<string, Bucket>();
  readonly #maxPrincipals: number;
  readonly #now: () => number;

  constructor(
    options: { perMinute: number; burst: number; maxPrincipals?: number; now?: () => number },
  ) {
    this.#capacity = options.burst;
    this.#refillPerMs = options.perMinute / 60_000;
    this.#maxPrincipals = options.maxPrincipals ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** Tokens a full bucket holds: the most messages one request can ever be admitted with. */
  get burst(): number {
    return this.#capacity;
  }

  /**
   * Takes `cost` tokens (one per message) or none: returns 0 when allowed, else the seconds until
   * `cost` tokens are available (for a cost above the burst, until the bucket is full again).
   */
  take(principal: string, cost = 1): number {
    const now = this.#now();
    let bucket = this.#buckets.get(principal);
    if (bucket) this.#buckets.delete(principal);
    else bucket = { tokens: this.#capacity, updated: now };
    bucket.tokens = Math.min(
      this.#capacity,
      bucket.tokens + (now - bucket.updated) * this.#refillPerMs,
    );
    bucket.updated = now;
    this.#buckets.set(principal, bucket);
    if (this.#buckets.size > this.#maxPrincipals) {
      this.#buckets.delete(this.#buckets.keys().next().value!);
    }
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return 0;
    }
    const wanted = Math.min(cost, this.#capacity);
    return Math.max(1, Math.ceil((wanted - bucket.tokens) / this.#refillPerMs / 1000));
  }
}
