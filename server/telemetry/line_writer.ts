/**
 * The one writer of every log, audit and EMF line of the process. Request handlers only append to
 * a queue; the queue goes out as one batch a few milliseconds later through a single asynchronous
 * write (never two at once, so lines never interleave), and synchronously when the process stops
 * (`close`, or the `unload` event of `Deno.exit`). A synchronous write per line cost 13% of a busy
 * server's time (issue 13).
 *
 * Bounded: at most `maxQueuedChars` wait in the queue (plus one batch being written). Ordinary
 * lines that do not fit are dropped and counted; a `log_lines_dropped` warning with the count goes
 * out with the next batch, and `dropped` keeps the total.
 *
 * Audit lines are never dropped silently. When the queue is full, `writeAudit` returns a promise
 * that settles once the line is queued: the tool call that produced the record waits for room
 * (back-pressure on that caller, not on the event loop) rather than answering without its trail,
 * and ordinary lines are dropped while an audit line waits. If the output itself has failed
 * (stderr closed), there is nowhere to write: `writeAudit` throws, so the call fails loudly.
 * @module
 */

/** Where batches go: stderr in production, a fake in tests. */
export interface ByteOutput {
  write(bytes: Uint8Array): Promise<number>;
  writeSync(bytes: Uint8Array): number;
}

/** Tuning of a writer. */
export interface LineWriterOptions {
  /** Queue bound in UTF-16 code units (default 4 Mi: about 8 MiB of memory at most). */
  readonly maxQueuedChars?: number;
  /** How long lines gather before a batch is written (default 5 ms). */
  readonly batchDelayMs?: number;
}

/** Raised by `writeAudit` when the output has failed: the record cannot be written anywhere. */
export class AuditWriteError extends Error {
  constructor(cause: unknown) {
    super(`the audit record could not be written: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = "AuditWriteError";
  }
}

const encoder = new TextEncoder();

/** A bounded, batching, asynchronous line writer (see the module comment). */
export class LineWriter {
  readonly #out: ByteOutput;
  readonly #max: number;
  readonly #delayMs: number;
  #queue: string[] = [];
  #queuedChars = 0;
  #waitingAudits: Array<{ line: string; resolve: () => void }> = [];
  #beforeBatch: Array<() => void> = [];
  #head: string[] | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> | undefined;
  #closed = false;
  #failure: unknown;
  #droppedSinceNotice = 0;
  #dropped = 0;

  constructor(out: ByteOutput, options: LineWriterOptions = {}) {
    this.#out = out;
    this.#max = options.maxQueuedChars ?? 4 * 1024 * 1024;
    this.#delayMs = options.batchDelayMs ?? 5;
  }

  /** A writer on this process's stderr, flushed synchronously when the process exits. */
  static stderr(options?: LineWriterOptions): LineWriter {
    const writer = new LineWriter(Deno.stderr, options);
    globalThis.addEventListener("unload", () => writer.flushSync());
    return writer;
  }

  /** Ordinary lines dropped because the queue was full, since start. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Runs `hook` just before each batch is taken (metrics aggregated since the last batch go in it). */
  beforeBatch(hook: () => void): void {
    this.#beforeBatch.push(hook);
  }

  /** Asks for a batch soon even if no line is queued (a beforeBatch hook has something to write). */
  wake(): void {
    this.#schedule();
  }

  /** Queues an ordinary line; drops and counts it when the queue is full. */
  write(line: string): void {
    if (this.#head) {
      // Written by a beforeBatch hook: goes first in the batch (a few aggregated records).
      this.#head.push(line);
      return;
    }
    if (this.#closed) return this.#writeSyncNow(line);
    if (this.#waitingAudits.length > 0 || this.#queuedChars + line.length + 1 > this.#max) {
      this.#dropped++;
      this.#droppedSinceNotice++;
      return;
    }
    this.#enqueue(line);
  }

  /**
   * Queues an audit line. Returns undefined when it is queued at once, else a promise that settles
   * when it is queued; throws AuditWriteError when the output has failed.
   */
  writeAudit(line: string): Promise<void> | undefined {
    if (this.#failure !== undefined) throw new AuditWriteError(this.#failure);
    if (this.#closed) {
      this.#writeSyncNow(line);
      if (this.#failure !== undefined) throw new AuditWriteError(this.#failure);
      return undefined;
    }
    if (this.#waitingAudits.length === 0 && this.#queuedChars + line.length + 1 <= this.#max) {
      this.#enqueue(line);
      return undefined;
    }
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#waitingAudits.push({ line, resolve });
    this.#schedule();
    return promise;
  }

  /** Writes everything queued and waits for it; afterwards every line is written synchronously. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#writing) await this.#writing;
    this.flushSync();
  }

  /** Writes everything queued now, synchronously (process exit). */
  flushSync(): void {
    const batch = this.#takeBatch();
    if (batch === undefined) return;
    try {
      writeAllSync(this.#out, encoder.encode(batch));
    } catch (e) {
      this.#failure ??= e;
    }
  }

  #enqueue(line: string): void {
    this.#queue.push(line);
    this.#queuedChars += line.length + 1;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#writing || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#writing) return; // the running write schedules the next batch when it ends
      this.#writing = this.#pump().finally(() => {
        this.#writing = undefined;
        if (this.#queue.length > 0 || this.#waitingAudits.length > 0) this.#schedule();
      });
    }, this.#delayMs);
  }

  /** Takes the queue (and the audit lines waiting for room) as one string, or undefined if empty. */
  #takeBatch(): string | undefined {
    // What the hooks write (metrics observed up to now) precedes every line queued after those
    // observations: a reader that sees a log line has seen the metrics recorded before it.
    const lines: string[] = [];
    this.#head = lines;
    try {
      for (const hook of this.#beforeBatch) hook();
    } finally {
      this.#head = undefined;
    }
    for (const line of this.#queue) lines.push(line);
    if (this.#droppedSinceNotice > 0) {
      lines.push(JSON.stringify({
        ts: new Date().toISOString(),
        level: "warn",
        msg: "log_lines_dropped",
        count: this.#droppedSinceNotice,
      }));
      this.#droppedSinceNotice = 0;
    }
    for (const waiting of this.#waitingAudits) {
      lines.push(waiting.line);
      waiting.resolve();
    }
    this.#waitingAudits = [];
    this.#queue = [];
    this.#queuedChars = 0;
    return lines.length === 0 ? undefined : lines.join("\n") + "\n";
  }

  async #pump(): Promise<void> {
    const batch = this.#takeBatch();
    if (batch === undefined || this.#failure !== undefined) return;
    const bytes = encoder.encode(batch);
    try {
      let written = 0;
      while (written < bytes.length) written += await this.#out.write(bytes.subarray(written));
    } catch (e) {
      this.#failure ??= e;
    }
  }

  #writeSyncNow(line: string): undefined {
    try {
      writeAllSync(this.#out, encoder.encode(line + "\n"));
    } catch (e) {
      this.#failure ??= e;
    }
    return undefined;
  }
}

function writeAllSync(out: ByteOutput, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += out.writeSync(bytes.subarray(written));
}
