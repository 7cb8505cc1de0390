/**
 * The stdio transport: newline-delimited JSON-RPC over byte streams, framed like the SDK's
 * StdioServerTransport (same line limit, same handling of unparseable lines), with one
 * difference: lines are parsed keeping number text (see parseJsonKeepingNumberText), so metadata
 * a desktop client sends as a JSON object reaches the manifest exactly as written (1.0 stays a
 * float, big integers stay exact), as it does over HTTP.
 * @module
 */
import {
  type JSONRPCMessage,
  parseJSONRPCMessage,
  STDIO_DEFAULT_MAX_BUFFER_SIZE,
  type Transport,
} from "@modelcontextprotocol/server";
import { parseJsonKeepingNumberText } from "../quilt/json_source.ts";

/** Options of {@link StdioLinesTransport}. */
export interface StdioLinesOptions {
  /** Bytes from the client (stdin). */
  readonly input: ReadableStream<Uint8Array>;
  /** Bytes to the client (stdout). */
  readonly output: WritableStream<Uint8Array>;
  /** Longest unterminated input kept before the connection fails (the SDK's default: 10 MiB). */
  readonly maxBufferBytes?: number;
}

/** A Transport reading and writing one JSON-RPC message per line. */
export class StdioLinesTransport implements Transport {
  readonly #input: ReadableStream<Uint8Array>;
  readonly #output: WritableStream<Uint8Array>;
  readonly #max: number;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  #closed = false;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport["onmessage"];

  /** Binds the transport to its streams; nothing is read before {@link start}. */
  constructor(opts: StdioLinesOptions) {
    this.#input = opts.input;
    this.#output = opts.output;
    this.#max = opts.maxBufferBytes ?? STDIO_DEFAULT_MAX_BUFFER_SIZE;
  }

  /** Starts reading lines; the connection closes when the input ends. */
  start(): Promise<void> {
    if (this.#reader) throw new Error("StdioLinesTransport already started");
    this.#reader = this.#input.getReader();
    this.#writer = this.#output.getWriter();
    this.#pump().catch((e) => this.onerror?.(e instanceof Error ? e : new Error(String(e))))
      .finally(() => this.close());
    return Promise.resolve();
  }

  async #pump(): Promise<void> {
    const decoder = new TextDecoder();
    let pending: Uint8Array = new Uint8Array(0);
    for (;;) {
      const { value, done } = await this.#reader!.read();
      if (done || this.#closed) return;
      let buffer = concat(pending, value);
      let nl: number;
      while ((nl = buffer.indexOf(0x0a)) >= 0) {
        const line = decoder.decode(buffer.subarray(0, nl)).replace(/\r$/, "");
        buffer = buffer.subarray(nl + 1);
        this.#deliver(line);
        if (this.#closed) return;
      }
      if (buffer.length > this.#max) {
        throw new Error(`ReadBuffer exceeded maximum size of ${this.#max} bytes`);
      }
      pending = buffer;
    }
  }

  #deliver(line: string): void {
    let parsed: unknown;
    try {
      parsed = parseJsonKeepingNumberText(line);
    } catch (e) {
      // As the SDK's ReadBuffer: a line that is not JSON is skipped.
      if (e instanceof SyntaxError) return;
      throw e;
    }
    let message: JSONRPCMessage;
    try {
      message = parseJSONRPCMessage(parsed);
    } catch (e) {
      this.onerror?.(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    this.onmessage?.(message);
  }

  /** Writes one message as a line. */
  async send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed || !this.#writer) throw new Error("StdioLinesTransport is closed");
    await this.#writer.write(new TextEncoder().encode(JSON.stringify(message) + "\n"));
  }

  /** Stops reading, releases the streams and reports the close once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#reader?.cancel().catch(() => {});
    this.#writer?.releaseLock();
    this.onclose?.();
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
