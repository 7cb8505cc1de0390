/**
 * A complete local stack for end-to-end tests: moto, a token issuer, and quilt-mcp over HTTP with
 * per-user roles (created in moto so AssumeRole succeeds), plus helpers to mint tokens and open
 * real MCP clients over HTTP and stdio against the same emulator.
 * @module
 */
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import type { Client } from "@modelcontextprotocol/client";
import { connectHttp, connectStdio, type Era } from "./mcp_client.ts";
import { type JwtIssuer, type MintOptions, startIssuer } from "./jwt_issuer.ts";
import { type Moto, startMoto } from "./moto.ts";
import { type ServerProcess, startHttpServer } from "./server_process.ts";
import { type AwsProxy, startAwsProxy } from "./aws_proxy.ts";

/** Account moto uses for every resource. */
export const MOTO_ACCOUNT = "123456789012";
/** The public URL the stack's server is configured with (its token audience). */
export const STACK_PUBLIC_URL = "http://127.0.0.1/mcp";

/** Options of {@linkcode startStack}. */
export interface StackOptions {
  /** Enabled tool categories (default: the server's defaults). */
  categories?: string[];
  /** Roles to create in moto (names); the first is the default role. Default: ["quilt-mcp-user"]. */
  roles?: string[];
  /** Extra server environment. */
  env?: Record<string, string>;
  /** Reuse an existing emulator instead of starting one. */
  moto?: Moto;
  /** Route the HTTP server's AWS traffic through a recording, fault-injecting proxy. */
  viaProxy?: boolean;
  /**
   * Advertise the address the server really listens on as its public URL (resource, token
   * audience, resource_metadata), so a client can follow the discovery documents; otherwise the
   * fixed {@linkcode STACK_PUBLIC_URL}.
   */
  advertiseListenAddress?: boolean;
}

/** A running stack. */
export interface Stack extends AsyncDisposable {
  readonly moto: Moto;
  readonly issuer: JwtIssuer;
  readonly server: ServerProcess;
  /** The proxy between the HTTP server and the emulator (with `viaProxy`). */
  readonly proxy: AwsProxy | undefined;
  /** The public MCP URL the server advertises (and the audience of the tokens it accepts). */
  readonly publicUrl: string;
  /** ARN of a role created in moto. */
  roleArn(name: string): string;
  /** Mints a valid token for `subject` (audience = the server), with extra claims. */
  token(subject: string, claims?: Record<string, unknown>, options?: MintOptions): Promise<string>;
  /** Connects an HTTP client as `subject`. */
  http(
    subject: string,
    options?: { era?: Era; claims?: Record<string, unknown> },
  ): Promise<Client & AsyncDisposable>;
  /** Connects a stdio client (desktop mode) with the emulator's credentials. */
  stdio(options?: { era?: Era; env?: Record<string, string> }): Promise<Client & AsyncDisposable>;
  /** Server environment for the emulator (also used by stdio). */
  readonly serverEnv: Record<string, string>;
}

/** Starts moto (unless given), an issuer and an HTTP server wired together. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const ownMoto = !options.moto;
  const moto = options.moto ?? await startMoto();
  const issuer = await startIssuer();
  const roles = options.roles ?? ["quilt-mcp-user"];
  const iam = new IAMClient(moto.clientConfig());
  const trust = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:root` },
      Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
    }],
  });
  for (const role of roles) {
    await iam.send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: trust }))
      .catch((e) => {
        if (e.name !== "EntityAlreadyExists" && e.name !== "EntityAlreadyExistsException") throw e;
      });
  }
  iam.destroy();
  const roleArn = (name: string) => `arn:aws:iam::${MOTO_ACCOUNT}:role/${name}`;
  const emulatorEnv = { ...moto.env(), QUILT_MCP_S3_FORCE_PATH_STYLE: "true" };
  const proxy = options.viaProxy ? startAwsProxy(moto.endpoint) : undefined;
  const serverEnv = (publicUrl: string) => ({
    ...emulatorEnv,
    ...(proxy ? { AWS_ENDPOINT_URL: proxy.endpoint } : {}),
    QUILT_MCP_PUBLIC_URL: publicUrl,
    QUILT_MCP_AUTH_ISSUER: issuer.issuer,
    QUILT_MCP_AUTH_JWKS_URL: issuer.jwksUrl,
    QUILT_MCP_ALLOWED_ROLE_ARNS: `arn:aws:iam::${MOTO_ACCOUNT}:role/*`,
    QUILT_MCP_DEFAULT_ROLE_ARN: roleArn(roles[0]),
    ...(options.categories ? { QUILT_MCP_TOOL_CATEGORIES: options.categories.join(",") } : {}),
    ...options.env,
  });
  const { server, publicUrl } = options.advertiseListenAddress
    ? await startOnAdvertisedPort(serverEnv)
    : { server: await startHttpServer(serverEnv(STACK_PUBLIC_URL)), publicUrl: STACK_PUBLIC_URL };
  const token = (subject: string, claims: Record<string, unknown> = {}, mint: MintOptions = {}) =>
    issuer.mint(claims, { subject, audience: publicUrl, ...mint });
  const stop = async () => {
    await server.stop();
    await proxy?.stop();
    await issuer.stop();
    if (ownMoto) await moto.stop();
  };
  return {
    moto,
    issuer,
    server,
    proxy,
    publicUrl,
    roleArn,
    token,
    serverEnv: emulatorEnv,
    http: async (subject, o = {}) =>
      connectHttp(server.origin, { token: await token(subject, o.claims), era: o.era }),
    stdio: (o = {}) =>
      connectStdio({
        ...emulatorEnv,
        ...(options.categories ? { QUILT_MCP_TOOL_CATEGORIES: options.categories.join(",") } : {}),
        ...options.env,
        ...o.env,
      }, { era: o.era }),
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * Starts the server on a port chosen beforehand, advertising `http://127.0.0.1:<port>/mcp`. The port
 * is free when chosen; should another process take it before the server binds, the server exits
 * with AddrInUse and a new port is tried (decided by that event, not by timing).
 */
async function startOnAdvertisedPort(
  serverEnv: (publicUrl: string) => Record<string, string>,
): Promise<{ server: ServerProcess; publicUrl: string }> {
  for (let attempt = 1;; attempt++) {
    const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (probe.addr as Deno.NetAddr).port;
    probe.close();
    const publicUrl = `http://127.0.0.1:${port}/mcp`;
    try {
      return { server: await startHttpServer(serverEnv(publicUrl), [], { port }), publicUrl };
    } catch (e) {
      if (attempt >= 5 || !/AddrInUse/.test(String(e))) throw e;
    }
  }
}
