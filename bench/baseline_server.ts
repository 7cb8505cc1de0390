/**
 * The bench's baseline: a minimal stateless MCP SDK server on Deno — `Deno.serve` straight into
 * `createMcpHandler` with a fresh McpServer per request, no auth, no Hono middleware, no telemetry
 * output — serving the product's own definition of ONE tool (same schemas, same code), so the
 * product/baseline ratio is the price of everything the product adds around a tool call: JWT
 * verification, per-user credentials, the middleware chain, the request context, audit logs and
 * metrics, and registering every enabled tool per request.
 *
 * Usage: deno run -A bench/baseline_server.ts <tool name>...
 * The tools' AWS calls (if any) use the static credentials in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.
 * Listens on BASELINE_PORT (default: an ephemeral port), prints {"port":N} on stdout once
 * listening, answers GET /health with 200, and stops on SIGTERM or when stdin closes.
 * @module
 */
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import { webCatalogCredential } from "../server/auth/catalog_credential.ts";
import { loadConfig } from "../server/config/load.ts";
import { createRuntime } from "../server/runtime.ts";
import { ALL_TOOLS } from "../server/tools/registry.ts";

const toolNames = Deno.args;
const tools = ALL_TOOLS.filter((t) => toolNames.includes(t.name));
if (tools.length !== toolNames.length || tools.length === 0) {
  console.error(`baseline: unknown tool among ${toolNames.join(", ")}`);
  Deno.exit(2);
}

// The product's runtime with its output silenced: tools need their deps (AWS settings, a context
// store), not the product's HTTP stack. Desktop-style context with static credentials.
const env = Deno.env.toObject();
const config = loadConfig(["--transport", "stdio", "--log-level", "error", "--metrics", "off"], {
  ...env,
  QUILT_MCP_TOOL_CATEGORIES: [...new Set(tools.map((t) => t.category))].join(","),
});
const runtime = createRuntime(config);
const credentials = {
  accessKeyId: env.AWS_ACCESS_KEY_ID ?? "testing",
  secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "testing",
};

const handler = createMcpHandler(() => {
  const server = new McpServer({ name: "baseline", version: "0.0.0" }, {
    capabilities: { tools: {} },
  });
  for (const tool of tools) tool.register(server, runtime.toolDeps);
  return server;
});

const server = Deno.serve(
  {
    hostname: "127.0.0.1",
    port: Number(env.BASELINE_PORT ?? "0"),
    onListen: ({ port }) => console.log(JSON.stringify({ port })),
  },
  (request) =>
    new URL(request.url).pathname === "/health" ? new Response("ok") : runtime.contexts.run({
      principal: { id: "baseline" },
      clientType: "desktop-stdio",
      requestId: "baseline",
      aws: { credentials: () => Promise.resolve(credentials) },
      enabledCategories: runtime.categories,
      catalog: webCatalogCredential(undefined, undefined),
    }, () => handler.fetch(request)),
);

const stop = async () => {
  await server.shutdown();
  Deno.exit(0);
};
Deno.addSignalListener("SIGTERM", stop);
(async () => {
  for await (const _ of Deno.stdin.readable) { /* wait for the parent to close stdin */ }
  await stop();
})();
