/**
 * The stdio transport (server/mcp/stdio_lines.ts): framing as the SDK's stdio transport frames it
 * (lines split anywhere, CRLF, non-JSON lines skipped, invalid messages reported, an overlong
 * line fails the connection, end of input closes it), plus the number text it keeps.
 */
import { numberTextOf } from "../../server/quilt/mod.ts";
import { StdioLinesTransport } from "../../server/mcp/stdio_lines.ts";
import { assert, assertEquals } from "../harness/mod.ts";

function pipe() {
  const input = new TransformStream<Uint8Array, Uint8Array>();
  const output = new TransformStream<Uint8Array, Uint8Array>();
  return { input, output };
}

Deno.test("stdio lines: framing, skipped and invalid lines, number text, close on end", async () => {
  const { input, output } = pipe();
  const t = new StdioLinesTransport({ input: input.readable, output: output.writable });
  const messages: unknown[] = [];
  const errors: Error[] = [];
  const closed = Promise.withResolvers<void>();
  t.onmessage = (m) => messages.push(m);
  t.onerror = (e) => errors.push(e);
  t.onclose = () => closed.resolve();
  await t.start();
  const w = input.writable.getWriter();
  const enc = new TextEncoder();
  const request = '{"jsonrpc": "2.0", "id": 1, "method": "x", "params": {"m": {"v": 1.0}}}';
  // One message split over three chunks, CRLF-terminated; a line that is not JSON; one that is
  // JSON but not JSON-RPC; then a notification.
  await w.write(enc.encode(request.slice(0, 10)));
  await w.write(enc.encode(request.slice(10, 40)));
  await w.write(enc.encode(request.slice(40) + "\r\nnot json\n"));
  await w.write(enc.encode('{"hello": 1}\n{"jsonrpc": "2.0", "method": "n"}\n'));
  const reader = output.readable.getReader();
  const line = reader.read(); // the output is a pipe: someone must read for a write to finish
  await t.send({ jsonrpc: "2.0", id: 1, result: {} });
  const { value } = await line;
  assertEquals(new TextDecoder().decode(value), '{"jsonrpc":"2.0","id":1,"result":{}}\n');
  await w.close();
  await closed.promise;
  assertEquals(messages.length, 2);
  const first = messages[0] as { params: { m: { v: number } } };
  assertEquals(first.params.m.v, 1);
  assertEquals(numberTextOf(first.params.m, "v"), "1.0");
  assertEquals(errors.length, 1, "the JSON that is no JSON-RPC message is reported");
});

Deno.test("stdio lines: a line longer than the limit fails the connection", async () => {
  const { input, output } = pipe();
  const t = new StdioLinesTransport({
    input: input.readable,
    output: output.writable,
    maxBufferBytes: 64,
  });
  const errors: Error[] = [];
  const closed = Promise.withResolvers<void>();
  t.onerror = (e) => errors.push(e);
  t.onclose = () => closed.resolve();
  await t.start();
  const w = input.writable.getWriter();
  await w.write(new TextEncoder().encode("x".repeat(100)));
  await closed.promise;
  assert(errors.some((e) => /maximum size of 64 bytes/.test(e.message)), String(errors));
  await w.close().catch(() => {});
});
