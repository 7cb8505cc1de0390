/** MCP tools, grouped by category (policies/categories.json). @module */
export * from "./categories.ts";
export * from "./common/define.ts";
export * from "./common/errors.ts";
export * from "./registry.ts";
