/**
 * Quilt Tabulator (Athena tables over the files of Quilt packages, defined per bucket in the
 * catalog): which buckets have tables and how each table is configured (the catalog's GraphQL API,
 * with the caller's catalog credential), and queries over them through Athena as the catalog runs
 * them — in the Quilt stack's Tabulator data catalog (`quilt-<stack>-tabulator`, one database per
 * bucket), in this server's workgroup, with the caller's AWS credentials. Tables are created,
 * renamed and deleted by catalog administrators (the admin category).
 * @module
 */
import { GetDataCatalogCommand } from "@aws-sdk/client-athena";
import * as z from "zod";
import {
  loadedYamlToJs,
  pyYamlSafeLoad,
  YamlLoadError,
  YamlUnsupportedError,
} from "../../quilt/mod.ts";
import { catalogConfigOf } from "../common/catalog_registry.ts";
import { catalogGraphql, dig } from "../common/catalog_graphql.ts";
import { defineTool, READ_ONLY, type ToolDefinition, type ToolEnv } from "../common/define.ts";
import { ToolError } from "../common/errors.ts";
import { assertBucketAllowed, bucketName } from "../common/inputs.ts";
import { sqlText } from "./athena_inputs.ts";
import type { Clock } from "./athena_poll.ts";
import {
  athena,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_ROWS,
  MAX_BYTES_CEILING,
  queryOutput,
  runReadQuery,
} from "./athena_query.ts";

/** The GraphQL documents of the Tabulator tools. */
export const TABULATOR_QUERIES = {
  buckets: `query tabulatorBuckets {
  bucketConfigs { name tabulatorTables { name } }
}`,
  tables: `query bucketTabulatorTablesList($name: String!) {
  bucketConfig(name: $name) { name tabulatorTables { name config } }
}`,
} as const;

/** The Quilt stack's Tabulator data catalog name. */
export const tabulatorCatalogName = z.string()
  .regex(
    /^quilt-[A-Za-z0-9-]+-tabulator$/,
    "a Tabulator data catalog is named quilt-<stack>-tabulator",
  )
  .max(127)
  .describe(
    "The Quilt stack's Tabulator data catalog (default: derived from the catalog's config.json)",
  );

/** The Tabulator catalog of the stack behind the configured catalog, as the Quilt stack names it. */
export async function tabulatorCatalogOf(env: ToolEnv, given?: string): Promise<string> {
  if (given) return given;
  const config = await catalogConfigOf(env.deps);
  const analytics = typeof config?.analyticsBucket === "string" ? config.analyticsBucket : "";
  // The stack's analytics bucket is "<stack>-analyticsbucket-<suffix>".
  const stack = /^(.+?)-analyticsbucket/i.exec(analytics)?.[1];
  if (!stack) {
    throw new ToolError(
      "not_configured",
      "The Tabulator data catalog is not known: pass data_catalog (quilt-<stack>-tabulator), or configure QUILT_MCP_CATALOG_URL so it is read from the catalog's config.json.",
    );
  }
  return `quilt-${stack}-tabulator`;
}

const tabulatorBucketsList = defineTool({
  name: "tabulator_buckets_list",
  title: "Buckets with Tabulator tables",
  description:
    "Lists the buckets your Quilt catalog account can see that have Tabulator tables (Athena tables over the files of Quilt packages), with their table names — restricted to the buckets this server is configured for. Runs with your own catalog credential. Use tabulator_tables_list for a table's columns and sources, tabulator_query to query one.",
  input: z.object({}),
  output: z.object({
    buckets: z.array(z.object({ bucket: z.string(), tables: z.array(z.string()) })),
  }),
  annotations: READ_ONLY,
  async run(_args, env) {
    const data = await catalogGraphql(env, TABULATOR_QUERIES.buckets, {});
    const configured = env.deps.config.buckets;
    const buckets = ((dig(data, "bucketConfigs") as Array<Record<string, unknown>>) ?? [])
      .map((b) => ({
        bucket: String(b.name ?? ""),
        tables: ((b.tabulatorTables as Array<{ name?: string }>) ?? []).map((t) => String(t.name)),
      }))
      .filter((b) =>
        b.tables.length > 0 && (configured.length === 0 || configured.includes(b.bucket))
      );
    return { buckets };
  },
});

const column = z.object({ name: z.string(), type: z.string() });

const tabulatorTablesList = defineTool({
  name: "tabulator_tables_list",
  title: "Tabulator tables of a bucket",
  description:
    "Lists a bucket's Tabulator tables with their configuration: columns (name, type), which packages and files they read (package-name and logical-key regular expressions), the parser (csv or parquet, delimiter, header) and the raw YAML. Runs with your own catalog credential. Query a table with tabulator_query.",
  input: z.object({ bucket: bucketName }),
  output: z.object({
    bucket: z.string(),
    tables: z.array(z.object({
      name: z.string(),
      columns: z.array(column),
      package_name: z.string().nullable(),
      logical_key: z.string().nullable(),
      parser: z.record(z.string(), z.unknown()).nullable(),
      config_yaml: z.string(),
      config_problem: z.string().nullable().describe(
        "Why the YAML could not be read, if it could not",
      ),
    })),
  }),
  annotations: READ_ONLY,
  async run(args, env) {
    assertBucketAllowed(env.deps.config, args.bucket);
    const data = await catalogGraphql(env, TABULATOR_QUERIES.tables, { name: args.bucket });
    const bucket = dig(data, "bucketConfig") as Record<string, unknown> | null;
    if (!bucket) {
      throw new ToolError("not_found", `Not found: the catalog has no bucket '${args.bucket}'.`);
    }
    const tables = ((bucket.tabulatorTables as Array<{ name?: string; config?: string }>) ?? [])
      .map((t) => {
        const yaml = String(t.config ?? "");
        let parsed: Record<string, unknown> = {};
        let problem: string | null = null;
        try {
          // Read as the registry reads it (PyYAML's safe_load).
          const v = loadedYamlToJs(pyYamlSafeLoad(yaml));
          if (v && typeof v === "object" && !Array.isArray(v)) {
            parsed = v as Record<string, unknown>;
          }
        } catch (e) {
          if (!(e instanceof YamlLoadError || e instanceof YamlUnsupportedError)) throw e;
          problem = e.message;
        }
        const source = (parsed.source ?? {}) as Record<string, unknown>;
        const schema = Array.isArray(parsed.schema)
          ? parsed.schema as Array<Record<string, unknown>>
          : [];
        return {
          name: String(t.name ?? ""),
          columns: schema.map((c) => ({ name: String(c.name ?? ""), type: String(c.type ?? "") })),
          package_name: typeof source.package_name === "string" ? source.package_name : null,
          logical_key: typeof source.logical_key === "string" ? source.logical_key : null,
          parser: parsed.parser && typeof parsed.parser === "object"
            ? parsed.parser as Record<string, unknown>
            : null,
          config_yaml: yaml,
          config_problem: problem,
        };
      });
    return { bucket: args.bucket, tables };
  },
});

/** Builds tabulator_query with the given clock (tests inject a fake one). */
export function tabulatorQueryTool(clock: Clock): ToolDefinition {
  return defineTool({
    name: "tabulator_query",
    title: "Query Tabulator tables",
    description:
      "Runs one SQL statement that reads over a bucket's Tabulator tables with Amazon Athena, as the Quilt catalog does: in the stack's Tabulator data catalog (quilt-<stack>-tabulator) with the bucket as the database, so `SELECT * FROM \"my_table\" LIMIT 10` works unqualified; in the server's workgroup, with your AWS credentials (the operator grants the Quilt stack's Tabulator open-query policy). Besides its columns a table has $pkg_name, $logical_key, $physical_key, $top_hash and $issue. Queries scan data and cost money: use LIMIT. Continue a truncated answer with athena_query_execute and its next_token.",
    input: z.object({
      bucket: bucketName.describe("The bucket whose tables are queried (its Tabulator database)"),
      sql: sqlText,
      data_catalog: tabulatorCatalogName.optional(),
      max_rows: z.number().int().min(1).max(100_000).optional().describe(
        `Most rows in this answer (default ${DEFAULT_MAX_ROWS}; capped at the server's limit)`,
      ),
      max_bytes: z.number().int().min(1024).max(MAX_BYTES_CEILING).default(DEFAULT_MAX_BYTES)
        .describe("Budget for the JSON text of the rows in this answer, 1 KiB–1 MiB"),
    }),
    output: queryOutput,
    annotations: {
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: true,
    },
    async run(args, env) {
      assertBucketAllowed(env.deps.config, args.bucket);
      const catalog = await tabulatorCatalogOf(env, args.data_catalog);
      // The stack's catalog must exist in this account and region: a clear error instead of
      // Athena's, and the caller's right to use it is checked here (athena:GetDataCatalog).
      const found = await athena(
        env,
        { action: "athena:GetDataCatalog", target: `data catalog ${catalog}` },
        () =>
          env.deps.aws.athena().send(new GetDataCatalogCommand({ Name: catalog })).catch((e) => {
            if ((e as { name?: string })?.name === "InvalidRequestException") return undefined;
            throw e;
          }),
      );
      if (found?.DataCatalog?.Name !== catalog) {
        throw new ToolError(
          "not_found",
          `Not found: the Tabulator data catalog '${catalog}' in ${env.deps.config.awsRegion}.`,
        );
      }
      const maxRows = Math.min(args.max_rows ?? DEFAULT_MAX_ROWS, env.deps.config.athenaMaxRows);
      return await runReadQuery(env, clock, {
        sql: args.sql,
        catalog,
        database: args.bucket,
        limits: { maxRows, maxBytes: args.max_bytes },
      });
    },
  });
}

/** Tabulator tools of the athena category (queries are built with a clock, see mod.ts). */
export const TABULATOR_LIST_TOOLS: readonly ToolDefinition[] = [
  tabulatorBucketsList,
  tabulatorTablesList,
];
