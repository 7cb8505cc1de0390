/**
 * Auth-surface fuzzing, bounded for `make test`: a fixed seed and a few hundred generated requests
 * for each target (Authorization and companion headers; JWT parsing and verification). Never a
 * 5xx or a dropped connection, a 401 always with its Bearer challenge, a 200 only for a token the
 * issuer signed with acceptable claims, no tool run for a refused request, and the server alive
 * with no error or uncaught output in its log.
 */
import { assert, assertEquals } from "../harness/mod.ts";
import { fuzzAuth } from "./fuzz_auth.ts";
import { startLoadStack } from "./load_stack.ts";

const CASES = Number(Deno.env.get("RESILIENCE_FUZZ_AUTH_CASES") ?? "300");

Deno.test("fuzz: auth headers and JWT parsing", async (t) => {
  await using stack = await startLoadStack();
  for (const [target, seed] of [["headers", 0x0a07_0001], ["jwt", 0x0a07_0002]] as const) {
    await t.step(`${target}: ${CASES} cases, seed ${seed}`, async () => {
      await stack.server.sync();
      const toolsBefore = stack.server.metric("ToolCall");
      const report = await fuzzAuth(stack, { target, seed, cases: CASES, concurrency: 8 });
      assertEquals(
        report.failures,
        [],
        `oracle violations (statuses ${JSON.stringify(report.statuses)})`,
      );
      assert(
        Object.keys(report.kinds).length >= 8,
        `varied cases: ${JSON.stringify(report.kinds)}`,
      );
      assert((report.statuses["401"] ?? 0) > CASES / 4, "most cases are refused");
      assert(report.accepted > 0, "some cases are accepted (the oracle is not vacuous)");
      await stack.server.sync();
      assertEquals(
        stack.server.metric("ToolCall") - toolsBefore,
        report.accepted,
        "a tool ran exactly for the accepted requests",
      );
    });
  }
  const health = await fetch(`${stack.server.origin}/healthz`);
  assertEquals(health.status, 200);
  await health.body?.cancel();
  await stack.server.sync();
  assertEquals(stack.server.foreignLines, [], "no uncaught error or other non-JSON output");
  assertEquals(stack.server.errorRecords.map((r) => `${r.msg}: ${r.error}`), []);
});
