/** Line-by-line reading of a child process stream, with a bounded wait for a matching line. @module */

/** Collects the lines of a byte stream as they arrive and lets callers wait for one. */
export class LineCollector {
  /** Every line seen so far, in order. */
  readonly lines: string[] = [];
  #waiters: Array<{ match: (l: string) => boolean; resolve: (l: string) => void }> = [];
  /** Resolves when the stream has ended. */
  readonly done: Promise<void>;
  #onLine?: (line: string) => void;

  constructor(stream: ReadableStream<Uint8Array>, onLine?: (line: string) => void) {
    this.#onLine = onLine;
    this.done = this.#pump(stream);
  }

  async #pump(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of stream) {
      buffer += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        this.#push(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
    }
    if (buffer.length > 0) this.#push(buffer);
  }

  #push(line: string): void {
    this.lines.push(line);
    this.#onLine?.(line);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.match(line)) return true;
      w.resolve(line);
      return false;
    });
  }

  /** Waits for the first line (already seen or future) that matches, for at most `timeoutMs`. */
  waitFor(match: (line: string) => boolean, timeoutMs: number, what: string): Promise<string> {
    const seen = this.lines.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; last lines:\n${
              this.lines.slice(-20).join("\n")
            }`,
          ),
        );
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (l: string) => {
          clearTimeout(timer);
          resolve(l);
        },
      };
      this.#waiters.push(waiter);
      this.done.then(() => {
        if (this.#waiters.includes(waiter)) {
          clearTimeout(timer);
          reject(
            new Error(
              `stream ended before ${what}; last lines:\n${this.lines.slice(-20).join("\n")}`,
            ),
          );
        }
      });
    });
  }
}
