/**
 * End-to-end TLS to the task (issue 17 item 2): with QUILT_MCP_TLS_CERTIFICATE and
 * QUILT_MCP_TLS_PRIVATE_KEY the server serves HTTPS only (a plain HTTP request gets no answer),
 * `quilt-mcp healthcheck` checks /healthz over TLS against the configured certificate, and half
 * a configuration or a non-PEM value is refused at start without echoing the key. The
 * certificate is made by the test with openssl (a leaf, CA:FALSE, for localhost and 127.0.0.1).
 */
import { join } from "node:path";
import { assert, assertEquals, runServerCli, startHttpServer } from "../harness/mod.ts";

const BASE_ENV = {
  QUILT_MCP_PUBLIC_URL: "https://mcp.example.com/mcp",
  QUILT_MCP_AUTH_ISSUER: "https://issuer.example.com/",
  QUILT_MCP_AUTH_HS256_SECRET: "an-hs256-secret-for-the-https-test-0123456789",
  QUILT_MCP_ROLE_MODE: "single-tenant",
};

/** A self-signed leaf certificate and its key for localhost/127.0.0.1, made with openssl. */
async function certificate(): Promise<{ cert: string; key: string }> {
  const dir = await Deno.makeTempDir({ prefix: "quilt-mcp-tls-" });
  try {
    const out = await new Deno.Command("openssl", {
      args: [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-addext",
        "basicConstraints=critical,CA:FALSE",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert(out.success, `openssl: ${new TextDecoder().decode(out.stderr)}`);
    return {
      cert: await Deno.readTextFile(join(dir, "cert.pem")),
      key: await Deno.readTextFile(join(dir, "key.pem")),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("HTTPS: round trip with a test certificate, health check over TLS, no plain HTTP", async () => {
  const { cert, key } = await certificate();
  await using server = await startHttpServer({
    ...BASE_ENV,
    QUILT_MCP_TLS_CERTIFICATE: cert,
    QUILT_MCP_TLS_PRIVATE_KEY: key,
  });
  const listening = server.logs().find((r) => r.msg === "server_listening")!;
  assertEquals(listening.transport, "https");
  // The key never reaches the logs.
  assert(!server.logLines.join("\n").includes("PRIVATE KEY"), "no key in the logs");

  using client = Deno.createHttpClient({ caCerts: [cert] });
  const health = await fetch(`https://localhost:${server.port}/healthz`, { client });
  assertEquals(health.status, 200);
  await health.body?.cancel();

  // Plain HTTP on the same port is not served.
  let plain: unknown;
  try {
    const r = await fetch(`http://127.0.0.1:${server.port}/healthz`, {
      signal: AbortSignal.timeout(5000),
    });
    plain = r.status;
    await r.body?.cancel();
  } catch (e) {
    plain = e;
  }
  assert(plain !== 200, "plain HTTP must not reach /healthz");

  // As in the container: the http transport and the same secrets.
  const tlsEnv = {
    ...BASE_ENV,
    QUILT_MCP_TRANSPORT: "http",
    QUILT_MCP_TLS_CERTIFICATE: cert,
    QUILT_MCP_TLS_PRIVATE_KEY: key,
  };
  const check = await runServerCli(["healthcheck", "--port", String(server.port)], tlsEnv);
  assertEquals(check.code, 0, check.stderr);
  // Without the certificate the check speaks HTTP to a TLS port and fails.
  const plainCheck = await runServerCli(
    ["healthcheck", "--port", String(server.port)],
    { ...BASE_ENV, QUILT_MCP_TRANSPORT: "http" },
  );
  assertEquals(plainCheck.code, 1);
});

Deno.test("HTTPS: half a configuration or a non-PEM value is refused at start, the key never echoed", async () => {
  const { cert, key } = await certificate();
  const cases: [Record<string, string>, string][] = [
    [{ QUILT_MCP_TLS_CERTIFICATE: cert }, "go together"],
    [{ QUILT_MCP_TLS_PRIVATE_KEY: key }, "go together"],
    [
      { QUILT_MCP_TLS_CERTIFICATE: "not a certificate", QUILT_MCP_TLS_PRIVATE_KEY: key },
      "must be a PEM certificate chain",
    ],
    [
      { QUILT_MCP_TLS_CERTIFICATE: cert, QUILT_MCP_TLS_PRIVATE_KEY: "secret-not-a-key" },
      "must be a PEM private key",
    ],
  ];
  for (const [env, message] of cases) {
    const r = await runServerCli(
      ["serve", "--transport", "http", "--host", "127.0.0.1", "--port", "0"],
      { ...BASE_ENV, ...env },
    );
    assertEquals(r.code, 2, `${message}: ${r.stderr}`);
    assert(r.stderr.includes(message), r.stderr);
    assert(!r.stderr.includes("secret-not-a-key") && !r.stderr.includes("PRIVATE KEY"), r.stderr);
  }
});
