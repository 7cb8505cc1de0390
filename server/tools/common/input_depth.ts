/**
 * A nesting-depth cap on tool arguments. Typed inputs are shallow by their schemas; untyped ones
 * (`z.unknown()`, metadata objects such as `user_meta`) would otherwise carry any depth into code
 * that walks them recursively (metadata conversion, manifest encoding, top-hash computation), where
 * a deep enough value overflows the stack (~6,000 levels were enough). The cap is far below that,
 * and below the 900 levels a manifest line may nest (server/quilt/json_parse.ts, Python's own
 * limit), so metadata accepted here can always be written into a manifest and read back. Metadata
 * given as JSON text (`user_meta_json`) is bounded by that parser instead. The check is iterative.
 * @module
 */
import { ToolError } from "./errors.ts";

/** Most containers (objects, arrays) one argument value may nest. */
export const MAX_INPUT_DEPTH = 256;

/** The depth of `value` if it is at most `limit`, else `limit + 1` (the walk stops there). */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (!v || typeof v !== "object") continue;
    if (depth > limit) return limit + 1;
    if (depth > deepest) deepest = depth;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

/** Refuses arguments any of whose values nests deeper than {@linkcode MAX_INPUT_DEPTH}. */
export function assertInputDepth(args: unknown, limit = MAX_INPUT_DEPTH): void {
  if (!args || typeof args !== "object") return;
  for (const [name, value] of Object.entries(args)) {
    if (nestingDepth(value, limit) > limit) {
      throw new ToolError(
        "input_too_deep",
        `Argument '${name}' nests more than ${limit} levels of objects or arrays; flatten it.`,
      );
    }
  }
}
