/**
 * Readiness: the dependencies a request needs — the issuer's JWKS (when configured) and STS —
 * probed with short timeouts and the result cached briefly, so load balancer probes cannot turn
 * into a stampede on the dependencies.
 * @module
 */

/** A named dependency check; resolves when healthy, rejects otherwise. */
export interface Probe {
  readonly name: string;
  check(): Promise<void>;
}

/** Result of one readiness evaluation. */
export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Record<string, { ok: boolean; error?: string }>;
}

/** Runs probes and caches the combined report for `ttlMs`. */
export class Readiness {
  readonly #probes: readonly Probe[];
  readonly #ttlMs: number;
  #cached?: { at: number; report: Promise<ReadinessReport> };

  constructor(probes: readonly Probe[], ttlMs = 2000) {
    this.#probes = probes;
    this.#ttlMs = ttlMs;
  }

  /** The current report (cached for a short time). */
  report(): Promise<ReadinessReport> {
    const now = Date.now();
    if (!this.#cached || now - this.#cached.at > this.#ttlMs) {
      this.#cached = { at: now, report: this.#evaluate() };
    }
    return this.#cached.report;
  }

  async #evaluate(): Promise<ReadinessReport> {
    const results = await Promise.all(this.#probes.map(async (p) => {
      try {
        await p.check();
        return [p.name, { ok: true }] as const;
      } catch (e) {
        return [p.name, {
          ok: false,
          error: `${(e as Error).name}: ${(e as Error).message}`.slice(0, 200),
        }] as const;
      }
    }));
    return { ready: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
  }
}
