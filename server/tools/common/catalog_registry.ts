/**
 * The Quilt registry as the catalog tools reach it: where it is (configuration, else the
 * catalog's config.json, else the caller's own login configuration) and the caller's credential,
 * read from the request context (auth decides what it holds: SECURITY.md, no token passthrough).
 * The token never leaves this module except in the Authorization header of the registry request.
 * @module
 */
import { CatalogCredentialError, type RequestContext } from "../../context.ts";
import { catalogConfigUrl, registryGraphqlUrl } from "../../quilt/mod.ts";
import type { ToolDeps } from "./define.ts";
import { ToolError } from "./errors.ts";

/** How long a catalog's config.json answer is reused. */
const CATALOG_CONFIG_TTL_MS = 5 * 60_000;
/** Time limit of one registry request. */
const REGISTRY_TIMEOUT_MS = 20_000;
/** Largest registry answer read. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

interface CachedConfig {
  /** The catalog's config.json (public configuration). */
  readonly config: Record<string, unknown>;
  readonly at: number;
}

// Attached to the process-wide tool dependencies (no module state); holds public config only.
const catalogConfigs = new WeakMap<ToolDeps, Map<string, CachedConfig>>();

function checkRegistryUrl(url: string, from: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ToolError("not_configured", `The registry URL from ${from} is not a URL.`);
  }
  const local = u.hostname === "localhost" || u.hostname === "127.0.0.1" || u.hostname === "[::1]";
  // A bearer token never travels in clear text, except to a registry on this machine.
  if (u.protocol !== "https:" && !(u.protocol === "http:" && local)) {
    throw new ToolError("not_configured", `The registry URL from ${from} must use https.`);
  }
  return url.replace(/\/+$/, "");
}

/** The catalog's config.json (public configuration), read once per TTL per process. */
async function readCatalogConfig(
  deps: ToolDeps,
  catalogUrl: string,
): Promise<Record<string, unknown>> {
  let cache = catalogConfigs.get(deps);
  if (!cache) catalogConfigs.set(deps, cache = new Map());
  const hit = cache.get(catalogUrl);
  if (hit && Date.now() - hit.at < CATALOG_CONFIG_TTL_MS) return hit.config;
  const url = catalogConfigUrl(catalogUrl);
  let whole: unknown;
  try {
    const r = await deps.fetch(url, {
      signal: AbortSignal.timeout(REGISTRY_TIMEOUT_MS),
      redirect: "error",
    });
    if (!r.ok) {
      await r.body?.cancel();
      throw new Error(`HTTP ${r.status}`);
    }
    whole = await r.json();
  } catch (e) {
    throw new ToolError(
      "catalog_unreachable",
      `Could not read the catalog configuration ${url} (${
        (e as Error).message
      }); set QUILT_MCP_REGISTRY_URL.`,
    );
  }
  const config = whole && typeof whole === "object" && !Array.isArray(whole)
    ? whole as Record<string, unknown>
    : {};
  cache.set(catalogUrl, { config, at: Date.now() });
  return config;
}

/** The registry URL for this call: configuration, the catalog's config.json, or the quilt3 login. */
export async function registryUrlOf(deps: ToolDeps, context: RequestContext): Promise<string> {
  const { config } = deps;
  if (config.registryUrl) return checkRegistryUrl(config.registryUrl, "QUILT_MCP_REGISTRY_URL");
  if (config.catalogUrl) {
    const registry = (await readCatalogConfig(deps, config.catalogUrl)).registryUrl;
    const url = catalogConfigUrl(config.catalogUrl);
    if (typeof registry !== "string" || registry === "") {
      throw new ToolError(
        "not_configured",
        `${url} names no registryUrl; set QUILT_MCP_REGISTRY_URL.`,
      );
    }
    return checkRegistryUrl(registry, url);
  }
  const fromLogin = await context.catalog.loginRegistryUrl();
  if (fromLogin) return checkRegistryUrl(fromLogin, "the quilt3 configuration");
  throw new ToolError(
    "not_configured",
    "No Quilt registry is configured: set QUILT_MCP_REGISTRY_URL or QUILT_MCP_CATALOG_URL" +
      (context.clientType === "desktop-stdio" ? ", or run `quilt3 config <catalog>`." : "."),
  );
}

/** The catalog's public config.json (QUILT_MCP_CATALOG_URL); undefined when none is configured. */
export async function catalogConfigOf(
  deps: ToolDeps,
): Promise<Record<string, unknown> | undefined> {
  return deps.config.catalogUrl ? await readCatalogConfig(deps, deps.config.catalogUrl) : undefined;
}

/** The caller's registry credential from the request context, or a ToolError saying what is missing. */
export async function registryTokenOf(
  context: RequestContext,
  registryUrl: string,
): Promise<string> {
  try {
    return await context.catalog.token(registryUrl);
  } catch (e) {
    if (e instanceof CatalogCredentialError) throw new ToolError(e.problem, e.message);
    throw e;
  }
}

/** A GraphQL answer's `data`, or a clear ToolError for HTTP, auth and GraphQL errors. */
export async function registryGraphql(
  deps: ToolDeps,
  registryUrl: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const url = registryGraphqlUrl(registryUrl);
  let r: Response;
  try {
    r = await deps.fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(REGISTRY_TIMEOUT_MS),
      // A redirect could carry the credential elsewhere: refuse it.
      redirect: "error",
    });
  } catch (e) {
    const timeout = (e as Error)?.name === "TimeoutError";
    throw new ToolError(
      timeout ? "timeout" : "catalog_unreachable",
      timeout
        ? `The Quilt registry (${url}) did not answer in time.`
        : `The Quilt registry (${url}) is unreachable.`,
    );
  }
  const text = await readCapped(r);
  if (r.status === 401 || r.status === 403) {
    throw new ToolError(
      "catalog_unauthorized",
      `The Quilt registry refused your catalog credential (HTTP ${r.status}). ${
        r.status === 401
          ? "Sign in to the catalog again (quilt3 login, or a fresh token)."
          : "Your catalog account may not do this (search these buckets, or an administrator-only operation)."
      }`,
    );
  }
  let body: { data?: Record<string, unknown>; errors?: Array<{ message?: string }> };
  try {
    body = JSON.parse(text);
  } catch {
    throw new ToolError(
      "catalog_error",
      `The Quilt registry answered HTTP ${r.status} without JSON.`,
    );
  }
  if (body.errors?.length) {
    throw new ToolError(
      "catalog_error",
      `The Quilt registry reported: ${
        body.errors.map((e) => String(e.message ?? "error").slice(0, 300)).join("; ")
      }`,
    );
  }
  if (!r.ok || !body.data) {
    throw new ToolError("catalog_error", `The Quilt registry answered HTTP ${r.status}.`);
  }
  return body.data;
}

async function readCapped(r: Response): Promise<string> {
  const reader = r.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw new ToolError("too_large", "The Quilt registry's answer is too large.");
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all);
}
