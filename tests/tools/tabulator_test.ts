/**
 * Tabulator (athena category) end to end over HTTP (both eras) and stdio: the buckets and table
 * configurations come from a fake catalog (exact GraphQL documents and variables asserted, the
 * caller's own catalog credential presented), queries run through Athena on moto in the stack's
 * Tabulator data catalog with the bucket as the database — the catalog name derived from the
 * catalog's config.json as the Quilt stack names it — in the server's workgroup, read-only.
 */
import { join } from "node:path";
import { CreateDataCatalogCommand } from "@aws-sdk/client-athena";
import type { Client } from "@modelcontextprotocol/client";
import {
  assertEquals,
  assertMatch,
  connectHttp,
  seedBucket,
  STACK_PUBLIC_URL,
  startFakeCatalog,
  startStack,
} from "../harness/mod.ts";
import { TABULATOR_QUERIES } from "../../server/tools/athena/tabulator.ts";
import { callError, callOk } from "./helpers_transports.ts";
import { AthenaAdmin, OUTPUT_LOCATION, queueResults, RESULTS_BUCKET } from "./athena_seed.ts";

const AUDIENCE = "https://registry.example.test/quilt";
const BUCKET = "tab-data";
const OTHER = "tab-unlisted";
const CATALOG = "quilt-teststack-tabulator";
const CONFIG = `schema:
- name: sample
  type: STRING
- name: reads
  type: BIGINT
source:
  type: quilt-packages
  package_name: "^lab/(?<run>[^/]+)$"
  logical_key: "counts/.*\\\\.csv$"
parser:
  format: csv
  header: true
`;

Deno.test("Tabulator tools over HTTP (both eras) and stdio", async (t) => {
  await using catalog = startFakeCatalog({
    callers: ["ann", "ben", "desktop-token"],
    admins: [],
    buckets: [BUCKET, OTHER],
    analyticsBucket: "teststack-analyticsbucket-1a2b3c",
  });
  catalog.state.tables.get(BUCKET)!.set("counts", CONFIG);
  catalog.state.tables.get(OTHER)!.set("hidden", CONFIG);
  const env = {
    QUILT_MCP_BUCKETS: BUCKET,
    QUILT_MCP_CATALOG_URL: catalog.url,
    QUILT_MCP_REGISTRY_AUDIENCE: AUDIENCE,
    QUILT_MCP_ATHENA_OUTPUT_LOCATION: OUTPUT_LOCATION,
    QUILT_MCP_RATE_LIMIT_BURST: "1000",
  };
  await using stack = await startStack({ categories: ["athena"], env });
  await seedBucket(stack.moto, RESULTS_BUCKET);
  const admin = new AthenaAdmin(stack.moto);
  await admin.client.send(
    new CreateDataCatalogCommand({
      Name: CATALOG,
      Type: "LAMBDA",
      Parameters: { function: "arn:aws:lambda:us-east-1:123456789012:function:tabulator" },
    }),
  );
  const home = await Deno.makeTempDir({ prefix: "tab-home-" });
  const dir = join(home, ".local", "share", "Quilt");
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    join(dir, "config.yml"),
    `navigator_url: ${catalog.url}\nregistryUrl: ${catalog.url}\n`,
  );
  await Deno.writeTextFile(
    join(dir, "auth.json"),
    JSON.stringify({
      [catalog.url]: {
        access_token: "desktop-token",
        refresh_token: "r",
        expires_at: Date.now() / 1000 + 3600,
      },
    }),
  );
  const both = { audience: [STACK_PUBLIC_URL, AUDIENCE] };
  const clients: { name: string; client: Client & AsyncDisposable; caller: string }[] = [
    {
      name: "http-legacy",
      client: await connectHttp(stack.server.origin, {
        token: await stack.token("ann", {}, both),
        era: "legacy",
      }),
      caller: "ann",
    },
    {
      name: "http-modern",
      client: await connectHttp(stack.server.origin, {
        token: await stack.token("ben", {}, both),
        era: "modern",
      }),
      caller: "ben",
    },
    { name: "stdio", client: await stack.stdio({ env: { HOME: home } }), caller: "desktop-token" },
  ];
  try {
    for (const { name, client, caller } of clients) {
      await t.step(`${name}: buckets and tables from the catalog, as the caller`, async () => {
        const buckets = await callOk<{ buckets: unknown[] }>(client, "tabulator_buckets_list", {});
        const req = catalog.operations("tabulatorBuckets").at(-1)!;
        assertEquals([req.query, req.variables, req.caller], [
          TABULATOR_QUERIES.buckets,
          {},
          caller,
        ]);
        // Only the configured buckets.
        assertEquals(buckets.buckets, [{ bucket: BUCKET, tables: ["counts"] }]);
        const tables = await callOk<{ tables: Array<Record<string, unknown>> }>(
          client,
          "tabulator_tables_list",
          {
            bucket: BUCKET,
          },
        );
        const treq = catalog.operations("bucketTabulatorTablesList").at(-1)!;
        assertEquals([treq.query, treq.variables, treq.caller], [TABULATOR_QUERIES.tables, {
          name: BUCKET,
        }, caller]);
        const [table] = tables.tables;
        assertEquals(table.name, "counts");
        assertEquals(table.columns, [{ name: "sample", type: "STRING" }, {
          name: "reads",
          type: "BIGINT",
        }]);
        assertEquals([table.package_name, table.logical_key], [
          "^lab/(?<run>[^/]+)$",
          "counts/.*\\.csv$",
        ]);
        assertEquals(table.parser, { format: "csv", header: true });
        assertMatch(
          await callError(client, "tabulator_tables_list", { bucket: OTHER }),
          /not among the buckets/,
        );
      });

      await t.step(
        `${name}: queries run in the stack's Tabulator catalog with the bucket as database`,
        async () => {
          await queueResults(stack.moto, {
            columns: [{ name: "sample", type: "varchar" }, { name: "reads", type: "bigint" }],
            rows: [["A1", "1200"], ["A2", "980"]],
          });
          const out = await callOk<
            { rows: unknown[][]; catalog: string; database: string; query_execution_id: string }
          >(
            client,
            "tabulator_query",
            { bucket: BUCKET, sql: 'SELECT sample, reads FROM "counts" LIMIT 10' },
          );
          assertEquals(out.rows, [["A1", "1200"], ["A2", "980"]]);
          assertEquals([out.catalog, out.database], [CATALOG, BUCKET]);
          const execution = await admin.execution(out.query_execution_id);
          assertEquals(execution.QueryExecutionContext, { Catalog: CATALOG, Database: BUCKET });
          assertEquals(execution.WorkGroup, "primary");
          assertMatch(
            await callError(client, "tabulator_query", {
              bucket: BUCKET,
              sql: "DROP TABLE counts",
            }),
            /Only statements that read are run/,
          );
          assertMatch(
            await callError(client, "tabulator_query", {
              bucket: BUCKET,
              sql: "SELECT 1",
              data_catalog: "quilt-nope-tabulator",
            }),
            /Not found: the Tabulator data catalog 'quilt-nope-tabulator'/,
          );
          assertMatch(
            await callError(client, "tabulator_query", {
              bucket: BUCKET,
              sql: "SELECT 1",
              data_catalog: "AwsDataCatalog",
            }),
            /quilt-<stack>-tabulator/,
          );
        },
      );
    }
  } finally {
    for (const { client } of clients) await client.close();
    admin.destroy();
  }
});
