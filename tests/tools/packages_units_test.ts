/**
 * Unit tests of the pure parts behind the package tools: path globs, the package-search matcher,
 * the manifest cache's bounds, listing cursors and the translation of format errors.
 */
import { parseJson } from "../../server/quilt/mod.ts";
import {
  CursorError,
  LogicalKeyError,
  type Manifest,
  ManifestError,
  PackagePathNotFoundError,
  RecordTooLargeError,
  TopHashError,
} from "../../server/quilt/mod.ts";
import { ToolError } from "../../server/tools/common/errors.ts";
import { GlobError, globToRegExp, pathFilter } from "../../server/tools/packages-write/glob.ts";
import { ManifestCache } from "../../server/tools/common/manifest_cache.ts";
import { quiltError } from "../../server/tools/common/package_inputs.ts";
import { decodeCursor, encodeCursor } from "../../server/tools/common/package_listing.ts";
import { matchPackage, metaText, queryTerms } from "../../server/tools/search/search.ts";
import { assert, assertEquals, assertThrows } from "../harness/mod.ts";

Deno.test("globs: '*' stays in a folder, '**' crosses folders, classes and literals", () => {
  const cases: [string, string, boolean][] = [
    ["*.csv", "a.csv", true],
    ["*.csv", "dir/a.csv", false],
    ["**/*.csv", "a.csv", true],
    ["**/*.csv", "dir/sub/a.csv", true],
    ["**/*.csv", "dir/a.csvx", false],
    ["raw/**", "raw/x/y.bin", true],
    ["raw/**", "rawx/y.bin", false],
    ["data/20??-*.json", "data/2024-01.json", true],
    ["data/20??-*.json", "data/2024/01.json", false],
    ["file[0-9].txt", "file7.txt", true],
    ["file[!0-9].txt", "fileA.txt", true],
    ["file[!0-9].txt", "file7.txt", false],
    ["file[!0-9].txt", "file/.txt", false],
    ["a.b(c)+d$.txt", "a.b(c)+d$.txt", true],
    ["a.b", "axb", false],
    ["é/*.txt", "é/ü.txt", true],
  ];
  for (const [glob, path, expected] of cases) {
    assertEquals(globToRegExp(glob).test(path), expected, `${glob} ~ ${path}`);
  }
  assertThrows(() => globToRegExp("file[abc"), GlobError, "unclosed");
  const keep = pathFilter(["**/*.csv", "README.md"], ["tmp/**"]);
  assertEquals(
    ["a.csv", "x/b.csv", "tmp/c.csv", "README.md", "notes.txt"].filter(keep),
    ["a.csv", "x/b.csv", "README.md"],
  );
  assertEquals(["a", "b/c"].filter(pathFilter()), ["a", "b/c"]);
});

Deno.test("package search: every term somewhere, case-insensitive, reporting where", () => {
  assertEquals(queryTerms("  RNA   Mouse "), ["rna", "mouse"]);
  assertEquals(queryTerms("a ".repeat(40)).length, 16);
  const meta = parseJson(
    `{"Organism": "Mouse", "n": 1.50, "big": 123456789012345678901, "list": [true, null, "Grüße"]}`,
  );
  const text = metaText(meta);
  assertEquals(text, [
    "Organism",
    "Mouse",
    "n",
    "1.50",
    "big",
    "123456789012345678901",
    "list",
    "true",
    "Grüße",
  ]);
  const fields = { name: "genomics/rna-seq", message: "first run", meta: text.join("\n") };
  assertEquals(matchPackage(["rna", "mouse"], fields), ["name", "user_meta"]);
  assertEquals(matchPackage(["organism"], fields), ["user_meta"]);
  assertEquals(matchPackage(["run"], fields), ["message"]);
  assertEquals(matchPackage(["grüße", "123456789012345678901"], fields), ["user_meta"]);
  assertEquals(matchPackage(["rna", "human"], fields), undefined);
});

function fakeManifest(tag: string): Manifest {
  return { header: new Map([["message", tag]]), entries: [], dirMeta: new Map() };
}

Deno.test("manifest cache: least recently used first out, bounded by bytes", () => {
  const cache = new ManifestCache(100);
  cache.set("b", "h1", { etag: "e1", manifest: fakeManifest("1"), bytes: 40 });
  cache.set("b", "h2", { etag: "e2", manifest: fakeManifest("2"), bytes: 40 });
  assertEquals(cache.get("b", "h1")?.etag, "e1"); // h1 is now the most recent
  cache.set("b", "h3", { etag: "e3", manifest: fakeManifest("3"), bytes: 40 });
  assertEquals(cache.get("b", "h2"), undefined, "the least recently used went first");
  assertEquals([cache.get("b", "h1")?.etag, cache.get("b", "h3")?.etag], ["e1", "e3"]);
  assertEquals(cache.bytes, 80);
  // Same hash in another bucket is another entry; a replacement frees the old bytes.
  cache.set("other", "h1", { etag: "x", manifest: fakeManifest("x"), bytes: 10 });
  cache.set("b", "h1", { etag: "e1b", manifest: fakeManifest("1b"), bytes: 20 });
  assertEquals(cache.get("b", "h1")?.etag, "e1b");
  assertEquals(cache.get("other", "h1")?.etag, "x");
  assertEquals(cache.bytes, 70);
  // Too large to keep at all.
  cache.set("b", "huge", { etag: "h", manifest: fakeManifest("h"), bytes: 101 });
  assertEquals(cache.get("b", "huge"), undefined);
  cache.delete("b", "h3");
  assertEquals(cache.bytes, 30);
});

Deno.test("listing cursors round-trip and refuse other listings or garbage", () => {
  const c = encodeCursor({ kind: "package_list", prefix: "team/", after: "team/alpha" });
  assertEquals(decodeCursor(c, "package_list"), {
    v: 1,
    kind: "package_list",
    prefix: "team/",
    after: "team/alpha",
  });
  for (const bad of [c + "!", "", "eyJ2IjoyfQ", encodeCursor({ kind: "package_search" })]) {
    const e = assertThrows(() => decodeCursor(bad, "package_list"), ToolError);
    assertEquals((e as ToolError).code, "invalid_cursor");
  }
});

Deno.test("format errors become tool errors with codes an assistant can act on", () => {
  const code = (e: unknown) => {
    try {
      quiltError(e, "ctx");
    } catch (thrown) {
      assert(thrown instanceof ToolError, `${thrown}`);
      assert(thrown.message.startsWith("ctx: "), thrown.message);
      return thrown.code;
    }
  };
  assertEquals(code(new PackagePathNotFoundError("a/b")), "not_found");
  assertEquals(code(new CursorError("bad")), "invalid_cursor");
  assertEquals(code(new TopHashError("bad")), "invalid_revision");
  assertEquals(code(new LogicalKeyError("bad")), "invalid_input");
  assertEquals(code(new ManifestError("bad", 3)), "invalid_manifest");
  assertEquals(code(new RecordTooLargeError("meta", 2_000_000, 1_000_000)), "too_large");
  assertEquals(code(new RangeError("limit")), "invalid_input");
  // Anything else is not a format error and is rethrown unchanged (the tool wrapper logs it).
  const other = new TypeError("boom");
  const e = assertThrows(() => quiltError(other), TypeError);
  assertEquals(e, other);
});
