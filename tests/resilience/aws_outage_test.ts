/**
 * The AWS emulator killed mid-run (bounded): under steady S3 tool load, moto is SIGKILLed and later
 * restarted on the same port. During the outage tools answer with clear tool errors (HTTP 200,
 * isError, "AWS is unreachable"), a principal without cached credentials is told its credentials
 * are unavailable, /healthz stays 200 and /readyz reports the sts dependency as failing; once the
 * emulator is back the service resumes without errors and /readyz is ready again.
 */
import { assertEquals } from "../harness/mod.ts";
import { awsOutage, awsOutageProblems } from "./scenarios.ts";

Deno.test("resilience: AWS outage → clear errors, live /healthz, /readyz reports sts, recovery", async () => {
  const r = await awsOutage({ concurrency: 8, principals: 4, phaseMs: 1500, downMs: 2500 });
  // The bench holds the tight recovery bound (10 s); here a loaded machine must pass too.
  assertEquals(awsOutageProblems(r, 30_000), [], JSON.stringify(r));
});
