/**
 * MCP resources end to end, with the SDK's real Client over HTTP (both protocol eras, per-user
 * roles) and stdio, against moto: `auth://status`, the Athena workgroups and the caller's own query
 * history, S3 objects (`s3://…`) and Quilt package files (`quilt+s3://…`) as attachable context.
 * Resources follow the tools' rules: only the enabled categories' resources are listed and
 * readable, buckets outside the configured ones are refused, reads run as the caller (their
 * role, their query history only), and every read writes an audit record without the URI.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { Client } from "@modelcontextprotocol/client";
import {
  adminS3,
  assert,
  assertEquals,
  assertMatch,
  seedBucket,
  type Stack,
  startStack,
} from "../harness/mod.ts";
import {
  buildManifest,
  chunkedHashOfBytes,
  computeTopHash,
  createHeader,
  formatS3Url,
  serializeManifest,
} from "../../server/quilt/mod.ts";
import { ALL_RESOURCES } from "../../server/tools/registry.ts";
import { CATEGORIES } from "../../server/tools/categories.ts";
import { callOk } from "./helpers_transports.ts";
import { OUTPUT_LOCATION, RESULTS_BUCKET, seedAthena } from "./athena_seed.ts";

const BUCKET = "res-data";
const OUTSIDE = "res-outside";
const READ_LIMIT = 4096;
const CSV = "sample,reads\nA1,1200\nA2,980\n";
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0xff]);
const BIG = "x".repeat(READ_LIMIT * 2 + 7);
const PACKAGE = "lab/plates";

const CATS = ["s3-read", "governance", "athena"];
const env = {
  QUILT_MCP_BUCKETS: BUCKET,
  QUILT_MCP_MAX_READ_BYTES: String(READ_LIMIT),
  QUILT_MCP_ATHENA_OUTPUT_LOCATION: OUTPUT_LOCATION,
  QUILT_MCP_RATE_LIMIT_BURST: "1000",
};

interface Contents {
  uri: string;
  mimeType?: string;
  text?: string;
  blob?: string;
  _meta?: Record<string, unknown>;
}

async function read(client: Client, uri: string): Promise<Contents> {
  const result = await client.readResource({ uri }, { cacheMode: "bypass" });
  assertEquals(result.contents.length, 1);
  return result.contents[0] as Contents;
}

async function readError(client: Client, uri: string): Promise<string> {
  try {
    await client.readResource({ uri }, { cacheMode: "bypass" });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`reading ${uri} should have failed`);
}

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/** Seeds the data bucket (versioned) and a package whose entries point at real object versions. */
async function seed(stack: Stack): Promise<{ topHash: string; csvV1: string }> {
  await seedBucket(stack.moto, BUCKET, {}, { versioned: true });
  await seedBucket(stack.moto, OUTSIDE, { "secret.txt": "no" });
  await seedBucket(stack.moto, RESULTS_BUCKET);
  await seedAthena(stack.moto);
  const s3 = adminS3(stack.moto);
  try {
    const put = async (key: string, body: string | Uint8Array, contentType?: string) =>
      (await s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentType: contentType }),
      )).VersionId!;
    const csvV1 = await put("data/run 1.csv", "old,version\n");
    const csvV2 = await put("data/run 1.csv", CSV);
    const pngV = await put("img/plate.png", PNG);
    await put("logs/big.log", BIG);
    const bytes = (s: string | Uint8Array) =>
      typeof s === "string" ? new TextEncoder().encode(s) : s;
    const manifest = buildManifest({
      header: createHeader({ message: "plates" }),
      entries: [
        ["tables/run.csv", "data/run 1.csv", csvV2, CSV],
        ["figures/plate.png", "img/plate.png", pngV, PNG],
      ].map(([lk, key, versionId, body]) => ({
        logicalKey: lk as string,
        physicalKey: formatS3Url({
          bucket: BUCKET,
          key: key as string,
          versionId: versionId as string,
        }),
        size: bytes(body as string).length,
        hash: chunkedHashOfBytes(bytes(body as string)),
        meta: new Map(),
      })),
    });
    const topHash = computeTopHash(manifest);
    await put(`.quilt/packages/${topHash}`, serializeManifest(manifest));
    await put(`.quilt/named_packages/${PACKAGE}/1700000000`, topHash);
    await put(`.quilt/named_packages/${PACKAGE}/latest`, topHash);
    return { topHash, csvV1 };
  } finally {
    s3.destroy();
  }
}

Deno.test("MCP resources over HTTP (both eras) and stdio", async (t) => {
  await using stack = await startStack({ categories: CATS, env });
  const { topHash, csvV1 } = await seed(stack);
  const clients: { name: string; client: Client & AsyncDisposable; principal: RegExp }[] = [
    {
      name: "http-legacy",
      client: await stack.http("alice@example.com", { era: "legacy" }),
      principal: /^alice@example\.com$/,
    },
    {
      name: "http-modern",
      client: await stack.http("bob@example.com", { era: "modern" }),
      principal: /^bob@example\.com$/,
    },
    { name: "stdio", client: await stack.stdio(), principal: /^local:/ },
  ];
  try {
    for (const { name, client, principal } of clients) {
      await t.step(
        `${name}: lists exactly the enabled categories' resources and templates`,
        async () => {
          const { resources } = await client.listResources();
          const { resourceTemplates } = await client.listResourceTemplates();
          const expected = CATS.flatMap((c) => CATEGORIES[c].resources ?? []);
          assertEquals(
            [...resources.map((r) => r.uri), ...resourceTemplates.map((r) => r.uriTemplate)].sort(),
            [...expected].sort(),
          );
          for (const r of resources) assert(r.description && r.mimeType, r.uri);
        },
      );

      await t.step(
        `${name}: auth://status names the caller and the enabled categories`,
        async () => {
          const c = await read(client, "auth://status");
          assertEquals(c.mimeType, "application/json");
          const status = JSON.parse(c.text!);
          assertMatch(status.principal, principal);
          assertEquals(status.enabled_categories, [...CATS].sort());
          assert(status.aws_arn, "STS answered for the caller's credentials");
          assertEquals(status.role_arn, name === "stdio" ? null : stack.roleArn("quilt-mcp-user"));
        },
      );

      await t.step(
        `${name}: s3:// objects as text, bytes, versions, and cut at the read limit`,
        async () => {
          const csv = await read(client, `s3://${BUCKET}/data/run%201.csv`);
          assertEquals([csv.text, csv.mimeType], [CSV, "text/csv"]);
          assertEquals(csv._meta?.["quilt-mcp/truncated"], false);
          const old = await read(client, `s3://${BUCKET}/data/run%201.csv?versionId=${csvV1}`);
          assertEquals(old.text, "old,version\n");
          const png = await read(client, `s3://${BUCKET}/img/plate.png`);
          assertEquals([png.blob, png.mimeType, png.text], [b64(PNG), "image/png", undefined]);
          const big = await read(client, `s3://${BUCKET}/logs/big.log`);
          assertEquals(big.text, BIG.slice(0, READ_LIMIT));
          assertEquals(big._meta?.["quilt-mcp/truncated"], true);
          assertEquals(big._meta?.["quilt-mcp/size"], BIG.length);
        },
      );

      await t.step(`${name}: quilt+s3:// package files resolve through the manifest`, async () => {
        const uri = `quilt+s3://${BUCKET}#package=${PACKAGE}&path=tables/run.csv`;
        const latest = await read(client, uri);
        assertEquals(latest.text, CSV);
        assertEquals(latest._meta?.["quilt-mcp/top_hash"], topHash);
        const pinned = await read(
          client,
          `quilt+s3://${BUCKET}#package=${PACKAGE}@${topHash.slice(0, 10)}&path=figures/plate.png`,
        );
        assertEquals(pinned.blob, b64(PNG));
        assertMatch(
          await readError(client, `quilt+s3://${BUCKET}#package=${PACKAGE}&path=missing.txt`),
          /not found/i,
        );
      });

      await t.step(`${name}: refused: other buckets, bad keys, unknown schemes`, async () => {
        assertMatch(
          await readError(client, `s3://${OUTSIDE}/secret.txt`),
          /not among the buckets this server is configured for/,
        );
        assertMatch(
          await readError(client, `s3://${BUCKET}/a%00b`),
          /Not a valid S3 object URI: keys must not contain control characters/,
        );
        assertMatch(await readError(client, `s3://${BUCKET}/nope.txt`), /not found/i);
        assertMatch(await readError(client, "ftp://example.com/x"), /not found/i);
      });

      await t.step(`${name}: athena://workgroups lists the account's workgroups`, async () => {
        const wg = JSON.parse((await read(client, "athena://workgroups")).text!);
        assertEquals(wg.server_workgroup, "primary");
        const names = wg.workgroups.map((w: { name: string }) => w.name);
        assert(names.includes("primary") && names.includes("enforced"), names.join());
        assertEquals(
          wg.workgroups.filter((w: { used_by_this_server: boolean }) => w.used_by_this_server)
            .map((w: { name: string }) => w.name),
          ["primary"],
        );
      });
    }

    await t.step("athena://queries/recent: each caller sees only their own queries", async () => {
      const [alice, bob, desktop] = clients.map((c) => c.client);
      const sqlOf = async (client: Client) =>
        (JSON.parse((await read(client, "athena://queries/recent")).text!).queries as Array<
          { sql: string; state: string; query_execution_id: string }
        >).map((q) => q.sql);
      const aliceRun = await callOk<{ query_execution_id: string }>(alice, "athena_query_execute", {
        sql: "SELECT 'alice' AS who",
      });
      await callOk(bob, "athena_query_execute", { sql: "SELECT 'bob' AS who" });
      await callOk(desktop, "athena_query_execute", { sql: "SELECT 'desktop' AS who" });
      // Not marked (DDL path): never in anybody's history.
      await callOk(alice, "athena_query_execute", { sql: "SHOW DATABASES" });
      assertEquals(await sqlOf(alice), ["SELECT 'alice' AS who"]);
      assertEquals(await sqlOf(bob), ["SELECT 'bob' AS who"]);
      assertEquals(await sqlOf(desktop), ["SELECT 'desktop' AS who"]);
      const entry = JSON.parse((await read(alice, "athena://queries/recent")).text!).queries[0];
      assertEquals(entry.query_execution_id, aliceRun.query_execution_id);
      assertEquals(entry.state, "SUCCEEDED");
    });

    await t.step(
      "every read is audited: resource template, outcome, principal; never the URI",
      () => {
        const records = stack.server.logs().filter((r) => r.msg === "resource_read");
        assert(records.length > 10);
        const templates = new Set(records.map((r) => r.resource));
        for (const uri of ["auth://status", "s3://{bucket}/{key}", "athena://queries/recent"]) {
          assert(templates.has(uri), uri);
        }
        const refused = records.find((r) =>
          r.resource === "s3://{bucket}/{key}" && r.reason === "bucket_not_allowed"
        );
        assertEquals(refused?.outcome, "error");
        assert(records.every((r) => typeof r.args_digest === "string" && r.principal));
        const text = stack.server.logLines.join("\n");
        assert(
          !text.includes("run%201.csv") && !text.includes("secret.txt"),
          "URIs are not logged",
        );
      },
    );
  } finally {
    for (const { client } of clients) await client.close();
  }
});

Deno.test("resources honour the categories: none listed or readable when their category is off", async () => {
  await using stack = await startStack({ categories: ["catalog", "governance"], env });
  await seedBucket(stack.moto, BUCKET, { "a.txt": "a" });
  await using web = await stack.http("carol@example.com");
  await using desktop = await stack.stdio();
  for (const client of [web, desktop]) {
    const { resources } = await client.listResources();
    assertEquals(resources.map((r) => r.uri), ["auth://status"]);
    assertEquals((await client.listResourceTemplates()).resourceTemplates, []);
    assertMatch(await readError(client, `s3://${BUCKET}/a.txt`), /not found/i);
    assertMatch(await readError(client, "athena://workgroups"), /not found/i);
  }
  // Every definition is in exactly the category the map gives it.
  for (const r of ALL_RESOURCES) assert(CATEGORIES[r.category].resources?.includes(r.uri), r.uri);
});
