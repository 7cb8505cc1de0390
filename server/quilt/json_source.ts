/**
 * JSON text parsed into plain JavaScript data (what the MCP transports hand to the tools) while
 * remembering the exact text of every number JavaScript would change: `1.0`, `1e3`, `-0.0`,
 * `9007199254740993`. Python's `json.loads` keeps those apart (a float, an exact integer), so
 * metadata given as a JSON object reaches the manifest exactly as quilt3 would write it when
 * {@link fromJs} reads the number text back.
 * @module
 */

import { pyNumberText } from "./json_value.ts";

/**
 * Number text per containing object or array, attached to that object (a WeakMap is a private
 * field by another name: nothing can enumerate it, and it goes when the object goes).
 */
const NUMBER_TEXT = new WeakMap<object, Map<string, string>>();

interface ReviverContext {
  readonly source?: string;
}

/**
 * `JSON.parse`, plus: for each number whose source text differs from the text JavaScript's value
 * would be written as in Python (`1.0` → 1, `1e3` → 1000, big integers rounded), the source text
 * is recorded on its containing object or array (see {@link numberTextOf}).
 */
export function parseJsonKeepingNumberText(text: string): unknown {
  return JSON.parse(
    text,
    function (this: unknown, key: string, value: unknown, context?: ReviverContext) {
      if (typeof value === "number" && context?.source !== undefined) {
        const source = context.source;
        // Integers beyond 2^53 too, even when exact: without their text they would be refused.
        const keep = source !== pyNumberText(value) ||
          (Number.isInteger(value) && !Number.isSafeInteger(value));
        if (keep && this !== null && typeof this === "object") {
          let texts = NUMBER_TEXT.get(this);
          if (!texts) NUMBER_TEXT.set(this, texts = new Map());
          texts.set(key, source);
        }
      }
      return value;
    },
  );
}

/**
 * The source text of the number at `holder[key]` when {@link parseJsonKeepingNumberText} saw
 * text that JavaScript's number does not carry exactly; undefined otherwise.
 */
export function numberTextOf(holder: object, key: string): string | undefined {
  return NUMBER_TEXT.get(holder)?.get(key);
}
