/**
 * quilt-mcp entry point: command and flags + environment → one immutable Config → serve (stdio or
 * http), healthcheck or doctor. The only module that reads the process environment.
 * @module
 */
import { ConfigError, loadConfig } from "./config/load.ts";
import { helpText } from "./cli.ts";
import { healthcheck } from "./healthcheck.ts";
import { createRuntime } from "./runtime.ts";
import { serveHttp } from "./serve_http.ts";
import { serveStdioMode } from "./serve_stdio.ts";
import { VERSION } from "./version.ts";

const COMMANDS = ["serve", "healthcheck", "doctor"] as const;
type Command = typeof COMMANDS[number];

async function main(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(helpText());
    return 0;
  }
  if (args.includes("--version")) {
    console.log(`quilt-mcp ${VERSION}`);
    return 0;
  }
  let command: Command = "serve";
  if (args.length > 0 && !args[0].startsWith("-")) {
    if (!(COMMANDS as readonly string[]).includes(args[0])) {
      console.error(`quilt-mcp: unknown command '${args[0]}' (see --help)`);
      return 2;
    }
    command = args.shift() as Command;
  }
  // doctor explains an invalid configuration instead of refusing it, so it loads the config itself.
  if (command === "doctor") {
    return await (await import("./doctor.ts")).doctor(args, Deno.env.toObject());
  }
  let config;
  try {
    config = loadConfig(args, Deno.env.toObject());
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`quilt-mcp: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (command === "healthcheck") return await healthcheck(config);
  const runtime = createRuntime(config);
  try {
    return config.transport === "http" ? await serveHttp(runtime) : await serveStdioMode(runtime);
  } catch (e) {
    runtime.logger.error("startup_failed", {
      error: `${(e as Error).name}: ${(e as Error).message}`,
    });
    return 1;
  } finally {
    // Every buffered log, audit and metric line is written before the process exits.
    runtime.metrics.flush();
    await runtime.logger.close();
  }
}

if (import.meta.main) {
  Deno.exit(await main([...Deno.args]));
}
