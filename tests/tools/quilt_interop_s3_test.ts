/**
 * quilt3 8.0.0 and the package tools against the same S3 registry (moto), both directions, with
 * the same top hashes:
 * - quilt3 pushes packages (nested folders, non-ASCII keys, metadata with floats, big integers,
 *   nesting and non-ASCII text, an empty file, a file over 8 MiB) and a second revision; the
 *   server lists, browses and diffs them and reports quilt3's top hashes, sizes and entry hashes;
 * - the server creates and updates packages from S3 objects (checksum-derived and streamed
 *   hashes, a multipart object, versioned and unversioned buckets); quilt3 loads them, recomputes
 *   the same top hash and fetches the objects with verified hashes and the expected bytes —
 *   including the old bytes of a file replaced in a later revision (pinned versions);
 * - concurrency: quilt3 refuses to push over the server's newer revision, the server refuses to
 *   build on a stale parent, and of two simultaneous updates exactly one wins.
 * quilt3 runs in three batched Python processes.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  adminS3,
  assert,
  assertEquals,
  assertMatch,
  seedBucket,
  startStack,
} from "../harness/mod.ts";
import { callError, callOk } from "./helpers_transports.ts";
import { multipart } from "./oracle_cases.ts";
import { type PeerPackage, runQuilt3, seededBytes, sha256Hex } from "./peer/mod.ts";

const REG = "interop-reg";
const DATA = "interop-data";
const PLAIN = "interop-plain"; // unversioned
const MiB = 1024 * 1024;
const REGISTRY = `s3://${REG}`;

// Metadata as JSON text: quilt3 reads it with json.loads, so 1.0 stays a float and the big
// integer stays exact — the top hash depends on both.
const PKG_META =
  `{"float_one": 1.0, "tiny": 1e-07, "huge": 1e+20, "pi": 3.141592653589793, "big": 123456789012345678901234567890, "neg": -5, "nested": {"list": [1, 2.5, {"z": null, "a": true}], "2020": "year"}, "text": "été 中文 😀", "empty": {}}`;
const Q3_FILES = [
  { lk: "README.md", text: "# Interop\n" },
  {
    lk: "data/a/b/deep.csv",
    text: "x,y\n1,2\n",
    meta_json: `{"score": 0.5, "count": 3, "exp": 2e-10}`,
  },
  { lk: "data/a.txt", text: "a" },
  {
    lk: "données/été.csv",
    text: "é,ü\n",
    meta_json: `{"desc": "données", "n": 10000000000000000000000}`,
  },
  { lk: "日本/ファイル.txt", text: "日本語" },
  { lk: "emoji/😀 smile+plus%pct.txt", text: "😀" },
  { lk: "empty.bin", text: "" },
  { lk: "big/large.bin", seeded: [9 * MiB + 12345, 7] },
];

interface Item {
  type: string;
  name: string;
  logical_key: string;
  size?: number;
  hash?: { type: string; value: string };
  meta?: Record<string, unknown>;
  files?: number;
  bytes?: number;
}
interface Browse {
  top_hash: string;
  message: string | null;
  user_meta: Record<string, unknown>;
  items: Item[];
  totals: { files: number; bytes: number; items: number };
  next_cursor: string | null;
}

async function browseAll(
  client: Parameters<typeof callOk>[0],
  args: Record<string, unknown>,
): Promise<{ first: Browse; items: Item[] }> {
  let first: Browse | undefined;
  const items: Item[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await callOk<Browse>(client, "package_browse", {
      ...args,
      view: "flat",
      limit: 3,
      ...(cursor ? { cursor } : {}),
    });
    first ??= page;
    items.push(...page.items);
    if (!page.next_cursor) return { first, items };
    cursor = page.next_cursor;
  }
  throw new Error("browse did not end");
}

async function manifestLines(s3: S3Client, topHash: string): Promise<string[]> {
  const r = await s3.send(new GetObjectCommand({ Bucket: REG, Key: `.quilt/packages/${topHash}` }));
  return (await r.Body!.transformToString()).split("\n").filter((l) => l !== "");
}

Deno.test("quilt3 interop over S3: both directions, same top hashes, conflicts", async (t) => {
  const env = { QUILT_MCP_RATE_LIMIT_BURST: "100000", QUILT_MCP_RATE_LIMIT_PER_MINUTE: "100000" };
  await using stack = await startStack({ categories: ["packages-read", "packages-write"], env });
  await seedBucket(stack.moto, REG, {}, { versioned: true });
  await seedBucket(stack.moto, DATA, {}, { versioned: true });
  await seedBucket(stack.moto, PLAIN, { "p.txt": "plain bytes" });
  await using client = await stack.http("interop-user", { era: "modern" });
  const s3 = adminS3(stack.moto);

  // ---- quilt3 → server ----------------------------------------------------------------------
  // One quilt3 process: push, read back, push a second revision, push another package.
  const [pushed, q3firstView, updated, other, q3view] = await runQuilt3<Record<string, unknown>>(
    stack.moto,
    [
      {
        op: "push",
        registry: REGISTRY,
        name: "q3/nested",
        message: "initial ✓ commit",
        meta_json: PKG_META,
        files: Q3_FILES,
      },
      { op: "browse", registry: REGISTRY, name: "q3/nested" },
      {
        op: "update",
        registry: REGISTRY,
        name: "q3/nested",
        message: "second",
        remove: ["data/a.txt"],
        set: [{ lk: "data/new.txt", text: "new" }],
        meta_json: `{"float_one": 2.0, "added": "ü"}`,
      },
      {
        op: "push",
        registry: REGISTRY,
        name: "q3/other",
        message: "other",
        files: [{ lk: "README.md", text: "# Interop\n" }, { lk: "only.txt", text: "x" }],
      },
      { op: "browse", registry: REGISTRY, name: "q3/nested", top_hash: null },
    ],
  );
  const h1 = pushed.top_hash as string;
  const h2 = updated.top_hash as string;
  const hOther = other.top_hash as string;
  const q3second = q3view as unknown as PeerPackage;
  assertEquals(q3second.top_hash, h2);

  await t.step(
    "server lists quilt3's packages and revisions with quilt3's top hashes",
    async () => {
      const list = await callOk<{ packages: { name: string }[] }>(client, "package_list", {
        bucket: REG,
      });
      assertEquals(list.packages.map((p) => p.name), ["q3/nested", "q3/other"]);
      const versions = await callOk<
        { latest: { top_hash: string }; versions: { top_hash: string; is_latest: boolean }[] }
      >(
        client,
        "package_versions",
        { bucket: REG, package: "q3/nested" },
      );
      assertEquals(versions.latest.top_hash, h2);
      assertEquals(new Set(versions.versions.map((v) => v.top_hash)), new Set([h1, h2]));
      assertEquals(versions.versions.find((v) => v.is_latest)?.top_hash, h2);
    },
  );

  await t.step(
    "server browses quilt3's first revision: same entries, sizes, hashes, metadata",
    async () => {
      const q3first = q3firstView as unknown as PeerPackage;
      assertEquals(q3first.top_hash, h1);
      const { first, items } = await browseAll(client, {
        bucket: REG,
        package: "q3/nested",
        top_hash: h1.slice(0, 10),
      });
      assertEquals(first.top_hash, h1);
      assertEquals(first.message, "initial ✓ commit");
      assertEquals(
        first.user_meta,
        JSON.parse(
          PKG_META.replace("123456789012345678901234567890", '"123456789012345678901234567890"'),
        ),
      );
      assertEquals(first.totals.files, Q3_FILES.length);
      // The server lists quilt3's walk order, with quilt3's sizes, hashes and entry metadata.
      assertEquals(items.map((i) => i.logical_key), q3first.entries.map((e) => e.lk));
      for (const [i, e] of q3first.entries.entries()) {
        assertEquals(items[i].size, e.size, e.lk);
        assertEquals(items[i].hash, e.hash, e.lk);
      }
      const meta = Object.fromEntries(items.map((i) => [i.logical_key, i.meta]));
      assertEquals(meta["data/a/b/deep.csv"], { user_meta: { score: 0.5, count: 3, exp: 2e-10 } });
      // An integer beyond 2^53 comes back as its exact decimal text.
      assertEquals(meta["données/été.csv"], {
        user_meta: { desc: "données", n: "10000000000000000000000" },
      });
      assertEquals(meta["README.md"], {});
      const big = items.find((i) => i.logical_key === "big/large.bin")!;
      assertEquals(big.size, 9 * MiB + 12345);
      const empty = items.find((i) => i.logical_key === "empty.bin")!;
      assertEquals(empty.size, 0);
      assertEquals(empty.hash?.value, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    },
  );

  await t.step("server browses latest as a tree with folder totals", async () => {
    const root = await callOk<Browse>(client, "package_browse", {
      bucket: REG,
      package: "q3/nested",
    });
    assertEquals(root.top_hash, h2);
    assertEquals(
      root.items.map((i) => `${i.type}:${i.name}`),
      [
        "file:README.md",
        "dir:big",
        "dir:data",
        "dir:données",
        "dir:emoji",
        "file:empty.bin",
        "dir:日本",
      ],
    );
    const data = root.items.find((i) => i.name === "data")!;
    assertEquals([data.files, data.bytes], [2, 8 + 3]);
    const sub = await callOk<Browse>(client, "package_browse", {
      bucket: REG,
      package: "q3/nested",
      path: "données/",
    });
    assertEquals(sub.items.map((i) => i.logical_key), ["données/été.csv"]);
  });

  await t.step("server diffs quilt3's revisions and two different packages", async () => {
    const diff = await callOk<Record<string, unknown>>(client, "package_diff", {
      bucket: REG,
      package: "q3/nested",
      top_hash: h1,
      other_top_hash: h2.slice(0, 7),
    });
    assertEquals((diff.to as { top_hash: string }).top_hash, h2);
    assertEquals(diff.counts, {
      added: 1,
      removed: 1,
      modified: 0,
      unchanged: Q3_FILES.length - 1,
    });
    assertEquals((diff.added as Item[]).map((e) => e.logical_key), ["data/new.txt"]);
    assertEquals((diff.removed as Item[]).map((e) => e.logical_key), ["data/a.txt"]);
    const keys = (diff.package_meta_changes as { key: string }[]).map((c) => c.key).sort();
    assertEquals(keys, ["message", "user_meta"]);
    const cross = await callOk<Record<string, unknown>>(client, "package_diff", {
      bucket: REG,
      package: "q3/nested",
      top_hash: h1,
      other_package: "q3/other",
    });
    assertEquals((cross.to as { top_hash: string }).top_hash, hOther);
    // README.md is the same bytes in both; everything else differs.
    assertEquals(cross.counts, {
      added: 1,
      removed: Q3_FILES.length - 1,
      modified: 0,
      unchanged: 1,
    });
  });

  // ---- server → quilt3 ----------------------------------------------------------------------
  const bigBytes = seededBytes(9 * MiB + 777, 11);
  const mpBytes = seededBytes(8 * MiB + 5, 13); // two parts: 8 MiB and 5 bytes
  const objects: Record<string, string | Uint8Array> = {
    "run/sample 1.csv": "a,b\n1,2\n",
    "run/données/résumé.txt": "résumé ✓",
    "run/nested/deep/x.json": '{"x": 1}',
    "run/empty.txt": "",
    "run/big.bin": bigBytes,
    "run/skip.tmp": "not me",
  };
  await seedBucket(stack.moto, DATA, objects);
  await s3.send(
    new PutObjectCommand({
      Bucket: DATA,
      Key: "run/sum.txt",
      Body: new TextEncoder().encode("checksummed"),
      ChecksumAlgorithm: "SHA256",
    }),
  );
  await multipart(s3, DATA, "run/mp.bin", mpBytes, 8 * MiB, "SHA256");
  const expected: Record<string, string> = {
    "sample 1.csv": sha256Hex("a,b\n1,2\n"),
    "données/résumé.txt": sha256Hex("résumé ✓"),
    "nested/deep/x.json": sha256Hex('{"x": 1}'),
    "empty.txt": sha256Hex(""),
    "big.bin": sha256Hex(bigBytes),
    "sum.txt": sha256Hex("checksummed"),
    "mp.bin": sha256Hex(mpBytes),
    "extra/plain.txt": sha256Hex("plain bytes"),
  };
  const SRV_META =
    `{"float_one": 1.0, "tiny": 1e-07, "label": "été ✓", "nested": {"k": [1, 2.50]}}`;

  let created = "";
  await t.step("server creates a package from a folder and an explicit object", async () => {
    const plan = await callOk<Record<string, unknown>>(client, "package_create", {
      bucket: REG,
      package: "srv/made",
      source: { bucket: DATA, prefix: "run", exclude: ["**/*.tmp"] },
      entries: [{
        logical_key: "extra/plain.txt",
        s3_uri: `s3://${PLAIN}/p.txt`,
        meta_json: `{"score": 1.0, "tag": "ü"}`,
      }],
      dry_run: true,
    });
    assertEquals((plan.totals as { entries: number }).entries, 8);
    assertEquals(plan.top_hash, null);
    const out = await callOk<Record<string, unknown>>(client, "package_create", {
      bucket: REG,
      package: "srv/made",
      message: "made by the server ✓",
      user_meta_json: SRV_META,
      source: { bucket: DATA, prefix: "run", exclude: ["**/*.tmp"] },
      entries: [{
        logical_key: "extra/plain.txt",
        s3_uri: `s3://${PLAIN}/p.txt`,
        meta_json: `{"score": 1.0, "tag": "ü"}`,
      }],
    });
    created = out.top_hash as string;
    assertMatch(created, /^[0-9a-f]{64}$/);
    const hashing = out.hashing as { from_s3_checksum: number; streamed: number };
    // empty.txt and sum.txt come from S3 checksums; the big single-part and multipart objects are read.
    assert(hashing.from_s3_checksum >= 2, JSON.stringify(hashing));
    assert(hashing.streamed >= 2, JSON.stringify(hashing));
    const lines = await manifestLines(s3, created);
    // The metadata line keeps Python's number text and real UTF-8.
    assertEquals(
      lines[0],
      `{"version": "v0", "user_meta": {"float_one": 1.0, "tiny": 1e-07, "label": "été ✓", "nested": {"k": [1, 2.5]}}, "message": "made by the server ✓"}`,
    );
    const pinned = lines.slice(1).map((l) => JSON.parse(l).physical_keys[0] as string);
    assert(
      pinned.filter((k) => k.startsWith(`s3://${DATA}/`)).every((k) => k.includes("?versionId=")),
    );
    assert(pinned.includes(`s3://${PLAIN}/p.txt`), "unversioned objects are not pinned");
  });

  // A new version of one object, then an update that replaces it, removes a folder, adds a file
  // and changes one file's metadata.
  await s3.send(
    new PutObjectCommand({ Bucket: DATA, Key: "run/sample 1.csv", Body: "a,b\n3,4\n" }),
  );
  await seedBucket(stack.moto, DATA, { "more/new.txt": "brand new" });
  let updatedSrv = "";
  await t.step("server updates it, keeping untouched metadata byte-exact", async () => {
    const out = await callOk<Record<string, unknown>>(client, "package_update", {
      bucket: REG,
      package: "srv/made",
      parent_top_hash: created,
      message: "second revision",
      set: [
        { logical_key: "sample 1.csv", bucket: DATA, key: "run/sample 1.csv" },
        { logical_key: "added/new.txt", s3_uri: `s3://${DATA}/more/new.txt` },
        { logical_key: "extra/plain.txt", meta_json: `{"score": 2.0}` },
      ],
      remove: ["nested/"],
    });
    updatedSrv = out.top_hash as string;
    assertEquals(out.totals, {
      entries: 8,
      bytes: (out.totals as { bytes: number }).bytes,
      added: 1,
      replaced: 1,
      removed: 1,
    });
    const before = await manifestLines(s3, created);
    const after = await manifestLines(s3, updatedSrv);
    assertEquals(
      after[0],
      before[0].replace('"message": "made by the server ✓"', '"message": "second revision"'),
    );
    const untouched = before.slice(1).filter((l) =>
      !/"logical_key": "(sample 1\.csv|nested\/deep\/x\.json|extra\/plain\.txt)"/.test(l)
    );
    for (const line of untouched) assert(after.includes(line), `line changed: ${line}`);
  });

  // One quilt3 process: load and fetch both server revisions, then push on a stale origin (must
  // conflict) and on the latest revision.
  const q3made = await runQuilt3<Record<string, unknown>>(stack.moto, [
    { op: "browse", registry: REGISTRY, name: "srv/made", top_hash: created, fetch: true },
    { op: "browse", registry: REGISTRY, name: "srv/made", fetch: true },
    {
      op: "update",
      registry: REGISTRY,
      name: "srv/made",
      top_hash: created,
      message: "stale",
      set: [{ lk: "q.txt", text: "q" }],
    },
    {
      op: "update",
      registry: REGISTRY,
      name: "srv/made",
      message: "by quilt3",
      set: [{ lk: "q.txt", text: "q" }],
    },
  ]);

  await t.step(
    "quilt3 loads both server revisions with the same top hashes and fetches the bytes",
    () => {
      const [first, second] = q3made.slice(0, 2) as unknown as PeerPackage[];
      assertEquals(first.top_hash, created);
      assertEquals(second.top_hash, updatedSrv);
      assertEquals(first.message, "made by the server ✓");
      assertEquals(JSON.parse(first.meta_json).float_one, 1);
      assertEquals(first.meta_json.includes('"float_one": 1.0'), true);
      const got = Object.fromEntries(first.entries.map((e) => [e.lk, e.sha256]));
      assertEquals(got, expected);
      for (const e of [...first.entries, ...second.entries]) {
        assert(e.verified, `${e.lk} hash verified by quilt3`);
      }
      const secondBytes = Object.fromEntries(second.entries.map((e) => [e.lk, e.sha256]));
      // The replaced file has the new bytes in the new revision and the old bytes in the old one.
      assertEquals(secondBytes["sample 1.csv"], sha256Hex("a,b\n3,4\n"));
      assertEquals(secondBytes["added/new.txt"], sha256Hex("brand new"));
      assertEquals(secondBytes["nested/deep/x.json"], undefined);
      const plainMeta = second.entries.find((e) => e.lk === "extra/plain.txt")!.meta_json;
      assertEquals(plainMeta, '{"user_meta": {"score": 2.0}}');
    },
  );

  let byQuilt3 = "";
  await t.step("conflicts: quilt3 on a stale origin, the server on a stale parent", async () => {
    const [stale, fresh] = q3made.slice(2) as Record<string, string>[];
    assertMatch(stale.conflict, /already exists/);
    assertMatch(fresh.top_hash, /^[0-9a-f]{64}$/);
    const latest = await callOk<Browse>(client, "package_browse", {
      bucket: REG,
      package: "srv/made",
      path: "q.txt",
    });
    assertEquals(latest.top_hash, fresh.top_hash);
    const msg = await callError(client, "package_update", {
      bucket: REG,
      package: "srv/made",
      parent_top_hash: updatedSrv,
      message: "too late",
    });
    assertMatch(msg, /Conflict/);
    assert(msg.includes(fresh.top_hash), msg);
    const still = await callOk<Browse>(client, "package_browse", {
      bucket: REG,
      package: "srv/made",
      path: "q.txt",
    });
    assertEquals(still.top_hash, fresh.top_hash);
    byQuilt3 = fresh.top_hash;
  });

  await t.step(
    "two simultaneous updates of one parent: exactly one wins, nothing is overwritten",
    async () => {
      const head = await callOk<Browse>(client, "package_browse", {
        bucket: REG,
        package: "srv/made",
        limit: 1,
      });
      assertEquals(head.top_hash, byQuilt3);
      const results = await Promise.all(["left", "right"].map((side) =>
        client.callTool({
          name: "package_update",
          arguments: {
            bucket: REG,
            package: "srv/made",
            parent_top_hash: head.top_hash,
            message: side,
          },
        }) as Promise<
          {
            isError?: boolean;
            structuredContent?: { top_hash: string };
            content: { text: string }[];
          }
        >
      ));
      const wins = results.filter((r) => !r.isError);
      const losses = results.filter((r) => r.isError);
      assertEquals(
        [wins.length, losses.length],
        [1, 1],
        JSON.stringify(results.map((r) => r.content[0].text)),
      );
      assertMatch(losses[0].content[0].text, /Conflict/);
      const versions = await callOk<
        { latest: { top_hash: string }; versions: { top_hash: string }[] }
      >(
        client,
        "package_versions",
        { bucket: REG, package: "srv/made" },
      );
      const winner = wins[0].structuredContent!.top_hash;
      assertEquals(versions.latest.top_hash, winner);
      // The loser's revision is not in the history: it never got a pointer.
      assertEquals(
        versions.versions.map((v) => v.top_hash).sort(),
        [created, updatedSrv, byQuilt3, winner].sort(),
      );
    },
  );

  await t.step("deleting the latest revision repoints latest as quilt3 reads it", async () => {
    const versions = await callOk<
      { latest: { top_hash: string }; versions: { top_hash: string; timestamp: number }[] }
    >(
      client,
      "package_versions",
      { bucket: REG, package: "srv/made" },
    );
    const out = await callOk<Record<string, unknown>>(client, "package_delete", {
      bucket: REG,
      package: "srv/made",
      top_hash: versions.latest.top_hash.slice(0, 12),
    });
    const remaining = versions.versions.filter((v) => v.top_hash !== versions.latest.top_hash);
    const newest = remaining.sort((a, b) => b.timestamp - a.timestamp)[0].top_hash;
    assertEquals(out.new_latest, newest);
    const [q3latest] = await runQuilt3<PeerPackage>(stack.moto, [
      { op: "browse", registry: REGISTRY, name: "srv/made" },
    ]);
    assertEquals(q3latest.top_hash, newest);
  });
  s3.destroy();
});
