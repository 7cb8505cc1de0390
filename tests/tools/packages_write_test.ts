/**
 * packages-write end to end over HTTP (both eras) and stdio against moto: package_create (explicit
 * objects, folders with globs, dry runs, large plans cut at the listing limit, conflicts),
 * package_update (add, replace, remove, metadata, dry runs, stale parents), package_delete (one
 * revision with latest repointed, whole packages, dry runs); bad input of every kind.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { chunkedHashOfBytes } from "../../server/quilt/mod.ts";
import { mapLimit } from "../../server/tools/common/concurrency.ts";
import {
  adminS3,
  assert,
  assertEquals,
  assertMatch,
  seedBucket,
  startStack,
} from "../harness/mod.ts";
import { callError, callOk, closeAll, listedTools, openTransports } from "./helpers_transports.ts";

const REG = "pw-reg";
const DATA = "pw-data";
const OUTSIDE = "pw-outside";
const MANY = 1050;

interface WriteOut {
  dry_run: boolean;
  top_hash: string | null;
  parent_top_hash: string | null;
  timestamp: number | null;
  uri: string | null;
  totals: { entries: number; bytes: number; added: number; replaced: number; removed: number };
  changes: { logical_key: string; action: string; source: string | null; size: number | null }[];
  changes_truncated: boolean;
  hashing: { from_s3_checksum: number; streamed: number; streamed_bytes: number } | null;
}
interface Versions {
  latest: { top_hash: string } | null;
  versions: { top_hash: string; timestamp: number; is_latest: boolean }[];
}
interface Browse {
  top_hash: string;
  message: string | null;
  user_meta: Record<string, unknown>;
  items: {
    logical_key: string;
    size: number;
    hash: { type: string; value: string };
    meta?: Record<string, unknown>;
  }[];
}

const hashOf = (text: string) => chunkedHashOfBytes(new TextEncoder().encode(text)).value;

Deno.test("packages-write tools over HTTP (both eras) and stdio", async (t) => {
  const env = {
    QUILT_MCP_BUCKETS: `${REG},${DATA}`,
    QUILT_MCP_RATE_LIMIT_BURST: "100000",
    QUILT_MCP_RATE_LIMIT_PER_MINUTE: "100000",
  };
  await using stack = await startStack({ categories: ["packages-read", "packages-write"], env });
  // Unversioned: moto 5.2.5 keeps listing a common prefix whose objects all carry delete markers
  // (S3 does not), which would hide whether a deleted package left package_list.
  await seedBucket(stack.moto, REG);
  await seedBucket(stack.moto, OUTSIDE, { "x.txt": "x" });
  await seedBucket(stack.moto, DATA, {
    "exp/a.csv": "a,b\n1,2\n",
    "exp/b.csv": "c,d\n",
    "exp/notes.md": "# notes",
    "exp/raw/r1.bin": "raw-1",
    "exp/raw/tmp/scratch.tmp": "scratch",
    "exp/plots/p.png": "png-ish",
    "single/hello.txt": "hello",
    "single/v2.txt": "second version",
  }, { versioned: true });
  const s3 = adminS3(stack.moto);
  await mapLimit(Array.from({ length: MANY }, (_, i) => i), 16, (i) =>
    s3.send(
      new PutObjectCommand({
        Bucket: DATA,
        Key: `many/f${String(i).padStart(4, "0")}.txt`,
        Body: new TextEncoder().encode(`file ${i}`),
        ChecksumAlgorithm: "SHA256",
      }),
    ));
  s3.destroy();

  const transports = await openTransports(stack, "writer", env);
  try {
    for (const { name, client } of transports) {
      const ns = name.replace("-", "_");
      const pkg = `${ns}/exp`;

      await t.step(`${name}: tools/list shows the write tools with honest hints`, async () => {
        const tools = await listedTools(client);
        const hints = (tool: string) => {
          const a = tools.get(tool)!.annotations as Record<string, boolean>;
          return [a.readOnlyHint, a.destructiveHint, a.idempotentHint, a.openWorldHint];
        };
        assertEquals(hints("package_create"), [false, false, false, true]);
        assertEquals(hints("package_update"), [false, false, false, true]);
        assertEquals(hints("package_delete"), [false, true, false, true]);
        for (const tool of ["package_create", "package_update", "package_delete"]) {
          assert(tools.get(tool)!.outputSchema, tool);
        }
      });

      await t.step(`${name}: package_create dry run plans entries and writes nothing`, async () => {
        const plan = await callOk<WriteOut>(client, "package_create", {
          bucket: REG,
          package: pkg,
          source: {
            bucket: DATA,
            prefix: "exp/",
            exclude: ["**/*.tmp"],
            include: ["*.csv", "raw/**"],
          },
          entries: [{ logical_key: "docs/hello.txt", bucket: DATA, key: "single/hello.txt" }],
          dry_run: true,
        });
        assertEquals(plan.dry_run, true);
        assertEquals(plan.top_hash, null);
        assertEquals(
          plan.changes.map((c) => [c.logical_key, c.action, c.size]),
          [
            ["docs/hello.txt", "add", 5],
            ["a.csv", "add", 8],
            ["b.csv", "add", 4],
            ["raw/r1.bin", "add", 5],
          ],
        );
        assertEquals(plan.totals, { entries: 4, bytes: 22, added: 4, replaced: 0, removed: 0 });
        assertMatch(
          await callError(client, "package_versions", { bucket: REG, package: pkg }),
          /does not exist/,
        );
      });

      let first = "";
      await t.step(`${name}: package_create publishes and refuses to overwrite`, async () => {
        const out = await callOk<WriteOut>(client, "package_create", {
          bucket: REG,
          package: pkg,
          message: "first ✓",
          user_meta: { owner: name, n: 1 },
          source: { bucket: DATA, prefix: "exp", exclude: ["**/*.tmp"], logical_prefix: "exp" },
          entries: [{
            logical_key: "hello.txt",
            s3_uri: `s3://${DATA}/single/hello.txt`,
            meta: { lang: "en" },
          }],
        });
        first = out.top_hash!;
        assertMatch(first, /^[0-9a-f]{64}$/);
        assertEquals(out.totals.entries, 6);
        assertEquals(out.hashing?.streamed, 6);
        assertEquals(out.uri, `quilt+s3://${REG}#package=${pkg}@${first}`);
        const browse = await callOk<Browse>(client, "package_browse", {
          bucket: REG,
          package: pkg,
          view: "flat",
        });
        assertEquals(browse.top_hash, first);
        assertEquals(browse.message, "first ✓");
        assertEquals(browse.user_meta, { owner: name, n: 1 });
        const hello = browse.items.find((i) => i.logical_key === "hello.txt")!;
        assertEquals(hello.hash, { type: "sha2-256-chunked", value: hashOf("hello") });
        assertEquals(hello.meta, { user_meta: { lang: "en" } });
        assertEquals(
          browse.items.map((i) => i.logical_key),
          [
            "exp/a.csv",
            "exp/b.csv",
            "exp/notes.md",
            "exp/plots/p.png",
            "exp/raw/r1.bin",
            "hello.txt",
          ],
        );
        const again = await callError(client, "package_create", {
          bucket: REG,
          package: pkg,
          entries: [{ logical_key: "x", bucket: DATA, key: "single/hello.txt" }],
        });
        assertMatch(again, /already exists/);
        assert(again.includes(first), again);
      });

      await t.step(`${name}: package_create plans large folders and cuts the listing`, async () => {
        const plan = await callOk<WriteOut>(client, "package_create", {
          bucket: REG,
          package: `${ns}/many`,
          source: { bucket: DATA, prefix: "many/" },
          dry_run: true,
        });
        assertEquals(plan.totals.entries, MANY);
        assertEquals(plan.changes.length, 1000);
        assertEquals(plan.changes_truncated, true);
        if (name === "http-modern") {
          // Published for real once: S3's SHA-256 checksums supply every hash.
          const out = await callOk<WriteOut>(client, "package_create", {
            bucket: REG,
            package: `${ns}/many`,
            source: { bucket: DATA, prefix: "many/" },
          });
          assertEquals(out.hashing, { from_s3_checksum: MANY, streamed: 0, streamed_bytes: 0 });
          const browse = await callOk<Browse & { totals: { files: number } }>(
            client,
            "package_browse",
            { bucket: REG, package: `${ns}/many`, path: "f0007.txt" },
          );
          assertEquals(browse.items[0].hash.value, hashOf("file 7"));
        }
      });

      await t.step(`${name}: package_create refuses bad input`, async () => {
        const base = { bucket: REG, package: `${ns}/bad` };
        await callError(client, "package_create", { ...base, package: "no-slash" });
        await callError(client, "package_create", { ...base, bucket: "UPPER" });
        assertMatch(
          await callError(client, "package_create", {
            ...base,
            entries: [{ logical_key: "x.txt", bucket: DATA, key: "single/missing.txt" }],
          }),
          /x\.txt.*(not exist|Not found)/s,
        );
        assertMatch(
          await callError(client, "package_create", {
            ...base,
            entries: [{ logical_key: "x.txt", s3_uri: `s3://${OUTSIDE}/x.txt` }],
          }),
          /not among the buckets/,
        );
        await callError(client, "package_create", {
          ...base,
          entries: [{ logical_key: "x.txt", s3_uri: `s3://${DATA}/a`, bucket: DATA, key: "a" }],
        });
        await callError(client, "package_create", {
          ...base,
          entries: [{ logical_key: "x.txt", key: "single/hello.txt" }],
        });
        assertMatch(
          await callError(client, "package_create", {
            ...base,
            entries: [{ logical_key: "a//b", bucket: DATA, key: "single/hello.txt" }],
          }),
          /segment/,
        );
        await callError(client, "package_create", {
          ...base,
          entries: [{ logical_key: "../up", bucket: DATA, key: "single/hello.txt" }],
        });
        assertMatch(
          await callError(client, "package_create", {
            ...base,
            entries: [
              { logical_key: "same", bucket: DATA, key: "single/hello.txt" },
              { logical_key: "same", bucket: DATA, key: "single/v2.txt" },
            ],
          }),
          /given twice/,
        );
        assertMatch(
          await callError(client, "package_create", {
            ...base,
            entries: [
              { logical_key: "a", bucket: DATA, key: "single/hello.txt" },
              { logical_key: "a/b", bucket: DATA, key: "single/v2.txt" },
            ],
          }),
          /both a file and a directory/,
        );
        assertMatch(
          await callError(client, "package_create", {
            ...base,
            source: { bucket: DATA, prefix: "exp/", include: ["[abc"] },
          }),
          /glob/,
        );
        await callError(client, "package_create", {
          ...base,
          user_meta: { a: 1 },
          user_meta_json: `{"a": 1}`,
        });
        assertMatch(
          await callError(client, "package_create", { ...base, user_meta_json: "[1, 2]" }),
          /object/,
        );
        await callError(client, "package_create", { ...base, user_meta_json: "{bad json" });
        await callError(client, "package_create", {
          ...base,
          entries: Array.from({ length: 1001 }, (_, i) => ({
            logical_key: `f${i}`,
            bucket: DATA,
            key: "single/hello.txt",
          })),
        });
        assertMatch(
          await callError(client, "package_versions", { bucket: REG, package: `${ns}/bad` }),
          /does not exist/,
        );
      });

      let second = "";
      await t.step(
        `${name}: package_update adds, replaces, removes and edits metadata`,
        async () => {
          const plan = await callOk<WriteOut>(client, "package_update", {
            bucket: REG,
            package: pkg,
            parent_top_hash: first,
            set: [{ logical_key: "exp/a.csv", bucket: DATA, key: "single/v2.txt" }],
            remove: ["exp/raw/"],
            dry_run: true,
          });
          assertEquals(plan.top_hash, null);
          assertEquals(
            plan.changes.map((c) => [c.logical_key, c.action]),
            [["exp/raw/r1.bin", "remove"], ["exp/a.csv", "replace"]],
          );
          const out = await callOk<WriteOut>(client, "package_update", {
            bucket: REG,
            package: pkg,
            parent_top_hash: first,
            message: "second",
            user_meta_json: `{"owner": "${name}", "n": 2.0}`,
            set: [
              { logical_key: "exp/a.csv", bucket: DATA, key: "single/v2.txt" },
              { logical_key: "extra/v2.txt", s3_uri: `s3://${DATA}/single/v2.txt` },
              { logical_key: "hello.txt", meta_json: `{"lang": "en", "score": 1.0}` },
            ],
            remove: ["exp/raw/", "exp/notes.md"],
          });
          second = out.top_hash!;
          assertEquals(out.parent_top_hash, first);
          assertEquals(out.totals.added, 1);
          assertEquals(out.totals.replaced, 1);
          assertEquals(out.totals.removed, 2);
          assertEquals(out.totals.entries, 5);
          const browse = await callOk<Browse>(client, "package_browse", {
            bucket: REG,
            package: pkg,
            view: "flat",
          });
          assertEquals(browse.top_hash, second);
          assertEquals(browse.user_meta, { owner: name, n: 2 });
          const byKey = Object.fromEntries(browse.items.map((i) => [i.logical_key, i]));
          assertEquals(byKey["exp/a.csv"].hash.value, hashOf("second version"));
          assertEquals(byKey["hello.txt"].meta, { user_meta: { lang: "en", score: 1 } });
          assertEquals(byKey["hello.txt"].hash.value, hashOf("hello"));
          assertEquals(byKey["exp/notes.md"], undefined);
          const diff = await callOk<{ counts: Record<string, number> }>(client, "package_diff", {
            bucket: REG,
            package: pkg,
            top_hash: first,
          });
          assertEquals(diff.counts, { added: 1, removed: 2, modified: 2, unchanged: 2 });
        },
      );

      await t.step(`${name}: package_update refuses stale parents and bad input`, async () => {
        const stale = await callError(client, "package_update", {
          bucket: REG,
          package: pkg,
          parent_top_hash: first,
          message: "stale",
        });
        assertMatch(stale, /Conflict/);
        assert(stale.includes(second), stale);
        await callError(client, "package_update", {
          bucket: REG,
          package: pkg,
          parent_top_hash: second.slice(0, 10),
        });
        assertMatch(
          await callError(client, "package_update", {
            bucket: REG,
            package: pkg,
            parent_top_hash: second,
            remove: ["nope.txt"],
          }),
          /Nothing to remove/,
        );
        assertMatch(
          await callError(client, "package_update", {
            bucket: REG,
            package: pkg,
            parent_top_hash: second,
            set: [{ logical_key: "missing.txt", meta: { a: 1 } }],
          }),
          /no such file/,
        );
        assertMatch(
          await callError(client, "package_update", {
            bucket: REG,
            package: `${ns}/nothing`,
            parent_top_hash: second,
          }),
          /package_create/,
        );
        await callError(client, "package_update", {
          bucket: OUTSIDE,
          package: pkg,
          parent_top_hash: second,
        });
        const versions = await callOk<Versions>(client, "package_versions", {
          bucket: REG,
          package: pkg,
        });
        assertEquals(versions.latest?.top_hash, second);
      });

      await t.step(`${name}: package_delete removes a revision and repoints latest`, async () => {
        const third = (await callOk<WriteOut>(client, "package_update", {
          bucket: REG,
          package: pkg,
          parent_top_hash: second,
          message: "third",
        })).top_hash!;
        // An older revision: latest stays.
        const older = await callOk<Record<string, unknown>>(client, "package_delete", {
          bucket: REG,
          package: pkg,
          top_hash: first.slice(0, 10),
        });
        assertEquals([older.top_hash, older.new_latest, older.package_gone], [first, null, false]);
        const dry = await callOk<Record<string, unknown>>(client, "package_delete", {
          bucket: REG,
          package: pkg,
          top_hash: third,
          dry_run: true,
        });
        assertEquals(dry.new_latest, second);
        let versions = await callOk<Versions>(client, "package_versions", {
          bucket: REG,
          package: pkg,
        });
        assertEquals(versions.latest?.top_hash, third);
        const latest = await callOk<Record<string, unknown>>(client, "package_delete", {
          bucket: REG,
          package: pkg,
          top_hash: third,
        });
        assertEquals(latest.new_latest, second);
        assert((latest.deleted_pointers as string[]).includes("latest"));
        versions = await callOk<Versions>(client, "package_versions", {
          bucket: REG,
          package: pkg,
        });
        assertEquals(versions.latest?.top_hash, second);
        assertEquals(versions.versions.map((v) => v.top_hash), [second]);
        // The manifest of a deleted revision stays (other packages may share it).
        const old = await callOk<Browse>(client, "package_browse", {
          bucket: REG,
          package: pkg,
          top_hash: first,
        });
        assertEquals(old.top_hash, first);
      });

      await t.step(
        `${name}: package_delete removes whole packages and refuses bad input`,
        async () => {
          assertMatch(
            await callError(client, "package_delete", {
              bucket: REG,
              package: pkg,
              top_hash: "0123456789",
            }),
            /no revision/,
          );
          await callError(client, "package_delete", { bucket: REG, package: pkg, top_hash: "xyz" });
          await callError(client, "package_delete", { bucket: REG, package: "bad name" });
          assertMatch(
            await callError(client, "package_delete", { bucket: REG, package: `${ns}/never` }),
            /does not exist/,
          );
          const dry = await callOk<Record<string, unknown>>(client, "package_delete", {
            bucket: REG,
            package: pkg,
            dry_run: true,
          });
          assertEquals((dry.deleted_pointers as string[])[0], "latest");
          await callOk(client, "package_versions", { bucket: REG, package: pkg });
          const gone = await callOk<Record<string, unknown>>(client, "package_delete", {
            bucket: REG,
            package: pkg,
          });
          assertEquals(gone.package_gone, true);
          assertMatch(
            await callError(client, "package_versions", { bucket: REG, package: pkg }),
            /does not exist/,
          );
          const list = await callOk<{ packages: { name: string }[] }>(client, "package_list", {
            bucket: REG,
            prefix: `${ns}/`,
          });
          assert(!list.packages.some((p) => p.name === pkg));
        },
      );
    }
  } finally {
    await closeAll(transports);
  }
});
