/**
 * Runs the authentication matrix (auth_cases.ts) against real server processes, in both protocol
 * eras. For every case: the status code, the WWW-Authenticate challenge, that no tool ran (or that
 * it did, for positive cases), that the AuthFailure counter moved with the right reason, and — at
 * the end — that no token text reached the logs.
 */
import {
  assert,
  assertEquals,
  assertMatch,
  type Era,
  ERAS,
  MOTO_ACCOUNT,
  runServerCli,
  type ServerProcess,
  STACK_PUBLIC_URL,
  startHttpServer,
  startIssuer,
  startStack,
} from "../harness/mod.ts";
import {
  AUTH_CASES,
  type AuthCase,
  type CaseEnv,
  type CaseRequest,
  STARTUP_CASES,
} from "./auth_cases.ts";

function body(era: Era, padBytes = 0): string {
  const args = padBytes > 0 ? { pad: "x".repeat(padBytes) } : {};
  if (era === "legacy") {
    return JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "auth_status", arguments: args },
    });
  }
  return JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: {
      name: "auth_status",
      arguments: args,
      _meta: {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": { name: "matrix", version: "0" },
        "io.modelcontextprotocol/clientCapabilities": {},
      },
    },
  });
}

/** Sends one case request; returns the response and the request id used. */
async function send(origin: string, era: Era, req: CaseRequest, requestId: string) {
  const headers = new Headers({
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "x-request-id": requestId,
  });
  if (era === "modern") {
    headers.set("mcp-protocol-version", "2026-07-28");
    headers.set("mcp-method", "tools/call");
    headers.set("mcp-name", "auth_status");
  }
  for (const a of req.authorization ?? []) headers.append("authorization", a);
  for (const [k, v] of Object.entries(req.headers ?? {})) headers.set(k, v);
  const method = req.method ?? "POST";
  const response = await fetch(`${origin}/mcp${req.query ? `?${req.query}` : ""}`, {
    method,
    headers,
    body: method === "POST" ? body(era, req.padBytes) : undefined,
  });
  const text = await response.text();
  return {
    status: response.status,
    challenge: response.headers.get("www-authenticate"),
    text,
    headers: response.headers,
  };
}

/** Whether a tools/call response carries a successful tool result. */
function toolSucceeded(text: string): boolean {
  const json = text.includes("data: ")
    ? text.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)))
      .find((m) => "result" in m || "error" in m)
    : JSON.parse(text);
  return json?.result !== undefined && json.result.isError !== true;
}

function authFailures(server: ServerProcess, reason: string): number {
  return server.logs().filter((r) => r.AuthFailure !== undefined && r.Reason === reason).length;
}

async function runCase(
  server: ServerProcess,
  env: CaseEnv,
  c: AuthCase,
  era: Era,
  tokens: Set<string>,
) {
  const req = await c.build(env, `${c.id}-${era}`);
  for (const a of req.authorization ?? []) tokens.add(a.replace(/^\w+\s*/, ""));
  if (req.query) tokens.add(req.query.replace(/^[^=]+=/, ""));
  const requestId = `matrix-${c.id}-${era}`;
  const before = c.expect.reason ? authFailures(server, c.expect.reason) : 0;
  const res = await send(server.origin, era, req, requestId);
  assertEquals(
    res.status,
    c.expect.status,
    `${c.id} (${era}): status; body ${res.text.slice(0, 200)}`,
  );
  if (c.expect.challenge === null) {
    assertEquals(res.challenge, null, `${c.id}: no WWW-Authenticate expected`);
  } else if (c.expect.challenge) {
    assertMatch(res.challenge ?? "", c.expect.challenge, `${c.id}: WWW-Authenticate`);
  }
  await server.waitForLog((r) => r.msg === "http_request" && r.request_id === requestId);
  const toolRan = server.logs().some((r) => r.msg === "tool_call" && r.request_id === requestId);
  if (c.positive) {
    assert(toolRan, `${c.id} (${era}): the tool should have run`);
    assert(
      toolSucceeded(res.text),
      `${c.id} (${era}): tool result should be a success: ${res.text.slice(0, 300)}`,
    );
  } else {
    assert(!toolRan, `${c.id} (${era}): a refused request reached a tool`);
  }
  if (c.expect.reason) {
    const failure = server.logs().find((r) =>
      r.msg === "auth_failure" && r.request_id === requestId
    );
    assertEquals(failure?.reason, c.expect.reason, `${c.id} (${era}): logged reason`);
    assertEquals(
      authFailures(server, c.expect.reason),
      before + 1,
      `${c.id} (${era}): AuthFailure{Reason=${c.expect.reason}} moved by one`,
    );
  }
}

function assertNoTokenInLogs(server: ServerProcess, tokens: Set<string>) {
  const logs = server.logLines.join("\n");
  for (const t of tokens) {
    if (t.length < 16) continue;
    assert(!logs.includes(t), `token text found in the server log: ${t.slice(0, 24)}…`);
    const signature = t.split(".")[2];
    if (signature && signature.length >= 16) {
      assert(!logs.includes(signature), "a token signature reached the log");
    }
  }
}

Deno.test("auth matrix: JWKS server, every case in both protocol eras", async (t) => {
  await using stack = await startStack({
    roles: ["quilt-mcp-user", "reader", "writer"],
    env: { QUILT_MCP_MAX_BODY_BYTES: "65536" },
  });
  await using stranger = await startIssuer();
  const env: CaseEnv = {
    issuer: stack.issuer,
    stranger,
    audience: STACK_PUBLIC_URL,
    roleArn: stack.roleArn,
  };
  const tokens = new Set<string>();
  const cases = AUTH_CASES.filter((c) => c.server === "main");
  assert(cases.length >= 30, "the matrix has at least 30 cases on the main server");
  for (const c of cases) {
    for (const era of ERAS) {
      await t.step(
        `${c.id} [${era}] → ${c.expect.status}`,
        () => runCase(stack.server, env, c, era, tokens),
      );
    }
  }
  await t.step("no token text reached the logs", () => assertNoTokenInLogs(stack.server, tokens));
});

/** A tools/call message (legacy era, no initialize needed by the stateless server). */
function callMessage(id: number, name = "auth_status", args: unknown = {}) {
  return { jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } };
}

/** POSTs a raw JSON-RPC body with a bearer token and optional protocol version. */
async function postRaw(
  origin: string,
  token: string,
  body: unknown,
  requestId: string,
  version?: string,
) {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    authorization: `Bearer ${token}`,
    "x-request-id": requestId,
  };
  if (version) headers["mcp-protocol-version"] = version;
  const r = await fetch(`${origin}/mcp`, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  return { status: r.status, headers: r.headers, text: await r.text() };
}

/** The JSON-RPC messages of an answer (a JSON body, a JSON array, or SSE `data:` lines). */
function answers(text: string): Array<Record<string, unknown>> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    const v = JSON.parse(trimmed);
    return Array.isArray(v) ? v : [v];
  }
  return text.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)));
}

/** `{"a": {"a": … }}` nested `depth` objects deep (built without recursion). */
function nested(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < depth; i++) v = { a: v };
  return v;
}

const STRICT_BURST = 2;
const STRICT_PER_MINUTE = 1;

Deno.test("auth matrix: required scope, JWKS outage and recovery, rate limit, batches, deep arguments", async (t) => {
  await using stack = await startStack({ roles: ["quilt-mcp-user", "reader", "writer"] });
  await using issuer = await startIssuer();
  issuer.setAvailability("down");
  await using server = await startHttpServer({
    ...stack.serverEnv,
    QUILT_MCP_PUBLIC_URL: STACK_PUBLIC_URL,
    QUILT_MCP_AUTH_ISSUER: issuer.issuer,
    QUILT_MCP_AUTH_JWKS_URL: issuer.jwksUrl,
    QUILT_MCP_ALLOWED_ROLE_ARNS: `arn:aws:iam::${MOTO_ACCOUNT}:role/*`,
    QUILT_MCP_DEFAULT_ROLE_ARN: stack.roleArn("quilt-mcp-user"),
    QUILT_MCP_AUTH_REQUIRED_SCOPES: "mcp:tools",
    QUILT_MCP_RATE_LIMIT_BURST: String(STRICT_BURST),
    QUILT_MCP_RATE_LIMIT_PER_MINUTE: String(STRICT_PER_MINUTE),
    QUILT_MCP_TOOL_CATEGORIES: "s3-read,packages-read,packages-write,search,governance,catalog",
  });
  const env: CaseEnv = {
    issuer,
    stranger: stack.issuer,
    audience: STACK_PUBLIC_URL,
    roleArn: stack.roleArn,
  };
  const tokens = new Set<string>();
  const mint = async (subject: string) => {
    const t = await issuer.mint({ scope: "mcp:tools" }, { subject, audience: STACK_PUBLIC_URL });
    tokens.add(t);
    return t;
  };
  const token = await mint("outage-tester");
  const toolCalls = (requestId: string) =>
    server.logs().filter((r) => r.msg === "tool_call" && r.request_id === requestId);
  const metricSum = (name: string) =>
    server.logs().reduce((n, r) => n + (typeof r[name] === "number" ? r[name] as number : 0), 0);
  /** Tokens refilled since `since` (performance.now()): the most extra admissions a slow run may see. */
  const refilled = (since: number) =>
    Math.floor((performance.now() - since) * STRICT_PER_MINUTE / 60_000);

  await t.step("jwks-down → 503, not 401, and /readyz reports it", async () => {
    const before = authFailures(server, "jwks_unavailable");
    const res = await send(
      server.origin,
      "legacy",
      { authorization: [`Bearer ${token}`] },
      "matrix-jwks-down",
    );
    assertEquals(res.status, 503);
    assertEquals(res.challenge, null);
    assert(Number(res.headers.get("retry-after")) >= 1, "Retry-After");
    // The metric line precedes the request's own log line, which follows the response: wait for it.
    await server.waitForLog((r) => r.msg === "http_request" && r.request_id === "matrix-jwks-down");
    assertEquals(authFailures(server, "jwks_unavailable"), before + 1);
    const ready = await fetch(`${server.origin}/readyz`);
    const report = await ready.json();
    assertEquals(ready.status, 503);
    assertEquals(report.checks.jwks.ok, false);
  });
  await t.step("jwks-recovered → the same token is accepted", async () => {
    issuer.setAvailability("up");
    // The server asks a down issuer at most once per cooldown, announced as Retry-After: a client
    // that honours it is served at the first fetch after the issuer returned (bounded attempts).
    let res = await send(
      server.origin,
      "legacy",
      { authorization: [`Bearer ${token}`] },
      "matrix-jwks-up-0",
    );
    for (let i = 1; i < 10 && res.status === 503; i++) {
      await new Promise((r) => setTimeout(r, Number(res.headers.get("retry-after")) * 1000));
      res = await send(
        server.origin,
        "legacy",
        { authorization: [`Bearer ${token}`] },
        `matrix-jwks-up-${i}`,
      );
    }
    assertEquals(res.status, 200);
    assert(toolSucceeded(res.text));
  });
  for (const c of AUTH_CASES.filter((x) => x.server === "strict")) {
    for (const era of ERAS) {
      await t.step(
        `${c.id} [${era}] → ${c.expect.status}`,
        () => runCase(server, env, c, era, tokens),
      );
    }
  }
  await t.step("rate-limited → 429 with Retry-After after the burst", async () => {
    const burstToken = await mint("burst-tester");
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    const since = performance.now();
    for (let i = 0; i < STRICT_BURST + 2; i++) {
      const res = await send(
        server.origin,
        "legacy",
        { authorization: [`Bearer ${burstToken}`] },
        `matrix-burst-${i}`,
      );
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get("retry-after");
    }
    const admitted = statuses.filter((s) => s === 200).length;
    assertEquals(statuses.slice(0, STRICT_BURST), [200, 200]);
    assert(admitted <= STRICT_BURST + refilled(since), `admitted ${statuses}`);
    assert(statuses.includes(429), `refused beyond the burst: ${statuses}`);
    assert(retryAfter !== null && Number(retryAfter) >= 1, "Retry-After names whole seconds");
    // Another principal is not affected by this one's bucket.
    const other = await mint("burst-bystander");
    assertEquals(
      (await send(
        server.origin,
        "legacy",
        { authorization: [`Bearer ${other}`] },
        "matrix-bystander",
      )).status,
      200,
    );
  });
  await t.step(
    "batch-over-burst → 429 for the whole batch of 100, nothing runs, 100 counted",
    async () => {
      const batchToken = await mint("batch-tester");
      const limitedBefore = metricSum("RateLimited");
      const since = performance.now();
      const batch = Array.from({ length: 100 }, (_, i) => callMessage(i + 1));
      const res = await postRaw(server.origin, batchToken, batch, "matrix-batch-100", "2025-03-26");
      assertEquals(res.status, 429, res.text);
      assert(Number(res.headers.get("retry-after")) >= 1, "Retry-After");
      assertMatch(res.text, /batch of 100 messages exceeds this server's per-principal burst of 2/);
      await server.waitForLog((r) =>
        r.msg === "http_request" && r.request_id === "matrix-batch-100"
      );
      assertEquals(toolCalls("matrix-batch-100").length, 0, "no message of the batch ran");
      await server.waitForLog(() => metricSum("RateLimited") === limitedBefore + 100);
      // Refused whole: the principal's two tokens are still there, and then gone.
      const singles: number[] = [];
      for (let i = 0; i < STRICT_BURST + 1; i++) {
        const r = await postRaw(
          server.origin,
          batchToken,
          callMessage(1),
          `matrix-after-batch-${i}`,
        );
        singles.push(r.status);
      }
      assertEquals(singles.slice(0, STRICT_BURST), [200, 200], "the refused batch took no token");
      assert(singles[STRICT_BURST] === 429 || refilled(since) > 0, `then refused: ${singles}`);
    },
  );
  await t.step(
    "batch-within-burst → a batch of 2 runs both calls where batches exist",
    async () => {
      for (const version of ["2025-03-26", undefined]) {
        const who = `batch-2-${version ?? "no-header"}`;
        const res = await postRaw(
          server.origin,
          await mint(who),
          [callMessage(1), callMessage(2)],
          `matrix-${who}`,
          version,
        );
        assertEquals(res.status, 200, res.text);
        const ids = answers(res.text).filter((m) => "result" in m).map((m) => m.id).sort();
        assertEquals(ids, [1, 2], `both calls answered: ${res.text.slice(0, 300)}`);
        await server.waitForLog(() => toolCalls(`matrix-${who}`).length === 2);
      }
    },
  );
  await t.step("batch-removed-revision → 400 from 2025-06-18 on, no tool, no token", async () => {
    for (const version of ["2025-06-18", "2025-11-25", "2026-07-28"]) {
      const who = `batch-refused-${version}`;
      const t = await mint(who);
      const res = await postRaw(
        server.origin,
        t,
        [callMessage(1), callMessage(2)],
        `matrix-${who}`,
        version,
      );
      assertEquals(res.status, 400, res.text);
      assertMatch(res.text, new RegExp(`${version} does not allow JSON-RPC batches`));
      assertEquals(JSON.parse(res.text).error.code, -32600);
      await server.waitForLog((r) => r.msg === "http_request" && r.request_id === `matrix-${who}`);
      assertEquals(toolCalls(`matrix-${who}`).length, 0);
      const singles = [];
      for (let i = 0; i < STRICT_BURST; i++) {
        singles.push(
          (await postRaw(server.origin, t, callMessage(1), `matrix-${who}-${i}`)).status,
        );
      }
      assertEquals(singles, [200, 200], "the refused batch took no token");
    }
  });
  await t.step("deep-arguments → a clear tool error and exactly one audit record", async () => {
    const res = await postRaw(
      server.origin,
      await mint("deep-tester"),
      callMessage(1, "package_create", {
        bucket: "deep-bucket",
        package: "team/deep",
        entries: [{ logical_key: "a.csv", bucket: "deep-bucket", key: "a.csv" }],
        user_meta: nested(10_000),
      }),
      "matrix-deep",
    );
    assertEquals(res.status, 200, res.text.slice(0, 300));
    const result = answers(res.text)[0].result as {
      isError?: boolean;
      content: { text: string }[];
    };
    assert(result?.isError, `a tool error: ${res.text.slice(0, 300)}`);
    assertMatch(result.content[0].text, /'user_meta' nests more than 256 levels/);
    await server.waitForLog((r) => r.msg === "http_request" && r.request_id === "matrix-deep");
    const audit = toolCalls("matrix-deep");
    assertEquals(audit.length, 1, "exactly one audit record");
    assertEquals([audit[0].tool, audit[0].outcome, audit[0].reason], [
      "package_create",
      "error",
      "input_too_deep",
    ]);
    assertMatch(String(audit[0].args_digest), /^[0-9a-f]{64}$/);
    assert(!server.logLines.some((l) => /Maximum call stack/.test(l)), "no stack overflow");
  });
  await t.step("no token text reached the logs", () => assertNoTokenInLogs(server, tokens));
});

Deno.test("auth matrix: the server refuses to start without a complete, strong auth configuration", async (t) => {
  const complete = {
    QUILT_MCP_PUBLIC_URL: STACK_PUBLIC_URL,
    QUILT_MCP_AUTH_ISSUER: "https://issuer.example/",
    QUILT_MCP_ALLOWED_ROLE_ARNS: `arn:aws:iam::${MOTO_ACCOUNT}:role/*`,
  };
  for (const c of STARTUP_CASES) {
    await t.step(c.id, async () => {
      const env = c.id === "no-auth-config" ? {} : { ...complete, ...c.env };
      const r = await runServerCli(["serve", "--transport", "http", "--port", "0"], env);
      assertEquals(r.code, 2, `${c.id}: exit code; stderr ${r.stderr}`);
      for (const m of c.mentions) {
        assert(r.stderr.includes(m), `${c.id}: the error names ${m}: ${r.stderr}`);
      }
      for (const v of Object.values(c.env)) {
        if (v.length >= 5 && !v.startsWith("http")) {
          assert(!r.stderr.includes(v), `${c.id}: a secret value was echoed`);
        }
      }
      assert(!r.stderr.includes("server_listening"));
    });
  }
});
