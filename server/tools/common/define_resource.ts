/**
 * How an MCP resource is declared and read — the resource counterpart of `define.ts`, under the
 * same rules as tools: its category comes from policies/categories.json (a server registers only
 * the enabled categories' resources, and a read re-checks it), the body reaches identity and AWS
 * only through the request context (fail closed outside one), AWS failures become clear errors,
 * and every read writes an audit record (`resource_read`: the resource's URI template, outcome,
 * principal, role and a digest of the URI — never the URI or the content) and metrics.
 * @module
 */
import {
  type McpServer,
  ProtocolError,
  ProtocolErrorCode,
  type ReadResourceResult,
  ResourceNotFoundError,
  ResourceTemplate,
  type ServerContext,
  type UriTemplate,
} from "@modelcontextprotocol/server";
import type { RequestContext } from "../../context.ts";
import { categoryOfResource } from "../categories.ts";
import { argsDigest } from "../../telemetry/audit.ts";
import { type ToolDeps, type ToolEnv, toolEnv } from "./define.ts";
import { ToolError } from "./errors.ts";

/** What a read returns: text (JSON, CSV, …) or bytes, with optional notes for the client (`_meta`). */
export type ResourceBody =
  & ({ readonly text: string } | { readonly blob: Uint8Array })
  & { readonly mimeType: string; readonly meta?: Record<string, unknown> };

/** One concrete resource a template lists. */
export interface ListedResource {
  readonly uri: string;
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly mimeType?: string;
}

/** A resource declaration. */
export interface ResourceSpec {
  /** The URI, or for a family the URI template; also its key in policies/categories.json. */
  readonly uri: string;
  /** Short registry name (unique). */
  readonly name: string;
  readonly title: string;
  /** Tells an assistant what it holds and when to attach it. */
  readonly description: string;
  readonly mimeType: string;
  /**
   * For a template: the variables of a concrete URI, or undefined when it is not of this family.
   * Matching is ours (not RFC 6570 expansion) so that percent-encoding and the quilt+s3 fragment
   * are read exactly as the tools read them.
   */
  readonly match?: (uri: string) => Record<string, string> | undefined;
  /** For a template: the concrete resources worth listing (no AWS call; may be empty). */
  readonly list?: (deps: ToolDeps) => ListedResource[];
  read(uri: string, vars: Record<string, string>, env: ToolEnv): Promise<ResourceBody>;
}

/** A declared resource, type-erased for registries. */
export interface ResourceDefinition {
  readonly uri: string;
  readonly name: string;
  readonly category: string;
  readonly title: string;
  readonly description: string;
  readonly mimeType: string;
  readonly template: boolean;
  /** Registers the resource on a server instance. */
  register(server: McpServer, deps: ToolDeps): void;
  /** Reads `uri` in the current context exactly as a client's resources/read would (tests). */
  read(uri: string, deps: ToolDeps): Promise<ReadResourceResult>;
}

/** Error codes that describe the request rather than a failure of the server or AWS. */
const CALLER_ERRORS: ReadonlySet<string> = new Set([
  "invalid_input",
  "bucket_not_allowed",
  "invalid_uri",
]);

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** A URI template whose matching is the resource's own (the SDK calls `match` and `toString`). */
function customTemplate(
  template: string,
  match: (uri: string) => Record<string, string> | undefined,
): UriTemplate {
  const custom = {
    // The SDK routes a read by this answer: a URI of the family that is malformed still belongs
    // here (an empty match), so the read itself reports what is wrong with it.
    match: (uri: string) => {
      try {
        return match(uri) ?? null;
      } catch {
        return {};
      }
    },
    toString: () => template,
    expand: () => {
      throw new Error(`${template} is matched, never expanded`);
    },
    variableNames: [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]),
  };
  return custom as unknown as UriTemplate;
}

/** Declares a resource; its category comes from policies/categories.json. */
export function defineResource(spec: ResourceSpec): ResourceDefinition {
  const category = categoryOfResource(spec.uri);
  if (!category) throw new Error(`resource ${spec.uri} is not in policies/categories.json`);
  const template = spec.match !== undefined;

  async function execute(
    uri: string,
    deps: ToolDeps,
    request?: ServerContext,
  ): Promise<ReadResourceResult> {
    const started = performance.now();
    let outcome: "ok" | "error" | "denied" = "error";
    let reason: string | undefined;
    let context: RequestContext | undefined;
    try {
      context = deps.contexts.current(`resource ${spec.uri}`);
      if (!context.enabledCategories.has(category!)) {
        outcome = "denied";
        reason = "category_disabled";
        throw new ProtocolError(
          ProtocolErrorCode.InvalidParams,
          `The '${category}' category is not enabled on this server.`,
        );
      }
      const vars = template ? spec.match!(uri) : {};
      if (!vars) throw new ResourceNotFoundError(uri);
      const body = await spec.read(uri, vars, toolEnv(context, deps, category!, request));
      outcome = "ok";
      const meta = body.meta ? { _meta: body.meta } : {};
      return {
        contents: [
          "text" in body
            ? { uri, mimeType: body.mimeType, text: body.text, ...meta }
            : { uri, mimeType: body.mimeType, blob: toBase64(body.blob), ...meta },
        ],
      };
    } catch (e) {
      if (e instanceof ProtocolError) {
        reason ??= "invalid_request";
        throw e;
      }
      if (e instanceof ToolError) {
        outcome = e.code === "access_denied" ? "denied" : "error";
        reason = e.code;
        if (e.code === "not_found") throw new ResourceNotFoundError(uri);
        throw new ProtocolError(
          CALLER_ERRORS.has(e.code)
            ? ProtocolErrorCode.InvalidParams
            : ProtocolErrorCode.InternalError,
          e.message,
        );
      }
      reason = "internal_error";
      deps.logger.error("resource_error", {
        resource: spec.uri,
        request_id: context?.requestId,
        error: `${(e as Error)?.name}: ${(e as Error)?.message}`,
      });
      throw new ProtocolError(
        ProtocolErrorCode.InternalError,
        `Reading the resource failed unexpectedly (${
          (e as Error)?.name ?? "Error"
        }); the server log has details.`,
      );
    } finally {
      const latency = Math.round(performance.now() - started);
      deps.metrics.count("ResourceRead", { Resource: spec.name, Outcome: outcome });
      deps.logger.info("resource_read", {
        resource: spec.uri,
        outcome,
        reason,
        latency_ms: latency,
        request_id: context?.requestId,
        client_type: context?.clientType,
        principal: context?.principal.id,
        role_arn: context?.aws.roleArn,
        args_digest: argsDigest({ uri }),
      });
    }
  }

  const metadata = { title: spec.title, description: spec.description, mimeType: spec.mimeType };
  return {
    uri: spec.uri,
    name: spec.name,
    category,
    title: spec.title,
    description: spec.description,
    mimeType: spec.mimeType,
    template,
    register(server, deps) {
      if (!template) {
        server.registerResource(
          spec.name,
          spec.uri,
          metadata,
          (uri: URL, request: ServerContext) => execute(uri.toString(), deps, request),
        );
        return;
      }
      server.registerResource(
        spec.name,
        new ResourceTemplate(customTemplate(spec.uri, spec.match!), {
          list: spec.list
            ? () => Promise.resolve({ resources: spec.list!(deps).map((r) => ({ ...r })) })
            : undefined,
        }),
        metadata,
        (uri: URL, _vars: unknown, request: ServerContext) =>
          execute(uri.toString(), deps, request),
      );
    },
    read: (uri, deps) => execute(uri, deps),
  };
}
