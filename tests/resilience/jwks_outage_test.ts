/**
 * The issuer's JWKS endpoint down under load (bounded). With keys already cached the outage is
 * invisible; a server that has no keys yet answers every request 503 with Retry-After (never 401,
 * never another 5xx), /readyz reports jwks, and the first request after the endpoint returns
 * succeeds, after which the load runs clean.
 */
import { assertEquals } from "../harness/mod.ts";
import { jwksOutage, jwksOutageProblems } from "./scenarios.ts";

Deno.test("resilience: JWKS outage under load → 503 with Retry-After, then recovery", async () => {
  const r = await jwksOutage({ concurrency: 8, principals: 4, phaseMs: 1200 });
  assertEquals(jwksOutageProblems(r), [], JSON.stringify(r));
});
