/**
 * Structured JSON logging: one line per event on stderr (stdout is reserved for JSON-RPC on stdio),
 * through the process's one buffered LineWriter (line_writer.ts). Field names come from
 * catalog.json; values that look like credentials are never written.
 * @module
 */
import type { LogLevel } from "../config/schema.ts";
import { LineWriter } from "./line_writer.ts";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Fields a log record may carry beyond ts/level/msg. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** A sink for finished lines (stderr in production; a buffer in unit tests). */
export type LineSink = (line: string) => void;

/** Anything shaped like a JWT (three base64url segments) or a bearer credential. */
const TOKENISH = /(eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*)|(Bearer\s+\S+)/g;

/**
 * Removes token-shaped substrings from a value that may echo user or upstream input. Both shapes
 * contain a fixed marker ("eyJ", "Bearer"), so text without either is returned without running
 * the expression: most values of most lines (a cheap test instead of a regex scan per field).
 */
export function redact(text: string): string {
  if (!text.includes("eyJ") && !text.includes("Bearer")) return text;
  return text.replace(TOKENISH, "[redacted]");
}

/**
 * `new Date(ms).toISOString()`, reusing the last answer within the same millisecond (several lines
 * are written per request, thousands of requests per second).
 */
class IsoClock {
  #ms = NaN;
  #text = "";

  now(): string {
    const ms = Date.now();
    if (ms !== this.#ms) {
      this.#ms = ms;
      this.#text = new Date(ms).toISOString();
    }
    return this.#text;
  }
}

/** A JSON-lines logger with a minimum level. */
export class Logger {
  readonly #min: number;
  readonly #sink: LineSink;
  readonly #writer: LineWriter | undefined;
  readonly #clock = new IsoClock();

  /**
   * Writes through `output`: a LineWriter (production: `LineWriter.stderr()`, the default) or a
   * plain function that receives each line at once (unit tests).
   */
  constructor(level: LogLevel, output: LineSink | LineWriter = LineWriter.stderr()) {
    this.#min = ORDER[level];
    if (output instanceof LineWriter) {
      this.#writer = output;
      this.#sink = (line) => output.write(line);
    } else {
      this.#sink = output;
    }
  }

  /** The batching writer behind this logger, if there is one (metrics aggregate per batch). */
  get writer(): LineWriter | undefined {
    return this.#writer;
  }

  /** Ordinary lines dropped because the writer's queue was full. */
  get droppedLines(): number {
    return this.#writer?.dropped ?? 0;
  }

  /** Writes everything buffered and waits for it (shutdown); later lines are written at once. */
  async close(): Promise<void> {
    await this.#writer?.close();
  }

  /** Writes a record if `level` is at or above the logger's minimum. */
  log(level: LogLevel, msg: string, fields: LogFields = {}): void {
    if (ORDER[level] < this.#min) return;
    this.#write(level, msg, fields);
  }

  /**
   * An audit record: written at info level whatever the minimum level (the trail is not optional),
   * never dropped. Returns a promise when the writer's queue is full: the caller waits for room.
   */
  audit(msg: string, fields: LogFields = {}): Promise<void> | undefined {
    const line = this.#line("info", msg, fields);
    if (this.#writer) return this.#writer.writeAudit(line);
    this.#sink(line);
    return undefined;
  }

  #write(level: LogLevel, msg: string, fields: LogFields): void {
    this.#sink(this.#line(level, msg, fields));
  }

  #line(level: LogLevel, msg: string, fields: LogFields): string {
    const record: Record<string, unknown> = { ts: this.#clock.now(), level, msg };
    for (const k in fields) {
      if (!Object.hasOwn(fields, k)) continue;
      const v = fields[k];
      if (v === undefined) continue;
      record[k] = typeof v === "string" ? redact(v) : v;
    }
    return JSON.stringify(record);
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
