/**
 * Graceful shutdown: counts in-flight requests (until their response body is fully sent) and,
 * once draining, lets them finish within the drain timeout while new requests get 503.
 * @module
 */

/** In-flight accounting and the draining flag. */
export class Drain {
  #inFlight = 0;
  #draining = false;
  #idle: Array<() => void> = [];

  /** Whether shutdown has begun. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Requests currently being served. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Marks a request as started; the returned function marks it finished (idempotent). */
  begin(): () => void {
    this.#inFlight++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#inFlight--;
      if (this.#inFlight === 0) { for (const wake of this.#idle.splice(0)) wake(); }
    };
  }

  /** Starts draining and resolves when idle or after `timeoutMs` (true = drained cleanly). */
  drain(timeoutMs: number): Promise<boolean> {
    this.#draining = true;
    if (this.#inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

/** Wraps a response so `onDone` runs when its body has been fully sent, cancelled, or there is none. */
export function onResponseDone(response: Response, onDone: () => void): Response {
  if (!response.body) {
    onDone();
    return response;
  }
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          onDone();
        } else controller.enqueue(value);
      } catch (e) {
        controller.error(e);
        onDone();
      }
    },
    cancel(reason) {
      onDone();
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
