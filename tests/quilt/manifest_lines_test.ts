/**
 * Manifest lines (server/quilt/manifest_lines.ts): read from bytes, streams and text alike, the
 * fast readers of quilt3's layout taken when they should be; the shared empty metadata object,
 * the metadata value pool and the buffered top hash: each must read and hash exactly what the
 * text path does. @module
 */
import { createHash } from "node:crypto";
import {
  computeTopHash,
  createHeader,
  EMPTY_OBJECT,
  encodeCanonicalJson,
  encodeManifestJson,
  entryTopHashJson,
  JsonNumber,
  type JsonValue,
  type Manifest,
  type ManifestEntry,
  ManifestError,
  parseJson,
  parseManifest,
  parseManifestLines,
  parseManifestStream,
  serializeManifest,
  SHA256_CHUNKED,
  topHashOf,
  ValuePool,
} from "../../server/quilt/mod.ts";
import { assert, assertEquals, assertRejects, assertThrows, Rng } from "./helpers.ts";
import { EntryScanner, scanEntryText } from "../../server/quilt/manifest_lines.ts";
import { randomValue, textOf } from "./json_gen.ts";
import { randomManifest } from "./manifest_gen.ts";

const HASH = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";
const HEAD = '{"version": "v0", "message": null}';
const line = (lk: string, meta = "{}") =>
  `{"logical_key": ${JSON.stringify(lk)}, "physical_keys": ["s3://b/k"], "size": 1, ` +
  `"hash": {"type": "sha2-256-chunked", "value": "${HASH}"}, "meta": ${meta}}`;

const utf8 = (text: string) => new TextEncoder().encode(text);

/** `bytes` cut into chunks of random lengths (1..max). */
function chunked(rng: Rng, bytes: Uint8Array, max: number): AsyncIterable<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for (let off = 0; off < bytes.length;) {
    const n = 1 + rng.int(max);
    chunks.push(bytes.subarray(off, off + n));
    off += n;
  }
  return (async function* () {
    yield* chunks;
  })();
}

/** Everything a reader could tell apart: the re-written text, the top hash, the fields. */
function fingerprint(m: Manifest): unknown {
  return {
    text: serializeManifest(m),
    topHash: computeTopHash(m),
    entries: m.entries.map((e) => [
      e.logicalKey,
      e.physicalKey,
      e.size,
      e.hash,
      encodeManifestJson(e.meta),
      e.rawSize === undefined ? undefined : encodeManifestJson(e.rawSize),
      e.rawHash === undefined ? undefined : encodeManifestJson(e.rawHash),
    ]),
  };
}

Deno.test("bytes, streams, text and lines read alike (200 seeded manifests, any newlines)", async () => {
  const rng = new Rng(913);
  for (let i = 0; i < 200; i++) {
    const m = randomManifest(rng, 1 + rng.int(30));
    const lines = serializeManifest(m).split("\n").slice(0, -1).map((l, j) =>
      // Some lines only the general parser reads: other spacing, escapes.
      j > 0 && rng.next() < 0.15 ? l.replace('", "physical_keys"', '","physical_keys"') : l
    );
    let text = "";
    for (const l of lines) text += l + rng.pick(["\n", "\r\n", "\r"]);
    if (rng.next() < 0.3) text = text.replace(/(\r\n|\r|\n)$/, "");
    const want = fingerprint(parseManifestLines(lines));
    const bytes = utf8(text);
    assertEquals(fingerprint(parseManifest(text)), want, `text #${i}`);
    assertEquals(fingerprint(parseManifest(bytes)), want, `bytes #${i}`);
    assertEquals(fingerprint(parseManifest(bytes, { fastPath: false })), want, `slow #${i}`);
    const max = rng.pick([3, 50, 5000]);
    assertEquals(fingerprint(await parseManifestStream(chunked(rng, bytes, max))), want, `#${i}`);
  }
});

Deno.test("bytes: lines the fast reader must hand over to the general parser", () => {
  const odd = [
    line("a\\b"), // an escape in a string
    line('q"uote'),
    line("é/中/😀", '{"user_meta": {"x": 1.0, "2020": "é", "s": "\\u00e9\\n"}}'),
    line("c", "null"), // falsy metadata becomes {}
    line("d", "[]"),
    line("e", '"text"'),
    line("f", '{"a": 1}').replace('"size": 1', '"size": 1.0'),
    line("g").replace('"size": 1', '"size": 12345678901234567890'),
    line("h").replace('"size": 1', '"size": 0'),
    line("i").replace('"hash": {"type"', '"hash": {"extra": 1, "type"'),
    line("j").replace("sha2-256-chunked", "SHA256"),
  ];
  const text = [HEAD, ...odd].join("\n") + "\n";
  const want = fingerprint(parseManifest(text, { fastPath: false }));
  assertEquals(fingerprint(parseManifest(utf8(text))), want);
  assertEquals(
    serializeManifest(parseManifest(utf8(text))),
    serializeManifest(parseManifest(text)),
  );
  const h = parseManifest(utf8(text)).entries.find((e) => e.logicalKey === "h")!;
  assertEquals([h.size, h.rawSize], [0, undefined]);
  // Invalid UTF-8 anywhere in a line fails, whether inside a field or in the metadata.
  const good = `${HEAD}\n${line("a", '{"k": "v"}')}\n`; // ASCII: character = byte offsets
  for (const at of ['"a"', "s3://", HASH, '"v"']) {
    const bad = utf8(good);
    bad[good.indexOf(at) + 1] = 0xff;
    assertThrows(() => parseManifest(bad), ManifestError, "UTF-8");
  }
  assertThrows(() => parseManifest(utf8("\ufeff" + HEAD)), ManifestError);
});

Deno.test("the fast readers take quilt3's layout and leave everything else alone", () => {
  const plain = [
    line("a"),
    line("é/中/😀", '{"user_meta": {"x": 1.0, "s": "\\u00e9\\"q"}}'),
    line("b").replace('"size": 1', '"size": 0'),
    line("c").replace("sha2-256-chunked", "SHA256"),
  ];
  const fields = (e: ManifestEntry) => [
    e.logicalKey,
    e.physicalKey,
    e.size,
    e.hash,
    encodeManifestJson(e.meta),
  ];
  const scanner = new EntryScanner();
  for (const l of plain) {
    const bytes = utf8(`xx${l}yy`);
    const fromBytes = scanner.scan(bytes, 2, bytes.length - 2);
    const fromText = scanEntryText(l);
    assert(fromBytes !== undefined && fromText !== undefined, l);
    assertEquals(fields(fromBytes), fields(fromText));
    assertEquals(fields(fromText), fields(parseManifest(`${HEAD}\n${l}`).entries[0]));
  }
  const odd = [
    line("a\\b"),
    line("a\tb"),
    line("c", "null"),
    line("d", "[]"),
    line("e", '{"x": "\t"}'),
    line("f").replace('"size": 1', '"size": 01'),
    line("g").replace('"size": 1', '"size": 1234567890123456'),
    line("h").replace('"hash": {"type"', '"hash": {"extra": 1, "type"'),
    line("i").replace(", ", ","),
    line("j") + " ",
    line("\ufffd"), // the general parser reads it (the lenient decoder's mark for bad bytes)
  ];
  for (const l of odd) {
    const bytes = utf8(l);
    assertEquals(scanner.scan(bytes, 0, bytes.length), undefined, l);
    if (!l.includes("\ufffd")) assertEquals(scanEntryText(l), undefined, l);
  }
  const bad = utf8(line("k"));
  bad[20] = 0xff;
  assertEquals(scanner.scan(bad, 0, bad.length), undefined);
});

Deno.test("streams: a CR at a chunk's end, a character split across chunks", async () => {
  const text = `${HEAD}\r\n${line("é", '{"k": "中"}')}\r${line("f")}\r\n`;
  const bytes = utf8(text);
  const want = fingerprint(parseManifest(text));
  for (let cut = 1; cut < bytes.length; cut++) {
    const two = (async function* () {
      yield bytes.subarray(0, cut);
      yield new Uint8Array(0);
      yield bytes.subarray(cut);
    })();
    assertEquals(fingerprint(await parseManifestStream(two)), want, `cut at ${cut}`);
  }
  await assertRejects(
    () =>
      parseManifestStream((async function* () {
        yield utf8(`${HEAD}\n${line("a")}`).subarray(0, 60);
        yield new Uint8Array([0xc3]);
      })()),
    ManifestError,
    "UTF-8",
  );
});

Deno.test("entries without metadata share one read-only empty object", () => {
  const text = [HEAD, line("a"), line("b", "null"), line("c", '{"k": 1}')].join("\n");
  for (const m of [parseManifest(text), parseManifest(utf8(text))]) {
    const [a, b, c] = m.entries;
    assert(a.meta === EMPTY_OBJECT && b.meta === EMPTY_OBJECT);
    assertThrows(() => (a.meta as Map<string, JsonValue>).set("x", 1), TypeError, "copy");
    assertEquals(EMPTY_OBJECT.size, 0);
    assertEquals(encodeManifestJson(b.meta), "{}");
    // The way writers change metadata: a copy, which is an ordinary Map.
    const copy = new Map(a.meta as Map<string, JsonValue>);
    copy.set("user_meta", "x");
    assertEquals(encodeCanonicalJson(copy), '{"user_meta":"x"}');
    assertEquals(encodeManifestJson(c.meta), '{"k": 1}');
    assertEquals(serializeManifest(m), text.replace('"meta": null', '"meta": {}') + "\n");
  }
});

Deno.test("value pool: same values as without it, shared strings and numbers, bounded", () => {
  const rng = new Rng(61);
  const pool = new ValuePool(50);
  for (let i = 0; i < 300; i++) {
    const text = textOf(rng, randomValue(rng, 0));
    assertEquals(
      encodeCanonicalJson(parseJson(text, { pool })),
      encodeCanonicalJson(parseJson(text)),
      text,
    );
  }
  const shared = new ValuePool();
  const a = parseJson('{"user_meta": {"lab": "x", "n": 1.50}}', { pool: shared });
  const b = parseJson('{"user_meta": {"lab": "x", "n": 1.50}}', { pool: shared });
  type Obj = Map<string, JsonValue>;
  const inner = (v: JsonValue) => (v as Obj).get("user_meta") as Obj;
  assert(inner(a) !== inner(b), "objects are never shared");
  assert(inner(a).get("n") === inner(b).get("n"), "numbers are");
  assertEquals((inner(a).get("n") as JsonNumber).text, "1.50");
  const small = new ValuePool(2);
  assertEquals([small.string("a"), small.string("b"), small.string("c")], ["a", "b", "c"]);
  assertEquals(small.number("1.0").text, "1.0");
});

Deno.test("the buffered top hash equals SHA-256 of the canonical text", () => {
  const rng = new Rng(4242);
  const sha = (text: string) => createHash("sha256").update(text).digest("hex");
  for (let i = 0; i < 60; i++) {
    const m = randomManifest(rng, 1 + rng.int(20));
    const text = encodeCanonicalJson(m.header) + m.entries.map(entryTopHashJson).join("");
    assertEquals(computeTopHash(m), sha(text), `manifest #${i}`);
  }
  // Strings around and beyond the 64 KiB buffer, escapes at its edges, many keys to sort.
  const wide = new Map<string, JsonValue>();
  for (let k = 40; k > 0; k--) wide.set(`k${k}é`, new JsonNumber("1.0"));
  const sorted = Array.from(wide.keys()).sort(); // BMP only: UTF-16 order is code point order
  assertEquals(
    encodeCanonicalJson(wide),
    `{${sorted.map((k) => `"${k.replace("é", "\\u00e9")}":1.0`).join(",")}}`,
  );
  const entries = [
    "a".repeat(65_530),
    "é".repeat(11_000),
    "x".repeat(70_000) + "\n",
    "😀",
  ].map((s, i) => ({
    logicalKey: `f${i}`,
    physicalKey: `s3://b/f${i}`,
    size: i === 0 ? 2 ** 53 - 1 : i,
    hash: { type: SHA256_CHUNKED, value: HASH },
    meta: new Map<string, JsonValue>([["user_meta", s], ["wide", wide]]),
  }));
  const header = createHeader({ message: "é".repeat(40_000) });
  const text = encodeCanonicalJson(header) + entries.map(entryTopHashJson).join("");
  assertEquals(topHashOf(header, entries), sha(text));
  assert(entryTopHashJson(entries[0]).endsWith(`"size":${2 ** 53 - 1}}`));
});
