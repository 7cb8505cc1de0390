/** Entry hashing: the chunked hasher's contract and S3 checksum derivation edge cases. */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import {
  CHECKSUM_CHUNK_SIZE,
  checksumChunkSize,
  ChunkedHasher,
  chunkedHashFromS3Checksum,
  chunkedHashOfBytes,
  chunkedHashOfStream,
  EMPTY_CHUNKED_HASH,
  HashInputError,
  legacyHashOfStream,
  validateEntryHash,
} from "../../server/quilt/mod.ts";
import { assertEquals, assertRejects, assertThrows, seededBytes } from "./helpers.ts";

const MiB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest();

const bytes = seededBytes;

async function* chunks(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

Deno.test("chunked hash = base64(sha256(concat(sha256(chunk)))) with 8 MiB chunks", () => {
  const data = bytes(2 * CHECKSUM_CHUNK_SIZE + 5);
  const parts = [0, 1, 2].map((i) =>
    sha(data.subarray(i * CHECKSUM_CHUNK_SIZE, (i + 1) * CHECKSUM_CHUNK_SIZE))
  );
  const expected = createHash("sha256").update(Buffer.concat(parts)).digest("base64");
  assertEquals(chunkedHashOfBytes(data).value, expected);
  // A small object is one chunk: digest of the digest.
  const small = bytes(10);
  assertEquals(
    chunkedHashOfBytes(small).value,
    createHash("sha256").update(sha(small)).digest("base64"),
  );
  assertEquals(chunkedHashOfBytes(new Uint8Array()).value, EMPTY_CHUNKED_HASH);
  assertEquals(createHash("sha256").digest("base64"), EMPTY_CHUNKED_HASH);
});

Deno.test("chunk size doubles until there are at most 10,000 chunks", () => {
  assertEquals(checksumChunkSize(0), 8 * MiB);
  assertEquals(checksumChunkSize(10_000 * 8 * MiB), 8 * MiB);
  assertEquals(checksumChunkSize(10_000 * 8 * MiB + 1), 16 * MiB);
  assertEquals(checksumChunkSize(20_000 * 8 * MiB + 1), 32 * MiB);
  assertEquals(checksumChunkSize(5 * 1024 ** 4), 1024 * MiB);
});

Deno.test("ChunkedHasher refuses too many or too few bytes and reuse", () => {
  const h = new ChunkedHasher(3);
  assertThrows(() => h.update(new Uint8Array(4)), HashInputError, "more than");
  h.update(new Uint8Array(2));
  assertEquals(h.bytesSeen, 2);
  assertThrows(() => h.digest(), HashInputError, "expected 3 bytes, got 2");
  const done = new ChunkedHasher(0);
  assertEquals(done.digest(), EMPTY_CHUNKED_HASH);
  assertThrows(() => done.digest(), HashInputError, "twice");
  assertThrows(() => done.update(new Uint8Array()), HashInputError);
  assertThrows(() => new ChunkedHasher(-1), HashInputError);
  assertThrows(() => new ChunkedHasher(1.5), HashInputError);
});

Deno.test("streaming hashes: any slicing gives the same value; short streams fail", async () => {
  const data = bytes(CHECKSUM_CHUNK_SIZE + 1000, 9);
  const whole = chunkedHashOfBytes(data).value;
  for (const size of [1000, 65536, CHECKSUM_CHUNK_SIZE - 1, CHECKSUM_CHUNK_SIZE + 1000]) {
    assertEquals((await chunkedHashOfStream(chunks(data, size), data.length)).value, whole);
  }
  await assertRejects(
    () => chunkedHashOfStream(chunks(data, 4096), data.length + 1),
    HashInputError,
  );
  assertEquals(
    (await legacyHashOfStream(chunks(data, 77777))).value,
    createHash("sha256").update(data).digest("hex"),
  );
});

Deno.test("S3 checksums: single part up to one chunk, empty objects, composite with parts", () => {
  const small = bytes(1000, 3);
  const s3 = sha(small).toString("base64");
  const full = { size: 1000, checksumSHA256: s3, checksumType: "FULL_OBJECT" };
  assertEquals(chunkedHashFromS3Checksum(full), chunkedHashOfBytes(small).value);
  // Without ChecksumType, an ETag without a part count says "single PutObject": whole object.
  assertEquals(
    chunkedHashFromS3Checksum({ size: 1000, checksumSHA256: s3, etag: '"0123abcd"' }),
    chunkedHashOfBytes(small).value,
  );
  // Neither a type nor an ETag: S3 has not said what the checksum covers.
  assertEquals(chunkedHashFromS3Checksum({ size: 1000, checksumSHA256: s3 }), undefined);
  assertEquals(chunkedHashFromS3Checksum({ size: 0 }), EMPTY_CHUNKED_HASH);
  assertEquals(chunkedHashFromS3Checksum({ size: 1000 }), undefined, "no checksum");
  // A single-part object bigger than one chunk: S3's digest covers two chunks at once.
  assertEquals(
    chunkedHashFromS3Checksum({ ...full, size: 8 * MiB + 1 }),
    undefined,
  );
  // A full-object checksum cannot carry a part count.
  assertEquals(chunkedHashFromS3Checksum({ ...full, checksumSHA256: `${s3}-1` }), undefined);

  const data = bytes(2 * 8 * MiB + 10, 4);
  const parts = [0, 1, 2].map((i) => {
    const b = data.subarray(i * 8 * MiB, (i + 1) * 8 * MiB);
    return { size: b.length, checksumSHA256: sha(b).toString("base64") };
  });
  const composite = createHash("sha256")
    .update(Buffer.concat(parts.map((p) => Buffer.from(p.checksumSHA256, "base64"))))
    .digest("base64");
  const expected = chunkedHashOfBytes(data).value;
  const info = { size: data.length, checksumSHA256: `${composite}-3` };
  assertEquals(chunkedHashFromS3Checksum({ ...info, parts }), expected);
  assertEquals(chunkedHashFromS3Checksum(info), undefined, "parts unknown");
  assertEquals(chunkedHashFromS3Checksum({ ...info, parts: parts.slice(0, 2) }), undefined);
  // Same count, other part boundaries (e.g. 10 MiB + 6 MiB + rest): not quilt3's layout.
  const skewed = [{ ...parts[0], size: 10 * MiB }, { ...parts[1], size: 6 * MiB }, parts[2]];
  assertEquals(chunkedHashFromS3Checksum({ ...info, parts: skewed }), undefined);
  // Parts that do not combine into the object checksum are not trusted.
  const swapped = [parts[1], parts[0], parts[2]];
  assertEquals(chunkedHashFromS3Checksum({ ...info, parts: swapped }), undefined);
  // Wrong part count for quilt3's chunking.
  assertEquals(
    chunkedHashFromS3Checksum({ size: data.length, checksumSHA256: `${composite}-2` }),
    undefined,
  );
  // One part of at most one chunk: the composite value is already quilt3's.
  const one = createHash("sha256").update(sha(small)).digest("base64");
  assertEquals(chunkedHashFromS3Checksum({ size: 1000, checksumSHA256: `${one}-1` }), one);
  // The same without the "-1" suffix (moto leaves it out) but with the multipart ETag.
  assertEquals(
    chunkedHashFromS3Checksum({ size: 1000, checksumSHA256: one, etag: '"ab12-1"' }),
    one,
  );
  // A composite checksum is never taken as SHA-256 of the bytes, whatever the suffix says.
  assertEquals(
    chunkedHashFromS3Checksum({ size: 1000, checksumSHA256: one, checksumType: "COMPOSITE" }),
    undefined,
    "composite without a part count",
  );
  // 8 MiB uploaded as 5 MiB + 3 MiB: a composite of two parts, not quilt3's one chunk.
  const eight = bytes(8 * MiB, 9);
  const twoParts = [eight.subarray(0, 5 * MiB), eight.subarray(5 * MiB)];
  const two = createHash("sha256").update(Buffer.concat(twoParts.map((b) => sha(b))))
    .digest("base64");
  for (
    const info of [
      { checksumSHA256: two, etag: '"ff00-2"' },
      { checksumSHA256: `${two}-2` },
      { checksumSHA256: two, checksumType: "COMPOSITE", etag: '"ff00-2"' },
    ]
  ) {
    assertEquals(
      chunkedHashFromS3Checksum({ size: eight.length, ...info }),
      undefined,
      JSON.stringify(info),
    );
  }
  // Checksum suffix and ETag disagree about the part count: nothing is derived.
  assertEquals(
    chunkedHashFromS3Checksum({ size: 1000, checksumSHA256: `${one}-1`, etag: '"ab-2"' }),
    undefined,
  );
  assertThrows(
    () => chunkedHashFromS3Checksum({ size: 5, checksumSHA256: "not base64!" }),
    HashInputError,
  );
  assertThrows(
    () => chunkedHashFromS3Checksum({ size: 5, checksumSHA256: `${one}-x` }),
    HashInputError,
  );
});

Deno.test("hash values are checked for their type's format", () => {
  validateEntryHash({ type: "sha2-256-chunked", value: EMPTY_CHUNKED_HASH });
  validateEntryHash({
    type: "SHA256",
    value: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  });
  validateEntryHash({ type: "CRC64NVME", value: "AAAAAAAAAAA=" });
  for (
    const bad of [
      { type: "sha2-256-chunked", value: "abc" },
      { type: "SHA256", value: EMPTY_CHUNKED_HASH },
      { type: "SHA256", value: "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855" },
      { type: "md5", value: "x" },
    ]
  ) {
    assertThrows(() => validateEntryHash(bad), Error);
  }
});
