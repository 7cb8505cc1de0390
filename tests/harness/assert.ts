/** Named assertions over node:assert/strict (no JSR @std/assert on these machines). @module */
import nodeAssert from "node:assert/strict";

/** Asserts a truthy condition. */
export function assert(condition: unknown, message?: string): asserts condition {
  nodeAssert.ok(condition, message);
}

/** Asserts deep strict equality. */
export function assertEquals<T>(
  actual: unknown,
  expected: T,
  message?: string,
): asserts actual is T {
  nodeAssert.deepStrictEqual(actual, expected, message);
}

/** Asserts a string matches a pattern. */
export function assertMatch(actual: string, pattern: RegExp, message?: string): void {
  nodeAssert.match(actual, pattern, message);
}

/** Asserts that `fn` rejects, optionally with an error of `type` whose message includes `includes`. */
export async function assertRejects(
  fn: () => Promise<unknown>,
  type?: new (...args: never[]) => Error,
  includes?: string,
): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    if (type) nodeAssert.ok(e instanceof type, `expected ${type.name}, got ${(e as Error)?.name}`);
    if (includes) {
      nodeAssert.ok(
        (e as Error).message.includes(includes),
        `error message lacks "${includes}": ${(e as Error).message}`,
      );
    }
    return e as Error;
  }
  throw new nodeAssert.AssertionError({ message: "expected the function to reject" });
}

/** Asserts that `fn` throws synchronously. */
export function assertThrows(
  fn: () => unknown,
  type?: new (...args: never[]) => Error,
  includes?: string,
): Error {
  try {
    fn();
  } catch (e) {
    if (type) nodeAssert.ok(e instanceof type, `expected ${type.name}, got ${(e as Error)?.name}`);
    if (includes) {
      nodeAssert.ok(
        (e as Error).message.includes(includes),
        `error message lacks "${includes}": ${(e as Error).message}`,
      );
    }
    return e as Error;
  }
  throw new nodeAssert.AssertionError({ message: "expected the function to throw" });
}
