/**
 * The HTTP face of quilt-mcp on Hono: health and metadata routes without auth, and POST /mcp behind
 * request id → drain gate → Origin/Host allow-list (403) → body limit (413) → bearer auth
 * (401/403/503) → MCP-Protocol-Version (400) → JSON-RPC batch allowed by that revision (400) →
 * per-principal rate limit, one token per message (429) → STS backoff of the principal's role
 * (503 + Retry-After for tool calls) → a request context → the SDK handler, which builds a fresh
 * McpServer for this request.
 * @module
 */
import { Hono } from "hono";
import { type McpHttpHandler, SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/server";
import type { Config } from "../config/schema.ts";
import { webCatalogCredential } from "../auth/catalog_credential.ts";
import type { ContextStore } from "../context.ts";
import type { Logger } from "../telemetry/logger.ts";
import type { Metrics } from "../telemetry/metrics.ts";
import { VERSION } from "../version.ts";
import type { WebAuthenticator } from "./authenticate.ts";
import { BodyTooLargeError, readBodyLimited } from "./body_limit.ts";
import { batchRefusal, inspectBody } from "./jsonrpc_body.ts";
import { type Drain, onResponseDone } from "./drain.ts";
import { originCheck } from "./origin.ts";
import type { RateLimiter } from "./rate_limit.ts";
import type { Readiness } from "./readiness.ts";
import { requestIdFor } from "./request_id.ts";
import { resourceMetadata, resourceMetadataPaths } from "./well_known.ts";

/**
 * The MCP endpoint path on this server: the path of the public URL, so a load balancer can forward
 * the public path unchanged (https://mcp.example.com/quilt/mcp is served at /quilt/mcp).
 */
export function mcpPath(publicUrl: string): string {
  const path = new URL(publicUrl).pathname.replace(/\/+$/, "");
  return path === "" ? "/" : path;
}

/**
 * Protocol revisions accepted in the MCP-Protocol-Version header: the SDK's 2025-era list plus the
 * 2026-07-28 revision its modern path serves (the SDK does not export that list).
 */
export const ACCEPTED_PROTOCOL_VERSIONS: readonly string[] = [
  ...SUPPORTED_PROTOCOL_VERSIONS,
  "2026-07-28",
];

/** The dimensions of this server's per-request metrics (frozen: metrics recognise them at once). */
const WEB_JWT = Object.freeze({ ClientType: "web-jwt" });

/** What the app needs; all of it created once at start-up. */
export interface HttpAppDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly contexts: ContextStore;
  readonly authenticator: WebAuthenticator;
  readonly handler: McpHttpHandler;
  readonly readiness: Readiness;
  readonly drain: Drain;
  readonly rateLimiter: RateLimiter;
  readonly categories: ReadonlySet<string>;
}

/**
 * What one request carries through the app (Hono hands it to the routes as `c.env`): filled by the
 * routes, read once the response is done for the access log and the request context's release.
 */
interface Exchange {
  readonly requestId: string;
  principal?: string;
  clientType?: string;
  /** Releases the request context once the response body has been sent. */
  release?: () => void;
}

type Env = { Bindings: Exchange };

/** The app: one fetch function for Deno.serve. */
export interface HttpApp {
  /**
   * Serves one request. With Deno.serve's `info`, the end of the exchange is its `completed`
   * promise (the body delivered, or the client gone); without it, the body is wrapped to see it end.
   */
  fetch(request: Request, info?: { readonly completed?: Promise<void> }): Promise<Response>;
}

function jsonRpcError(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json({ jsonrpc: "2.0", error: { code, message }, id: null }, { status, headers });
}

/** Builds the Hono app. */
export function buildHttpApp(deps: HttpAppDeps): HttpApp {
  const { config, logger, metrics } = deps;
  const app = new Hono<Env>();

  app.get("/healthz", (c) => c.json({ status: "ok", version: VERSION, transport: "http" }));
  app.get("/readyz", async (c) => {
    const report = await deps.readiness.report();
    return c.json(
      { status: report.ready ? "ready" : "not_ready", checks: report.checks },
      report.ready ? 200 : 503,
    );
  });
  for (const path of resourceMetadataPaths(config)) {
    app.get(
      path,
      (c) => c.json(resourceMetadata(config), 200, { "Cache-Control": "max-age=3600" }),
    );
  }

  const endpoint = mcpPath(config.publicUrl!);
  const originProblem = originCheck(config.allowedOrigins, config.allowedHosts);
  // Stateless server: no SSE session stream (GET) and no session to end (DELETE).
  app.all(
    endpoint,
    () =>
      jsonRpcError(
        405,
        -32000,
        "Method not allowed: this stateless MCP endpoint accepts POST only.",
        {
          Allow: "POST",
        },
      ),
  );

  /** POST on the MCP endpoint: called straight from fetch below, without Hono's routing. */
  const serveMcp = async (request: Request, exchange: Exchange): Promise<Response> => {
    const originRefusal = originProblem(request);
    if (originRefusal) return jsonRpcError(403, -32000, `Forbidden: ${originRefusal}`);

    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await readBodyLimited(request, config.maxBodyBytes);
    } catch (e) {
      if (e instanceof BodyTooLargeError) return jsonRpcError(413, -32000, e.message);
      throw e;
    }

    const auth = await deps.authenticator.authenticate(request);
    exchange.clientType = "web-jwt";
    if (!auth.ok) {
      metrics.count("AuthFailure", { ClientType: "web-jwt", Reason: auth.reason });
      logger.warn("auth_failure", {
        request_id: exchange.requestId,
        client_type: "web-jwt",
        reason: auth.reason,
        status: auth.response.status,
      });
      return auth.response;
    }
    metrics.count("AuthSuccess", WEB_JWT);
    exchange.principal = auth.principal.id;

    const version = request.headers.get("mcp-protocol-version");
    if (version !== null && !ACCEPTED_PROTOCOL_VERSIONS.includes(version)) {
      return jsonRpcError(400, -32600, `Unsupported MCP-Protocol-Version: ${version.slice(0, 40)}`);
    }

    const inspected = inspectBody(body);
    const batchProblem = batchRefusal(inspected, version);
    if (batchProblem) return jsonRpcError(400, -32600, batchProblem);

    // One token per JSON-RPC message: a batch is charged for every call it carries, whole or not at all.
    const cost = inspected.messages;
    const retryAfter = deps.rateLimiter.take(auth.limitKey, cost);
    if (retryAfter > 0) {
      metrics.put("RateLimited", cost);
      const message = cost > deps.rateLimiter.burst
        ? `A batch of ${cost} messages exceeds this server's per-principal burst of ${deps.rateLimiter.burst}; send fewer messages per request.`
        : "Too many requests for this principal; retry later.";
      return jsonRpcError(429, -32000, message, { "Retry-After": String(retryAfter) });
    }

    // STS is throttling or unreachable for this principal and nothing is cached: a tool call could
    // only fail, and trying would make another AssumeRole. Say when to come back instead.
    if (inspected.toolCalls > 0 && auth.credentialsRetryAfterMs > 0) {
      const seconds = Math.max(1, Math.ceil(auth.credentialsRetryAfterMs / 1000));
      metrics.put("StsBackoff", inspected.toolCalls);
      return jsonRpcError(
        503,
        -32000,
        `AWS credentials for this principal's role are temporarily unavailable (STS is throttling or unreachable); retry in ${seconds} s.`,
        { "Retry-After": String(seconds) },
      );
    }

    // With the body parsed here the SDK never reads it again: it gets a copy without one (only a
    // body that is not JSON goes to it as bytes, for its parse error). Not the request itself: the
    // SDK would listen to its signal, which Deno aborts after every successful response.
    const forwarded = new Request(request.url, {
      method: "POST",
      headers: withoutCredentials(request.headers),
      ...(inspected.parsed === undefined ? { body } : {}),
    });
    return await deps.contexts.runUntilReleased({
      principal: auth.principal,
      clientType: "web-jwt",
      requestId: exchange.requestId,
      aws: auth.aws,
      enabledCategories: deps.categories,
      catalog: webCatalogCredential(auth.registryToken, deps.config.registryAudience),
      ...(inspected.calledTools ? { calledTools: inspected.calledTools } : {}),
    }, (release) => {
      // The SDK streams the answer: the context lives until the body is sent (see fetch below).
      exchange.release = release;
      return deps.handler.fetch(forwarded, {
        authInfo: auth.authInfo,
        ...(inspected.parsed !== undefined ? { parsedBody: inspected.parsed } : {}),
      });
    });
  };

  /** An unexpected failure: logged with the request id, answered 500 without its details. */
  const internalError = (e: Error, exchange: Exchange): Response => {
    logger.error("http_error", {
      request_id: exchange.requestId,
      error: `${e.name}: ${e.message}`,
    });
    return jsonRpcError(500, -32603, "Internal server error");
  };
  app.notFound((c) => c.json({ error: "not_found" }, 404));
  app.onError((e, c) => internalError(e, c.env));

  /** Serves one request: the MCP endpoint's POSTs directly, everything else through Hono. */
  const route = async (request: Request, path: string, exchange: Exchange): Promise<Response> => {
    if (request.method !== "POST" || path !== endpoint) {
      return await app.fetch(request, exchange);
    }
    try {
      return await serveMcp(request, exchange);
    } catch (e) {
      return internalError(e instanceof Error ? e : new Error(String(e)), exchange);
    }
  };

  // Around every route, outside Hono: the request id, drain accounting until the body is sent,
  // the request context's release, and the access log (Hono would copy the response to add them).
  return {
    async fetch(request, info): Promise<Response> {
      const started = performance.now();
      const exchange: Exchange = { requestId: requestIdFor(request) };
      // Read now: once the exchange is over, Deno's request object refuses to answer.
      const method = request.method;
      const path = pathOf(request.url);
      const finish = deps.drain.begin();
      let response: Response;
      try {
        response = deps.drain.draining
          ? Response.json({ error: "shutting_down" }, {
            status: 503,
            headers: { Connection: "close" },
          })
          : await route(request, path, exchange);
      } catch (e) {
        exchange.release?.();
        finish();
        throw e;
      }
      response.headers.set("X-Request-Id", exchange.requestId);
      const status = response.status;
      const done = () => {
        exchange.release?.();
        finish();
        logger.info("http_request", {
          request_id: exchange.requestId,
          method,
          path,
          status,
          client_type: exchange.clientType,
          principal: exchange.principal,
          latency_ms: Math.round(performance.now() - started),
        });
      };
      if (!info?.completed) return onResponseDone(response, done);
      // Rejected when the client went away before the body was sent: the exchange is over too.
      info.completed.then(done, done);
      return response;
    },
  };
}

/** Request headers that carry credentials: checked here, never handed on. */
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "cookie",
  "proxy-authorization",
]);

/**
 * The request's headers but its credentials, for the SDK: the verified token reaches it only as
 * `authInfo`, so neither the SDK nor a tool reading the request it was handed can see the raw
 * Authorization header. (Also the cheaper copy: header values are validated as they are copied,
 * and the bearer token is by far the longest.)
 */
export function withoutCredentials(headers: Headers): Array<[string, string]> {
  const kept: Array<[string, string]> = [];
  for (const [name, value] of headers) {
    if (!CREDENTIAL_HEADERS.has(name)) kept.push([name, value]);
  }
  return kept;
}

/** The path of an absolute URL (what `new URL(url).pathname` gives, without parsing it all). */
export function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  if (start < 0) return "/";
  let end = url.length;
  for (const stop of ["?", "#"]) {
    const at = url.indexOf(stop, start);
    if (at >= 0 && at < end) end = at;
  }
  return url.slice(start, end);
}
