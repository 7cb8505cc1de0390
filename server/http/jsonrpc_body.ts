/**
 * What a POST body on the MCP endpoint carries, counted per JSON-RPC message: the rate limiter
 * charges one token per message (a batch of N costs N), and a batch is answered as the negotiated
 * protocol revision requires. JSON-RPC batching exists in exactly one MCP revision: 2025-03-26 added
 * it and 2025-06-18 removed it (the POST body "MUST be a single JSON-RPC request, notification, or
 * response"); 2024-11-05 never defined it and 2026-07-28 has no batches either. A stateless request
 * without `MCP-Protocol-Version` is taken as 2025-03-26, as the transport specification tells a
 * server to assume.
 * @module
 */
import { parseJsonKeepingNumberText } from "../quilt/json_source.ts";

/** The revision a request without an `MCP-Protocol-Version` header is served as. */
export const ASSUMED_PROTOCOL_VERSION = "2025-03-26";

/** The protocol revisions that define JSON-RPC batches. */
export const BATCH_PROTOCOL_VERSIONS: ReadonlySet<string> = new Set(["2025-03-26"]);

/** Decodes bodies (replacing invalid sequences, as Request.text() does); stateless between calls. */
const UTF8 = new TextDecoder();

/** A POST body, inspected once. */
export interface InspectedBody {
  /** The parsed JSON, or undefined when the body is not JSON (the SDK answers that). */
  readonly parsed: unknown;
  /** Whether the body is a JSON array (a batch). */
  readonly batch: boolean;
  /** JSON-RPC messages the body carries; at least 1, so even an unparsable body costs a token. */
  readonly messages: number;
  /** How many of them are `tools/call` requests (the messages that may need AWS credentials). */
  readonly toolCalls: number;
  /**
   * The tool names, when every message is a `tools/call` request naming a tool (the request's
   * McpServer needs only those tools); undefined for any other body.
   */
  readonly calledTools?: readonly string[];
}

/** Parses a body and counts its messages. */
export function inspectBody(body: Uint8Array): InspectedBody {
  let parsed: unknown;
  try {
    // Number text is kept (1.0, big integers): tools write metadata exactly as the client sent it.
    parsed = parseJsonKeepingNumberText(UTF8.decode(body));
  } catch {
    return { parsed: undefined, batch: false, messages: 1, toolCalls: 0 };
  }
  if (!Array.isArray(parsed)) {
    const name = calledToolName(parsed);
    return {
      parsed,
      batch: false,
      messages: 1,
      toolCalls: isMethod(parsed, "tools/call") ? 1 : 0,
      ...(name !== undefined ? { calledTools: [name] } : {}),
    };
  }
  const names = parsed.map(calledToolName);
  return {
    parsed,
    batch: true,
    messages: Math.max(1, parsed.length),
    toolCalls: parsed.filter((m) => isMethod(m, "tools/call")).length,
    ...(names.length > 0 && names.every((n) => n !== undefined)
      ? { calledTools: names as string[] }
      : {}),
  };
}

/** The tool a `tools/call` request names, or undefined for any other message. */
function calledToolName(message: unknown): string | undefined {
  if (!isMethod(message, "tools/call")) return undefined;
  const name = (message as { params?: { name?: unknown } }).params?.name;
  return typeof name === "string" ? name : undefined;
}

function isMethod(message: unknown, method: string): boolean {
  return typeof message === "object" && message !== null &&
    (message as { method?: unknown }).method === method;
}

/**
 * Why a batch must be refused under the request's protocol revision, or undefined when it is
 * allowed. `versionHeader` is the request's `MCP-Protocol-Version` (null when absent).
 */
export function batchRefusal(
  body: InspectedBody,
  versionHeader: string | null,
): string | undefined {
  if (!body.batch) return undefined;
  const version = versionHeader ?? ASSUMED_PROTOCOL_VERSION;
  if (!BATCH_PROTOCOL_VERSIONS.has(version)) {
    return `Invalid Request: protocol revision ${version} does not allow JSON-RPC batches; send one message per request`;
  }
  if ((body.parsed as unknown[]).some((m) => isMethod(m, "initialize"))) {
    return "Invalid Request: the initialize request must not be part of a JSON-RPC batch";
  }
  return undefined;
}
