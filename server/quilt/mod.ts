/**
 * The Quilt package format, bit-compatible with quilt3 8.0.0: Python-compatible JSON, manifests,
 * top hashes, entry hashes, registry layout, browsing, diffs, Quilt+ URIs and catalog URLs.
 * Pure logic: no AWS calls (byte streams are passed in by the callers in server/aws/).
 * @module
 */
export * from "./errors.ts";
export * from "./json_value.ts";
export * from "./json_parse.ts";
export * from "./json_source.ts";
export * from "./json_encode.ts";
export * from "./logical_key.ts";
export * from "./physical_key.ts";
export * from "./manifest.ts";
export * from "./top_hash.ts";
export * from "./entry_hash.ts";
export * from "./registry.ts";
export * from "./browse.ts";
export * from "./diff.ts";
export * from "./uri.ts";
export * from "./workflows/mod.ts";
export * from "./summary/mod.ts";
