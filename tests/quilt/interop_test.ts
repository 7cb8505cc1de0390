/**
 * quilt3 8.0.0 as the real peer (offline, local file:// registries): packages quilt3 builds are
 * read by our library with the same top hash and byte-identical re-serialisation; manifests we
 * write load in quilt3 with the same top hash, verified entry hashes and the same bytes.
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { join } from "node:path";
import {
  browseManifest,
  buildManifest,
  checksumChunkSize,
  ChunkedHasher,
  chunkedHashFromS3Checksum,
  chunkedHashOfBytes,
  chunkedHashOfStream,
  computeTopHash,
  createHeader,
  encodeManifestJson,
  type EntryHash,
  formatPhysicalKey,
  headerUserMeta,
  type JsonObject,
  legacyHashOfStream,
  type Manifest,
  type ManifestEntry,
  parseJson,
  parseManifest,
  revisionWrites,
  serializeManifest,
  SHA256_CHUNKED,
  SHA256_LEGACY,
  withCommitMessage,
} from "../../server/quilt/mod.ts";
import { assert, assertEquals, PeerSession, Rng, seededBytes } from "./helpers.ts";

const MiB = 1024 * 1024;

/** Files of the interop package: logical key → content (string, or a byte count for big). */
const FILES: [string, string | number][] = [
  ["README.md", "hello\n"],
  ["a.txt", "a"],
  ["a/b.txt", "ab"],
  ["a/b/c.txt", "abc"],
  ["a-b/x.csv", "x,y\n1,2\n"],
  ["données/été.csv", "é"],
  ["日本/ファイル.txt", "日本"],
  ["emoji/😀 smile+plus%pct#hash.txt", "😀"],
  ["z/\ue000.txt", "private use"],
  ["z/😀.txt", "astral"],
  ["empty.bin", ""],
  ["big/large.bin", 2 * 8 * MiB + 12345],
  ["legacy/old.txt", "legacy bytes"],
];
const LEGACY_KEYS = new Set(["legacy/old.txt"]);

const PACKAGE_META = `{"float_one": 1.0, "tiny": 1e-07, "huge": 1e+20, "pi": 3.141592653589793,
  "big": 123456789012345678901234567890, "neg": -5,
  "nested": {"list": [1, 2.5, {"z": null, "a": true}], "2020": "year", "1": "one"},
  "text": "été 中文 😀 \\u2028 tab\\t", "empty": {}}`;
const ENTRY_META: Record<string, string> = {
  "a/b/c.txt": `{"score": 0.5, "count": 3, "tags": ["x", "ÿ"], "exp": 2e-10}`,
  "données/été.csv": `{"desc": "données", "ratio": 1e-05, "n": 10000000000000000000000}`,
  "legacy/old.txt": `{"legacy": true}`,
};
const DIR_META: [string, string][] = [["a/b", `{"dir": "meta", "n": 1.5}`]];
const MESSAGE = "initial ✓ commit";

function bigBytes(size: number): Uint8Array {
  return seededBytes(size, 12345);
}

async function writeFiles(dir: string): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const [lk, content] of FILES) {
    const path = join(dir, "data", lk);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    if (typeof content === "number") await Deno.writeFile(path, bigBytes(content));
    else await Deno.writeTextFile(path, content);
    paths.set(lk, path);
  }
  return paths;
}

async function openStream(path: string): Promise<ReadableStream<Uint8Array>> {
  return (await Deno.open(path)).readable;
}

/** Our own entry for a file: streamed hash (chunked, or legacy for LEGACY_KEYS) and meta. */
async function ourEntry(lk: string, path: string): Promise<ManifestEntry> {
  const size = (await Deno.stat(path)).size;
  const hash: EntryHash = LEGACY_KEYS.has(lk)
    ? await legacyHashOfStream(await openStream(path))
    : await chunkedHashOfStream(await openStream(path), size);
  const userMeta = ENTRY_META[lk];
  const meta: JsonObject = userMeta ? new Map([["user_meta", parseJson(userMeta)]]) : new Map();
  return {
    logicalKey: lk,
    physicalKey: formatPhysicalKey({ scheme: "file", path }),
    size,
    hash,
    meta,
  };
}

async function publish(registry: string, name: string, manifest: Manifest, when: Date) {
  const top = computeTopHash(manifest);
  const keys = revisionWrites(name, top, when);
  for (const key of [keys.manifest, keys.timestampPointer, keys.latestPointer]) {
    await Deno.mkdir(join(registry, key, ".."), { recursive: true });
  }
  await Deno.writeTextFile(join(registry, keys.manifest), serializeManifest(manifest));
  await Deno.writeTextFile(join(registry, keys.timestampPointer), top);
  await Deno.writeTextFile(join(registry, keys.latestPointer), top);
  return top;
}

interface BuildAnswer {
  top_hash: string;
  manifest_path: string;
  walk: string[];
}
interface BrowseAnswer {
  top_hash: string;
  walk: string[];
  hash_failures: string[];
  dump: string;
}

Deno.test("quilt3 interop: both directions give the same top hash and bytes", async (t) => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "quilt-interop-" }));
  const peer = await PeerSession.start("quilt3_peer.py");
  try {
    const paths = await writeFiles(dir);
    const registry = join(dir, "registry");
    let quiltManifest: Manifest | undefined;
    let quiltTop = "";

    await t.step(
      "quilt3 builds → we parse, reproduce its top hash and its exact bytes",
      async () => {
        const built = await peer.call<BuildAnswer>({
          op: "build",
          registry,
          name: "interop/quilt3-made",
          message: MESSAGE,
          user_meta: PACKAGE_META,
          entries: FILES.map(([lk]) => ({
            logical_key: lk,
            file: paths.get(lk),
            meta: ENTRY_META[lk] ?? null,
            legacy_sha256: LEGACY_KEYS.has(lk),
          })),
          dir_meta: DIR_META.map(([d, meta]) => ({ dir: d, meta })),
        });
        const text = await Deno.readTextFile(built.manifest_path);
        const m = parseManifest(text);
        quiltManifest = m;
        quiltTop = built.top_hash;
        assertEquals(computeTopHash(m), built.top_hash);
        assertEquals(serializeManifest(m), text, "re-serialisation must be byte-identical");
        assertEquals(m.entries.map((e) => e.logicalKey), built.walk, "tree-walk order");
        // Our expectations of the walk order itself: a/b/ before a.txt isn't plain string order.
        const at = (k: string) => built.walk.indexOf(k);
        assert(at("a/b/c.txt") < at("a/b.txt") && at("a/b.txt") < at("a-b/x.csv"));
        assert(at("a-b/x.csv") < at("a.txt"));
        assert(at("z/\ue000.txt") < at("z/😀.txt"), "code point order, not UTF-16 order");
        // Number text survives: the header line is what quilt3 wrote.
        const header = encodeManifestJson(m.header);
        for (
          const lit of [
            '"float_one": 1.0',
            '"tiny": 1e-07',
            '"huge": 1e+20',
            "123456789012345678901234567890",
          ]
        ) {
          assert(header.includes(lit), `header lost ${lit}`);
        }
        assertEquals(text.split("\n")[0], header);
        assert(m.dirMeta.has("a/b"), "directory metadata record read");
        assertEquals(Array.from((headerUserMeta(m.header) as JsonObject).keys()).slice(0, 2), [
          "float_one",
          "tiny",
        ]);
      },
    );

    await t.step(
      "quilt3's entry hashes equal ours, streamed (chunked, empty, >8 MiB, legacy)",
      async () => {
        assert(quiltManifest);
        for (const e of quiltManifest.entries) {
          const mine = await ourEntry(e.logicalKey, paths.get(e.logicalKey)!);
          assertEquals(mine.hash, e.hash, `hash of ${e.logicalKey}`);
          assertEquals(mine.size, e.size);
        }
        const big = quiltManifest.entries.find((e) => e.logicalKey === "big/large.bin")!;
        assertEquals(big.hash.type, SHA256_CHUNKED);
        const legacy = quiltManifest.entries.find((e) => e.logicalKey === "legacy/old.txt")!;
        assertEquals(legacy.hash.type, SHA256_LEGACY);
        const empty = quiltManifest.entries.find((e) => e.logicalKey === "empty.bin")!;
        assertEquals(empty.hash.value, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
      },
    );

    await t.step(
      "we build the same package → quilt3 loads it with our top hash and our bytes",
      async () => {
        const entries = await Promise.all(FILES.map(([lk]) => ourEntry(lk, paths.get(lk)!)));
        const manifest = buildManifest({
          header: createHeader({ message: MESSAGE, userMeta: parseJson(PACKAGE_META) }),
          entries: entries.reverse(), // any input order; buildManifest sorts into tree order
          dirMeta: new Map(DIR_META.map(([d, meta]) => [d, parseJson(meta)])),
        });
        const top = await publish(
          registry,
          "interop/server-made",
          manifest,
          new Date(1_700_000_000_000),
        );
        // Same content and metadata as quilt3's build: the same top hash.
        assertEquals(top, quiltTop);
        const seen = await peer.call<BrowseAnswer>({
          op: "browse",
          registry,
          name: "interop/server-made",
          verify: true,
        });
        assertEquals(seen.top_hash, top);
        assertEquals(seen.hash_failures, []);
        assertEquals(seen.dump, serializeManifest(manifest), "quilt3 re-dumps our exact bytes");
        assertEquals(seen.walk, manifest.entries.map((e) => e.logicalKey));
        const pinned = await peer.call<BrowseAnswer>({
          op: "browse",
          registry,
          name: "interop/server-made",
          top_hash: top.slice(0, 10),
        });
        assertEquals(pinned.top_hash, top, "quilt3 resolves our revision by short hash");
      },
    );

    await t.step(
      "read-modify-write keeps metadata bytes; quilt3 agrees on the new top hash",
      async () => {
        assert(quiltManifest);
        const added = await ourEntry("added/new.txt", paths.get("a.txt")!);
        const edited = quiltManifest.entries.map((e) =>
          e.logicalKey === "README.md"
            ? { ...e, meta: new Map([["user_meta", parseJson('{"edited": 1.0}')]]) }
            : e
        );
        const next = buildManifest({
          header: withCommitMessage(quiltManifest.header, "second revision"),
          entries: [...edited, added],
          dirMeta: quiltManifest.dirMeta,
        });
        const top = await publish(
          registry,
          "interop/quilt3-made",
          next,
          new Date(1_800_000_000_000),
        );
        const seen = await peer.call<BrowseAnswer>({
          op: "browse",
          registry,
          name: "interop/quilt3-made",
          verify: true,
        });
        assertEquals(seen.top_hash, top);
        assertEquals(seen.hash_failures, []);
        const text = serializeManifest(next);
        assertEquals(seen.dump, text);
        const oldHeader = JSON.parse(
          (await Deno.readTextFile(join(registry, ".quilt/packages", quiltTop))).split("\n")[0],
        );
        const newHeader = JSON.parse(text.split("\n")[0]);
        assertEquals(Object.keys(newHeader), Object.keys(oldHeader), "header key order kept");
        assertEquals(
          text.split("\n")[0].replace('"second revision"', JSON.stringify(MESSAGE)),
          (await Deno.readTextFile(join(registry, ".quilt/packages", quiltTop))).split("\n")[0],
          "only the message changed in the header line",
        );
        assert(text.includes('{"user_meta": {"edited": 1.0}}'));
        // The previous revision still opens by its hash.
        const old = await peer.call<BrowseAnswer>({
          op: "browse",
          registry,
          name: "interop/quilt3-made",
          top_hash: quiltTop,
        });
        assertEquals(old.top_hash, quiltTop);
      },
    );

    await t.step("browse and diff work on the quilt3-made package", () => {
      assert(quiltManifest);
      const root = browseManifest(quiltManifest, { view: "tree" });
      const names = root.items.map((i) => i.name);
      assertEquals(names.slice(0, 4), ["README.md", "a", "a-b", "a.txt"]);
      assertEquals(root.totals.files, FILES.length);
    });
  } finally {
    await peer.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("quilt3 interop: entry hashing of boundary sizes, chunk sizes, S3 checksums", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "quilt-hash-" });
  const peer = await PeerSession.start("quilt3_peer.py");
  try {
    await t.step("files of 0, 1, 8 MiB ± 1 and 16 MiB + 12345 bytes hash alike", async () => {
      const sizes = [0, 1, 8 * MiB - 1, 8 * MiB, 8 * MiB + 1, 16 * MiB + 12345];
      const big = bigBytes(16 * MiB + 12345);
      for (const size of sizes) {
        const path = join(dir, `f${size}.bin`);
        const bytes = big.subarray(0, size);
        await Deno.writeFile(path, bytes);
        const py = await peer.call<
          { chunked: string; streamed: string; legacy: string; chunksize: number }
        >(
          { op: "hash_file", path },
        );
        assertEquals(py.streamed, py.chunked);
        assertEquals(chunkedHashOfBytes(bytes).value, py.chunked, `in memory, size ${size}`);
        // Odd slice sizes cross chunk boundaries at arbitrary offsets.
        const h = new ChunkedHasher(size);
        for (let off = 0; off < size;) {
          const n = Math.min(size - off, 1 + ((off * 7919) % (3 * MiB)));
          h.update(bytes.subarray(off, off + n));
          off += n;
        }
        assertEquals(h.digest(), py.chunked, `sliced, size ${size}`);
        assertEquals((await chunkedHashOfStream(await openStream(path), size)).value, py.chunked);
        assertEquals((await legacyHashOfStream(await openStream(path))).value, py.legacy);
        await Deno.remove(path);
      }
    });

    await t.step(
      "chunk size matches get_checksum_chunksize at the doubling boundaries",
      async () => {
        const sizes = [
          0,
          1,
          8 * MiB,
          10_000 * 8 * MiB,
          10_000 * 8 * MiB + 1,
          20_000 * 8 * MiB,
          20_000 * 8 * MiB + 1,
          5 * 1024 ** 4,
          48 * 1024 ** 4,
        ];
        for (const size of sizes) {
          const py = await peer.call<{ chunksize: number }>({ op: "chunksize", size });
          assertEquals(checksumChunkSize(size), py.chunksize, `size ${size}`);
        }
      },
    );

    await t.step(
      "S3 single-part and multipart SHA-256 checksums map to quilt3's value",
      async () => {
        const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("base64");
        const rng = new Rng(5);
        for (const size of [0, 1, 100, 4096]) {
          const bytes = bigBytes(size).map((x) => x ^ rng.int(256));
          const s3 = sha(bytes);
          const py = await peer.call<{ value: string }>({ op: "s3_simple", checksum: s3 });
          // A single PutObject: S3 reports a FULL_OBJECT checksum.
          assertEquals(
            chunkedHashFromS3Checksum({ size, checksumSHA256: s3, checksumType: "FULL_OBJECT" }),
            py.value,
          );
          assertEquals(py.value, chunkedHashOfBytes(bytes).value);
        }
        const big = bigBytes(16 * MiB + 12345);
        const parts = [0, 1, 2].map((i) => {
          const b = big.subarray(i * 8 * MiB, Math.min(big.length, (i + 1) * 8 * MiB));
          return { size: b.length, checksumSHA256: sha(b) };
        });
        const composite = createHash("sha256")
          .update(Buffer.concat(parts.map((p) => Buffer.from(p.checksumSHA256, "base64"))))
          .digest("base64");
        const expected = chunkedHashOfBytes(big).value;
        assertEquals(
          chunkedHashFromS3Checksum({ size: big.length, checksumSHA256: `${composite}-3`, parts }),
          expected,
        );
      },
    );
  } finally {
    await peer.close();
    await Deno.remove(dir, { recursive: true });
  }
});
