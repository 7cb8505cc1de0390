/**
 * DNS-rebinding protection for the MCP endpoint: a present Origin must be on the allow-list and the
 * Host must be one this server answers to. Both compare exact values; a missing Origin (non-browser
 * clients) is allowed. Host entries without a port match the hostname on any port.
 * @module
 */

/** Why a request was refused, or undefined when it passes. */
export function originProblem(
  request: Request,
  allowedOrigins: readonly string[],
  allowedHosts: readonly string[],
): string | undefined {
  const origin = request.headers.get("origin");
  if (origin !== null && !allowedOrigins.includes(origin)) return "origin not allowed";
  const host = request.headers.get("host")?.toLowerCase();
  if (
    allowedHosts.length > 0 &&
    (host === undefined || !allowedHosts.some((h) => hostMatches(h, host)))
  ) {
    return "host not allowed";
  }
  return undefined;
}

/** An entry with a port must match exactly; an entry without one matches the hostname on any port. */
function hostMatches(entry: string, host: string): boolean {
  if (entry === host) return true;
  if (/:\d+$/.test(entry) || entry.startsWith("[")) return false;
  const hostname = host.startsWith("[")
    ? host.slice(0, host.indexOf("]") + 1)
    : host.replace(/:\d+$/, "");
  return hostname === entry.toLowerCase();
}
