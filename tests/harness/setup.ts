/**
 * Set-up that a test module shares between its tests without doing fallible work at the module's
 * top level: an exception thrown while a module loads discards every test of the module (one
 * failure, no count), while one thrown inside a test fails that test and the others still run and
 * count. `once` defers the work to the first test that needs it; `listedOrFailing` lists the items
 * a data-driven module registers tests for, turning a failure to list them into one failing test.
 * @module
 */

/** `make()` computed on first use and remembered; its error is rethrown to every caller. */
export function once<T>(make: () => T): () => T {
  let state: { value: T } | { error: unknown } | undefined;
  return () => {
    if (!state) {
      try {
        state = { value: make() };
      } catch (error) {
        state = { error };
      }
    }
    if ("error" in state) throw state.error;
    return state.value;
  };
}

/** `make()` started on first use and remembered (a rejection is shared the same way). */
export function onceAsync<T>(make: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => (promise ??= make());
}

/**
 * The items `list()` returns, for a module that registers one test per item. If listing fails, no
 * item test can be registered: a single test named after `what` fails with the error instead.
 */
export function listedOrFailing<T>(what: string, list: () => T[]): T[] {
  try {
    return list();
  } catch (error) {
    Deno.test(`${what} can be listed`, () => {
      throw error;
    });
    return [];
  }
}
