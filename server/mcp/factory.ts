/**
 * Builds a NEW McpServer for every HTTP request (and one per stdio connection) from one factory.
 * Nothing about a client lives in a shared server or transport object: in SDK 1.x sharing them
 * leaked responses between clients. Identity reaches tools only through the request context.
 *
 * A request that carries only `tools/call` messages gets a server with just the tools it names
 * (the request context's `calledTools`): registering all of them for every call was a large share
 * of a cheap call's cost (issue 13). Any other request — and a call naming a tool that is unknown
 * or not enabled, so its error stays the SDK's own — gets every enabled tool and resource.
 * @module
 */
import { McpServer, type McpServerFactory } from "@modelcontextprotocol/server";
import { enabledTools, registerResources, registerTools } from "../tools/registry.ts";
import type { ToolDefinition, ToolDeps } from "../tools/common/define.ts";
import { VERSION } from "../version.ts";

const INSTRUCTIONS =
  "Governed access to Quilt data on AWS: S3 buckets, Quilt packages, search, permissions and Athena. " +
  "Call auth_status to see who you are and which tool categories are enabled. " +
  "Resources (s3://, quilt+s3://, auth://, athena://, metadata://) attach data and context.";

/** The factory handed to createMcpHandler / serveStdio. */
export function mcpServerFactory(
  deps: ToolDeps,
  categories: ReadonlySet<string>,
): McpServerFactory {
  const byName = new Map(enabledTools(categories).map((t) => [t.name, t]));
  return () => {
    const server = new McpServer(
      { name: "quilt-mcp", version: VERSION },
      { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
    );
    const called = calledDefinitions(deps.contexts.peek()?.calledTools, byName);
    if (called) {
      for (const tool of called) tool.register(server, deps);
      return server;
    }
    registerTools(server, deps, categories);
    registerResources(server, deps, categories);
    return server;
  };
}

/** The definitions of `names` (each once), or undefined when absent or any is not enabled. */
function calledDefinitions(
  names: readonly string[] | undefined,
  byName: ReadonlyMap<string, ToolDefinition>,
): ToolDefinition[] | undefined {
  if (!names) return undefined;
  const tools = new Set<ToolDefinition>();
  for (const name of names) {
    const tool = byName.get(name);
    if (!tool) return undefined;
    tools.add(tool);
  }
  return [...tools];
}
