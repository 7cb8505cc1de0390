/**
 * Fakes for unit tests of the athena tools: scripted AWS clients that record every command, a
 * manual clock, and tool deps + a request context around them. Only the AWS edge is faked; the
 * tools, the define wrapper and the error mapping run for real.
 * @module
 */
import type { CallToolResult } from "@modelcontextprotocol/server";
import { loadConfig } from "../../server/config/load.ts";
import { ContextStore, type RequestContext } from "../../server/context.ts";
import type { AwsClients } from "../../server/aws/clients.ts";
import { Logger } from "../../server/telemetry/logger.ts";
import { Metrics } from "../../server/telemetry/metrics.ts";
import type { ToolDefinition, ToolDeps } from "../../server/tools/common/define.ts";
import type { Clock } from "../../server/tools/athena/athena_poll.ts";
import { webCatalogCredential } from "../../server/auth/catalog_credential.ts";

/** A command as the fake saw it. */
export interface RecordedCall {
  readonly name: string;
  readonly input: Record<string, unknown>;
}

/** Answers one command (by its input); throw to fail the call. */
export type Handler = (input: Record<string, unknown>) => unknown;

/** An AWS SDK client stand-in: `send` dispatches on the command class name. */
export class FakeClient {
  readonly calls: RecordedCall[] = [];
  readonly #handlers: Record<string, Handler>;

  constructor(handlers: Record<string, Handler>) {
    this.#handlers = handlers;
  }

  /** Calls of one command, in order. */
  callsOf(name: string): RecordedCall[] {
    return this.calls.filter((c) => c.name === name);
  }

  send(
    command: { constructor: { name: string }; input: Record<string, unknown> },
  ): Promise<unknown> {
    const name = command.constructor.name.replace(/Command$/, "");
    this.calls.push({ name, input: command.input });
    const handler = this.#handlers[name];
    if (!handler) return Promise.reject(new Error(`unexpected AWS call ${name}`));
    try {
      return Promise.resolve(handler(command.input));
    } catch (e) {
      return Promise.reject(e);
    }
  }
}

/** An AWS SDK-shaped service error. */
export function awsError(
  name: string,
  message: string,
  extra: Record<string, unknown> = {},
): Error {
  return Object.assign(new Error(message), { name, $metadata: {}, ...extra });
}

/** A clock that only moves when the code under test sleeps. */
export class ManualClock implements Clock {
  t = 0;
  readonly sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
    return Promise.resolve();
  }
}

/** Deps with the given fake clients and config environment (stdio defaults otherwise). */
export function fakeDeps(
  clients: { athena?: FakeClient; glue?: FakeClient },
  env: Record<string, string> = {},
): ToolDeps {
  const logger = new Logger("error", () => {});
  const metrics = new Metrics("test", undefined);
  const contexts = new ContextStore(metrics, logger, "web-jwt");
  const missing = (kind: string) => () => {
    throw new Error(`no fake ${kind} client`);
  };
  const aws = {
    athena: clients.athena ? () => clients.athena : missing("athena"),
    glue: clients.glue ? () => clients.glue : missing("glue"),
  } as unknown as AwsClients;
  return {
    config: loadConfig([], env),
    contexts,
    aws,
    logger,
    metrics,
    fetch: () => Promise.reject(new Error("no network in unit tests")),
  };
}

/** Invokes a tool as a client call would, inside a desktop context with the athena category on. */
export function invoke(
  tool: ToolDefinition,
  deps: ToolDeps,
  args: unknown,
): Promise<CallToolResult> {
  const context: RequestContext = {
    principal: { id: "tester" },
    clientType: "desktop-stdio",
    requestId: "req-1",
    aws: { credentials: () => Promise.resolve({ accessKeyId: "a", secretAccessKey: "b" }) },
    enabledCategories: new Set(["athena"]),
    catalog: webCatalogCredential(undefined, undefined),
  };
  return deps.contexts.run(context, () => tool.invoke(args, deps));
}

/** The error text of a failed tool result (fails if the call succeeded). */
export function errorText(result: CallToolResult): string {
  if (!result.isError) throw new Error(`expected a tool error, got ${JSON.stringify(result)}`);
  const text = result.content.find((c) => c.type === "text");
  return text && "text" in text ? text.text : "";
}
