/**
 * packages-read end to end over HTTP (both eras) and stdio against moto: package_list (prefix
 * filter, pagination), package_versions (newest first, latest, pagination), package_browse (tree,
 * flat, file paths, key prefix, short hashes, pagination, metadata), package_diff (revisions,
 * prefixes, truncation, other packages); bad input of every kind; and packages-write gating.
 * Registries are written directly with the format library (quilt3 interop has its own suite).
 */
import {
  adminS3,
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  seedBucket,
  startStack,
} from "../harness/mod.ts";
import { callError, callOk, closeAll, listedTools, openTransports } from "./helpers_transports.ts";
import { putRaw, writeRevision } from "./peer/mod.ts";

const REG = "pr-reg";
const OTHER = "pr-other"; // allowed, a second registry
const OUTSIDE = "pr-outside"; // exists, not allowed

interface Item {
  type: "file" | "dir";
  name: string;
  logical_key: string;
  size?: number;
  files?: number;
  bytes?: number;
  meta?: Record<string, unknown>;
  physical_key?: string;
}
interface Browse {
  top_hash: string;
  uri: string;
  message: string | null;
  user_meta: Record<string, unknown>;
  path: string;
  kind: string;
  items: Item[];
  totals: { files: number; bytes: number; items: number };
  next_cursor: string | null;
}

const ALPHA_FILES = [
  { lk: "README.md", size: 10 },
  { lk: "data/a.csv", size: 100, meta: `{"rows": 10, "ratio": 0.5}` },
  { lk: "data/b.csv", size: 200 },
  { lk: "data/raw/x.bin", size: 1000 },
  { lk: "data.txt", size: 5 },
  { lk: "été/ü.txt", size: 7, meta: `{"lang": "de"}` },
];

Deno.test("packages-read tools over HTTP (both eras) and stdio", async (t) => {
  const env = {
    QUILT_MCP_BUCKETS: `${REG},${OTHER}`,
    QUILT_MCP_RATE_LIMIT_BURST: "100000",
    QUILT_MCP_RATE_LIMIT_PER_MINUTE: "100000",
  };
  await using stack = await startStack({ categories: ["packages-read"], env });
  await seedBucket(stack.moto, REG);
  await seedBucket(stack.moto, OTHER);
  await seedBucket(stack.moto, OUTSIDE);
  const s3 = adminS3(stack.moto);
  const rev1 = await writeRevision(s3, REG, "team/alpha", {
    files: ALPHA_FILES.slice(0, 3),
    message: "first",
    timestamp: 1700000000,
  });
  const rev2 = await writeRevision(s3, REG, "team/alpha", {
    files: ALPHA_FILES.slice(0, 5),
    message: "second",
    timestamp: 1700000100,
  });
  const rev3 = await writeRevision(s3, REG, "team/alpha", {
    files: ALPHA_FILES.map((f) => f.lk === "data/b.csv" ? { ...f, size: 201 } : f),
    message: "third ✓",
    userMeta: `{"owner": "lab", "version": 3.0, "tags": ["a", "b"]}`,
    timestamp: 1700000200,
  });
  const names = [
    "a-ns/p0",
    "a-ns/p1",
    "a-ns/p2",
    "team/beta",
    "team/gamma",
    "zz/four",
    "zz/one",
    "zz/three",
    "zz/two",
  ];
  for (const [i, name] of names.entries()) {
    await writeRevision(s3, REG, name, {
      files: [{ lk: `f${i}.txt` }],
      message: name,
      timestamp: 1700001000 + i,
    });
  }
  const beta = await writeRevision(s3, OTHER, "team/beta", {
    files: [{ lk: "README.md", size: 10 }, { lk: "only.txt" }],
    timestamp: 1700002000,
  });
  // A manifest that is not JSON, and two manifests whose hashes share a prefix.
  const broken = "f".repeat(64);
  await putRaw(s3, REG, `.quilt/packages/${broken}`, "this is not a manifest\n");
  await putRaw(s3, REG, ".quilt/named_packages/bad/manifest/latest", broken);
  await putRaw(s3, REG, ".quilt/named_packages/bad/manifest/1700003000", broken);
  await putRaw(s3, REG, `.quilt/packages/abcdef${"0".repeat(58)}`, "{}\n");
  await putRaw(s3, REG, `.quilt/packages/abcdef${"1".repeat(58)}`, "{}\n");
  s3.destroy();
  const allNames = [...names, "bad/manifest", "team/alpha"].sort((a, b) =>
    `${a}/` < `${b}/` ? -1 : 1
  );

  const transports = await openTransports(stack, "reader", env);
  try {
    for (const { name, client } of transports) {
      await t.step(`${name}: tools/list shows packages-read, not packages-write`, async () => {
        const tools = await listedTools(client);
        for (const tool of ["package_list", "package_versions", "package_browse", "package_diff"]) {
          const listed = tools.get(tool);
          assert(listed?.outputSchema, `${tool} listed with an output schema`);
          const a = listed.annotations as Record<string, boolean>;
          assertEquals([a.readOnlyHint, a.destructiveHint, a.idempotentHint], [true, false, true]);
        }
        for (const tool of ["package_create", "package_update", "package_delete"]) {
          assert(!tools.has(tool), `${tool} must be absent`);
        }
        await assertRejects(
          () =>
            client.callTool({
              name: "package_delete",
              arguments: { bucket: REG, package: "team/alpha" },
            }),
          Error,
          "package_delete",
        );
      });

      await t.step(`${name}: package_list pages through every package in S3 order`, async () => {
        const all = await callOk<{ packages: { name: string; uri: string }[] }>(
          client,
          "package_list",
          { bucket: REG },
        );
        assertEquals(all.packages.map((p) => p.name), allNames);
        assertEquals(all.packages[0].uri, `quilt+s3://${REG}#package=a-ns/p0`);
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await callOk<{ packages: { name: string }[]; next_cursor: string | null }>(
            client,
            "package_list",
            { bucket: REG, limit: 4, ...(cursor ? { cursor } : {}) },
          );
          assert(page.packages.length <= 4);
          seen.push(...page.packages.map((p) => p.name));
          cursor = page.next_cursor ?? undefined;
          pages++;
        } while (cursor && pages < 10);
        assertEquals(seen, allNames);
        assertEquals(pages, 3);
        const team = await callOk<{ packages: { name: string }[] }>(client, "package_list", {
          bucket: REG,
          prefix: "team/",
        });
        assertEquals(team.packages.map((p) => p.name), ["team/alpha", "team/beta", "team/gamma"]);
        const zz = await callOk<{ packages: { name: string }[] }>(client, "package_list", {
          bucket: REG,
          prefix: "zz/t",
        });
        assertEquals(zz.packages.map((p) => p.name), ["zz/three", "zz/two"]);
        const ns = await callOk<{ packages: { name: string }[] }>(client, "package_list", {
          bucket: REG,
          prefix: "a-",
        });
        assertEquals(ns.packages.length, 3);
      });

      await t.step(`${name}: package_list refuses bad input`, async () => {
        assertMatch(
          await callError(client, "package_list", { bucket: "Not_A_Bucket" }),
          /bucket/i,
        );
        assertMatch(
          await callError(client, "package_list", { bucket: OUTSIDE }),
          /not among the buckets/,
        );
        await callError(client, "package_list", { bucket: REG, prefix: "a/b/c" });
        await callError(client, "package_list", { bucket: REG, prefix: "../x" });
        await callError(client, "package_list", { bucket: REG, limit: 0 });
        await callError(client, "package_list", { bucket: REG, limit: 1001 });
        assertMatch(
          await callError(client, "package_list", { bucket: REG, cursor: "garbage!" }),
          /cursor/,
        );
        const page = await callOk<{ next_cursor: string }>(client, "package_list", {
          bucket: REG,
          limit: 1,
        });
        assertMatch(
          await callError(client, "package_list", {
            bucket: REG,
            prefix: "zz/",
            cursor: page.next_cursor,
          }),
          /another prefix/,
        );
      });

      await t.step(`${name}: package_versions lists revisions newest first`, async () => {
        const v = await callOk<{
          latest: { top_hash: string };
          total: number;
          versions: { timestamp: number; created: string; top_hash: string; is_latest: boolean }[];
          next_cursor: string | null;
        }>(client, "package_versions", { bucket: REG, package: "team/alpha" });
        assertEquals(v.latest.top_hash, rev3);
        assertEquals(v.total, 3);
        assertEquals(v.versions.map((x) => x.top_hash), [rev3, rev2, rev1]);
        assertEquals(v.versions.map((x) => x.is_latest), [true, false, false]);
        assertEquals(v.versions[2].created, new Date(1700000000 * 1000).toISOString());
        assertEquals(v.next_cursor, null);
        const p1 = await callOk<{ versions: { top_hash: string }[]; next_cursor: string }>(
          client,
          "package_versions",
          { bucket: REG, package: "team/alpha", limit: 2 },
        );
        assertEquals(p1.versions.map((x) => x.top_hash), [rev3, rev2]);
        const p2 = await callOk<{ versions: { top_hash: string }[]; next_cursor: string | null }>(
          client,
          "package_versions",
          { bucket: REG, package: "team/alpha", limit: 2, cursor: p1.next_cursor },
        );
        assertEquals(p2.versions.map((x) => x.top_hash), [rev1]);
        assertEquals(p2.next_cursor, null);
        assertMatch(
          await callError(client, "package_versions", {
            bucket: REG,
            package: "team/beta",
            cursor: p1.next_cursor,
          }),
          /another package/,
        );
        assertMatch(
          await callError(client, "package_versions", { bucket: REG, package: "team/nope" }),
          /does not exist/,
        );
        await callError(client, "package_versions", { bucket: REG, package: "noslash" });
        await callError(client, "package_versions", { bucket: REG, package: "a/b/c" });
        await callError(client, "package_versions", { bucket: OUTSIDE, package: "team/alpha" });
      });

      await t.step(`${name}: package_browse shows latest as a tree with totals`, async () => {
        const root = await callOk<Browse>(client, "package_browse", {
          bucket: REG,
          package: "team/alpha",
        });
        assertEquals(root.top_hash, rev3);
        assertEquals(root.message, "third ✓");
        assertEquals(root.user_meta, { owner: "lab", version: 3, tags: ["a", "b"] });
        assertEquals(root.uri, `quilt+s3://${REG}#package=team/alpha@${rev3}`);
        // quilt3's walk order: "data/" (segment "data") before "data.txt".
        assertEquals(
          root.items.map((i) => `${i.type}:${i.name}`),
          ["file:README.md", "dir:data", "file:data.txt", "dir:été"],
        );
        const data = root.items[1];
        assertEquals([data.files, data.bytes, data.logical_key], [3, 1301, "data/"]);
        assertEquals(root.totals, { files: 6, bytes: 1323, items: 4 });
        const folder = await callOk<Browse>(client, "package_browse", {
          bucket: REG,
          package: "team/alpha",
          path: "data/",
        });
        assertEquals(folder.items.map((i) => i.name), ["a.csv", "b.csv", "raw"]);
        assertEquals(folder.items[0].meta, { user_meta: { rows: 10, ratio: 0.5 } });
        assertMatch(
          folder.items[0].physical_key!,
          /^s3:\/\/pr-reg\/data\/data\/a\.csv\?versionId=/,
        );
        const file = await callOk<Browse>(client, "package_browse", {
          bucket: REG,
          package: "team/alpha",
          path: "été/ü.txt",
        });
        assertEquals(file.kind, "file");
        assertEquals(file.items.map((i) => [i.logical_key, i.size]), [["été/ü.txt", 7]]);
        const noMeta = await callOk<Browse>(client, "package_browse", {
          bucket: REG,
          package: "team/alpha",
          path: "data/a.csv",
          include_meta: false,
        });
        assertEquals(noMeta.items[0].meta, undefined);
      });

      await t.step(
        `${name}: package_browse pages flat listings and resolves short hashes`,
        async () => {
          const keys: string[] = [];
          let cursor: string | undefined;
          for (let i = 0; i < 10; i++) {
            const page = await callOk<Browse>(client, "package_browse", {
              bucket: REG,
              package: "team/alpha",
              top_hash: rev2.slice(0, 8),
              view: "flat",
              limit: 2,
              ...(cursor ? { cursor } : {}),
            });
            assertEquals(page.top_hash, rev2);
            assertEquals(page.totals.files, 5);
            keys.push(...page.items.map((x) => x.logical_key));
            cursor = page.next_cursor ?? undefined;
            if (!cursor) break;
          }
          assertEquals(keys, [
            "README.md",
            "data/a.csv",
            "data/b.csv",
            "data/raw/x.bin",
            "data.txt",
          ]);
          const prefixed = await callOk<Browse>(client, "package_browse", {
            bucket: REG,
            package: "team/alpha",
            view: "flat",
            key_prefix: "data",
          });
          assertEquals(prefixed.items.length, 4);
          // A cursor of another revision is refused.
          const page = await callOk<Browse>(client, "package_browse", {
            bucket: REG,
            package: "team/alpha",
            view: "flat",
            limit: 1,
          });
          assertMatch(
            await callError(client, "package_browse", {
              bucket: REG,
              package: "team/alpha",
              top_hash: rev1,
              view: "flat",
              limit: 1,
              cursor: page.next_cursor,
            }),
            /cursor/,
          );
        },
      );

      await t.step(`${name}: package_browse refuses bad input with clear errors`, async () => {
        const base = { bucket: REG, package: "team/alpha" };
        assertMatch(
          await callError(client, "package_browse", { ...base, top_hash: "abcdef" }),
          /ambiguous/,
        );
        assertMatch(
          await callError(client, "package_browse", { ...base, top_hash: "123456" }),
          /no revision matches/,
        );
        await callError(client, "package_browse", { ...base, top_hash: "xyz123" });
        await callError(client, "package_browse", { ...base, top_hash: "abc" });
        assertMatch(
          await callError(client, "package_browse", { ...base, path: "nope/" }),
          /no file or directory/,
        );
        await callError(client, "package_browse", { ...base, path: "../etc" });
        await callError(client, "package_browse", { ...base, limit: 5000 });
        await callError(client, "package_browse", { ...base, key_prefix: "data" });
        assertMatch(
          await callError(client, "package_browse", { bucket: REG, package: "bad/manifest" }),
          /manifest/,
        );
        assertMatch(
          await callError(client, "package_browse", { bucket: REG, package: "team/none" }),
          /no revisions/,
        );
        await callError(client, "package_browse", { bucket: OUTSIDE, package: "team/alpha" });
      });

      await t.step(`${name}: package_diff compares revisions and packages`, async () => {
        const d = await callOk<Record<string, unknown>>(client, "package_diff", {
          bucket: REG,
          package: "team/alpha",
          top_hash: rev1,
        });
        assertEquals((d.to as { top_hash: string }).top_hash, rev3);
        assertEquals(d.counts, { added: 3, removed: 0, modified: 1, unchanged: 2 });
        const modified = d.modified as { logical_key: string; changes: string[] }[];
        assertEquals(modified.map((m) => [m.logical_key, m.changes]), [["data/b.csv", ["size"]]]);
        const headerKeys = (d.package_meta_changes as { key: string }[]).map((c) => c.key).sort();
        assertEquals(headerKeys, ["message", "user_meta"]);
        const cut = await callOk<Record<string, unknown>>(client, "package_diff", {
          bucket: REG,
          package: "team/alpha",
          top_hash: rev1,
          limit: 1,
        });
        assertEquals(cut.truncated, true);
        assertEquals((cut.added as unknown[]).length, 1);
        assertEquals((cut.counts as { added: number }).added, 3);
        const scoped = await callOk<Record<string, unknown>>(client, "package_diff", {
          bucket: REG,
          package: "team/alpha",
          top_hash: rev1,
          key_prefix: "data/",
        });
        assertEquals(scoped.counts, { added: 1, removed: 0, modified: 1, unchanged: 1 });
        const cross = await callOk<Record<string, unknown>>(client, "package_diff", {
          bucket: REG,
          package: "team/alpha",
          other_bucket: OTHER,
          other_package: "team/beta",
        });
        assertEquals((cross.to as { top_hash: string }).top_hash, beta);
        assertEquals(cross.counts, { added: 1, removed: 5, modified: 0, unchanged: 1 });
        const same = await callOk<Record<string, unknown>>(client, "package_diff", {
          bucket: REG,
          package: "team/alpha",
          top_hash: rev3,
        });
        assertEquals(same.identical, true);
      });

      await t.step(`${name}: package_diff refuses bad input`, async () => {
        assertMatch(
          await callError(client, "package_diff", { bucket: REG, package: "team/alpha" }),
          /same package/,
        );
        await callError(client, "package_diff", {
          bucket: REG,
          package: "team/alpha",
          other_bucket: OUTSIDE,
        });
        await callError(client, "package_diff", {
          bucket: REG,
          package: "team/alpha",
          top_hash: "zz",
        });
        await callError(client, "package_diff", {
          bucket: REG,
          package: "team/alpha",
          top_hash: rev1,
          limit: 0,
        });
        assertMatch(
          await callError(client, "package_diff", {
            bucket: REG,
            package: "team/alpha",
            other_package: "team/missing",
          }),
          /no revisions/,
        );
      });
    }
  } finally {
    await closeAll(transports);
  }
});
