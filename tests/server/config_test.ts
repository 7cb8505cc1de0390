/** The configuration schema and loader: precedence, validation, HTTP fail-closed rules, derived values. */
import { assert, assertEquals, assertThrows } from "../harness/mod.ts";
import { ConfigError, describeSettings, loadConfig, parseFlags } from "../../server/config/load.ts";
import { SETTINGS } from "../../server/config/schema.ts";

const HTTP_OK = {
  QUILT_MCP_TRANSPORT: "http",
  QUILT_MCP_PUBLIC_URL: "https://mcp.example.com/mcp",
  QUILT_MCP_AUTH_ISSUER: "https://id.example.com/",
  QUILT_MCP_AUTH_JWKS_URL: "https://id.example.com/jwks",
  QUILT_MCP_ALLOWED_ROLE_ARNS: "arn:aws:iam::111111111111:role/mcp-*",
};

function problems(args: string[], env: Record<string, string>): string[] {
  const e = assertThrows(() => loadConfig(args, env), ConfigError) as ConfigError;
  return [...e.problems];
}

Deno.test("config: defaults are the secure ones and stdio needs nothing", () => {
  const c = loadConfig([], {});
  assertEquals(c.transport, "stdio");
  assertEquals(c.host, "127.0.0.1");
  assertEquals(c.roleMode, "per-user");
  assertEquals([...c.toolCategories], [
    "s3-read",
    "packages-read",
    "search",
    "governance",
    "catalog",
  ]);
  assert(
    !c.toolCategories.includes("s3-write") && !c.toolCategories.includes("packages-write"),
    "writes are opt-in",
  );
  assertEquals(c.authAlgorithms, ["RS256", "ES256"]);
  assertEquals(c.metrics, "off", "no EMF on a desktop client's stderr by default");
  assertEquals(loadConfig(["--metrics", "emf"], {}).metrics, "emf");
  assertEquals(loadConfig([], HTTP_OK).metrics, "emf", "HTTP deployments emit metrics by default");
  assert(Object.isFrozen(c), "the config is immutable");
});

Deno.test("config: flags override the environment, which overrides defaults", () => {
  const c = loadConfig(["--port", "9000", "--log-level=debug", "--s3-force-path-style"], {
    QUILT_MCP_PORT: "8000",
    QUILT_MCP_BUCKETS: "a-bucket, b-bucket ,a-bucket",
  });
  assertEquals(c.port, 9000);
  assertEquals(c.logLevel, "debug");
  assertEquals(c.s3ForcePathStyle, true);
  assertEquals(c.buckets, ["a-bucket", "b-bucket"], "lists are trimmed and de-duplicated");
});

Deno.test("config: http derives audience and hosts from the public URL", () => {
  const c = loadConfig([], HTTP_OK);
  assertEquals(c.authAudience, "https://mcp.example.com/mcp");
  assertEquals(c.allowedHosts, ["mcp.example.com"]);
  assertEquals(c.authAuthorizationServers, ["https://id.example.com/"]);
});

Deno.test("config: http refuses to start without complete auth, naming every missing setting", () => {
  const p = problems([], { QUILT_MCP_TRANSPORT: "http" });
  assertEquals(p.length, 1);
  for (
    const name of [
      "QUILT_MCP_PUBLIC_URL",
      "QUILT_MCP_AUTH_ISSUER",
      "QUILT_MCP_AUTH_JWKS_URL",
      "QUILT_MCP_ALLOWED_ROLE_ARNS",
    ]
  ) {
    assert(p[0].includes(name), `${name} named in: ${p[0]}`);
  }
  const { QUILT_MCP_ALLOWED_ROLE_ARNS: _, ...noRoles } = HTTP_OK;
  assert(problems([], noRoles)[0].includes("QUILT_MCP_ALLOWED_ROLE_ARNS"));
  assertEquals(
    loadConfig([], { ...noRoles, QUILT_MCP_ROLE_MODE: "single-tenant" }).roleMode,
    "single-tenant",
  );
});

Deno.test("config: every invalid value is reported at once, and secrets are never echoed", () => {
  const p = problems(["--port", "x"], {
    QUILT_MCP_TOOL_CATEGORIES: "s3-read,root",
    QUILT_MCP_ALLOWED_ROLE_ARNS: "arn:aws:iam::1:user/x",
    QUILT_MCP_AUTH_HS256_SECRET: "short-secret-value",
    QUILT_MCP_PUBLIC_URL: "ftp://x",
    QUILT_MCP_STS_DURATION_SECONDS: "7200",
  });
  assertEquals(p.length, 6, p.join("\n"));
  assert(p.some((x) => x.includes("QUILT_MCP_PORT") && x.includes("integer")));
  assert(p.some((x) => x.includes('"root" is not one of')));
  assert(p.some((x) => x.includes("QUILT_MCP_STS_DURATION_SECONDS") && x.includes("3600")));
  assert(p.some((x) => x.includes("at least 32 bytes")));
  assert(!p.join("\n").includes("short-secret-value"), "secret values are redacted");
  assert(problems(["--no-such-flag"], {})[0].includes("unknown argument"));
  assert(
    problems([], { ...HTTP_OK, QUILT_MCP_PUBLIC_URL: "http://mcp.example.com/mcp" })[0].includes(
      "must be https",
    ),
  );
  assert(
    problems([], { ...HTTP_OK, QUILT_MCP_AUTH_HS256_SECRET: "s".repeat(40) })[0].includes(
      "exactly one token verifier",
    ),
  );
});

Deno.test("config: the schema is complete and self-consistent", () => {
  const envs = new Set<string>();
  const flags = new Set<string>();
  for (const s of SETTINGS) {
    assert(!envs.has(s.env) && !flags.has(s.flag), `${s.key}: env and flag are unique`);
    envs.add(s.env);
    flags.add(s.flag);
    assert(s.description.length > 20, `${s.key} is described`);
    assert(/^--[a-z0-9-]+$/.test(s.flag));
    assert(
      s.env === "AWS_REGION" || s.env === "AWS_ENDPOINT_URL" || s.env.startsWith("QUILT_MCP_"),
    );
    if (s.default !== undefined && s.default !== "") {
      assertEquals(
        parseFlags([`${s.flag}=${s.default}`]).problems,
        [],
        `${s.key}'s default parses as a flag`,
      );
    }
  }
  assertEquals(describeSettings().length, SETTINGS.length);
  assertEquals(SETTINGS.filter((s) => s.secret).map((s) => s.env), [
    "QUILT_MCP_TLS_CERTIFICATE",
    "QUILT_MCP_TLS_PRIVATE_KEY",
    "QUILT_MCP_AUTH_HS256_SECRET",
    "QUILT_MCP_AUTH_HS256_SECRET_PREVIOUS",
  ]);
});

Deno.test("config: a registry audience equal to this server's own refuses to start (no passthrough)", () => {
  const cases: Record<string, string>[] = [
    { QUILT_MCP_REGISTRY_AUDIENCE: "https://mcp.example.com/mcp" },
    {
      QUILT_MCP_AUTH_AUDIENCE: "api://quilt-mcp",
      QUILT_MCP_REGISTRY_AUDIENCE: "api://quilt-mcp",
    },
    {
      QUILT_MCP_AUTH_AUDIENCE: "api://quilt-mcp",
      QUILT_MCP_REGISTRY_AUDIENCE: "https://mcp.example.com/mcp",
    },
  ];
  for (const env of cases) {
    const p = problems([], { ...HTTP_OK, ...env });
    assertEquals(p.length, 1, JSON.stringify(p));
    assert(p[0].includes("QUILT_MCP_REGISTRY_AUDIENCE"), p[0]);
    assert(p[0].includes("token passthrough"), p[0]);
    assert(/QUILT_MCP_AUTH_AUDIENCE|QUILT_MCP_PUBLIC_URL/.test(p[0]), p[0]);
  }
  const ok = loadConfig([], {
    ...HTTP_OK,
    QUILT_MCP_REGISTRY_AUDIENCE: "https://registry.example",
  });
  assertEquals(ok.registryAudience, "https://registry.example");
});
