/**
 * Tool-input fuzzing, bounded for `make test`: a fixed seed, a few hundred generated argument sets
 * per registered tool (every category enabled), against moto. No 5xx, no internal error, no
 * unhandled exception in a tool, the server alive and its log free of uncaught errors; and the
 * generator must be useful — most tools' bodies actually run on a good share of the cases.
 */
import { assert, assertEquals } from "../harness/mod.ts";
import { ALL_CATEGORIES, fuzzTools, seedFuzzTargets } from "./fuzz_tools.ts";
import { startLoadStack } from "./load_stack.ts";

const SEED = 0x5eed_0009;
const CASES_PER_TOOL = Number(Deno.env.get("RESILIENCE_FUZZ_CASES") ?? "30");

Deno.test("fuzz: tool inputs from each tool's schema never crash the server", async () => {
  await using stack = await startLoadStack({ categories: ALL_CATEGORIES });
  const targets = await seedFuzzTargets(stack, "fuzz-bucket");
  const report = await fuzzTools(stack, {
    seed: SEED,
    casesPerTool: CASES_PER_TOOL,
    concurrency: 8,
    targets,
  });
  assertEquals(report.failures, [], "every answer is a clean tool result or invalid-params error");
  const tools = Object.entries(report.tools);
  assert(tools.length >= 10, `fuzzed ${tools.length} tools`);
  for (const [name, s] of tools) {
    assertEquals(s.cases, CASES_PER_TOOL, name);
    assert(
      s.reachedTool >= s.cases * 0.2,
      `${name}: the tool body ran for ${s.reachedTool}/${s.cases} cases`,
    );
  }
  const health = await fetch(`${stack.server.origin}/healthz`);
  assertEquals(health.status, 200, "the server still answers /healthz");
  await health.body?.cancel();
  await stack.server.sync();
  assertEquals(stack.server.foreignLines, [], "no uncaught error or other non-JSON output");
  assertEquals(
    stack.server.errorRecords.map((r) => `${r.msg}: ${r.error}`),
    [],
    "no error-level log records (tool_error = unhandled exception in a tool)",
  );
});
