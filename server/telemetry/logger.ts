/**
 * Structured JSON logging: one line per event on stderr (stdout is reserved for JSON-RPC on stdio).
 * Field names come from catalog.json; values that look like credentials are never written.
 * @module
 */
import type { LogLevel } from "../config/schema.ts";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Fields a log record may carry beyond ts/level/msg. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** A sink for finished lines (stderr in production; a buffer in unit tests). */
export type LineSink = (line: string) => void;

/** Anything shaped like a JWT (three base64url segments) or a bearer credential. */
const TOKENISH = /(eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*)|(Bearer\s+\S+)/g;

/** Removes token-shaped substrings from a value that may echo user or upstream input. */
export function redact(text: string): string {
  return text.replace(TOKENISH, "[redacted]");
}

const encoder = new TextEncoder();

/** Writes to stderr synchronously, so lines are never interleaved or lost on exit. */
export const stderrSink: LineSink = (line) => {
  const bytes = encoder.encode(line + "\n");
  let written = 0;
  while (written < bytes.length) written += Deno.stderr.writeSync(bytes.subarray(written));
};

/** A JSON-lines logger with a minimum level. */
export class Logger {
  readonly #min: number;
  readonly #sink: LineSink;

  constructor(level: LogLevel, sink: LineSink = stderrSink) {
    this.#min = ORDER[level];
    this.#sink = sink;
  }

  /** Writes a record if `level` is at or above the logger's minimum. */
  log(level: LogLevel, msg: string, fields: LogFields = {}): void {
    if (ORDER[level] < this.#min) return;
    this.#write(level, msg, fields);
  }

  /** An audit record: written at info level whatever the minimum level (the trail is not optional). */
  audit(msg: string, fields: LogFields = {}): void {
    this.#write("info", msg, fields);
  }

  #write(level: LogLevel, msg: string, fields: LogFields): void {
    const record: Record<string, unknown> = { ts: new Date().toISOString(), level, msg };
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      record[k] = typeof v === "string" ? redact(v) : v;
    }
    this.#sink(JSON.stringify(record));
  }

  /** Debug-level record. */
  debug(msg: string, fields?: LogFields): void {
    this.log("debug", msg, fields);
  }
  /** Info-level record. */
  info(msg: string, fields?: LogFields): void {
    this.log("info", msg, fields);
  }
  /** Warn-level record. */
  warn(msg: string, fields?: LogFields): void {
    this.log("warn", msg, fields);
  }
  /** Error-level record. */
  error(msg: string, fields?: LogFields): void {
    this.log("error", msg, fields);
  }

  /** Writes a pre-built record verbatim (EMF lines). */
  raw(record: Record<string, unknown>): void {
    this.#sink(JSON.stringify(record));
  }
}
