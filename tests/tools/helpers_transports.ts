/**
 * Helpers for the tool suites: the three transports every tool is exercised over (HTTP in both
 * protocol eras, and stdio), and calls that assert a tool result or a tool error.
 * @module
 */
import type { Client } from "@modelcontextprotocol/client";
import { assert, type Stack, toolJson } from "../harness/mod.ts";

/** A connected client and the name its steps are reported under. */
export interface Transport {
  readonly name: "http-legacy" | "http-modern" | "stdio";
  readonly client: Client & AsyncDisposable;
  readonly kind: "http" | "stdio";
}

/**
 * Opens HTTP clients (both eras) as `subject` and one stdio client. The caller disposes them
 * (closeAll) before the stack.
 */
export async function openTransports(
  stack: Stack,
  subject: string,
  stdioEnv: Record<string, string> = {},
): Promise<Transport[]> {
  const [legacy, modern, stdio] = await Promise.all([
    stack.http(subject, { era: "legacy" }),
    stack.http(subject, { era: "modern" }),
    stack.stdio({ env: stdioEnv }),
  ]);
  return [
    { name: "http-legacy", client: legacy, kind: "http" },
    { name: "http-modern", client: modern, kind: "http" },
    { name: "stdio", client: stdio, kind: "stdio" },
  ];
}

/** Closes every transport. */
export async function closeAll(transports: readonly Transport[]): Promise<void> {
  await Promise.all(transports.map((t) => t.client.close()));
}

interface RawResult {
  isError?: boolean;
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
}

/** Calls a tool and returns its structured result; fails the test on a tool error. */
export async function callOk<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<T> {
  const result = await client.callTool({ name, arguments: args }) as RawResult;
  const text = result.content?.find((c) => c.type === "text")?.text ?? "";
  assert(!result.isError, `${name} failed: ${text}`);
  assert(result.structuredContent, `${name} returned no structuredContent`);
  // The text content carries the same JSON as the structured content.
  assert(JSON.stringify(JSON.parse(text)) === JSON.stringify(result.structuredContent));
  return toolJson(result) as T;
}

/**
 * Calls a tool that must fail with a tool error (isError + a message), not a protocol crash;
 * returns the message.
 */
export async function callError(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<string> {
  const result = await client.callTool({ name, arguments: args }) as RawResult;
  const text = result.content?.find((c) => c.type === "text")?.text ?? "";
  assert(result.isError === true, `${name} should have failed but returned: ${text.slice(0, 500)}`);
  assert(text.length > 0, `${name} failed without a message`);
  assert(!/unexpectedly|internal/i.test(text), `${name} crashed instead of a clear error: ${text}`);
  return text;
}

/** Names of the tools the server lists. */
export async function listedTools(client: Client): Promise<Map<string, Record<string, unknown>>> {
  const { tools } = await client.listTools();
  return new Map(tools.map((t) => [t.name, t as unknown as Record<string, unknown>]));
}
