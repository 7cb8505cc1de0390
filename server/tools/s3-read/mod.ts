/** The s3-read category's tools (policies/categories.json). @module */
export { S3_READ_TOOLS } from "./s3_read.ts";
export { S3_READ_RESOURCES } from "./s3_resources.ts";
