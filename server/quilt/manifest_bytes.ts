/**
 * Manifest lines read straight from UTF-8 bytes. A large manifest is never decoded into one
 * string: that string costs twice the file (V8 stores the whole text as UTF-16 as soon as one
 * character is not Latin-1), and every field sliced from it would keep it alive. Instead each
 * line is split out of the bytes, and the fields of an entry line in quilt3's own layout are
 * decoded one by one into small strings of their own.
 * @module
 */

import { parseJson, ValuePool } from "./json_parse.ts";
import { EMPTY_OBJECT, type JsonValue } from "./json_value.ts";
import type { ManifestEntry } from "./manifest.ts";

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Splits a byte stream into lines as Python's text-mode file iteration does (`\n`, `\r\n`, `\r`)
 * and hands each line, without its newline, to `onLine` as `bytes[start, end)`. Chunks may end
 * anywhere, even between `\r` and `\n`; a line split across chunks is copied out, nothing else.
 */
export class ByteLineSplitter {
  readonly #onLine: (bytes: Uint8Array, start: number, end: number) => void;
  #carry: Uint8Array[] = [];
  // The previous chunk ended in "\r": a "\n" starting the next chunk belongs to it.
  #skipLf = false;

  /** Calls `onLine` for every complete line. */
  constructor(onLine: (bytes: Uint8Array, start: number, end: number) => void) {
    this.#onLine = onLine;
  }

  /** Adds the next chunk of the stream. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    let start = 0;
    if (this.#skipLf) {
      this.#skipLf = false;
      if (chunk[0] === LF) start = 1;
    }
    let cr = chunk.indexOf(CR, start);
    for (;;) {
      if (cr >= 0 && cr < start) cr = chunk.indexOf(CR, start);
      const lf = chunk.indexOf(LF, start);
      const end = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf;
      if (end < 0) break;
      this.#emit(chunk, start, end);
      start = end + 1;
      if (chunk[end] === CR) {
        if (start === chunk.length) this.#skipLf = true;
        else if (chunk[start] === LF) start++;
      }
    }
    if (start < chunk.length) this.#carry.push(chunk.slice(start));
  }

  /** Ends the stream: a last line without a newline still counts. */
  end(): void {
    if (this.#carry.length > 0) this.#emit(new Uint8Array(0), 0, 0);
  }

  #emit(chunk: Uint8Array, start: number, end: number): void {
    if (this.#carry.length === 0) {
      this.#onLine(chunk, start, end);
      return;
    }
    const parts = this.#carry;
    this.#carry = [];
    let length = end - start;
    for (const p of parts) length += p.length;
    const line = new Uint8Array(length);
    let at = 0;
    for (const p of parts) {
      line.set(p, at);
      at += p.length;
    }
    line.set(chunk.subarray(start, end), at);
    this.#onLine(line, 0, length);
  }
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

// The fixed text between the fields of an entry line as quilt3 writes it.
const BEFORE_LOGICAL_KEY = ascii('{"logical_key": "');
const BEFORE_PHYSICAL_KEY = ascii(', "physical_keys": ["');
const BEFORE_SIZE = ascii('], "size": ');
const BEFORE_HASH_TYPE = ascii(', "hash": {"type": "');
const BEFORE_HASH_VALUE = ascii(', "value": "');
const BEFORE_META = ascii('}, "meta": ');

/**
 * Reads entry lines laid out exactly as quilt3 (and we) write them, from their bytes:
 * `{"logical_key": S, "physical_keys": [S], "size": N, "hash": {"type": S, "value": S}, "meta": V}`
 * with strings free of escapes and control characters. {@link EntryScanner.scan} returns
 * `undefined` for anything else, and for bytes that are not UTF-8: the caller then decodes the
 * line and takes the general path, so this only saves time and memory, never changes a meaning.
 */
export class EntryScanner {
  // Bytes below 0x80 are always valid UTF-8, and the lenient decoder is much faster than the
  // checking one (which only non-ASCII text needs): scans note which kind they saw.
  readonly #utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  readonly #ascii = new TextDecoder("utf-8", { ignoreBOM: true });
  #sawNonAscii = false;
  // Nearly every entry has the same hash type: share one string rather than 100,000 copies.
  #lastType = "";
  #lastTypeBytes = new Uint8Array(0);
  // Metadata repeats its keys and many values from entry to entry: share them.
  readonly #pool = new ValuePool();
  // Where the last scanned string ended (a second return value without an allocation).
  #at = 0;

  /** The entry on `bytes[start, end)`, or undefined when the line needs the general parser. */
  scan(bytes: Uint8Array, start: number, end: number): ManifestEntry | undefined {
    let i = literal(bytes, start, end, BEFORE_LOGICAL_KEY);
    const logicalKey = this.#string(bytes, i, end);
    if (logicalKey === undefined) return undefined;
    i = literal(bytes, this.#at, end, BEFORE_PHYSICAL_KEY);
    const physicalKey = this.#string(bytes, i, end);
    if (physicalKey === undefined) return undefined;
    i = literal(bytes, this.#at, end, BEFORE_SIZE);
    const size = this.#integer(bytes, i, end);
    if (size === undefined) return undefined;
    i = literal(bytes, this.#at, end, BEFORE_HASH_TYPE);
    const type = this.#hashType(bytes, i, end);
    if (type === undefined) return undefined;
    i = literal(bytes, this.#at, end, BEFORE_HASH_VALUE);
    const value = this.#string(bytes, i, end);
    if (value === undefined) return undefined;
    i = literal(bytes, this.#at, end, BEFORE_META);
    const meta = this.#meta(bytes, i, end);
    if (meta === undefined) return undefined;
    return { logicalKey, physicalKey, size, hash: { type, value }, meta };
  }

  /** The string from `i` to the next quote (which must close it); sets `#at` past the quote. */
  #string(bytes: Uint8Array, i: number, end: number): string | undefined {
    const close = this.#stringEnd(bytes, i, end);
    if (close < 0) return undefined;
    this.#at = close + 1;
    return this.#decode(bytes, i, close);
  }

  /** The index of the quote closing a string that starts at `i`; -1 on an escape or control. */
  #stringEnd(bytes: Uint8Array, i: number, end: number): number {
    if (i < 0) return -1;
    let any = 0;
    for (let j = i; j < end; j++) {
      const c = bytes[j];
      if (c === QUOTE) {
        this.#sawNonAscii = any >= 0x80;
        return j;
      }
      if (c === BACKSLASH || c < 0x20) return -1;
      any |= c;
    }
    return -1;
  }

  #hashType(bytes: Uint8Array, i: number, end: number): string | undefined {
    const close = this.#stringEnd(bytes, i, end);
    if (close < 0) return undefined;
    this.#at = close + 1;
    const last = this.#lastTypeBytes;
    if (close - i === last.length && startsWith(bytes, i, close, last)) return this.#lastType;
    const type = this.#decode(bytes, i, close);
    if (type === undefined) return undefined;
    this.#lastType = type;
    this.#lastTypeBytes = bytes.slice(i, close);
    return type;
  }

  /** A plain non-negative integer (no sign, no leading zero, safe); sets `#at` after it. */
  #integer(bytes: Uint8Array, i: number, end: number): number | undefined {
    if (i < 0) return undefined;
    let j = i;
    let n = 0;
    for (; j < end; j++) {
      const d = bytes[j] - 0x30;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    // 15 digits always fit a double exactly; longer sizes take the general path.
    if (j === i || j - i > 15 || (bytes[i] === 0x30 && j - i > 1)) return undefined;
    this.#at = j;
    return n;
  }

  /** The metadata from `i` to the line's closing brace: `{}` shared, else a non-empty object. */
  #meta(bytes: Uint8Array, i: number, end: number): JsonValue | undefined {
    if (i < 0 || bytes[end - 1] !== 0x7d) return undefined;
    const last = end - 1;
    if (last - i === 2 && bytes[i] === 0x7b && bytes[i + 1] === 0x7d) return EMPTY_OBJECT;
    let any = 0;
    for (let j = i; j < last; j++) {
      const c = bytes[j];
      if (c < 0x20) return undefined;
      any |= c;
    }
    this.#sawNonAscii = any >= 0x80;
    const text = this.#decode(bytes, i, last);
    if (text === undefined) return undefined;
    let meta: JsonValue;
    try {
      meta = parseJson(text, { pool: this.#pool });
    } catch {
      return undefined;
    }
    // Empty or non-object metadata: the general path applies quilt3's `meta or {}`.
    return meta instanceof Map && meta.size > 0 ? meta : undefined;
  }

  /** Decodes what the last scan covered (which said whether it saw non-ASCII bytes). */
  #decode(bytes: Uint8Array, start: number, end: number): string | undefined {
    if (!this.#sawNonAscii) return this.#ascii.decode(bytes.subarray(start, end));
    try {
      return this.#utf8.decode(bytes.subarray(start, end));
    } catch {
      return undefined;
    }
  }
}

/** The index after `text` when it is found at `bytes[i]`, else -1. */
function literal(bytes: Uint8Array, i: number, end: number, text: Uint8Array): number {
  if (i < 0 || i + text.length > end || !startsWith(bytes, i, end, text)) return -1;
  return i + text.length;
}

function startsWith(bytes: Uint8Array, i: number, end: number, text: Uint8Array): boolean {
  if (i + text.length > end) return false;
  for (let k = 0; k < text.length; k++) if (bytes[i + k] !== text[k]) return false;
  return true;
}
