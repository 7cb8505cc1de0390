/**
 * The pure parts of the S3 tools: text decoding and binary detection, strict base64, upload item
 * validation, link expiry and read limits, and the AccessDenied mapping every tool relies on.
 */
import { assert, assertEquals, assertMatch, assertThrows } from "../harness/mod.ts";
import {
  decodeText,
  detectBinary,
  firstInvalidUtf8,
  incompleteTail,
  leadingContinuation,
  TextDecodeError,
} from "../../server/tools/s3-read/text_decode.ts";
import {
  base64DecodedLength,
  decodeBase64,
  encodeBase64,
} from "../../server/tools/common/base64.ts";
import { defaultContentType, prepareItem } from "../../server/tools/s3-write/put_items.ts";
import { linkExpiry } from "../../server/tools/s3-read/presign.ts";
import { byteLimit, objectTarget, readAction } from "../../server/tools/s3-read/s3_object.ts";
import { mapAwsError, ToolError } from "../../server/tools/common/errors.ts";
import { mapLimit } from "../../server/tools/common/concurrency.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const bytes = (...b: number[]) => new Uint8Array(b);

Deno.test("incompleteTail leaves a split UTF-8 or UTF-16 character for the next page", () => {
  const text = enc("aé€🧬"); // 1 + 2 + 3 + 4 bytes
  assertEquals(incompleteTail(text, "utf-8"), 0);
  for (let cut = 1; cut <= text.length; cut++) {
    const window = text.subarray(0, cut);
    const tail = incompleteTail(window, "utf-8");
    // What remains decodes strictly, and at most 3 bytes are held back.
    new TextDecoder("utf-8", { fatal: true }).decode(window.subarray(0, cut - tail));
    assert(tail <= 3);
  }
  assertEquals(incompleteTail(enc("ab"), "utf-8"), 0);
  assertEquals(incompleteTail(bytes(0x61, 0xf0, 0x9f), "utf-8"), 2);
  // UTF-16: an odd byte, or a high surrogate waiting for its low half.
  assertEquals(incompleteTail(bytes(0x61, 0x00, 0x62), "utf-16le"), 1);
  assertEquals(incompleteTail(bytes(0x3d, 0xd8), "utf-16le"), 2);
  assertEquals(incompleteTail(bytes(0xd8, 0x3d), "utf-16be"), 2);
  assertEquals(incompleteTail(bytes(0xd8, 0x3d, 0xdd), "utf-16be"), 3);
  assertEquals(incompleteTail(bytes(0xe9, 0xe9), "latin-1"), 0);
});

Deno.test("leadingContinuation skips into the next UTF-8 character only", () => {
  assertEquals(leadingContinuation(bytes(0x9f, 0xa7, 0xac, 0x61), "utf-8"), 3);
  assertEquals(leadingContinuation(bytes(0x61), "utf-8"), 0);
  assertEquals(leadingContinuation(bytes(0x80, 0x80, 0x80, 0x80), "utf-8"), 3);
  assertEquals(leadingContinuation(bytes(0xa9), "latin-1"), 0);
});

Deno.test("firstInvalidUtf8 finds overlongs, surrogates and stray bytes", () => {
  assertEquals(firstInvalidUtf8(enc("héllo 🧬")), -1);
  assertEquals(firstInvalidUtf8(bytes(0x61, 0xc0, 0x80)), 1); // overlong NUL
  assertEquals(firstInvalidUtf8(bytes(0xe0, 0x80, 0x80)), 0); // overlong 3-byte
  assertEquals(firstInvalidUtf8(bytes(0x61, 0x62, 0xed, 0xa0, 0x80)), 2); // surrogate
  assertEquals(firstInvalidUtf8(bytes(0xf4, 0x90, 0x80, 0x80)), 0); // above U+10FFFF
  assertEquals(firstInvalidUtf8(bytes(0x63, 0x61, 0x66, 0xe9)), 3); // latin-1 é
  assertEquals(firstInvalidUtf8(bytes(0x80)), 0);
});

Deno.test("detectBinary: signatures at the start, NUL bytes, control characters", () => {
  assertEquals(detectBinary(bytes(0x1f, 0x8b, 8, 0), true), "gzip");
  assertEquals(detectBinary(enc("PAR1xxxx"), true), "Parquet");
  // A signature only counts at the start of the object.
  assertEquals(detectBinary(enc("PAR1xxxx"), false), undefined);
  assertEquals(detectBinary(bytes(0x61, 0, 0x62), false), "binary data (contains NUL bytes)");
  assertEquals(
    detectBinary(new Uint8Array(100).fill(0x01), false),
    "binary data (many control characters)",
  );
  assertEquals(detectBinary(enc("col\tval\r\n\x1b[1mbold\x1b[0m\f"), true), undefined);
  assertEquals(detectBinary(new Uint8Array(0), true), undefined);
});

Deno.test("decodeText decodes strictly and reports what it consumed", () => {
  const r = decodeText(enc("\uFEFFGrüße"), { encoding: "utf-8", offset: 0, truncated: false });
  assertEquals([r.text, r.bytesConsumed, r.bytesSkipped], ["Grüße", 10, 0]);
  const cut = decodeText(enc("aé€").subarray(0, 5), {
    encoding: "utf-8",
    offset: 0,
    truncated: true,
  });
  assertEquals([cut.text, cut.bytesConsumed], ["aé", 3]);
  const mid = decodeText(enc("🧬ok").subarray(2), {
    encoding: "utf-8",
    offset: 2,
    truncated: false,
  });
  assertEquals([mid.text, mid.bytesSkipped, mid.bytesConsumed], ["ok", 2, 4]);
  // latin-1 is ISO-8859-1 exactly (0x80–0x9F are C1 controls, not windows-1252 punctuation).
  const l1 = decodeText(bytes(0x63, 0xe9, 0x93, 0xa9), {
    encoding: "latin-1",
    offset: 0,
    truncated: false,
  });
  assertEquals(l1.text, "c\u00e9\u0093\u00a9");
  const w = decodeText(bytes(0x63, 0xe9, 0x93, 0x80), {
    encoding: "windows-1252",
    offset: 0,
    truncated: false,
  });
  assertEquals(w.text, "cé“€");
  const e = assertThrows(
    () =>
      decodeText(bytes(0x63, 0x61, 0x66, 0xe9), {
        encoding: "utf-8",
        offset: 100,
        truncated: false,
      }),
    TextDecodeError,
    "first invalid byte at offset 103",
  ) as TextDecodeError;
  assertEquals(e.kind, "invalid_encoding");
  const b = assertThrows(
    () =>
      decodeText(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d), {
        encoding: "utf-8",
        offset: 0,
        truncated: false,
      }),
    TextDecodeError,
    "PNG image",
  ) as TextDecodeError;
  assertEquals(b.kind, "binary");
  // UTF-16 text is full of NUL bytes: not binary. Controls in the decoded text are.
  const u16 = decodeText(bytes(0x68, 0, 0x69, 0), {
    encoding: "utf-16le",
    offset: 0,
    truncated: false,
  });
  assertEquals(u16.text, "hi");
  assertThrows(
    () => decodeText(bytes(1, 0, 2, 0), { encoding: "utf-16le", offset: 0, truncated: false }),
    TextDecodeError,
    "does not look like utf-16le",
  );
});

Deno.test("base64 is strict both ways", () => {
  const all = new Uint8Array(256).map((_, i) => i);
  assertEquals(decodeBase64(encodeBase64(all)), all);
  assertEquals(decodeBase64(""), new Uint8Array(0));
  for (const bad of ["abc", "ab=c", "a b=", "YQ", "YQ==\n", "-_8=", "YWJj!"]) {
    assertEquals(decodeBase64(bad), undefined, JSON.stringify(bad));
  }
  for (const n of [0, 1, 2, 3, 4, 5, 100]) {
    assertEquals(base64DecodedLength(encodeBase64(new Uint8Array(n))), n);
  }
});

Deno.test("prepareItem accepts good items and names what is wrong with bad ones", () => {
  const ok = prepareItem({ key: "dir/a.csv", text: "x,y", metadata: { Owner: "lab" } }, 100);
  assert(ok.ok);
  assertEquals([ok.contentType, ok.metadata, ok.body], [
    "text/csv; charset=utf-8",
    { owner: "lab" },
    enc("x,y"),
  ]);
  const bin = prepareItem({ key: "blob", base64: "AAE=" }, 100);
  assert(bin.ok);
  assertEquals([bin.contentType, bin.body], ["application/octet-stream", bytes(0, 1)]);
  const cases: Array<[Parameters<typeof prepareItem>[0], string, RegExp]> = [
    [{ key: "../a", text: "x" }, "invalid_key", /segments/],
    [{ key: "/a", text: "x" }, "invalid_key", /start with/],
    [{ key: "a\nb", text: "x" }, "invalid_key", /control/],
    [{ key: "a" }, "invalid_input", /exactly one/],
    [{ key: "a", text: "x", base64: "eA==" }, "invalid_input", /exactly one/],
    [{ key: "a", base64: "e A==" }, "invalid_input", /standard base64/],
    [{ key: "a", text: "x".repeat(101) }, "too_large", /101 bytes; .* at most 100/],
    [{ key: "a", text: "é".repeat(51) }, "too_large", /102 bytes/],
    [{ key: "a", text: "x", content_type: "text" }, "invalid_input", /type\/subtype/],
    [{ key: "a", text: "x", content_type: "a/b\r\nX: y" }, "invalid_input", /type\/subtype/],
    [{ key: "a", text: "x", metadata: { "a b": "v" } }, "invalid_metadata", /letters, digits/],
    [{ key: "a", text: "x", metadata: { k: "ü" } }, "invalid_metadata", /printable ASCII/],
    [{ key: "a", text: "x", metadata: { K: "1", k: "2" } }, "invalid_metadata", /collide/],
    [
      { key: "a", text: "x", metadata: { k: "v".repeat(2048) } },
      "invalid_metadata",
      /at most 2048 bytes/,
    ],
  ];
  for (const [item, code, message] of cases) {
    const r = prepareItem(item, 100);
    assert(!r.ok, JSON.stringify(item));
    assertEquals(r.code, code, JSON.stringify(item));
    assertMatch(r.message, message);
  }
  assertEquals(defaultContentType("x.PARQUET", false), "application/vnd.apache.parquet");
  assertEquals(defaultContentType("README", true), "text/plain; charset=utf-8");
});

Deno.test("linkExpiry: the earlier of the request and the signing session", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  assertEquals(linkExpiry(600, { now }), {
    signedSeconds: 600,
    effectiveSeconds: 600,
    expiresAt: new Date("2026-01-01T00:10:00Z"),
    boundedBy: "request",
  });
  const soon = new Date("2026-01-01T00:05:00Z");
  assertEquals(linkExpiry(600, { now, credentialExpiry: soon }), {
    signedSeconds: 600,
    effectiveSeconds: 300,
    expiresAt: soon,
    boundedBy: "credentials",
  });
  const later = new Date("2026-01-01T01:00:00Z");
  assertEquals(linkExpiry(600, { now, credentialExpiry: later }).boundedBy, "request");
});

Deno.test("byteLimit, readAction and objectTarget", () => {
  assertEquals(byteLimit(undefined, 1000, 65536), 1000);
  assertEquals(byteLimit(undefined, 1_000_000, 65536), 65536);
  assertEquals(byteLimit(500, 1000, 65536), 500);
  const e = assertThrows(() => byteLimit(1001, 1000, 65536), ToolError, "limit of 1000 bytes");
  assertEquals((e as ToolError).code, "invalid_input");
  assertEquals(readAction({ bucket: "b", key: "k" }), "s3:GetObject");
  assertEquals(readAction({ bucket: "b", key: "k", version_id: "v" }), "s3:GetObjectVersion");
  assertEquals(objectTarget({ bucket: "b", key: "k", version_id: "v" }), "s3://b/k?versionId=v");
});

Deno.test("mapAwsError names the action and category of a denial", () => {
  const call = { action: "s3:PutObject", category: "s3-write", target: "s3://b/k" };
  for (
    const e of [
      { name: "AccessDenied", message: "Access Denied" },
      { name: "Forbidden", $metadata: { httpStatusCode: 403 } },
      { name: "UnknownError", $metadata: { httpStatusCode: 403 } },
    ]
  ) {
    const mapped = mapAwsError(e, call);
    assertEquals(mapped.code, "access_denied");
    assertEquals(
      mapped.message,
      "Access denied: s3:PutObject on s3://b/k is not allowed for this identity. It is granted by the 's3-write' tool category policy (policies/s3-write.json).",
    );
  }
  assertEquals(mapAwsError({ name: "NoSuchKey" }, call).code, "not_found");
  assertEquals(
    mapAwsError({ name: "NotFound", $metadata: { httpStatusCode: 404 } }, call).code,
    "not_found",
  );
});

Deno.test("mapLimit keeps order and bounds concurrency", async () => {
  let active = 0;
  let peak = 0;
  const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n, i) => {
    active++;
    peak = Math.max(peak, active);
    await new Promise((r) => setTimeout(r, n));
    active--;
    return `${i}:${n}`;
  });
  assertEquals(out, ["0:5", "1:1", "2:4", "3:2", "4:3", "5:0"]);
  assertEquals(peak, 2);
  assertEquals(await mapLimit([], 4, () => Promise.resolve(1)), []);
});
