/**
 * STS throttling under load (bounded): principals without cached credentials, several concurrent
 * requests each, while every AssumeRole is throttled. Each request ends with a clear tool error
 * within the SDK's bounded retries (no hang), concurrent requests of a principal share one
 * AssumeRole flight instead of each retrying on its own (no stampede across them), and after
 * STS recovers every principal makes exactly one AssumeRole and is served.
 */
import { assertEquals } from "../harness/mod.ts";
import { stsThrottleProblems, stsThrottling } from "./scenarios.ts";

Deno.test("resilience: STS throttling under load → bounded retries, shared flights, recovery", async () => {
  const r = await stsThrottling({
    principals: 5,
    perPrincipal: 8,
    throttleMs: 3000,
    phaseMs: 1000,
  });
  assertEquals(stsThrottleProblems(r), [], JSON.stringify(r));
});
