/** The test harness every suite uses. @module */
export * from "./paths.ts";
export * from "./deadlines.ts";
export * from "./lines.ts";
export * from "./moto.ts";
export * from "./jwt_issuer.ts";
export * from "./server_process.ts";
export * from "./mcp_client.ts";
export * from "./seed.ts";
export * from "./stack.ts";
export * from "./assert.ts";
export * from "./aws_proxy.ts";
export * from "./discovery.ts";
export * from "./fake_catalog.ts";
