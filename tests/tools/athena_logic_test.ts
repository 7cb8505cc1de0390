/**
 * Unit tests of the athena tools' logic: statement guard, polling with backoff and timeout,
 * pagination cursors, row/byte budgets, Glue mapping, result placement — and the query tool
 * against scripted Athena answers for the paths the emulator cannot produce (a query that stays
 * RUNNING past the timeout with a fake clock, FAILED queries, real NextToken paging, a failing
 * StopQueryExecution).
 * @module
 */
import assert from "node:assert/strict";
import type { Row } from "@aws-sdk/client-athena";
import { checkReadOnly } from "../../server/tools/athena/athena_sql.ts";
import { pollUntilFinal } from "../../server/tools/athena/athena_poll.ts";
import {
  collectPages,
  decodeCursor,
  decodeCursorFor,
  encodeCursor,
  type Page,
} from "../../server/tools/athena/athena_paging.ts";
import {
  cutText,
  isHeaderRow,
  jsonBytes,
  resultColumns,
  RowBudget,
  rowValues,
} from "../../server/tools/athena/athena_results.ts";
import { MAX_COLUMNS, tableFormat, tableSchema } from "../../server/tools/athena/athena_glue.ts";
import { athenaQueryTool, placeResults } from "../../server/tools/athena/athena_query.ts";
import { createAthenaTools } from "../../server/tools/athena/mod.ts";
import { ToolError } from "../../server/tools/common/errors.ts";
import { CATEGORIES } from "../../server/tools/categories.ts";
import {
  awsError,
  errorText,
  FakeClient,
  fakeDeps,
  type Handler,
  invoke,
  ManualClock,
} from "./athena_fakes.ts";

// --- statement guard -------------------------------------------------------------------------

Deno.test("checkReadOnly accepts statements that only read", () => {
  for (
    const sql of [
      "SELECT 1",
      "select * from t",
      "  \n\tSELECT 1",
      "(SELECT 1) UNION (SELECT 2)",
      "-- why\nSELECT 1",
      "/* a */ /* b */ WITH x AS (SELECT 1) SELECT * FROM x",
      "VALUES (1, 2)",
      "SHOW TABLES IN sales",
      "SHOW CREATE TABLE orders",
      "DESCRIBE orders",
      "desc orders",
      "EXPLAIN SELECT 1",
      "EXPLAIN ANALYZE SELECT * FROM t",
      "EXPLAIN ANALYZE VERBOSE SELECT 1",
      "EXPLAIN (TYPE DISTRIBUTED, FORMAT JSON) SELECT 1",
      "EXPLAIN (SELECT 1)",
    ]
  ) {
    assert.equal(checkReadOnly(sql).ok, true, sql);
  }
});

Deno.test("checkReadOnly refuses statements that write, and hidden or missing statements", () => {
  const cases: Array<[string, string]> = [
    ["DROP TABLE orders", "DROP"],
    ["insert into t values (1)", "INSERT"],
    ["CREATE TABLE x AS SELECT 1", "CREATE"],
    ["UNLOAD (SELECT 1) TO 's3://b/p/' WITH (format = 'PARQUET')", "UNLOAD"],
    ["MSCK REPAIR TABLE t", "MSCK"],
    ["ALTER TABLE t ADD PARTITION (dt='1')", "ALTER"],
    ["DELETE FROM t", "DELETE"],
    ["MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", "MERGE"],
    ["EXECUTE stmt", "EXECUTE"],
    ["-- SELECT 1\nDROP TABLE t", "DROP"],
    ["/* SELECT */ DROP TABLE t", "DROP"],
    ["( DROP TABLE t )", "DROP"],
    ["-- only a comment", ""],
    ["/* unterminated SELECT 1", ""],
    ["", ""],
    ["; SELECT 1", ""],
    ["SELECTX 1", "SELECTX"],
  ];
  for (const [sql, keyword] of cases) {
    assert.deepEqual(checkReadOnly(sql), { ok: false, keyword }, sql);
  }
});

Deno.test("checkReadOnly refuses EXPLAIN ANALYZE of a writing statement (it executes it)", () => {
  for (
    const sql of [
      "EXPLAIN ANALYZE INSERT INTO t SELECT 1",
      "EXPLAIN ANALYZE VERBOSE DROP TABLE t",
      "EXPLAIN (TYPE IO) CREATE TABLE x AS SELECT 1",
      "EXPLAIN EXPLAIN SELECT 1",
      "EXPLAIN (FORMAT JSON",
      "EXPLAIN",
    ]
  ) {
    assert.equal(checkReadOnly(sql).ok, false, sql);
  }
});

// --- polling ---------------------------------------------------------------------------------

Deno.test("pollUntilFinal stops at the first final state", async () => {
  const clock = new ManualClock();
  const states = ["QUEUED", "RUNNING", "RUNNING", "SUCCEEDED"];
  let i = 0;
  const out = await pollUntilFinal(() => Promise.resolve(states[i++]), (s) => s, {
    timeoutMs: 60_000,
    clock,
  });
  assert.equal(out.finished, true);
  assert.equal(out.last, "SUCCEEDED");
  assert.equal(out.polls, 4);
  assert.deepEqual(clock.sleeps, [100, 200, 400]);
});

Deno.test("pollUntilFinal backs off exponentially up to the cap and stops at the deadline", async () => {
  const clock = new ManualClock();
  const pollTimes: number[] = [];
  const out = await pollUntilFinal(
    () => {
      pollTimes.push(clock.now());
      return Promise.resolve("RUNNING");
    },
    (s) => s,
    { timeoutMs: 10_000, clock },
  );
  assert.equal(out.finished, false);
  assert.equal(out.last, "RUNNING");
  assert.deepEqual(clock.sleeps, [100, 200, 400, 800, 1600, 2000, 2000, 2000, 900]);
  // The last poll happens exactly at the deadline, never after it.
  assert.equal(pollTimes.at(-1), 10_000);
  assert.equal(out.polls, clock.sleeps.length + 1);
});

Deno.test("pollUntilFinal counts a query finishing at the deadline as finished", async () => {
  const clock = new ManualClock();
  const out = await pollUntilFinal(
    () => Promise.resolve(clock.now() >= 1000 ? "FAILED" : "RUNNING"),
    (s) => s,
    { timeoutMs: 1000, clock },
  );
  assert.equal(out.finished, true);
  assert.equal(out.last, "FAILED");
});

// --- pagination ------------------------------------------------------------------------------

/** A service with `pageSize` items per page, or every item at once when it ignores MaxResults. */
function service(items: number[], pageSize: number | "all") {
  const calls: Array<string | undefined> = [];
  const fetch = (token: string | undefined): Promise<Page<number>> => {
    calls.push(token);
    const start = token ? Number(token.slice(1)) : 0;
    const end = pageSize === "all" ? items.length : start + pageSize;
    return Promise.resolve({
      items: items.slice(start, end),
      next: end < items.length ? `p${end}` : undefined,
    });
  };
  return { fetch, calls };
}

async function readAll(
  svc: ReturnType<typeof service>,
  limit: number,
): Promise<{ pages: number[][]; cursors: number }> {
  const pages: number[][] = [];
  let from: { token?: string; skip: number } | undefined = { skip: 0 };
  let cursors = 0;
  while (from) {
    const got: number[] = [];
    from = await collectPages(svc.fetch, from, {
      take: (item) => got.length < limit ? (got.push(item), true) : false,
      full: () => got.length >= limit,
      maxCalls: 50,
    });
    pages.push(got);
    if (from) cursors++;
    assert.ok(pages.length < 100, "paging must terminate");
  }
  return { pages, cursors };
}

Deno.test("collectPages honours the limit when the service ignores MaxResults (resumes mid-page)", async () => {
  const items = Array.from({ length: 7 }, (_, i) => i);
  const svc = service(items, "all");
  const { pages } = await readAll(svc, 3);
  assert.deepEqual(pages, [[0, 1, 2], [3, 4, 5], [6]]);
  assert.ok(svc.calls.every((t) => t === undefined), "the over-sized page is re-read, not skipped");
});

Deno.test("collectPages follows service tokens across pages smaller and larger than the limit", async () => {
  const items = Array.from({ length: 10 }, (_, i) => i);
  for (const pageSize of [1, 2, 3, 4, 10]) {
    for (const limit of [1, 3, 4, 10, 20]) {
      const { pages } = await readAll(service(items, pageSize), limit);
      assert.deepEqual(pages.flat(), items, `page ${pageSize} limit ${limit}`);
      assert.ok(pages.slice(0, -1).every((p) => p.length === limit), "full pages until the last");
    }
  }
});

Deno.test("collectPages skips empty pages and is bounded by maxCalls", async () => {
  let n = 0;
  const empty = () => Promise.resolve({ items: [] as number[], next: `t${++n}` });
  const from = await collectPages(empty, { skip: 0 }, {
    take: () => true,
    full: () => false,
    maxCalls: 5,
  });
  assert.equal(n, 5);
  assert.deepEqual(from, { token: "t5", skip: 0 });
});

Deno.test("cursors round-trip, are bound to their listing and reject tampering", () => {
  const text = encodeCursor("glue-tables:sales:", { token: "abc/+=", skip: 3 });
  assert.match(text, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeCursor(text), {
    scope: "glue-tables:sales:",
    position: { token: "abc/+=", skip: 3 },
  });
  assert.deepEqual(decodeCursorFor(encodeCursor("s", { skip: 0 }), "s"), {
    token: undefined,
    skip: 0,
  });
  const invalid = (fn: () => unknown, why: RegExp) =>
    assert.throws(
      fn,
      (e) => e instanceof ToolError && e.code === "invalid_input" && why.test(e.message),
    );
  invalid(() => decodeCursorFor(text, "glue-tables:logs:"), /different listing/);
  invalid(() => decodeCursor("not a token!"), /malformed/);
  invalid(() => decodeCursor("x".repeat(9000)), /malformed/);
  invalid(() => decodeCursor(btoa("{}")), /malformed/);
  const forged = (payload: unknown) =>
    btoa(JSON.stringify(payload)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
  invalid(() => decodeCursor(forged({ v: 1, s: "s", t: null, k: -1 })), /malformed/);
  invalid(() => decodeCursor(forged({ v: 1, s: "s", t: 5, k: 0 })), /malformed/);
  invalid(() => decodeCursor(forged({ v: 2, s: "s", t: null, k: 0 })), /malformed/);
});

// --- results ---------------------------------------------------------------------------------

const COLUMNS = [
  { Name: "id", Label: "id", Type: "bigint", Nullable: "NOT_NULL" as const },
  { Name: "note", Label: "note", Type: "varchar", Nullable: "NULLABLE" as const, Precision: 20 },
  { Name: "amount", Type: "decimal", Nullable: "UNKNOWN" as const, Precision: 10, Scale: 2 },
];
const row = (...values: Array<string | null>): Row => ({
  Data: values.map((v) => (v === null ? {} : { VarCharValue: v })),
});

Deno.test("result columns, values, NULLs and the header row", () => {
  assert.deepEqual(resultColumns(COLUMNS), [
    { name: "id", type: "bigint", nullable: false, precision: null, scale: null },
    { name: "note", type: "varchar", nullable: true, precision: 20, scale: null },
    { name: "amount", type: "decimal", nullable: null, precision: 10, scale: 2 },
  ]);
  assert.deepEqual(resultColumns(undefined), []);
  assert.deepEqual(rowValues(row("9007199254740993", null, "1.10")), [
    "9007199254740993",
    null,
    "1.10",
  ]);
  assert.equal(isHeaderRow(["id", "note", "amount"], COLUMNS, "DML"), true);
  assert.equal(isHeaderRow(["id", "note", "amount"], COLUMNS, "DDL"), false);
  assert.equal(isHeaderRow(["1", "note", "amount"], COLUMNS, "DML"), false);
  assert.equal(isHeaderRow(["id", "note"], COLUMNS, "DML"), false);
});

Deno.test("RowBudget stops at the row limit", () => {
  const b = new RowBudget({ maxRows: 2, maxBytes: 10_000, maxValueChars: 100 });
  assert.equal(b.add(["a"]), true);
  assert.equal(b.add(["b"]), true);
  assert.equal(b.full(), true);
  assert.equal(b.add(["c"]), false);
  assert.deepEqual(b.rows, [["a"], ["b"]]);
  assert.equal(b.bytes, jsonBytes(b.rows));
});

Deno.test("RowBudget keeps the rows' JSON within the byte budget and keeps order", () => {
  const b = new RowBudget({ maxRows: 100, maxBytes: 100, maxValueChars: 1000 });
  const rows = Array.from({ length: 10 }, (_, i) => [`${i}`.repeat(20)]);
  const taken = rows.filter((r) => b.add(r));
  assert.ok(taken.length >= 1 && taken.length < 10);
  assert.deepEqual(b.rows, rows.slice(0, taken.length));
  assert.ok(jsonBytes(b.rows) <= 100);
  assert.equal(b.bytes, jsonBytes(b.rows));
  assert.equal(b.full(), true, "after a row did not fit, nothing later is taken");
  assert.equal(b.add(["x"]), false);
  // Multi-byte text counts in UTF-8 bytes.
  const u = new RowBudget({ maxRows: 100, maxBytes: 60, maxValueChars: 1000 });
  while (u.add(["ü€😀"])) { /* fill */ }
  assert.ok(jsonBytes(u.rows) <= 60);
});

Deno.test("RowBudget cuts over-long values and always takes a first row that fits by cutting", () => {
  const b = new RowBudget({ maxRows: 10, maxBytes: 1000, maxValueChars: 8 });
  assert.equal(b.add(["0123456789", "short", null]), true);
  assert.deepEqual(b.rows[0], ["01234567", "short", null]);
  assert.equal(b.valuesCut, true);
  const huge = new RowBudget({ maxRows: 10, maxBytes: 1024, maxValueChars: 8192 });
  assert.equal(huge.add(["x".repeat(5000), "y".repeat(5000)]), true);
  assert.ok(jsonBytes(huge.rows) <= 1024, `${jsonBytes(huge.rows)} bytes`);
  assert.equal(huge.valuesCut, true);
  assert.ok(huge.rows[0][0]!.length < 5000);
  assert.equal(huge.add(["x".repeat(5000)]), false, "only the first row is cut to fit");
  assert.equal(huge.rows.length, 1);
});

Deno.test("cutText never splits a surrogate pair", () => {
  assert.equal(cutText("ab😀cd", 3), "ab");
  assert.equal(cutText("ab😀cd", 4), "ab😀");
  assert.equal(cutText("abc", 5), "abc");
});

// --- Glue mapping ----------------------------------------------------------------------------

Deno.test("tableFormat recognises formats from declarations, classification, SerDe and input format", () => {
  const sd = (SerializationLibrary?: string, InputFormat?: string) => ({
    StorageDescriptor: { InputFormat, SerdeInfo: { SerializationLibrary } },
  });
  const cases: Array<[Record<string, unknown>, string | null]> = [
    [{ Parameters: { table_type: "ICEBERG" } }, "iceberg"],
    [{ Parameters: { "spark.sql.sources.provider": "delta" } }, "delta"],
    [{ TableType: "VIRTUAL_VIEW" }, "view"],
    [{ Parameters: { classification: "CSV" } }, "csv"],
    [sd("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"), "parquet"],
    [sd("org.apache.hadoop.hive.ql.io.orc.OrcSerde"), "orc"],
    [sd("org.apache.hadoop.hive.serde2.avro.AvroSerDe"), "avro"],
    [sd("org.openx.data.jsonserde.JsonSerDe"), "json"],
    [sd("org.apache.hive.hcatalog.data.JsonSerDe"), "json"],
    [sd("org.apache.hadoop.hive.serde2.OpenCSVSerde"), "csv"],
    [sd("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"), "csv"],
    [sd("com.amazon.emr.hive.serde.CloudTrailSerde"), "cloudtrail"],
    [sd("org.apache.hadoop.hive.serde2.RegexSerDe"), "regex"],
    [sd("com.amazon.ionhiveserde.IonHiveSerDe"), "ion"],
    [
      sd(
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        "org.apache.hudi.hadoop.HoodieParquetInputFormat",
      ),
      "hudi",
    ],
    [sd(undefined, "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"), "parquet"],
    [sd(undefined, "org.apache.hadoop.mapred.TextInputFormat"), "text"],
    [sd("com.example.Custom", "com.example.CustomInput"), null],
    [{}, null],
  ];
  for (const [table, format] of cases) {
    assert.equal(tableFormat({ Name: "t", ...table }), format, JSON.stringify(table));
  }
});

Deno.test("tableSchema maps columns and bounds long fields", () => {
  const columns = Array.from(
    { length: MAX_COLUMNS + 5 },
    (_, i) => ({ Name: `c${i}`, Type: "int" }),
  );
  const params: Record<string, string> = { classification: "parquet", long: "v".repeat(5000) };
  for (let i = 0; i < 60; i++) params[`p${String(i).padStart(2, "0")}`] = "x";
  const schema = tableSchema({
    Name: "t",
    Description: "d".repeat(3000),
    StorageDescriptor: { Columns: columns, Location: "s3://b/t/" },
    PartitionKeys: [{ Name: "dt", Type: "string", Comment: "day" }],
    Parameters: params,
  }, "db");
  assert.equal(schema.database, "db");
  assert.equal(schema.columns.length, MAX_COLUMNS);
  assert.equal(schema.columns_cut, true);
  assert.deepEqual(schema.partition_keys, [{ name: "dt", type: "string", comment: "day" }]);
  assert.equal(Object.keys(schema.parameters).length, 50);
  assert.equal(schema.parameters.long.length, 1024);
  assert.equal(schema.description?.length, 1024);
  assert.equal(schema.format, "parquet");
});

// --- result placement ------------------------------------------------------------------------

Deno.test("placeResults: the configured location only when the workgroup does not decide", () => {
  const cfg = "s3://results/q/";
  assert.deepEqual(placeResults({ Name: "w", Configuration: {} }, cfg), { outputLocation: cfg });
  assert.deepEqual(
    placeResults({
      Name: "w",
      Configuration: {
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: { OutputLocation: "s3://wg/" },
      },
    }, cfg),
    {},
  );
  assert.deepEqual(
    placeResults({
      Name: "w",
      Configuration: { ManagedQueryResultsConfiguration: { Enabled: true } },
    }, cfg),
    {},
  );
  assert.deepEqual(
    placeResults({
      Name: "w",
      Configuration: { ResultConfiguration: { OutputLocation: "s3://wg/" } },
    }, undefined),
    {},
  );
  assert.throws(
    () => placeResults({ Name: "w", Configuration: {} }, undefined),
    (e) =>
      e instanceof ToolError && e.code === "not_configured" &&
      /QUILT_MCP_ATHENA_OUTPUT_LOCATION/.test(e.message),
  );
  assert.throws(
    () => placeResults({ Name: "w", State: "DISABLED" }, cfg),
    (e) => e instanceof ToolError && /disabled/.test(e.message),
  );
});

// --- the query tool against scripted Athena answers ------------------------------------------

const QUERY_ID = "11111111-2222-3333-4444-555555555555";

function athenaFake(
  states: string[] | ((poll: number) => string),
  overrides: Record<string, Handler> = {},
): FakeClient {
  let poll = 0;
  const stateAt = (i: number) =>
    typeof states === "function" ? states(i) : states[Math.min(i, states.length - 1)];
  return new FakeClient({
    GetWorkGroup: () => ({ WorkGroup: { Name: "primary", State: "ENABLED", Configuration: {} } }),
    StartQueryExecution: () => ({ QueryExecutionId: QUERY_ID }),
    GetQueryExecution: () => ({
      QueryExecution: {
        QueryExecutionId: QUERY_ID,
        WorkGroup: "primary",
        StatementType: "DML",
        Status: { State: stateAt(poll++) },
      },
    }),
    StopQueryExecution: () => ({}),
    ...overrides,
  });
}

Deno.test("a query still running at the timeout is cancelled with StopQueryExecution", async () => {
  const athena = athenaFake(["QUEUED", "RUNNING"]);
  const clock = new ManualClock();
  const deps = fakeDeps({ athena }, {
    QUILT_MCP_ATHENA_TIMEOUT_SECONDS: "5",
    QUILT_MCP_ATHENA_OUTPUT_LOCATION: "s3://results/q/",
  });
  const text = errorText(
    await invoke(athenaQueryTool(clock), deps, { sql: "SELECT * FROM big" }),
  );
  assert.match(text, /did not finish within 5 s/);
  assert.match(text, /still RUNNING/);
  assert.match(text, new RegExp(`query execution id ${QUERY_ID}`));
  assert.match(text, /It was cancelled\./);
  assert.equal(clock.now(), 5000, "gave up exactly at the configured timeout");
  assert.deepEqual(athena.callsOf("StopQueryExecution").map((c) => c.input), [
    { QueryExecutionId: QUERY_ID },
  ]);
  assert.equal(athena.callsOf("GetQueryResults").length, 0);
  const names = athena.calls.map((c) => c.name);
  assert.equal(names.at(-1), "StopQueryExecution", "cancel is the last call");
  assert.equal(athena.callsOf("GetQueryExecution").length, clock.sleeps.length + 1);
});

Deno.test("a timeout whose cancel fails says so, with the cancel's own error", async () => {
  const athena = athenaFake(["RUNNING"], {
    StopQueryExecution: () => {
      throw awsError("AccessDeniedException", "not allowed");
    },
  });
  const deps = fakeDeps({ athena }, { QUILT_MCP_ATHENA_OUTPUT_LOCATION: "s3://results/q/" });
  const text = errorText(
    await invoke(athenaQueryTool(new ManualClock()), deps, { sql: "SELECT 1" }),
  );
  assert.match(text, /did not finish within 45 s/);
  assert.match(text, /Cancelling it failed too: Access denied: athena:StopQueryExecution/);
  assert.match(text, /'athena' tool category policy/);
});

Deno.test("a FAILED query reports Athena's reason and error type", async () => {
  const athena = athenaFake(["RUNNING"], {
    GetQueryExecution: () => ({
      QueryExecution: {
        QueryExecutionId: QUERY_ID,
        WorkGroup: "primary",
        Status: {
          State: "FAILED",
          StateChangeReason: "line 1:8: Column 'nope' cannot be resolved",
          AthenaError: { ErrorCategory: 2, ErrorType: 1006 },
        },
      },
    }),
  });
  const deps = fakeDeps({ athena }, { QUILT_MCP_ATHENA_OUTPUT_LOCATION: "s3://results/q/" });
  const text = errorText(
    await invoke(athenaQueryTool(new ManualClock()), deps, { sql: "SELECT nope FROM t" }),
  );
  assert.match(
    text,
    /The Athena query FAILED \[error type 1006\]: line 1:8: Column 'nope' cannot be resolved/,
  );
  assert.match(text, new RegExp(QUERY_ID));
  assert.equal(athena.callsOf("GetQueryResults").length, 0);
  assert.equal(athena.callsOf("StopQueryExecution").length, 0);
});

Deno.test("StartQueryExecution carries the configured workgroup, location and the caller's context", async () => {
  const athena = athenaFake(["SUCCEEDED"], {
    GetQueryResults: () => ({ ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } } }),
  });
  const deps = fakeDeps({ athena }, {
    QUILT_MCP_ATHENA_WORKGROUP: "analysts",
    QUILT_MCP_ATHENA_OUTPUT_LOCATION: "s3://results/q/",
  });
  const tool = athenaQueryTool(new ManualClock());
  const result = await invoke(tool, deps, {
    sql: "SELECT 1",
    database: "sales",
    catalog: "AwsDataCatalog",
    workgroup: "primary",
    output_location: "s3://attacker/",
  });
  assert.equal(result.isError, undefined, JSON.stringify(result));
  assert.deepEqual(athena.callsOf("GetWorkGroup")[0].input, { WorkGroup: "analysts" });
  const start = athena.callsOf("StartQueryExecution")[0].input;
  assert.equal(start.WorkGroup, "analysts");
  assert.deepEqual(start.ResultConfiguration, { OutputLocation: "s3://results/q/" });
  assert.deepEqual(start.QueryExecutionContext, { Database: "sales", Catalog: "AwsDataCatalog" });
});

Deno.test("results page with Athena's NextToken; the header row only on the first page", async () => {
  // Real Athena: MaxResults rows per page, header first on page 1 of a SELECT.
  const header = row("id", "note", "amount");
  const data = Array.from({ length: 25 }, (_, i) => row(String(i), i % 5 ? `n${i}` : null, "1.00"));
  const all = [header, ...data];
  const athena = athenaFake(["SUCCEEDED"], {
    GetQueryResults: (input) => {
      const start = input.NextToken ? Number(String(input.NextToken).slice(4)) : 0;
      const max = Number(input.MaxResults);
      assert.ok(max >= 1 && max <= 1000);
      const end = Math.min(all.length, start + max);
      return {
        ResultSet: { Rows: all.slice(start, end), ResultSetMetadata: { ColumnInfo: COLUMNS } },
        NextToken: end < all.length ? `tok-${end}` : undefined,
      };
    },
  });
  const deps = fakeDeps({ athena }, { QUILT_MCP_ATHENA_OUTPUT_LOCATION: "s3://results/q/" });
  const tool = athenaQueryTool(new ManualClock());
  const seen: Array<Array<string | null>> = [];
  let args: Record<string, unknown> = { sql: "SELECT * FROM t", max_rows: 10 };
  for (let page = 0; page < 10; page++) {
    const result = await invoke(tool, deps, args);
    const out = result.structuredContent as Record<string, unknown>;
    assert.ok(out, JSON.stringify(result));
    seen.push(...(out.rows as Array<Array<string | null>>));
    assert.equal((out.columns as unknown[]).length, 3);
    if (!out.next_token) {
      assert.equal(out.truncated, false);
      break;
    }
    assert.equal(out.truncated, true);
    args = { next_token: out.next_token, max_rows: 10 };
  }
  assert.deepEqual(seen, data.map(rowValues));
  assert.equal(athena.callsOf("StartQueryExecution").length, 1, "the query ran once");
});

Deno.test("next_token of a query in another workgroup is refused", async () => {
  const athena = athenaFake(["SUCCEEDED"], {
    GetQueryExecution: () => ({
      QueryExecution: {
        QueryExecutionId: QUERY_ID,
        WorkGroup: "finance",
        Status: { State: "SUCCEEDED" },
      },
    }),
  });
  const deps = fakeDeps({ athena });
  const token = encodeCursor(`athena-query:${QUERY_ID}`, { skip: 0 });
  const text = errorText(
    await invoke(athenaQueryTool(new ManualClock()), deps, { next_token: token }),
  );
  assert.match(text, /outside this server's Athena workgroup/);
  assert.equal(athena.callsOf("GetQueryResults").length, 0);
});

Deno.test("Athena's InvalidRequestException and AccessDenied become clear tool errors", async () => {
  const refused = athenaFake(["SUCCEEDED"], {
    StartQueryExecution: () => {
      throw awsError("InvalidRequestException", "line 1:1: mismatched input", {
        AthenaErrorCode: "INVALID_INPUT",
      });
    },
  });
  const cfg = { QUILT_MCP_ATHENA_OUTPUT_LOCATION: "s3://results/q/" };
  let text = errorText(
    await invoke(athenaQueryTool(new ManualClock()), fakeDeps({ athena: refused }, cfg), {
      sql: "SELECT (",
    }),
  );
  assert.equal(
    text,
    "Athena refused athena:StartQueryExecution (INVALID_INPUT): line 1:1: mismatched input",
  );
  const denied = athenaFake(["SUCCEEDED"], {
    GetWorkGroup: () => {
      throw awsError("AccessDeniedException", "User is not authorized", {
        $metadata: { httpStatusCode: 400 },
      });
    },
  });
  text = errorText(
    await invoke(athenaQueryTool(new ManualClock()), fakeDeps({ athena: denied }, cfg), {
      sql: "SELECT 1",
    }),
  );
  assert.match(text, /^Access denied: athena:GetWorkGroup on workgroup primary/);
  assert.match(text, /policies\/athena\.json/);
  assert.equal(denied.callsOf("StartQueryExecution").length, 0);
});

Deno.test("a workgroup without any result location fails before starting a query", async () => {
  const athena = athenaFake(["SUCCEEDED"]);
  const text = errorText(
    await invoke(athenaQueryTool(new ManualClock()), fakeDeps({ athena }), { sql: "SELECT 1" }),
  );
  assert.match(text, /No query result location/);
  assert.equal(athena.callsOf("StartQueryExecution").length, 0);
});

Deno.test("Glue listings follow Glue's NextToken within the tool's page size", async () => {
  const names = Array.from({ length: 23 }, (_, i) => `db_${String(i).padStart(2, "0")}`);
  const glue = new FakeClient({
    GetDatabases: (input) => {
      const start = input.NextToken ? Number(input.NextToken) : 0;
      const max = Number(input.MaxResults);
      assert.ok(max >= 1 && max <= 100, `MaxResults ${max}`);
      const pageEnd = Math.min(names.length, start + Math.min(max, 4)); // Glue may return fewer
      return {
        DatabaseList: names.slice(start, pageEnd).map((Name) => ({ Name })),
        NextToken: pageEnd < names.length ? String(pageEnd) : undefined,
      };
    },
  });
  const deps = fakeDeps({ glue });
  const tool = createAthenaTools().find((t) => t.name === "athena_databases_list")!;
  const seen: string[] = [];
  let args: Record<string, unknown> = { max_results: 10 };
  for (let i = 0; i < 10; i++) {
    const out = (await invoke(tool, deps, args)).structuredContent as {
      databases: Array<{ name: string }>;
      next_token: string | null;
    };
    assert.ok(out.databases.length <= 10);
    seen.push(...out.databases.map((d) => d.name));
    if (!out.next_token) break;
    args = { max_results: 10, next_token: out.next_token };
  }
  assert.deepEqual(seen, names);
});

Deno.test("the tools are exactly the athena category of the map, with honest annotations", () => {
  const tools = createAthenaTools();
  assert.deepEqual(tools.map((t) => t.name).sort(), [...CATEGORIES.athena.tools].sort());
  for (const t of tools) assert.equal(t.category, "athena");
  const query = tools.find((t) => t.name === "athena_query_execute")!;
  // Both query tools start billable work and write result files: not read-only, not idempotent.
  const queries = tools.filter((t) =>
    t.name === "athena_query_execute" || t.name === "tabulator_query"
  );
  assert.equal(queries.length, 2);
  for (const q of queries) {
    assert.deepEqual(q.annotations, {
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: true,
    }, q.name);
    assert.equal(
      "workgroup" in q.input.shape,
      false,
      `${q.name}: the caller cannot pick a workgroup`,
    );
  }
  for (const t of tools.filter((t) => !queries.includes(t))) {
    assert.equal(t.annotations.readOnlyHint, true, t.name);
    assert.equal(t.annotations.openWorldHint, true, t.name);
  }
  assert.equal("workgroup" in query.input.shape, false, "the caller cannot pick a workgroup");
  assert.equal("output_location" in query.input.shape, false, "nor a result location");
});
