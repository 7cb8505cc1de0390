/**
 * The smoke check (`make smoke`) against a locally running stack: it passes against a healthy
 * server, skips the health endpoints when a load balancer does not route them (simulated by a
 * proxy answering them with the ALB's plain-text 404), and fails — exit 1, naming the check — with
 * a bad token or an unreachable endpoint. The token never appears in its output.
 */
import { join } from "node:path";
import {
  assert,
  assertEquals,
  DENO,
  REPO_ROOT,
  STACK_PUBLIC_URL,
  startStack,
} from "../harness/mod.ts";

const SCRIPT = join(REPO_ROOT, "tests", "smoke", "smoke.ts");

async function smoke(args: string[], token: string) {
  const out = await new Deno.Command(DENO, {
    args: ["run", "--cached-only", "--allow-net", "--allow-env", "--allow-read", SCRIPT, ...args],
    env: { TOKEN: token, NO_COLOR: "1" },
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert(
    token.length === 0 || !text.includes(token),
    `the smoke check printed the token:\n${text}`,
  );
  return { code: out.code, text };
}

function line(text: string, pattern: RegExp) {
  assert(text.split("\n").some((l) => pattern.test(l)), `no line matches ${pattern}:\n${text}`);
}

/** A stand-in for the ALB: forwards everything except the health paths, which get its fixed 404. */
function albLike(origin: string): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/healthz" || url.pathname === "/readyz") {
      return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain" } });
    }
    const upstream = await fetch(`${origin}${url.pathname}${url.search}`, {
      method: req.method,
      headers: req.headers,
      body: req.body,
    });
    return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });
  });
}

Deno.test("make smoke: passes against a running server, fails on a bad token or endpoint", async (t) => {
  await using stack = await startStack({});
  const url = `${stack.server.origin}/mcp`;
  const token = await stack.token("smoke-user");
  // The stack's public URL has no port; the resource in its metadata is that URL.
  const resource = ["--resource", STACK_PUBLIC_URL];

  await t.step("healthy server: every check passes", async () => {
    const r = await smoke(["--url", url, ...resource, "--expect-tool", "auth_status"], token);
    assertEquals(r.code, 0, r.text);
    line(r.text, /^PASS {2}GET \/healthz: 200, version /);
    line(r.text, /^PASS {2}GET \/readyz: 200 ready \(jwks, sts\)$/);
    line(
      r.text,
      /^PASS {2}protected resource metadata: resource http:\/\/127\.0\.0\.1\/mcp, authorization servers http:\/\/127\.0\.0\.1:\d+\/$/,
    );
    line(
      r.text,
      /^PASS {2}POST without a token is refused: 401, WWW-Authenticate names resource_metadata="http:\/\/127\.0\.0\.1\/\.well-known\/oauth-protected-resource\/mcp"$/,
    );
    line(r.text, /^PASS {2}authenticated tools\/list: \d+ tools: .*\bauth_status\b/);
    line(r.text, /^smoke: 5 passed, 0 failed, 0 skipped$/);
  });

  await t.step(
    "behind a load balancer that does not route /healthz: health skipped, rest passes",
    async () => {
      const alb = albLike(stack.server.origin);
      try {
        const r = await smoke([
          "--url",
          `http://127.0.0.1:${alb.addr.port}/mcp`,
          ...resource,
        ], token);
        assertEquals(r.code, 0, r.text);
        line(
          r.text,
          /^SKIP {2}GET \/healthz: not routed to the service \(HTTP 404 from the load balancer\)/,
        );
        line(r.text, /^smoke: 3 passed, 0 failed, 2 skipped$/);
      } finally {
        await alb.shutdown();
      }
    },
  );

  await t.step("a token the server refuses fails the tools/list check", async () => {
    const bad = await stack.token("smoke-user", {}, { audience: "https://other.example/mcp" });
    const r = await smoke(["--url", url, ...resource], bad);
    assertEquals(r.code, 1, r.text);
    line(r.text, /^FAIL {2}authenticated tools\/list: /);
    line(r.text, /^smoke: 4 passed, 1 failed, 0 skipped$/);
  });

  await t.step("a metadata document for another resource fails", async () => {
    const r = await smoke(["--url", url], token);
    assertEquals(r.code, 1, r.text);
    line(
      r.text,
      /^FAIL {2}protected resource metadata: resource is http:\/\/127\.0\.0\.1\/mcp, expected http:\/\/127\.0\.0\.1:\d+\/mcp/,
    );
  });

  await t.step("an unreachable endpoint fails every check", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const r = await smoke(["--url", `http://127.0.0.1:${port}/mcp`, "--timeout", "5"], token);
    assertEquals(r.code, 1, r.text);
    line(r.text, /^smoke: 0 passed, 5 failed, 0 skipped$/);
  });

  await t.step("no token: usage error, exit 2", async () => {
    const r = await smoke(["--url", url], "");
    assertEquals(r.code, 2, r.text);
    line(r.text, /set the bearer token in the TOKEN environment variable/);
  });
});
