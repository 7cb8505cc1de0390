/**
 * quilt3's workflow rules for pushes (`.quilt/workflows/config.yml`): the configuration read as
 * PyYAML reads it, JSON Schema draft 7 with the Python `jsonschema` package's semantics, Python
 * regular expressions, and the record a revision keeps. Pure logic: bytes are fetched by callers.
 * @module
 */
export * from "./config.ts";
export * from "./json_schema.ts";
export * from "./metadata_template.ts";
export * from "./py_regex.ts";
export * from "./py_value.ts";
export * from "./yaml_dump.ts";
export * from "./yaml_load.ts";
