/**
 * The Glue Data Catalog side of the athena category: list databases, list a database's tables,
 * describe one table. Read-only; the account's own catalog only (policies/athena.json grants
 * nothing else).
 * @module
 */
import {
  type Database,
  GetDatabasesCommand,
  GetTableCommand,
  GetTablesCommand,
  type Table,
} from "@aws-sdk/client-glue";
import * as z from "zod";
import { defineTool, READ_ONLY, type ToolDefinition, type ToolEnv } from "../common/define.ts";
import { type AwsCallDescription, ToolError } from "../common/errors.ts";
import { databaseName, tableName, tableNamePattern } from "./athena_inputs.ts";
import {
  type DatabaseSummary,
  databaseSummary,
  tableSchema,
  type TableSummary,
  tableSummary,
} from "./athena_glue.ts";
import { collectPages, decodeCursorFor, encodeCursor, MAX_CURSOR_LENGTH } from "./athena_paging.ts";

/** Glue's largest GetDatabases/GetTables page. */
const GLUE_PAGE_MAX = 100;
/** Most Glue calls one listing answer makes (Glue may return short or empty pages). */
const MAX_LIST_CALLS = 20;

/** Runs a Glue call; EntityNotFoundException becomes a not_found error with Glue's own words. */
function glue<T>(
  env: ToolEnv,
  call: Omit<AwsCallDescription, "category">,
  fn: () => Promise<T>,
): Promise<T> {
  return env.aws(call, async () => {
    try {
      return await fn();
    } catch (e) {
      const err = e as { name?: string; message?: string };
      if (err?.name === "EntityNotFoundException") {
        throw new ToolError(
          "not_found",
          `Not found in the Glue Data Catalog: ${
            (err.message ?? "").slice(0, 300) || "no such entity"
          } (${call.target}).`,
        );
      }
      throw e;
    }
  });
}

const limitInput = {
  max_results: z.number().int().min(1).max(GLUE_PAGE_MAX).default(50).describe(
    `Page size, 1–${GLUE_PAGE_MAX}`,
  ),
  next_token: z.string().min(1).max(MAX_CURSOR_LENGTH).optional().describe(
    "next_token of the previous page (same arguments otherwise)",
  ),
};

/** Reads one page of a Glue listing within the tool's limit, from a caller's next_token. */
async function listPage<T, R>(options: {
  scope: string;
  nextToken: string | undefined;
  limit: number;
  fetch: (token: string | undefined, maxResults: number) => Promise<{ items: T[]; next?: string }>;
  map: (item: T) => R;
}): Promise<{ items: R[]; next_token: string | null }> {
  const from = options.nextToken === undefined
    ? { skip: 0 }
    : decodeCursorFor(options.nextToken, options.scope);
  const items: R[] = [];
  const next = await collectPages(
    (token, skip) => options.fetch(token, Math.min(GLUE_PAGE_MAX, skip + options.limit)),
    from,
    {
      take: (item) => {
        if (items.length >= options.limit) return false;
        items.push(options.map(item));
        return true;
      },
      full: () => items.length >= options.limit,
      maxCalls: MAX_LIST_CALLS,
    },
  );
  return { items, next_token: next ? encodeCursor(options.scope, next) : null };
}

const databaseOut = z.object({
  name: z.string(),
  description: z.string().nullable(),
  location: z.string().nullable(),
  created: z.string().nullable(),
});

const databasesList = defineTool({
  name: "athena_databases_list",
  title: "List Glue databases",
  description:
    "Lists the databases of the account's Glue Data Catalog (the AwsDataCatalog Athena queries). Start here before athena_tables_list; pass next_token for the next page.",
  input: z.object(limitInput),
  output: z.object({
    databases: z.array(databaseOut),
    next_token: z.string().nullable(),
  }),
  annotations: READ_ONLY,
  async run(args, env) {
    const page = await listPage<Database, DatabaseSummary>({
      scope: "glue-databases",
      nextToken: args.next_token,
      limit: args.max_results,
      fetch: async (token, maxResults) => {
        const out = await glue(
          env,
          { action: "glue:GetDatabases", target: "the Glue Data Catalog" },
          () =>
            env.deps.aws.glue().send(
              new GetDatabasesCommand({ NextToken: token, MaxResults: maxResults }),
            ),
        );
        return { items: out.DatabaseList ?? [], next: out.NextToken };
      },
      map: databaseSummary,
    });
    return { databases: page.items, next_token: page.next_token };
  },
});

const tableOut = z.object({
  name: z.string(),
  table_type: z.string().nullable(),
  format: z.string().nullable(),
  location: z.string().nullable(),
  column_count: z.number(),
  partition_keys: z.array(z.string()),
  description: z.string().nullable(),
  created: z.string().nullable(),
  updated: z.string().nullable(),
});

const tablesList = defineTool({
  name: "athena_tables_list",
  title: "List Glue tables",
  description:
    "Lists the tables of one Glue database with their storage format, S3 location, column count and partition keys, optionally only names matching a pattern. Use athena_table_schema for a table's columns before writing a query; pass next_token for the next page.",
  input: z.object({
    database: databaseName,
    name_pattern: tableNamePattern.optional(),
    ...limitInput,
  }),
  output: z.object({
    database: z.string(),
    tables: z.array(tableOut),
    next_token: z.string().nullable(),
  }),
  annotations: READ_ONLY,
  async run(args, env) {
    const page = await listPage<Table, TableSummary>({
      scope: `glue-tables:${args.database}:${args.name_pattern ?? ""}`,
      nextToken: args.next_token,
      limit: args.max_results,
      fetch: async (token, maxResults) => {
        const out = await glue(
          env,
          { action: "glue:GetTables", target: `Glue database '${args.database}'` },
          () =>
            env.deps.aws.glue().send(
              new GetTablesCommand({
                DatabaseName: args.database,
                Expression: args.name_pattern,
                NextToken: token,
                MaxResults: maxResults,
              }),
            ),
        );
        return { items: out.TableList ?? [], next: out.NextToken };
      },
      map: tableSummary,
    });
    return { database: args.database, tables: page.items, next_token: page.next_token };
  },
});

const schemaColumn = z.object({
  name: z.string(),
  type: z.string().nullable(),
  comment: z.string().nullable(),
});

const tableSchemaTool = defineTool({
  name: "athena_table_schema",
  title: "Describe a Glue table",
  description:
    "Shows one Glue table's columns with their types and comments, its partition keys (filter on them to scan less), S3 location, storage format, SerDe and table parameters. Use it before writing an athena_query_execute query against the table.",
  input: z.object({ database: databaseName, table: tableName }),
  output: z.object({
    database: z.string(),
    name: z.string(),
    table_type: z.string().nullable(),
    format: z.string().nullable(),
    location: z.string().nullable(),
    input_format: z.string().nullable(),
    output_format: z.string().nullable(),
    serde_library: z.string().nullable(),
    compressed: z.boolean().nullable(),
    columns: z.array(schemaColumn),
    columns_cut: z.boolean(),
    partition_keys: z.array(schemaColumn),
    parameters: z.record(z.string(), z.string()),
    description: z.string().nullable(),
    created: z.string().nullable(),
    updated: z.string().nullable(),
  }),
  annotations: READ_ONLY,
  async run(args, env) {
    const out = await glue(
      env,
      { action: "glue:GetTable", target: `Glue table '${args.database}.${args.table}'` },
      () =>
        env.deps.aws.glue().send(
          new GetTableCommand({ DatabaseName: args.database, Name: args.table }),
        ),
    );
    if (!out.Table) {
      throw new ToolError(
        "not_found",
        `Not found in the Glue Data Catalog: table '${args.database}.${args.table}'.`,
      );
    }
    return tableSchema(out.Table, args.database);
  },
});

/** The Glue Data Catalog tools of the athena category. */
export const GLUE_CATALOG_TOOLS: readonly ToolDefinition[] = [
  databasesList,
  tablesList,
  tableSchemaTool,
];
