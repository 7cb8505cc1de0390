/**
 * The issuer's JWKS endpoint down under load (bounded). With keys already cached the outage is
 * invisible; a server that has no keys yet answers every request 503 with Retry-After (never 401,
 * never another 5xx) while fetching the issuer at most once per cooldown, /readyz reports jwks,
 * and service resumes at the first fetch the cooldown allows after the endpoint returns, after
 * which the load runs clean.
 */
import { assertEquals } from "../harness/mod.ts";
import { jwksOutage, jwksOutageProblems } from "./scenarios.ts";
import { JWKS_COOLDOWN_MS } from "../../server/auth/jwks_keys.ts";

Deno.test("resilience: JWKS outage under load → 503 with Retry-After, then recovery", async () => {
  const r = await jwksOutage({ concurrency: 8, principals: 4, phaseMs: 1200 });
  // The bench holds the tight recovery bound (one cooldown + 3 s); here a loaded machine must pass.
  assertEquals(jwksOutageProblems(r, JWKS_COOLDOWN_MS + 15_000), [], JSON.stringify(r));
});
