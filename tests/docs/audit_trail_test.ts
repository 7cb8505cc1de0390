/**
 * Per-user evidence end to end: the server's audit record of a tool call and CloudTrail's record of
 * the AWS calls it made can be joined, and the queries of runbooks/audit-trail.md find them.
 *
 * A real server (per-user mode, through the recording proxy in front of the emulator) serves three
 * people: alice reads an object, reads another's metadata and creates a presigned link that is then
 * downloaded; bob (a subject STS cannot take as is, so his source identity is cleaned and hashed)
 * reads the same object and is refused another; carol sends her own `X-Request-Id` with `:` in it.
 * The server's log lines are the server side. The CloudTrail side is written by
 * `cloudtrail_records.ts` from the requests the proxy saw, in AWS's documented record format, each
 * call attributed by the access key that signed it (that module says which field comes from where).
 *
 * Proven here: the audit record carries exactly the SourceIdentity and RoleSessionName sent to STS;
 * every CloudTrail data event joins exactly one tool call of the same person (source identity +
 * request id in the user agent, time consistent), except the presigned download, which joins the
 * call that created the link; and every runbook query, with its placeholders filled in for each
 * person, finds that person's records and nobody else's ("who read this object" finds exactly the
 * people who read it).
 */
import {
  assert,
  assertEquals,
  connectHttp,
  MOTO_ACCOUNT,
  type RecordedRequest,
  seedBucket,
  type Stack,
  startStack,
  toolJson,
} from "../harness/mod.ts";
import catalog from "../../server/telemetry/catalog.json" with { type: "json" };
import { userAgentRequestId } from "../../server/aws/clients.ts";
import { codeBlocks, readRepo } from "./doc_scan.ts";
import { evaluate, type LogRecord, parseQuery, toRecord } from "./logs_insights.ts";
import { cloudTrailEvents, cloudTrailLogRecords, type TrailContext } from "./cloudtrail_records.ts";

const RUNBOOK = "runbooks/audit-trail.md";
const BUCKET = "audit-data";
const SERVER_LOG_GROUP = "/ecs/quilt-mcp";
const TRAIL: TrailContext = {
  account: MOTO_ACCOUNT,
  region: "us-east-1",
  logGroup: "audit-trail",
  taskRoleName: "quilt-mcp-task",
};

interface Persona {
  readonly subject: string;
  /** The object the person reads with bucket_object_text. */
  readonly key: string;
  /** An X-Request-Id the client sends (carol), else the server generates ids. */
  readonly requestId?: string;
}

const ALICE: Persona = { subject: "alice@example.com", key: "reports/q3.csv" };
const BOB: Persona = { subject: "Bob Builder <bob@example.com>", key: "reports/q3.csv" };
const CAROL: Persona = {
  subject: "carol@example.com",
  key: "notes/alice.md",
  requestId: "audit:case:0001",
};
const PERSONAS = [ALICE, BOB, CAROL];

const text = (key: string) => ({ name: "bucket_object_text", arguments: { bucket: BUCKET, key } });

/** The three sessions; returns nothing, the evidence is in the logs and the proxy. */
async function scenario(stack: Stack): Promise<void> {
  const proxy = stack.proxy!;
  {
    await using alice = await stack.http(ALICE.subject);
    assert(!(await alice.callTool(text(ALICE.key))).isError, "alice reads");
    const info = await alice.callTool({
      name: "bucket_object_info",
      arguments: { bucket: BUCKET, key: "notes/alice.md" },
    });
    assert(!info.isError, "alice reads metadata");
    const link = await alice.callTool({
      name: "bucket_object_link",
      arguments: { bucket: BUCKET, key: "reports/q4.csv", expires_in: 300 },
    });
    assert(!link.isError, "alice creates a link");
    // Someone downloads through the link: signed with alice's session, made by another program.
    const download = await fetch(String(toolJson(link).url));
    assertEquals([download.status, await download.text()], [200, "x,y\n3,4\n"]);
  }
  {
    await using bob = await stack.http(BOB.subject);
    assert(!(await bob.callTool(text(BOB.key))).isError, "bob reads");
    proxy.setFaults([{ error: { status: 403, code: "AccessDenied" } }]);
    assert((await bob.callTool(text("reports/q4.csv"))).isError, "bob is refused");
    proxy.setFaults([]);
  }
  {
    await using carol = await connectHttp(stack.server.origin, {
      token: await stack.token(CAROL.subject),
      headers: { "X-Request-Id": CAROL.requestId! },
    });
    assert(!(await carol.callTool(text(CAROL.key))).isError, "carol reads");
  }
}

interface Evidence {
  server: LogRecord[];
  trail: LogRecord[];
  requests: RecordedRequest[];
}

async function capture(): Promise<Evidence> {
  await using stack = await startStack({
    viaProxy: true,
    categories: ["s3-read"],
    env: { QUILT_MCP_BUCKETS: BUCKET, QUILT_MCP_PRESIGN_MAX_SECONDS: "600" },
  });
  await seedBucket(stack.moto, BUCKET, {
    "reports/q3.csv": "a,b\n1,2\n",
    "reports/q4.csv": "x,y\n3,4\n",
    "notes/alice.md": "# notes\n",
  });
  await scenario(stack);
  await stack.server.stop();
  const server = stack.server.logLines
    .map((l) => toRecord(l, "mcp/quilt-mcp/0123456789abcdef"))
    .filter((r): r is LogRecord => r !== undefined && typeof r.msg === "string")
    .map((r) => ({ ...r, "@log": `${MOTO_ACCOUNT}:${SERVER_LOG_GROUP}` }));
  const requests = [...stack.proxy!.requests];
  const trail = cloudTrailLogRecords(cloudTrailEvents(requests, TRAIL), TRAIL);
  return { server, trail, requests };
}

/** The run, captured once (by the first test that needs it) and shared by the tests below. */
let captured: Promise<Evidence> | undefined;
let evidence: Evidence;
let toolCalls: LogRecord[];
async function run(): Promise<void> {
  evidence = await (captured ??= capture());
  toolCalls = evidence.server.filter((r) => r.msg === "tool_call");
}

function callsOf(p: Persona): LogRecord[] {
  return toolCalls.filter((r) => r.principal === p.subject);
}

/** The values a runbook placeholder stands for, for one person. */
function placeholders(p: Persona): Record<string, string> {
  const [read] = callsOf(p).filter((r) => r.tool === "bucket_object_text" && r.outcome === "ok");
  assert(read, `${p.subject} has a bucket_object_text record`);
  const requestId = String(read.request_id);
  return {
    "<principal>": p.subject,
    "<source-identity>": String(read.source_identity),
    "<bucket>": BUCKET,
    "<key>": p.key,
    "<request-id>": requestId,
    "<user-agent-request-id>": userAgentRequestId(requestId),
  };
}

Deno.test("audit: the record carries the SourceIdentity and RoleSessionName sent to STS", async () => {
  await run();
  for (const p of PERSONAS) {
    const calls = callsOf(p);
    assert(calls.length > 0, `${p.subject} made tool calls`);
    const assumes = evidence.requests.filter((r) =>
      r.action === "AssumeRole" && r.params.get("SourceIdentity") === calls[0].source_identity
    );
    assertEquals(assumes.length, 1, `one AssumeRole for ${p.subject}`);
    const sent = {
      source_identity: assumes[0].params.get("SourceIdentity"),
      role_session_name: assumes[0].params.get("RoleSessionName"),
      role_arn: assumes[0].params.get("RoleArn"),
    };
    for (const call of calls) {
      assertEquals(
        {
          source_identity: call.source_identity,
          role_session_name: call.role_session_name,
          role_arn: call.role_arn,
        },
        sent,
        `${call.tool} of ${p.subject}`,
      );
    }
    const [assumed] = evidence.server.filter((r) =>
      r.msg === "sts_assume" && r.principal === p.subject
    );
    assertEquals([assumed.source_identity, assumed.role_session_name], [
      sent.source_identity,
      sent.role_session_name,
    ]);
  }
  // A subject STS cannot take as is gets a cleaned, hashed identity: still distinct and joinable.
  const bob = String(callsOf(BOB)[0].source_identity);
  assert(/^[\w+=,.@-]{2,64}$/.test(bob) && bob !== BOB.subject, bob);
  // The fields are declared where every log field is.
  for (const f of ["source_identity", "role_session_name"]) assert(f in catalog.log_fields, f);
});

Deno.test("audit: every CloudTrail data event joins exactly one tool call of the same person", async () => {
  await run();
  const dataEvents = evidence.trail.filter((e) => e.eventCategory === "Data");
  assert(dataEvents.length >= 7, `data events: ${dataEvents.length}`);
  const joined = new Set<LogRecord>();
  let presigned = 0;
  for (const e of dataEvents) {
    const who = e["userIdentity.sessionContext.sourceIdentity"];
    const when = Date.parse(String(e.eventTime));
    const marker = /quilt-mcp-request\/([A-Za-z0-9._-]+)/.exec(String(e.userAgent))?.[1];
    const where = `${e.eventName} ${e["requestParameters.key"]} by ${who}`;
    if (marker === undefined) {
      // Not made by the server: the download of a presigned link, after the call that created it.
      presigned++;
      const links = toolCalls.filter((c) =>
        c.tool === "bucket_object_link" && c.source_identity === who &&
        Date.parse(String(c.ts)) - Number(c.latency_ms) <= when + 999
      );
      assertEquals(links.length, 1, `${where}: the link that was downloaded`);
      assertEquals(e["additionalEventData.AuthenticationMethod"], "QueryString", where);
      continue;
    }
    const matches = toolCalls.filter((c) =>
      c.source_identity === who && userAgentRequestId(String(c.request_id)) === marker
    );
    assertEquals(matches.length, 1, `${where}: one tool call`);
    const end = Date.parse(String(matches[0].ts));
    const start = end - Number(matches[0].latency_ms);
    // eventTime has whole seconds: the event's second lies between the call's start and end.
    assert(when >= Math.floor(start / 1000) * 1000 && when <= end, `${where}: within the call`);
    joined.add(matches[0]);
  }
  assertEquals(presigned, 1, "exactly the one presigned download has no request id");
  // Conversely, each S3 tool call that reached AWS has its CloudTrail events (refusals included).
  const s3Calls = toolCalls.filter((c) => String(c.tool).startsWith("bucket_object_"));
  assertEquals(s3Calls.filter((c) => !joined.has(c)), []);
  assert(
    dataEvents.some((e) => e.errorCode === "AccessDenied") &&
      s3Calls.some((c) => c.outcome === "denied" && joined.has(c)),
    "a refused read is on both sides",
  );
  // Carol's own X-Request-Id reaches CloudTrail with ':' as '-', as the runbook says.
  const carol = callsOf(CAROL).find((c) => c.tool === "bucket_object_text")!;
  assertEquals(carol.request_id, CAROL.requestId);
  assert(
    dataEvents.some((e) => String(e.userAgent).includes("quilt-mcp-request/audit-case-0001")),
    "the user agent carries carol's request id",
  );
});

// ---- the runbook's queries ------------------------------------------------------------------------

interface RunbookQuery {
  readonly where: string;
  readonly text: string;
  readonly cloudtrail: boolean;
  readonly emptyOk: boolean;
}

function runbookQueries(): RunbookQuery[] {
  const doc = { path: RUNBOOK, text: readRepo(RUNBOOK) };
  return codeBlocks(doc).filter((b) => b.info[0] === "logs-insights").map((b) => ({
    where: `${RUNBOOK}:${b.line}`,
    text: b.code.trim(),
    cloudtrail: b.info.includes("cloudtrail"),
    emptyOk: b.info.includes("empty-ok"),
  }));
}

function instantiate(query: string, values: Record<string, string>): string {
  let out = query;
  for (const [k, v] of Object.entries(values)) out = out.replaceAll(k, v);
  const left = /<[a-z-]+>/.exec(out);
  if (left) throw new Error(`unknown placeholder ${left[0]} in: ${query}`);
  return out;
}

/** Who read `key` with GetObject, from the ground truth of the scenario (the tool calls made). */
function readersOf(key: string): Set<string> {
  return new Set(
    PERSONAS.filter((p) => p.key === key).map((p) => placeholders(p)["<source-identity>"]),
  );
}

Deno.test("audit: every query of runbooks/audit-trail.md finds the person's records and nobody else's", async () => {
  await run();
  const queries = runbookQueries();
  assert(queries.filter((q) => q.cloudtrail).length >= 5, "the runbook has CloudTrail queries");
  assert(queries.filter((q) => !q.cloudtrail).length >= 4, "the runbook has server queries");
  const trailFields = new Set(evidence.trail.flatMap((r) => Object.keys(r)));
  const serverFields = new Set(evidence.server.flatMap((r) => Object.keys(r)));
  const declared = new Set(Object.keys(catalog.log_fields));
  const problems: string[] = [];
  for (const q of queries) {
    const records = q.cloudtrail ? [...evidence.server, ...evidence.trail] : evidence.server;
    for (const f of parseQuery(q.text).fields) {
      const known = serverFields.has(f) || (q.cloudtrail && trailFields.has(f)) ||
        (q.emptyOk && declared.has(f)) || f === "@log" || f === "@logStream";
      if (!known) problems.push(`${q.where}: no record has the field ${f}`);
    }
    let found = 0;
    for (const p of PERSONAS) {
      const values = placeholders(p);
      const rows = evaluate(parseQuery(instantiate(q.text, values)), records);
      if (rows.length > 0) found++;
      else if (!q.emptyOk) problems.push(`${q.where}: nothing found for ${p.subject}`);
      const shown = JSON.stringify(rows);
      if (q.text.includes("<key>")) {
        // "Who read this object": exactly the people who read it.
        const readers = new Set(
          rows.map((r) => String(r["userIdentity.sessionContext.sourceIdentity"])),
        );
        assertEquals(readers, readersOf(p.key), `${q.where} for ${p.key}`);
        continue;
      }
      for (const other of PERSONAS.filter((o) => o !== p)) {
        const theirs = placeholders(other);
        for (const v of [theirs["<source-identity>"], theirs["<request-id>"], other.subject]) {
          if (shown.includes(v)) problems.push(`${q.where}: ${p.subject}'s answer shows ${v}`);
        }
      }
    }
    if (q.emptyOk && found === 0) problems.push(`${q.where}: found nothing for anybody`);
  }
  assertEquals(problems, []);
});
