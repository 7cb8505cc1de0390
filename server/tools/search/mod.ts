/** The search category's tools (policies/categories.json). @module */
import type { ToolDefinition } from "../common/define.ts";
import { SEARCH_TOOLS as CATALOG_AND_REGISTRY } from "./search.ts";
import { SEARCH_HELPER_TOOLS } from "./search_helpers.ts";

/** Tools of the search category. */
export const SEARCH_TOOLS: readonly ToolDefinition[] = [
  ...CATALOG_AND_REGISTRY,
  ...SEARCH_HELPER_TOOLS,
];
