/**
 * Isolation under concurrency: 2,000 interleaved tools/call requests from 100 principals mapped to
 * 20 different roles, each answered with the caller identity STS sees; a stdio server answers at the
 * same time. Zero mismatches, and every context pushed was reset. (`make bench` runs the same proof
 * with 10,000 calls: bench/isolation_bench.ts.)
 */
import { assertEquals } from "../harness/mod.ts";
import { interleavedIsolation, isolationProblems } from "./isolation.ts";

Deno.test("isolation: 2,000 interleaved calls from 100 principals on 20 roles, with stdio alongside", async () => {
  const r = await interleavedIsolation({
    principals: 100,
    roles: 20,
    callsPerPrincipal: 20,
    workers: 24,
  });
  console.log(
    `isolation: ${r.calls} calls from ${r.principals} principals on ${r.roles} roles in ${
      r.seconds.toFixed(1)
    } s (${
      (r.calls / r.seconds).toFixed(0)
    }/s), ${r.mismatchCount} mismatches; ${r.stdioCalls} stdio calls alongside; contexts ${r.contextsPushed} pushed, ${r.contextsReset} reset`,
  );
  assertEquals(isolationProblems(r), []);
});
