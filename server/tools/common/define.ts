/**
 * How a tool is declared and run: zod input/output schemas, annotations, a description for the
 * assistant, and a body that receives the request context. The wrapper enforces the context and
 * the category and the arguments' nesting depth, turns every failure into a tool error, and writes
 * exactly one audit record and the metrics (telemetry/audit.ts).
 * @module
 */
import type {
  CallToolResult,
  McpServer,
  ServerContext,
  ToolCallback,
} from "@modelcontextprotocol/server";
import type * as z from "zod";
import type { Config } from "../../config/schema.ts";
import type { ContextStore, RequestContext } from "../../context.ts";
import type { AwsClients } from "../../aws/clients.ts";
import type { Logger } from "../../telemetry/logger.ts";
import type { Metrics } from "../../telemetry/metrics.ts";
import { writeToolCallAudit } from "../../telemetry/audit.ts";
import { categoryOf } from "../categories.ts";
import { type AwsCallDescription, mapAwsError, ToolError } from "./errors.ts";
import { assertInputDepth } from "./input_depth.ts";
import { portableSchema } from "./portable_schema.ts";

/** Process-wide dependencies tools use (none of them holds per-user state). */
export interface ToolDeps {
  readonly config: Config;
  readonly contexts: ContextStore;
  readonly aws: AwsClients;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Outbound HTTP for the Quilt catalog/registry (injectable for tests). */
  readonly fetch: typeof fetch;
}

/** What a running tool body receives. */
export interface ToolEnv {
  readonly context: RequestContext;
  readonly deps: ToolDeps;
  /** Runs an AWS call and maps its failure to a clear ToolError. */
  aws<T>(call: Omit<AwsCallDescription, "category">, fn: () => Promise<T>): Promise<T>;
  /** Aborted when the client cancels the call or disconnects; pass it to long AWS operations. */
  readonly signal: AbortSignal;
  /** Reports progress of a long operation when the client asked for it (a no-op otherwise). */
  progress(done: number, total?: number, message?: string): Promise<void>;
}

/** Client hints (never authorization). */
export interface ToolAnnotations {
  readonly readOnlyHint: boolean;
  readonly destructiveHint: boolean;
  readonly idempotentHint: boolean;
  readonly openWorldHint: boolean;
}

/** A tool declaration. */
export interface ToolSpec<I extends z.ZodObject, O extends z.ZodObject> {
  readonly name: string;
  readonly title: string;
  /** Tells an assistant when to use the tool. */
  readonly description: string;
  readonly input: I;
  readonly output: O;
  readonly annotations: ToolAnnotations;
  run(args: z.infer<I>, env: ToolEnv): Promise<z.infer<O>>;
}

/** A declared tool, type-erased for registries. */
export interface ToolDefinition {
  readonly name: string;
  readonly category: string;
  readonly title: string;
  readonly description: string;
  readonly annotations: ToolAnnotations;
  readonly input: z.ZodObject;
  readonly output: z.ZodObject;
  /** Registers the tool on a server instance. */
  register(server: McpServer, deps: ToolDeps): void;
  /** Runs the tool in the current context exactly as a client call would (tests, bench). */
  invoke(args: unknown, deps: ToolDeps): Promise<CallToolResult>;
}

function errorResult(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

/**
 * What a tool or resource body receives for one call in `context`: AWS failures are mapped to
 * clear errors naming `category` (and a credential error makes the cache forget them); the
 * client's cancel signal and progress reporting come from the SDK's request context when there is
 * one.
 */
export function toolEnv(
  context: RequestContext,
  deps: ToolDeps,
  category: string,
  request?: ServerContext,
): ToolEnv {
  const progressToken = request?.mcpReq._meta?.progressToken;
  return {
    context,
    deps,
    signal: request?.mcpReq.signal ?? new AbortController().signal,
    progress: async (done, total, message) => {
      if (progressToken === undefined || !request) return;
      await request.mcpReq.notify({
        method: "notifications/progress",
        params: {
          progressToken,
          progress: done,
          ...(total !== undefined ? { total } : {}),
          ...(message ? { message } : {}),
        },
      }).catch(() => {});
    },
    aws: async (call, fn) => {
      try {
        return await fn();
      } catch (e) {
        const mapped = mapAwsError(e, { ...call, category });
        const name = (e as { name?: string })?.name;
        if (name) context.aws.onCredentialError?.(name);
        throw mapped;
      }
    },
  };
}

/** Declares a tool; its category comes from policies/categories.json. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  spec: ToolSpec<I, O>,
): ToolDefinition {
  const category = categoryOf(spec.name);
  if (!category) throw new Error(`tool ${spec.name} is not in policies/categories.json`);

  async function execute(
    args: z.infer<I>,
    deps: ToolDeps,
    request?: ServerContext,
  ): Promise<CallToolResult> {
    const started = performance.now();
    let outcome: "ok" | "error" | "denied" = "error";
    let reason: string | undefined;
    let context: RequestContext | undefined;
    try {
      context = deps.contexts.current(`tool ${spec.name}`);
      if (!context.enabledCategories.has(category!)) {
        outcome = "denied";
        reason = "category_disabled";
        return errorResult(`The '${category}' tool category is not enabled on this server.`);
      }
      assertInputDepth(args);
      const env = toolEnv(context, deps, category!, request);
      const output = await spec.run(args, env);
      outcome = "ok";
      return {
        content: [{ type: "text", text: JSON.stringify(output) }],
        structuredContent: output,
      };
    } catch (e) {
      if (e instanceof ToolError) {
        outcome = e.code === "access_denied" ? "denied" : "error";
        reason = e.code;
        return errorResult(e.message);
      }
      reason = "internal_error";
      deps.logger.error("tool_error", {
        tool: spec.name,
        request_id: context?.requestId,
        error: `${(e as Error)?.name}: ${(e as Error)?.message}`,
      });
      return errorResult(
        `The tool failed unexpectedly (${
          (e as Error)?.name ?? "Error"
        }); the server log has details.`,
      );
    } finally {
      const queued = writeToolCallAudit(deps.logger, deps.metrics, {
        tool: spec.name,
        outcome,
        reason,
        latencyMs: Math.round(performance.now() - started),
        requestId: context?.requestId,
        clientType: context?.clientType,
        principal: context?.principal.id,
        roleArn: context?.aws.roleArn,
        sourceIdentity: context?.aws.sourceIdentity,
        roleSessionName: context?.aws.roleSessionName,
        args,
      });
      // The log writer's queue is full: the answer waits until its audit record is queued.
      if (queued) await queued;
    }
  }

  // Built once per tool: every request's McpServer advertises the same portable JSON Schemas.
  const inputSchema = portableSchema(spec.input);
  const outputSchema = portableSchema(spec.output);
  return {
    name: spec.name,
    category,
    title: spec.title,
    description: spec.description,
    annotations: spec.annotations,
    input: spec.input,
    output: spec.output,
    register(server, deps) {
      // The SDK hands each call its request context: abort signal (client cancel) and progress.
      const callback =
        ((args: unknown, request: ServerContext) =>
          execute(args as z.infer<I>, deps, request)) as unknown as ToolCallback<
            typeof inputSchema
          >;
      server.registerTool(
        spec.name,
        {
          title: spec.title,
          description: spec.description,
          inputSchema,
          outputSchema,
          annotations: { title: spec.title, ...spec.annotations },
        },
        callback,
      );
    },
    async invoke(args, deps) {
      const parsed = spec.input.safeParse(args);
      if (!parsed.success) return errorResult(`Input validation error: ${parsed.error.message}`);
      return await execute(parsed.data as z.infer<I>, deps);
    },
  };
}

/** Read-only tool that talks to AWS. */
export const READ_ONLY: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
};
/** Pure computation (no AWS, no network). */
export const LOCAL_ONLY: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};
