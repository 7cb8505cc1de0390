/**
 * bucket_objects_put end to end over HTTP (both eras) and stdio against moto: batches with
 * per-item results, content types and metadata, no-overwrite mode, versioned buckets, bad items
 * that do not sink the batch, and call-level refusals (allow-list, missing bucket, batch bounds).
 */
import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { Buffer } from "node:buffer";
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

const DATA = "wr-data";
const VERSIONED = "wr-versioned";
const MISSING = "wr-missing"; // allowed by the server, never created
const OTHER = "wr-other"; // exists, not allowed
const MAX_ITEM = 2048;
const MAX_BODY = 65_536;

interface PutResult {
  index: number;
  key: string;
  ok: boolean;
  size: number | null;
  content_type: string | null;
  etag: string | null;
  version_id: string | null;
  error_code: string | null;
  error: string | null;
}
interface PutOutput {
  written: number;
  failed: number;
  bytes_written: number;
  results: PutResult[];
}

async function body(s3: S3Client, bucket: string, key: string): Promise<Uint8Array | null> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await out.Body!.transformToByteArray();
  } catch (e) {
    if ((e as Error).name === "NoSuchKey") return null;
    throw e;
  }
}

Deno.test("bucket_objects_put over HTTP (both eras) and stdio", async (t) => {
  const env = {
    QUILT_MCP_BUCKETS: `${DATA},${VERSIONED},${MISSING}`,
    QUILT_MCP_MAX_READ_BYTES: String(MAX_ITEM),
    QUILT_MCP_MAX_BODY_BYTES: String(MAX_BODY),
    QUILT_MCP_RATE_LIMIT_BURST: "100000",
    QUILT_MCP_RATE_LIMIT_PER_MINUTE: "100000",
  };
  await using stack = await startStack({ categories: ["s3-read", "s3-write"], env });
  await seedBucket(stack.moto, DATA, { "existing.txt": "original" });
  await seedBucket(stack.moto, OTHER, {});
  await seedBucket(stack.moto, VERSIONED, {}, { versioned: true });
  const s3 = adminS3(stack.moto);
  const transports = await openTransports(stack, "writer", env);
  try {
    for (const { name, client, kind } of transports) {
      const p = `${name}/`; // every transport writes under its own prefix

      await t.step(`${name}: listed with honest write annotations`, async () => {
        const tool = (await listedTools(client)).get("bucket_objects_put");
        assert(tool, "bucket_objects_put missing from tools/list");
        assert(tool.outputSchema);
        const hints = tool.annotations as Record<string, unknown>;
        assertEquals(
          [hints.readOnlyHint, hints.destructiveHint, hints.idempotentHint, hints.openWorldHint],
          [false, true, false, true],
        );
      });

      await t.step(
        `${name}: a batch of text and binary items with types and metadata`,
        async () => {
          const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
          const out = await callOk<PutOutput>(client, "bucket_objects_put", {
            bucket: DATA,
            items: [
              { key: `${p}notes/hello.md`, text: "# Grüße 🌍\n", metadata: { Author: "alice" } },
              { key: `${p}img/dot.png`, base64: Buffer.from(png).toString("base64") },
              { key: `${p}data/rows`, text: "a,b\n1,2\n", content_type: "text/csv; charset=utf-8" },
            ],
          });
          assertEquals([out.written, out.failed], [3, 0]);
          assertEquals(out.bytes_written, 15 + 8 + 8);
          assertEquals(out.results.map((r) => r.content_type), [
            "text/markdown; charset=utf-8",
            "image/png",
            "text/csv; charset=utf-8",
          ]);
          assert(out.results.every((r) => r.ok && /^"[0-9a-f]{32}"$/.test(r.etag ?? "")));
          assertEquals(
            new TextDecoder().decode((await body(s3, DATA, `${p}notes/hello.md`))!),
            "# Grüße 🌍\n",
          );
          assertEquals(await body(s3, DATA, `${p}img/dot.png`), png);
          const head = await s3.send(
            new HeadObjectCommand({ Bucket: DATA, Key: `${p}notes/hello.md` }),
          );
          assertEquals(head.Metadata, { author: "alice" });
          // The read tools see the same object.
          const info = await callOk(client, "bucket_object_info", {
            bucket: DATA,
            key: `${p}data/rows`,
          });
          assertEquals([info.size, info.content_type], [8, "text/csv; charset=utf-8"]);
        },
      );

      await t.step(`${name}: bad items fail alone, the rest is written`, async () => {
        const out = await callOk<PutOutput>(client, "bucket_objects_put", {
          bucket: DATA,
          items: [
            { key: `${p}ok/1.txt`, text: "one" },
            { key: `${p}../escape.txt`, text: "no" },
            { key: `${p}ok/both.txt`, text: "x", base64: "eA==" },
            { key: `${p}ok/neither.txt` },
            { key: `${p}ok/bad64.bin`, base64: "not base64!" },
            { key: `${p}ok/big.txt`, text: "x".repeat(MAX_ITEM + 1) },
            { key: `${p}ok/meta.txt`, text: "m", metadata: { "bad key": "v" } },
            { key: `${p}ok/meta2.txt`, text: "m", metadata: { k: "naïve" } },
            { key: `${p}ok/type.txt`, text: "t", content_type: "text/plain\r\nX-Evil: 1" },
            { key: `${p}ok/1.txt`, text: "duplicate" },
            { key: `${p}ok/2.txt`, text: "two" },
          ],
        });
        assertEquals([out.written, out.failed], [2, 9]);
        assertEquals(
          out.results.map((r) => r.error_code),
          [
            null,
            "invalid_key",
            "invalid_input",
            "invalid_input",
            "invalid_input",
            "too_large",
            "invalid_metadata",
            "invalid_metadata",
            "invalid_input",
            "duplicate_key",
            null,
          ],
        );
        assertMatch(out.results[5].error!, /at most 2048 bytes/);
        assertMatch(out.results[1].error!, /'\.' or '\.\.' segments/);
        assertEquals(new TextDecoder().decode((await body(s3, DATA, `${p}ok/1.txt`))!), "one");
        assertEquals(new TextDecoder().decode((await body(s3, DATA, `${p}ok/2.txt`))!), "two");
        for (const r of out.results.filter((r) => !r.ok && r.key !== `${p}ok/1.txt`)) {
          assertEquals(await body(s3, DATA, r.key), null, `${r.key} must not be written`);
        }
      });

      await t.step(`${name}: overwrite false never replaces an existing object`, async () => {
        const out = await callOk<PutOutput>(client, "bucket_objects_put", {
          bucket: DATA,
          overwrite: false,
          items: [{ key: "existing.txt", text: "replaced?" }, {
            key: `${p}fresh.txt`,
            text: "new",
          }],
        });
        assertEquals(out.results.map((r) => [r.ok, r.error_code]), [[false, "exists"], [
          true,
          null,
        ]]);
        assertEquals(new TextDecoder().decode((await body(s3, DATA, "existing.txt"))!), "original");
      });

      await t.step(`${name}: each write is a new version on a versioned bucket`, async () => {
        const args = { bucket: VERSIONED, items: [{ key: `${p}v.txt`, text: "same" }] };
        const first = await callOk<PutOutput>(client, "bucket_objects_put", args);
        const second = await callOk<PutOutput>(client, "bucket_objects_put", args);
        const [a, b] = [first.results[0].version_id, second.results[0].version_id];
        assert(a && b && a !== b, `expected two versions, got ${a} and ${b}`);
      });

      await t.step(`${name}: call-level refusals are clear tool errors`, async () => {
        assertMatch(
          await callError(client, "bucket_objects_put", {
            bucket: OTHER,
            items: [{ key: "x.txt", text: "x" }],
          }),
          /not among the buckets this server is configured for/,
        );
        assertMatch(
          await callError(client, "bucket_objects_put", {
            bucket: MISSING,
            items: [{ key: "a.txt", text: "a" }, { key: "b.txt", text: "b" }],
          }),
          /Not found: the bucket does not exist on s3:\/\/wr-missing\/a\.txt.*Nothing was written/,
        );
        assertMatch(
          await callError(client, "bucket_objects_put", { bucket: DATA, items: [] }),
          /items/,
        );
        const many = Array.from({ length: 101 }, (_, i) => ({ key: `${p}many/${i}`, text: "x" }));
        assertMatch(
          await callError(client, "bucket_objects_put", { bucket: DATA, items: many }),
          /items/,
        );
        assertMatch(
          await callError(client, "bucket_objects_put", {
            bucket: "UPPER",
            items: [{ key: "a", text: "a" }],
          }),
          /not a valid S3 bucket name/,
        );
        assertEquals(await body(s3, DATA, `${p}many/0`), null);
      });

      await t.step(
        `${name}: an oversized batch is refused before anything is written`,
        async () => {
          const items = Array.from({ length: 40 }, (_, i) => ({
            key: `${p}huge/${i}.txt`,
            text: "y".repeat(MAX_ITEM),
          }));
          const args = { name: "bucket_objects_put", arguments: { bucket: DATA, items } };
          if (kind === "http") {
            // Over HTTP the request body limit refuses it first (413), before any tool runs.
            await assertRejects(
              () => client.callTool(args),
              Error,
              "request body exceeds 65536 bytes",
            );
          } else {
            assertMatch(
              await callError(client, "bucket_objects_put", args.arguments),
              /at most 65536 bytes .*nothing was written/,
            );
          }
          assertEquals(await body(s3, DATA, `${p}huge/0.txt`), null);
        },
      );
    }
  } finally {
    await closeAll(transports);
    s3.destroy();
  }
});
