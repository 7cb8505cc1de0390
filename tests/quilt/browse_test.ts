/** Browsing: tree and flat views, file paths, key prefixes, totals and cursor pagination. */
import {
  type BrowseDir,
  type BrowseFile,
  browseManifest,
  type BrowsePage,
  buildManifest,
  compareLogicalKeys,
  createHeader,
  CursorError,
  type Manifest,
  type ManifestEntry,
  PackagePathNotFoundError,
  parseJson,
  SHA256_CHUNKED,
} from "../../server/quilt/mod.ts";
import { assert, assertEquals, assertThrows, Rng } from "./helpers.ts";
import { randomManifest } from "./manifest_gen.ts";
import { once } from "../harness/setup.ts";

function entry(logicalKey: string, size: number): ManifestEntry {
  return {
    logicalKey,
    physicalKey: `s3://b/${logicalKey}`,
    size,
    hash: { type: SHA256_CHUNKED, value: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" },
    meta: new Map(),
  };
}

// Built on first use, inside a test: a failure of the code under test fails the tests.
const sample = once((): Manifest =>
  buildManifest({
    header: createHeader(),
    entries: [
      entry("README.md", 10),
      entry("a.txt", 1),
      entry("a/b.txt", 2),
      entry("a/b/c.txt", 3),
      entry("a/b/d/e.txt", 4),
      entry("a-b/x.csv", 5),
      entry("data/2024-01.csv", 100),
      entry("data/2024-02.csv", 200),
      entry("data/2025-01.csv", 300),
    ],
    dirMeta: new Map([["a/b", parseJson('{"note": "dir"}')]]),
  })
);

const names = (p: BrowsePage) => p.items.map((i) => (i.type === "dir" ? i.name + "/" : i.name));

Deno.test("tree view: children with directory sizes, in quilt3's order", () => {
  const root = browseManifest(sample());
  assertEquals(names(root), ["README.md", "a/", "a-b/", "a.txt", "data/"]);
  assertEquals(root.totals, { files: 9, bytes: 625, items: 5 });
  const a = root.items[1] as BrowseDir;
  assertEquals([a.logicalKey, a.files, a.bytes], ["a/", 3, 9]);
  const ab = browseManifest(sample(), { path: "a/b/" });
  assertEquals(names(ab), ["c.txt", "d/"]);
  assertEquals(ab.totals, { files: 2, bytes: 7, items: 2 });
  const inA = browseManifest(sample(), { path: "/a" });
  const b = inA.items[0] as BrowseDir;
  assertEquals([b.name, b.files, b.bytes], ["b", 2, 7]);
  assertEquals(b.meta !== undefined, true, "directory metadata is shown");
  assertEquals(names(inA), ["b/", "b.txt"]);
});

Deno.test("a file path gives that file; unknown paths fail clearly", () => {
  const f = browseManifest(sample(), { path: "a/b/c.txt" });
  assertEquals(f.kind, "file");
  assertEquals((f.items[0] as BrowseFile).entry.size, 3);
  assertThrows(() => browseManifest(sample(), { path: "nope" }), PackagePathNotFoundError, "nope");
  assertThrows(() => browseManifest(sample(), { path: "a/b/c.txt/" }), PackagePathNotFoundError);
  assertThrows(() => browseManifest(sample(), { path: "a/../x" }), Error);
  assertThrows(() => browseManifest(sample(), { limit: 0 }), RangeError);
  assertThrows(() => browseManifest(sample(), { limit: 10_001 }), RangeError);
});

Deno.test("flat view and key prefixes", () => {
  const all = browseManifest(sample(), { view: "flat" });
  assertEquals(
    all.items.map((i) => (i as BrowseFile).entry.logicalKey),
    sample().entries.map((e) => e.logicalKey),
  );
  const a = browseManifest(sample(), { view: "flat", path: "a" });
  assertEquals(a.items.map((i) => (i as BrowseFile).entry.logicalKey), [
    "a/b/c.txt",
    "a/b/d/e.txt",
    "a/b.txt",
  ]);
  const p = browseManifest(sample(), { view: "flat", keyPrefix: "data/2024-" });
  assertEquals(p.totals, { files: 2, bytes: 300, items: 2 });
  const q = browseManifest(sample(), { view: "flat", keyPrefix: "a" });
  assertEquals(q.totals.files, 5, "a/..., a-b/..., a.txt");
  assertThrows(() => browseManifest(sample(), { keyPrefix: "a" }), RangeError);
});

Deno.test("cursors: bound to path, view and revision; malformed ones rejected", () => {
  const first = browseManifest(sample(), { limit: 2, revision: "r1" });
  assert(first.nextCursor);
  const second = browseManifest(sample(), { limit: 2, cursor: first.nextCursor, revision: "r1" });
  assertEquals(names(second), ["a-b/", "a.txt"]);
  assertThrows(
    () => browseManifest(sample(), { limit: 2, cursor: first.nextCursor, revision: "r2" }),
    CursorError,
    "different listing",
  );
  assertThrows(
    () => browseManifest(sample(), { path: "a", cursor: first.nextCursor, revision: "r1" }),
    CursorError,
  );
  assertThrows(
    () => browseManifest(sample(), { view: "flat", cursor: first.nextCursor, revision: "r1" }),
    CursorError,
  );
  for (const bad of ["", "!!!", "eyJ2IjoyfQ", btoa("{}")]) {
    assertThrows(() => browseManifest(sample(), { cursor: bad }), CursorError, "malformed");
  }
});

function allPages(m: Manifest, opts: Parameters<typeof browseManifest>[1]) {
  const out: (BrowseDir | BrowseFile)[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = browseManifest(m, { ...opts, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
    assert(++pages <= m.entries.length + 1, "pagination must terminate");
  } while (cursor);
  return out;
}

Deno.test("property: pages concatenate to the full listing; totals match brute force (150 cases)", () => {
  const rng = new Rng(8080);
  for (let i = 0; i < 150; i++) {
    const m = randomManifest(rng, 1 + rng.int(80));
    const keys = m.entries.map((e) => e.logicalKey);
    // Pick a directory that exists (or the root).
    const withDir = keys.filter((k) => k.includes("/"));
    const dir = withDir.length && rng.next() < 0.7
      ? rng.pick(withDir).split("/").slice(0, 1 + rng.int(rng.pick(withDir).split("/").length - 1))
        .join("/")
      : "";
    const prefix = dir ? dir + "/" : "";
    const under = m.entries.filter((e) => e.logicalKey.startsWith(prefix));
    if (dir && under.length === 0) continue;
    const limit = 1 + rng.int(5);
    // Flat: exactly the entries below, in order.
    const flat = allPages(m, { view: "flat", path: dir, limit });
    assertEquals(
      flat.map((x) => (x as BrowseFile).entry.logicalKey),
      under.map((e) => e.logicalKey),
    );
    // Tree: each child once, sizes summing to the directory total.
    const tree = allPages(m, { view: "tree", path: dir, limit });
    const children = new Map<string, number>();
    for (const e of under) {
      const rest = e.logicalKey.slice(prefix.length);
      const name = rest.includes("/") ? rest.slice(0, rest.indexOf("/")) + "/" : rest;
      children.set(name, (children.get(name) ?? 0) + e.size);
    }
    assertEquals(
      tree.map((x) => (x.type === "dir" ? x.name + "/" : x.name)),
      Array.from(children.keys()),
    );
    assertEquals(
      tree.map((x) => (x.type === "dir" ? x.bytes : x.entry.size)),
      Array.from(children.values()),
    );
    const page = browseManifest(m, { view: "tree", path: dir, limit });
    assertEquals(page.totals.items, children.size);
    assertEquals(page.totals.bytes, under.reduce((s, e) => s + e.size, 0));
    // Key prefixes (not aligned on "/") select a contiguous run too.
    const k = rng.pick(keys);
    const kp = k.slice(0, 1 + rng.int(k.length));
    const viaPrefix = allPages(m, { view: "flat", keyPrefix: kp, limit: 3 });
    assertEquals(
      viaPrefix.map((x) => (x as BrowseFile).entry.logicalKey),
      keys.filter((x) => x.startsWith(kp)).sort(compareLogicalKeys),
    );
  }
});
