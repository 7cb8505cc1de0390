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
  // The reviver costs a JavaScript call per value; most texts (a tools/call whose only number is
  // the request id) have no number whose text could differ, and plain JSON.parse gives the same.
  if (!mayHaveNumberText(text)) return JSON.parse(text);
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
 * Whether some number token of the JSON `text` (outside strings) might be written differently
 * from its JavaScript value: one with a fraction or an exponent, `-0`, or 16 digits or more (2^53
 * has 16; every integer of at most 15 digits is exact and prints back as written). False means no
 * number needs its text kept. Invalid JSON may give either answer: JSON.parse refuses it anyway.
 */
export function mayHaveNumberText(text: string): boolean {
  const n = text.length;
  let inString = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++; // the escaped character cannot end the string
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) {
      inString = true;
      continue;
    }
    if (c !== MINUS && !isDigit(c)) continue;
    let j = c === MINUS ? i + 1 : i;
    const firstDigit = text.charCodeAt(j);
    while (j < n && isDigit(text.charCodeAt(j))) j++;
    const digits = j - (c === MINUS ? i + 1 : i);
    const after = text.charCodeAt(j);
    if (after === DOT || after === LOWER_E || after === UPPER_E || digits >= 16) return true;
    if (c === MINUS && digits === 1 && firstDigit === ZERO) return true; // -0
    i = j - 1;
  }
  return false;
}

const QUOTE = 0x22, BACKSLASH = 0x5c, MINUS = 0x2d, DOT = 0x2e, LOWER_E = 0x65, UPPER_E = 0x45;
const ZERO = 0x30;

function isDigit(c: number): boolean {
  return c >= ZERO && c <= 0x39;
}

/**
 * The source text of the number at `holder[key]` when {@link parseJsonKeepingNumberText} saw
 * text that JavaScript's number does not carry exactly; undefined otherwise.
 */
export function numberTextOf(holder: object, key: string): string | undefined {
  return NUMBER_TEXT.get(holder)?.get(key);
}
