/** The packages-write category's tools (policies/categories.json). @module */
export { PACKAGES_WRITE_TOOLS } from "./packages_write.ts";
