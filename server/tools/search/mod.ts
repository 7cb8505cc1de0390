/** The search category's tools (policies/categories.json). @module */
export { SEARCH_TOOLS } from "./search.ts";
