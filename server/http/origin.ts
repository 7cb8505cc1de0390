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
    allowedHosts.length > 0 && (host === undefined || !hostAllowed(compiled(allowedHosts), host))
  ) {
    return "host not allowed";
  }
  return undefined;
}

/**
 * An allow-list of hosts ready for lookups: entries compared exactly, and entries without a port
 * (not IPv6 literals) that match the hostname on any port.
 */
interface HostAllowList {
  readonly exact: ReadonlySet<string>;
  readonly anyPort: ReadonlySet<string>;
}

/** Allow-lists already compiled, by the configuration's (frozen, long-lived) array. */
const compiledLists = new WeakMap<readonly string[], HostAllowList>();

function compiled(allowedHosts: readonly string[]): HostAllowList {
  let list = compiledLists.get(allowedHosts);
  if (!list) {
    list = {
      exact: new Set(allowedHosts),
      anyPort: new Set(
        allowedHosts.filter((h) => !/:\d+$/.test(h) && !h.startsWith("[")).map((h) =>
          h.toLowerCase()
        ),
      ),
    };
    compiledLists.set(allowedHosts, list);
  }
  return list;
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
