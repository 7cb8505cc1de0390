/**
 * The one buffered writer of log, audit and EMF lines (server/telemetry/line_writer.ts): batches,
 * its bound and dropped-line counter, audit lines never dropped (they wait for room, or fail loudly
 * when the output is gone), close() writing everything, and EMF records aggregated per batch ahead
 * of the log lines written after them. The SIGTERM path of the real process is in
 * shutdown_test.ts.
 */
import { assert, assertEquals, assertThrows } from "../harness/mod.ts";
import {
  AuditWriteError,
  type ByteOutput,
  LineWriter,
} from "../../server/telemetry/line_writer.ts";
import { Logger } from "../../server/telemetry/logger.ts";
import { Metrics } from "../../server/telemetry/metrics.ts";

const decoder = new TextDecoder();

/** An output whose asynchronous writes complete only when the test says so (a stuck stderr). */
class FakeOutput implements ByteOutput {
  readonly chunks: string[] = [];
  readonly syncChunks: string[] = [];
  asyncWrites = 0;
  #held: Array<() => void> = [];
  hold = false;
  fail: Error | undefined;

  write(bytes: Uint8Array): Promise<number> {
    this.asyncWrites++;
    if (this.fail) return Promise.reject(this.fail);
    const text = decoder.decode(bytes);
    if (!this.hold) {
      this.chunks.push(text);
      return Promise.resolve(bytes.length);
    }
    return new Promise((resolve) => {
      this.#held.push(() => {
        this.chunks.push(text);
        resolve(bytes.length);
      });
    });
  }
  writeSync(bytes: Uint8Array): number {
    if (this.fail) throw this.fail;
    this.syncChunks.push(decoder.decode(bytes));
    return bytes.length;
  }
  release(): void {
    this.hold = false;
    const held = this.#held;
    this.#held = [];
    for (const r of held) r();
  }
  /** Every line written, async then sync. */
  lines(): string[] {
    return [...this.chunks, ...this.syncChunks].join("").split("\n").filter((l) => l !== "");
  }
}

/** Resolves once `cond` holds, checking after each macrotask (bounded by a count, not a clock). */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 1));
  assert(cond(), `timed out waiting for ${what}`);
}

Deno.test("line writer: writes nothing on the caller's path; one batch carries the lines in order", async () => {
  const out = new FakeOutput();
  const writer = new LineWriter(out, { batchDelayMs: 1 });
  for (let i = 0; i < 50; i++) writer.write(`line ${i}`);
  assertEquals(out.asyncWrites, 0, "write() only queues");
  await until(() => out.chunks.length > 0, "the batch");
  assertEquals(out.asyncWrites, 1, "fifty lines, one write");
  assertEquals(out.lines(), Array.from({ length: 50 }, (_, i) => `line ${i}`));
  await writer.close();
});

Deno.test("line writer: bounded; lines over the bound are dropped, counted and reported", async () => {
  const out = new FakeOutput();
  out.hold = true;
  const writer = new LineWriter(out, { batchDelayMs: 1, maxQueuedChars: 100 });
  writer.write("a".repeat(40)); // this batch gets stuck in the output
  await until(() => out.asyncWrites === 1, "the first write to start");
  // The queue holds 100 chars (line + newline each): two lines of 40 fit, the third does not.
  writer.write("b".repeat(40));
  writer.write("c".repeat(40));
  writer.write("d".repeat(40));
  writer.write("e".repeat(40));
  assertEquals(writer.dropped, 2);
  out.release();
  await writer.close();
  const lines = out.lines();
  assertEquals(lines.slice(0, 3), ["a".repeat(40), "b".repeat(40), "c".repeat(40)]);
  const notice = JSON.parse(lines[3]);
  assertEquals([notice.msg, notice.level, notice.count], ["log_lines_dropped", "warn", 2]);
  assertEquals(lines.length, 4, "the dropped lines are gone, and only they are");
});

Deno.test("line writer: an audit line is never dropped; it waits for room, and ordinary lines yield to it", async () => {
  const out = new FakeOutput();
  out.hold = true;
  const writer = new LineWriter(out, { batchDelayMs: 1, maxQueuedChars: 50 });
  writer.write("x".repeat(10));
  await until(() => out.asyncWrites === 1, "the first write to start");
  writer.write("y".repeat(45)); // fills the queue
  assertEquals(writer.writeAudit('{"msg":"tool_call","n":1}') === undefined, false);
  let settled = false;
  const pending = writer.writeAudit('{"msg":"tool_call","n":2}')!.then(() => settled = true);
  writer.write("z".repeat(5)); // would fit, but an audit line is waiting: dropped instead
  assertEquals(writer.dropped, 1);
  await new Promise((r) => setTimeout(r, 20));
  assertEquals(settled, false, "no room while the output is stuck: the audit line waits");
  out.release();
  await pending;
  await writer.close();
  const lines = out.lines();
  assert(lines.includes('{"msg":"tool_call","n":1}'));
  assert(lines.includes('{"msg":"tool_call","n":2}'));
  assert(!lines.includes("z".repeat(5)));
  assertEquals(writer.dropped, 1, "only the ordinary line was dropped");
});

Deno.test("line writer: when the output has failed, an audit line fails loudly instead of vanishing", async () => {
  const out = new FakeOutput();
  out.fail = new Error("EPIPE: stderr closed");
  const writer = new LineWriter(out, { batchDelayMs: 1 });
  writer.write("first");
  await until(() => out.asyncWrites === 1, "the failed write");
  await new Promise((r) => setTimeout(r, 5));
  assertThrows(() => writer.writeAudit('{"msg":"tool_call"}'), AuditWriteError, "EPIPE");
  await writer.close();
  assertThrows(() => writer.writeAudit('{"msg":"tool_call"}'), AuditWriteError);
});

Deno.test("line writer: close() waits for the write in flight, then writes the rest; later lines go out at once", async () => {
  const out = new FakeOutput();
  out.hold = true;
  const writer = new LineWriter(out, { batchDelayMs: 1 });
  writer.write("in flight");
  await until(() => out.asyncWrites === 1, "the first write to start");
  writer.write("queued");
  writer.writeAudit('{"msg":"tool_call"}');
  const closing = writer.close();
  let closed = false;
  closing.then(() => closed = true);
  await new Promise((r) => setTimeout(r, 10));
  assertEquals(closed, false, "close waits for the write in flight");
  out.release();
  await closing;
  assertEquals(out.lines(), ["in flight", "queued", '{"msg":"tool_call"}']);
  writer.write("after close");
  assertEquals(out.syncChunks.at(-1), "after close\n", "written synchronously once closed");
});

Deno.test("metrics: aggregated per batch, counts summed and other units as value arrays, ahead of later log lines", async () => {
  const out = new FakeOutput();
  const writer = new LineWriter(out, { batchDelayMs: 1 });
  const logger = new Logger("info", writer);
  const metrics = new Metrics("QuiltMCP", logger);
  for (let i = 0; i < 250; i++) {
    metrics.count("ToolCall", { Tool: "catalog_uri", Outcome: "ok" });
    metrics.put("ToolLatency", i % 7, { Tool: "catalog_uri" });
  }
  metrics.count("ToolCall", { Tool: "catalog_uri", Outcome: "error" });
  logger.info("http_request", { status: 200 });
  await writer.close();
  const records = out.lines().map((l) => JSON.parse(l));
  const emf = records.filter((r) => r._aws);
  const calls = emf.filter((r) => r.ToolCall !== undefined);
  assertEquals(
    calls.map((r) => [r.Outcome, r.ToolCall]),
    [["ok", 250], ["error", 1]],
    "one record per dimension values, summed",
  );
  const latency = emf.filter((r) => r.ToolLatency !== undefined);
  assertEquals(latency.map((r) => r.ToolLatency.length), [100, 100, 50], "≤ 100 values a record");
  assertEquals(
    latency.flatMap((r) => r.ToolLatency),
    Array.from({ length: 250 }, (_, i) => i % 7),
    "every observation kept",
  );
  assertEquals(latency[0]._aws.CloudWatchMetrics[0].Metrics[0].Unit, "Milliseconds");
  assertEquals(records.at(-1).msg, "http_request", "metrics observed before a line precede it");
  assertEquals(metrics.total("ToolCall", { Outcome: "ok" }), 250, "in-process totals unchanged");
});

Deno.test("metrics: observations alone (no log line) still reach the output", async () => {
  const out = new FakeOutput();
  const writer = new LineWriter(out, { batchDelayMs: 1 });
  const metrics = new Metrics("QuiltMCP", new Logger("info", writer));
  metrics.count("CredentialCacheHit");
  await until(() => out.chunks.length > 0, "the metric batch");
  assertEquals(JSON.parse(out.lines()[0]).CredentialCacheHit, 1);
  await writer.close();
});
