/** The package top hash, bit-identical to quilt3's `Package.top_hash`. @module */

import { createHash, type Hash } from "node:crypto";
import { ManifestError } from "./errors.ts";
import {
  type CanonicalJsonSink,
  CanonicalText,
  encodeStringAscii,
  KeyScratch,
  writeCanonicalJson,
  writeStringAscii,
} from "./json_encode.ts";
import type { JsonObject } from "./json_value.ts";
import type { Manifest, ManifestEntry } from "./manifest.ts";
import { compareLogicalKeys } from "./logical_key.ts";

// Bytes hashed per update: large enough that the per-call cost vanishes, small enough to reuse.
const BUFFER = 64 * 1024;

/**
 * Canonical JSON written into one reused buffer and hashed a buffer at a time. Hashing a large
 * manifest thus builds no string per entry (only entries with metadata encode theirs), where
 * building the text first left tens of MiB of garbage behind for the collector.
 */
class HashOut implements CanonicalJsonSink {
  readonly keys = new KeyScratch();
  readonly #hash: Hash = createHash("sha256");
  readonly #buf = new Uint8Array(BUFFER);
  #pos = 0;

  ascii(text: string): void {
    if (this.#pos + text.length > BUFFER) {
      this.#flush();
      // Canonical JSON is pure ASCII, so its UTF-8 bytes are its characters.
      if (text.length > BUFFER) return void this.#hash.update(text, "utf8");
    }
    const buf = this.#buf;
    let pos = this.#pos;
    for (let i = 0; i < text.length; i++) buf[pos++] = text.charCodeAt(i);
    this.#pos = pos;
  }

  string(s: string): void {
    // Escaping writes at most 6 bytes per UTF-16 unit.
    const room = 6 * s.length + 2;
    if (this.#pos + room > BUFFER) this.#flush();
    if (room > BUFFER) return this.ascii(encodeStringAscii(s));
    this.#pos = writeStringAscii(this.#buf, this.#pos, s);
  }

  /** Writes a non-negative safe integer's digits (what `String(n)` gives, without the string). */
  integer(n: number): void {
    if (this.#pos + 16 > BUFFER) this.#flush();
    let digits = 1;
    for (let p = 10; p <= n; p *= 10) digits++;
    const buf = this.#buf;
    let pos = this.#pos + digits;
    this.#pos = pos;
    // (x - d) / 10 is exact, so x stays a small integer: x / 10 would be a fraction, which
    // unoptimised code boxes as a heap number on every digit.
    let x = n;
    do {
      const d = x % 10;
      buf[--pos] = 0x30 + d;
      x = (x - d) / 10;
    } while (x > 0);
  }

  digest(): string {
    this.#flush();
    return this.#hash.digest("hex");
  }

  #flush(): void {
    if (this.#pos > 0) this.#hash.update(this.#buf.subarray(0, this.#pos));
    this.#pos = 0;
  }
}

/**
 * Writes the canonical JSON one entry contributes to the top hash (`hash`, `logical_key`,
 * `meta`, `size`, keys sorted, no spaces); a stored size or hash that is not plain counts
 * exactly as stored, as in quilt3.
 */
function writeEntry(out: CanonicalText | HashOut, entry: ManifestEntry): void {
  if (entry.rawHash === null || entry.rawSize === null) {
    // quilt3: "PackageEntry missing hash and/or size".
    throw new ManifestError(
      `entry ${JSON.stringify(entry.logicalKey)} has no hash or no size, so no top hash exists`,
    );
  }
  out.ascii('{"hash":');
  if (entry.rawHash === undefined) {
    out.ascii('{"type":');
    out.string(entry.hash.type);
    out.ascii(',"value":');
    out.string(entry.hash.value);
    out.ascii("}");
  } else {
    writeCanonicalJson(out, entry.rawHash);
  }
  out.ascii(',"logical_key":');
  out.string(entry.logicalKey);
  out.ascii(',"meta":');
  writeCanonicalJson(out, entry.meta);
  out.ascii(',"size":');
  if (entry.rawSize !== undefined) writeCanonicalJson(out, entry.rawSize);
  else if (out instanceof HashOut && Number.isSafeInteger(entry.size) && entry.size >= 0) {
    out.integer(entry.size);
  } else out.ascii(String(entry.size));
  out.ascii("}");
}

/**
 * The canonical JSON one entry contributes to the top hash (`hash`, `logical_key`, `meta`,
 * `size`); a stored size or hash that is not plain counts exactly as stored, as in quilt3.
 */
export function entryTopHashJson(entry: ManifestEntry): string {
  const out = new CanonicalText();
  writeEntry(out, entry);
  return out.text;
}

/**
 * SHA-256 (hex) over the canonical JSON of the header and of every entry in tree-walk order,
 * as quilt3 computes it. Entries must be in tree order (as {@link Manifest} guarantees).
 * Directory metadata and physical keys do not count, as in quilt3.
 */
export function computeTopHash(manifest: Pick<Manifest, "header" | "entries">): string {
  return topHashOf(manifest.header, manifest.entries);
}

/** {@link computeTopHash} from a header and entries in tree order (checked, not re-sorted). */
export function topHashOf(header: JsonObject, entries: readonly ManifestEntry[]): string {
  if (header.has("top_hash")) throw new ManifestError("the header must not contain top_hash");
  const out = new HashOut();
  writeCanonicalJson(out, header);
  let prev: string | undefined;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (prev !== undefined && compareLogicalKeys(prev, e.logicalKey) >= 0) {
      throw new ManifestError(
        `entries are not in tree order at ${JSON.stringify(e.logicalKey)}`,
      );
    }
    prev = e.logicalKey;
    writeEntry(out, e);
  }
  return out.digest();
}
