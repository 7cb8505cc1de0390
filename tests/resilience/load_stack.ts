/**
 * The stack for load, fault and fuzz runs: moto (or a given emulator), a JWKS token issuer, an
 * optional recording/fault-injecting AWS proxy, per-user roles in moto, and quilt-mcp over HTTP as
 * a {@linkcode WatchedServer} (bounded log memory), configured as the harness's stack is but with
 * rate limits opened up so the load itself is measured, not the limiter's refusals.
 * @module
 */
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  type AwsProxy,
  type JwtIssuer,
  type Moto,
  MOTO_ACCOUNT,
  STACK_PUBLIC_URL,
  startAwsProxy,
  startIssuer,
  startMoto,
} from "../harness/mod.ts";
import { type LogMode, startWatchedServer, type WatchedServer } from "./watched_server.ts";

/** Options of {@linkcode startLoadStack}. */
export interface LoadStackOptions {
  /** Route the server's AWS traffic through the harness's recording, fault-injecting proxy. */
  viaProxy?: boolean;
  /** Reuse an emulator (e.g. a restartable one). */
  moto?: Moto;
  /** Enabled tool categories (default: the server's defaults). */
  categories?: string[];
  /** Extra server environment. */
  env?: Record<string, string>;
  /** Start with the issuer's JWKS endpoint answering 503. */
  jwksDown?: boolean;
  /** Extra `deno run` flags for the server (e.g. --cpu-prof). */
  denoFlags?: string[];
  /** How the server's log lines are consumed once it listens (default: parsed; see WatchedServer). */
  logs?: LogMode;
}

/** A running load stack. */
export interface LoadStack extends AsyncDisposable {
  readonly moto: Moto;
  readonly issuer: JwtIssuer;
  readonly proxy: AwsProxy | undefined;
  readonly server: WatchedServer;
  /** `${origin}/mcp` */
  readonly mcpUrl: string;
  /** A valid RS256 token for `subject` (audience = the server), 1 hour. */
  token(subject: string, claims?: Record<string, unknown>): Promise<string>;
  stop(): Promise<void>;
}

/** The default role every principal of the load stack assumes. */
export const LOAD_ROLE = "quilt-mcp-load";

/** Creates `roles` in the emulator (idempotent), trusting the account root as the stack does. */
export async function createRoles(moto: Moto, roles: string[]): Promise<void> {
  const iam = new IAMClient(moto.clientConfig());
  const trust = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:root` },
      Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
    }],
  });
  try {
    for (const role of roles) {
      await iam.send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: trust }))
        .catch((e) => {
          if (e.name !== "EntityAlreadyExists" && e.name !== "EntityAlreadyExistsException") {
            throw e;
          }
        });
    }
  } finally {
    iam.destroy();
  }
}

/** Starts the stack. */
export async function startLoadStack(options: LoadStackOptions = {}): Promise<LoadStack> {
  const ownMoto = !options.moto;
  const moto = options.moto ?? await startMoto();
  const issuer = await startIssuer();
  if (options.jwksDown) issuer.setAvailability("down");
  await createRoles(moto, [LOAD_ROLE]);
  const proxy = options.viaProxy ? startAwsProxy(moto.endpoint) : undefined;
  let server: WatchedServer;
  try {
    server = await startWatchedServer({
      ...moto.env(),
      QUILT_MCP_S3_FORCE_PATH_STYLE: "true",
      ...(proxy ? { AWS_ENDPOINT_URL: proxy.endpoint } : {}),
      QUILT_MCP_PUBLIC_URL: STACK_PUBLIC_URL,
      QUILT_MCP_AUTH_ISSUER: issuer.issuer,
      QUILT_MCP_AUTH_JWKS_URL: issuer.jwksUrl,
      QUILT_MCP_ALLOWED_ROLE_ARNS: `arn:aws:iam::${MOTO_ACCOUNT}:role/*`,
      QUILT_MCP_DEFAULT_ROLE_ARN: `arn:aws:iam::${MOTO_ACCOUNT}:role/${LOAD_ROLE}`,
      QUILT_MCP_RATE_LIMIT_PER_MINUTE: "100000",
      QUILT_MCP_RATE_LIMIT_BURST: "100000",
      ...(options.categories ? { QUILT_MCP_TOOL_CATEGORIES: options.categories.join(",") } : {}),
      ...options.env,
    }, { denoFlags: options.denoFlags, logs: options.logs });
  } catch (e) {
    await proxy?.stop();
    await issuer.stop();
    if (ownMoto) await moto.stop();
    throw e;
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.stop();
    await proxy?.stop();
    await issuer.stop();
    if (ownMoto) await moto.stop();
  };
  return {
    moto,
    issuer,
    proxy,
    server,
    mcpUrl: `${server.origin}/mcp`,
    token: (subject, claims = {}) =>
      issuer.mint(claims, { subject, audience: STACK_PUBLIC_URL, expiresIn: 3600 }),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
