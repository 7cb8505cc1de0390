/**
 * Glue Data Catalog objects as the athena tools report them: databases, table summaries and table
 * schemas with the storage format recognised from the table's SerDe, input format or parameters.
 * Long free-text fields are cut so one odd table cannot flood an answer.
 * @module
 */
import type { Column, Database, Table } from "@aws-sdk/client-glue";
import { cutText } from "./athena_results.ts";

/** Longest description, comment or parameter value reported. */
export const MAX_TEXT_CHARS = 1024;
/** Most table parameters reported. */
export const MAX_PARAMETERS = 50;
/** Most columns reported by a schema. */
export const MAX_COLUMNS = 1000;

function iso(d: Date | string | undefined): string | null {
  if (d === undefined) return null;
  const date = new Date(d);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function text(s: string | undefined): string | null {
  return s === undefined || s === "" ? null : cutText(s, MAX_TEXT_CHARS);
}

/** A database as listed. */
export interface DatabaseSummary {
  name: string;
  description: string | null;
  location: string | null;
  created: string | null;
}

/** Maps a Glue database. */
export function databaseSummary(db: Database): DatabaseSummary {
  return {
    name: db.Name ?? "",
    description: text(db.Description),
    location: db.LocationUri ?? null,
    created: iso(db.CreateTime),
  };
}

const SERDE_FORMATS: ReadonlyArray<[RegExp, string]> = [
  [/parquet/i, "parquet"],
  [/orc/i, "orc"],
  [/avro/i, "avro"],
  [/json/i, "json"],
  [/opencsv|lazysimple/i, "csv"],
  [/cloudtrail/i, "cloudtrail"],
  [/regex/i, "regex"],
  [/grok/i, "grok"],
  [/IonHiveSerDe/i, "ion"],
];
const INPUT_FORMATS: ReadonlyArray<[RegExp, string]> = [
  [/parquet/i, "parquet"],
  [/orc/i, "orc"],
  [/avro/i, "avro"],
  [/IonInputFormat/i, "ion"],
  [/TextInputFormat/, "text"],
];
const KNOWN_CLASSIFICATIONS: ReadonlySet<string> = new Set([
  "csv",
  "parquet",
  "json",
  "orc",
  "avro",
  "xml",
  "ion",
]);

/**
 * The storage format of a table, lower-case (parquet, orc, avro, json, csv, iceberg, delta,
 * hudi, view, ...), or null when nothing identifies it. Order: the table's own declaration
 * (Iceberg, Delta, view), Glue's classification, the SerDe library, the input format.
 */
export function tableFormat(table: Table): string | null {
  const params = table.Parameters ?? {};
  const lower = (k: string) => params[k]?.toLowerCase();
  if (lower("table_type") === "iceberg") return "iceberg";
  if (lower("spark.sql.sources.provider") === "delta") return "delta";
  if (table.TableType === "VIRTUAL_VIEW") return "view";
  const classification = lower("classification");
  if (classification && KNOWN_CLASSIFICATIONS.has(classification)) return classification;
  const sd = table.StorageDescriptor;
  const inputFormat = sd?.InputFormat ?? "";
  if (/hoodie/i.test(inputFormat)) return "hudi";
  const serde = sd?.SerdeInfo?.SerializationLibrary ?? "";
  for (const [re, format] of SERDE_FORMATS) if (re.test(serde)) return format;
  for (const [re, format] of INPUT_FORMATS) if (re.test(inputFormat)) return format;
  return null;
}

/** A table as listed. */
export interface TableSummary {
  name: string;
  table_type: string | null;
  format: string | null;
  location: string | null;
  column_count: number;
  partition_keys: string[];
  description: string | null;
  created: string | null;
  updated: string | null;
}

/** Maps a Glue table for a listing. */
export function tableSummary(table: Table): TableSummary {
  return {
    name: table.Name ?? "",
    table_type: table.TableType ?? null,
    format: tableFormat(table),
    location: table.StorageDescriptor?.Location ?? null,
    column_count: table.StorageDescriptor?.Columns?.length ?? 0,
    partition_keys: (table.PartitionKeys ?? []).map((c) => c.Name ?? ""),
    description: text(table.Description),
    created: iso(table.CreateTime),
    updated: iso(table.UpdateTime),
  };
}

/** A column of a schema. */
export interface SchemaColumn {
  name: string;
  type: string | null;
  comment: string | null;
}

function schemaColumn(c: Column): SchemaColumn {
  return { name: c.Name ?? "", type: c.Type ?? null, comment: text(c.Comment) };
}

/** A table's full schema. */
export interface TableSchema {
  database: string;
  name: string;
  table_type: string | null;
  format: string | null;
  location: string | null;
  input_format: string | null;
  output_format: string | null;
  serde_library: string | null;
  compressed: boolean | null;
  columns: SchemaColumn[];
  columns_cut: boolean;
  partition_keys: SchemaColumn[];
  parameters: Record<string, string>;
  description: string | null;
  created: string | null;
  updated: string | null;
}

/** Maps a Glue table to its schema. */
export function tableSchema(table: Table, database: string): TableSchema {
  const sd = table.StorageDescriptor;
  const columns = sd?.Columns ?? [];
  const parameters: Record<string, string> = {};
  for (const key of Object.keys(table.Parameters ?? {}).sort().slice(0, MAX_PARAMETERS)) {
    parameters[cutText(key, 256)] = cutText(table.Parameters![key], MAX_TEXT_CHARS);
  }
  return {
    database: table.DatabaseName ?? database,
    name: table.Name ?? "",
    table_type: table.TableType ?? null,
    format: tableFormat(table),
    location: sd?.Location ?? null,
    input_format: sd?.InputFormat ?? null,
    output_format: sd?.OutputFormat ?? null,
    serde_library: sd?.SerdeInfo?.SerializationLibrary ?? null,
    compressed: sd?.Compressed ?? null,
    columns: columns.slice(0, MAX_COLUMNS).map(schemaColumn),
    columns_cut: columns.length > MAX_COLUMNS,
    partition_keys: (table.PartitionKeys ?? []).map(schemaColumn),
    parameters,
    description: text(table.Description),
    created: iso(table.CreateTime),
    updated: iso(table.UpdateTime),
  };
}
