/**
 * `quilt-mcp doctor` run as the real CLI (the binary's permissions, a clean environment) against
 * the AWS emulator and a local token issuer: the good paths (stdio with a bucket, a quilt3 login,
 * http with a JWKS and with an HS256 secret) exit 0 and say so; broken set-ups (no AWS credentials
 * at all, http with incomplete auth, an unreachable JWKS, an unreachable STS) exit 1 with the
 * plain-language line that names the problem. No run may print a secret or a token.
 */
import { join } from "node:path";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import {
  adminS3,
  assert,
  assertEquals,
  MOTO_ACCOUNT,
  runServerCli,
  startIssuer,
  startMoto,
} from "../harness/mod.ts";

/** Values that must never appear in the doctor's output. */
const AWS_SECRET = "doctor-aws-secret-access-key-value-0001";
const HS256_SECRET = "doctor-hs256-signing-secret-value-with-40-bytes!";

/** A port on loopback nobody listens on (bound, then released). */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function runDoctor(args: string[], env: Record<string, string>) {
  const r = await runServerCli(["doctor", ...args], {
    // Never let the AWS SDK wait for an instance metadata service that is not there.
    AWS_EC2_METADATA_DISABLED: "true",
    ...env,
  });
  const output = r.stdout + r.stderr;
  for (const secret of [AWS_SECRET, HS256_SECRET]) {
    assert(!output.includes(secret), `doctor printed a secret:\n${output}`);
  }
  assert(!/eyJ[\w-]{4,}\.[\w-]{4,}\./.test(output), `doctor printed a token:\n${output}`);
  return { code: r.code, out: r.stdout, output };
}

function assertLine(out: string, pattern: RegExp) {
  assert(
    out.split("\n").some((line) => pattern.test(line)),
    `no line matches ${pattern}:\n${out}`,
  );
}

Deno.test("quilt-mcp doctor: good paths exit 0, broken set-ups exit 1 and say why", async (t) => {
  await using moto = await startMoto();
  await using issuer = await startIssuer();
  const s3 = adminS3(moto);
  await s3.send(new CreateBucketCommand({ Bucket: "doctor-data" }));
  s3.destroy();
  const home = await Deno.makeTempDir({ prefix: "doctor-home-" });
  const emulator = {
    HOME: home,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIADOCTORTEST000001",
    AWS_SECRET_ACCESS_KEY: AWS_SECRET,
    QUILT_MCP_S3_FORCE_PATH_STYLE: "true",
  };
  const http = {
    QUILT_MCP_TRANSPORT: "http",
    QUILT_MCP_PUBLIC_URL: "https://mcp.example.com/mcp",
    QUILT_MCP_AUTH_ISSUER: issuer.issuer,
    QUILT_MCP_ALLOWED_ROLE_ARNS: `arn:aws:iam::${MOTO_ACCOUNT}:role/quilt-*`,
    QUILT_MCP_DEFAULT_ROLE_ARN: `arn:aws:iam::${MOTO_ACCOUNT}:role/quilt-reader`,
  };

  try {
    await t.step("good: stdio with credentials and buckets", async () => {
      const r = await runDoctor([], {
        ...emulator,
        QUILT_MCP_BUCKETS: "doctor-data,doctor-missing",
      });
      assertEquals(r.code, 0, r.output);
      assertLine(r.out, /^ {2}info {2}Transport stdio: a desktop client/);
      assertLine(r.out, /^ {2}ok {4}AWS credentials found, most likely from environment variables/);
      assertLine(
        r.out,
        /^ {2}ok {4}AWS STS at http:\/\/127\.0\.0\.1:\d+ answers: the credentials belong to arn:aws:/,
      );
      assertLine(r.out, /^ {2}ok {4}Bucket doctor-data is reachable and may be listed\.$/);
      // A missing bucket is a warning: the server still serves the others.
      assertLine(r.out, /^ {2}WARN {2}Bucket doctor-missing does not exist\.$/);
      assertLine(r.out, /^Verdict: the server can serve with this configuration\.$/);
    });

    await t.step("good: stdio with an existing quilt3 login", async () => {
      const quiltHome = await Deno.makeTempDir({ prefix: "doctor-quilt3-" });
      const dataDir = join(quiltHome, ".local", "share", "Quilt");
      await Deno.mkdir(dataDir, { recursive: true });
      await Deno.writeTextFile(
        join(dataDir, "credentials.json"),
        JSON.stringify({
          access_key: "AKIAQUILT3LOGIN00001",
          secret_key: AWS_SECRET,
          token: "quilt3-session-token-value",
          expiry_time: new Date(Date.now() + 3600_000).toISOString(),
        }),
      );
      const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...noKeys } = emulator;
      const r = await runDoctor([], { ...noKeys, HOME: quiltHome });
      await Deno.remove(quiltHome, { recursive: true });
      assertEquals(r.code, 0, r.output);
      assert(!r.output.includes("quilt3-session-token-value"), r.output);
      assertLine(
        r.out,
        /^ {2}ok {4}A quilt3 login was found \(.*Quilt\): the server uses its AWS credentials; they expire in \d+ min\.$/,
      );
      assertLine(r.out, /^Verdict: the server can serve/);
    });

    await t.step("good: http with a JWKS, per-user roles", async () => {
      const r = await runDoctor([], {
        ...emulator,
        ...http,
        QUILT_MCP_AUTH_JWKS_URL: issuer.jwksUrl,
      });
      assertEquals(r.code, 0, r.output);
      assertLine(
        r.out,
        /Transport http: quilt-mcp listens on 127\.0\.0\.1:8080 and serves MCP at https:\/\/mcp\.example\.com\/mcp/,
      );
      assertLine(
        r.out,
        /Clients discover the authorization server from https:\/\/mcp\.example\.com\/\.well-known\/oauth-protected-resource\/mcp\.$/,
      );
      assertLine(
        r.out,
        /^ {2}ok {4}The issuer's key set \(JWKS\) at http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks\.json is reachable: 2 key\(s\) \(RS256, ES256\)\.$/,
      );
      assertLine(r.out, /Bucket access is not checked here: in per-user mode/);
      assertLine(r.out, /^Verdict: the server can serve/);
    });

    await t.step("good: http with an HS256 secret never prints it", async () => {
      const r = await runDoctor([], {
        ...emulator,
        ...http,
        QUILT_MCP_AUTH_HS256_SECRET: HS256_SECRET,
        QUILT_MCP_ROLE_MODE: "single-tenant",
        QUILT_MCP_BUCKETS: "doctor-data",
      });
      assertEquals(r.code, 0, r.output);
      assertLine(
        r.out,
        /^ {2}ok {4}The HS256 secret is set \(QUILT_MCP_AUTH_HS256_SECRET, at least 32 bytes; not shown\)\.$/,
      );
      assertLine(r.out, /^ {2}WARN {2}Single-tenant mode/);
      assertLine(r.out, /^ {2}ok {4}Bucket doctor-data is reachable/);
    });

    await t.step("broken: no AWS credentials at all", async () => {
      const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...noKeys } = emulator;
      const r = await runDoctor([], noKeys);
      assertEquals(r.code, 1, r.output);
      assertLine(
        r.out,
        /^ {2}FAIL {2}No AWS credentials were found \(looked for the default AWS profile/,
      );
      assertLine(
        r.out,
        /^ {2}info {2}Set AWS_PROFILE to a configured profile, run `aws sso login`/,
      );
      assertLine(r.out, /^ {2}info {2}STS and S3 were not checked: there are no credentials/);
      assertLine(
        r.out,
        /^Verdict: the server cannot serve yet: fix the 1 problem marked FAIL above\.$/,
      );
    });

    await t.step("broken: http transport with incomplete auth", async () => {
      const r = await runDoctor([
        "--transport",
        "http",
        "--public-url",
        "https://mcp.example.com/mcp",
      ], {
        ...emulator,
        QUILT_MCP_AUTH_HS256_SECRET_PREVIOUS: HS256_SECRET,
      });
      assertEquals(r.code, 1, r.output);
      assertLine(
        r.out,
        /^ {2}FAIL {2}The server would refuse to start: http transport refuses to start without authentication: missing QUILT_MCP_AUTH_ISSUER \(--auth-issuer\), one of QUILT_MCP_AUTH_JWKS_URL, QUILT_MCP_AUTH_HS256_SECRET or QUILT_MCP_AUTH_HS256_SECRET_ARN, QUILT_MCP_ALLOWED_ROLE_ARNS/,
      );
      assertLine(
        r.out,
        /^ {2}FAIL {2}The server would refuse to start: QUILT_MCP_AUTH_HS256_SECRET_PREVIOUS is set without QUILT_MCP_AUTH_HS256_SECRET/,
      );
      assertLine(r.out, /there is no switch to turn authentication off/);
      assertLine(
        r.out,
        /^Verdict: the server cannot serve yet: fix the 2 problems marked FAIL above\.$/,
      );
    });

    await t.step("broken: the JWKS endpoint is unreachable", async () => {
      const jwks = `http://127.0.0.1:${closedPort()}/.well-known/jwks.json`;
      const r = await runDoctor([], { ...emulator, ...http, QUILT_MCP_AUTH_JWKS_URL: jwks });
      assertEquals(r.code, 1, r.output);
      assertLine(
        r.out,
        new RegExp(
          `^ {2}FAIL {2}The issuer's key set \\(JWKS\\) at ${
            jwks.replaceAll(".", "\\.")
          } is unreachable or unusable \\(connection refused\\): every request would get 503`,
        ),
      );
      // STS itself is fine: exactly one problem.
      assertLine(r.out, /^ {2}ok {4}AWS STS at /);
      assertLine(
        r.out,
        /^Verdict: the server cannot serve yet: fix the 1 problem marked FAIL above\.$/,
      );
    });

    await t.step("broken: AWS STS is unreachable", async () => {
      const endpoint = `http://127.0.0.1:${closedPort()}`;
      const r = await runDoctor([], {
        ...emulator,
        AWS_ENDPOINT_URL: endpoint,
        QUILT_MCP_BUCKETS: "doctor-data",
      });
      assertEquals(r.code, 1, r.output);
      assertLine(
        r.out,
        new RegExp(
          `^ {2}FAIL {2}AWS STS at ${
            endpoint.replaceAll(".", "\\.")
          } is unreachable \\(connection refused\\): no tool could reach AWS\\.`,
        ),
      );
      assertLine(r.out, /^Verdict: the server cannot serve yet/);
    });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
