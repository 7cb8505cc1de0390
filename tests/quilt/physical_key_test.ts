/** Physical keys and Python's URL quoting rules (the quilt3 comparison is in rules_interop_test). */
import {
  formatPhysicalKey,
  formatS3Url,
  normalizePhysicalKey,
  parsePhysicalKey,
  parseS3Url,
  PhysicalKeyError,
  pyQuote,
  pyQuotePlus,
  pyUnquote,
} from "../../server/quilt/mod.ts";
import { assertEquals, assertThrows } from "./helpers.ts";

Deno.test("quote / quote_plus / unquote follow urllib.parse", () => {
  assertEquals(pyQuote("/a b/c+d~e!*'()é😀"), "/a%20b/c%2Bd~e%21%2A%27%28%29%C3%A9%F0%9F%98%80");
  assertEquals(pyQuotePlus("a b/c"), "a+b%2Fc");
  assertEquals(pyUnquote("a%20b+c%2b%C3%A9"), "a b+c+é");
  assertEquals(pyUnquote("50%_off %zz %"), "50%_off %zz %");
  assertEquals(pyUnquote("%FF%E2%82"), "\ufffd\ufffd");
  assertEquals(pyUnquote("%EF%BB%BFx"), "\ufeffx", "a decoded BOM is kept");
  assertThrows(() => pyQuote("a\ud800"), PhysicalKeyError, "surrogate");
});

Deno.test("S3 physical keys: parse, print, normalise", () => {
  assertEquals(parsePhysicalKey("s3://b/a%20b/c?versionId=v%2B1"), {
    scheme: "s3",
    bucket: "b",
    key: "a b/c",
    versionId: "v+1",
  });
  assertEquals(
    formatS3Url({ bucket: "b", key: "a b/c", versionId: "v+1" }),
    "s3://b/a%20b/c?versionId=v%2B1",
  );
  assertEquals(normalizePhysicalKey("S3://b/a b#frag"), "s3://b/a%20b");
  assertEquals(
    normalizePhysicalKey("s3://b/plain/key.txt?versionId=abc"),
    "s3://b/plain/key.txt?versionId=abc",
  );
  assertEquals(parseS3Url("s3://b"), { bucket: "b", key: "" });
  assertEquals(parseS3Url("s3://b/k?versionId=1"), { bucket: "b", key: "k", versionId: "1" });
  for (const bad of ["s3:///k", "s3://b/k?x=1", "http://b/k", "b/k", "s3://[b/k"]) {
    assertThrows(() => parsePhysicalKey(bad), PhysicalKeyError);
  }
  assertThrows(() => parseS3Url("file:///tmp/x"), PhysicalKeyError, "not an s3://");
});

Deno.test("file physical keys (local registries): normalised lexically, printed quoted", () => {
  const pk = parsePhysicalKey("file:///tmp/./a/../b%20c");
  assertEquals(pk, { scheme: "file", path: "/tmp/b c" });
  assertEquals(formatPhysicalKey(pk), "file:///tmp/b%20c");
  for (const bad of ["file://host/x", "file:x", "file:///x?q=1"]) {
    assertThrows(() => parsePhysicalKey(bad), PhysicalKeyError);
  }
});
