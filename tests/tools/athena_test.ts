/**
 * End-to-end tests of the athena category against the emulator: the real server over HTTP (both
 * protocol eras, per-user roles) and stdio, the real MCP client, Glue seeded through the AWS SDK
 * and moto's canned Athena results. One stack for the file.
 *
 * What moto cannot do, and where it is covered instead (athena_logic_test.ts): Glue and Athena
 * paging by service NextToken (moto returns every item at once — here the tools' own limits and
 * mid-page resume are exercised), FAILED queries (moto never fails a query), the exact backoff
 * schedule. moto's query state machine is held in QUEUED through its state-manager API to drive
 * the real timeout → StopQueryExecution path here.
 * @module
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import type { Client } from "@modelcontextprotocol/client";
import {
  adminS3,
  connectStdio,
  seedBucket,
  type Stack,
  startStack,
  toolJson,
} from "../harness/mod.ts";
import { CATEGORIES } from "../../server/tools/categories.ts";
import {
  AthenaAdmin,
  type CannedResult,
  DATABASES,
  ENFORCED_WORKGROUP,
  holdQueries,
  ORDERS_COLUMNS,
  OTHER_WORKGROUP,
  OUTPUT_LOCATION,
  queueResults,
  RESULTS_BUCKET,
  RESULTS_PREFIX,
  SALES_TABLES,
  seedAthena,
} from "./athena_seed.ts";

const ATHENA_TOOLS = [...CATEGORIES.athena.tools].sort();
const SERVER_MAX_ROWS = 40;

type Result = Awaited<ReturnType<Client["callTool"]>>;
type Json = Record<string, unknown>;

function call(client: Client, name: string, args: Json): Promise<Result> {
  return client.callTool({ name, arguments: args });
}

/** The structured result of a successful call. */
async function ok(client: Client, name: string, args: Json): Promise<Json> {
  const result = await call(client, name, args);
  assert.ok(!result.isError, `${name} failed: ${JSON.stringify(result.content)}`);
  const json = toolJson(result);
  assert.deepEqual(json, JSON.parse((result.content as Array<{ text: string }>)[0].text));
  return json;
}

/** Asserts the call fails as a tool error whose text matches `pattern`; returns the text. */
async function fails(client: Client, name: string, args: Json, pattern: RegExp): Promise<string> {
  const result = await call(client, name, args);
  assert.equal(
    result.isError,
    true,
    `${name} should fail: ${JSON.stringify(result).slice(0, 400)}`,
  );
  const text = (result.content as Array<{ type: string; text: string }>)[0].text;
  assert.match(text, pattern);
  return text;
}

/** A cursor the way the server encodes it (forged by the test to address a given query). */
function forgeQueryToken(id: string): string {
  const payload = { v: 1, s: `athena-query:${id}`, t: null, k: 0 };
  return Buffer.from(JSON.stringify(payload)).toString("base64url");
}

const ORDERS: CannedResult = {
  columns: [
    { name: "order_id", type: "bigint", nullable: false },
    { name: "customer", type: "varchar", nullable: true, precision: 2147483647 },
    { name: "amount", type: "decimal", nullable: true, precision: 10, scale: 2 },
  ],
  rows: [
    ["9007199254740993", "Zoë Ångström", "12.50"],
    ["2", null, "0.10"],
    ["3", "客户", null],
    ["4", 'O\'Brien, "Pat"', "99999999.99"],
    ["5", "", "1.00"],
  ],
};

const numbered = (n: number, width = 0): CannedResult => ({
  columns: [{ name: "n", type: "integer" }, { name: "text", type: "varchar" }],
  rows: Array.from({ length: n }, (_, i) => [String(i), "t".repeat(width) + i]),
});

/** Every row of a query, following next_token; returns the pages' rows. */
async function allPages(client: Client, first: Json, args: Json = {}): Promise<unknown[][][]> {
  const pages: unknown[][][] = [first.rows as unknown[][]];
  let token = first.next_token as string | null;
  while (token) {
    assert.ok(pages.length < 50, "paging must end");
    const next = await ok(client, "athena_query_execute", { ...args, next_token: token });
    pages.push(next.rows as unknown[][]);
    token = next.next_token as string | null;
    assert.equal(next.truncated, token !== null);
  }
  return pages;
}

async function listAll(
  client: Client,
  tool: string,
  args: Json,
  key: string,
): Promise<{ pages: string[][] }> {
  const pages: string[][] = [];
  let token: string | null | undefined;
  do {
    const out = await ok(client, tool, token ? { ...args, next_token: token } : args);
    pages.push((out[key] as Array<{ name: string }>).map((x) => x.name));
    token = out.next_token as string | null;
    assert.ok(pages.length < 50, "paging must end");
  } while (token);
  return { pages };
}

async function queryTests(t: Deno.TestContext, client: Client, stack: Stack, admin: AthenaAdmin) {
  const moto = stack.moto;

  await t.step("query: typed columns, text values, NULLs; header row dropped", async () => {
    await queueResults(moto, ORDERS);
    const sql = "SELECT order_id, customer, amount FROM orders WHERE dt = '2024-01-01'";
    const out = await ok(client, "athena_query_execute", { sql, database: "sales" });
    assert.deepEqual(out.columns, [
      { name: "order_id", type: "bigint", nullable: false, precision: null, scale: null },
      { name: "customer", type: "varchar", nullable: true, precision: 2147483647, scale: null },
      { name: "amount", type: "decimal", nullable: true, precision: 10, scale: 2 },
    ]);
    assert.deepEqual(out.rows, ORDERS.rows);
    assert.equal(out.row_count, 5);
    assert.equal(out.truncated, false);
    assert.equal(out.next_token, null);
    assert.equal(out.state, "SUCCEEDED");
    assert.equal(out.workgroup, "primary");
    assert.equal(out.region, "us-east-1");
    assert.equal(out.database, "sales");
    assert.equal(out.statement_type, "DML");
    const id = out.query_execution_id as string;
    assert.equal(out.output_location, `${OUTPUT_LOCATION}${id}.csv`);
    // Athena (moto) wrote the result file where the server's configuration said.
    const s3 = adminS3(moto);
    try {
      await s3.send(
        new HeadObjectCommand({ Bucket: RESULTS_BUCKET, Key: `${RESULTS_PREFIX}${id}.csv` }),
      );
    } finally {
      s3.destroy();
    }
    const execution = await admin.execution(id);
    // The caller's SQL, marked with the caller's digest for their own query history.
    assert.match(execution.Query ?? "", /^\/\* quilt-mcp caller=[0-9a-f]{32} \*\/\n/);
    assert.equal(execution.Query!.replace(/^[^\n]*\n/, ""), sql);
    assert.equal(execution.WorkGroup, "primary");
    assert.deepEqual(execution.QueryExecutionContext, { Database: "sales" });
  });

  await t.step("query: the caller cannot choose the workgroup or the result location", async () => {
    const out = await ok(client, "athena_query_execute", {
      sql: "SELECT 1",
      workgroup: OTHER_WORKGROUP,
      output_location: "s3://attacker-bucket/loot/",
      ResultConfiguration: { OutputLocation: "s3://attacker-bucket/loot/" },
    });
    const execution = await admin.execution(out.query_execution_id as string);
    assert.equal(execution.WorkGroup, "primary");
    assert.ok(execution.ResultConfiguration?.OutputLocation?.startsWith(OUTPUT_LOCATION));
  });

  await t.step("query: paginates with next_token without running the query again", async () => {
    await queueResults(moto, numbered(7));
    const before = (await admin.executionIds("primary")).length;
    const first = await ok(client, "athena_query_execute", {
      sql: "SELECT n, text FROM numbers",
      max_rows: 3,
    });
    assert.equal(first.truncated, true);
    assert.equal(first.max_rows, 3);
    const pages = await allPages(client, first, { max_rows: 3 });
    assert.deepEqual(pages.map((p) => p.length), [3, 3, 1]);
    assert.deepEqual(pages.flat(), numbered(7).rows);
    assert.equal((await admin.executionIds("primary")).length, before + 1, "one execution");
  });

  await t.step("query: rows are capped by the server's athenaMaxRows", async () => {
    await queueResults(moto, numbered(SERVER_MAX_ROWS + 5));
    const out = await ok(client, "athena_query_execute", {
      sql: "SELECT * FROM n",
      max_rows: 5000,
    });
    assert.equal(out.max_rows, SERVER_MAX_ROWS);
    assert.equal(out.row_count, SERVER_MAX_ROWS);
    assert.equal(out.truncated, true);
    const rest = await ok(client, "athena_query_execute", { next_token: out.next_token });
    assert.deepEqual(rest.rows, numbered(SERVER_MAX_ROWS + 5).rows.slice(SERVER_MAX_ROWS));
  });

  await t.step("query: the byte budget bounds an answer and paging resumes after it", async () => {
    await queueResults(moto, numbered(10, 500));
    const first = await ok(client, "athena_query_execute", {
      sql: "SELECT * FROM wide",
      max_bytes: 2048,
    });
    assert.equal(first.truncated, true);
    assert.ok((first.row_count as number) >= 1 && (first.row_count as number) < 10);
    assert.ok(new TextEncoder().encode(JSON.stringify(first.rows)).length <= 2048);
    const pages = await allPages(client, first, { max_bytes: 2048 });
    assert.deepEqual(pages.flat(), numbered(10, 500).rows);
    // One value larger than the whole budget is cut, and says so.
    await queueResults(moto, {
      columns: [{ name: "blob", type: "varchar" }],
      rows: [["b".repeat(5000)]],
    });
    const cut = await ok(client, "athena_query_execute", {
      sql: "SELECT blob FROM t",
      max_bytes: 1024,
    });
    assert.equal(cut.values_cut, true);
    assert.equal(cut.row_count, 1);
    assert.ok((cut.rows as string[][])[0][0].length < 1024);
  });

  await t.step("query: DDL-style statements have no header row to drop", async () => {
    await queueResults(moto, {
      columns: [{ name: "tab_name", type: "string" }],
      rows: [["tab_name"], ["orders"]],
      header: false,
    });
    const out = await ok(client, "athena_query_execute", { sql: "SHOW TABLES", database: "sales" });
    assert.equal(out.statement_type, "DDL");
    assert.deepEqual(out.rows, [["tab_name"], ["orders"]]);
  });

  await t.step("query: a query still running at the timeout is cancelled", async () => {
    const hold = await holdQueries(moto);
    let id: string;
    try {
      const started = performance.now();
      const text = await fails(
        client,
        "athena_query_execute",
        { sql: "SELECT * FROM huge" },
        /did not finish within 1 s \(the server's Athena timeout\) and was still QUEUED/,
      );
      assert.match(text, /It was cancelled\./);
      const elapsed = performance.now() - started;
      // Not before the timeout; and not waiting for the held query (it never finishes): the upper
      // bound is only generous enough for a loaded machine.
      assert.ok(elapsed >= 1000 && elapsed < 30_000, `${elapsed} ms`);
      id = /query execution id ([0-9a-f-]+)/.exec(text)![1];
    } finally {
      await hold.release();
    }
    assert.equal((await admin.execution(id)).Status?.State, "CANCELLED");
    // Its results can no longer be read: the state is reported, not an empty result.
    await fails(
      client,
      "athena_query_execute",
      { next_token: forgeQueryToken(id) },
      new RegExp(`The Athena query CANCELLED: .*\\(query execution id ${id}\\)`),
    );
  });

  await t.step("query: bad input is refused before any query starts", async () => {
    const before = (await admin.executionIds("primary")).length;
    const q = (args: Json, pattern: RegExp) => fails(client, "athena_query_execute", args, pattern);
    await q({ sql: "" }, /SQL must not be empty/);
    await q({ sql: "  \n\t " }, /SQL must not be empty/);
    await q({ sql: `SELECT '${"x".repeat(65_536)}'` }, /SQL is limited to 65536 characters/);
    await q({ sql: "DROP TABLE orders" }, /Only statements that read are run.*starts with DROP/);
    await q({ sql: "-- SELECT\nINSERT INTO t VALUES (1)" }, /starts with INSERT/);
    await q({ sql: "EXPLAIN ANALYZE DELETE FROM t" }, /starts with EXPLAIN/);
    await q({ sql: "SELECT 1", database: "sales; DROP" }, /not a valid Glue database name/);
    await q({ sql: "SELECT 1", database: "../etc" }, /not a valid Glue database name/);
    await q({ sql: "SELECT 1", catalog: "cat alog" }, /not a valid Athena data catalog name/);
    await q({ sql: "SELECT 1", max_rows: 0 }, /max_rows/);
    await q({ sql: "SELECT 1", max_rows: 2.5 }, /max_rows/);
    await q({ sql: "SELECT 1", max_rows: 100_001 }, /max_rows/);
    await q({ sql: "SELECT 1", max_bytes: 100 }, /max_bytes/);
    await q({ sql: "SELECT 1", max_bytes: 2 * 1024 * 1024 }, /max_bytes/);
    await q({}, /Pass sql \(the statement to run\) or next_token/);
    await q({ sql: "SELECT 1", next_token: forgeQueryToken("x") }, /either sql .* or next_token/);
    await q({ next_token: "%%%" }, /next_token is not valid \(malformed\)/);
    await q({ next_token: "x".repeat(9000) }, /next_token/);
    assert.equal((await admin.executionIds("primary")).length, before, "nothing was started");
    const glueToken = (await ok(client, "athena_databases_list", { max_results: 1 })).next_token;
    await q(
      { next_token: glueToken },
      /next_token is not valid \(it belongs to a different listing\)/,
    );
    // A real query of another workgroup cannot be read through the server's workgroup.
    const foreign = await admin.start("SELECT secret FROM payroll", OTHER_WORKGROUP);
    await q({ next_token: forgeQueryToken(foreign) }, /outside this server's Athena workgroup/);
  });
}

async function glueTests(t: Deno.TestContext, client: Client) {
  await t.step("databases: lists the catalog's databases", async () => {
    const out = await ok(client, "athena_databases_list", {});
    const dbs = out.databases as Array<Json>;
    assert.deepEqual(dbs.map((d) => d.name).sort(), [...DATABASES].sort());
    const sales = dbs.find((d) => d.name === "sales")!;
    assert.equal(sales.description, "The sales database");
    assert.equal(sales.location, "s3://acme-data/sales/");
    assert.match(String(sales.created), /^\d{4}-\d\d-\d\dT/);
    assert.equal(out.next_token, null);
  });

  await t.step("databases: paginates within max_results", async () => {
    const { pages } = await listAll(
      client,
      "athena_databases_list",
      { max_results: 2 },
      "databases",
    );
    assert.deepEqual(pages.map((p) => p.length), [2, 2, 1]);
    assert.deepEqual(pages.flat().sort(), [...DATABASES].sort());
  });

  await t.step("databases: bad input", async () => {
    const d = (args: Json, pattern: RegExp) =>
      fails(client, "athena_databases_list", args, pattern);
    await d({ max_results: 0 }, /max_results/);
    await d({ max_results: 101 }, /max_results/);
    await d({ max_results: "ten" }, /max_results/);
    await d({ next_token: "not/base64url" }, /next_token is not valid/);
    const tablesToken =
      (await ok(client, "athena_tables_list", { database: "sales", max_results: 1 }))
        .next_token;
    await d({ next_token: tablesToken }, /belongs to a different listing/);
  });

  await t.step("tables: lists a database's tables with format, location, partitions", async () => {
    const out = await ok(client, "athena_tables_list", { database: "sales" });
    assert.equal(out.database, "sales");
    const tables = out.tables as Array<Json>;
    assert.deepEqual(tables.map((x) => x.name).sort(), [...SALES_TABLES].sort());
    const orders = tables.find((x) => x.name === "orders")!;
    assert.equal(orders.format, "parquet");
    assert.equal(orders.table_type, "EXTERNAL_TABLE");
    assert.equal(orders.location, "s3://acme-data/sales/orders/");
    assert.equal(orders.column_count, 3);
    assert.deepEqual(orders.partition_keys, ["dt"]);
    assert.equal(orders.description, "One row per order");
    assert.equal(tables.find((x) => x.name === "customers")!.format, "csv");
    assert.equal(tables.find((x) => x.name === "events_2024")!.format, "json");
    const empty = await ok(client, "athena_tables_list", { database: "logs" });
    assert.deepEqual(empty.tables, []);
  });

  await t.step("tables: name pattern filter", async () => {
    const names = async (name_pattern: string) =>
      ((await ok(client, "athena_tables_list", { database: "sales", name_pattern }))
        .tables as Json[])
        .map((x) => x.name).sort();
    assert.deepEqual(await names("events_*"), ["events_2024", "events_2025"]);
    assert.deepEqual(await names("orders|customers"), ["customers", "orders"]);
    assert.deepEqual(await names("nothing_*"), []);
  });

  await t.step("tables: paginates; a token only continues its own listing", async () => {
    const { pages } = await listAll(
      client,
      "athena_tables_list",
      { database: "sales", max_results: 2 },
      "tables",
    );
    assert.deepEqual(pages.map((p) => p.length), [2, 2, 1]);
    assert.deepEqual(pages.flat().sort(), [...SALES_TABLES].sort());
    const token = (await ok(client, "athena_tables_list", { database: "sales", max_results: 2 }))
      .next_token;
    await fails(
      client,
      "athena_tables_list",
      { database: "logs", max_results: 2, next_token: token },
      /belongs to a different listing/,
    );
    await fails(
      client,
      "athena_tables_list",
      { database: "sales", name_pattern: "events_*", max_results: 2, next_token: token },
      /belongs to a different listing/,
    );
  });

  await t.step("tables: unknown database and bad input", async () => {
    const tl = (args: Json, pattern: RegExp) => fails(client, "athena_tables_list", args, pattern);
    await tl(
      { database: "no_such_db" },
      /^Not found in the Glue Data Catalog: .*no_such_db.* \(Glue database 'no_such_db'\)\.$/,
    );
    await tl({ database: "../etc" }, /not a valid Glue database name/);
    await tl({ database: "a b" }, /not a valid Glue database name/);
    await tl({ database: "" }, /database/);
    await tl({ database: "d".repeat(256) }, /database/);
    await tl({ database: "sales", name_pattern: "(.*)" }, /a table name pattern may contain/);
    await tl({ database: "sales", max_results: 0 }, /max_results/);
    await tl({}, /database/);
  });

  await t.step("schema: columns, partition keys, location, format, SerDe", async () => {
    const out = await ok(client, "athena_table_schema", { database: "sales", table: "orders" });
    assert.equal(out.database, "sales");
    assert.equal(out.name, "orders");
    assert.deepEqual(
      out.columns,
      ORDERS_COLUMNS.map((c) => ({ name: c.Name, type: c.Type, comment: c.Comment ?? null })),
    );
    assert.deepEqual(out.partition_keys, [{ name: "dt", type: "string", comment: "order day" }]);
    assert.equal(out.location, "s3://acme-data/sales/orders/");
    assert.equal(out.format, "parquet");
    assert.equal(out.serde_library, "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
    assert.equal(out.input_format, "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat");
    assert.deepEqual(out.parameters, { classification: "parquet", "projection.enabled": "false" });
    assert.equal(out.columns_cut, false);
    const csv = await ok(client, "athena_table_schema", { database: "sales", table: "customers" });
    assert.equal(csv.format, "csv");
    assert.deepEqual(csv.partition_keys, []);
  });

  await t.step("schema: unknown table or database and bad names", async () => {
    const s = (args: Json, pattern: RegExp) => fails(client, "athena_table_schema", args, pattern);
    await s(
      { database: "sales", table: "nope" },
      /^Not found in the Glue Data Catalog: .*nope.* \(Glue table 'sales\.nope'\)\.$/,
    );
    await s(
      { database: "no_such_db", table: "orders" },
      /^Not found in the Glue Data Catalog: .*no_such_db/,
    );
    await s({ database: "sales", table: "orders;--" }, /not a valid Glue table name/);
    await s({ database: "sales", table: "" }, /table/);
    await s({ database: "sales/../x", table: "orders" }, /not a valid Glue database name/);
    await s({ database: "sales" }, /table/);
  });
}

const TRANSPORTS: ReadonlyArray<
  { label: string; connect(s: Stack): Promise<Client & AsyncDisposable> }
> = [
  {
    label: "HTTP, 2025-era client",
    connect: (s) => s.http("alice@example.com", { era: "legacy" }),
  },
  {
    label: "HTTP, 2026-07-28 client",
    connect: (s) => s.http("bob@example.com", { era: "modern" }),
  },
  { label: "stdio", connect: (s) => s.stdio() },
];

Deno.test("athena tools end to end against the emulator", async (t) => {
  await using stack = await startStack({
    categories: ["athena"],
    env: {
      QUILT_MCP_ATHENA_OUTPUT_LOCATION: OUTPUT_LOCATION,
      QUILT_MCP_ATHENA_TIMEOUT_SECONDS: "1",
      QUILT_MCP_ATHENA_MAX_ROWS: String(SERVER_MAX_ROWS),
      // Each HTTP client makes ~100 calls in a few seconds; rate limiting is tested elsewhere.
      QUILT_MCP_RATE_LIMIT_BURST: "1000",
    },
  });
  await seedBucket(stack.moto, RESULTS_BUCKET);
  await seedAthena(stack.moto);
  const admin = new AthenaAdmin(stack.moto);
  try {
    for (const transport of TRANSPORTS) {
      await t.step(transport.label, async (t) => {
        await using client = await transport.connect(stack);
        await t.step("tools/list: the athena tools with their annotations", async () => {
          const { tools } = await client.listTools();
          assert.deepEqual(tools.map((x) => x.name).sort(), ATHENA_TOOLS);
          const query = tools.find((x) => x.name === "athena_query_execute")!;
          assert.equal(query.annotations?.readOnlyHint, false);
          assert.equal(query.annotations?.destructiveHint, false);
          assert.equal(query.annotations?.openWorldHint, true);
          assert.equal(Object.hasOwn(query.inputSchema.properties ?? {}, "workgroup"), false);
          assert.ok(query.outputSchema, "declares an output schema");
          for (const x of tools.filter((x) => x !== query && x.name !== "tabulator_query")) {
            assert.equal(x.annotations?.readOnlyHint, true, x.name);
          }
        });
        await queryTests(t, client, stack, admin);
        await glueTests(t, client);
      });
    }

    await t.step(
      "stdio: a workgroup that enforces its location gets none from the server",
      async () => {
        await using client = await stack.stdio({
          env: { QUILT_MCP_ATHENA_WORKGROUP: ENFORCED_WORKGROUP },
        });
        const out = await ok(client, "athena_query_execute", { sql: "SELECT 1" });
        assert.equal(out.workgroup, ENFORCED_WORKGROUP);
        const execution = await admin.execution(out.query_execution_id as string);
        assert.equal(execution.WorkGroup, ENFORCED_WORKGROUP);
        // moto reports only what the request carried: the server sent no ResultConfiguration.
        assert.equal(execution.ResultConfiguration?.OutputLocation, undefined);
      },
    );

    await t.step("stdio: an unknown configured workgroup is a clear error", async () => {
      await using client = await stack.stdio({ env: { QUILT_MCP_ATHENA_WORKGROUP: "missing-wg" } });
      await fails(
        client,
        "athena_query_execute",
        { sql: "SELECT 1" },
        /^Not found: the Athena workgroup 'missing-wg'\.$/,
      );
    });

    await t.step("athena is off by default: tools absent and calls refused", async (t) => {
      const check = async (client: Client) => {
        const { tools } = await client.listTools();
        assert.ok(tools.length > 0);
        assert.deepEqual(tools.filter((x) => x.name.startsWith("athena_")), []);
        const outcome = await call(client, "athena_databases_list", {}).then(
          (r) => (r.isError ? "tool error" : "ran"),
          (e) => String(e),
        );
        assert.match(outcome, /tool error|not found/i);
        assert.notEqual(outcome, "ran");
      };
      await t.step("stdio", async () => {
        await using client = await connectStdio(stack.serverEnv);
        await check(client);
      });
      await t.step("HTTP", async () => {
        // A role name of its own: the harness only tolerates an existing role under another name.
        await using defaults = await startStack({
          moto: stack.moto,
          roles: ["quilt-mcp-defaults"],
        });
        await using client = await defaults.http("carol@example.com");
        await check(client);
      });
    });
  } finally {
    admin.destroy();
  }
});
