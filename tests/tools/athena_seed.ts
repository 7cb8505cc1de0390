/**
 * Emulator fixtures for the athena tool tests: Glue databases and tables seeded through the AWS
 * SDK, extra Athena workgroups, moto's canned query results and its query state transitions
 * (moto-api), and admin clients to check what the tools really did.
 * @module
 */
import {
  AthenaClient,
  CreateWorkGroupCommand,
  GetQueryExecutionCommand,
  ListQueryExecutionsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { CreateDatabaseCommand, CreateTableCommand, GlueClient } from "@aws-sdk/client-glue";
import type { Moto } from "../harness/mod.ts";

/** Bucket and prefix the server is configured to put query results under. */
export const RESULTS_BUCKET = "athena-results";
export const RESULTS_PREFIX = "quilt-mcp/";
export const OUTPUT_LOCATION = `s3://${RESULTS_BUCKET}/${RESULTS_PREFIX}`;

/** Seeded Glue databases (in creation order) and the tables of `sales`. */
export const DATABASES = ["sales", "logs", "genomics", "staging", "archive"] as const;
export const SALES_TABLES = [
  "orders",
  "customers",
  "events_2024",
  "events_2025",
  "returns",
] as const;

/** A workgroup that enforces its own result location, and one the server is not configured for. */
export const ENFORCED_WORKGROUP = "enforced";
export const ENFORCED_LOCATION = "s3://athena-results/enforced/";
export const OTHER_WORKGROUP = "other";

const PARQUET = {
  InputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
  OutputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
  SerdeInfo: {
    SerializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
  },
};
const CSV = {
  InputFormat: "org.apache.hadoop.mapred.TextInputFormat",
  OutputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
  SerdeInfo: {
    SerializationLibrary: "org.apache.hadoop.hive.serde2.OpenCSVSerde",
    Parameters: { separatorChar: "," },
  },
};
const JSON_SERDE = {
  InputFormat: "org.apache.hadoop.mapred.TextInputFormat",
  OutputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
  SerdeInfo: { SerializationLibrary: "org.openx.data.jsonserde.JsonSerDe" },
};

/** The columns of sales.orders as seeded. */
export const ORDERS_COLUMNS = [
  { Name: "order_id", Type: "bigint", Comment: "unique per order" },
  { Name: "customer", Type: "string" },
  { Name: "amount", Type: "decimal(10,2)", Comment: "EUR" },
];

/** Seeds Glue, the results bucket and the extra workgroups. */
export async function seedAthena(moto: Moto): Promise<void> {
  const glue = new GlueClient(moto.clientConfig());
  const athena = new AthenaClient(moto.clientConfig());
  try {
    for (const name of DATABASES) {
      await glue.send(
        new CreateDatabaseCommand({
          DatabaseInput: {
            Name: name,
            Description: `The ${name} database`,
            LocationUri: `s3://acme-data/${name}/`,
          },
        }),
      );
    }
    const table = (
      Name: string,
      format: typeof PARQUET,
      Columns: Array<{ Name: string; Type: string; Comment?: string }>,
      extra: Record<string, unknown> = {},
    ) =>
      glue.send(
        new CreateTableCommand({
          DatabaseName: "sales",
          TableInput: {
            Name,
            TableType: "EXTERNAL_TABLE",
            StorageDescriptor: { ...format, Columns, Location: `s3://acme-data/sales/${Name}/` },
            ...extra,
          },
        }),
      );
    await table("orders", PARQUET, ORDERS_COLUMNS, {
      Description: "One row per order",
      PartitionKeys: [{ Name: "dt", Type: "string", Comment: "order day" }],
      Parameters: { classification: "parquet", "projection.enabled": "false" },
    });
    await table("customers", CSV, [{ Name: "id", Type: "bigint" }, {
      Name: "name",
      Type: "string",
    }]);
    await table("events_2024", JSON_SERDE, [{ Name: "payload", Type: "string" }]);
    await table("events_2025", JSON_SERDE, [{ Name: "payload", Type: "string" }]);
    await table("returns", PARQUET, [{ Name: "order_id", Type: "bigint" }]);
    await athena.send(
      new CreateWorkGroupCommand({
        Name: ENFORCED_WORKGROUP,
        Configuration: {
          EnforceWorkGroupConfiguration: true,
          ResultConfiguration: { OutputLocation: ENFORCED_LOCATION },
        },
      }),
    );
    await athena.send(
      new CreateWorkGroupCommand({
        Name: OTHER_WORKGROUP,
        Configuration: {
          EnforceWorkGroupConfiguration: false,
          ResultConfiguration: { OutputLocation: "s3://athena-results/other/" },
        },
      }),
    );
  } finally {
    glue.destroy();
    athena.destroy();
  }
}

/** A canned result: column metadata and rows of text values (null = SQL NULL). */
export interface CannedResult {
  columns: Array<
    { name: string; type: string; nullable?: boolean; precision?: number; scale?: number }
  >;
  rows: Array<Array<string | null>>;
  /** Prepend the header row real Athena returns first for SELECT statements (default true). */
  header?: boolean;
}

async function motoApi(moto: Moto, path: string, body: unknown): Promise<void> {
  const r = await fetch(`${moto.endpoint}/moto-api/${path}`, {
    method: "POST",
    body: JSON.stringify(body),
  });
  await r.body?.cancel();
  if (!r.ok) throw new Error(`moto-api ${path}: HTTP ${r.status}`);
}

/** Queues results moto hands to the next query executions, in order. */
export async function queueResults(moto: Moto, ...results: CannedResult[]): Promise<void> {
  await motoApi(moto, "static/athena/query-results", {
    results: results.map((r) => ({
      column_info: r.columns.map((c) => ({
        Name: c.name,
        Label: c.name,
        Type: c.type,
        Nullable: c.nullable === undefined ? "UNKNOWN" : c.nullable ? "NULLABLE" : "NOT_NULL",
        ...(c.precision !== undefined ? { Precision: c.precision } : {}),
        ...(c.scale !== undefined ? { Scale: c.scale } : {}),
      })),
      rows: [
        ...(r.header === false ? [] : [r.columns.map((c) => c.name)]),
        ...r.rows,
      ].map((values) => ({
        Data: values.map((v) => (v === null ? {} : { VarCharValue: v })),
      })),
    })),
  });
}

/**
 * Holds every new and existing query execution in its current state (QUEUED) until `release`:
 * moto otherwise reports SUCCEEDED on the first poll. Used to exercise the timeout path.
 */
export async function holdQueries(moto: Moto): Promise<{ release(): Promise<void> }> {
  const model = "athena::execution";
  await motoApi(moto, "state-manager/set-transition", {
    model_name: model,
    transition: { progression: "manual", times: 1_000_000 },
  });
  return { release: () => motoApi(moto, "state-manager/unset-transition", { model_name: model }) };
}

/** Admin-side view of Athena in the emulator. */
export class AthenaAdmin {
  readonly client: AthenaClient;
  constructor(moto: Moto) {
    this.client = new AthenaClient(moto.clientConfig());
  }
  /** A query execution as Athena reports it. */
  async execution(id: string): Promise<QueryExecution> {
    const out = await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    return out.QueryExecution!;
  }
  /** Ids of every query execution in a workgroup. */
  async executionIds(workgroup: string): Promise<string[]> {
    const out = await this.client.send(new ListQueryExecutionsCommand({ WorkGroup: workgroup }));
    return out.QueryExecutionIds ?? [];
  }
  /** Starts a query directly (not through the tools). */
  async start(sql: string, workgroup: string): Promise<string> {
    const out = await this.client.send(
      new StartQueryExecutionCommand({ QueryString: sql, WorkGroup: workgroup }),
    );
    return out.QueryExecutionId!;
  }
  destroy(): void {
    this.client.destroy();
  }
}
