/** The packages-read category's tools (policies/categories.json). @module */
export { PACKAGES_READ_TOOLS } from "./packages_read.ts";
