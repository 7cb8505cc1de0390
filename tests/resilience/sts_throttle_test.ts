/**
 * STS throttling under load (bounded): principals without cached credentials, several concurrent
 * requests each, while every AssumeRole is throttled. Each request ends with a clear tool error
 * within the SDK's bounded retries (no hang), concurrent requests of a principal share one
 * AssumeRole flight instead of each retrying on its own (no stampede across them), and after
 * STS recovers every principal makes exactly one AssumeRole and is served.
 */
import { assert, assertEquals } from "../harness/mod.ts";
import { stsThrottling } from "./scenarios.ts";

const MAX_ATTEMPTS = 4; // PerUserCredentials' STS client: maxAttempts

Deno.test("resilience: STS throttling under load → bounded retries, shared flights, recovery", async () => {
  const r = await stsThrottling({
    principals: 5,
    perPrincipal: 8,
    throttleMs: 3000,
    phaseMs: 1000,
  });
  const info = JSON.stringify(r);
  assertEquals(Object.keys(r.throttled), ["tool_error"], info);
  assert(r.messages.every((m) => m.includes("credentials for your role are unavailable")), info);
  assert(r.maxLatencyMs < 15_000, `retries with backoff are bounded (${r.maxLatencyMs} ms)`);
  assert(r.assumeCallsThrottled > 0, info);
  // Without sharing, every request would make up to MAX_ATTEMPTS calls of its own.
  assert(
    r.assumeCallsThrottled <= r.throttledRequests * MAX_ATTEMPTS / 4,
    `concurrent requests share AssumeRole flights: ${r.assumeCallsThrottled} calls for ${r.throttledRequests} requests`,
  );
  assertEquals(Object.keys(r.recovered), ["ok"], info);
  assertEquals(r.assumeCallsRecovered, r.principals, "one AssumeRole per principal after recovery");
});
