/** Registry layout, package names, pointers, short hashes and revision deletion plans. */
import {
  isValidPackageName,
  latestPointerKey,
  listRevisions,
  manifestKey,
  normalizeHashPrefix,
  PackageNameError,
  packageNameFromPointerKey,
  parsePointer,
  planRevisionDelete,
  pointerKey,
  pointersPrefix,
  resolveShortHash,
  revisionWrites,
  shortenTopHash,
  splitPackageName,
  timestampPointerName,
  TopHashError,
  validatePackageName,
} from "../../server/quilt/mod.ts";
import { assert, assertEquals, assertThrows } from "./helpers.ts";

const A = "a".repeat(64);
const B = "b".repeat(64);
const C = "c".repeat(64);

Deno.test("layout keys match quilt3's PackageRegistryV1", () => {
  assertEquals(manifestKey(A), `.quilt/packages/${A}`);
  assertEquals(pointersPrefix("ns/pkg"), ".quilt/named_packages/ns/pkg/");
  assertEquals(latestPointerKey("ns/pkg"), ".quilt/named_packages/ns/pkg/latest");
  assertEquals(pointerKey("ns/pkg", "1700000000"), ".quilt/named_packages/ns/pkg/1700000000");
  assertEquals(timestampPointerName(new Date(1_700_000_000_999)), "1700000000");
  assertEquals(revisionWrites("ns/pkg", A, new Date(1_700_000_000_000)), {
    manifest: `.quilt/packages/${A}`,
    timestampPointer: ".quilt/named_packages/ns/pkg/1700000000",
    latestPointer: ".quilt/named_packages/ns/pkg/latest",
  });
  assertThrows(() => manifestKey("abc"), TopHashError);
  assertThrows(() => manifestKey(A.toUpperCase()), TopHashError);
  assertThrows(() => pointerKey("ns/pkg", "../other"), TopHashError);
  assertThrows(() => pointersPrefix("ns/pkg/x"), PackageNameError);
});

Deno.test("package names: exactly one slash, word characters and dashes", () => {
  for (const ok of ["ns/name", "A_1/b-2", "données/été", "日本/パッケージ", "__/--"]) {
    assert(isValidPackageName(ok), ok);
  }
  for (
    const bad of ["", "ns", "/x", "x/", "a/b/c", "a b/c", "a/b.c", "a/b\n", "a/😀", "../x", "a/%2e"]
  ) {
    assert(!isValidPackageName(bad), JSON.stringify(bad));
    assertThrows(() => validatePackageName(bad), PackageNameError);
  }
  assertEquals(splitPackageName("ns/name"), { namespace: "ns", name: "name" });
});

Deno.test("pointer objects and pointer keys", () => {
  assertEquals(parsePointer(`${A}\n`), A);
  assertThrows(() => parsePointer("latest"), TopHashError);
  assertEquals(packageNameFromPointerKey(".quilt/named_packages/ns/pkg/latest"), "ns/pkg");
  assertEquals(packageNameFromPointerKey(".quilt/named_packages/ns/pkg/1700000000"), "ns/pkg");
  assertEquals(packageNameFromPointerKey(".quilt/named_packages/ns/pkg/sub/latest"), undefined);
  assertEquals(packageNameFromPointerKey(".quilt/named_packages/ns/pkg/notes.txt"), undefined);
  assertEquals(packageNameFromPointerKey(".quilt/packages/x"), undefined);
});

Deno.test("short hashes: 6 to 64 hex digits, unique match required", () => {
  const listing = [`.quilt/packages/${A}`, `.quilt/packages/ab${B.slice(2)}`, "unrelated"];
  assertEquals(resolveShortHash("aaaaaa", listing), A);
  assertEquals(resolveShortHash("AAAAAAA", listing), A);
  assertEquals(resolveShortHash(C, []), C, "a full hash needs no listing, as in quilt3");
  assertThrows(() => resolveShortHash("cccccc", listing), TopHashError, "no revision");
  assertThrows(
    () => resolveShortHash("aaaaaa", [...listing, `.quilt/packages/aaaaaa${B.slice(6)}`]),
    TopHashError,
    "ambiguous",
  );
  for (const bad of ["abcde", "xyz123", "a".repeat(65), ""]) {
    assertThrows(() => normalizeHashPrefix(bad), TopHashError);
  }
  assertEquals(shortenTopHash(A, [A, "aaaaaaab" + B.slice(8)]), "aaaaaaaa");
  assertEquals(shortenTopHash(A, [A]), "aaaaaaa");
});

Deno.test("revision deletion plans", () => {
  const pointers = [
    { pointer: "1600000000", topHash: A },
    { pointer: "1700000000", topHash: B },
    { pointer: "1650000000", topHash: C },
    { pointer: "latest", topHash: B },
  ];
  assertEquals(planRevisionDelete(pointers, B), {
    deletePointers: ["1700000000", "latest"],
    newLatest: { fromPointer: "1650000000", topHash: C },
    packageGone: false,
  });
  assertEquals(planRevisionDelete(pointers, A), {
    deletePointers: ["1600000000"],
    packageGone: false,
  });
  assertEquals(
    planRevisionDelete([{ pointer: "1", topHash: A }, { pointer: "latest", topHash: A }], A),
    { deletePointers: ["1", "latest"], packageGone: true },
  );
  // Timestamps compared as numbers, also beyond 10 digits.
  assertEquals(
    planRevisionDelete(
      [{ pointer: "99999999999", topHash: A }, { pointer: "100000000000", topHash: C }, {
        pointer: "latest",
        topHash: B,
      }],
      B,
    ).newLatest,
    { fromPointer: "100000000000", topHash: C },
  );
  assertThrows(() => planRevisionDelete(pointers, "d".repeat(64)), TopHashError, "no revision");
  assertThrows(() => planRevisionDelete(pointers, "bad"), TopHashError);
  assertEquals(listRevisions(pointers).map((r) => [r.pointer, r.isLatest]), [
    ["1700000000", true],
    ["1650000000", false],
    ["1600000000", false],
  ]);
});
