/**
 * stdio mode for desktop clients: one McpServer for the connection (serveStdio), the person's own
 * AWS credentials, and every incoming message handled inside the desktop request context. stdout
 * carries only JSON-RPC; all logs go to stderr.
 * @module
 */
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import type { JSONRPCMessage, Transport } from "@modelcontextprotocol/server";
import { desktopCatalogCredential } from "./auth/catalog_credential.ts";
import { desktopCredentials } from "./auth/desktop.ts";
import type { RequestContext } from "./context.ts";
import { mcpServerFactory } from "./mcp/factory.ts";
import { StdioLinesTransport } from "./mcp/stdio_lines.ts";
import type { Runtime } from "./runtime.ts";

/**
 * A stdio transport that delivers each inbound message inside a request context, so the handler it
 * triggers (and everything that handler awaits) runs with the desktop identity.
 */
class ContextualTransport implements Transport {
  readonly #inner: Transport;
  readonly #run: (deliver: () => void) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport["onmessage"];

  constructor(
    inner: Transport,
    run: (deliver: () => void) => void,
    onClosed: () => void,
  ) {
    this.#inner = inner;
    this.#run = run;
    inner.onclose = () => {
      this.onclose?.();
      onClosed();
    };
    inner.onerror = (e) => this.onerror?.(e);
    inner.onmessage = (message: JSONRPCMessage) => this.#run(() => this.onmessage?.(message));
  }

  start(): Promise<void> {
    return this.#inner.start();
  }
  send(message: JSONRPCMessage): Promise<void> {
    return this.#inner.send(message);
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}

/** Serves MCP over stdio until stdin closes; resolves with the exit code. */
export async function serveStdioMode(runtime: Runtime): Promise<number> {
  const { config, logger, metrics, contexts } = runtime;
  const { provider, source } = await desktopCredentials({
    useQuilt3Login: config.useQuilt3Login,
    quilt3DataDir: config.quilt3DataDir,
  });
  metrics.count("AuthSuccess", { ClientType: "desktop-stdio" });
  const catalog = desktopCatalogCredential({
    useQuilt3Login: config.useQuilt3Login,
    quilt3DataDir: config.quilt3DataDir,
    fetch: runtime.toolDeps.fetch,
  });
  const contextFor = (): RequestContext => ({
    principal: { id: `local:${config.localUser}` },
    clientType: "desktop-stdio",
    requestId: crypto.randomUUID(),
    aws: { credentials: provider },
    enabledCategories: runtime.categories,
    catalog,
  });
  const closed = Promise.withResolvers<number>();
  const inner = new StdioLinesTransport({
    input: Deno.stdin.readable,
    output: Deno.stdout.writable,
  });
  const transport = new ContextualTransport(inner, (deliver) => {
    // The handler the message triggers is scheduled from inside run(), so it inherits the context.
    contexts.run(contextFor(), () => {
      deliver();
      return Promise.resolve();
    });
  }, () => closed.resolve(0));
  const handle = serveStdio(mcpServerFactory(runtime.toolDeps, runtime.categories), {
    transport,
    onerror: (e) => logger.debug("mcp_stdio_error", { error: `${e.name}: ${e.message}` }),
  });
  logger.info("server_stdio_ready", {
    transport: "stdio",
    reason: source,
    categories: [...runtime.categories].join(","),
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, () => {
      logger.info("shutdown_started", { reason: signal });
      handle.close().finally(() => closed.resolve(0));
    });
  }
  const code = await closed.promise;
  logger.info("shutdown_complete", { transport: "stdio" });
  return code;
}
