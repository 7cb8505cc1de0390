/** Telemetry: JSON logs, EMF metrics, audit records. @module */
export * from "./catalog.ts";
export * from "./logger.ts";
export * from "./metrics.ts";
