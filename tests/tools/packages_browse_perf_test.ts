/**
 * Issue 9's browse target: package_browse of a 100,000-entry package returns its first page in at
 * most one second, measured end to end over HTTP (MCP client → server → moto) on a manifest the
 * server has never read (download, streamed parse, index, first page). Absolute times drift on a
 * shared machine, so the test measures a baseline in the same run — downloading the same manifest
 * from the same emulator through the same proxy and parsing it with the format library in this
 * process — and requires the server's best first page to be within the target or within a bounded
 * overhead of that baseline; every figure is printed (`make bench` holds the absolute target).
 * Later pages of the same revision come from the revalidated cache: proved by what reached AWS
 * (conditional GETs answered 304, never the manifest again), and faster than any first page.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  buildManifest,
  computeTopHash,
  createHeader,
  encodeManifestJson,
  formatS3Url,
  type ManifestEntry,
  parseManifest,
  serializeManifest,
} from "../../server/quilt/mod.ts";
import { adminS3, assert, assertEquals, seedBucket, startStack } from "../harness/mod.ts";
import { callOk } from "./helpers_transports.ts";

const REG = "perf-reg";
const ENTRIES = 100_000;
const TARGET_MS = 1000;

function entries(): ManifestEntry[] {
  const out: ManifestEntry[] = [];
  for (let i = 0; i < ENTRIES; i++) {
    const lk = `plate-${i % 50}/well-${Math.floor(i / 50) % 40}/field-${i}.tiff`;
    out.push({
      logicalKey: lk,
      physicalKey: formatS3Url({ bucket: REG, key: `raw/${lk}`, versionId: `v${i}` }),
      size: 1000 + i,
      hash: { type: "sha2-256-chunked", value: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" },
      meta: i % 10 === 0 ? new Map([["user_meta", new Map([["field", i]])]]) : new Map(),
    });
  }
  return out;
}

Deno.test("package_browse: first page of a 100k-entry package within one second", async (t) => {
  const env = { QUILT_MCP_RATE_LIMIT_BURST: "100000", QUILT_MCP_RATE_LIMIT_PER_MINUTE: "100000" };
  await using stack = await startStack({ categories: ["packages-read"], env, viaProxy: true });
  await seedBucket(stack.moto, REG);
  const s3 = adminS3(stack.moto);
  const base = buildManifest({ header: createHeader({ message: "m0" }), entries: entries() });
  const text = serializeManifest(base);
  const body = text.slice(text.indexOf("\n") + 1);
  const names: string[] = [];
  const manifestKeys: string[] = [];
  for (let k = 0; k < 3; k++) {
    const header = createHeader({ message: `perf manifest ${k}` });
    const topHash = computeTopHash({ header, entries: base.entries });
    const manifest = new TextEncoder().encode(`${encodeManifestJson(header)}\n${body}`);
    manifestKeys.push(`.quilt/packages/${topHash}`);
    await s3.send(
      new PutObjectCommand({ Bucket: REG, Key: `.quilt/packages/${topHash}`, Body: manifest }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: REG,
        Key: `.quilt/named_packages/perf/p${k}/latest`,
        Body: topHash,
      }),
    );
    names.push(`perf/p${k}`);
  }
  s3.destroy();
  console.log(`manifest: ${ENTRIES} entries, ${text.length} bytes`);

  await using client = await stack.http("perf-user", { era: "modern" });
  // Credentials and connections warm; the manifests are cold.
  await callOk(client, "package_list", { bucket: REG });

  // Baseline: the same manifest downloaded from the same emulator through the same proxy, and
  // parsed by the library alone, here; best of three. It moves with the machine's load.
  const viaProxy = new S3Client({ ...stack.moto.clientConfig(), endpoint: stack.proxy!.endpoint });
  const parse: number[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const got = await viaProxy.send(new GetObjectCommand({ Bucket: REG, Key: manifestKeys[i] }));
      const bytes = await got.Body!.transformToByteArray();
      parseManifest(bytes, { checkPhysicalKeys: false });
      parse.push(Math.round(performance.now() - started));
    }
  } finally {
    viaProxy.destroy();
  }
  const baseline = Math.min(...parse);

  const cold: number[] = [];
  await t.step("first page of never-read manifests", async () => {
    for (const name of names) {
      const started = performance.now();
      const page = await callOk<{ items: unknown[]; totals: { files: number } }>(
        client,
        "package_browse",
        { bucket: REG, package: name },
      );
      cold.push(Math.round(performance.now() - started));
      assertEquals(page.totals.files, ENTRIES);
      assertEquals(page.items.length, 50);
    }
    const sorted = [...cold].sort((a, b) => a - b);
    console.log(
      `first page (cold) ms: ${cold.join(", ")}; median ${sorted[1]}; target ${TARGET_MS} ${
        sorted[0] <= TARGET_MS ? "met" : "MISSED"
      }; download + library parse here ms: ${parse.join(", ")}`,
    );
    // Streaming, indexing and the MCP round trip may add at most half the baseline plus 300 ms.
    const bound = Math.max(TARGET_MS, Math.round(baseline * 1.5 + 300));
    assert(sorted[0] <= bound, `best first page took ${sorted[0]} ms (bound ${bound} ms)`);
  });

  await t.step("later pages of the same revision", async () => {
    const warm: number[] = [];
    const manifestGets = () =>
      stack.proxy!.requests.filter((r) =>
        r.method === "GET" && r.path.includes("/.quilt/packages/")
      );
    const before = manifestGets().length;
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const page = await callOk<{ next_cursor: string | null; items: unknown[] }>(
        client,
        "package_browse",
        {
          bucket: REG,
          // The manifest read last is the one the cache holds.
          package: names.at(-1),
          view: "flat",
          limit: 1000,
          ...(cursor ? { cursor } : {}),
        },
      );
      warm.push(Math.round(performance.now() - started));
      assertEquals(page.items.length, 1000);
      cursor = page.next_cursor!;
    }
    console.log(`later pages (cached, revalidated) ms: ${warm.join(", ")}`);
    // From the cache: each page revalidated the manifest with a conditional GET that S3 answered
    // 304, and none downloaded it again.
    const revalidations = manifestGets().slice(before);
    assertEquals(revalidations.length, 5, "one revalidation per page");
    assertEquals(revalidations.map((r) => r.status), [304, 304, 304, 304, 304]);
    // No download and no parse: any later page beats the best first page.
    assert(
      Math.max(...warm) < Math.min(...cold),
      `a later page (${Math.max(...warm)} ms) was not faster than a first page (${
        Math.min(...cold)
      } ms)`,
    );
  });
});
