/** Command-line help text, generated from the config schema. @module */
import { SETTINGS } from "./config/schema.ts";
import { VERSION } from "./version.ts";

/** The --help text. */
export function helpText(): string {
  const lines = [
    `quilt-mcp ${VERSION} — MCP server for Quilt data on AWS`,
    "",
    "Usage: quilt-mcp [command] [options]",
    "",
    "Commands:",
    "  serve         Serve MCP (default): --transport stdio for desktop clients, http for web clients",
    "  healthcheck   Exit 0 when the server on --port answers /healthz, 1 otherwise (container health check)",
    "  doctor        Check local credentials, configuration and reachability, and explain what will happen",
    "",
    "Options (each also settable by its environment variable):",
  ];
  for (const s of SETTINGS) {
    const def = s.secret
      ? ""
      : s.default !== undefined && s.default !== ""
      ? ` [default: ${s.default}]`
      : "";
    lines.push(`  ${s.flag} <${s.kind}>   ${s.env}${def}`, `      ${s.description}`);
  }
  lines.push("  --help      Show this help", "  --version   Show the version", "");
  return lines.join("\n");
}
