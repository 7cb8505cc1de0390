/** The packages-write category's tools (policies/categories.json). @module */
import { SUMMARIZE_TOOLS } from "./package_summarize.ts";
import { PACKAGES_WRITE_TOOLS as CORE } from "./packages_write.ts";

export const PACKAGES_WRITE_TOOLS = [...CORE, ...SUMMARIZE_TOOLS];
