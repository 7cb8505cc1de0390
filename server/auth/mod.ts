/** Authentication, role resolution and credentials. @module */
export * from "./errors.ts";
export * from "./bearer.ts";
export * from "./verifier.ts";
export * from "./roles.ts";
export * from "./sanitize.ts";
export * from "./credential_cache.ts";
export * from "./sts.ts";
export * from "./secret_source.ts";
export * from "./desktop.ts";
