/**
 * A closed-loop HTTP load generator on Deno's fetch (keep-alive connection pool): `concurrency`
 * workers each send a JSON-RPC POST, wait for the whole answer, and send the next, for a fixed
 * time or a fixed number of requests. Latency is measured per request from send to last byte.
 * @module
 */
import { quantile } from "./stats.ts";
export { mcpHeaders, toolCallBody } from "../tests/resilience/rpc.ts";

/** What one request looks like; `i` is the request's sequence number (0-based). */
export interface RequestPlan {
  readonly url: string;
  body(i: number): string;
  headers(i: number): Record<string, string>;
  /** Whether an answer counts as a success (default: {@linkcode isToolSuccess}). */
  ok?(status: number, text: string): boolean;
}

/** How long and how hard. */
export interface LoadOptions {
  readonly concurrency: number;
  /** Measure for this long (workers stop starting requests after it). */
  readonly durationMs?: number;
  /** Or: send exactly this many requests. */
  readonly requests?: number;
  /** Stop starting new requests when this resolves to true (checked before each request). */
  readonly stop?: () => boolean;
  /** Called after every answer (or failure), e.g. to sample memory at request counts. */
  readonly onDone?: (done: number) => void | Promise<void>;
}

/** The outcome of one load phase. */
export interface LoadResult {
  readonly concurrency: number;
  readonly completed: number;
  readonly errors: number;
  readonly elapsedMs: number;
  /** Successful requests per second. */
  readonly throughput: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  /** A few failure descriptions (status and the start of the body, or the exception). */
  readonly errorSamples: string[];
  /** Counts of answers by HTTP status ("exception" for transport failures). */
  readonly statuses: Record<string, number>;
}

/** A JSON-RPC tools/call answer with a result that is not a tool error. */
export function isToolSuccess(status: number, text: string): boolean {
  return status === 200 && text.includes('"result"') && !text.includes('"isError":true');
}

/** Runs one load phase. */
export async function runLoad(plan: RequestPlan, options: LoadOptions): Promise<LoadResult> {
  if (options.durationMs === undefined && options.requests === undefined) {
    throw new Error("runLoad needs durationMs or requests");
  }
  const ok = plan.ok ?? isToolSuccess;
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  let done = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = options.durationMs === undefined ? Infinity : started + options.durationMs;
  const limit = options.requests ?? Infinity;

  const worker = async () => {
    while (next < limit && performance.now() < deadline && !(options.stop?.() ?? false)) {
      const i = next++;
      const t0 = performance.now();
      let status = "exception";
      let good = false;
      let sample = "";
      try {
        const response = await fetch(plan.url, {
          method: "POST",
          headers: plan.headers(i),
          body: plan.body(i),
        });
        const text = await response.text();
        status = String(response.status);
        good = ok(response.status, text);
        if (!good) sample = `${response.status} ${text.slice(0, 300)}`;
      } catch (e) {
        sample = `exception ${(e as Error).name}: ${(e as Error).message}`;
      }
      const t1 = performance.now();
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (good) latencies.push(t1 - t0);
      else {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(sample);
      }
      done++;
      await options.onDone?.(done);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const elapsedMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    concurrency: options.concurrency,
    completed: latencies.length,
    errors,
    elapsedMs,
    throughput: latencies.length / (elapsedMs / 1000),
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    errorSamples,
    statuses,
  };
}
