/** Manifest parsing, validation, serialisation and top hash: unit and seeded property tests. */
import { join } from "node:path";
import {
  buildManifest,
  computeTopHash,
  createHeader,
  encodeCanonicalJson,
  encodeManifestJson,
  entryTopHashJson,
  entryUserMeta,
  type JsonObject,
  LogicalKeyError,
  type Manifest,
  type ManifestEntry,
  ManifestError,
  MAX_RECORD_SIZE,
  parseJson,
  parseManifest,
  parseManifestLines,
  parseManifestStream,
  RecordTooLargeError,
  serializeManifest,
  serializeManifestLines,
  SHA256_CHUNKED,
  topHashOf,
  withCommitMessage,
  withUserMeta,
} from "../../server/quilt/mod.ts";
import { REPO_ROOT } from "../harness/paths.ts";
import { assert, assertEquals, assertRejects, assertThrows, Rng } from "./helpers.ts";
import { randomManifest } from "./manifest_gen.ts";

const FIXTURES = join(REPO_ROOT, "tests", "fixtures", "quilt");
const HASH = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";

function entry(logicalKey: string, extra: Partial<ManifestEntry> = {}): ManifestEntry {
  return {
    logicalKey,
    physicalKey: `s3://bucket/${logicalKey}`,
    size: 3,
    hash: { type: SHA256_CHUNKED, value: HASH },
    meta: new Map(),
    ...extra,
  };
}

const HEAD = '{"version": "v0", "message": null}';
const line = (lk: string, rest = "") =>
  `{"logical_key": ${JSON.stringify(lk)}, "physical_keys": ["s3://b/k"], "size": 1, ` +
  `"hash": {"type": "sha2-256-chunked", "value": "${HASH}"}, "meta": {}${rest}}`;

Deno.test("known answer: quilt3's load+dump and top hash of an unsorted manifest", async () => {
  const text = await Deno.readTextFile(join(FIXTURES, "quilt3_unsorted.jsonl"));
  const dumped = await Deno.readTextFile(join(FIXTURES, "quilt3_unsorted.dumped.jsonl"));
  const m = parseManifest(text);
  // Values produced by quilt3 8.0.0 (Package.load → top_hash / dump) on the same file.
  assertEquals(
    computeTopHash(m),
    "118766c26daeadaa5dcd938c293e98cfdf47417e99ef255c6af5f3229db8a554",
  );
  assertEquals(serializeManifest(m), dumped);
  assertEquals(m.entries.map((e) => e.logicalKey), ["a/b/c.txt", "a.txt"]);
  assert(!m.header.has("top_hash"), "obsolete top_hash key dropped");
  assertEquals(encodeCanonicalJson(m.dirMeta.get("a/b")!), '{"dir":true}');
  assertEquals(encodeManifestJson(entryUserMeta(m.entries[0])), '{"x": 2.5}');
});

Deno.test("entry top-hash JSON is canonical: sorted keys, ASCII, hash object sorted", () => {
  const e = entry("é/x", { meta: parseJson('{"user_meta": {"b": 1.0, "a": "😀"}}'), size: 7 });
  assertEquals(
    entryTopHashJson(e),
    `{"hash":{"type":"sha2-256-chunked","value":"${HASH}"},"logical_key":"\\u00e9/x",` +
      '"meta":{"user_meta":{"a":"\\ud83d\\ude00","b":1.0}},"size":7}',
  );
});

Deno.test("lines: LF, CRLF and CR separators, optional final newline", () => {
  const body = [HEAD, line("a"), line("b")];
  const want = computeTopHash(parseManifest(body.join("\n") + "\n"));
  for (const sep of ["\n", "\r\n", "\r"]) {
    assertEquals(computeTopHash(parseManifest(body.join(sep))), want);
    assertEquals(computeTopHash(parseManifest(body.join(sep) + sep)), want);
  }
});

Deno.test("parse errors name the line and the problem", () => {
  const cases: [string, string][] = [
    ["", "empty manifest"],
    ["[]", "JSON object"],
    ["null", "JSON object"],
    [`${HEAD}\n\n${line("a")}`, "line 2"],
    [`${HEAD}\n${line("a")}\n\n`, "line 3"],
    [`${HEAD}\n{"physical_keys": ["s3://b/k"]}`, "logical_key"],
    [`${HEAD}\n${line("a").replace('"size": 1, ', "")}`, "without size"],
    [`${HEAD}\n${line("a").replace(/"hash": \{[^}]*\}, /, "")}`, "without hash"],
    [`${HEAD}\n${line("a").replace(', "meta": {}', "")}`, "meta"],
    [`${HEAD}\n${line("a").replace("s3://b/k", "http://b/k")}`, "scheme"],
    [`${HEAD}\n${line("a").replace("s3://b/k", "s3://b/k?foo=1")}`, "query"],
    [`${HEAD}\n${line("a")}\n${line("a")}`, "duplicate"],
    [`${HEAD}\n${line("a")}\n${line("a/b")}`, "both a file and a directory"],
    [`${HEAD}\n${line("a/b")}\n{"logical_key": "a/b/c/", "meta": {"x": 1}}`, "both a file"],
    [`${HEAD}\n{"logical_key": "d/", "physical_keys": []}`, "without meta"],
    [`${HEAD}\n{"logical_key": "a", tru}`, "line 2"],
  ];
  for (const [text, msg] of cases) assertThrows(() => parseManifest(text), ManifestError, msg);
  assertThrows(() => parseManifest(new Uint8Array([0x7b, 0xff, 0x7d])), ManifestError, "UTF-8");
  assertThrows(() => parseManifest("\ufeff" + HEAD), ManifestError);
});

Deno.test("quilt3 quirks: falsy meta becomes {}, root directory record sets user_meta", () => {
  const m = parseManifest(
    [
      HEAD,
      line("a").replace('"meta": {}', '"meta": null'),
      line("b").replace('"meta": {}', '"meta": 0'),
      '{"logical_key": "x", "physical_keys": null, "meta": {"root": 1}}',
      '{"logical_key": "d/e/", "meta": {"k": "v"}}',
      '{"logical_key": "f/", "meta": {}}',
    ].join("\n"),
  );
  assertEquals(m.entries.map((e) => encodeCanonicalJson(e.meta)), ["{}", "{}"]);
  assertEquals(
    encodeManifestJson(m.header),
    '{"version": "v0", "message": null, "user_meta": {"root": 1}}',
  );
  const lines = serializeManifest(m).split("\n");
  // Falsy directory metadata is not written back, as in quilt3's _walk_dir_meta.
  assertEquals(lines[1], '{"logical_key": "d/e/", "meta": {"k": "v"}}');
  assertEquals(lines.length, 5);
});

Deno.test("serialisation normalises physical keys exactly like str(PhysicalKey)", () => {
  const m = parseManifest(
    [HEAD, line("a").replace("s3://b/k", "S3://b/x%2By+z%20é?versionId=a%2Bb+c")].join("\n"),
  );
  assert(
    serializeManifest(m).includes(
      '"physical_keys": ["s3://b/x%2By%2Bz%20%C3%A9?versionId=a%2Bb+c"]',
    ),
  );
});

Deno.test("record limit: 1,000,000 UTF-8 bytes per line, like quilt3", () => {
  const build = (text: string) =>
    buildManifest({
      header: createHeader(),
      entries: [entry("a", { meta: new Map([["user_meta", text]]) })],
    });
  const base = Array.from(serializeManifestLines(build("")))[1].length - 1;
  // "é" is 2 UTF-8 bytes: fill the line up to exactly the limit, then go one byte over.
  const room = MAX_RECORD_SIZE - base;
  const exact = "é".repeat(Math.floor(room / 2)) + "x".repeat(room % 2);
  serializeManifest(build(exact));
  const e = assertThrows(() => serializeManifest(build(exact + "x")), RecordTooLargeError, '"a"');
  assertEquals(e.size, MAX_RECORD_SIZE + 1);
  assertThrows(
    () =>
      serializeManifest(
        buildManifest({ header: createHeader({ userMeta: "x".repeat(1e6) }), entries: [] }),
      ),
    RecordTooLargeError,
    "package metadata",
  );
  assertThrows(() => serializeManifest(build("é"), { maxRecordSize: 100 }), RecordTooLargeError);
});

Deno.test("buildManifest validates new entries like Package.set", () => {
  const bad: Partial<ManifestEntry>[] = [
    { logicalKey: "" },
    { logicalKey: "a/" },
    { logicalKey: "a//b" },
    { logicalKey: "./a" },
    { logicalKey: "a/../b" },
    { logicalKey: "a\ud800" },
  ];
  for (const b of bad) {
    assertThrows(
      () => buildManifest({ header: createHeader(), entries: [entry("x", b)] }),
      LogicalKeyError,
    );
  }
  const badData: Partial<ManifestEntry>[] = [
    { size: -1 },
    { size: 1.5 },
    { hash: { type: "MD5", value: "x" } },
    { hash: { type: SHA256_CHUNKED, value: "abc" } },
    { hash: { type: "SHA256", value: HASH } },
    { physicalKey: "https://example.com/x" },
  ];
  for (const b of badData) {
    assertThrows(
      () => buildManifest({ header: createHeader(), entries: [entry("x", b)] }),
      ManifestError,
    );
  }
  assertThrows(
    () => buildManifest({ header: createHeader(), entries: [entry("x"), entry("x")] }),
    ManifestError,
    "duplicate",
  );
  assertThrows(
    () => buildManifest({ header: createHeader(), entries: [entry("x"), entry("x/y")] }),
    ManifestError,
    "both a file and a directory",
  );
});

Deno.test("headers: quilt3's key order, message keeps its place, top_hash refused", () => {
  const h = createHeader({ message: "m", userMeta: parseJson('{"a": 1.0}'), workflow: null });
  assertEquals(encodeManifestJson(h), '{"version": "v0", "user_meta": {"a": 1.0}, "message": "m"}');
  const h2 = withCommitMessage(h, "n");
  assertEquals(Array.from(h2.keys()), ["version", "user_meta", "message"]);
  assertEquals(h.get("message"), "m", "the original header is not changed");
  const h3 = withUserMeta(createHeader(), new Map());
  assertEquals(encodeManifestJson(h3), '{"version": "v0", "message": null, "user_meta": {}}');
  const withTop: JsonObject = new Map(h);
  withTop.set("top_hash", "x");
  assertThrows(() => topHashOf(withTop, []), ManifestError, "top_hash");
  assertThrows(() => topHashOf(h, [entry("b"), entry("a")]), ManifestError, "tree order");
});

Deno.test("streaming parse equals whole-text parse, whatever the chunking", async () => {
  const rng = new Rng(3);
  const m = randomManifest(rng, 40);
  const text = serializeManifest(m).replaceAll("\n", "\r\n");
  const bytes = new TextEncoder().encode(text);
  for (let trial = 0; trial < 20; trial++) {
    const chunks: Uint8Array[] = [];
    for (let off = 0; off < bytes.length;) {
      const n = 1 + rng.int(trial < 10 ? 7 : 4000);
      chunks.push(bytes.subarray(off, off + n));
      off += n;
    }
    const parsed = await parseManifestStream((async function* () {
      yield* chunks;
    })());
    assertEquals(serializeManifest(parsed), serializeManifest(m));
  }
  await assertRejects(
    () =>
      parseManifestStream((async function* () {
        yield new Uint8Array([0x7b, 0xc3]);
      })()),
    ManifestError,
    "UTF-8",
  );
});

Deno.test("property: serialize → parse → serialize is byte-identical (300 seeded manifests)", () => {
  const rng = new Rng(2024);
  for (let i = 0; i < 300; i++) {
    const m = randomManifest(rng, 1 + rng.int(40));
    const text = serializeManifest(m);
    const back = parseManifest(text);
    assertEquals(serializeManifest(back), text, `manifest #${i}`);
    const fromLines = parseManifestLines(text.split("\n").slice(0, -1));
    assertEquals(serializeManifest(fromLines), text, `manifest #${i} from lines`);
    assertEquals(computeTopHash(back), computeTopHash(m), `manifest #${i}`);
  }
});

Deno.test("property: entry order in the input never changes the result (200 seeded cases)", () => {
  const rng = new Rng(77);
  for (let i = 0; i < 200; i++) {
    const m = randomManifest(rng, 2 + rng.int(30));
    const shuffled = [...m.entries];
    for (let j = shuffled.length - 1; j > 0; j--) {
      const k = rng.int(j + 1);
      [shuffled[j], shuffled[k]] = [shuffled[k], shuffled[j]];
    }
    const rebuilt = buildManifest({ header: m.header, entries: shuffled, dirMeta: m.dirMeta });
    assertEquals(rebuilt.entries.map((e) => e.logicalKey), m.entries.map((e) => e.logicalKey));
    const lines = serializeManifest(m).split("\n");
    const head = lines.shift()!;
    const body = lines.filter((l) => l.length > 0);
    body.reverse();
    const reparsed: Manifest = parseManifest([head, ...body].join("\n"));
    assertEquals(computeTopHash(reparsed), computeTopHash(m), `case #${i}`);
  }
});

Deno.test("property: the fast line scanner and the general parser read the same (300 cases)", () => {
  const rng = new Rng(555);
  for (let i = 0; i < 300; i++) {
    const m = randomManifest(rng, 1 + rng.int(30));
    let text = serializeManifest(m);
    // Some lines in a layout only the general parser reads (spacing, key order, escapes).
    text = text.split("\n").map((l, j) =>
      j > 0 && rng.next() < 0.2 ? l.replace('", "physical_keys"', '","physical_keys"') : l
    ).join("\n");
    const fast = parseManifest(text);
    const slow = parseManifest(text, { fastPath: false });
    assertEquals(serializeManifest(fast), serializeManifest(slow), `case #${i}`);
    assertEquals(computeTopHash(fast), computeTopHash(slow), `case #${i}`);
    assertEquals(
      fast.entries.map((e) => [e.logicalKey, e.physicalKey, e.size, e.hash]),
      slow.entries.map((e) => [e.logicalKey, e.physicalKey, e.size, e.hash]),
    );
  }
  // Sizes and hashes that are not plain (quilt3 reads them): both paths keep them as stored.
  for (
    const odd of [
      line("a").replace('"size": 1', '"size": 1.0'),
      line("a").replace('"size": 1', '"size": -1'),
      line("a").replace('"hash": {"type"', '"hash": {"extra": 1, "type"'),
    ]
  ) {
    const text = `${HEAD}\n${odd}\n`;
    assertEquals(serializeManifest(parseManifest(text)), text);
    assertEquals(serializeManifest(parseManifest(text, { fastPath: false })), text);
  }
  // Lines that look canonical but are not valid must fail the same way on both paths.
  for (
    const bad of [
      line("a").replace('"size": 1', '"size": 01'),
      line("a").replace('"meta": {}', '"meta": {]'),
      line("a").replace('"a"', '"a\tb"'),
      line("a") + " x",
    ]
  ) {
    assertThrows(() => parseManifest(`${HEAD}\n${bad}`), ManifestError);
    assertThrows(() => parseManifest(`${HEAD}\n${bad}`, { fastPath: false }), ManifestError);
  }
});
