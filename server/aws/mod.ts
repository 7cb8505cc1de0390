/** Per-context AWS access. @module */
export * from "./settings.ts";
export * from "./clients.ts";
