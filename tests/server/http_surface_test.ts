/**
 * The HTTP surface around the MCP endpoint and the CLI: health and readiness, RFC 9728 metadata in
 * both forms, request ids, HS256 verification with a rotation window (from the environment and from
 * Secrets Manager, rotated there without a restart), and the healthcheck / --help / --version
 * commands.
 */
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import {
  assert,
  assertEquals,
  hs256Token,
  runServerCli,
  STACK_PUBLIC_URL,
  startHttpServer,
  startMoto,
  startStack,
} from "../harness/mod.ts";

const CALL = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "auth_status", arguments: {} },
});
const HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
};

Deno.test("http: health, readiness, protected resource metadata, request ids, CLI", async (t) => {
  await using stack = await startStack({});
  const origin = stack.server.origin;
  await t.step("/healthz answers without auth", async () => {
    const r = await fetch(`${origin}/healthz`);
    assertEquals(r.status, 200);
    assertEquals((await r.json()).status, "ok");
  });
  await t.step("/readyz checks JWKS and STS", async () => {
    const r = await fetch(`${origin}/readyz`);
    const body = await r.json();
    assertEquals(r.status, 200, JSON.stringify(body));
    assertEquals(body.checks.jwks.ok, true);
    assertEquals(body.checks.sts.ok, true);
  });
  for (
    const path of [
      "/.well-known/oauth-protected-resource/mcp",
      "/.well-known/oauth-protected-resource",
    ]
  ) {
    await t.step(`RFC 9728 metadata at ${path}`, async () => {
      const r = await fetch(`${origin}${path}`);
      const doc = await r.json();
      assertEquals(r.status, 200);
      assertEquals(doc.resource, STACK_PUBLIC_URL);
      assertEquals(doc.authorization_servers, [stack.issuer.issuer]);
      assertEquals(doc.bearer_methods_supported, ["header"]);
    });
  }
  await t.step("a sane X-Request-Id is echoed and logged; an unsafe one is replaced", async () => {
    const r = await fetch(`${origin}/healthz`, { headers: { "x-request-id": "trace-abc-12345" } });
    await r.body?.cancel();
    assertEquals(r.headers.get("x-request-id"), "trace-abc-12345");
    await stack.server.waitForLog((l) =>
      l.msg === "http_request" && l.request_id === "trace-abc-12345"
    );
    const r2 = await fetch(`${origin}/healthz`, { headers: { "x-request-id": "<script>" } });
    await r2.body?.cancel();
    assert(r2.headers.get("x-request-id") !== "<script>");
  });
  await t.step("unknown paths are 404 without detail", async () => {
    const r = await fetch(`${origin}/admin`);
    assertEquals(r.status, 404);
    await r.body?.cancel();
  });
  await t.step("healthcheck command: 0 against the running server, 1 against nothing", async () => {
    assertEquals(
      (await runServerCli(["healthcheck", "--port", String(stack.server.port)])).code,
      0,
    );
    assertEquals((await runServerCli(["healthcheck", "--port", "9"])).code, 1);
  });
  await t.step(
    "--help lists every setting; --version prints the version; unknown input is refused",
    async () => {
      const help = await runServerCli(["--help"]);
      assertEquals(help.code, 0);
      for (
        const s of [
          "QUILT_MCP_PUBLIC_URL",
          "--auth-jwks-url",
          "QUILT_MCP_TOOL_CATEGORIES",
          "healthcheck",
        ]
      ) {
        assert(help.stdout.includes(s), `--help mentions ${s}`);
      }
      assert((await runServerCli(["--version"])).stdout.startsWith("quilt-mcp "));
      assertEquals((await runServerCli(["frobnicate"])).code, 2);
      const bad = await runServerCli(["serve", "--port", "70000"]);
      assertEquals(bad.code, 2);
      assert(bad.stderr.includes("QUILT_MCP_PORT (--port): must be at most 65535"), bad.stderr);
    },
  );
});

Deno.test("hs256: current and previous secrets accepted, anything else refused (env and Secrets Manager)", async (t) => {
  await using moto = await startMoto();
  const current = "c".repeat(20) + crypto.randomUUID();
  const previous = "p".repeat(20) + crypto.randomUUID();
  const claims = (sub: string) => ({
    sub,
    iss: "https://issuer.example/",
    aud: STACK_PUBLIC_URL,
    exp: Math.floor(Date.now() / 1000) + 600,
  });
  const base = {
    ...moto.env(),
    QUILT_MCP_PUBLIC_URL: STACK_PUBLIC_URL,
    QUILT_MCP_AUTH_ISSUER: "https://issuer.example/",
    QUILT_MCP_ROLE_MODE: "single-tenant",
  };
  const statusWith = async (origin: string, token: string) => {
    const r = await fetch(`${origin}/mcp`, {
      method: "POST",
      headers: { ...HEADERS, authorization: `Bearer ${token}` },
      body: CALL,
    });
    await r.body?.cancel();
    return r.status;
  };
  const check = async (origin: string) => {
    assertEquals(
      await statusWith(origin, await hs256Token(claims("a"), current)),
      200,
      "current secret",
    );
    assertEquals(
      await statusWith(origin, await hs256Token(claims("b"), previous)),
      200,
      "previous secret",
    );
    assertEquals(
      await statusWith(origin, await hs256Token(claims("c"), "z".repeat(48))),
      401,
      "unknown secret",
    );
  };
  await t.step("secrets from the environment (ECS secrets injection)", async () => {
    await using server = await startHttpServer({
      ...base,
      QUILT_MCP_AUTH_HS256_SECRET: current,
      QUILT_MCP_AUTH_HS256_SECRET_PREVIOUS: previous,
    });
    await check(server.origin);
    assert(!server.logLines.join("\n").includes(current), "the secret never reaches the log");
  });
  await t.step(
    "secret from Secrets Manager, AWSPREVIOUS as the rotation window, rotated without a restart",
    async () => {
      const sm = new SecretsManagerClient(moto.clientConfig());
      try {
        const created = await sm.send(
          new CreateSecretCommand({ Name: "quilt-mcp/jwt", SecretString: previous }),
        );
        await sm.send(new PutSecretValueCommand({ SecretId: created.ARN, SecretString: current }));
        await using server = await startHttpServer({
          ...base,
          QUILT_MCP_AUTH_HS256_SECRET_ARN: created.ARN!,
        });
        assertEquals(await statusWith(server.origin, await hs256Token(claims("a"), current)), 200);
        assertEquals(await statusWith(server.origin, await hs256Token(claims("b"), previous)), 200);
        // Rotate while the server runs: `next` becomes AWSCURRENT, `current` AWSPREVIOUS. (Before
        // any token with an unknown signature: such a token also re-reads, and starts the cooldown.)
        const next = "n".repeat(20) + crypto.randomUUID();
        await sm.send(new PutSecretValueCommand({ SecretId: created.ARN, SecretString: next }));
        assertEquals(
          await statusWith(server.origin, await hs256Token(claims("d"), next)),
          200,
          "the new secret is accepted by the running server",
        );
        assertEquals(
          await statusWith(server.origin, await hs256Token(claims("e"), current)),
          200,
          "the secret that became AWSPREVIOUS still is",
        );
        assertEquals(
          await statusWith(server.origin, await hs256Token(claims("f"), "z".repeat(48))),
          401,
          "unknown secret",
        );
        const reread = await server.waitForLog((r) => r.msg === "hs256_secret_refresh");
        assertEquals(
          [reread?.reason, reread?.outcome, reread?.changed],
          ["signature_mismatch", "ok", true],
        );
        assert(!server.logLines.join("\n").includes(next), "the secret never reaches the log");
      } finally {
        sm.destroy();
      }
    },
  );
  await t.step("a Secrets Manager secret shorter than 32 bytes stops the start", async () => {
    const sm = new SecretsManagerClient(moto.clientConfig());
    const weak = await sm.send(
      new CreateSecretCommand({ Name: "quilt-mcp/weak", SecretString: "weak-secret" }),
    );
    sm.destroy();
    const r = await runServerCli(["serve", "--transport", "http", "--port", "0"], {
      ...base,
      QUILT_MCP_AUTH_HS256_SECRET_ARN: weak.ARN!,
    });
    assertEquals(r.code, 1);
    assert(r.stderr.includes("shorter than 32 bytes"), r.stderr);
    assert(!r.stderr.includes("weak-secret"));
  });
});
