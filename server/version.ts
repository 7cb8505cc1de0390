/** The quilt-mcp version, reported by --version, serverInfo and /healthz. */
export const VERSION = "0.1.0";
