/**
 * Builds a NEW McpServer for every HTTP request (and one per stdio connection) from one factory.
 * Nothing about a client lives in a shared server or transport object: in SDK 1.x sharing them
 * leaked responses between clients. Identity reaches tools only through the request context.
 * @module
 */
import { McpServer, type McpServerFactory } from "@modelcontextprotocol/server";
import { registerResources, registerTools } from "../tools/registry.ts";
import type { ToolDeps } from "../tools/common/define.ts";
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
  return () => {
    const server = new McpServer(
      { name: "quilt-mcp", version: VERSION },
      { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
    );
    registerTools(server, deps, categories);
    registerResources(server, deps, categories);
    return server;
  };
}
