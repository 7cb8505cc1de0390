/**
 * Every CloudWatch Logs Insights query in runbooks/ and docs/ runs against real log output: a
 * short session against a real server (good and bad tokens, a JWKS outage, tool successes, errors
 * and denials, a failed AssumeRole, rate limiting, shutdown) is captured, and each query is parsed
 * and evaluated over those lines by a small evaluator (logs_insights.ts). A query passes when it
 * reads only fields the server emits (for a rare event, marked `empty-ok`: that the catalog declares)
 * and the telemetry catalog defines, compares `msg` only with
 * events the server logs, and — unless its block is marked `empty-ok` — finds something. Queries
 * marked `waf` run against WAF log records in AWS's documented format instead; queries marked
 * `cloudtrail` read a CloudTrail log group and run in audit_trail_test.ts, against CloudTrail records
 * of a captured run's own AWS calls.
 */
import { assert, assertEquals, assertRejects, startStack } from "../harness/mod.ts";
import catalog from "../../server/telemetry/catalog.json" with { type: "json" };
import { codeBlocks, operatorDocs, productVocabulary } from "./doc_scan.ts";
import {
  evaluate,
  type LogRecord,
  parseQuery,
  QuerySyntaxError,
  toRecord,
} from "./logs_insights.ts";

/** Fields CloudWatch Logs adds to every event. */
const BUILTIN_FIELDS: ReadonlySet<string> = new Set([
  "@timestamp",
  "@message",
  "@logStream",
  "@log",
  "@ingestionTime",
]);

/** What the catalog declares: log fields, metric names (EMF) and their dimensions. */
const DECLARED: ReadonlySet<string> = new Set([
  ...Object.keys(catalog.log_fields),
  ...Object.keys(catalog.metrics),
  ...Object.values(catalog.metrics).flatMap((m) => m.dimensions.flat()),
]);

/**
 * WAF log records in the format AWS documents for AWS WAF (web ACL traffic logging): one request
 * blocked by a rule inside the Core rule set, one counted large MCP body, one rate-limited request.
 */
const WAF_SAMPLE: readonly Record<string, unknown>[] = [
  {
    timestamp: 1735689600000,
    formatVersion: 1,
    webaclId: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/quilt-mcp/0000",
    terminatingRuleId: "AWSManagedRulesCommonRuleSet",
    terminatingRuleType: "MANAGED_RULE_GROUP",
    action: "BLOCK",
    terminatingRuleMatchDetails: [],
    httpSourceName: "ALB",
    httpSourceId: "123456789012-app/quilt-mcp/0000",
    ruleGroupList: [{
      ruleGroupId: "AWS#AWSManagedRulesCommonRuleSet",
      terminatingRule: {
        ruleId: "CrossSiteScripting_BODY",
        action: "BLOCK",
        ruleMatchDetails: null,
      },
      nonTerminatingMatchingRules: [],
      excludedRules: null,
    }],
    rateBasedRuleList: [],
    nonTerminatingMatchingRules: [],
    requestHeadersInserted: null,
    responseCodeSent: null,
    httpRequest: {
      clientIp: "198.51.100.7",
      country: "US",
      headers: [{ name: "authorization", value: "REDACTED" }],
      uri: "/mcp",
      args: "",
      httpVersion: "HTTP/1.1",
      httpMethod: "POST",
      requestId: "1-0000-0000",
    },
    labels: [{ name: "awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body" }],
  },
  {
    timestamp: 1735689601000,
    formatVersion: 1,
    webaclId: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/quilt-mcp/0000",
    terminatingRuleId: "Default_Action",
    terminatingRuleType: "REGULAR",
    action: "ALLOW",
    httpSourceName: "ALB",
    ruleGroupList: [{
      ruleGroupId: "AWS#AWSManagedRulesCommonRuleSet",
      terminatingRule: null,
      nonTerminatingMatchingRules: [{ ruleId: "SizeRestrictions_BODY", action: "COUNT" }],
    }],
    httpRequest: { clientIp: "198.51.100.8", uri: "/mcp", httpMethod: "POST", headers: [] },
    labels: [{ name: "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body" }],
  },
  {
    timestamp: 1735689602000,
    formatVersion: 1,
    terminatingRuleId: "RateLimitPerIp",
    terminatingRuleType: "RATE_BASED",
    action: "BLOCK",
    httpSourceName: "ALB",
    ruleGroupList: [],
    httpRequest: { clientIp: "203.0.113.9", uri: "/mcp", httpMethod: "POST", headers: [] },
    labels: [],
  },
];

const WAF_FIELDS: ReadonlySet<string> = new Set([
  ...BUILTIN_FIELDS,
  ...WAF_SAMPLE.flatMap((r) => Object.keys(toRecord(JSON.stringify(r), "waf")!)),
]);

// ---- the evaluator itself ------------------------------------------------------------------------

Deno.test("logs insights evaluator: filters, stats, sort and the fields a query reads", () => {
  const records: LogRecord[] = [
    { msg: "auth_failure", reason: "expired", status: 401, "@timestamp": 0 },
    { msg: "auth_failure", reason: "expired", status: 401, "@timestamp": 1000 },
    { msg: "auth_failure", reason: "wrong_issuer", status: 401, "@timestamp": 2000 },
    { msg: "http_request", status: 200, "@timestamp": 3000 },
  ];
  const q = parseQuery(
    'fields @timestamp, reason | filter msg = "auth_failure" and status >= 400 | stats count(*) as n by reason | sort n desc',
  );
  assertEquals([...q.fields].sort(), ["@timestamp", "msg", "reason", "status"]);
  assertEquals(evaluate(q, records), [{ reason: "expired", n: 2 }, {
    reason: "wrong_issuer",
    n: 1,
  }]);
  assertEquals(evaluate(parseQuery('filter msg = "nothing_like_this"'), records), []);
  assertEquals(
    evaluate(parseQuery('filter reason in ["expired"] and not status = 200 | limit 1'), records)
      .length,
    1,
  );
  assertEquals(
    evaluate(parseQuery("filter ispresent(reason) | stats count(*) as n by bin(1s)"), records)
      .length,
    3,
  );
  const parsed = parseQuery('parse @message /"id":"(?<ident>[^"]+)"/ | filter ident like /^a/');
  assertEquals([...parsed.fields], ["@message"]);
  assertEquals(evaluate(parsed, [{ "@message": '{"id":"abc"}' }, { "@message": '{"id":"x"}' }]), [
    { "@message": '{"id":"abc"}', ident: "abc" },
  ]);
});

Deno.test("logs insights evaluator: unsupported syntax is an error, not ignored", async () => {
  await assertRejects(
    () => Promise.resolve().then(() => parseQuery("dedup reason")),
    QuerySyntaxError,
  );
  await assertRejects(
    () => Promise.resolve().then(() => parseQuery("stats count(*) by reason")),
    QuerySyntaxError,
    "name every aggregate",
  );
});

// ---- the documents' queries against a real sample ------------------------------------------------

interface DocQuery {
  where: string;
  text: string;
  waf: boolean;
  cloudtrail: boolean;
  emptyOk: boolean;
}

async function documentQueries(): Promise<DocQuery[]> {
  const out: DocQuery[] = [];
  for (const doc of await operatorDocs()) {
    for (const block of codeBlocks(doc).filter((b) => b.info[0] === "logs-insights")) {
      out.push({
        where: `${doc.path}:${block.line}`,
        text: block.code.trim(),
        waf: block.info.includes("waf"),
        cloudtrail: block.info.includes("cloudtrail"),
        emptyOk: block.info.includes("empty-ok"),
      });
    }
  }
  return out;
}

async function post(origin: string, token: string | undefined, body: unknown): Promise<number> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
  };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const r = await fetch(`${origin}/mcp`, { method: "POST", headers, body: JSON.stringify(body) });
  await r.body?.cancel();
  return r.status;
}

const LIST_TOOLS = { jsonrpc: "2.0", id: 1, method: "tools/list", params: {} };

/** Runs a short, varied session against a real server and returns its log lines as records. */
async function captureSample(): Promise<LogRecord[]> {
  await using stack = await startStack({
    viaProxy: true,
    env: { QUILT_MCP_RATE_LIMIT_BURST: "8", QUILT_MCP_RATE_LIMIT_PER_MINUTE: "60" },
  });
  const origin = stack.server.origin;

  // The issuer's JWKS is down for the first request: 503, jwks_unavailable. Once it is back, the
  // server fetches it again when the cooldown its Retry-After announced has passed.
  stack.issuer.setAvailability("down");
  const jwksUser = await stack.token("jwks-user");
  assertEquals(await post(origin, jwksUser, LIST_TOOLS), 503);
  stack.issuer.setAvailability("up");
  let back = 503;
  for (let i = 0; i < 20 && back === 503; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    back = await post(origin, jwksUser, LIST_TOOLS);
  }
  assertEquals(back, 200, "served again once the issuer is back");

  {
    await using alice = await stack.http("alice@example.com");
    await alice.listTools();
    await alice.callTool({ name: "auth_status", arguments: {} });
    await alice.callTool({ name: "bucket_list", arguments: {} });
    await alice.callTool({ name: "bucket_objects_list", arguments: { bucket: "no-such-bucket" } });
    // S3 refuses: an access-denied tool result (outcome denied).
    stack.proxy!.setFaults([{ error: { status: 403, code: "AccessDenied" } }]);
    await alice.callTool({ name: "bucket_objects_list", arguments: { bucket: "denied-bucket" } });
    stack.proxy!.setFaults([]);
  }
  {
    // STS refuses the per-user role: sts_assume error, credentials_unavailable.
    stack.proxy!.setFaults([{
      action: "AssumeRole",
      error: { status: 403, code: "AccessDenied" },
    }]);
    await using bob = await stack.http("bob@example.com");
    await bob.callTool({ name: "auth_status", arguments: {} });
    stack.proxy!.setFaults([]);
  }

  // Refused requests.
  assertEquals(await post(origin, undefined, LIST_TOOLS), 401);
  assertEquals(
    await post(origin, await stack.token("eve", {}, { expiresIn: -600 }), LIST_TOOLS),
    401,
  );
  assertEquals(
    await post(
      origin,
      await stack.token("eve", {}, { audience: "https://other.example/mcp" }),
      LIST_TOOLS,
    ),
    401,
  );
  assertEquals(
    await post(
      origin,
      await stack.token("mallory", { quilt_role_arns: "arn:aws:iam::999999999999:role/admin" }),
      LIST_TOOLS,
    ),
    403,
  );
  // Beyond the burst: 429.
  const flood = await stack.token("flooder");
  const statuses = await Promise.all(
    Array.from({ length: 12 }, () => post(origin, flood, LIST_TOOLS)),
  );
  assert(statuses.includes(429), `rate limit reached: ${statuses}`);

  await stack.server.stop();
  assert(stack.server.logLines.length > 20, "the session produced log lines");
  return stack.server.logLines.map((l) => toRecord(l, "mcp/quilt-mcp/sample-task"))
    .filter((r): r is LogRecord => r !== undefined);
}

/** String values a query compares `msg` (or `reason`) with. */
function comparedValues(query: string, field: string): string[] {
  const out: string[] = [];
  for (const m of query.matchAll(new RegExp(`\\b${field}\\s*!?=\\s*"([^"]+)"`, "g"))) {
    out.push(m[1]);
  }
  for (const m of query.matchAll(new RegExp(`\\b${field}\\s+in\\s*\\[([^\\]]*)\\]`, "g"))) {
    out.push(...[...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]));
  }
  return out;
}

Deno.test("every Logs Insights query in runbooks/ and docs/ runs against real server logs", async () => {
  const queries = await documentQueries();
  assert(queries.length >= 20, `expected the runbooks to carry queries, found ${queries.length}`);
  const records = await captureSample();
  const emitted = new Set([...BUILTIN_FIELDS, ...records.flatMap((r) => Object.keys(r))]);
  const events = new Set(records.map((r) => r.msg).filter((m) => typeof m === "string"));
  const vocabulary = await productVocabulary();
  const wafRecords = WAF_SAMPLE.map((r) => toRecord(JSON.stringify(r), "waf")!);

  const problems: string[] = [];
  for (const q of queries) {
    // Run against CloudTrail records of a captured run by audit_trail_test.ts, which reads the
    // blocks of runbooks/audit-trail.md: one anywhere else would go unchecked, so it is refused.
    if (q.cloudtrail) {
      if (!q.where.startsWith("runbooks/audit-trail.md:")) {
        problems.push(`${q.where}: cloudtrail queries belong in runbooks/audit-trail.md`);
      }
      continue;
    }
    let parsed;
    try {
      parsed = parseQuery(q.text);
    } catch (e) {
      problems.push(`${q.where}: ${(e as Error).message}`);
      continue;
    }
    if (q.waf) {
      for (const f of parsed.fields) {
        if (!WAF_FIELDS.has(f)) problems.push(`${q.where}: ${f} is not a WAF log field`);
      }
      if (!q.emptyOk && evaluate(parsed, wafRecords).length === 0) {
        problems.push(`${q.where}: matches none of the WAF sample records`);
      }
      continue;
    }
    for (const f of parsed.fields) {
      // A query for a rare event (empty-ok) may read a declared field the sample does not show.
      if (!emitted.has(f) && !(q.emptyOk && DECLARED.has(f))) {
        problems.push(`${q.where}: the server never emitted the field ${f}`);
      }
      if (!BUILTIN_FIELDS.has(f) && !DECLARED.has(f)) {
        problems.push(`${q.where}: ${f} is not declared in server/telemetry/catalog.json`);
      }
    }
    for (const msg of comparedValues(q.text, "msg")) {
      const declared = msg in catalog.log_events;
      if (!events.has(msg) && !declared && !vocabulary.has(msg)) {
        problems.push(`${q.where}: the server has no log event "${msg}"`);
      }
    }
    for (const reason of comparedValues(q.text, "reason")) {
      if (!vocabulary.has(reason)) problems.push(`${q.where}: no reason "${reason}" in the server`);
    }
    if (!q.emptyOk && evaluate(parsed, records).length === 0) {
      problems.push(
        `${q.where}: found nothing in the sample (mark the block empty-ok if expected)`,
      );
    }
  }
  assertEquals(problems, []);
  // The sample really covers what the runbooks look for.
  for (const event of ["auth_failure", "tool_call", "sts_assume", "http_request"]) {
    assert(events.has(event), `the sample has ${event} lines`);
  }
  assert(emitted.has("AuthFailure") && emitted.has("RateLimited"), "the sample has EMF lines");
});
