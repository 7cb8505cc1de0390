/**
 * Search helpers end to end over HTTP (both eras) and stdio, against moto:
 * - package_search across several registry buckets, paged bucket after bucket by a cursor;
 * - bucket_objects_search (s3-read): words in keys across buckets, bounded and paged;
 * - search_explain / search_suggest: how catalog_search reads a text, its mistakes, the exact
 *   GraphQL request it would send, and better texts to try — without any call.
 */
import {
  adminS3,
  assert,
  assertEquals,
  assertMatch,
  seedBucket,
  startStack,
} from "../harness/mod.ts";
import { readQuery, suggestQueries } from "../../server/tools/search/query_syntax.ts";
import { QUERIES } from "../../server/tools/search/search.ts";
import { callError, callOk, closeAll, openTransports } from "./helpers_transports.ts";
import { writeRevision } from "./peer/mod.ts";

const A = "sh-reg-a";
const B = "sh-reg-b";
const C = "sh-data";
const OUTSIDE = "sh-outside";

interface PackageHits {
  bucket: string | null;
  buckets: string[];
  results: { bucket: string; name: string }[];
  next_cursor: string | null;
  scanned: number;
}
interface ObjectHits {
  results: { bucket: string; key: string; size: number }[];
  examined: number;
  next_cursor: string | null;
}

Deno.test("readQuery / suggestQueries: parts, mistakes, fixes", () => {
  const r = readQuery('assay:"RNA seq" +mouse -human (liver OR kidney) size:>100 bam*');
  assertEquals(r.parts.map((p) => [p.kind, p.text, p.field, p.modifier]), [
    ["phrase", 'assay:"RNA seq"', "assay", null],
    ["word", "+mouse".slice(1), null, "required"],
    ["word", "human", null, "excluded"],
    ["group_open", "(", null, null],
    ["word", "liver", null, null],
    ["operator", "OR", null, null],
    ["word", "kidney", null, null],
    ["group_close", ")", null, null],
    ["range", "size:>100", "size", null],
    ["wildcard", "bam*", null, null],
  ]);
  assertEquals(r.warnings, []);
  const broken = readQuery('(cells and "plate 1 *tif AND');
  assertEquals(broken.warnings.map((w) => w.problem), [
    "'and' in lowercase is searched as a word, not as an operator",
    "a '\"' opens a phrase that never closes",
    "1 '(' never closed",
  ]);
  assertEquals(broken.fixed, '(cells and "plate 1 *tif AND")');
  const suggestions = suggestQueries(readQuery("mouse liver"), "mouse liver");
  assertEquals(suggestions.map((s) => s.query), [
    '"mouse liver"',
    "mouse OR liver",
    "mouse liver*",
  ]);
});

Deno.test("search helpers over HTTP (both eras) and stdio", async (t) => {
  await using stack = await startStack({
    categories: ["search", "s3-read"],
    env: { QUILT_MCP_BUCKETS: `${A},${B},${C}`, QUILT_MCP_RATE_LIMIT_BURST: "1000" },
  });
  for (const b of [A, B, OUTSIDE]) await seedBucket(stack.moto, b);
  const keys: Record<string, string> = {};
  for (let i = 0; i < 30; i++) {
    keys[`plates/p${String(i).padStart(2, "0")}/image.tif`] = "x".repeat(i);
  }
  keys["plates/readme.md"] = "readme";
  keys["other/plate-map.csv"] = "a,b";
  await seedBucket(stack.moto, C, keys);
  await seedBucket(stack.moto, OUTSIDE, { "plates/secret.tif": "no" });
  const s3 = adminS3(stack.moto);
  let ts = 1700000000;
  for (
    const [bucket, names] of [[A, ["lab/mouse-a", "lab/rat"]], [B, [
      "lab/mouse-b",
      "x/mouse-c",
    ]]] as const
  ) {
    for (const name of names) {
      await writeRevision(s3, bucket, name, {
        files: [{ lk: "a.txt" }],
        message: name,
        timestamp: ts++,
      });
    }
  }
  s3.destroy();
  const transports = await openTransports(stack, "searcher");
  try {
    for (const { name, client } of transports) {
      await t.step(
        `${name}: package_search across buckets, paged bucket after bucket`,
        async () => {
          const all = await callOk<PackageHits>(client, "package_search", {
            buckets: [A, B],
            query: "mouse",
          });
          assertEquals(all.results.map((r) => `${r.bucket}:${r.name}`), [
            `${A}:lab/mouse-a`,
            `${B}:lab/mouse-b`,
            `${B}:x/mouse-c`,
          ]);
          assertEquals([all.bucket, all.buckets, all.next_cursor], [null, [A, B], null]);
          const seen: string[] = [];
          let cursor: string | null = null;
          let pages = 0;
          do {
            const page: PackageHits = await callOk<PackageHits>(client, "package_search", {
              buckets: [A, B],
              query: "mouse",
              max_packages: 1,
              ...(cursor ? { cursor } : {}),
            });
            assert(page.scanned <= 1);
            seen.push(...page.results.map((r) => `${r.bucket}:${r.name}`));
            cursor = page.next_cursor;
            assert(++pages < 10, "paging ends");
          } while (cursor);
          assertEquals(seen, all.results.map((r) => `${r.bucket}:${r.name}`));
          const single = await callOk<PackageHits>(client, "package_search", {
            bucket: B,
            query: "mouse",
          });
          assertEquals(single.bucket, B);
          assertMatch(
            await callError(client, "package_search", { bucket: A, buckets: [B], query: "x" }),
            /either bucket or buckets/,
          );
          assertMatch(
            await callError(client, "package_search", { buckets: [A, OUTSIDE], query: "x" }),
            /not among the buckets/,
          );
        },
      );

      await t.step(
        `${name}: bucket_objects_search finds words in keys, bounded and paged`,
        async () => {
          const found = await callOk<ObjectHits>(client, "bucket_objects_search", {
            query: "PLATE tif",
            limit: 500,
          });
          assertEquals(found.results.length, 30);
          assert(found.results.every((r) => r.bucket === C && r.key.endsWith("image.tif")));
          assertEquals(found.next_cursor, null);
          const readme = await callOk<ObjectHits>(client, "bucket_objects_search", {
            query: "readme",
          });
          assertEquals(readme.results.map((r) => r.key), ["plates/readme.md"]);
          // Bounded: 100 keys per call at most, continued by the cursor without loss or repeats.
          const keysSeen: string[] = [];
          let cursor: string | null = null;
          let calls = 0;
          do {
            const page: ObjectHits = await callOk<ObjectHits>(client, "bucket_objects_search", {
              query: "p",
              buckets: [C],
              limit: 7,
              max_keys_examined: 100,
              ...(cursor ? { cursor } : {}),
            });
            assert(page.examined <= 100 && page.results.length <= 7);
            keysSeen.push(...page.results.map((r) => r.key));
            cursor = page.next_cursor;
            assert(++calls < 20, "paging ends");
          } while (cursor);
          assertEquals(keysSeen, Object.keys(keys).filter((k) => k.includes("p")).sort());
          assertMatch(
            await callError(client, "bucket_objects_search", { query: "x", buckets: [OUTSIDE] }),
            /not among the buckets/,
          );
        },
      );

      await t.step(
        `${name}: search_explain shows the reading and the exact GraphQL request`,
        async () => {
          const out = await callOk<{
            warnings: unknown[];
            fixed_query: string;
            graphql: { query: string; variables: Record<string, unknown> };
          }>(client, "search_explain", { query: "mouse and (liver", scope: "objects" });
          assertEquals(out.warnings.length, 2);
          assertEquals(out.fixed_query, "mouse and (liver)");
          assertEquals(out.graphql.query, QUERIES.objects);
          assertEquals(out.graphql.variables, {
            buckets: [A, B, C],
            searchString: "mouse and (liver",
            size: 20,
          });
          const suggest = await callOk<{ suggestions: { query: string }[] }>(
            client,
            "search_suggest",
            {
              query: "cell painting",
            },
          );
          assertEquals(suggest.suggestions.map((s) => s.query), [
            '"cell painting"',
            "cell OR painting",
            "cell painting*",
          ]);
        },
      );
    }
  } finally {
    await closeAll(transports);
  }
});
