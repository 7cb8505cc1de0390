/** Quilt+ URIs both ways, catalog URLs, bucket names — and their errors. */
import {
  BucketNameError,
  catalogBucketUrl,
  catalogConfigUrl,
  catalogOrigin,
  catalogPackageUrl,
  CatalogUrlError,
  catalogUrlFromQuiltUri,
  formatQuiltUri,
  PackageNameError,
  parseQuiltUri,
  type QuiltUri,
  QuiltUriError,
  registryGraphqlUrl,
  validateBucketName,
} from "../../server/quilt/mod.ts";
import { assertEquals, assertThrows, Rng } from "./helpers.ts";

const TOP = "e21682f00929661879633a5128aaa27cc7bc1e2973d49d4c868a90f9fad9f34b";

Deno.test("parse: the documented example and its parts", () => {
  const uri =
    `quilt+s3://quilt-example#package=akarve/cord19@${TOP}&path=CORD19.ipynb&catalog=open.quiltdata.com`;
  assertEquals(parseQuiltUri(uri), {
    bucket: "quilt-example",
    packageName: "akarve/cord19",
    topHash: TOP,
    path: "CORD19.ipynb",
    catalog: "open.quiltdata.com",
  });
  assertEquals(parseQuiltUri("quilt+s3://b-1#package=ns/pkg:latest"), {
    bucket: "b-1",
    packageName: "ns/pkg",
    tag: "latest",
  });
  assertEquals(parseQuiltUri("quilt+s3://b-1#package=ns/pkg@ABCDEF&path=a%20b/c+d%2Be.txt"), {
    bucket: "b-1",
    packageName: "ns/pkg",
    topHash: "abcdef",
    path: "a b/c d+e.txt",
  });
  assertEquals(parseQuiltUri("quilt+s3://b-1#package=ns/pkg&path=50%_x/").path, "50%_x/");
  assertEquals(parseQuiltUri("QUILT+S3://b-1#package=ns/pkg&path=").path, undefined);
});

Deno.test("parse errors say what is wrong", () => {
  const cases: [string, string][] = [
    ["s3://b-1#package=ns/pkg", "quilt+s3://"],
    ["quilt+s3://b-1", "missing"],
    ["quilt+s3://b-1#path=x", "missing"],
    ["quilt+s3://b-1/prefix#package=ns/pkg", "bucket root"],
    ["quilt+s3://B_1#package=ns/pkg", "bucket"],
    ["quilt+s3://b-1#package=ns/pkg&package=ns/other", "more than once"],
    ["quilt+s3://b-1#package=ns/pkg@abcdef:latest", "not both"],
    ["quilt+s3://b-1#package=ns/pkg@abc", "6 to 64"],
    ["quilt+s3://b-1#package=ns/pkg@abcdef@abcdef", 'only one "@"'],
    ["quilt+s3://b-1#package=ns/pkg:", "tag"],
    ["quilt+s3://b-1#package=ns/pkg:../../x", "tag"],
    ["quilt+s3://b-1#package=nspkg", "package name"],
    ["quilt+s3://b-1#package=ns/pkg&path=/abs", "relative"],
    ["quilt+s3://b-1#package=ns/pkg&path=a/../b", '".."'],
    ["quilt+s3://b-1#package=ns/pkg&path=%FF", "percent-encoding"],
    ["quilt+s3://b-1#package=ns/pkg&version=1", "unknown parameter"],
    ["quilt+s3://b-1#package=ns/pkg&catalog=https://x/y", "host name"],
  ];
  for (const [uri, msg] of cases) assertThrows(() => parseQuiltUri(uri), QuiltUriError, msg);
});

Deno.test("format: as the catalog writes them; round trip on seeded random URIs", () => {
  assertEquals(
    formatQuiltUri({
      bucket: "b-1",
      packageName: "ns/pkg",
      topHash: TOP,
      path: "a b/c.txt",
      catalog: "cat.example.com",
    }),
    `quilt+s3://b-1#package=ns/pkg@${TOP}&path=a%20b%2Fc.txt&catalog=cat.example.com`,
  );
  assertEquals(
    formatQuiltUri({ bucket: "b-1", packageName: "ns/pkg", tag: "1700000000" }),
    "quilt+s3://b-1#package=ns/pkg:1700000000",
  );
  assertThrows(
    () => formatQuiltUri({ bucket: "b-1", packageName: "ns/pkg", topHash: TOP, tag: "latest" }),
    QuiltUriError,
  );
  assertThrows(() => formatQuiltUri({ bucket: "b-1", packageName: "ns/p/q" }), QuiltUriError);
  const rng = new Rng(21);
  const chars = ["a", "B", "0", " ", "+", "%", "&", "=", "#", "é", "😀", "?", "@", ":", ".", "-"];
  const seg = () => {
    let s = "";
    while (s === "" || s === "." || s === "..") {
      s = Array.from({ length: 1 + rng.int(5) }, () => rng.pick(chars)).join("");
    }
    return s;
  };
  for (let i = 0; i < 300; i++) {
    const u: QuiltUri = {
      bucket: rng.pick(["b-1", "my.bucket", "quilt-example"]),
      packageName: rng.pick(["ns/pkg", "données/été", "a_b/c-d"]),
      ...(rng.next() < 0.3 ? { topHash: TOP.slice(0, 6 + rng.int(59)) } : {}),
      ...(rng.next() < 0.3 ? { tag: rng.pick(["latest", "1700000000"]) } : {}),
      ...(rng.next() < 0.6
        ? { path: Array.from({ length: 1 + rng.int(3) }, seg).join("/") + rng.pick(["", "/"]) }
        : {}),
      ...(rng.next() < 0.4 ? { catalog: rng.pick(["open.quiltdata.com", "localhost:3000"]) } : {}),
    };
    if (u.topHash && u.tag) continue;
    assertEquals(parseQuiltUri(formatQuiltUri(u)), u);
  }
});

Deno.test("catalog URLs: package pages, bucket pages, config and GraphQL endpoints", () => {
  assertEquals(catalogOrigin("catalog.example.com"), "https://catalog.example.com");
  assertEquals(catalogOrigin("https://catalog.example.com/"), "https://catalog.example.com");
  assertEquals(catalogOrigin("http://localhost:3000"), "http://localhost:3000");
  for (
    const bad of [
      "http://catalog.example.com",
      "https://x.com/path",
      "https://u:p@x.com",
      "ftp://x.com",
      "https://x.com/?q=1",
      "",
    ]
  ) {
    assertThrows(() => catalogOrigin(bad), CatalogUrlError);
  }
  assertEquals(
    catalogPackageUrl("cat.example.com", { bucket: "b-1", packageName: "ns/pkg" }),
    "https://cat.example.com/b/b-1/packages/ns/pkg/tree/latest",
  );
  assertEquals(
    catalogPackageUrl("cat.example.com", {
      bucket: "b-1",
      packageName: "données/été",
      revision: TOP,
      path: "dir one/é#.csv",
    }),
    `https://cat.example.com/b/b-1/packages/donn%C3%A9es/%C3%A9t%C3%A9/tree/${TOP}/dir%20one/%C3%A9%23.csv`,
  );
  assertEquals(
    catalogPackageUrl("cat.example.com", {
      bucket: "b-1",
      packageName: "ns/pkg",
      revision: "1700000000",
      path: "a/",
    }),
    "https://cat.example.com/b/b-1/packages/ns/pkg/tree/1700000000/a/",
  );
  assertThrows(
    () =>
      catalogPackageUrl("cat.example.com", {
        bucket: "b-1",
        packageName: "ns/pkg",
        revision: "abc",
      }),
    CatalogUrlError,
  );
  assertThrows(
    () =>
      catalogPackageUrl("cat.example.com", { bucket: "b-1", packageName: "ns/pkg", path: "../x" }),
    CatalogUrlError,
  );
  assertThrows(
    () => catalogPackageUrl("cat.example.com", { bucket: "b-1", packageName: "nope" }),
    PackageNameError,
  );
  assertEquals(
    catalogBucketUrl("cat.example.com", { bucket: "b-1" }),
    "https://cat.example.com/b/b-1",
  );
  assertEquals(
    catalogBucketUrl("cat.example.com", { bucket: "b-1", path: "a b/c+d.txt", versionId: "v 1/2" }),
    "https://cat.example.com/b/b-1/tree/a%20b/c%2Bd.txt?version=v+1%2F2",
  );
  assertEquals(catalogConfigUrl("cat.example.com"), "https://cat.example.com/config.json");
  assertEquals(
    registryGraphqlUrl("https://registry.example.com/"),
    "https://registry.example.com/graphql",
  );
  assertEquals(
    catalogUrlFromQuiltUri(
      parseQuiltUri(`quilt+s3://b-1#package=ns/pkg@${TOP}&path=x.csv&catalog=cat.example.com`),
    ),
    `https://cat.example.com/b/b-1/packages/ns/pkg/tree/${TOP}/x.csv`,
  );
  assertThrows(
    () =>
      catalogUrlFromQuiltUri(
        parseQuiltUri("quilt+s3://b-1#package=ns/pkg@abcdef"),
        "c.example.com",
      ),
    CatalogUrlError,
    "short hash",
  );
  assertThrows(
    () => catalogUrlFromQuiltUri(parseQuiltUri("quilt+s3://b-1#package=ns/pkg")),
    CatalogUrlError,
    "no catalog",
  );
});

Deno.test("bucket names follow the S3 rules", () => {
  for (const ok of ["abc", "my-bucket.data", "a".repeat(63), "0bucket9"]) validateBucketName(ok);
  const bad: [string, string][] = [
    ["ab", "3 to 63"],
    ["a".repeat(64), "3 to 63"],
    ["My-Bucket", "lowercase"],
    ["under_score", "lowercase"],
    ["-start", "begin and end"],
    ["end.", "begin and end"],
    ["a..b", "adjacent dots"],
    ["192.168.1.1", "IP address"],
    ["xn--bucket", "prefix"],
    ["bucket-s3alias", "suffix"],
  ];
  for (const [b, msg] of bad) assertThrows(() => validateBucketName(b), BucketNameError, msg);
});
