/** Diffs of two manifests: entries, package metadata and directory metadata. */
import {
  buildManifest,
  createHeader,
  diffManifests,
  encodeManifestJsonLenient,
  entryFieldsAsWritten,
  type ManifestEntry,
  parseJson,
  parseManifest,
  SHA256_CHUNKED,
  SHA256_LEGACY,
} from "../../server/quilt/mod.ts";
import { assertEquals, Rng } from "./helpers.ts";
import { randomManifest } from "./manifest_gen.ts";

const H1 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
const H2 = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";

function entry(logicalKey: string, extra: Partial<ManifestEntry> = {}): ManifestEntry {
  return {
    logicalKey,
    physicalKey: `s3://b/${logicalKey}`,
    size: 1,
    hash: { type: SHA256_CHUNKED, value: H1 },
    meta: new Map(),
    ...extra,
  };
}

Deno.test("diff reports added, removed and modified entries with what changed", () => {
  const before = buildManifest({
    header: createHeader({ message: "one", userMeta: parseJson('{"a": 1.0, "b": [1]}') }),
    entries: [
      entry("same.txt"),
      entry("gone.txt"),
      entry("a/hash.txt"),
      entry("a/size.txt"),
      entry("a/meta.txt", { meta: parseJson('{"user_meta": {"x": 1, "y": 2}}') }),
      entry("a/order.txt", { meta: parseJson('{"user_meta": {"x": 1, "y": 2}}') }),
      entry("moved.txt"),
    ],
    dirMeta: new Map([["a", parseJson('{"d": 1}')]]),
  });
  const after = buildManifest({
    header: createHeader({ message: "two", userMeta: parseJson('{"b": [1], "a": 1.0}') }),
    entries: [
      entry("same.txt"),
      entry("new.txt"),
      entry("a/hash.txt", { hash: { type: SHA256_LEGACY, value: "0".repeat(64) } }),
      entry("a/size.txt", { size: 2, hash: { type: SHA256_CHUNKED, value: H2 } }),
      entry("a/meta.txt", { meta: parseJson('{"user_meta": {"x": 1.0, "y": 2}}') }),
      entry("a/order.txt", { meta: parseJson('{"user_meta": {"y": 2, "x": 1}}') }),
      entry("moved.txt", { physicalKey: "s3://other/place?versionId=v2" }),
    ],
    dirMeta: new Map([["a", parseJson('{"d": 2}')]]),
  });
  const d = diffManifests(before, after);
  assertEquals(d.added.map((e) => e.logicalKey), ["new.txt"]);
  assertEquals(d.removed.map((e) => e.logicalKey), ["gone.txt"]);
  assertEquals(
    d.modified.map((m) => [m.logicalKey, m.changes]),
    [["a/hash.txt", ["hash"]], ["a/meta.txt", ["meta"]], ["a/size.txt", ["hash", "size"]]],
  );
  // Key order in metadata and physical keys do not count (quilt3 compares dicts and ignores keys).
  assertEquals(d.counts, { added: 1, removed: 1, modified: 3, unchanged: 3 });
  assertEquals(d.header.map((c) => c.key), ["message"]);
  assertEquals(d.dirMeta.map((c) => c.key), ["a"]);
  assertEquals(d.truncated, false);
  const cut = diffManifests(before, after, { limit: 1 });
  assertEquals([cut.modified.length, cut.counts.modified, cut.truncated], [1, 3, true]);
  const scoped = diffManifests(before, after, { keyPrefix: "a/" });
  assertEquals(scoped.counts, { added: 0, removed: 0, modified: 3, unchanged: 1 });
});

Deno.test("property: diff of a manifest with itself is empty; added/removed are symmetric", () => {
  const rng = new Rng(4);
  for (let i = 0; i < 100; i++) {
    const a = randomManifest(rng, 1 + rng.int(40));
    const b = randomManifest(rng, 1 + rng.int(40));
    const same = diffManifests(a, a);
    assertEquals(same.counts, { added: 0, removed: 0, modified: 0, unchanged: a.entries.length });
    const ab = diffManifests(a, b);
    const ba = diffManifests(b, a);
    assertEquals(ab.added.map((e) => e.logicalKey), ba.removed.map((e) => e.logicalKey));
    assertEquals(ab.counts.modified, ba.counts.modified);
    const aKeys = new Set(a.entries.map((e) => e.logicalKey));
    const bKeys = new Set(b.entries.map((e) => e.logicalKey));
    assertEquals(ab.counts.added, [...bKeys].filter((k) => !aKeys.has(k)).length);
    assertEquals(ab.counts.removed, [...aKeys].filter((k) => !bKeys.has(k)).length);
  }
});

Deno.test("diff: a change of number spelling alone is visible in the values as written", () => {
  const text = (meta: string, size: string, hashExtra = "") =>
    '{"version": "v0", "message": null, "user_meta": ' + meta + "}\n" +
    `{"logical_key": "f", "physical_keys": ["s3://b/f"], "size": ${size}, ` +
    `"hash": {"type": "${SHA256_CHUNKED}", "value": "${H1}"${hashExtra}}, ` +
    `"meta": {"user_meta": ${meta}}}\n`;
  const before = parseManifest(text('{"v": 1, "z": 0.0}', "7"));
  const after = parseManifest(text('{"v": 1.0, "z": -0.0}', "7.0", ', "x": 1'));
  const d = diffManifests(before, after);
  assertEquals(d.modified.map((m) => m.changes), [["hash", "size", "meta"]]);
  const [m] = d.modified;
  // As numbers both sides read alike (1, 0, 7); as written they differ, as the top hash sees.
  assertEquals(entryFieldsAsWritten(m.old), {
    size: "7",
    hash: `{"type": "${SHA256_CHUNKED}", "value": "${H1}"}`,
    meta: '{"user_meta": {"v": 1, "z": 0.0}}',
  });
  assertEquals(entryFieldsAsWritten(m.new), {
    size: "7.0",
    hash: `{"type": "${SHA256_CHUNKED}", "value": "${H1}", "x": 1}`,
    meta: '{"user_meta": {"v": 1.0, "z": -0.0}}',
  });
  assertEquals([m.old.size, m.new.size], [7, 7]);
  const header = d.header.find((c) => c.key === "user_meta")!;
  assertEquals(
    [encodeManifestJsonLenient(header.old!), encodeManifestJsonLenient(header.new!)],
    ['{"v": 1, "z": 0.0}', '{"v": 1.0, "z": -0.0}'],
  );
  // A value a manifest may hold but not write (NaN) keeps Python's spelling instead of failing.
  assertEquals(encodeManifestJsonLenient(parseJson('{"n": NaN}')), '{"n":NaN}');
});
