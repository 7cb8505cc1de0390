/**
 * The watched server's counting mode, which the HTTP bench measures with: after start-up, stderr
 * lines are counted and not parsed, `sync` still waits for its own access-log line, the raw tail
 * still shows the latest lines, and every per-record view refuses instead of answering from
 * records it never read.
 */
import { assert, assertEquals, assertThrows } from "../harness/mod.ts";
import { startLoadStack } from "./load_stack.ts";
import { mcpHeaders, toolCallBody } from "./rpc.ts";

Deno.test("watched server, logs counted: sync, line count and recent lines work; record views refuse", async () => {
  await using stack = await startLoadStack({ logs: "count" });
  const token = await stack.token("counter@example.com");
  await stack.server.sync();
  const before = stack.server.lineCount;
  for (let i = 0; i < 20; i++) {
    const r = await fetch(stack.mcpUrl, {
      method: "POST",
      headers: { ...mcpHeaders(token), "x-request-id": `counted-request-${i}` },
      body: toolCallBody("catalog_uri", { bucket: "b", package: "team/p" }, i),
    });
    assertEquals(r.status, 200);
    await r.body?.cancel();
  }
  await stack.server.sync();
  // Each call writes at least its access log and its audit record.
  const written = stack.server.lineCount - before;
  assert(written >= 40, `only ${written} lines counted for 20 calls`);
  const recent = stack.server.recentLines();
  assert(recent.some((l) => l.includes('"counted-request-19"')), recent.slice(-5).join("\n"));
  assert(recent.every((l) => l.startsWith("{")), "the tail starts at a whole line");
  assertThrows(() => stack.server.metric("ToolCall"), Error, "counted, not parsed");
  assertThrows(() => stack.server.levels, Error, "counted, not parsed");
  assertThrows(() => stack.server.foreignCount, Error, "counted, not parsed");
  assertThrows(() => stack.server.waitForLog(() => true), Error, "counted, not parsed");
});
