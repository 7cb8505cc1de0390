/** Unit tests of the pure pieces of the server core: sanitizing, roles, bearer parsing, limits, telemetry, context. */
import { assert, assertEquals, assertMatch, assertRejects, assertThrows } from "../harness/mod.ts";
import { roleSessionNameFor, sourceIdentityFor, tagValueFor } from "../../server/auth/sanitize.ts";
import { compileAllowList, resolveRole } from "../../server/auth/roles.ts";
import { extractBearerToken } from "../../server/auth/bearer.ts";
import {
  MalformedAuthRequestError,
  RoleDeniedError,
  TokenRejectedError,
} from "../../server/auth/errors.ts";
import { RateLimiter } from "../../server/http/rate_limit.ts";
import { batchRefusal, inspectBody } from "../../server/http/jsonrpc_body.ts";
import { originCheck } from "../../server/http/origin.ts";
import { BodyTooLargeError, readBodyLimited } from "../../server/http/body_limit.ts";
import { requestIdFor } from "../../server/http/request_id.ts";
import { Logger, redact } from "../../server/telemetry/logger.ts";
import { Metrics } from "../../server/telemetry/metrics.ts";
import { ContextMissingError, ContextStore, type RequestContext } from "../../server/context.ts";
import { mapAwsError } from "../../server/tools/common/errors.ts";
import { webCatalogCredential } from "../../server/auth/catalog_credential.ts";

Deno.test("sanitize: STS identities stay within charset and length, and never collide", () => {
  for (
    const subject of [
      "alice",
      "a",
      "Dana Scully <dana@fbi.gov>",
      "x".repeat(300),
      "ünïcødé/ñame",
      "a b",
      "a_b",
    ]
  ) {
    const si = sourceIdentityFor(subject);
    const rs = roleSessionNameFor(subject);
    assertMatch(si, /^[\w+=,.@-]{2,64}$/, `source identity of ${subject}`);
    assertMatch(rs, /^[\w+=,.@-]{2,64}$/, `session name of ${subject}`);
  }
  assertEquals(
    sourceIdentityFor("alice@example.com"),
    "alice@example.com",
    "clean values pass unchanged",
  );
  assert(
    sourceIdentityFor("a b") !== sourceIdentityFor("a_b"),
    "replacing characters cannot merge two subjects",
  );
  assert(
    sourceIdentityFor("x".repeat(100)) !== sourceIdentityFor(`${"x".repeat(99)}y`),
    "truncation keeps them apart",
  );
  assertEquals(tagValueFor("X-Files / Basement"), "X-Files / Basement");
  assertEquals(tagValueFor(42), "42");
  assertEquals(tagValueFor({ nested: true }), undefined, "objects are not tag values");
  assertEquals(tagValueFor(""), undefined);
  assert(tagValueFor("a\u0000b")!.length <= 256);
});

Deno.test("roles: claims grant, the header selects, the allow-list decides", () => {
  const allow = compileAllowList([
    "arn:aws:iam::111111111111:role/mcp-*",
    "arn:aws:iam::222222222222:role/exact",
  ]);
  const r = (claimValue: unknown, headerValue: string | null = null, defaultRoleArn?: string) =>
    resolveRole({ claimValue, headerValue, defaultRoleArn, allowList: allow });
  assertEquals(
    r("arn:aws:iam::111111111111:role/mcp-reader"),
    "arn:aws:iam::111111111111:role/mcp-reader",
  );
  assertEquals(
    r(undefined, null, "arn:aws:iam::222222222222:role/exact"),
    "arn:aws:iam::222222222222:role/exact",
  );
  assertEquals(
    r(
      ["arn:aws:iam::111111111111:role/mcp-a", "arn:aws:iam::111111111111:role/mcp-b"],
      "arn:aws:iam::111111111111:role/mcp-b",
    ),
    "arn:aws:iam::111111111111:role/mcp-b",
  );
  const denied = (fn: () => unknown, reason: string) => {
    const e = assertThrows(fn, RoleDeniedError) as RoleDeniedError;
    assertEquals(e.reason, reason);
  };
  denied(() => r("arn:aws:iam::111111111111:role/other"), "role_not_allowed");
  denied(() => r("arn:aws:iam::111111111111:role/mcp-x/../admin"), "role_not_allowed");
  denied(() => r("arn:aws:iam::111111111111:role/mcp-a/nested"), "role_not_allowed"); // * stops at '/'
  denied(() => r(undefined), "role_not_allowed");
  denied(() => r(7), "role_not_allowed");
  denied(
    () => r("arn:aws:iam::111111111111:role/mcp-a", "arn:aws:iam::111111111111:role/mcp-b"),
    "role_not_granted",
  );
  denied(() => r(undefined, "arn:aws:iam::111111111111:role/mcp-a"), "role_not_allowed");
});

Deno.test("bearer: only one well-formed Authorization header, never the URL", () => {
  const req = (headers: Record<string, string>, url = "http://h/mcp") =>
    new Request(url, { method: "POST", headers });
  assertEquals(extractBearerToken(req({ authorization: "Bearer a.b.c" }), 100), "a.b.c");
  assertEquals(
    extractBearerToken(req({ authorization: "bearer a.b.c" }), 100),
    "a.b.c",
    "scheme is case-insensitive",
  );
  const reason = (fn: () => unknown) => ((assertThrows(fn) as TokenRejectedError).reason);
  assertEquals(reason(() => extractBearerToken(req({}), 100)), "missing_token");
  assertEquals(
    reason(() => extractBearerToken(req({ authorization: "Bearer a.b.c, Bearer d.e.f" }), 100)),
    "malformed_header",
  );
  assertEquals(
    reason(() => extractBearerToken(req({ authorization: "Bearer a.b" }), 100)),
    "malformed_header",
  );
  assertEquals(
    reason(() => extractBearerToken(req({ authorization: `Bearer ${"a".repeat(200)}.b.c` }), 100)),
    "malformed_header",
  );
  assertThrows(
    () =>
      extractBearerToken(
        req({ authorization: "Bearer a.b.c" }, "http://h/mcp?access_token=x"),
        100,
      ),
    MalformedAuthRequestError,
  );
});

Deno.test("rate limiter: burst, refill, per principal, Retry-After in whole seconds", () => {
  let now = 0;
  const limiter = new RateLimiter({ perMinute: 60, burst: 3, now: () => now });
  assertEquals([1, 2, 3].map(() => limiter.take("p")), [0, 0, 0]);
  assertEquals(limiter.take("p"), 1, "one token per second refills");
  assertEquals(limiter.take("q"), 0, "another principal has its own bucket");
  now += 1000;
  assertEquals(limiter.take("p"), 0);
  const slow = new RateLimiter({ perMinute: 1, burst: 1, now: () => now });
  slow.take("p");
  assertEquals(slow.take("p"), 60);
});

Deno.test("rate limiter: a batch of N costs N tokens, admitted whole or refused whole", () => {
  let now = 0;
  const limiter = new RateLimiter({ perMinute: 60, burst: 2, now: () => now });
  assertEquals(limiter.burst, 2);
  assertEquals(limiter.take("p", 100), 1, "a cost above the burst: refused, at least 1 s");
  assertEquals(limiter.take("p", 3), 1, "refused whole: nothing was taken");
  assertEquals([limiter.take("p"), limiter.take("p")], [0, 0], "the refusals cost nothing");
  assertEquals(limiter.take("p"), 1);
  now += 2000;
  assertEquals(limiter.take("p", 2), 0, "a batch the bucket covers is admitted");
  assertEquals(limiter.take("p", 1), 1);
});

Deno.test("JSON-RPC body: messages counted, batches allowed only where the revision defines them", () => {
  const enc = (v: unknown) =>
    new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v));
  const call = (id: number) => ({ jsonrpc: "2.0", id, method: "tools/call", params: {} });
  const single = inspectBody(enc(call(1)));
  assertEquals([single.batch, single.messages], [false, 1]);
  const batch = inspectBody(enc(Array.from({ length: 100 }, (_, i) => call(i))));
  assertEquals([batch.batch, batch.messages], [true, 100]);
  assertEquals(inspectBody(enc("[]")).messages, 1, "an empty batch still costs a token");
  const junk = inspectBody(enc("{not json"));
  assertEquals([junk.parsed, junk.batch, junk.messages], [undefined, false, 1]);
  assertEquals(batchRefusal(single, "2025-06-18"), undefined, "a single message is never refused");
  assertEquals(batchRefusal(batch, "2025-03-26"), undefined);
  assertEquals(batchRefusal(batch, null), undefined, "no header: served as 2025-03-26");
  for (const v of ["2024-11-05", "2025-06-18", "2025-11-25", "2026-07-28"]) {
    assertMatch(batchRefusal(batch, v) ?? "", new RegExp(`${v} does not allow JSON-RPC batches`));
  }
  const withInit = inspectBody(enc([{ jsonrpc: "2.0", id: 0, method: "initialize" }, call(1)]));
  assertMatch(batchRefusal(withInit, "2025-03-26") ?? "", /initialize request must not be part/);
  // The tools a body calls (its McpServer registers only those) — only when every message is a
  // tools/call naming a tool; anything else gets every tool and resource.
  const named = (id: number, name: unknown) => ({ ...call(id), params: { name } });
  assertEquals(inspectBody(enc(named(1, "catalog_uri"))).calledTools, ["catalog_uri"]);
  assertEquals(
    inspectBody(enc([named(1, "catalog_uri"), named(2, "auth_status")])).calledTools,
    ["catalog_uri", "auth_status"],
  );
  assertEquals(single.calledTools, undefined, "a call without a name");
  assertEquals(inspectBody(enc(named(1, 7))).calledTools, undefined);
  assertEquals(withInit.calledTools, undefined, "a batch with another method");
  assertEquals(
    inspectBody(enc({ jsonrpc: "2.0", id: 1, method: "tools/list" })).calledTools,
    undefined,
  );
  assertEquals(inspectBody(enc("[]")).calledTools, undefined);
});

/** One request against a configuration's check (compiled per call here, once per server in the app). */
const originProblem = (request: Request, origins: string[], hosts: string[]) =>
  originCheck(origins, hosts)(request);

Deno.test("origin/host: exact origins; host entries without a port match any port", () => {
  const req = (h: Record<string, string>) => new Request("http://x/mcp", { headers: h });
  assertEquals(originProblem(req({ host: "mcp.example.com" }), [], ["mcp.example.com"]), undefined);
  assertEquals(
    originProblem(req({ host: "mcp.example.com:8443" }), [], ["mcp.example.com"]),
    undefined,
  );
  assertEquals(
    originProblem(req({ host: "evil.example.com" }), [], ["mcp.example.com"]),
    "host not allowed",
  );
  assertEquals(
    originProblem(req({ host: "mcp.example.com:1" }), [], ["mcp.example.com:443"]),
    "host not allowed",
  );
  assertEquals(
    originProblem(req({ host: "mcp.example.com", origin: "https://app.example.com" }), [
      "https://app.example.com",
    ], ["mcp.example.com"]),
    undefined,
  );
  assertEquals(
    originProblem(req({ host: "mcp.example.com", origin: "https://app.example.com.evil" }), [
      "https://app.example.com",
    ], ["mcp.example.com"]),
    "origin not allowed",
  );
  assertEquals(
    originProblem(req({ host: "mcp.example.com", origin: "null" }), [], ["mcp.example.com"]),
    "origin not allowed",
  );
});

Deno.test("origin/host: the compiled allow-list answers as the entry-by-entry rule, on generated hosts", () => {
  // The rule as first written (each entry's regexes on every request), kept as the oracle.
  const entryMatches = (entry: string, host: string) => {
    if (entry === host) return true;
    if (/:\d+$/.test(entry) || entry.startsWith("[")) return false;
    const hostname = host.startsWith("[")
      ? host.slice(0, host.indexOf("]") + 1)
      : host.replace(/:\d+$/, "");
    return hostname === entry.toLowerCase();
  };
  const names = ["mcp.example.com", "MCP.example.com", "[::1]", "127.0.0.1", "a", ""];
  const ports = ["", ":443", ":8443", ":", ":x1", ":1a", "::1"];
  const hosts = names.flatMap((n) => ports.map((p) => n + p));
  const lists = [
    ["mcp.example.com"],
    ["MCP.example.com"],
    ["mcp.example.com:443"],
    ["[::1]", "127.0.0.1:8443"],
    ["[::1]:443", "a"],
    ["127.0.0.1", "a:", "mcp.example.com:x1"],
  ];
  for (const list of lists) {
    for (const host of hosts) {
      const request = new Request("http://x/mcp", { headers: { host } });
      const lowered = host.toLowerCase();
      const expected = list.some((e) => entryMatches(e, lowered)) ? undefined : "host not allowed";
      assertEquals(originProblem(request, [], list), expected, `${host} against ${list}`);
    }
  }
});

Deno.test("body limit: declared and streamed sizes", async () => {
  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    new Request("http://x/mcp", { method: "POST", body, headers });
  assertEquals((await readBodyLimited(post("12345"), 5)).length, 5);
  await assertRejects(() => readBodyLimited(post("123456"), 5), BodyTooLargeError);
  const stream = new ReadableStream({
    start(c) {
      for (let i = 0; i < 10; i++) c.enqueue(new Uint8Array(1000));
      c.close();
    },
  });
  await assertRejects(() => readBodyLimited(post(stream), 4096), BodyTooLargeError);
  // A declared length is read in one go; a body longer than it is refused all the same.
  assertEquals(
    new TextDecoder().decode(await readBodyLimited(post("12345", { "content-length": "5" }), 5)),
    "12345",
  );
  await assertRejects(
    () => readBodyLimited(post("123456", { "content-length": "5" }), 5),
    BodyTooLargeError,
  );
  await assertRejects(
    () => readBodyLimited(post("123456", { "content-length": "9" }), 5),
    BodyTooLargeError,
  );
});

Deno.test("request id: sane client ids are kept, others replaced", () => {
  const id = (v?: string) =>
    requestIdFor(new Request("http://x/", { headers: v ? { "x-request-id": v } : {} }));
  assertEquals(id("abc-12345678"), "abc-12345678");
  assert(id("short") !== "short");
  assert(id('bad id with spaces and quotes"') !== 'bad id with spaces and quotes"');
  assert(id("x".repeat(200)) !== "x".repeat(200), "overlong ids are replaced");
  assertMatch(id(), /^[0-9a-f-]{36}$/);
});

Deno.test("logger: token-shaped values are redacted; levels filter; EMF uses the catalog's dimension sets", () => {
  const lines: string[] = [];
  const logger = new Logger("info", (l) => lines.push(l));
  logger.debug("hidden");
  logger.info("seen", { error: "failed with Bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl inside" });
  assertEquals(lines.length, 1);
  assert(!lines[0].includes("eyJhbGciOi"), "a JWT never reaches the log");
  assertEquals(redact("eyJabcd.eyJefgh.sig"), "[redacted]");
  const metrics = new Metrics("QuiltMCP", logger);
  metrics.count("AuthFailure", { ClientType: "web-jwt", Reason: "expired" });
  const emf = JSON.parse(lines[1]);
  assertEquals(emf._aws.CloudWatchMetrics[0].Dimensions, [["ClientType"], [
    "ClientType",
    "Reason",
  ]]);
  assertEquals(emf.AuthFailure, 1);
  assertEquals(metrics.total("AuthFailure", { ClientType: "web-jwt" }), 1);
  assertEquals(metrics.total("AuthFailure", { ClientType: "web-jwt", Reason: "expired" }), 1);
  metrics.count("CredentialCacheHit");
  assertEquals(metrics.total("CredentialCacheHit"), 1, "a dimensionless metric counts once");
  // Remembered keys: the same dimension values count alike whether the object is frozen, reused or
  // new, and one frozen object used for two metrics keeps them apart.
  const frozen = Object.freeze({ ClientType: "web-jwt", Reason: "expired" });
  for (const dims of [frozen, frozen, { Reason: "expired", ClientType: "web-jwt" }]) {
    metrics.count("AuthFailure", dims);
  }
  metrics.count("AuthFailure", Object.freeze({ ClientType: "web-jwt", Reason: "wrong_issuer" }));
  metrics.count("AuthSuccess", Object.freeze({ ClientType: "web-jwt" }));
  metrics.count("ContextPush", frozen);
  assertEquals(metrics.total("AuthFailure", { ClientType: "web-jwt", Reason: "expired" }), 4);
  assertEquals(metrics.total("AuthFailure", { ClientType: "web-jwt", Reason: "wrong_issuer" }), 1);
  assertEquals(metrics.total("AuthFailure", { ClientType: "web-jwt" }), 5);
  assertEquals(metrics.total("AuthSuccess", { ClientType: "web-jwt" }), 1);
  assertEquals(metrics.total("ContextPush", { ClientType: "web-jwt" }), 1);
  assertEquals(metrics.total("ContextPush", { ClientType: "web-jwt", Reason: "expired" }), 0);
});

Deno.test("logger: redact's marker pre-check answers exactly as the expression alone, on generated text", () => {
  // The expression redact() applied before the pre-check existed, kept here as the oracle.
  const oracle = (t: string) =>
    t.replace(/(eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*)|(Bearer\s+\S+)/g, "[redacted]");
  const parts = [
    "eyJ",
    "eyj",
    "Bearer",
    "bearer",
    " ",
    "\t",
    ".",
    "-",
    "_",
    "abcd",
    "x",
    "é",
    "\n",
  ];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 3000; i++) {
    let text = "";
    const n = Math.floor(next() * 12);
    for (let j = 0; j < n; j++) text += parts[Math.floor(next() * parts.length)];
    assertEquals(redact(text), oracle(text), JSON.stringify(text));
  }
  assertEquals(redact("a Bearer abc token"), "a [redacted] token");
  assertEquals(redact("x eyJabcd.efgh. y"), "x [redacted] y");
  assertEquals(redact("nothing to hide"), "nothing to hide");
});

Deno.test("logger: lines written within one millisecond share its timestamp, later lines get theirs", async () => {
  const lines: string[] = [];
  const logger = new Logger("info", (l) => lines.push(l));
  logger.info("a");
  logger.info("b");
  await new Promise((r) => setTimeout(r, 5));
  logger.info("c");
  const [a, b, c] = lines.map((l) => JSON.parse(l).ts as string);
  for (const ts of [a, b, c]) assertMatch(ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert(Date.parse(a) <= Date.parse(b) && Date.parse(b) < Date.parse(c), `${a} ${b} ${c}`);
  assert(Math.abs(Date.parse(c) - Date.now()) < 1000, "the timestamp is the time of writing");
});

Deno.test("context: fail closed outside a context; push equals reset; contexts do not leak across async work", async () => {
  const lines: string[] = [];
  const metrics = new Metrics("QuiltMCP", undefined);
  const store = new ContextStore(metrics, new Logger("info", (l) => lines.push(l)), "web-jwt");
  assertThrows(() => store.current("an AWS client"), ContextMissingError);
  assertEquals(
    metrics.total("ContextFailure", { ClientType: "web-jwt" }),
    1,
    "attributed to the process's client type, which the alarm sums",
  );
  const ctx = (id: string): RequestContext => ({
    principal: { id },
    clientType: "web-jwt",
    requestId: id,
    aws: { credentials: () => Promise.resolve({ accessKeyId: id, secretAccessKey: "s" }) },
    enabledCategories: new Set(),
    catalog: webCatalogCredential(undefined, undefined),
  });
  const seen = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      store.run(ctx(`p${i}`), async () => {
        await new Promise((r) => setTimeout(r, Math.random() * 5));
        return store.current("test").principal.id === `p${i}`;
      })),
  );
  assert(seen.every(Boolean), "each async task saw only its own context");
  await assertRejects(() => store.run(ctx("boom"), () => Promise.reject(new Error("x"))));
  assertEquals(store.active, 0);
  assertEquals(metrics.total("ContextPush"), metrics.total("ContextReset"));
  assertEquals(metrics.total("ContextPush"), 101);
  assertEquals(store.peek(), undefined, "nothing remains entered");
});

Deno.test("aws errors: AccessDenied names the action and the category policy", () => {
  const denied = mapAwsError(Object.assign(new Error("no"), { name: "AccessDenied" }), {
    action: "s3:GetObject",
    category: "s3-read",
    target: "s3://b/k",
  });
  assertEquals(denied.code, "access_denied");
  assertMatch(denied.message, /s3:GetObject on s3:\/\/b\/k .*'s3-read'.*policies\/s3-read\.json/);
  assertEquals(
    mapAwsError(Object.assign(new Error(""), { name: "NoSuchKey" }), {
      action: "s3:GetObject",
      category: "s3-read",
    }).code,
    "not_found",
  );
  assertEquals(
    mapAwsError(Object.assign(new Error("x"), { name: "CredentialsUnavailable" }), {
      action: "sts:GetCallerIdentity",
      category: "governance",
    }).code,
    "credentials_unavailable",
  );
});

Deno.test("mcp path: the server answers on the public URL's path", async () => {
  const { mcpPath } = await import("../../server/http/app.ts");
  assertEquals(mcpPath("https://mcp.example.com/mcp"), "/mcp");
  assertEquals(mcpPath("https://mcp.example.com/quilt/mcp/"), "/quilt/mcp");
  assertEquals(mcpPath("https://mcp.example.com"), "/");
});

Deno.test("verified-token cache: identical tokens only, bounded by expiry and TTL, failures not cached", async () => {
  const { CachingVerifier } = await import("../../server/auth/verified_cache.ts");
  let now = 1_000_000_000_000;
  let calls = 0;
  const inner = {
    verifyAccessToken: (token: string) => {
      calls++;
      if (token.startsWith("bad")) return Promise.reject(new Error("invalid"));
      const exp = token === "short" ? now / 1000 + 10 : now / 1000 + 3600;
      return Promise.resolve({ token, clientId: token, scopes: [], expiresAt: exp });
    },
  };
  const v = new CachingVerifier(inner, { ttlMs: 60_000, now: () => now });
  assertEquals((await v.verifyAccessToken("a")).clientId, "a");
  assertEquals((await v.verifyAccessToken("a")).clientId, "a");
  assertEquals(calls, 1, "the same token is verified once");
  assertEquals(
    (await v.verifyAccessToken("b")).clientId,
    "b",
    "another token is never served from a's entry",
  );
  assertEquals(calls, 2);
  await assertRejects(() => v.verifyAccessToken("bad"));
  await assertRejects(() => v.verifyAccessToken("bad"));
  assertEquals(calls, 4, "failures are not cached");
  await v.verifyAccessToken("short");
  now += 11_000;
  await v.verifyAccessToken("short");
  assertEquals(calls, 6, "an entry never outlives the token's expiry");
  now += 60_000;
  await v.verifyAccessToken("a");
  assertEquals(calls, 7, "an entry lives at most the TTL");
});
