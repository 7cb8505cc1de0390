/**
 * athena_query_execute: runs one read-only SQL statement in the configured workgroup and region,
 * waits for it with backoff up to the configured timeout (then cancels it), and returns typed
 * columns and rows within a row limit and a byte budget, with a next_token for the rest.
 * The caller can choose neither the workgroup nor the result location.
 * @module
 */
import {
  type ColumnInfo,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  GetQueryResultsCommand,
  GetWorkGroupCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type WorkGroup,
} from "@aws-sdk/client-athena";
import * as z from "zod";
import { defineTool, type ToolDefinition, type ToolEnv } from "../common/define.ts";
import { type AwsCallDescription, ToolError } from "../common/errors.ts";
import { catalogName, databaseName, sqlText } from "./athena_inputs.ts";
import { type Clock, pollUntilFinal } from "./athena_poll.ts";
import {
  collectPages,
  decodeCursor,
  encodeCursor,
  MAX_CURSOR_LENGTH,
  type PagePosition,
} from "./athena_paging.ts";
import { isHeaderRow, resultColumns, RowBudget, rowValues } from "./athena_results.ts";
import { checkReadOnly, READ_KEYWORDS } from "./athena_sql.ts";
import { markedSql } from "./athena_history.ts";

/** Rows per answer unless the caller asks otherwise (never above the server's athenaMaxRows). */
export const DEFAULT_MAX_ROWS = 100;
/** Byte budget of the rows of one answer unless the caller asks otherwise. */
export const DEFAULT_MAX_BYTES = 64 * 1024;
/** Largest byte budget a caller may ask for. */
export const MAX_BYTES_CEILING = 1024 * 1024;
/** Longest single value returned; longer values are cut and `values_cut` is set. */
export const MAX_VALUE_CHARS = 8192;
/** Athena's largest GetQueryResults page. */
const ATHENA_PAGE_MAX = 1000;
/** Most GetQueryResults calls one answer makes. */
const MAX_RESULT_CALLS = 100;

const QUERY_SCOPE = "athena-query:";
const QUERY_ID = /^[A-Za-z0-9-]{1,128}$/;

/** Where query results go, decided from the workgroup and the server's configuration. */
export interface ResultPlacement {
  /** OutputLocation to send with the query; undefined = let the workgroup decide. */
  readonly outputLocation?: string;
}

/**
 * Decides the result location: a workgroup that enforces its configuration, or stores results in
 * Athena-managed storage, decides alone; otherwise the configured location is sent; otherwise the
 * workgroup's own location applies; with none of these the query could not store results.
 */
export function placeResults(
  workgroup: WorkGroup,
  configured: string | undefined,
): ResultPlacement {
  const name = workgroup.Name ?? "?";
  if (workgroup.State === "DISABLED") {
    throw new ToolError("not_available", `The Athena workgroup '${name}' is disabled.`);
  }
  const conf = workgroup.Configuration;
  if (conf?.EnforceWorkGroupConfiguration === true) return {};
  if (conf?.ManagedQueryResultsConfiguration?.Enabled === true) return {};
  if (configured) return { outputLocation: configured };
  if (conf?.ResultConfiguration?.OutputLocation) return {};
  throw new ToolError(
    "not_configured",
    `No query result location: the Athena workgroup '${name}' has none and the server has no QUILT_MCP_ATHENA_OUTPUT_LOCATION. Ask the operator to configure one.`,
  );
}

/** Runs an Athena call; Athena's InvalidRequestException (a refused request) keeps its message. */
export function athena<T>(
  env: ToolEnv,
  call: Omit<AwsCallDescription, "category">,
  fn: () => Promise<T>,
): Promise<T> {
  return env.aws(call, async () => {
    try {
      return await fn();
    } catch (e) {
      const err = e as { name?: string; message?: string; AthenaErrorCode?: string };
      if (err?.name === "InvalidRequestException") {
        const code = err.AthenaErrorCode ? ` (${err.AthenaErrorCode})` : "";
        throw new ToolError(
          "invalid_request",
          `Athena refused ${call.action}${code}: ${(err.message ?? "").slice(0, 500)}`,
        );
      }
      throw e;
    }
  });
}

const column = z.object({
  name: z.string(),
  type: z.string(),
  nullable: z.boolean().nullable(),
  precision: z.number().nullable(),
  scale: z.number().nullable(),
});

const output = z.object({
  query_execution_id: z.string(),
  state: z.string(),
  workgroup: z.string(),
  region: z.string(),
  catalog: z.string().nullable(),
  database: z.string().nullable(),
  statement_type: z.string().nullable(),
  output_location: z.string().nullable(),
  data_scanned_bytes: z.number().nullable(),
  execution_time_ms: z.number().nullable(),
  columns: z.array(column),
  rows: z.array(z.array(z.string().nullable())),
  row_count: z.number(),
  truncated: z.boolean(),
  values_cut: z.boolean(),
  next_token: z.string().nullable(),
  max_rows: z.number(),
  max_bytes: z.number(),
});

const input = z.object({
  sql: sqlText.optional(),
  database: databaseName.optional().describe(
    "Database unqualified table names refer to (Athena's query context)",
  ),
  catalog: catalogName.optional(),
  max_rows: z.number().int().min(1).max(100_000).optional().describe(
    `Most rows in this answer (default ${DEFAULT_MAX_ROWS}; capped at the server's limit)`,
  ),
  max_bytes: z.number().int().min(1024).max(MAX_BYTES_CEILING).default(DEFAULT_MAX_BYTES)
    .describe("Budget for the JSON text of the rows in this answer, 1 KiB–1 MiB"),
  next_token: z.string().min(1).max(MAX_CURSOR_LENGTH).optional().describe(
    "next_token of a previous answer: returns the next rows of that query without running it again (omit sql)",
  ),
});

/** What a query answer holds (athena_query_execute, tabulator_query). */
export type QueryOutput = z.infer<typeof output>;
/** The output schema of a query answer. */
export const queryOutput = output;

/** Builds athena_query_execute with the given clock (tests inject a fake one). */
export function athenaQueryTool(clock: Clock): ToolDefinition {
  return defineTool({
    name: "athena_query_execute",
    title: "Run an Athena query",
    description:
      "Runs one SQL statement that reads (SELECT, WITH, VALUES, SHOW, DESCRIBE, EXPLAIN) with Amazon Athena in the server's configured workgroup and returns the columns with their types and the rows as text (null = SQL NULL). Use athena_databases_list, athena_tables_list and athena_table_schema first to find table and column names. Queries scan data and cost money: filter on partition columns and use LIMIT. A query still running at the server's timeout is cancelled. When `truncated` is true, pass `next_token` (without sql) for the next rows instead of re-running the query.",
    input,
    output,
    // A query starts billable work and writes result files, so it is not read-only; it changes no
    // existing data (only reading statements run) and each call is a new execution.
    annotations: {
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: true,
    },
    async run(args, env) {
      const maxRows = Math.min(args.max_rows ?? DEFAULT_MAX_ROWS, env.deps.config.athenaMaxRows);
      const limits = { maxRows, maxBytes: args.max_bytes };
      if (args.next_token !== undefined) {
        if (args.sql !== undefined) {
          throw new ToolError(
            "invalid_input",
            "Pass either sql (to run a query) or next_token (to continue one), not both.",
          );
        }
        return await continueQuery(env, args.next_token, limits);
      }
      if (args.sql === undefined) {
        throw new ToolError("invalid_input", "Pass sql (the statement to run) or next_token.");
      }
      return await runReadQuery(env, clock, {
        sql: args.sql,
        database: args.database,
        catalog: args.catalog,
        limits,
      });
    },
  });
}

/** Rows and bytes one answer may hold. */
export interface QueryLimits {
  readonly maxRows: number;
  readonly maxBytes: number;
}

/** The next rows of a query this server ran in its workgroup (a next_token of a previous answer). */
export async function continueQuery(
  env: ToolEnv,
  token: string,
  limits: QueryLimits,
): Promise<QueryOutput> {
  const workgroup = env.deps.config.athenaWorkgroup;
  const { id, position } = queryCursor(token);
  const execution = await getExecution(env, id, workgroup);
  if (execution.WorkGroup !== workgroup) {
    throw new ToolError(
      "invalid_input",
      "next_token refers to a query outside this server's Athena workgroup.",
    );
  }
  assertSucceeded(execution, id);
  return await readResults(env, id, execution, position, limits);
}

/**
 * Runs one read-only statement in the server's workgroup (the caller cannot choose the workgroup
 * or the result location), waits for it up to the configured timeout (then cancels it) and
 * returns its first rows.
 */
export async function runReadQuery(
  env: ToolEnv,
  clock: Clock,
  request: { sql: string; database?: string; catalog?: string; limits: QueryLimits },
): Promise<QueryOutput> {
  const config = env.deps.config;
  const workgroup = config.athenaWorkgroup;
  const { limits } = request;
  const args = { sql: request.sql, database: request.database, catalog: request.catalog };
  const check = checkReadOnly(args.sql);
  if (!check.ok) {
    throw new ToolError(
      "invalid_input",
      `Only statements that read are run (${[...READ_KEYWORDS].join(", ")}); this one ${
        check.keyword ? `starts with ${check.keyword}` : "has no statement keyword"
      }.`,
    );
  }
  const wg = await athena(
    env,
    { action: "athena:GetWorkGroup", target: `workgroup ${workgroup}` },
    () => env.deps.aws.athena().send(new GetWorkGroupCommand({ WorkGroup: workgroup })),
  );
  if (!wg.WorkGroup) {
    throw new ToolError("not_found", `Not found: the Athena workgroup '${workgroup}'.`);
  }
  const placement = placeResults(wg.WorkGroup, config.athenaOutputLocation);
  const context = args.database || args.catalog
    ? { Database: args.database, Catalog: args.catalog }
    : undefined;
  const started = await athena(
    env,
    { action: "athena:StartQueryExecution", target: `workgroup ${workgroup}` },
    () =>
      env.deps.aws.athena().send(
        new StartQueryExecutionCommand({
          // Marked with the caller's digest for the caller's own query history (resource).
          QueryString: markedSql(args.sql!, check.keyword, env.context),
          WorkGroup: workgroup,
          QueryExecutionContext: context,
          ResultConfiguration: placement.outputLocation
            ? { OutputLocation: placement.outputLocation }
            : undefined,
        }),
      ),
  );
  const id = started.QueryExecutionId;
  if (!id) throw new ToolError("aws_error", "Athena started the query but returned no id.");
  const timeoutSeconds = config.athenaTimeoutSeconds;
  const waited = await pollUntilFinal(
    () => getExecution(env, id, workgroup),
    (e) => e.Status?.State,
    { timeoutMs: timeoutSeconds * 1000, clock },
  );
  if (!waited.finished) {
    let cancelled = "It was cancelled.";
    try {
      await athena(
        env,
        { action: "athena:StopQueryExecution", target: `query ${id}` },
        () => env.deps.aws.athena().send(new StopQueryExecutionCommand({ QueryExecutionId: id })),
      );
    } catch (e) {
      cancelled = `Cancelling it failed too: ${(e as Error).message}`;
    }
    throw new ToolError(
      "timeout",
      `The query did not finish within ${timeoutSeconds} s (the server's Athena timeout) and was still ${
        waited.last.Status?.State ?? "running"
      } (query execution id ${id}). ${cancelled} Narrow it (filter on partition columns, add LIMIT) and retry.`,
    );
  }
  assertSucceeded(waited.last, id);
  return await readResults(env, id, waited.last, { skip: 0 }, limits);
}

function queryCursor(token: string): { id: string; position: PagePosition } {
  const { scope, position } = decodeCursor(token);
  const id = scope.slice(QUERY_SCOPE.length);
  if (!scope.startsWith(QUERY_SCOPE) || !QUERY_ID.test(id)) {
    throw new ToolError(
      "invalid_input",
      "next_token is not valid (it belongs to a different listing); pass the next_token of a previous athena_query_execute answer.",
    );
  }
  return { id, position };
}

async function getExecution(env: ToolEnv, id: string, workgroup: string): Promise<QueryExecution> {
  const out: GetQueryExecutionCommandOutput = await athena(
    env,
    { action: "athena:GetQueryExecution", target: `query ${id} in workgroup ${workgroup}` },
    () => env.deps.aws.athena().send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
  );
  if (!out.QueryExecution) {
    throw new ToolError("not_found", `Not found: the Athena query execution ${id}.`);
  }
  return out.QueryExecution;
}

function assertSucceeded(execution: QueryExecution, id: string): void {
  const status = execution.Status;
  const state = status?.State ?? "UNKNOWN";
  if (state === "SUCCEEDED") return;
  const err = status?.AthenaError;
  const kind = err?.ErrorType !== undefined ? ` [error type ${err.ErrorType}]` : "";
  const reason = (status?.StateChangeReason ?? err?.ErrorMessage ?? "no reason given").slice(
    0,
    2000,
  );
  throw new ToolError(
    state === "CANCELLED" ? "query_cancelled" : state === "FAILED" ? "query_failed" : "not_ready",
    `The Athena query ${state}${kind}: ${reason} (query execution id ${id}).`,
  );
}

async function readResults(
  env: ToolEnv,
  id: string,
  execution: QueryExecution,
  from: PagePosition,
  limits: { maxRows: number; maxBytes: number },
): Promise<QueryOutput> {
  const budget = new RowBudget({ ...limits, maxValueChars: MAX_VALUE_CHARS });
  let info: ColumnInfo[] | undefined;
  const continuation = await collectPages(
    async (token, skip) => {
      const out = await athena(
        env,
        { action: "athena:GetQueryResults", target: `query ${id}` },
        () =>
          env.deps.aws.athena().send(
            new GetQueryResultsCommand({
              QueryExecutionId: id,
              NextToken: token,
              // +1: the first page of a SELECT starts with a header row.
              MaxResults: Math.min(ATHENA_PAGE_MAX, skip + limits.maxRows + 1),
            }),
          ),
      );
      info ??= out.ResultSet?.ResultSetMetadata?.ColumnInfo;
      return { items: out.ResultSet?.Rows ?? [], next: out.NextToken };
    },
    from,
    {
      take: (row, at) => {
        const values = rowValues(row);
        if (
          at.token === undefined && at.index === 0 &&
          isHeaderRow(values, info, execution.StatementType)
        ) return true;
        return budget.add(values);
      },
      full: () => budget.full(),
      maxCalls: MAX_RESULT_CALLS,
    },
  );
  const context = execution.QueryExecutionContext;
  const stats = execution.Statistics;
  return {
    query_execution_id: id,
    state: execution.Status?.State ?? "SUCCEEDED",
    workgroup: execution.WorkGroup ?? env.deps.config.athenaWorkgroup,
    region: env.deps.config.awsRegion,
    catalog: context?.Catalog ?? null,
    database: context?.Database ?? null,
    statement_type: execution.StatementType ?? null,
    output_location: execution.ResultConfiguration?.OutputLocation ?? null,
    data_scanned_bytes: stats?.DataScannedInBytes ?? null,
    execution_time_ms: stats?.TotalExecutionTimeInMillis ?? null,
    columns: resultColumns(info),
    rows: budget.rows,
    row_count: budget.rows.length,
    truncated: continuation !== undefined,
    values_cut: budget.valuesCut,
    next_token: continuation ? encodeCursor(`${QUERY_SCOPE}${id}`, continuation) : null,
    max_rows: limits.maxRows,
    max_bytes: limits.maxBytes,
  };
}
