/**
 * Entry hashes: quilt3's `sha2-256-chunked` (S3's composite SHA-256 checksum scheme) computed by
 * streaming, the legacy `SHA256`, and the derivation of the chunked hash from S3's own checksums.
 * @module
 */

import { createHash, type Hash } from "node:crypto";
import { Buffer } from "node:buffer";
import { HashInputError } from "./errors.ts";
import { type EntryHash, SHA256_CHUNKED, SHA256_LEGACY } from "./manifest.ts";

/** quilt3's base chunk size: 8 MiB (also its multipart threshold). */
export const CHECKSUM_CHUNK_SIZE = 8 * 1024 * 1024;
/** S3's maximum number of parts, which bounds the number of chunks. */
export const CHECKSUM_MAX_PARTS = 10_000;
/** The chunked hash of an empty object: zero chunks, so base64(SHA-256 of nothing). */
export const EMPTY_CHUNKED_HASH = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

/** The chunk size for an object of `size` bytes: 8 MiB, doubled until there are ≤ 10,000 chunks. */
export function checksumChunkSize(size: number): number {
  let chunk = CHECKSUM_CHUNK_SIZE;
  while (Math.ceil(size / chunk) > CHECKSUM_MAX_PARTS) chunk *= 2;
  return chunk;
}

function checkSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new HashInputError(`object size must be a non-negative integer, got ${size}`);
  }
}

/**
 * Streaming `sha2-256-chunked` hasher for an object of known size: feed the bytes in order with
 * {@link ChunkedHasher.update} (any slicing), then call {@link ChunkedHasher.digest}.
 */
export class ChunkedHasher {
  readonly #size: number;
  readonly #chunkSize: number;
  readonly #outer: Hash = createHash("sha256");
  #chunk: Hash | undefined;
  #inChunk = 0;
  #seen = 0;
  #done = false;

  /** Prepares to hash an object of exactly `size` bytes. */
  constructor(size: number) {
    checkSize(size);
    this.#size = size;
    this.#chunkSize = checksumChunkSize(size);
  }

  /** Bytes fed so far. */
  get bytesSeen(): number {
    return this.#seen;
  }

  /** Feeds the next bytes of the object. */
  update(bytes: Uint8Array): this {
    if (this.#done) throw new HashInputError("update() after digest()");
    if (this.#seen + bytes.length > this.#size) {
      throw new HashInputError(`more than the expected ${this.#size} bytes`);
    }
    this.#seen += bytes.length;
    let off = 0;
    while (off < bytes.length) {
      this.#chunk ??= createHash("sha256");
      const take = Math.min(this.#chunkSize - this.#inChunk, bytes.length - off);
      this.#chunk.update(bytes.subarray(off, off + take));
      off += take;
      this.#inChunk += take;
      if (this.#inChunk === this.#chunkSize) this.#endChunk();
    }
    return this;
  }

  #endChunk(): void {
    this.#outer.update(this.#chunk!.digest());
    this.#chunk = undefined;
    this.#inChunk = 0;
  }

  /** The base64 hash value; throws {@link HashInputError} unless exactly `size` bytes were fed. */
  digest(): string {
    if (this.#done) throw new HashInputError("digest() called twice");
    if (this.#seen !== this.#size) {
      throw new HashInputError(`expected ${this.#size} bytes, got ${this.#seen}`);
    }
    this.#done = true;
    if (this.#chunk) this.#endChunk();
    return this.#outer.digest("base64");
  }
}

/** The `sha2-256-chunked` hash of bytes in memory. */
export function chunkedHashOfBytes(bytes: Uint8Array): EntryHash {
  return { type: SHA256_CHUNKED, value: new ChunkedHasher(bytes.length).update(bytes).digest() };
}

/**
 * The `sha2-256-chunked` hash of a byte stream of known size (e.g. an S3 GetObject body);
 * rejects with {@link HashInputError} when the stream is shorter or longer than `size`.
 */
export async function chunkedHashOfStream(
  stream: AsyncIterable<Uint8Array>,
  size: number,
): Promise<EntryHash> {
  const hasher = new ChunkedHasher(size);
  for await (const chunk of stream) hasher.update(chunk);
  return { type: SHA256_CHUNKED, value: hasher.digest() };
}

/** The legacy `SHA256` hash (hex SHA-256 of the whole object) of a byte stream. */
export async function legacyHashOfStream(stream: AsyncIterable<Uint8Array>): Promise<EntryHash> {
  const h = createHash("sha256");
  for await (const chunk of stream) h.update(chunk);
  return { type: SHA256_LEGACY, value: h.digest("hex") };
}

/** One part of a multipart object as S3 `GetObjectAttributes` reports it. */
export interface S3PartChecksum {
  /** Part size in bytes. */
  readonly size: number;
  /** base64 SHA-256 of the part. */
  readonly checksumSHA256?: string;
}

/** What S3 knows about an object's SHA-256 checksum (HeadObject / GetObjectAttributes). */
export interface S3ChecksumInfo {
  /** Object size in bytes. */
  readonly size: number;
  /** `ChecksumSHA256`: `base64` for single-part objects, `base64-N` for N-part uploads. */
  readonly checksumSHA256?: string;
  /**
   * `ChecksumType`: `FULL_OBJECT` (a checksum of the whole object's bytes) or `COMPOSITE` (a
   * checksum of the parts' checksums). Older S3 APIs and emulators leave it out.
   */
  readonly checksumType?: string;
  /** The object's ETag; a multipart upload's ends in `-N` (its part count). */
  readonly etag?: string;
  /** Every part, in order, when the object is multipart (from `ObjectParts.Parts`). */
  readonly parts?: readonly S3PartChecksum[];
}

function decodeDigest(b64: string): Buffer {
  const bytes = Buffer.from(b64, "base64");
  if (bytes.length !== 32 || bytes.toString("base64") !== b64) {
    throw new HashInputError(`malformed base64 SHA-256 checksum ${JSON.stringify(b64)}`);
  }
  return bytes;
}

/** The part count an ETag shows: N for a multipart `"md5-N"`, 1 for any other ETag. */
function partsOfEtag(etag: string | undefined): number | undefined {
  if (!etag) return undefined;
  const m = /-(\d+)"?$/.exec(etag);
  return m ? Number(m[1]) : 1;
}

/**
 * Derives the `sha2-256-chunked` value from S3's SHA-256 checksum without reading the object —
 * only when S3 says what the checksum covers — or returns `undefined` (then hash the bytes with
 * {@link ChunkedHasher}):
 * - a `FULL_OBJECT` checksum is SHA-256 of all the bytes: it determines the value for objects of
 *   at most one chunk (8 MiB);
 * - a `COMPOSITE` checksum is SHA-256 of the parts' SHA-256 digests: it is the value when the
 *   parts are exactly quilt3's chunks (one part of at most 8 MiB, or every part given and sized
 *   as quilt3 chunks the object).
 * Without `ChecksumType` the kind is read from the part counts: a `-N` suffix on the checksum or
 * the ETag means composite, an ETag without one means a single-part (full-object) upload;
 * without either nothing is derived. Part counts that disagree derive nothing either.
 */
export function chunkedHashFromS3Checksum(info: S3ChecksumInfo): string | undefined {
  checkSize(info.size);
  // An empty object has no chunks, whatever S3 says about it.
  if (info.size === 0) return EMPTY_CHUNKED_HASH;
  const checksum = info.checksumSHA256;
  if (!checksum) return undefined;
  const chunk = checksumChunkSize(info.size);
  const dash = checksum.indexOf("-");
  const value = dash < 0 ? checksum : checksum.slice(0, dash);
  const digest = decodeDigest(value);
  let suffixParts: number | undefined;
  if (dash >= 0) {
    suffixParts = Number(checksum.slice(dash + 1));
    if (!Number.isSafeInteger(suffixParts) || suffixParts < 1) {
      throw new HashInputError(`malformed multipart checksum ${JSON.stringify(checksum)}`);
    }
  }
  const etagParts = partsOfEtag(info.etag);
  const multipartEtag = info.etag !== undefined && /-\d+"?$/.test(info.etag);
  if (suffixParts !== undefined && multipartEtag && suffixParts !== etagParts) return undefined;
  const type = info.checksumType ??
    (suffixParts !== undefined || multipartEtag
      ? "COMPOSITE"
      : etagParts === 1
      ? "FULL_OBJECT"
      : undefined);
  if (type === "FULL_OBJECT") {
    if (suffixParts !== undefined || info.size > chunk) return undefined;
    return createHash("sha256").update(digest).digest("base64");
  }
  if (type !== "COMPOSITE") return undefined;
  const partCount = suffixParts ?? (multipartEtag ? etagParts : undefined);
  if (partCount === undefined || partCount !== Math.ceil(info.size / chunk)) return undefined;
  // One part that is the whole object, and one chunk covers it: the same digest of digests.
  if (partCount === 1) return value;
  const parts = info.parts;
  if (!parts || parts.length !== partCount) return undefined;
  const outer = createHash("sha256");
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const expected = i < parts.length - 1 ? chunk : info.size - chunk * (parts.length - 1);
    if (p.size !== expected || !p.checksumSHA256) return undefined;
    outer.update(decodeDigest(p.checksumSHA256));
  }
  // The parts must really be the ones S3 combined into the object checksum.
  return outer.digest("base64") === value ? value : undefined;
}
