/** Input schemas of the athena tools: SQL text, Glue/Athena names, listing limits. @module */
import * as z from "zod";

/**
 * Longest SQL text accepted. Athena's own limit is 262,144 bytes; at most four UTF-8 bytes per
 * character keep every accepted text under it.
 */
export const MAX_SQL_CHARS = 65_536;

/** SQL text of one read-only statement. */
export const sqlText = z.string()
  .max(MAX_SQL_CHARS, `SQL is limited to ${MAX_SQL_CHARS} characters`)
  .refine((s) => s.trim().length > 0, "SQL must not be empty")
  // deno-lint-ignore no-control-regex -- matching NUL is the point of this check
  .refine((s) => !/\u0000/.test(s), "SQL must not contain NUL characters")
  .describe("One SQL statement that reads (SELECT, WITH, VALUES, SHOW, DESCRIBE, EXPLAIN)");

/**
 * A Glue database name. Glue stores names lower-case (letters, digits, underscore; Athena also
 * accepts hyphens); anything else cannot name a database and is refused before any AWS call.
 */
export const databaseName = z.string()
  .min(1).max(255)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_-]*$/, "not a valid Glue database name")
  .describe("Glue database name");

/** A Glue table name (same rules as database names). */
export const tableName = z.string()
  .min(1).max(255)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_-]*$/, "not a valid Glue table name")
  .describe("Glue table name");

/** An Athena data catalog name (Athena: at most 127 letters, digits, '_', '@', '-'). */
export const catalogName = z.string()
  .min(1).max(127)
  .regex(/^[A-Za-z0-9_@-]+$/, "not a valid Athena data catalog name")
  .describe("Athena data catalog (default AwsDataCatalog, the account's Glue Data Catalog)");

/** Glue's table-name filter: '*' matches any characters, '|' separates alternatives. */
export const tableNamePattern = z.string()
  .min(1).max(255)
  .regex(
    /^[A-Za-z0-9_*|-]+$/,
    "a table name pattern may contain letters, digits, '_', '-', '*' and '|'",
  )
  .describe(
    "Only tables whose names match: '*' matches any characters, '|' separates alternatives (e.g. 'sales_*|orders')",
  );
