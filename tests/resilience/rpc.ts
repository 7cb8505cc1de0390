/** Raw JSON-RPC over the MCP HTTP endpoint for load and fuzz runs (no SDK client in the way). @module */

/** Headers of a stateless 2025-era MCP POST, optionally with a bearer token. */
export function mcpHeaders(token?: string): Record<string, string> {
  const h: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": "2025-06-18",
  };
  if (token !== undefined) h.authorization = `Bearer ${token}`;
  return h;
}

/** A tools/call request body. */
export function toolCallBody(name: string, args: unknown, id: number | string): string {
  return JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name, arguments: args },
  });
}

/** The JSON-RPC message of an answer body (plain JSON or the first SSE `data:` line). */
export function rpcMessage(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trimStart();
  let json = trimmed;
  if (!trimmed.startsWith("{")) {
    const line = text.split("\n").find((l) => l.startsWith("data:"));
    if (!line) return undefined;
    json = line.slice(5).trim();
  }
  try {
    const value = JSON.parse(json);
    return value && typeof value === "object" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Posts one JSON-RPC body; never throws (a transport failure is status 0 with the error text). */
export async function post(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string; headers: Headers }> {
  try {
    const r = await fetch(url, { method: "POST", headers, body });
    return { status: r.status, text: await r.text(), headers: r.headers };
  } catch (e) {
    return {
      status: 0,
      text: `${(e as Error).name}: ${(e as Error).message}`,
      headers: new Headers(),
    };
  }
}

/** Runs `task(i)` for i in [0, n) with at most `concurrency` at a time. */
export async function pool(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}
