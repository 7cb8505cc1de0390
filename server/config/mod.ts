/** Configuration: the schema and its loader. @module */
export * from "./schema.ts";
export * from "./load.ts";
