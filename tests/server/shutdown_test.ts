/** Graceful shutdown: SIGTERM with requests in flight → all complete, new ones get 503, exit 0. */
import { assert, assertEquals, LOG_DEADLINE_MS, startStack } from "../harness/mod.ts";

const CALL = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "auth_status", arguments: {} },
});

Deno.test("shutdown: in-flight requests finish, new requests get 503, the process exits 0", async () => {
  await using stack = await startStack({
    viaProxy: true,
    env: { QUILT_MCP_DRAIN_TIMEOUT_SECONDS: "20" },
  });
  const token = await stack.token("draining@example.com");
  const post = () =>
    fetch(`${stack.server.origin}/mcp`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: CALL,
    });
  // Warm the credentials so the slow part is the tool's own AWS call.
  await (await post()).text();
  stack.proxy!.setFaults([{ action: "GetCallerIdentity", delayMs: 1500 }]);
  const before = stack.proxy!.of("GetCallerIdentity").length;
  const inFlight = Array.from(
    { length: 10 },
    () => post().then(async (r) => ({ status: r.status, text: await r.text() })),
  );
  // SIGTERM only once all ten are inside the tool (their AWS call reached the slow proxy): an event,
  // with an outer bound that only a hang reaches.
  const deadline = performance.now() + LOG_DEADLINE_MS;
  while (
    stack.proxy!.of("GetCallerIdentity").length - before < 10 && performance.now() < deadline
  ) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert(stack.proxy!.of("GetCallerIdentity").length - before >= 10, "ten calls inside the tool");
  stack.server.kill("SIGTERM");
  await stack.server.waitForLog((r) => r.msg === "shutdown_started");
  const late = await post();
  assertEquals(late.status, 503, "a request arriving during the drain is refused");
  await late.body?.cancel();
  const results = await Promise.all(inFlight);
  assertEquals(
    results.map((r) => r.status),
    Array(10).fill(200),
    "every in-flight request completed",
  );
  assert(
    results.every((r) =>
      r.text.includes("draining@example.com") && !r.text.includes('"isError":true')
    ),
  );
  const status = await stack.server.status;
  assertEquals(status.code, 0);
  // The exit can be seen before the last stderr lines are read: wait for the line itself.
  const complete = await stack.server.waitForLog((r) => r.msg === "shutdown_complete");
  assertEquals(complete?.outcome, "drained");
  // Nothing buffered is lost on SIGTERM: stderr read to its end holds the audit record of every
  // call (warm-up + ten in flight), their access lines, and the EMF records counting them.
  await stack.server.stop();
  const logs = stack.server.logs();
  const audits = logs.filter((r) =>
    r.msg === "tool_call" && r.principal === "draining@example.com"
  );
  assertEquals(audits.length, 11, "an audit record for every call");
  assert(audits.every((r) => r.outcome === "ok"));
  const served = logs.filter((r) => r.msg === "http_request" && r.status === 200);
  assert(served.length >= 11, "an access line for every answered call");
  const counted = logs
    .filter((r) => r._aws !== undefined && r.Tool === "auth_status" && r.Outcome === "ok")
    .reduce((sum, r) => sum + Number(r.ToolCall ?? 0), 0);
  assertEquals(counted, 11, "the ToolCall metric of every call reached the log");
});
