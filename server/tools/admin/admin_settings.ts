/**
 * Catalog settings (admin category): the SSO configuration (get, set, remove), Tabulator tables of
 * a bucket (create or replace with a validated configuration, rename, delete) and Tabulator's open
 * query switch — through the catalog's admin GraphQL API with the caller's catalog credential.
 * @module
 */
import * as z from "zod";
import { dumpYaml, type YamlValue } from "../../quilt/mod.ts";
import { catalogGraphql, dig, mutationResult } from "../common/catalog_graphql.ts";
import { defineTool, READ_ONLY, type ToolDefinition } from "../common/define.ts";
import { assertBucketAllowed, bucketName } from "../common/inputs.ts";
import { ADMIN_QUERIES, userOut } from "./admin_graphql.ts";

const ssoOutput = z.object({
  configured: z.boolean(),
  text: z.string().nullable().describe("The SSO configuration (YAML) as stored by the catalog"),
  timestamp: z.string().nullable(),
  uploader: z.string().nullable(),
});

function ssoOut(c: unknown): z.infer<typeof ssoOutput> {
  const x = c as Record<string, unknown> | null | undefined;
  if (!x) return { configured: false, text: null, timestamp: null, uploader: null };
  return {
    configured: true,
    text: typeof x.text === "string" ? x.text : null,
    timestamp: typeof x.timestamp === "string" ? x.timestamp : null,
    uploader: userOut(x.uploader).name || null,
  };
}

const ssoGet = defineTool({
  name: "admin_sso_config_get",
  title: "Get the SSO configuration",
  description:
    "Shows the catalog's SSO (single sign-on) configuration: the YAML mapping identity-provider groups to catalog roles, when it was uploaded and by whom. Needs a catalog administrator's sign-in.",
  input: z.object({}),
  output: ssoOutput,
  annotations: READ_ONLY,
  async run(_args, env) {
    const data = await catalogGraphql(env, ADMIN_QUERIES.ssoConfigGet, {});
    return ssoOut(dig(data, "admin", "ssoConfig"));
  },
});

const ssoSet = defineTool({
  name: "admin_sso_config_set",
  title: "Set the SSO configuration",
  description:
    "Replaces the catalog's SSO configuration with the given YAML (the catalog validates it and refuses an invalid one, changing nothing). Affects how every SSO user signs in: read the current one with admin_sso_config_get first. Needs a catalog administrator's sign-in.",
  input: z.object({
    config: z.string().min(1).max(100_000).describe("The SSO configuration (YAML)"),
  }),
  output: ssoOutput,
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: true,
  },
  async run(args, env) {
    const data = await catalogGraphql(env, ADMIN_QUERIES.ssoConfigSet, { config: args.config });
    return ssoOut(
      mutationResult(
        dig(data, "admin", "setSsoConfig"),
        ["SsoConfig"],
        "setting the SSO configuration",
      ),
    );
  },
});

const ssoRemove = defineTool({
  name: "admin_sso_config_remove",
  title: "Remove the SSO configuration",
  description:
    "Removes the catalog's SSO configuration (SSO sign-ins then get no role mapping). Needs a catalog administrator's sign-in.",
  input: z.object({}),
  output: ssoOutput,
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: true,
  },
  async run(_args, env) {
    const data = await catalogGraphql(env, ADMIN_QUERIES.ssoConfigSet, { config: null });
    const result = dig(data, "admin", "setSsoConfig");
    if (result === null) return ssoOut(null);
    return ssoOut(mutationResult(result, ["SsoConfig"], "removing the SSO configuration"));
  },
});

/** Column types Tabulator accepts (Apache Arrow types as Athena names them). */
export const TABULATOR_TYPES = [
  "BOOLEAN",
  "TINYINT",
  "SMALLINT",
  "INT",
  "BIGINT",
  "FLOAT",
  "DOUBLE",
  "STRING",
  "BINARY",
  "DATE",
  "TIMESTAMP",
] as const;

const regexText = (what: string) =>
  z.string().min(1).max(1000).refine((p) => {
    try {
      // Tabulator reads named groups as (?<name>…), as JavaScript does.
      new RegExp(p, "u");
      return true;
    } catch {
      return false;
    }
  }, `${what} is not a valid regular expression`);

const tableName = z.string().regex(
  /^[a-z_][a-z0-9_]*$/,
  "a Tabulator table name matches ^[a-z_][a-z0-9_]*$",
)
  .max(255);

/** A Tabulator table configuration, validated before it is sent. */
export const tabulatorTableConfig = z.object({
  schema: z.array(z.object({
    name: z.string().regex(/^[a-z_][a-z0-9_]*$/, "a column name matches ^[a-z_][a-z0-9_]*$"),
    type: z.enum(TABULATOR_TYPES),
    nullable: z.boolean().optional(),
  })).min(1).max(1000).refine(
    (cols) => new Set(cols.map((c) => c.name)).size === cols.length,
    "column names must be unique",
  ).describe("Columns: name and type"),
  package_name: regexText("package_name").describe(
    "Regular expression of the package names to read (named groups become columns)",
  ),
  logical_key: regexText("logical_key").describe(
    "Regular expression of the files (logical keys) to read in each package (named groups become columns)",
  ),
  parser: z.object({
    format: z.enum(["csv", "parquet"]),
    delimiter: z.string().min(1).max(1).optional().describe("CSV field separator (default ',')"),
    header: z.boolean().optional().describe("The first CSV row holds column names"),
    skip_rows: z.number().int().min(0).max(1_000_000).optional(),
  }).refine(
    (p) =>
      p.format === "csv" ||
      (p.delimiter === undefined && p.header === undefined && p.skip_rows === undefined),
    "delimiter, header and skip_rows apply to csv only",
  ),
  continue_on_error: z.boolean().optional().describe(
    "Skip files with errors instead of failing the query",
  ),
});

/** The YAML the catalog stores for a table configuration. */
export function tabulatorYaml(config: z.infer<typeof tabulatorTableConfig>): string {
  const doc: Record<string, YamlValue> = {
    schema: config.schema.map((c) => ({
      name: c.name,
      type: c.type,
      ...(c.nullable === undefined ? {} : { nullable: c.nullable }),
    })),
    source: {
      type: "quilt-packages",
      package_name: config.package_name,
      logical_key: config.logical_key,
    },
    parser: Object.fromEntries(
      Object.entries(config.parser).filter(([, v]) => v !== undefined),
    ) as Record<string, YamlValue>,
  };
  if (config.continue_on_error !== undefined) doc.continue_on_error = config.continue_on_error;
  return dumpYaml(doc);
}

const tableCreate = defineTool({
  name: "tabulator_table_create",
  title: "Create or replace a Tabulator table",
  description:
    "Creates a Tabulator table of a bucket (an Athena table over files of its Quilt packages), or replaces the configuration of an existing one: columns, the package-name and logical-key regular expressions of the files to read, and the parser. The configuration is validated here (names, types, regular expressions, parser options) before it is sent. Needs a catalog administrator's sign-in. dry_run: true returns the YAML without sending it.",
  input: z.object({
    bucket: bucketName,
    table: tableName.describe("Table name"),
    config: tabulatorTableConfig,
    dry_run: z.boolean().default(false),
  }),
  output: z.object({
    bucket: z.string(),
    table: z.string(),
    config_yaml: z.string(),
    applied: z.boolean(),
  }),
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: true,
  },
  async run(args, env) {
    assertBucketAllowed(env.deps.config, args.bucket);
    const yaml = tabulatorYaml(args.config);
    if (!args.dry_run) {
      const data = await catalogGraphql(env, ADMIN_QUERIES.tabulatorTableSet, {
        bucketName: args.bucket,
        tableName: args.table,
        config: yaml,
      });
      mutationResult(
        dig(data, "admin", "bucketSetTabulatorTable"),
        ["BucketConfig"],
        `setting Tabulator table ${args.table} of ${args.bucket}`,
      );
    }
    return { bucket: args.bucket, table: args.table, config_yaml: yaml, applied: !args.dry_run };
  },
});

const tableDelete = defineTool({
  name: "tabulator_table_delete",
  title: "Delete a Tabulator table",
  description:
    "Deletes a bucket's Tabulator table (its configuration; the package files stay). Needs a catalog administrator's sign-in.",
  input: z.object({ bucket: bucketName, table: tableName }),
  output: z.object({ bucket: z.string(), deleted: z.string() }),
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: true,
  },
  async run(args, env) {
    assertBucketAllowed(env.deps.config, args.bucket);
    const data = await catalogGraphql(env, ADMIN_QUERIES.tabulatorTableSet, {
      bucketName: args.bucket,
      tableName: args.table,
      config: null,
    });
    mutationResult(
      dig(data, "admin", "bucketSetTabulatorTable"),
      ["BucketConfig"],
      `deleting Tabulator table ${args.table} of ${args.bucket}`,
    );
    return { bucket: args.bucket, deleted: args.table };
  },
});

const tableRename = defineTool({
  name: "tabulator_table_rename",
  title: "Rename a Tabulator table",
  description:
    "Renames a bucket's Tabulator table (queries must use the new name). Needs a catalog administrator's sign-in.",
  input: z.object({ bucket: bucketName, table: tableName, new_name: tableName }),
  output: z.object({ bucket: z.string(), table: z.string(), new_name: z.string() }),
  annotations: {
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: false,
    openWorldHint: true,
  },
  async run(args, env) {
    assertBucketAllowed(env.deps.config, args.bucket);
    const data = await catalogGraphql(env, ADMIN_QUERIES.tabulatorTableRename, {
      bucketName: args.bucket,
      tableName: args.table,
      newTableName: args.new_name,
    });
    mutationResult(
      dig(data, "admin", "bucketRenameTabulatorTable"),
      ["BucketConfig"],
      `renaming Tabulator table ${args.table} of ${args.bucket}`,
    );
    return { bucket: args.bucket, table: args.table, new_name: args.new_name };
  },
});

const openQueryGet = defineTool({
  name: "admin_tabulator_open_query_get",
  title: "Tabulator open query status",
  description:
    "Tells whether Tabulator open query is on (Tabulator tables queryable from outside the catalog, e.g. by tabulator_query with the stack's open-query policy and workgroup). Needs a catalog administrator's sign-in.",
  input: z.object({}),
  output: z.object({ open_query: z.boolean() }),
  annotations: READ_ONLY,
  async run(_args, env) {
    const data = await catalogGraphql(env, ADMIN_QUERIES.tabulatorOpenQueryGet, {});
    return { open_query: dig(data, "admin", "tabulatorOpenQuery") === true };
  },
});

const openQuerySet = defineTool({
  name: "admin_tabulator_open_query_set",
  title: "Turn Tabulator open query on or off",
  description:
    "Turns Tabulator open query on or off for the whole catalog: when on, anyone with the stack's open-query AWS permissions can query every Tabulator table from outside the catalog. Needs a catalog administrator's sign-in.",
  input: z.object({ enabled: z.boolean() }),
  output: z.object({ open_query: z.boolean() }),
  annotations: {
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true,
  },
  async run(args, env) {
    const data = await catalogGraphql(env, ADMIN_QUERIES.tabulatorOpenQuerySet, {
      enabled: args.enabled,
    });
    return {
      open_query: dig(data, "admin", "setTabulatorOpenQuery", "tabulatorOpenQuery") === true,
    };
  },
});

/** Settings tools of the admin category. */
export const ADMIN_SETTINGS_TOOLS: readonly ToolDefinition[] = [
  ssoGet,
  ssoSet,
  ssoRemove,
  tableCreate,
  tableDelete,
  tableRename,
  openQueryGet,
  openQuerySet,
];
