/**
 * Manifest lines: split from UTF-8 bytes, and entry lines in quilt3's own layout read with native
 * string search instead of the general JSON parser.
 *
 * A large manifest is never decoded into one string: that string costs twice the file (V8 stores
 * the whole text as UTF-16 as soon as one character is not Latin-1), and every field sliced from
 * it would keep it alive. Each line is split out of the bytes instead, and the fields of an entry
 * line are decoded into small strings of their own.
 * @module
 */

import { parseJson, ValuePool } from "./json_parse.ts";
import { EMPTY_OBJECT, type JsonValue } from "./json_value.ts";
import type { ManifestEntry } from "./manifest.ts";

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

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

// The fixed text of an entry line as quilt3 writes it, up to each field.
const BEFORE_LOGICAL_KEY = '{"logical_key": "';
const BEFORE_PHYSICAL_KEY = ', "physical_keys": ["';
const BEFORE_SIZE = '], "size": ';
const BEFORE_HASH_TYPE = ', "hash": {"type": "';
const BEFORE_HASH_VALUE = ', "value": "';
const BEFORE_META = '}, "meta": ';
// Any raw control character sends a line to the full parser, which knows where JSON allows them.
// deno-lint-ignore no-control-regex -- control characters are what this looks for
const CONTROL = /[\x00-\x1f]/;

/**
 * Where the fields are in an entry line laid out exactly as quilt3 (and we) write it:
 * `{"logical_key": S, "physical_keys": [S], "size": N, "hash": {"type": S, "value": S}, "meta": V}`
 * with strings free of escapes and control characters and a plain integer size. Offsets are
 * UTF-16 indexes into the line; a string runs from its first character to its closing quote.
 */
export class EntryLayout {
  /** Start and closing quote of the logical key. */
  logicalKey = 0;
  logicalKeyEnd = 0;
  /** Start and closing quote of the physical key (the one element of `physical_keys`). */
  physicalKey = 0;
  physicalKeyEnd = 0;
  /** Start and closing quote of the hash type. */
  hashType = 0;
  hashTypeEnd = 0;
  /** Start and closing quote of the hash value. */
  hashValue = 0;
  hashValueEnd = 0;
  /** Start of the metadata, which runs to the line's closing brace (its last character). */
  meta = 0;
  /** The size. */
  size = 0;

  /** Reads `line`; false when it is laid out otherwise (then the general parser reads it). */
  read(line: string): boolean {
    if (!line.startsWith(BEFORE_LOGICAL_KEY) || CONTROL.test(line)) return false;
    this.logicalKey = BEFORE_LOGICAL_KEY.length;
    this.logicalKeyEnd = line.indexOf('"', this.logicalKey);
    this.physicalKey = after(line, this.logicalKeyEnd + 1, BEFORE_PHYSICAL_KEY);
    if (this.physicalKey < 0) return false;
    this.physicalKeyEnd = line.indexOf('"', this.physicalKey);
    const size = after(line, this.physicalKeyEnd + 1, BEFORE_SIZE);
    this.hashType = after(line, this.#integer(line, size), BEFORE_HASH_TYPE);
    if (this.hashType < 0) return false;
    this.hashTypeEnd = line.indexOf('"', this.hashType);
    this.hashValue = after(line, this.hashTypeEnd + 1, BEFORE_HASH_VALUE);
    if (this.hashValue < 0) return false;
    this.hashValueEnd = line.indexOf('"', this.hashValue);
    this.meta = after(line, this.hashValueEnd + 1, BEFORE_META);
    if (this.meta < 0 || line.charCodeAt(line.length - 1) !== 0x7d) return false;
    // The strings hold no quote (each ends at the first one) and must hold no escape either.
    const backslash = line.indexOf("\\");
    return backslash < 0 || backslash > this.hashValueEnd;
  }

  /** A plain integer at `i` (no sign, no leading zero, at most 15 digits); the index after it. */
  #integer(line: string, i: number): number {
    if (i < 0) return -1;
    let j = i;
    let n = 0;
    for (; j < line.length; j++) {
      const d = line.charCodeAt(j) - 0x30;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    // 15 digits always fit a double exactly; longer sizes take the general path.
    if (j === i || j - i > 15 || (line.charCodeAt(i) === 0x30 && j - i > 1)) return -1;
    this.size = n;
    return j;
  }
}

/** The index after `text` when it is at position `i` of `line` (i ≥ 1), else -1. */
function after(line: string, i: number, text: string): number {
  return i > 0 && line.startsWith(text, i) ? i + text.length : -1;
}

/**
 * The entry on a line given as text, or undefined when the line is not in quilt3's layout. Its
 * strings are slices of the line, which is right for small inputs (tests, single lines); large
 * manifests come as bytes and are read by {@link EntryScanner}.
 */
export function scanEntryText(line: string, at = new EntryLayout()): ManifestEntry | undefined {
  if (!at.read(line)) return undefined;
  const meta = metaOf(line.slice(at.meta, line.length - 1));
  if (meta === undefined) return undefined;
  return {
    logicalKey: line.slice(at.logicalKey, at.logicalKeyEnd),
    physicalKey: line.slice(at.physicalKey, at.physicalKeyEnd),
    size: at.size,
    hash: {
      type: line.slice(at.hashType, at.hashTypeEnd),
      value: line.slice(at.hashValue, at.hashValueEnd),
    },
    meta,
  };
}

/** Entry metadata: `{}` shared, else a non-empty object; undefined sends the line elsewhere. */
function metaOf(text: string, pool?: ValuePool): JsonValue | undefined {
  if (text === "{}") return EMPTY_OBJECT;
  let meta: JsonValue;
  try {
    meta = parseJson(text, { pool });
  } catch {
    return undefined;
  }
  // Empty or non-object metadata: the general path applies quilt3's `meta or {}`.
  return meta instanceof Map && meta.size > 0 ? meta : undefined;
}

function bytesOf(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

// The same fixed text as bytes.
const LOGICAL_KEY_BYTES = bytesOf(BEFORE_LOGICAL_KEY);
const PHYSICAL_KEY_BYTES = bytesOf(BEFORE_PHYSICAL_KEY);
const SIZE_BYTES = bytesOf(BEFORE_SIZE);
const HASH_TYPE_BYTES = bytesOf(BEFORE_HASH_TYPE);
const HASH_VALUE_BYTES = bytesOf(BEFORE_HASH_VALUE);
const META_BYTES = bytesOf(BEFORE_META);
// What a field may not hold on the fast path: an escape, a control character, or U+FFFD (which
// the lenient decoder also writes for bytes that are not UTF-8; a real one takes the slow path).
// deno-lint-ignore no-control-regex -- control characters are among what this looks for
const NOT_PLAIN = /[\\\x00-\x1f\ufffd]/;
// Metadata may hold escapes (the JSON parser reads them), but not the rest.
// deno-lint-ignore no-control-regex -- control characters are among what this looks for
const NOT_PLAIN_META = /[\x00-\x1f\ufffd]/;

/**
 * Reads entry lines in quilt3's layout (see {@link EntryLayout}) from their bytes, each field
 * decoded into a string of its own so that nothing keeps the line alive. The work is native
 * (byte search, decoding, one regular expression per field) rather than loops over the bytes,
 * which matter in a fresh process before the code is optimised. {@link EntryScanner.scan}
 * returns `undefined` for other lines and for bytes that are not UTF-8: the caller then takes
 * the general path, so this only saves time and memory, never changes a meaning.
 */
export class EntryScanner {
  // The lenient decoder is much faster than the checking one, and a field it decodes without a
  // U+FFFD was valid UTF-8.
  readonly #utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
  // Nearly every entry has the same hash type: share one string rather than 100,000 copies.
  #lastType = "";
  #lastTypeBytes = new Uint8Array(0);
  // Metadata repeats its keys and many values from entry to entry: share them.
  readonly #pool = new ValuePool();
  // Where the last scanned string ended (a second return value without an allocation).
  #at = 0;

  /** The entry on `bytes[start, end)`, or undefined when the line needs the general parser. */
  scan(bytes: Uint8Array, start: number, end: number): ManifestEntry | undefined {
    let i = literal(bytes, start, end, LOGICAL_KEY_BYTES);
    const logicalKey = this.#string(bytes, i, end);
    if (logicalKey === undefined) return undefined;
    i = literal(bytes, this.#at, end, PHYSICAL_KEY_BYTES);
    const physicalKey = this.#string(bytes, i, end);
    if (physicalKey === undefined) return undefined;
    i = literal(bytes, this.#at, end, SIZE_BYTES);
    const size = this.#integer(bytes, i, end);
    if (size === undefined) return undefined;
    i = literal(bytes, this.#at, end, HASH_TYPE_BYTES);
    const type = this.#hashType(bytes, i, end);
    if (type === undefined) return undefined;
    i = literal(bytes, this.#at, end, HASH_VALUE_BYTES);
    const value = this.#string(bytes, i, end);
    if (value === undefined) return undefined;
    i = literal(bytes, this.#at, end, META_BYTES);
    const meta = this.#meta(bytes, i, end);
    if (meta === undefined) return undefined;
    return { logicalKey, physicalKey, size, hash: { type, value }, meta };
  }

  /** The string from `i` to the next quote (which must close it); sets `#at` past the quote. */
  #string(bytes: Uint8Array, i: number, end: number): string | undefined {
    const close = i < 0 ? -1 : bytes.indexOf(QUOTE, i);
    if (close < 0 || close >= end) return undefined;
    this.#at = close + 1;
    const s = this.#utf8.decode(bytes.subarray(i, close));
    return NOT_PLAIN.test(s) ? undefined : s;
  }

  #hashType(bytes: Uint8Array, i: number, end: number): string | undefined {
    const last = this.#lastTypeBytes;
    const close = i + last.length;
    if (i >= 0 && bytes[close] === QUOTE && close < end && startsWith(bytes, i, end, last)) {
      this.#at = close + 1;
      return this.#lastType;
    }
    const type = this.#string(bytes, i, end);
    if (type === undefined) return undefined;
    this.#lastType = type;
    this.#lastTypeBytes = bytes.slice(i, this.#at - 1);
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
    const text = this.#utf8.decode(bytes.subarray(i, last));
    return NOT_PLAIN_META.test(text) ? undefined : metaOf(text, this.#pool);
  }
}

/** The index after `text` when it is found at `bytes[i]`, else -1. */
function literal(bytes: Uint8Array, i: number, end: number, text: Uint8Array): number {
  if (i < 0 || !startsWith(bytes, i, end, text)) return -1;
  return i + text.length;
}

function startsWith(bytes: Uint8Array, i: number, end: number, text: Uint8Array): boolean {
  if (i + text.length > end) return false;
  for (let k = 0; k < text.length; k++) if (bytes[i + k] !== text[k]) return false;
  return true;
}
