/** The catalog category's tools (policies/categories.json). @module */
export { CATALOG_TOOLS } from "./catalog.ts";
