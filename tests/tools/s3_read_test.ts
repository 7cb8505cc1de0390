/**
 * s3-read object tools end to end over HTTP (both eras) and stdio against moto: object info, text
 * (encodings, paging, binary and invalid-encoding refusal), fetch, presigned links; bad input;
 * and s3-write gating (disabled here, so bucket_objects_put must be absent).
 */
import { ListObjectVersionsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
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
import { CATEGORIES } from "../../server/tools/categories.ts";
import { callError, callOk, closeAll, listedTools, openTransports } from "./helpers_transports.ts";

const DATA = "rd-data";
const VERSIONED = "rd-versioned";
const OTHER = "rd-other"; // exists, but not in the server's allow-list
const MAX_READ = 200_000;
const PRESIGN_MAX = 1800;

const README = "# Grüße aus dem Labor 🌍\nZeile zwei: naïve café — ok.\n";
// Mixed 1-, 2-, 3- and 4-byte characters so pages must not split them.
const LONG = Array.from({ length: 700 }, (_, i) => `${i}:é€🧬a\n`).join("");
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3]);
const LATIN1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0xa9, 0x0a]); // "café ©\n" in ISO-8859-1
const NUL_BYTES = new Uint8Array([0x61, 0x62, 0x00, 0x63, 0x64, 0x00, 0x65]);
const UTF16 = "hi ☃ 𝄞\n";
const BINARY = new Uint8Array(Array.from({ length: 3000 }, (_, i) => (i * 7 + 3) % 256));

const utf16le = (s: string) => {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    out[2 * i] = u & 0xff;
    out[2 * i + 1] = u >> 8;
  }
  return out;
};
const b64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));

Deno.test("s3-read object tools over HTTP (both eras) and stdio", async (t) => {
  const env = {
    QUILT_MCP_BUCKETS: `${DATA},${VERSIONED}`,
    QUILT_MCP_MAX_READ_BYTES: String(MAX_READ),
    QUILT_MCP_PRESIGN_MAX_SECONDS: String(PRESIGN_MAX),
    // Short sessions, so a long link is bounded by the credentials rather than the request.
    QUILT_MCP_STS_DURATION_SECONDS: "900",
    // Every step is a burst of calls from one principal; the limiter is tested elsewhere.
    QUILT_MCP_RATE_LIMIT_BURST: "100000",
    QUILT_MCP_RATE_LIMIT_PER_MINUTE: "100000",
  };
  await using stack = await startStack({ categories: ["s3-read", "governance"], env });
  await seedBucket(stack.moto, DATA, {
    "docs/readme.md": README,
    "data/long.txt": LONG,
    "bin/image.png": PNG,
    "text/latin1.txt": LATIN1,
    "text/utf16.txt": utf16le(UTF16),
    "bin/nul.dat": NUL_BYTES,
    "bin/blob.bin": BINARY,
    "empty.txt": new Uint8Array(0),
  });
  await seedBucket(stack.moto, OTHER, { "x.txt": "x" });
  await seedBucket(stack.moto, VERSIONED, { "v.txt": "version one" }, { versioned: true });
  const s3 = adminS3(stack.moto);
  await s3.send(
    new PutObjectCommand({
      Bucket: DATA,
      Key: "docs/meta.json",
      Body: '{"a": 1}',
      ContentType: "application/json",
      Metadata: { owner: "lab-7", stage: "raw" },
      ChecksumAlgorithm: "SHA256",
    }),
  );
  await s3.send(new PutObjectCommand({ Bucket: VERSIONED, Key: "v.txt", Body: "version two!" }));
  const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: VERSIONED }));
  s3.destroy();
  const oldVersion = versions.Versions!.find((v) => !v.IsLatest)!.VersionId!;
  const newVersion = versions.Versions!.find((v) => v.IsLatest)!.VersionId!;
  assert(oldVersion !== newVersion);

  const transports = await openTransports(stack, "alice", env);
  try {
    for (const { name, client, kind } of transports) {
      await t.step(
        `${name}: tools/list shows s3-read with schemas and read-only hints`,
        async () => {
          const tools = await listedTools(client);
          for (const tool of CATEGORIES["s3-read"].tools) {
            const listed = tools.get(tool);
            assert(listed, `${tool} missing from tools/list`);
            assert(listed.outputSchema, `${tool} has no outputSchema`);
            const hints = listed.annotations as Record<string, unknown>;
            assertEquals(
              [
                hints.readOnlyHint,
                hints.destructiveHint,
                hints.idempotentHint,
                hints.openWorldHint,
              ],
              [true, false, true, true],
            );
            assert(String(listed.description).length > 80, `${tool} needs a real description`);
          }
        },
      );

      await t.step(
        `${name}: s3-write disabled → bucket_objects_put absent and uncallable`,
        async () => {
          const tools = await listedTools(client);
          assert(!tools.has("bucket_objects_put"));
          await assertRejects(
            () =>
              client.callTool({
                name: "bucket_objects_put",
                arguments: { bucket: DATA, items: [{ key: "gated.txt", text: "no" }] },
              }),
            Error,
            "bucket_objects_put",
          );
          await callError(client, "bucket_object_info", { bucket: DATA, key: "gated.txt" });
        },
      );

      await t.step(`${name}: bucket_object_info returns HEAD metadata and checksums`, async () => {
        const info = await callOk(client, "bucket_object_info", {
          bucket: DATA,
          key: "docs/meta.json",
        });
        assertEquals(info.size, 8);
        assertEquals(info.content_type, "application/json");
        assertEquals(info.metadata, { owner: "lab-7", stage: "raw" });
        assertEquals(info.s3_uri, `s3://${DATA}/docs/meta.json`);
        assertMatch(String(info.etag), /^"[0-9a-f]{32}"$/);
        assert(typeof (info.checksums as Record<string, string>).sha256 === "string");
        assert(!Number.isNaN(Date.parse(String(info.last_modified))));
        const v = await callOk(client, "bucket_object_info", {
          bucket: VERSIONED,
          key: "v.txt",
          version_id: oldVersion,
        });
        assertEquals([v.version_id, v.size], [oldVersion, 11]);
        const current = await callOk(client, "bucket_object_info", {
          bucket: VERSIONED,
          key: "v.txt",
        });
        assertEquals([current.version_id, current.size], [newVersion, 12]);
      });

      await t.step(`${name}: bucket_object_info missing key and missing version`, async () => {
        assertMatch(
          await callError(client, "bucket_object_info", { bucket: DATA, key: "nope/none.txt" }),
          /Not found: .*s3:\/\/rd-data\/nope\/none\.txt/,
        );
        const missing = "3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY";
        assertMatch(
          await callError(client, "bucket_object_info", {
            bucket: VERSIONED,
            key: "v.txt",
            version_id: missing,
          }),
          new RegExp(`versionId=${missing.replace(".", "\\.")}.*version id`),
        );
      });

      await t.step(`${name}: bucket_object_text reads UTF-8 exactly`, async () => {
        const r = await callOk(client, "bucket_object_text", {
          bucket: DATA,
          key: "docs/readme.md",
        });
        assertEquals(r.text, README);
        assertEquals([r.truncated, r.next_offset, r.encoding], [false, null, "utf-8"]);
        assertEquals(r.size, new TextEncoder().encode(README).length);
      });

      await t.step(`${name}: bucket_object_text pages without splitting characters`, async () => {
        const total = new TextEncoder().encode(LONG).length;
        let offset = 0;
        let text = "";
        let pages = 0;
        for (;;) {
          const r = await callOk(client, "bucket_object_text", {
            bucket: DATA,
            key: "data/long.txt",
            offset,
            max_bytes: 1001,
          });
          pages++;
          assert(Number(r.bytes_read) <= 1001);
          if (r.truncated) assert(Number(r.bytes_read) > 997, "a page leaves at most 3 bytes");
          assert(!String(r.text).includes("\uFFFD"), "no replacement characters");
          text += r.text;
          if (r.next_offset === null) {
            assertEquals(r.truncated, false);
            break;
          }
          assertEquals(r.truncated, true);
          offset = Number(r.next_offset);
          assert(pages < 100, "paging must terminate");
        }
        assertEquals(text, LONG);
        // Each page holds 1001 bytes minus at most 3 of a character left for the next one.
        assert(
          pages >= Math.ceil(total / 1001) && pages <= Math.ceil(total / 998),
          `${pages} pages`,
        );
      });

      await t.step(
        `${name}: bucket_object_text starting inside a character skips to the next`,
        async () => {
          const bytes = new TextEncoder().encode(LONG);
          const inside = bytes.indexOf(0xf0) + 2; // in the middle of the first 🧬
          const r = await callOk(client, "bucket_object_text", {
            bucket: DATA,
            key: "data/long.txt",
            offset: inside,
            max_bytes: 40,
          });
          assert(String(r.text).startsWith("a\n1:"), `unexpected start: ${r.text}`);
        },
      );

      await t.step(`${name}: bucket_object_text encodings: latin-1, UTF-16, refusals`, async () => {
        const latin = await callOk(client, "bucket_object_text", {
          bucket: DATA,
          key: "text/latin1.txt",
          encoding: "latin-1",
        });
        assertEquals(latin.text, "café ©\n");
        assertMatch(
          await callError(client, "bucket_object_text", { bucket: DATA, key: "text/latin1.txt" }),
          /not valid utf-8 \(first invalid byte at offset 3\).*latin-1/,
        );
        const utf16 = await callOk(client, "bucket_object_text", {
          bucket: DATA,
          key: "text/utf16.txt",
          encoding: "utf-16le",
        });
        assertEquals(utf16.text, UTF16);
        assertMatch(
          await callError(client, "bucket_object_text", { bucket: DATA, key: "bin/image.png" }),
          /PNG image, not text; use bucket_object_fetch/,
        );
        assertMatch(
          await callError(client, "bucket_object_text", { bucket: DATA, key: "bin/nul.dat" }),
          /binary data \(contains NUL bytes\)/,
        );
      });

      await t.step(
        `${name}: bucket_object_text empty object, version, offset past end`,
        async () => {
          const empty = await callOk(client, "bucket_object_text", {
            bucket: DATA,
            key: "empty.txt",
          });
          assertEquals([empty.text, empty.size, empty.truncated], ["", 0, false]);
          const old = await callOk(client, "bucket_object_text", {
            bucket: VERSIONED,
            key: "v.txt",
            version_id: oldVersion,
          });
          assertEquals([old.text, old.version_id], ["version one", oldVersion]);
          assertMatch(
            await callError(client, "bucket_object_text", {
              bucket: DATA,
              key: "docs/readme.md",
              offset: 10_000,
            }),
            /offset 10000 is at or past the end .*size \d+ bytes/,
          );
        },
      );

      await t.step(`${name}: bucket_object_fetch returns exact bytes in pages`, async () => {
        const whole = await callOk(client, "bucket_object_fetch", {
          bucket: DATA,
          key: "bin/image.png",
        });
        assertEquals(b64(String(whole.base64)), PNG);
        assertEquals([whole.bytes_returned, whole.truncated], [PNG.length, false]);
        const parts: Uint8Array[] = [];
        let offset: number | null = 0;
        while (offset !== null) {
          const page: Record<string, unknown> = await callOk(client, "bucket_object_fetch", {
            bucket: DATA,
            key: "bin/blob.bin",
            offset,
            max_bytes: 1024,
          });
          assert(Number(page.bytes_returned) <= 1024);
          parts.push(b64(String(page.base64)));
          offset = page.next_offset as number | null;
        }
        assertEquals(parts.length, 3);
        assertEquals(new Uint8Array(Buffer.concat(parts)), BINARY);
      });

      await t.step(`${name}: bucket_object_link presigns a working, bounded link`, async () => {
        const link = await callOk(client, "bucket_object_link", {
          bucket: DATA,
          key: "docs/readme.md",
          expires_in: 120,
        });
        const url = new URL(String(link.url));
        assertEquals(url.searchParams.get("X-Amz-Expires"), "120");
        const res = await fetch(url);
        assertEquals([res.status, await res.text()], [200, README]);
        assertEquals([link.bounded_by, link.expires_in], ["request", 120]);
        const old = await callOk(client, "bucket_object_link", {
          bucket: VERSIONED,
          key: "v.txt",
          version_id: oldVersion,
        });
        assertEquals(await (await fetch(String(old.url))).text(), "version one");
        const long = await callOk(client, "bucket_object_link", {
          bucket: DATA,
          key: "docs/readme.md",
          expires_in: PRESIGN_MAX,
        });
        if (kind === "http") {
          // Per-user STS sessions last 900 s here: the link dies with them, and says so.
          assertEquals(long.bounded_by, "credentials");
          assert(Number(long.expires_in) <= 900 && Number(long.expires_in) > 800);
          assert(long.credentials_expire_at !== null);
          assertMatch(String(long.note), /temporary credentials/);
        } else {
          // Desktop credentials here are long-lived keys: only the request bounds the link.
          assertEquals([long.bounded_by, long.expires_in, long.credentials_expire_at], [
            "request",
            PRESIGN_MAX,
            null,
          ]);
        }
      });

      await t.step(`${name}: bad input is a clear tool error`, async () => {
        const cases: Array<[string, Record<string, unknown>, RegExp]> = [
          ["bucket_object_text", { bucket: "Bad_Bucket", key: "a" }, /not a valid S3 bucket name/],
          ["bucket_object_info", { bucket: "ab", key: "a" }, /bucket/],
          ["bucket_object_text", { bucket: DATA, key: "../etc/passwd" }, /'\.' or '\.\.' segments/],
          ["bucket_object_fetch", { bucket: DATA, key: "/abs/key" }, /must not start with '\/'/],
          ["bucket_object_info", { bucket: DATA, key: "a\u0000b" }, /control characters/],
          ["bucket_object_text", { bucket: DATA, key: "a", max_bytes: 0 }, /max_bytes/],
          [
            "bucket_object_text",
            { bucket: DATA, key: "docs/readme.md", max_bytes: MAX_READ + 1 },
            /exceeds this server's limit of 200000 bytes/,
          ],
          ["bucket_object_fetch", { bucket: DATA, key: "a", offset: -1 }, /offset/],
          ["bucket_object_text", { bucket: DATA, key: "a", encoding: "ebcdic" }, /encoding/],
          ["bucket_object_info", { bucket: DATA, key: "a", version_id: "v 1;" }, /version id/],
          [
            "bucket_object_link",
            { bucket: DATA, key: "docs/readme.md", expires_in: PRESIGN_MAX + 1 },
            /exceeds this server's limit of 1800 seconds/,
          ],
          ["bucket_object_link", { bucket: DATA, key: "a", expires_in: 0 }, /expires_in/],
          [
            "bucket_object_link",
            { bucket: DATA, key: "missing.txt" },
            /Not found: .*s3:\/\/rd-data\/missing\.txt/,
          ],
          ["bucket_object_text", { bucket: OTHER, key: "x.txt" }, /not among the buckets/],
          ["bucket_object_link", { bucket: OTHER, key: "x.txt" }, /not among the buckets/],
        ];
        for (const [tool, args, expected] of cases) {
          assertMatch(
            await callError(client, tool, args),
            expected,
            `${tool} ${JSON.stringify(args)}`,
          );
        }
      });
    }
  } finally {
    await closeAll(transports);
  }
});
