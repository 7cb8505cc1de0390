/** MCP tools, grouped by category (policies/categories.json). @module */
export * from "./categories.ts";
export * from "./define.ts";
export * from "./errors.ts";
export * from "./registry.ts";
