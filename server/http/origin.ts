/**
 * DNS-rebinding protection for the MCP endpoint: a present Origin must be on the allow-list and the
 * Host must be one this server answers to. Both compare exact values; a missing Origin (non-browser
 * clients) is allowed. Host entries without a port match the hostname on any port.
 * @module
 */

/** Why a request was refused, or undefined when it passes. */
export type OriginCheck = (request: Request) => string | undefined;

/**
 * The check for one configuration. The Host allow-list is compiled here, once, into sets (entries
 * compared exactly, and entries without a port, not IPv6 literals, that match the hostname on any
 * port), so a request costs two lookups instead of each entry's expressions.
 */
export function originCheck(
  allowedOrigins: readonly string[],
  allowedHosts: readonly string[],
): OriginCheck {
  const hosts: HostAllowList = {
    exact: new Set(allowedHosts),
    anyPort: new Set(
      allowedHosts.filter((h) => !/:\d+$/.test(h) && !h.startsWith("[")).map((h) =>
        h.toLowerCase()
      ),
    ),
  };
  return (request) => {
    const origin = request.headers.get("origin");
    if (origin !== null && !allowedOrigins.includes(origin)) return "origin not allowed";
    const host = request.headers.get("host")?.toLowerCase();
    if (allowedHosts.length > 0 && (host === undefined || !hostAllowed(hosts, host))) {
      return "host not allowed";
    }
    return undefined;
  };
}

/** A compiled Host allow-list. */
interface HostAllowList {
  readonly exact: ReadonlySet<string>;
  readonly anyPort: ReadonlySet<string>;
}

/** An entry with a port must match exactly; an entry without one matches the hostname on any port. */
function hostAllowed(list: HostAllowList, host: string): boolean {
  if (list.exact.has(host)) return true;
  const hostname = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : withoutPort(host);
  return list.anyPort.has(hostname);
}

/** `host` without a trailing `:digits` (what `host.replace(/:\d+$/, "")` gives, on every request). */
function withoutPort(host: string): string {
  const colon = host.lastIndexOf(":");
  if (colon < 0 || colon === host.length - 1) return host;
  for (let i = colon + 1; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c < 48 || c > 57) return host;
  }
  return host.slice(0, colon);
}
