/**
 * Real MCP SDK clients for tests: over Streamable HTTP with a bearer token (either protocol era)
 * and over stdio against a spawned server.
 * @module
 */
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { baseServerEnv, serverCommandArgs } from "./server_process.ts";
import { DENO, REPO_ROOT } from "./paths.ts";

/** Protocol eras: 2025-era clients (initialize handshake) and 2026-07-28 clients. */
export type Era = "legacy" | "modern";
/** Both eras, for tests that run a case against each. */
export const ERAS: readonly Era[] = ["legacy", "modern"];

function newClient(era: Era): Client {
  return new Client(
    { name: "quilt-mcp-tests", version: "0.0.0" },
    era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {},
  );
}

/** Connects an HTTP client to `${origin}/mcp` with a bearer token (or none). */
export async function connectHttp(
  origin: string,
  options: { token?: string; era?: Era; headers?: Record<string, string> } = {},
): Promise<Client & AsyncDisposable> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  const client = newClient(options.era ?? "legacy");
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), { requestInit: { headers } }),
  );
  return Object.assign(client, { [Symbol.asyncDispose]: () => client.close() });
}

/** Spawns the server over stdio (same permission flags as the binary) and connects a client. */
export async function connectStdio(
  env: Record<string, string>,
  options: { era?: Era; args?: string[]; onStderr?: (chunk: string) => void } = {},
): Promise<Client & AsyncDisposable> {
  const transport = new StdioClientTransport({
    command: DENO,
    args: serverCommandArgs(["serve", "--transport", "stdio", ...(options.args ?? [])]),
    env: baseServerEnv(env),
    cwd: REPO_ROOT,
    stderr: "pipe",
  });
  // Always drain the server's stderr: an unread pipe fills up and blocks the server's log writes.
  const decoder = new TextDecoder();
  transport.stderr?.on("data", (chunk: Uint8Array) => options.onStderr?.(decoder.decode(chunk)));
  const client = newClient(options.era ?? "legacy");
  await client.connect(transport);
  return Object.assign(client, { [Symbol.asyncDispose]: () => client.close() });
}

/** Parses the JSON text content of a tool result (every tool returns its structured result as JSON text too). */
export function toolJson(result: unknown): Record<string, unknown> {
  const r = result as {
    structuredContent?: Record<string, unknown>;
    content?: Array<{ type: string; text?: string }>;
  };
  if (r.structuredContent) return r.structuredContent;
  const text = r.content?.find((c) => c.type === "text")?.text;
  if (text === undefined) {
    throw new Error(`tool result has no text content: ${JSON.stringify(result)}`);
  }
  return JSON.parse(text);
}
