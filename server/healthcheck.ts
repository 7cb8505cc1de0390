/** `quilt-mcp healthcheck`: the container health check (the image has no curl). @module */
import type { Config } from "./config/schema.ts";

/** 0 when /healthz on the configured port answers 200 within 3 s, else 1. */
export async function healthcheck(config: Config): Promise<number> {
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  try {
    const r = await fetch(
      `http://${host.includes(":") ? `[${host}]` : host}:${config.port}/healthz`,
      {
        signal: AbortSignal.timeout(3000),
      },
    );
    await r.body?.cancel();
    return r.status === 200 ? 0 : 1;
  } catch {
    return 1;
  }
}
