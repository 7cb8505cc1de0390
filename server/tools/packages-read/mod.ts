/** The packages-read category's tools and resources (policies/categories.json). @module */
import type { ToolDefinition } from "../common/define.ts";
import { PACKAGES_READ_TOOLS as BROWSE_TOOLS } from "./packages_read.ts";
import { METADATA_TOOLS } from "./package_metadata.ts";

/** Tools of the packages-read category. */
export const PACKAGES_READ_TOOLS: readonly ToolDefinition[] = [...BROWSE_TOOLS, ...METADATA_TOOLS];
/** Resources of the packages-read category. */
export { METADATA_RESOURCES as PACKAGES_READ_RESOURCES } from "./package_metadata.ts";
