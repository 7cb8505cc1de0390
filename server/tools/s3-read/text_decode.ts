/**
 * Turning object bytes into text an assistant can read — or refusing to. Pure: no I/O.
 * Binary content is detected and refused instead of decoded into garbage; bytes that are not valid
 * in the requested encoding are an error naming the offset, never silently replaced with U+FFFD.
 * A read cut off by the byte limit never ends in half a character: the incomplete tail is left
 * for the next page.
 * @module
 */

/** Encodings the text tool accepts. */
export const TEXT_ENCODINGS = [
  "utf-8",
  "utf-16le",
  "utf-16be",
  "latin-1",
  "windows-1252",
  "iso-8859-15",
] as const;

/** One of {@linkcode TEXT_ENCODINGS}. */
export type TextEncoding = typeof TEXT_ENCODINGS[number];

/** Why bytes could not be turned into text. */
export class TextDecodeError extends Error {
  /** `binary` (the content is not text) or `invalid_encoding` (not valid in the encoding). */
  readonly kind: "binary" | "invalid_encoding";
  constructor(kind: "binary" | "invalid_encoding", message: string) {
    super(message);
    this.name = "TextDecodeError";
    this.kind = kind;
  }
}

/** Result of {@linkcode decodeText}. */
export interface DecodedText {
  readonly text: string;
  /** Bytes consumed from the start of the input (an incomplete trailing character is not). */
  readonly bytesConsumed: number;
  /** Leading bytes skipped because the input started inside a character. */
  readonly bytesSkipped: number;
}

const SIGNATURES: ReadonlyArray<readonly [string, readonly number[]]> = [
  ["gzip", [0x1f, 0x8b]],
  ["zip", [0x50, 0x4b, 0x03, 0x04]],
  ["PNG image", [0x89, 0x50, 0x4e, 0x47]],
  ["JPEG image", [0xff, 0xd8, 0xff]],
  ["GIF image", [0x47, 0x49, 0x46, 0x38]],
  ["Parquet", [0x50, 0x41, 0x52, 0x31]],
  ["bzip2", [0x42, 0x5a, 0x68]],
  ["zstd", [0x28, 0xb5, 0x2f, 0xfd]],
  ["HDF5", [0x89, 0x48, 0x44, 0x46]],
];

/**
 * Names the binary format of `bytes` (read from the start of an object), or undefined when they
 * look like text. Checks well-known signatures first, then NUL bytes and the share of control
 * characters in the first 8 KiB. Only meaningful for byte-oriented encodings (UTF-16 text is full
 * of NUL bytes), so callers skip it for UTF-16.
 */
export function detectBinary(bytes: Uint8Array, atStart: boolean): string | undefined {
  if (atStart) {
    for (const [name, sig] of SIGNATURES) {
      if (bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b)) return name;
    }
  }
  const sample = bytes.subarray(0, 8192);
  let control = 0;
  for (const b of sample) {
    if (b === 0) return "binary data (contains NUL bytes)";
    // Tab, LF, VT, FF, CR and ESC appear in real text; other C0 controls do not.
    if (b < 0x20 && !(b >= 0x09 && b <= 0x0d) && b !== 0x1b) control++;
  }
  if (sample.length > 0 && control / sample.length > 0.1) {
    return "binary data (many control characters)";
  }
  return undefined;
}

/** Length of the UTF-8 sequence a lead byte starts (0 for a continuation or invalid byte). */
function utf8SequenceLength(b: number): number {
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 0;
}

/** Bytes at the end of a truncated read that form an incomplete character, to leave for later. */
export function incompleteTail(bytes: Uint8Array, encoding: TextEncoding): number {
  if (encoding === "utf-8") {
    // A character is at most 4 bytes: look back at most 3 for the lead byte of the last one.
    for (let back = 1; back <= Math.min(3, bytes.length); back++) {
      const b = bytes[bytes.length - back];
      if ((b & 0xc0) === 0x80) continue; // continuation byte, keep looking
      const need = utf8SequenceLength(b);
      return need > back ? back : 0;
    }
    return 0;
  }
  if (encoding === "utf-16le" || encoding === "utf-16be") {
    let tail = bytes.length % 2;
    const end = bytes.length - tail;
    if (end >= 2) {
      const unit = encoding === "utf-16le"
        ? bytes[end - 2] | (bytes[end - 1] << 8)
        : (bytes[end - 2] << 8) | bytes[end - 1];
      if (unit >= 0xd800 && unit <= 0xdbff) tail += 2; // high surrogate waiting for its pair
    }
    return tail;
  }
  return 0;
}

/** Leading bytes to skip when a read starts in the middle of a UTF-8 character. */
export function leadingContinuation(bytes: Uint8Array, encoding: TextEncoding): number {
  if (encoding !== "utf-8") return 0;
  let n = 0;
  while (n < Math.min(3, bytes.length) && (bytes[n] & 0xc0) === 0x80) n++;
  return n;
}

function latin1(bytes: Uint8Array): string {
  // ISO-8859-1 maps every byte to the code point of the same value (WHATWG's "latin1" label
  // means windows-1252 instead, which differs in 0x80–0x9F), so decode it exactly by hand.
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

/** Offset of the first byte that is not valid UTF-8 (or -1). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const n = utf8SequenceLength(b);
    if (n === 0 || i + n > bytes.length) return i;
    for (let k = 1; k < n; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      // Reject overlong 3/4-byte forms, surrogates and code points above U+10FFFF.
      if (k === 1) {
        if (b === 0xe0 && c < 0xa0) return i;
        if (b === 0xed && c > 0x9f) return i;
        if (b === 0xf0 && c < 0x90) return i;
        if (b === 0xf4 && c > 0x8f) return i;
      }
    }
    i += n;
  }
  return -1;
}

/**
 * Decodes `bytes` (a window of an object starting at byte `offset`) in `encoding`.
 * `truncated` = more bytes follow, so an incomplete trailing character is left unconsumed.
 * Throws {@linkcode TextDecodeError} for binary content or bytes invalid in the encoding.
 */
export function decodeText(
  bytes: Uint8Array,
  options: { encoding: TextEncoding; offset: number; truncated: boolean },
): DecodedText {
  const { encoding, offset, truncated } = options;
  const utf16 = encoding === "utf-16le" || encoding === "utf-16be";
  if (!utf16) {
    const kind = detectBinary(bytes, offset === 0);
    if (kind) {
      throw new TextDecodeError(
        "binary",
        `the content is ${kind}, not text; use bucket_object_fetch for the raw bytes`,
      );
    }
  }
  const skipped = offset > 0 ? leadingContinuation(bytes, encoding) : 0;
  const tail = truncated ? incompleteTail(bytes.subarray(skipped), encoding) : 0;
  const window = bytes.subarray(skipped, bytes.length - tail);
  let text: string;
  if (encoding === "latin-1") {
    text = latin1(window);
  } else {
    try {
      // fatal: invalid bytes are an error, never silently replaced with U+FFFD.
      text = new TextDecoder(encoding, { fatal: true, ignoreBOM: offset > 0 }).decode(window);
    } catch {
      const at = encoding === "utf-8" ? firstInvalidUtf8(window) : -1;
      const where = at >= 0 ? ` (first invalid byte at offset ${offset + skipped + at})` : "";
      throw new TextDecodeError(
        "invalid_encoding",
        `the content is not valid ${encoding}${where}; pass another encoding (for example latin-1 or windows-1252) or use bucket_object_fetch for the raw bytes`,
      );
    }
    // deno-lint-ignore no-control-regex -- C0 controls in decoded text are the binary signal
    if (utf16 && /[\u0000-\u0008\u000e-\u001a\u001c-\u001f]/.test(text.slice(0, 4096))) {
      throw new TextDecodeError(
        "binary",
        `the content does not look like ${encoding} text; use bucket_object_fetch for the raw bytes`,
      );
    }
  }
  return { text, bytesConsumed: skipped + window.length, bytesSkipped: skipped };
}
