/**
 * Every tool and MCP resource the server knows, and registration of exactly the enabled
 * categories' tools and resources on a fresh McpServer. Those of disabled categories are never
 * registered, so they do not appear in tools/list or resources/list and calls or reads fail as
 * unknown.
 * @module
 */
import type { McpServer } from "@modelcontextprotocol/server";
import type { ToolDefinition, ToolDeps } from "./common/define.ts";
import type { ResourceDefinition } from "./common/define_resource.ts";
import { ADMIN_TOOLS } from "./admin/mod.ts";
import { ATHENA_RESOURCES, ATHENA_TOOLS } from "./athena/mod.ts";
import { CATALOG_TOOLS } from "./catalog/mod.ts";
import { GOVERNANCE_RESOURCES, GOVERNANCE_TOOLS } from "./governance/mod.ts";
import { PACKAGES_READ_RESOURCES, PACKAGES_READ_TOOLS } from "./packages-read/mod.ts";
import { PACKAGES_WRITE_TOOLS } from "./packages-write/mod.ts";
import { S3_READ_RESOURCES, S3_READ_TOOLS } from "./s3-read/mod.ts";
import { S3_WRITE_TOOLS } from "./s3-write/mod.ts";
import { SEARCH_TOOLS } from "./search/mod.ts";

/** All tool definitions, across categories. */
export const ALL_TOOLS: readonly ToolDefinition[] = [
  ...S3_READ_TOOLS,
  ...S3_WRITE_TOOLS,
  ...PACKAGES_READ_TOOLS,
  ...PACKAGES_WRITE_TOOLS,
  ...SEARCH_TOOLS,
  ...GOVERNANCE_TOOLS,
  ...ATHENA_TOOLS,
  ...CATALOG_TOOLS,
  ...ADMIN_TOOLS,
];

/** The definitions of the enabled categories. */
export function enabledTools(categories: ReadonlySet<string>): ToolDefinition[] {
  return ALL_TOOLS.filter((t) => categories.has(t.category));
}

/** Registers the enabled categories' tools on `server`. */
export function registerTools(
  server: McpServer,
  deps: ToolDeps,
  categories: ReadonlySet<string>,
): void {
  for (const tool of enabledTools(categories)) tool.register(server, deps);
}

/** All resource definitions, across categories. */
export const ALL_RESOURCES: readonly ResourceDefinition[] = [
  ...S3_READ_RESOURCES,
  ...PACKAGES_READ_RESOURCES,
  ...GOVERNANCE_RESOURCES,
  ...ATHENA_RESOURCES,
];

/** Registers the enabled categories' resources on `server`. */
export function registerResources(
  server: McpServer,
  deps: ToolDeps,
  categories: ReadonlySet<string>,
): void {
  for (const resource of ALL_RESOURCES) {
    if (categories.has(resource.category)) resource.register(server, deps);
  }
}
