/**
 * The package manifest (JSON Lines): parse, validate, build and serialize byte-identically to
 * quilt3 (`Package._load` / `Package._dump` in quilt3 8.0.0).
 * @module
 */

import { JsonSyntaxError, ManifestError, RecordTooLargeError } from "./errors.ts";
import { encodeCanonicalJson, encodeManifestJson } from "./json_encode.ts";
import { parseJson } from "./json_parse.ts";
import { EMPTY_OBJECT, JsonNumber, type JsonObject, type JsonValue } from "./json_value.ts";
import { compareLogicalKeys, validateLogicalKey } from "./logical_key.ts";
import { ByteLineSplitter, EntryLayout, EntryScanner, scanEntryText } from "./manifest_lines.ts";
import { normalizePhysicalKey, parsePhysicalKey } from "./physical_key.ts";

/** Hash type quilt3 writes by default (S3-compatible chunked SHA-256, base64). */
export const SHA256_CHUNKED = "sha2-256-chunked";
/** Legacy hash type: hex SHA-256 of the whole object. */
export const SHA256_LEGACY = "SHA256";
/** CRC64-NVME (base64 of 8 bytes), which quilt3 8 also reads. */
export const CRC64NVME = "CRC64NVME";
/** Every hash type quilt3 8.0.0 supports. */
export const SUPPORTED_HASH_TYPES: readonly string[] = [SHA256_LEGACY, SHA256_CHUNKED, CRC64NVME];

/** quilt3's default limit on one manifest record, in UTF-8 bytes (`MANIFEST_MAX_RECORD_SIZE`). */
export const MAX_RECORD_SIZE = 1_000_000;

/** The hash of an entry's bytes. */
export interface EntryHash {
  /** `sha2-256-chunked`, `SHA256` or `CRC64NVME`. */
  readonly type: string;
  /** The digest text (base64 or hex, depending on the type). */
  readonly value: string;
}

/** One file of a package. */
export interface ManifestEntry {
  /** Path inside the package, e.g. `data/file.csv`. */
  readonly logicalKey: string;
  /** Where the bytes are: a physical-key URL (`s3://...`, or `file://...` in local registries). */
  readonly physicalKey: string;
  /**
   * Size in bytes: the stored size when it is a plain integer, else the numeric value of
   * {@link ManifestEntry.rawSize} (`7.0` → 7), or 0 when that is not a number at all.
   */
  readonly size: number;
  /** Hash of the bytes (for display and comparisons when {@link ManifestEntry.rawHash} is set). */
  readonly hash: EntryHash;
  /**
   * Entry metadata as stored (an object; user metadata sits under `user_meta`). Parsed entries
   * without metadata share one read-only empty object ({@link EMPTY_OBJECT}): copy, never mutate.
   */
  readonly meta: JsonValue;
  /**
   * The size exactly as an existing manifest stores it, when that is not a plain non-negative
   * integer (`7.0`, `7e0`, a string, `null`, ...). quilt3 reads any value and writes it back and
   * hashes it unchanged, so this value, not {@link ManifestEntry.size}, is what the top hash and
   * the re-written manifest use.
   */
  readonly rawSize?: JsonValue;
  /**
   * The hash exactly as an existing manifest stores it, when that is not `{"type": <string>,
   * "value": <string>}` in that order (extra fields, other key order, non-string values, ...).
   * Like {@link ManifestEntry.rawSize}, it is what the top hash and the re-written manifest use.
   */
  readonly rawHash?: JsonValue;
}

/** A parsed or built manifest. */
export interface Manifest {
  /** Line 1, the package metadata (`version`, `message`, `user_meta`, `workflow`, ...), in order. */
  readonly header: JsonObject;
  /** Entries in quilt3's tree-walk order, unique logical keys. */
  readonly entries: readonly ManifestEntry[];
  /** Directory-level metadata records: directory path (`a/b`, no trailing slash) → metadata. */
  readonly dirMeta: ReadonlyMap<string, JsonValue>;
}

/** Options of {@link parseManifest}. */
export interface ParseManifestOptions {
  /** Check that physical keys parse as quilt3 would (default true). */
  readonly checkPhysicalKeys?: boolean;
  /**
   * Read lines in quilt3's own layout with a native-string-search scanner (default true). The
   * result is identical either way; turning it off exists for tests and benchmarks.
   */
  readonly fastPath?: boolean;
}

/** Options of {@link serializeManifest}. */
export interface SerializeManifestOptions {
  /** Largest allowed record in UTF-8 bytes (default {@link MAX_RECORD_SIZE}). */
  readonly maxRecordSize?: number;
}

/** Python's truthiness of a JSON value (quilt3 keeps only truthy metadata in several places). */
export function pyTruthy(v: JsonValue): boolean {
  if (v === null || v === false || v === "" || v === 0 || v === 0n) return false;
  if (v instanceof JsonNumber) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  return true;
}

/**
 * Reads a manifest line by line, so a large manifest can be parsed while it streams in.
 * Call {@link ManifestReader.line} for every line (without its newline), then
 * {@link ManifestReader.finish}.
 */
export class ManifestReader {
  #header: JsonObject | undefined;
  #entries: ManifestEntry[] = [];
  #dirMeta = new Map<string, JsonValue>();
  #lineNo = 0;
  #sorted = true;
  #checkPk: boolean;
  #fastPath: boolean;
  #scanner: EntryScanner | undefined;
  #layout: EntryLayout | undefined;

  /** Starts an empty manifest; options as for {@link parseManifest}. */
  constructor(opts: ParseManifestOptions = {}) {
    this.#checkPk = opts.checkPhysicalKeys ?? true;
    this.#fastPath = opts.fastPath ?? true;
  }

  /** Adds the next line of the manifest. */
  line(text: string): void {
    const lineNo = ++this.#lineNo;
    if (this.#header !== undefined && this.#fastPath) {
      const fast = scanEntryText(text, this.#layout ??= new EntryLayout());
      if (fast !== undefined) {
        this.#pushScanned(fast, lineNo);
        return;
      }
    }
    this.#general(text, lineNo);
  }

  /**
   * Adds the next line of the manifest given as its UTF-8 bytes, `bytes[start, end)`. The fields
   * of entry lines in quilt3's layout are decoded into strings of their own, which do not keep the
   * line (or the file) alive.
   */
  lineBytes(bytes: Uint8Array, start: number, end: number): void {
    if (this.#header !== undefined && this.#fastPath) {
      const fast = (this.#scanner ??= new EntryScanner()).scan(bytes, start, end);
      if (fast !== undefined) {
        this.#pushScanned(fast, ++this.#lineNo);
        return;
      }
    }
    this.#general(decodeUtf8(bytes.subarray(start, end)), ++this.#lineNo);
  }

  #pushScanned(entry: ManifestEntry, lineNo: number): void {
    if (this.#checkPk && !FAST_PK.test(entry.physicalKey)) {
      try {
        parsePhysicalKey(entry.physicalKey);
      } catch (e) {
        throw new ManifestError((e as Error).message, lineNo);
      }
    }
    this.#push(entry);
  }

  #general(text: string, lineNo: number): void {
    let value: JsonValue;
    try {
      value = parseJson(text);
    } catch (e) {
      if (e instanceof JsonSyntaxError) throw new ManifestError(e.message, lineNo);
      throw e;
    }
    if (!(value instanceof Map)) {
      throw new ManifestError("each manifest line must be a JSON object", lineNo);
    }
    if (this.#header === undefined) {
      value.delete("top_hash"); // obsolete; quilt3 drops it too
      this.#header = value;
      return;
    }
    this.#record(value, lineNo);
  }

  #record(obj: JsonObject, lineNo: number): void {
    const lk = obj.get("logical_key");
    if (typeof lk !== "string") throw new ManifestError("logical_key must be a string", lineNo);
    const pks = obj.get("physical_keys");
    if (pks === undefined || !pyTruthy(pks)) {
      // No physical keys: a directory-level metadata record for the key's parent directory.
      if (!obj.has("meta")) throw new ManifestError("directory record without meta", lineNo);
      // quilt3 drops the last segment; no "/" at all means the root, i.e. the package itself.
      const slash = lk.lastIndexOf("/");
      if (slash < 0) this.#header!.set("user_meta", obj.get("meta")!);
      else this.#dirMeta.set(lk.slice(0, slash), obj.get("meta")!);
      return;
    }
    if (!Array.isArray(pks) || typeof pks[0] !== "string") {
      throw new ManifestError("physical_keys must be a list of URL strings", lineNo);
    }
    const physicalKey = pks[0];
    if (this.#checkPk) {
      try {
        parsePhysicalKey(physicalKey);
      } catch (e) {
        throw new ManifestError((e as Error).message, lineNo);
      }
    }
    this.#push({
      logicalKey: lk,
      physicalKey,
      ...readSize(obj.get("size"), lineNo),
      ...readHash(obj.get("hash"), lineNo),
      meta: readMeta(obj, lineNo),
    });
  }

  #push(entry: ManifestEntry): void {
    const lk = entry.logicalKey;
    const entries = this.#entries;
    if (
      this.#sorted && entries.length > 0 &&
      compareLogicalKeys(entries[entries.length - 1].logicalKey, lk) >= 0
    ) {
      this.#sorted = false;
    }
    entries.push(entry);
  }

  /** Ends the manifest and returns it; throws {@link ManifestError} on duplicates or conflicts. */
  finish(): Manifest {
    if (this.#header === undefined) throw new ManifestError("empty manifest: no header line");
    const entries = this.#entries;
    if (!this.#sorted) entries.sort((a, b) => compareLogicalKeys(a.logicalKey, b.logicalKey));
    checkTree(entries, this.#dirMeta);
    return { header: this.#header, entries, dirMeta: this.#dirMeta };
  }
}

/**
 * The size of an entry line. quilt3 (`Package._load`) takes any value and needs only the key; a
 * value other than a plain integer is kept as `rawSize` so it is hashed and written unchanged.
 */
function readSize(
  v: JsonValue | undefined,
  lineNo: number,
): { size: number; rawSize?: JsonValue } {
  if (v === undefined) throw new ManifestError("entry without size", lineNo);
  if (v instanceof JsonNumber && !v.isFloat) {
    const n = Number(v.text);
    if (Number.isSafeInteger(n) && n >= 0 && v.canonical === String(n)) return { size: n };
  }
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return { size: v };
  const n = v instanceof JsonNumber ? v.value : typeof v === "number" ? v : NaN;
  return { size: Number.isFinite(n) ? n : 0, rawSize: v };
}

/**
 * The hash of an entry line. quilt3 takes any value (it only looks inside when it verifies
 * bytes); anything but `{"type": <string>, "value": <string>}` is kept as `rawHash`.
 */
function readHash(
  v: JsonValue | undefined,
  lineNo: number,
): { hash: EntryHash; rawHash?: JsonValue } {
  if (v === undefined) throw new ManifestError("entry without hash", lineNo);
  if (v instanceof Map && v.size === 2) {
    const [first, second] = v.keys();
    const type = v.get("type");
    const value = v.get("value");
    if (
      first === "type" && second === "value" && typeof type === "string" &&
      typeof value === "string"
    ) {
      return { hash: { type, value } };
    }
  }
  return { hash: { type: hashField(v, "type"), value: hashField(v, "value") }, rawHash: v };
}

/** A field of a stored hash object as text: the string itself, else its JSON, else "". */
function hashField(hash: JsonValue, key: string): string {
  if (!(hash instanceof Map) || !hash.has(key)) return "";
  const v = hash.get(key)!;
  return typeof v === "string" ? v : encodeCanonicalJson(v);
}

function readMeta(obj: JsonObject, lineNo: number): JsonValue {
  if (!obj.has("meta")) throw new ManifestError("entry without meta", lineNo);
  const meta = obj.get("meta")!;
  // quilt3 stores `meta or {}`.
  return pyTruthy(meta) ? meta : EMPTY_OBJECT;
}

// Physical keys that certainly parse (the common, already-normalised form).
const FAST_PK = /^s3:\/\/[A-Za-z0-9.\-_]+\/[^?#%\s]*(\?versionId=[A-Za-z0-9_.\-~]+)?$/;

/** Rejects duplicate keys and keys that are both a file and a directory (entries sorted). */
function checkTree(entries: readonly ManifestEntry[], dirMeta: ReadonlyMap<string, JsonValue>) {
  for (let i = 1; i < entries.length; i++) {
    const prev = entries[i - 1].logicalKey;
    const cur = entries[i].logicalKey;
    if (prev === cur) throw new ManifestError(`duplicate logical key ${JSON.stringify(cur)}`);
    // In tree order everything under "x/" directly follows a file "x".
    if (cur.length > prev.length && cur.startsWith(prev) && cur.charCodeAt(prev.length) === 0x2f) {
      throw new ManifestError(`${JSON.stringify(prev)} is both a file and a directory`);
    }
  }
  if (dirMeta.size === 0) return;
  const files = new Set(entries.map((e) => e.logicalKey));
  for (const dir of dirMeta.keys()) {
    let i = dir.indexOf("/");
    for (;;) {
      const prefix = i < 0 ? dir : dir.slice(0, i);
      if (files.has(prefix)) {
        throw new ManifestError(`${JSON.stringify(prefix)} is both a file and a directory`);
      }
      if (i < 0) break;
      i = dir.indexOf("/", i + 1);
    }
  }
}

/** Splits text into manifest lines as Python's text-mode file iteration does (`\n`, `\r\n`, `\r`). */
function* splitLines(text: string): Generator<string> {
  let start = 0;
  const n = text.length;
  for (;;) {
    let i = text.indexOf("\n", start);
    const cr = text.indexOf("\r", start);
    if (cr >= 0 && (i < 0 || cr < i)) i = cr;
    if (i < 0) break;
    yield text.slice(start, i);
    start = i + (text.charCodeAt(i) === 0x0d && text.charCodeAt(i + 1) === 0x0a ? 2 : 1);
  }
  if (start < n) yield text.slice(start);
}

// ignoreBOM keeps a BOM in the text, so it fails as it does in Python.
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new ManifestError("manifest is not valid UTF-8");
  }
}

/**
 * Parses a whole manifest (text or UTF-8 bytes). Bytes are read line by line without decoding
 * the whole text (see {@link ManifestReader.lineBytes}), which keeps the memory of a large
 * manifest to little more than its entries.
 */
export function parseManifest(input: string | Uint8Array, opts?: ParseManifestOptions): Manifest {
  const reader = new ManifestReader(opts);
  if (typeof input !== "string") {
    const lines = new ByteLineSplitter((b, start, end) => reader.lineBytes(b, start, end));
    lines.push(input);
    lines.end();
    return reader.finish();
  }
  const text = input;
  if (text.indexOf("\r") < 0) {
    // Fast path: only "\n" separators.
    let start = 0;
    for (;;) {
      const i = text.indexOf("\n", start);
      if (i < 0) break;
      reader.line(text.slice(start, i));
      start = i + 1;
    }
    if (start < text.length) reader.line(text.slice(start));
  } else {
    for (const line of splitLines(text)) reader.line(line);
  }
  return reader.finish();
}

/** Parses a manifest given as lines (without their newlines), e.g. from a line splitter. */
export function parseManifestLines(lines: Iterable<string>, opts?: ParseManifestOptions): Manifest {
  const reader = new ManifestReader(opts);
  for (const line of lines) reader.line(line);
  return reader.finish();
}

/**
 * Parses a manifest from a byte stream (e.g. an S3 GetObject body) without buffering it whole:
 * lines are split from the bytes and read as {@link parseManifest} reads bytes.
 */
export async function parseManifestStream(
  stream: AsyncIterable<Uint8Array>,
  opts?: ParseManifestOptions,
): Promise<Manifest> {
  const reader = new ManifestReader(opts);
  const lines = new ByteLineSplitter((b, start, end) => reader.lineBytes(b, start, end));
  for await (const chunk of stream) lines.push(chunk);
  lines.end();
  return reader.finish();
}

// ---------------------------------------------------------------------------------------------
// Building

/** Input of {@link createHeader}. */
export interface HeaderInput {
  /** Commit message (`null` when absent, as quilt3 writes it). */
  readonly message?: string | null;
  /** Package-level user metadata. */
  readonly userMeta?: JsonValue;
  /** Workflow record, written only when truthy (as quilt3 does). */
  readonly workflow?: JsonValue;
}

/** A new header in quilt3's key order: `version`, `user_meta`, `workflow`, `message`. */
export function createHeader(input: HeaderInput = {}): JsonObject {
  const h: JsonObject = new Map([["version", "v0"]]);
  if (input.userMeta !== undefined) h.set("user_meta", input.userMeta);
  if (input.workflow !== undefined && pyTruthy(input.workflow)) h.set("workflow", input.workflow);
  h.set("message", input.message ?? null);
  return h;
}

/**
 * A copy of a header with a new commit message, as quilt3's `_set_commit_message` does when it
 * pushes a new revision (an existing `message` keeps its position).
 */
export function withCommitMessage(header: JsonObject, message: string | null): JsonObject {
  const h = new Map(header);
  h.set("message", message);
  return h;
}

/** A copy of a header with new package-level user metadata (`Package.set_meta`). */
export function withUserMeta(header: JsonObject, userMeta: JsonValue): JsonObject {
  const h = new Map(header);
  h.set("user_meta", userMeta);
  return h;
}

/** The package-level user metadata of a header (an empty object when absent). */
export function headerUserMeta(header: JsonObject): JsonValue {
  return header.get("user_meta") ?? new Map();
}

/** The user metadata of an entry (`meta.user_meta`, an empty object when absent). */
export function entryUserMeta(entry: ManifestEntry): JsonValue {
  return entry.meta instanceof Map ? entry.meta.get("user_meta") ?? new Map() : new Map();
}

const CHUNKED_VALUE = /^[A-Za-z0-9+/]{43}=$/;
const LEGACY_VALUE = /^[0-9a-f]{64}$/;
const CRC_VALUE = /^[A-Za-z0-9+/]{11}=$/;

/** Checks that a hash has a supported type and a well-formed value. */
export function validateEntryHash(hash: EntryHash): void {
  const ok = hash.type === SHA256_CHUNKED
    ? CHUNKED_VALUE.test(hash.value)
    : hash.type === SHA256_LEGACY
    ? LEGACY_VALUE.test(hash.value)
    : hash.type === CRC64NVME
    ? CRC_VALUE.test(hash.value)
    : false;
  if (!ok) {
    throw new ManifestError(
      SUPPORTED_HASH_TYPES.includes(hash.type)
        ? `malformed ${hash.type} hash value ${JSON.stringify(hash.value)}`
        : `unsupported hash type ${JSON.stringify(hash.type)}`,
    );
  }
}

/**
 * Checks a new entry as quilt3's `Package.set` and `_build` would: a valid logical key, a
 * physical key quilt3 can read, a non-negative integer size, a supported well-formed hash.
 */
export function validateEntry(entry: ManifestEntry): void {
  validateLogicalKey(entry.logicalKey);
  try {
    parsePhysicalKey(entry.physicalKey);
  } catch (e) {
    throw new ManifestError(`entry ${JSON.stringify(entry.logicalKey)}: ${(e as Error).message}`);
  }
  if (!Number.isSafeInteger(entry.size) || entry.size < 0) {
    throw new ManifestError(`entry ${JSON.stringify(entry.logicalKey)}: invalid size`);
  }
  if (entry.rawSize !== undefined || entry.rawHash !== undefined) {
    throw new ManifestError(
      `entry ${
        JSON.stringify(entry.logicalKey)
      }: a new entry needs an integer size and a plain hash`,
    );
  }
  validateEntryHash(entry.hash);
}

/** Input of {@link buildManifest}. */
export interface BuildManifestInput {
  /** Header (see {@link createHeader}). */
  readonly header: JsonObject;
  /** Entries in any order. */
  readonly entries: Iterable<ManifestEntry>;
  /** Directory metadata, if any. */
  readonly dirMeta?: ReadonlyMap<string, JsonValue>;
  /**
   * Logical keys of entries carried forward from an existing revision (their metadata may have
   * changed). They are not re-validated: quilt3 keeps whatever it read — a legacy hash, an
   * unknown hash type, a size written as `7.0` — when it pushes a new revision.
   */
  readonly carried?: ReadonlySet<string>;
}

/**
 * Builds a manifest from new or edited entries: validates each new entry, sorts into tree order
 * and rejects duplicates and file/directory conflicts.
 */
export function buildManifest(input: BuildManifestInput): Manifest {
  const entries = Array.from(input.entries);
  for (const e of entries) if (!input.carried?.has(e.logicalKey)) validateEntry(e);
  entries.sort((a, b) => compareLogicalKeys(a.logicalKey, b.logicalKey));
  const dirMeta = new Map(input.dirMeta ?? []);
  checkTree(entries, dirMeta);
  const header = new Map(input.header);
  header.delete("top_hash");
  return { header, entries, dirMeta };
}

// ---------------------------------------------------------------------------------------------
// Serializing

function checkSize(line: string, limit: number, what: () => string): void {
  // Each UTF-16 unit takes at most 3 UTF-8 bytes, so short lines need no exact count.
  if (line.length * 3 <= limit) return;
  const size = utf8Length(line);
  if (size > limit) throw new RecordTooLargeError(what(), size, limit);
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if ((c & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Yields the manifest's lines (each with its trailing newline) exactly as quilt3 writes them. */
export function* serializeManifestLines(
  manifest: Manifest,
  opts: SerializeManifestOptions = {},
): Generator<string> {
  const limit = opts.maxRecordSize ?? MAX_RECORD_SIZE;
  const header = manifest.header.has("top_hash") ? new Map(manifest.header) : manifest.header;
  header.delete("top_hash");
  const head = encodeManifestJson(header);
  checkSize(head, limit, () => "package metadata");
  yield head + "\n";
  if (manifest.dirMeta.size > 0) {
    const dirs = Array.from(manifest.dirMeta.keys()).sort(compareLogicalKeys);
    for (const dir of dirs) {
      const meta = manifest.dirMeta.get(dir)!;
      if (!pyTruthy(meta)) continue;
      const line = `{"logical_key": ${encodeManifestJson(dir + "/")}, "meta": ${
        encodeManifestJson(meta)
      }}`;
      checkSize(line, limit, () => `directory ${JSON.stringify(dir + "/")}`);
      yield line + "\n";
    }
  }
  for (const e of manifest.entries) {
    const meta = e.meta instanceof Map && e.meta.size === 0 ? "{}" : encodeManifestJson(e.meta);
    const size = e.rawSize === undefined ? String(e.size) : encodeManifestJson(e.rawSize);
    const hash = e.rawHash === undefined
      ? `{"type": ${encodeManifestJson(e.hash.type)}, "value": ${encodeManifestJson(e.hash.value)}}`
      : encodeManifestJson(e.rawHash);
    const line = `{"logical_key": ${encodeManifestJson(e.logicalKey)}, "physical_keys": [${
      encodeManifestJson(normalizePhysicalKey(e.physicalKey))
    }], "size": ${size}, "hash": ${hash}, "meta": ${meta}}`;
    checkSize(line, limit, () => `entry with logical key ${JSON.stringify(e.logicalKey)}`);
    yield line + "\n";
  }
}

/** The whole manifest text exactly as quilt3 writes it (encode with UTF-8 to upload). */
export function serializeManifest(manifest: Manifest, opts?: SerializeManifestOptions): string {
  let out = "";
  for (const line of serializeManifestLines(manifest, opts)) out += line;
  return out;
}
