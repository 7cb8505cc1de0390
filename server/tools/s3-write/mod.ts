/** The s3-write category's tools (policies/categories.json). @module */
export { S3_WRITE_TOOLS } from "./s3_write.ts";
