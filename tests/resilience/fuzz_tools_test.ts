/**
 * Tool-input fuzzing, bounded for `make test`: a fixed seed and generated argument sets for every
 * registered tool (every category enabled) against moto, a few hundred cases in all. No 5xx, no
 * internal error, no unhandled exception in a tool, the server alive and its log free of uncaught
 * errors; and the generator must be useful — every tool's body actually runs on a share of cases.
 */
import { assertEquals } from "../harness/mod.ts";
import {
  ALL_CATEGORIES,
  fuzzTools,
  seedFuzzTargets,
  serverLogProblems,
  toolFuzzProblems,
} from "./fuzz_tools.ts";
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
  assertEquals(toolFuzzProblems(report, 0.2), []);
  const health = await fetch(`${stack.server.origin}/healthz`);
  assertEquals(health.status, 200, "the server still answers /healthz");
  await health.body?.cancel();
  await stack.server.sync();
  assertEquals(serverLogProblems(stack), [], "no uncaught error, no error-level log record");
});
