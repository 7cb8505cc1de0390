/**
 * The athena category's MCP resources: the account's Athena workgroups, and the caller's own recent
 * queries in the server's workgroup (only queries bearing the caller's mark, see athena_history.ts).
 * @module
 */
import {
  GetQueryExecutionCommand,
  ListQueryExecutionsCommand,
  ListWorkGroupsCommand,
  type QueryExecution,
} from "@aws-sdk/client-athena";
import { mapLimit } from "../common/concurrency.ts";
import type { ToolEnv } from "../common/define.ts";
import { defineResource, type ResourceDefinition } from "../common/define_resource.ts";
import { ownQuery } from "./athena_history.ts";

/** Most workgroups listed. */
const MAX_WORKGROUPS = 200;
/** Query executions of the workgroup examined for the caller's history (Athena lists newest first). */
const HISTORY_SCAN = 50;
/** Executions read at once. */
const HISTORY_CONCURRENCY = 8;

const json = (value: unknown) => ({
  text: JSON.stringify(value, null, 2),
  mimeType: "application/json",
});

const workgroups = defineResource({
  uri: "athena://workgroups",
  name: "athena-workgroups",
  title: "Athena workgroups",
  description:
    "The account's Athena workgroups (name, state, engine, description) and which one this server runs queries in. Attach it to choose or explain where athena_query_execute runs.",
  mimeType: "application/json",
  async read(_uri, _vars, env) {
    const configured = env.deps.config.athenaWorkgroup;
    const found: Array<Record<string, unknown>> = [];
    let token: string | undefined;
    do {
      const page = await env.aws(
        { action: "athena:ListWorkGroups" },
        () =>
          env.deps.aws.athena().send(
            new ListWorkGroupsCommand({ NextToken: token, MaxResults: 50 }),
            { abortSignal: env.signal },
          ),
      );
      for (const w of page.WorkGroups ?? []) {
        found.push({
          name: w.Name ?? "",
          state: w.State ?? null,
          description: w.Description || null,
          engine_version: w.EngineVersion?.EffectiveEngineVersion ?? null,
          used_by_this_server: w.Name === configured,
        });
      }
      token = page.NextToken;
    } while (token && found.length < MAX_WORKGROUPS);
    return json({
      region: env.deps.config.awsRegion,
      server_workgroup: configured,
      workgroups: found.slice(0, MAX_WORKGROUPS),
      truncated: token !== undefined,
    });
  },
});

function historyEntry(e: QueryExecution, sql: string) {
  const status = e.Status;
  return {
    query_execution_id: e.QueryExecutionId ?? "",
    sql,
    state: status?.State ?? null,
    submitted: status?.SubmissionDateTime?.toISOString() ?? null,
    completed: status?.CompletionDateTime?.toISOString() ?? null,
    catalog: e.QueryExecutionContext?.Catalog ?? null,
    database: e.QueryExecutionContext?.Database ?? null,
    data_scanned_bytes: e.Statistics?.DataScannedInBytes ?? null,
    execution_time_ms: e.Statistics?.TotalExecutionTimeInMillis ?? null,
    error: status?.AthenaError?.ErrorMessage ?? status?.StateChangeReason ?? null,
  };
}

async function executions(env: ToolEnv, workgroup: string): Promise<QueryExecution[]> {
  const listed = await env.aws(
    { action: "athena:ListQueryExecutions", target: `workgroup ${workgroup}` },
    () =>
      env.deps.aws.athena().send(
        new ListQueryExecutionsCommand({ WorkGroup: workgroup, MaxResults: HISTORY_SCAN }),
        { abortSignal: env.signal },
      ),
  );
  // Athena answers newest first and at most MaxResults; an emulator that ignores both lists oldest
  // first, so the last HISTORY_SCAN ids are the newest either way (sorted by time below).
  const ids = (listed.QueryExecutionIds ?? []).slice(-HISTORY_SCAN);
  // GetQueryExecution per id (BatchGetQueryExecution would need one more permission for the same).
  const read = await mapLimit(ids, HISTORY_CONCURRENCY, (id) =>
    env.aws(
      { action: "athena:GetQueryExecution", target: `query ${id}` },
      () =>
        env.deps.aws.athena().send(new GetQueryExecutionCommand({ QueryExecutionId: id }), {
          abortSignal: env.signal,
        }),
    ));
  return read.flatMap((r) => (r.QueryExecution ? [r.QueryExecution] : []));
}

const history = defineResource({
  uri: "athena://queries/recent",
  name: "athena-query-history",
  title: "My recent Athena queries",
  description:
    "Your own recent queries in this server's Athena workgroup (started through athena_query_execute), newest first: SQL, state, times, data scanned and errors. Other people's queries in the same workgroup are never shown. Attach it to continue or fix earlier work.",
  mimeType: "application/json",
  async read(_uri, _vars, env) {
    const workgroup = env.deps.config.athenaWorkgroup;
    const mine = (await executions(env, workgroup))
      .flatMap((e) => {
        const sql = ownQuery(e.Query ?? "", env.context);
        return sql === undefined ? [] : [historyEntry(e, sql)];
      })
      .sort((a, b) => (b.submitted ?? "").localeCompare(a.submitted ?? ""));
    return json({
      workgroup,
      examined: HISTORY_SCAN,
      queries: mine,
    });
  },
});

/** Resources of the athena category. */
export const ATHENA_RESOURCES: readonly ResourceDefinition[] = [workgroups, history];
