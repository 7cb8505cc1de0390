/** The s3-read category's tools and resources (policies/categories.json). @module */
import type { ToolDefinition } from "../common/define.ts";
import { S3_READ_TOOLS as OBJECT_TOOLS } from "./s3_read.ts";
import { S3_SEARCH_TOOLS } from "./s3_search.ts";

/** Tools of the s3-read category. */
export const S3_READ_TOOLS: readonly ToolDefinition[] = [...OBJECT_TOOLS, ...S3_SEARCH_TOOLS];
/** Resources of the s3-read category. */
export { S3_READ_RESOURCES } from "./s3_resources.ts";
