/**
 * SIGTERM under load (bounded): steady S3 tool calls from several principals with AWS made slow,
 * so many requests are inside a tool when the signal arrives. Every request in flight completes
 * successfully, requests after the signal are refused with 503 (or find the listener closed once
 * the drain is over), and the process exits 0 after a clean drain.
 */
import { assertEquals } from "../harness/mod.ts";
import { sigtermProblems, sigtermUnderLoad } from "./scenarios.ts";

Deno.test("resilience: SIGTERM under load loses no in-flight request", async () => {
  const r = await sigtermUnderLoad({
    concurrency: 16,
    principals: 8,
    loadMs: 1500,
    awsDelayMs: 300,
  });
  assertEquals(sigtermProblems(r, 8), [], JSON.stringify(r));
});
