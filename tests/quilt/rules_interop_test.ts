/**
 * quilt3 8.0.0 as the reference for the rules around manifests: physical-key parsing and
 * printing, package names, registry short hashes and revision deletion (on a local registry),
 * and seeded random manifests that quilt3 must load with our top hash and re-dump byte for byte.
 */
import { join } from "node:path";
import {
  computeTopHash,
  formatS3Url,
  isValidPackageName,
  JsonEncodeError,
  normalizePhysicalKey,
  parseManifest,
  parsePhysicalKey,
  planRevisionDelete,
  resolveShortHash,
  serializeManifest,
  shortenTopHash,
  TopHashError,
} from "../../server/quilt/mod.ts";
import { assertEquals, assertThrows, PeerSession, Rng } from "./helpers.ts";
import { randomString } from "./json_gen.ts";
import { randomManifest } from "./manifest_gen.ts";

interface PkAnswer {
  str?: string;
  bucket?: string | null;
  path?: string;
  version_id?: string | null;
  error?: string;
}

const URLS = [
  "s3://bucket/key",
  "s3://bucket/a/b/c.txt?versionId=abc",
  "s3://bucket/a%20b+c%2Bd",
  "s3://bucket/%C3%A9t%C3%A9/%F0%9F%98%80",
  "s3://bucket/bad%ZZescape%",
  "s3://bucket/%FF%FE",
  "s3://bucket/%E2%82",
  "s3://bucket/é raw?versionId=x%2By+z",
  "s3://bucket/k?versionId=",
  "s3://bucket/k?versionId=a&versionId=b",
  "s3://bucket/k?versionId=a&foo=",
  "s3://bucket/k?versionId=a&foo=1",
  "s3://bucket/k?foo",
  "s3://bucket/k#frag",
  "s3://bucket",
  "s3://bucket/",
  "s3:///key",
  "S3://Bucket/Key",
  "  s3://bucket/lead-space",
  "s3://bucket/tab\there",
  "s3://bucket/a//b/../c",
  "s3://bucket/~tilde!*'();:@&=$,",
  "s3://user@bucket:80/k",
  "s3://[bucket/k",
  "http://bucket/k",
  "bucket/k",
  "file:///tmp/a%20b/c",
  "file://localhost/tmp/x",
  "file://host/tmp/x",
  "file:tmp",
  "file:///tmp/x?q=1",
  "file:///tmp/./a/../b",
];

Deno.test("quilt3 rules: physical keys, names, short hashes, revision deletion, random manifests", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "quilt-rules-" });
  const peer = await PeerSession.start("quilt3_peer.py");
  try {
    await t.step("physical keys parse and print like PhysicalKey.from_url / str()", async () => {
      const rng = new Rng(11);
      const urls = [...URLS];
      for (let i = 0; i < 150; i++) {
        urls.push(formatS3Url({ bucket: "b", key: randomString(rng, 10, { writable: true }) }));
        urls.push("s3://b/" + randomString(rng, 10, { writable: true }).replaceAll("#", "%23"));
      }
      for (const url of urls) {
        const py = await peer.call<PkAnswer>({ op: "physical_key", url });
        let mine: PkAnswer;
        try {
          const pk = parsePhysicalKey(url);
          mine = pk.scheme === "s3"
            ? { bucket: pk.bucket, path: pk.key, version_id: pk.versionId ?? null }
            : { bucket: null, path: pk.path, version_id: null };
          mine.str = normalizePhysicalKey(url);
        } catch {
          mine = { error: "error" };
        }
        if (py.error) {
          assertEquals(mine.error, "error", `quilt3 rejects ${JSON.stringify(url)} (${py.error})`);
          continue;
        }
        assertEquals(mine.error, undefined, `quilt3 accepts ${JSON.stringify(url)}`);
        if (py.bucket === null) {
          // file:// paths: quilt3 resolves symlinks (realpath); we normalise lexically.
          assertEquals(mine.path, py.path!.replace(/^\/private/, ""), url);
          continue;
        }
        assertEquals(mine, py, `parse/print of ${JSON.stringify(url)}`);
      }
    });

    await t.step(
      "S3 URLs we print from parts equal str(PhysicalKey(bucket, key, version))",
      async () => {
        const rng = new Rng(12);
        for (let i = 0; i < 150; i++) {
          const key = randomString(rng, 12, { writable: true });
          const versionId = rng.next() < 0.5 ? undefined : randomString(rng, 6, { writable: true });
          const py = await peer.call<PkAnswer>({
            op: "format_key",
            bucket: "b",
            key,
            version_id: versionId ?? null,
          });
          assertEquals(formatS3Url({ bucket: "b", key, versionId }), py.str, JSON.stringify(key));
          // And what we print parses back to the same parts.
          const back = parsePhysicalKey(py.str!);
          assertEquals(back.scheme === "s3" && back.key, key);
        }
      },
    );

    await t.step("package names: same verdict as quilt3's validate_package_name", async () => {
      const rng = new Rng(13);
      const names = [
        "ns/name",
        "a/b",
        "A_1/b-2",
        "ns/name/extra",
        "/name",
        "ns/",
        "ns",
        "",
        "ns /name",
        "ns/na.me",
        "ns/na@me",
        "données/été",
        "日本/パッケージ",
        "ns/😀",
        "a-/-b",
        "__/__",
        "ns/name\n",
        "ns\n/name",
        "ns/ name",
        "a/b c",
        "١٢/٣",
        "ns/name\u0301",
      ];
      for (let i = 0; i < 100; i++) {
        names.push(
          randomString(rng, 4, { writable: true }) + "/" + randomString(rng, 4, { writable: true }),
        );
      }
      for (const name of names) {
        const py = await peer.call<{ valid: boolean }>({ op: "name_valid", name });
        // quilt3's "$" accepts a trailing newline; we refuse names with any newline.
        const expected = py.valid && !name.includes("\n");
        assertEquals(isValidPackageName(name), expected, JSON.stringify(name));
      }
    });

    await t.step("short hashes resolve (and shorten) as in quilt3's registry", async () => {
      const rng = new Rng(14);
      const hex = () => Array.from({ length: 64 }, () => "0123456789abcdef"[rng.int(16)]).join("");
      const hashes = Array.from({ length: 30 }, hex);
      hashes.push(
        "abcdef" + hashes[0].slice(6),
        "abcdef" + hashes[1].slice(6),
        "abcdee" + hashes[2].slice(6),
      );
      const registry = join(dir, "resolve");
      const prefixes = [
        "abcdef",
        "abcdee",
        "abcde",
        "ffffff",
        hashes[5].slice(0, 8),
        hashes[7],
        "ABCDEE",
        "xyz123",
      ];
      for (const prefix of prefixes) {
        const py = await peer.call<{ resolved?: string; error?: string; short?: string }>({
          op: "resolve_hash",
          registry,
          name: "ns/pkg",
          manifests: hashes,
          prefix,
          shorten: hashes[9],
        });
        let mine: string | undefined;
        try {
          mine = resolveShortHash(prefix, hashes.map((h) => `.quilt/packages/${h}`));
        } catch (e) {
          if (!(e instanceof TopHashError)) throw e;
        }
        if (prefix === "ABCDEE") {
          // quilt3 compares case-sensitively and finds nothing; we accept upper-case hex.
          assertEquals(py.resolved, undefined);
          assertEquals(mine, hashes[32]);
        } else {
          assertEquals(mine, py.resolved, `prefix ${prefix}: ${py.error ?? ""}`);
        }
        assertEquals(shortenTopHash(hashes[9], hashes), py.short);
      }
      assertThrows(() => resolveShortHash("abcde", hashes), TopHashError, "6 to 64");
    });

    await t.step("deleting a revision leaves the pointers quilt3 leaves", async () => {
      const h = (c: string) => c.repeat(64);
      const scenarios: { pointers: Record<string, string>; del: string }[] = [
        { pointers: { "1700000000": h("a"), "1700000100": h("b"), latest: h("b") }, del: h("b") },
        { pointers: { "1700000000": h("a"), "1700000100": h("b"), latest: h("b") }, del: h("a") },
        { pointers: { "1700000000": h("a"), latest: h("a") }, del: h("a") },
        {
          pointers: {
            "1700000000": h("a"),
            "1700000050": h("a"),
            "1600000000": h("c"),
            latest: h("a"),
          },
          del: h("a"),
        },
        { pointers: { "1700000000": h("a"), latest: h("b") }, del: h("c") },
      ];
      let n = 0;
      for (const s of scenarios) {
        const registry = join(dir, `delete-${n++}`);
        const py = await peer.call<{ pointers: Record<string, string>; error?: string }>({
          op: "delete_version",
          registry,
          name: "ns/pkg",
          pointers: s.pointers,
          top_hash: s.del,
        });
        const pointers = Object.entries(s.pointers).map(([pointer, topHash]) => ({
          pointer,
          topHash,
        }));
        let after: Record<string, string>;
        try {
          const plan = planRevisionDelete(pointers, s.del);
          after = { ...s.pointers };
          for (const p of plan.deletePointers) delete after[p];
          if (plan.newLatest) after.latest = plan.newLatest.topHash;
          assertEquals(plan.packageGone, Object.keys(after).length === 0);
        } catch (e) {
          if (!(e instanceof TopHashError)) throw e;
          assertEquals(typeof py.error, "string", "quilt3 also refuses");
          after = s.pointers;
        }
        assertEquals(after, py.pointers, JSON.stringify(s));
      }
    });

    await t.step(
      "hand-written quirky manifests: same top hash and same re-dump as quilt3",
      async () => {
        const H = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";
        const e = (lk: string, rest = "", pk = "s3://b/k") =>
          `{"logical_key": ${JSON.stringify(lk)}, "physical_keys": [${
            JSON.stringify(pk)
          }], "size": 1, ` +
          `"hash": {"type": "sha2-256-chunked", "value": "${H}"}, "meta": {}${rest}}`;
        const texts = [
          // Directory records: root ("x"), a directory named "" ("/x"), nested, falsy; null meta.
          [
            '{"version": "v0", "message": "m", "user_meta": {"a": 1}}',
            '{"logical_key": "x", "physical_keys": [], "meta": {"root": true}}',
            '{"logical_key": "/x", "meta": {"empty-name": 1}}',
            '{"logical_key": "d/e/", "meta": {"k": [1.5]}}',
            '{"logical_key": "f/", "meta": {}}',
            e("d/e/f.txt").replace('"meta": {}', '"meta": null'),
            e("z"),
          ].join("\n"),
          // Unsorted entries, obsolete top_hash, CRLF, extra keys and extra physical keys.
          [
            '{"top_hash": {"alg": "v0"}, "version": "v0", "message": null}',
            e("b.txt", ', "extra": 1'),
            e("a/b.txt").replace('["s3://b/k"]', '["s3://b/k", "s3://b/other"]'),
            e("a.txt"),
          ].join("\r\n") + "\r\n",
          // Number spellings, escapes, integer-like and duplicate keys, physical keys to normalise.
          [
            '{"version": "v0", "message": "\\u00e9t\\u00e9", "user_meta": {"b": 1.10, "2": 1E5, "1": -0, "b": [-0.0, 1e-7]}}',
            e("k\\u00e9y", "", "s3://b/a b+c%2Bd?versionId=x y"),
            e("a%20b", "", "S3://b/%7E~?versionId=%41"),
          ].join("\n"),
        ];
        for (const [i, text] of texts.entries()) {
          const path = join(dir, `quirky-${i}.jsonl`);
          await Deno.writeTextFile(path, text);
          const py = await peer.call<{ top_hash: string; dump?: string; load_error?: string }>({
            op: "load",
            path,
          });
          assertEquals(py.load_error, undefined, `quirky #${i}`);
          const m = parseManifest(text);
          assertEquals(computeTopHash(m), py.top_hash, `quirky #${i}`);
          assertEquals(serializeManifest(m), py.dump, `quirky #${i}`);
        }
        // NaN and overflowing floats: quilt3 reads and hashes them but refuses to write them.
        const nan = [
          '{"version": "v0", "message": null, "user_meta": {"x": NaN, "y": -Infinity, "z": 1e400}}',
          e("a"),
        ].join("\n");
        const path = join(dir, "nan.jsonl");
        await Deno.writeTextFile(path, nan);
        const py = await peer.call<{ top_hash: string; dump_error?: string }>({ op: "load", path });
        const m = parseManifest(nan);
        assertEquals(computeTopHash(m), py.top_hash);
        assertEquals(typeof py.dump_error, "string");
        assertThrows(() => serializeManifest(m), JsonEncodeError);
      },
    );

    await t.step(
      "40 seeded random manifests: quilt3 loads ours with our top hash and bytes",
      async () => {
        const rng = new Rng(31337);
        for (let i = 0; i < 40; i++) {
          const m = randomManifest(rng, 1 + rng.int(60));
          const text = serializeManifest(m);
          const path = join(dir, `random-${i}.jsonl`);
          await Deno.writeTextFile(path, text);
          const py = await peer.call<{ top_hash: string; dump?: string; load_error?: string }>({
            op: "load",
            path,
          });
          assertEquals(py.load_error, undefined);
          assertEquals(computeTopHash(m), py.top_hash, `manifest #${i}`);
          assertEquals(py.dump, text, `manifest #${i}`);
        }
      },
    );
  } finally {
    await peer.close();
    await Deno.remove(dir, { recursive: true });
  }
});
