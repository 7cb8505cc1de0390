/**
 * What the MCP SDK is handed for an authenticated POST: a request with the client's headers but
 * its credentials. The verified token reaches the SDK only as `authInfo`; the raw Authorization
 * header (and any Cookie) never does, so neither the SDK nor a tool reading the request it was
 * given can see them. Everything else the SDK reads (Accept, Content-Type, MCP-Protocol-Version,
 * Mcp-* headers) arrives unchanged.
 */
import type { AuthInfo, McpHttpHandler, OAuthTokenVerifier } from "@modelcontextprotocol/server";
import { assert, assertEquals } from "../harness/mod.ts";
import { loadConfig } from "../../server/config/load.ts";
import { ContextStore } from "../../server/context.ts";
import { buildHttpApp, withoutCredentials } from "../../server/http/app.ts";
import { WebAuthenticator } from "../../server/http/authenticate.ts";
import { Drain } from "../../server/http/drain.ts";
import { RateLimiter } from "../../server/http/rate_limit.ts";
import { Readiness } from "../../server/http/readiness.ts";
import { Logger } from "../../server/telemetry/logger.ts";
import { Metrics } from "../../server/telemetry/metrics.ts";

const TOKEN = "eyJhbGciOiJSUzI1NiJ9.alice.c2lnbmF0dXJl";

function verifier(): OAuthTokenVerifier {
  const info: AuthInfo = {
    token: TOKEN,
    clientId: "c",
    scopes: [],
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
    extra: {
      claims: {
        subject: "alice",
        issuer: "https://issuer",
        audiences: ["aud"],
        payload: { sub: "alice", iss: "https://issuer" },
      },
    },
  };
  return {
    verifyAccessToken: (token) =>
      token === TOKEN ? Promise.resolve(info) : Promise.reject(new Error("unknown token")),
  };
}

/** The app in front of a handler that records what it was given. */
function appRecording() {
  const config = loadConfig(["--transport", "http"], {
    QUILT_MCP_PUBLIC_URL: "https://mcp.example.com/mcp",
    QUILT_MCP_AUTH_AUDIENCE: "aud",
    QUILT_MCP_AUTH_ISSUER: "https://issuer",
    QUILT_MCP_AUTH_JWKS_URL: "https://issuer/jwks",
    QUILT_MCP_ROLE_MODE: "single-tenant",
  });
  const logger = new Logger("error", () => {});
  const metrics = new Metrics("test", undefined);
  const seen: Array<{ request: Request; authInfo?: AuthInfo; parsedBody?: unknown }> = [];
  const handler = {
    fetch(request: Request, options?: { authInfo?: AuthInfo; parsedBody?: unknown }) {
      seen.push({ request, authInfo: options?.authInfo, parsedBody: options?.parsedBody });
      return Promise.resolve(Response.json({ jsonrpc: "2.0", id: 1, result: {} }));
    },
    close: () => Promise.resolve(),
  } as unknown as McpHttpHandler;
  const app = buildHttpApp({
    config,
    logger,
    metrics,
    contexts: new ContextStore(metrics, logger, "web-jwt"),
    authenticator: new WebAuthenticator(config, verifier(), {
      kind: "single-tenant",
      taskCredentials: () => Promise.resolve({ accessKeyId: "a", secretAccessKey: "s" }),
    }, "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"),
    handler,
    readiness: new Readiness([]),
    drain: new Drain(),
    rateLimiter: new RateLimiter({ perMinute: 600, burst: 60 }),
    categories: new Set(["catalog"]),
  });
  return { app, seen };
}

Deno.test("the SDK gets the client's headers without its credentials, and the token as authInfo", async () => {
  const { app, seen } = appRecording();
  const response = await app.fetch(
    new Request("https://mcp.example.com/mcp", {
      method: "POST",
      headers: {
        host: "mcp.example.com",
        authorization: `Bearer ${TOKEN}`,
        cookie: "session=secret",
        "proxy-authorization": "Basic c2VjcmV0",
        accept: "application/json, text/event-stream",
        "content-type": "application/json",
        "mcp-protocol-version": "2025-11-25",
        "mcp-param-region": "us-east-1",
        "user-agent": "test-client",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    }),
  );
  assertEquals(response.status, 200);
  await response.body?.cancel();
  assertEquals(seen.length, 1);
  const { request, authInfo, parsedBody } = seen[0];
  const names = [...request.headers.keys()];
  for (const credential of ["authorization", "cookie", "proxy-authorization"]) {
    assert(!names.includes(credential), `${credential} was handed to the SDK: ${names}`);
  }
  assert(![...request.headers.values()].some((v) => v.includes(TOKEN)), "the token leaked");
  assertEquals(request.headers.get("accept"), "application/json, text/event-stream");
  assertEquals(request.headers.get("content-type"), "application/json");
  assertEquals(request.headers.get("mcp-protocol-version"), "2025-11-25");
  assertEquals(request.headers.get("mcp-param-region"), "us-east-1");
  assertEquals(request.headers.get("user-agent"), "test-client");
  assertEquals(request.method, "POST");
  assertEquals(authInfo?.token, TOKEN);
  assertEquals(parsedBody, { jsonrpc: "2.0", id: 1, method: "tools/list" });
});

Deno.test("withoutCredentials keeps repeated and unusual headers and drops credentials in any case", () => {
  const headers = new Headers([
    ["Authorization", "Bearer x.y.z"],
    ["COOKIE", "a=b"],
    ["X-Forwarded-For", "10.0.0.1"],
    ["Accept", "application/json"],
    ["accept", "text/event-stream"],
  ]);
  assertEquals(withoutCredentials(headers), [
    ["accept", "application/json, text/event-stream"],
    ["x-forwarded-for", "10.0.0.1"],
  ]);
});
