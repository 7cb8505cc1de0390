/**
 * Auth-surface fuzzing, bounded for `make test`: a fixed seed and a few hundred generated requests
 * for each target (Authorization and companion headers; JWT parsing and verification). Never a
 * 5xx or a dropped connection, a 401 always with its Bearer challenge, a 200 only for a token the
 * issuer signed with acceptable claims, a tool run exactly for the accepted requests, and the
 * server alive with no error or uncaught output in its log.
 */
import { assertEquals } from "../harness/mod.ts";
import { authFuzzProblems, fuzzAuth } from "./fuzz_auth.ts";
import { serverLogProblems } from "./fuzz_tools.ts";
import { startLoadStack } from "./load_stack.ts";

const CASES = Number(Deno.env.get("RESILIENCE_FUZZ_AUTH_CASES") ?? "300");

Deno.test("fuzz: auth headers and JWT parsing", async (t) => {
  await using stack = await startLoadStack();
  for (const [target, seed] of [["headers", 0x0a07_0001], ["jwt", 0x0a07_0002]] as const) {
    await t.step(`${target}: ${CASES} cases, seed ${seed}`, async () => {
      await stack.server.sync();
      const before = stack.server.metric("ToolCall");
      const report = await fuzzAuth(stack, { target, seed, cases: CASES, concurrency: 8 });
      await stack.server.sync();
      const ran = stack.server.metric("ToolCall") - before;
      assertEquals(authFuzzProblems(report, ran), [], JSON.stringify(report.statuses));
    });
  }
  const health = await fetch(`${stack.server.origin}/healthz`);
  assertEquals(health.status, 200);
  await health.body?.cancel();
  await stack.server.sync();
  assertEquals(serverLogProblems(stack), []);
});
