/**
 * SIGTERM under load (bounded): steady S3 tool calls from several principals with AWS made slow,
 * so many requests are inside a tool when the signal arrives. Every request in flight completes
 * successfully, requests after the signal are refused with 503 (or find the listener closed once
 * the drain is over), and the process exits 0 after a clean drain.
 */
import { assert, assertEquals } from "../harness/mod.ts";
import { sigtermUnderLoad } from "./scenarios.ts";

Deno.test("resilience: SIGTERM under load loses no in-flight request", async () => {
  const r = await sigtermUnderLoad({
    concurrency: 16,
    principals: 8,
    loadMs: 1500,
    awsDelayMs: 300,
  });
  assertEquals(
    r.failedInFlight,
    [],
    "requests sent before SIGTERM all succeed or are refused with 503",
  );
  assertEquals(r.badAfter, [], "requests after SIGTERM are refused cleanly");
  assert(r.inFlightAtSignal >= 8, `requests were in flight at the signal (${r.inFlightAtSignal})`);
  assert((r.before.ok ?? 0) >= r.inFlightAtSignal, JSON.stringify(r.before));
  assertEquals(r.exitCode, 0);
  assertEquals(r.shutdownOutcome, "drained");
});
