/**
 * The web authenticator derives a principal's role, session tags and AWS context once per verified
 * token and role-selection header (the verifier's cache hands back the same AuthInfo for the same
 * token). What is derived must depend on nothing else: another header gives another role, a refused
 * role is refused every time, and whether STS can be reached is asked on every request.
 */
import type { STSClient } from "@aws-sdk/client-sts";
import type { AuthInfo, OAuthTokenVerifier } from "@modelcontextprotocol/server";
import { assert, assertEquals } from "../harness/mod.ts";
import { PerUserCredentials } from "../../server/auth/sts.ts";
import { AwsSettings } from "../../server/aws/settings.ts";
import { loadConfig } from "../../server/config/load.ts";
import { WebAuthenticator } from "../../server/http/authenticate.ts";
import { Logger } from "../../server/telemetry/logger.ts";
import { Metrics } from "../../server/telemetry/metrics.ts";

const READER = "arn:aws:iam::123456789012:role/reader";
const WRITER = "arn:aws:iam::123456789012:role/writer";

/** A token of compact JWS shape naming `subject`, a plain word (the fake verifier trusts it). */
const tokenFor = (subject: string) => `eyJhbGciOiJSUzI1NiJ9.${subject}.c2lnbmF0dXJl`;
const subjectOf = (token: string) => token.split(".")[1];

/** A verifier that, like the caching one, returns one AuthInfo object per token. */
function sameObjectVerifier(): OAuthTokenVerifier {
  const known = new Map<string, AuthInfo>();
  return {
    verifyAccessToken(token: string) {
      let info = known.get(token);
      if (!info) {
        const subject = subjectOf(token);
        const payload = { sub: subject, iss: "https://issuer", quilt_role_arns: [READER, WRITER] };
        info = {
          token,
          clientId: "c",
          scopes: [],
          expiresAt: Math.floor(Date.now() / 1000) + 3600,
          extra: {
            claims: { subject, issuer: "https://issuer", audiences: ["aud"], payload },
          },
        };
        known.set(token, info);
      }
      return Promise.resolve(info);
    },
  };
}

function setUp(sts: () => Promise<unknown>) {
  const config = loadConfig(["--transport", "http"], {
    QUILT_MCP_PUBLIC_URL: "https://mcp.example.com/mcp",
    QUILT_MCP_AUTH_AUDIENCE: "aud",
    QUILT_MCP_AUTH_ISSUER: "https://issuer",
    QUILT_MCP_AUTH_JWKS_URL: "https://issuer/jwks",
    QUILT_MCP_ALLOWED_ROLE_ARNS: "arn:aws:iam::123456789012:role/*",
  });
  const client = { send: sts, destroy() {} } as unknown as STSClient;
  const credentials = new PerUserCredentials(new AwsSettings(config), {
    durationSeconds: 3600,
    cacheSize: 100,
    logger: new Logger("error", () => {}),
    metrics: new Metrics("test", undefined),
    sts: client,
    backoff: { baseMs: 60_000, maxMs: 60_000, random: () => 0.5 },
  });
  return new WebAuthenticator(
    config,
    sameObjectVerifier(),
    { kind: "per-user", credentials },
    "https://mcp.example.com/.well-known/oauth-protected-resource/mcp",
  );
}

const post = (subject: string, role?: string) =>
  new Request("https://mcp.example.com/mcp", {
    method: "POST",
    headers: {
      authorization: `Bearer ${tokenFor(subject)}`,
      ...(role ? { "x-quilt-role-arn": role } : {}),
    },
  });

Deno.test("auth derivation: kept per token and role header, never across them", async () => {
  const auth = setUp(() => Promise.reject(new Error("no AWS call expected")));
  const first = await auth.authenticate(post("alice"));
  const again = await auth.authenticate(post("alice"));
  assert(first.ok && again.ok);
  assertEquals(first.aws.roleArn, READER, "the first granted role without a header");
  assert(first.aws === again.aws, "derived once for the same token and header");
  assert(Object.isFrozen(first.aws) && Object.isFrozen(first.principal));

  const writer = await auth.authenticate(post("alice", WRITER));
  assert(writer.ok);
  assertEquals(writer.aws.roleArn, WRITER, "another header, another derivation");

  const bob = await auth.authenticate(post("bob"));
  assert(bob.ok);
  assertEquals(bob.principal.id, "bob");
  assert(bob.aws !== first.aws, "another token never shares a derivation");

  for (let i = 0; i < 2; i++) {
    const denied = await auth.authenticate(post("alice", "arn:aws:iam::999999999999:role/x"));
    assert(!denied.ok, "a refused role is refused every time, not remembered as granted");
    assertEquals(denied.response.status, 403);
  }
});

Deno.test("auth derivation: whether STS can be reached is asked on every request", async () => {
  const throttled = Object.assign(new Error("Rate exceeded"), {
    name: "Throttling",
    $metadata: { httpStatusCode: 400 },
  });
  const auth = setUp(() => Promise.reject(throttled));
  const before = await auth.authenticate(post("carol"));
  assert(before.ok);
  assertEquals(before.credentialsRetryAfterMs, 0);
  // The principal's first AWS call is throttled: a backoff window opens for it.
  await before.aws.credentials().then(() => assert(false, "throttled"), () => {});
  const after = await auth.authenticate(post("carol"));
  assert(after.ok);
  assert(after.aws === before.aws, "same derivation");
  assert(after.credentialsRetryAfterMs > 0, "the open window is seen by the next request");
});
