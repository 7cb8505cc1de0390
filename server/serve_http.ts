/**
 * HTTP mode: verifier and credential source chosen from the config at start-up, the Hono app on
 * Deno.serve, and graceful shutdown on SIGTERM/SIGINT (503 for new requests, in-flight ones finish
 * within the drain timeout, exit 0).
 * @module
 */
import { createMcpHandler, type OAuthTokenVerifier } from "@modelcontextprotocol/server";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { Hs256Verifier, JwksVerifier } from "./auth/verifier.ts";
import { CachingVerifier } from "./auth/verified_cache.ts";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import {
  FixedHs256Secrets,
  loadHs256Secrets,
  RotatingHs256Secrets,
  secretsManagerReader,
} from "./auth/secret_source.ts";
import { PerUserCredentials } from "./auth/sts.ts";
import type { CredentialProvider } from "./aws/settings.ts";
import { buildHttpApp } from "./http/app.ts";
import { type CredentialSource, WebAuthenticator } from "./http/authenticate.ts";
import { Drain } from "./http/drain.ts";
import { RateLimiter } from "./http/rate_limit.ts";
import { type Probe, Readiness } from "./http/readiness.ts";
import { resourceMetadataUrl } from "./http/well_known.ts";
import { mcpServerFactory } from "./mcp/factory.ts";
import type { Runtime } from "./runtime.ts";

/** Starts the HTTP server; resolves with the exit code once it has shut down. */
export async function serveHttp(runtime: Runtime): Promise<number> {
  const { config, logger, metrics, contexts, settings } = runtime;
  const verifierOptions = {
    issuer: config.authIssuer!,
    audience: config.authAudience!,
    resource: config.publicUrl!,
    clockToleranceSeconds: config.authClockToleranceSeconds,
  };
  const probes: Probe[] = [];
  let verifier: OAuthTokenVerifier;
  if (config.authJwksUrl) {
    const jwks = new JwksVerifier(config.authJwksUrl, config.authAlgorithms, {
      ...verifierOptions,
      keys: {
        maxStaleMs: config.authJwksMaxStaleSeconds * 1000,
        onFetch: (e) =>
          logger.log(e.outcome === "ok" ? "info" : "warn", "jwks_refresh", {
            reason: e.reason,
            outcome: e.outcome,
            latency_ms: e.latencyMs,
            error: e.error,
          }),
      },
    });
    probes.push({ name: "jwks", check: () => jwks.probe() });
    verifier = jwks;
  } else if (config.authHs256SecretArn) {
    const client = new SecretsManagerClient(settings.clientConfig());
    const secrets = await RotatingHs256Secrets.start(
      config.authHs256SecretArn,
      secretsManagerReader(client),
      {
        refreshMs: config.authHs256SecretRefreshSeconds * 1000,
        onRefresh: (e) =>
          logger.log(e.outcome === "ok" ? "info" : "warn", "hs256_secret_refresh", {
            reason: e.reason,
            outcome: e.outcome,
            changed: e.changed,
            latency_ms: e.latencyMs,
            error: e.error,
          }),
      },
    );
    verifier = new Hs256Verifier(secrets, verifierOptions);
  } else {
    verifier = new Hs256Verifier(
      new FixedHs256Secrets(await loadHs256Secrets(config, settings)),
      verifierOptions,
    );
  }

  let source: CredentialSource;
  if (config.roleMode === "per-user") {
    const credentials = new PerUserCredentials(settings, {
      durationSeconds: config.stsDurationSeconds,
      cacheSize: config.credentialCacheSize,
      logger,
      metrics,
    });
    probes.push({ name: "sts", check: () => credentials.probe() });
    source = { kind: "per-user", credentials };
  } else {
    const taskCredentials = fromNodeProviderChain() as CredentialProvider;
    const sts = new STSClient(settings.clientConfig(taskCredentials));
    probes.push({
      name: "sts",
      check: async () => {
        await sts.send(new GetCallerIdentityCommand({}), {
          abortSignal: AbortSignal.timeout(3000),
        });
      },
    });
    source = { kind: "single-tenant", taskCredentials };
  }

  const drain = new Drain();
  const handler = createMcpHandler(mcpServerFactory(runtime.toolDeps, runtime.categories), {
    maxRequestBodySize: config.maxBodyBytes,
    onerror: (e) => logger.debug("mcp_handler_error", { error: `${e.name}: ${e.message}` }),
  });
  const app = buildHttpApp({
    config,
    logger,
    metrics,
    contexts,
    authenticator: new WebAuthenticator(
      config,
      new CachingVerifier(verifier),
      source,
      resourceMetadataUrl(config),
    ),
    handler,
    readiness: new Readiness(probes),
    drain,
    rateLimiter: new RateLimiter({
      perMinute: config.rateLimitPerMinute,
      burst: config.rateLimitBurst,
    }),
    categories: runtime.categories,
  });

  // HTTPS when a certificate is configured (TLS from the load balancer to the task).
  const tls = config.tlsCertificate !== undefined && config.tlsPrivateKey !== undefined
    ? { cert: config.tlsCertificate, key: config.tlsPrivateKey }
    : {};
  const server = Deno.serve({
    hostname: config.host,
    port: config.port,
    ...tls,
    onListen: ({ hostname, port }) => {
      logger.info("server_listening", {
        host: hostname,
        port,
        transport: "cert" in tls ? "https" : "http",
        role_mode: config.roleMode,
        categories: [...runtime.categories].join(","),
      });
    },
  }, app.fetch);

  const stopped = Promise.withResolvers<number>();
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info("shutdown_started", { reason: signal, status: drain.inFlight });
    const clean = await drain.drain(config.drainTimeoutSeconds * 1000);
    await handler.close();
    await server.shutdown();
    logger.info("shutdown_complete", {
      outcome: clean ? "drained" : "timeout",
      status: drain.inFlight,
    });
    stopped.resolve(0);
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, () => shutdown(signal));
  }
  return await stopped.promise;
}
