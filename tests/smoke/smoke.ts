/**
 * Smoke check of a deployed quilt-mcp endpoint (`make smoke URL=… TOKEN=…`):
 *
 * 1. `GET /healthz` and `GET /readyz` (skipped when the load balancer does not route them, as
 *    modules/mcp-server forwards only the MCP and metadata paths; pass --health-base from inside
 *    the VPC, e.g. http://10.0.1.23:8080);
 * 2. the RFC 9728 metadata document names the endpoint as its resource and an authorization server;
 * 3. a POST without a token is refused with 401 and a `WWW-Authenticate` challenge naming the
 *    metadata document (the server, not the load balancer, answered and fails closed);
 * 4. an authenticated MCP `tools/list` with the bearer token returns tools.
 *
 * The token is read from an environment variable (TOKEN by default), never from the command line,
 * and is never printed. Exit 0 when every check passed, 1 otherwise, 2 on bad usage.
 *
 * Usage: TOKEN=… deno run --allow-net --allow-env --allow-read tests/smoke/smoke.ts --url URL
 *        [--resource URL] [--health-base URL] [--token-env NAME] [--expect-tool NAME]… [--timeout S]
 * @module
 */
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

/** Outcome of one check. */
export interface CheckResult {
  readonly name: string;
  readonly status: "pass" | "fail" | "skip";
  readonly detail: string;
}

/** Options of {@linkcode runSmoke}. */
export interface SmokeOptions {
  /** The public MCP URL, e.g. https://mcp.example.com/mcp. */
  url: string;
  /** The bearer token for the authenticated check. */
  token: string;
  /** Expected `resource` of the metadata (default: `url`). */
  resource?: string;
  /** Base URL of /healthz and /readyz (default: the origin of `url`). */
  healthBase?: string;
  /** Tools that must appear in tools/list. */
  expectTools?: string[];
  /** Per-request time limit in milliseconds. */
  timeoutMs?: number;
}

/** The metadata URL for a resource URL (RFC 9728 §3.1: well-known prefix before the path). */
export function metadataUrlFor(resource: string): string {
  const u = new URL(resource);
  const path = u.pathname === "/" ? "" : u.pathname.replace(/\/$/, "");
  return `${u.origin}/.well-known/oauth-protected-resource${path}`;
}

/** The load balancer's own "not found" (a fixed response), as opposed to the server's JSON 404. */
function notRouted(response: Response, body: string): boolean {
  if (response.status !== 404) return false;
  try {
    JSON.parse(body);
    return false;
  } catch {
    return true;
  }
}

/** GET /healthz and /readyz (or the given paths) of `base`. */
export async function healthChecks(
  base: string,
  timeoutMs: number,
  paths: readonly ("/healthz" | "/readyz")[] = ["/healthz", "/readyz"],
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const path of paths) {
    const name = `GET ${path}`;
    try {
      const r = await fetch(new URL(path, base), { signal: AbortSignal.timeout(timeoutMs) });
      const body = await r.text();
      if (notRouted(r, body)) {
        results.push({
          name,
          status: "skip",
          detail:
            `not routed to the service (HTTP 404 from the load balancer); check it from inside the VPC with --health-base http://<task-ip>:8080, or target health with \`aws elbv2 describe-target-health\``,
        });
        continue;
      }
      const json = JSON.parse(body);
      if (path === "/healthz" && r.status === 200 && json.status === "ok") {
        results.push({ name, status: "pass", detail: `200, version ${json.version}` });
      } else if (path === "/readyz" && r.status === 200 && json.status === "ready") {
        results.push({
          name,
          status: "pass",
          detail: `200 ready (${Object.keys(json.checks ?? {}).join(", ")})`,
        });
      } else {
        results.push({
          name,
          status: "fail",
          detail: `HTTP ${r.status}: ${JSON.stringify(json).slice(0, 300)}`,
        });
      }
    } catch (e) {
      results.push({
        name,
        status: "fail",
        detail: `${(e as Error).name}: ${(e as Error).message}`,
      });
    }
  }
  return results;
}

/** The RFC 9728 metadata of `resource`, fetched from the server at `url`. */
export async function metadataCheck(
  url: string,
  resource: string,
  timeoutMs: number,
): Promise<CheckResult> {
  const name = "protected resource metadata";
  const where = new URL(new URL(metadataUrlFor(resource)).pathname, url).href;
  try {
    const r = await fetch(where, { signal: AbortSignal.timeout(timeoutMs) });
    if (r.status !== 200) {
      await r.body?.cancel();
      return { name, status: "fail", detail: `GET ${where}: HTTP ${r.status}` } as const;
    }
    const doc = await r.json() as { resource?: string; authorization_servers?: string[] };
    if (doc.resource !== resource) {
      return {
        name,
        status: "fail",
        detail: `resource is ${doc.resource}, expected ${resource} (QUILT_MCP_PUBLIC_URL)`,
      } as const;
    }
    if (!Array.isArray(doc.authorization_servers) || doc.authorization_servers.length === 0) {
      return { name, status: "fail", detail: "no authorization_servers" } as const;
    }
    return {
      name,
      status: "pass",
      detail: `resource ${doc.resource}, authorization servers ${
        doc.authorization_servers.join(", ")
      }`,
    } as const;
  } catch (e) {
    return {
      name,
      status: "fail",
      detail: `${(e as Error).name}: ${(e as Error).message}`,
    } as const;
  }
}

const INITIALIZE = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "quilt-mcp-smoke", version: "1" },
  },
};

/** A POST without a token must get 401 with the Bearer challenge naming the metadata. */
export async function unauthenticatedCheck(
  url: string,
  resource: string,
  timeoutMs: number,
): Promise<CheckResult> {
  const name = "POST without a token is refused";
  try {
    const r = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json, text/event-stream",
      },
      body: JSON.stringify(INITIALIZE),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await r.body?.cancel();
    const challenge = r.headers.get("www-authenticate") ?? "";
    const expected = `resource_metadata="${metadataUrlFor(resource)}"`;
    if (r.status === 401 && challenge.startsWith("Bearer ") && challenge.includes(expected)) {
      return { name, status: "pass", detail: `401, WWW-Authenticate names ${expected}` } as const;
    }
    return {
      name,
      status: "fail",
      detail: `expected 401 with WWW-Authenticate ${expected}; got HTTP ${r.status} "${challenge}"`,
    } as const;
  } catch (e) {
    return {
      name,
      status: "fail",
      detail: `${(e as Error).name}: ${(e as Error).message}`,
    } as const;
  }
}

async function toolsListCheck(options: SmokeOptions, timeoutMs: number): Promise<CheckResult> {
  const name = "authenticated tools/list";
  const client = new Client({ name: "quilt-mcp-smoke", version: "1" });
  try {
    await client.connect(
      new StreamableHTTPClientTransport(new URL(options.url), {
        requestInit: { headers: { Authorization: `Bearer ${options.token}` } },
      }),
      { timeout: timeoutMs },
    );
    const { tools } = await client.listTools(undefined, { timeout: timeoutMs });
    const names = tools.map((t) => t.name);
    const missing = (options.expectTools ?? []).filter((t) => !names.includes(t));
    if (names.length === 0) return { name, status: "fail", detail: "the server lists no tools" };
    if (missing.length > 0) {
      return { name, status: "fail", detail: `missing tools: ${missing.join(", ")}` };
    }
    return { name, status: "pass", detail: `${names.length} tools: ${names.join(", ")}` };
  } catch (e) {
    return { name, status: "fail", detail: `${(e as Error).name}: ${(e as Error).message}` };
  } finally {
    await client.close().catch(() => {});
  }
}

/** Runs every check against a deployed endpoint. */
export async function runSmoke(options: SmokeOptions): Promise<CheckResult[]> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const resource = options.resource ?? options.url;
  return [
    ...await healthChecks(options.healthBase ?? new URL(options.url).origin, timeoutMs),
    await metadataCheck(options.url, resource, timeoutMs),
    await unauthenticatedCheck(options.url, resource, timeoutMs),
    await toolsListCheck(options, timeoutMs),
  ];
}

/** The report, with the token removed from anything an error message may have echoed. */
export function renderResults(results: readonly CheckResult[], token: string): string {
  const lines = results.map((r) => `${r.status.toUpperCase().padEnd(4)}  ${r.name}: ${r.detail}`);
  const count = (s: CheckResult["status"]) => results.filter((r) => r.status === s).length;
  lines.push(`smoke: ${count("pass")} passed, ${count("fail")} failed, ${count("skip")} skipped`);
  const text = lines.join("\n");
  return token.length > 0 ? text.replaceAll(token, "[token]") : text;
}

function usage(message: string): never {
  console.error(`smoke: ${message}
usage: TOKEN=<bearer token> deno run --allow-net --allow-env --allow-read tests/smoke/smoke.ts \\
         --url https://mcp.example.com/mcp [--resource URL] [--health-base URL] \\
         [--token-env NAME] [--expect-tool NAME]... [--timeout SECONDS]`);
  Deno.exit(2);
}

function parseArgs(args: string[]): SmokeOptions & { tokenEnv: string } {
  const options: SmokeOptions & { tokenEnv: string } = {
    url: "",
    token: "",
    tokenEnv: "TOKEN",
    expectTools: [],
  };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].includes("=") ? args[i].split(/=(.*)/s, 2) : [args[i]];
    const value = () => inline ?? args[++i] ?? usage(`${flag} needs a value`);
    if (flag === "--url") options.url = value();
    else if (flag === "--resource") options.resource = value();
    else if (flag === "--health-base") options.healthBase = value();
    else if (flag === "--token-env") options.tokenEnv = value();
    else if (flag === "--expect-tool") options.expectTools!.push(value());
    else if (flag === "--timeout") options.timeoutMs = Number(value()) * 1000;
    else usage(`unknown argument ${flag}`);
  }
  if (!options.url) usage("--url is required (URL=… with make smoke)");
  try {
    new URL(options.url);
  } catch {
    usage(`--url ${options.url} is not a URL`);
  }
  options.token = Deno.env.get(options.tokenEnv) ?? "";
  if (!options.token) usage(`set the bearer token in the ${options.tokenEnv} environment variable`);
  return options;
}

if (import.meta.main) {
  const options = parseArgs([...Deno.args]);
  const results = await runSmoke(options);
  console.log(renderResults(results, options.token));
  Deno.exit(results.some((r) => r.status === "fail") ? 1 : 0);
}
