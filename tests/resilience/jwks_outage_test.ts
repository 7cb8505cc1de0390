/**
 * The issuer's JWKS endpoint down under load (bounded). With keys already cached the outage is
 * invisible; a server that has no keys yet answers every request 503 with Retry-After (never 401,
 * never another 5xx), /readyz reports jwks, and the first request after the endpoint returns
 * succeeds, after which the load runs clean.
 */
import { assert, assertEquals } from "../harness/mod.ts";
import { jwksOutage } from "./scenarios.ts";

Deno.test("resilience: JWKS outage under load → 503 with Retry-After, then recovery", async () => {
  const r = await jwksOutage({ concurrency: 8, principals: 4, phaseMs: 1200 });
  const info = JSON.stringify(r);
  assertEquals(Object.keys(r.cachedKeys), ["ok"], `cached keys: outage invisible: ${info}`);
  assertEquals(Object.keys(r.coldStatuses), ["503"], `no keys: only 503: ${info}`);
  assertEquals(r.coldRetryAfter, r.coldRequests, "every 503 carries Retry-After");
  assertEquals(r.readyzDown.status, 503);
  assertEquals((r.readyzDown.jwks as { ok?: boolean })?.ok, false, "/readyz names jwks");
  assert(r.coldFetches <= r.coldRequests, "at most one key-set fetch per refused request");
  assert(r.recoveryMs < 2_000, `recovered ${r.recoveryMs} ms after the endpoint returned`);
  assertEquals(Object.keys(r.recovered), ["ok"], info);
});
