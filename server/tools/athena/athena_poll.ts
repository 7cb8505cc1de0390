/**
 * Waiting for an Athena query: poll with exponential backoff until the query reaches a final
 * state or the deadline passes. The clock is injected so the timeout path is testable without
 * waiting; the caller decides what to do on timeout (cancel the query).
 * @module
 */

/** Time as the poller sees it. */
export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const SYSTEM_CLOCK: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Athena query states after which nothing changes any more. */
export const FINAL_STATES: ReadonlySet<string> = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

/** Backoff and deadline of one wait. */
export interface PollOptions {
  /** Give up after this long. */
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** First pause between polls (default 100 ms); doubles after each poll. */
  readonly initialDelayMs?: number;
  /** Longest pause between polls (default 2 s). */
  readonly maxDelayMs?: number;
}

/** How a wait ended. */
export type PollOutcome<T> =
  | { readonly finished: true; readonly last: T; readonly polls: number }
  | { readonly finished: false; readonly last: T; readonly polls: number };

/**
 * Calls `poll` until `stateOf` its answer is a final state, or until `timeoutMs` has passed — the
 * last poll happens at the deadline, so a query finishing just in time still counts as finished.
 */
export async function pollUntilFinal<T>(
  poll: () => Promise<T>,
  stateOf: (answer: T) => string | undefined,
  options: PollOptions,
): Promise<PollOutcome<T>> {
  const { clock, timeoutMs } = options;
  const maxDelay = options.maxDelayMs ?? 2000;
  let delay = options.initialDelayMs ?? 100;
  const deadline = clock.now() + timeoutMs;
  let polls = 0;
  while (true) {
    const last = await poll();
    polls++;
    if (FINAL_STATES.has(stateOf(last) ?? "")) return { finished: true, last, polls };
    const remaining = deadline - clock.now();
    if (remaining <= 0) return { finished: false, last, polls };
    await clock.sleep(Math.min(delay, remaining));
    delay = Math.min(delay * 2, maxDelay);
  }
}
