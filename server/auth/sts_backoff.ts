/**
 * Backoff per (role, principal) after STS throttled or could not be reached. Without it every
 * request of a principal that has no credentials starts a new AssumeRole while STS is throttling,
 * so the server amplifies the throttle (7,321 AssumeRole calls for 7,221 requests were measured).
 * With it, a failed flight opens a window during which no AssumeRole is made for that key and the
 * client is told when to come back (503 + Retry-After); windows double per consecutive failure up
 * to a cap, with jitter so that principals throttled together do not retry together. AccessDenied
 * and other definite answers open no window: they stay immediate, clear errors.
 * @module
 */

/** How an AssumeRole failure is treated. */
export type StsFailureKind = "throttled" | "unavailable" | "definite";

/** Classifies an AssumeRole failure: STS busy, STS unreachable, or a definite answer. */
export function classifyStsFailure(cause: unknown): StsFailureKind {
  const e = cause as
    | { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } }
    | undefined;
  const text = `${e?.name ?? ""} ${e?.code ?? ""} ${e?.message ?? ""}`;
  if (/Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/i.test(text)) return "throttled";
  if (
    cause instanceof TypeError ||
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|TimeoutError|ServiceUnavailable|InternalFailure/
      .test(text) ||
    (e?.$metadata?.httpStatusCode ?? 0) >= 500
  ) {
    return "unavailable";
  }
  return "definite";
}

/** Options of a {@linkcode StsBackoff}. */
export interface StsBackoffOptions {
  /** First window (default 1 s); each consecutive failure doubles it. */
  baseMs?: number;
  /** Longest window (default 30 s). */
  maxMs?: number;
  /** Keys remembered (least recently failed evicted; default 10,000). */
  maxEntries?: number;
  now?: () => number;
  /** Uniform random in [0, 1) for the jitter. */
  random?: () => number;
}

interface Window {
  until: number;
  failures: number;
  kind: Exclude<StsFailureKind, "definite">;
}

/** Per-key backoff windows after throttling or unavailability. */
export class StsBackoff {
  readonly #windows = new Map<string, Window>();
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #random: () => number;

  constructor(options: StsBackoffOptions = {}) {
    this.#baseMs = options.baseMs ?? 1000;
    this.#maxMs = options.maxMs ?? 30_000;
    this.#max = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
  }

  /** The key of a (role, principal) pair. */
  static key(roleArn: string, subject: string): string {
    return JSON.stringify([roleArn, subject]);
  }

  /** Milliseconds until `key` may call STS again (0 = now), and why it waits. */
  remaining(key: string): { ms: number; kind?: Window["kind"] } {
    const w = this.#windows.get(key);
    if (!w) return { ms: 0 };
    const ms = w.until - this.#now();
    return ms > 0 ? { ms, kind: w.kind } : { ms: 0 };
  }

  /**
   * Records a failed AssumeRole; returns the window it opened in milliseconds (0 for a definite
   * failure, which opens none). Equal jitter: half the window is fixed, half random.
   */
  failed(key: string, kind: StsFailureKind): number {
    if (kind === "definite") return 0;
    const previous = this.#windows.get(key);
    const failures = (previous?.failures ?? 0) + 1;
    const cap = Math.min(this.#maxMs, this.#baseMs * 2 ** Math.min(failures - 1, 30));
    const ms = Math.max(1, Math.round(cap / 2 + this.#random() * (cap / 2)));
    this.#windows.delete(key);
    this.#windows.set(key, { until: this.#now() + ms, failures, kind });
    while (this.#windows.size > this.#max) {
      this.#windows.delete(this.#windows.keys().next().value!);
    }
    return ms;
  }

  /** Forgets `key`'s failures after a successful AssumeRole. */
  succeeded(key: string): void {
    this.#windows.delete(key);
  }
}
