/**
 * The audit record of a tool call: exactly one `tool_call` line per invocation, whatever happened in
 * the tool or in the audit step itself. The arguments are identified by a SHA-256 digest of their
 * canonical JSON (sorted keys), computed without recursion so that no nesting depth can overflow the
 * stack; a digest that cannot be computed is recorded as such instead of losing the record.
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import type { Logger } from "./logger.ts";
import type { Metrics } from "./metrics.ts";

/** Characters buffered before they are fed to the hash. */
const FLUSH_AT = 64 * 1024;

/** A container being written: its remaining children and how to separate them. */
interface Frame {
  readonly container: object;
  readonly keys: readonly string[] | undefined;
  index: number;
}

/** Raised for arguments canonical JSON cannot describe (a cycle). */
export class DigestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DigestError";
  }
}

function scalar(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}

/**
 * Streams the canonical JSON of `value` into `hash`: arrays in order, object keys sorted, anything
 * JSON cannot express (undefined, functions) as null. Byte-identical to the recursive definition
 * it replaces, so digests stay comparable across versions.
 */
function writeCanonical(value: unknown, hash: Hash): void {
  let buffer = "";
  const emit = (text: string) => {
    buffer += text;
    if (buffer.length >= FLUSH_AT) {
      hash.update(buffer);
      buffer = "";
    }
  };
  const open = new Set<object>();
  const stack: Frame[] = [];
  const enter = (v: unknown) => {
    if (!v || typeof v !== "object") {
      emit(scalar(v));
      return;
    }
    if (open.has(v)) throw new DigestError("the arguments contain a cycle");
    open.add(v);
    if (Array.isArray(v)) {
      emit("[");
      stack.push({ container: v, keys: undefined, index: 0 });
    } else {
      emit("{");
      stack.push({ container: v, keys: Object.keys(v).sort(), index: 0 });
    }
  };
  enter(value);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    const size = frame.keys ? frame.keys.length : (frame.container as unknown[]).length;
    if (frame.index >= size) {
      emit(frame.keys ? "}" : "]");
      open.delete(frame.container);
      stack.pop();
      continue;
    }
    if (frame.index > 0) emit(",");
    const i = frame.index++;
    if (frame.keys) {
      const key = frame.keys[i];
      emit(`${JSON.stringify(key)}:`);
      enter((frame.container as Record<string, unknown>)[key]);
    } else {
      enter((frame.container as unknown[])[i]);
    }
  }
  hash.update(buffer);
}

/** SHA-256 (hex) of the canonical arguments: identifies a call without logging its data. */
export function argsDigest(args: unknown): string {
  const hash = createHash("sha256");
  writeCanonical(args, hash);
  return hash.digest("hex");
}

/** The digest, or why it could not be computed (recorded in the audit line instead). */
export function guardedArgsDigest(args: unknown): { digest?: string; error?: string } {
  try {
    return { digest: argsDigest(args) };
  } catch (e) {
    return { error: `${(e as Error)?.name ?? "Error"}: ${(e as Error)?.message ?? String(e)}` };
  }
}

/** What one tool invocation did. */
export interface ToolCallRecord {
  readonly tool: string;
  readonly outcome: "ok" | "error" | "denied";
  readonly reason?: string;
  readonly latencyMs: number;
  readonly requestId?: string;
  readonly clientType?: string;
  readonly principal?: string;
  readonly roleArn?: string;
  /** SourceIdentity and RoleSessionName sent to STS: CloudTrail's records of the call carry them. */
  readonly sourceIdentity?: string;
  readonly roleSessionName?: string;
  readonly args: unknown;
}

/**
 * Writes the audit line first and the metrics after it, each step guarded, so a failure in one
 * (a digest, a metric) can neither suppress the record nor escape into the tool's answer. Returns
 * a promise when the log writer's queue is full: the caller awaits it, so the call waits for its
 * audit record to be queued (never dropped). Throws when the log output has failed.
 */
export function writeToolCallAudit(
  logger: Logger,
  metrics: Metrics,
  record: ToolCallRecord,
): Promise<void> | undefined {
  const { digest, error } = guardedArgsDigest(record.args);
  try {
    return logger.audit("tool_call", {
      tool: record.tool,
      outcome: record.outcome,
      reason: record.reason,
      latency_ms: record.latencyMs,
      request_id: record.requestId,
      client_type: record.clientType,
      principal: record.principal,
      role_arn: record.roleArn,
      source_identity: record.sourceIdentity,
      role_session_name: record.roleSessionName,
      args_digest: digest,
      digest_error: error,
    });
  } finally {
    try {
      metrics.count("ToolCall", { Tool: record.tool, Outcome: record.outcome });
      metrics.put("ToolLatency", record.latencyMs, { Tool: record.tool });
    } catch (e) {
      logger.error("tool_error", {
        tool: record.tool,
        request_id: record.requestId,
        error: `metrics: ${(e as Error)?.name}: ${(e as Error)?.message}`,
      });
    }
  }
}
