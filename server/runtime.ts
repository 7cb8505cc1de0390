/** Process-wide services built once from the config: logging, metrics, context store, AWS settings, tool deps. @module */
import type { Config } from "./config/schema.ts";
import { ContextStore } from "./context.ts";
import { AwsClients } from "./aws/clients.ts";
import { AwsSettings } from "./aws/settings.ts";
import { Logger } from "./telemetry/logger.ts";
import { Metrics } from "./telemetry/metrics.ts";
import type { ToolDeps } from "./tools/common/define.ts";

/** The services of one process. */
export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly contexts: ContextStore;
  readonly settings: AwsSettings;
  readonly toolDeps: ToolDeps;
  readonly categories: ReadonlySet<string>;
}

/** Builds the runtime services. */
export function createRuntime(config: Config): Runtime {
  const logger = new Logger(config.logLevel);
  const metrics = new Metrics(
    config.metricsNamespace,
    config.metrics === "emf" ? logger : undefined,
  );
  const contexts = new ContextStore(
    metrics,
    logger,
    config.transport === "http" ? "web-jwt" : "desktop-stdio",
  );
  const settings = new AwsSettings(config);
  const toolDeps: ToolDeps = {
    config,
    contexts,
    aws: new AwsClients(settings, contexts),
    logger,
    metrics,
    fetch: globalThis.fetch,
  };
  return {
    config,
    logger,
    metrics,
    contexts,
    settings,
    toolDeps,
    categories: new Set(config.toolCategories),
  };
}
