/**
 * What an MCP client does on its first unauthenticated request (MCP authorization, RFC 9728):
 * read `resource_metadata` from the 401 challenge, fetch that document, and learn the resource
 * (the token audience and the URL to call) and its authorization servers. The demo prints it; the
 * tests prove the advertised URLs are the ones the server really answers on.
 * @module
 */

/** The discovery a client performs from an MCP URL. */
export interface Discovery {
  readonly status: number;
  readonly challenge: string;
  readonly metadataUrl: string;
  readonly metadata: {
    resource: string;
    authorization_servers: string[];
    [key: string]: unknown;
  };
}

/** POSTs tools/list to `mcpUrl` without a token and follows the challenge's resource_metadata. */
export async function followResourceMetadata(mcpUrl: string): Promise<Discovery> {
  const refused = await fetch(mcpUrl, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
  });
  await refused.body?.cancel();
  const challenge = refused.headers.get("www-authenticate") ?? "";
  const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
  if (!metadataUrl) throw new Error(`no resource_metadata in the challenge: ${challenge}`);
  const r = await fetch(metadataUrl, { signal: AbortSignal.timeout(10_000) });
  if (!r.ok) {
    await r.body?.cancel();
    throw new Error(`GET ${metadataUrl} answered HTTP ${r.status}`);
  }
  return { status: refused.status, challenge, metadataUrl, metadata: await r.json() };
}
