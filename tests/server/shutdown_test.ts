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
});
