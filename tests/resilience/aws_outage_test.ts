/**
 * The AWS emulator killed mid-run (bounded): under steady S3 tool load, moto is SIGKILLed and later
 * restarted on the same port. During the outage tools answer with clear tool errors (HTTP 200,
 * isError, "AWS is unreachable"), a principal without cached credentials is told its credentials
 * are unavailable, /healthz stays 200 and /readyz reports the sts dependency as failing; once the
 * emulator is back the service resumes without errors and /readyz is ready again.
 */
import { assert, assertEquals } from "../harness/mod.ts";
import { awsOutage } from "./scenarios.ts";

Deno.test("resilience: AWS outage → clear errors, live /healthz, /readyz reports sts, recovery", async () => {
  const r = await awsOutage({ concurrency: 8, principals: 4, phaseMs: 1500, downMs: 2500 });
  const info = JSON.stringify(r);
  assert((r.up.ok ?? 0) > 0, info);
  for (const [outcome, n] of Object.entries(r.down)) {
    assert(outcome === "ok" || outcome === "tool_error", `outage answer ${outcome} ×${n}: ${info}`);
  }
  assert((r.down.tool_error ?? 0) > 0, `tools reported the outage: ${info}`);
  assert(
    r.downMessages.some((m) => m.includes("AWS is unreachable")),
    `a clear unreachable message: ${r.downMessages}`,
  );
  assert(r.downMessages.every((m) => !/unexpectedly|internal/i.test(m)), r.downMessages.join("\n"));
  assert(
    r.newPrincipalDuringOutage.startsWith(
      "tool_error: AWS credentials for your role are unavailable",
    ),
    r.newPrincipalDuringOutage,
  );
  assertEquals(
    Object.keys(r.healthz),
    ["200"],
    `/healthz stayed 200: ${JSON.stringify(r.healthz)}`,
  );
  assertEquals(r.readyzDown.status, 503);
  assertEquals((r.readyzDown.sts as { ok?: boolean })?.ok, false, "/readyz names sts");
  assertEquals(r.readyzBack.status, 200);
  assert(r.recoveryMs < 10_000, `resumed ${r.recoveryMs} ms after the emulator was back`);
  assertEquals(r.recoveredErrors, [], "no errors once service resumed");
  assert((r.recovered.ok ?? 0) > 0, info);
});
