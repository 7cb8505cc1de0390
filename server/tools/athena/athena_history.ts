/**
 * Whose query is whose. Athena keeps no record of which person started a query in a shared
 * workgroup (the server's role, or one data role per audience, runs them all), so the server marks
 * each data query it starts with a comment naming the caller by a digest of their verified identity,
 * and the query-history resource shows a caller only the queries bearing their own mark. The digest
 * reveals nothing about the identity; the mark is written only by the server (the caller's SQL
 * comes after it), so a caller cannot make another person's queries appear as theirs.
 * @module
 */
import { createHash } from "node:crypto";
import type { RequestContext } from "../../context.ts";

/** Statements that carry the mark: Trino data queries (Athena's Hive DDL path is left untouched). */
const MARKED_KEYWORDS: ReadonlySet<string> = new Set(["SELECT", "WITH", "VALUES"]);

const MARK = /^\/\* quilt-mcp caller=([0-9a-f]{32}) \*\/\n/;

/** The caller's digest: client type, issuer and verified subject (never a token). */
export function callerDigest(context: RequestContext): string {
  return createHash("sha256")
    .update(
      JSON.stringify([context.clientType, context.principal.issuer ?? "", context.principal.id]),
    )
    .digest("hex")
    .slice(0, 32);
}

/** The SQL Athena runs for `sql` (whose leading keyword is `keyword`) started by `context`. */
export function markedSql(sql: string, keyword: string, context: RequestContext): string {
  if (!MARKED_KEYWORDS.has(keyword)) return sql;
  return `/* quilt-mcp caller=${callerDigest(context)} */\n${sql}`;
}

/** The caller's own SQL when `query` bears `context`'s mark; undefined otherwise. */
export function ownQuery(query: string, context: RequestContext): string | undefined {
  const m = MARK.exec(query);
  if (!m || m[1] !== callerDigest(context)) return undefined;
  return query.slice(m[0].length);
}
