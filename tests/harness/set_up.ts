/**
 * Set-up shared by the tests of one module, run inside the tests rather than at module top level.
 * A top-level `await` that throws makes `deno test` report a module-load error and drop every
 * test of the module from the count; a set-up run on first use instead fails each test that
 * needs it, with the set-up's own error, and the count stays whole.
 * @module
 */

/**
 * Returns a function that runs `setUp` once, on its first call, and gives every caller the same
 * result: the value, or the same rejection (a failed set-up is not retried).
 */
export function setUpOnce<T>(setUp: () => T | Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= Promise.resolve().then(setUp);
    return result;
  };
}
