/**
 * Start-up: process start → /healthz 200 over HTTP, and process start → `initialize` answered over
 * stdio, for quilt-mcp under `deno run` with the harness's arguments (the binary's permission
 * flags, --cached-only) and a warm module cache; the baseline's start to its first answer for scale.
 * @module
 */
import {
  baseServerEnv,
  DENO,
  MOTO_ACCOUNT,
  REPO_ROOT,
  serverCommandArgs,
  STACK_PUBLIC_URL,
  startIssuer,
} from "../tests/harness/mod.ts";
import { code, type Section, table, Verdicts } from "./report.ts";
import { baselineArgs, cpuMsOf } from "./servers.ts";
import { fmt, fmtSpread, spread } from "./stats.ts";

/** Start-up target: the product's start → /healthz at most this multiple of the bare server's. */
const TARGET_RATIO = 1.15;

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Wall time and the process's own CPU time (user + system) until it was ready. */
interface Ready {
  readonly ms: number;
  readonly cpuMs: number;
}

/** Spawns `args` and polls `url` every 2 ms until it answers 200. */
async function timeToHttp200(
  args: string[],
  env: Record<string, string>,
  url: string,
): Promise<Ready> {
  const started = performance.now();
  const child = new Deno.Command(DENO, {
    args,
    env: baseServerEnv(env),
    clearEnv: true,
    cwd: REPO_ROOT,
    stdin: "piped",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let elapsed = NaN;
  let cpuMs = NaN;
  const deadline = started + 30_000;
  try {
    while (performance.now() < deadline) {
      try {
        const r = await fetch(url);
        await r.body?.cancel();
        if (r.status === 200) {
          elapsed = performance.now() - started;
          cpuMs = cpuMsOf(child.pid);
          break;
        }
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    try {
      await child.stdin.close();
    } catch { /* closed */ }
    await child.status;
  }
  return { ms: elapsed, cpuMs };
}

/** Spawns the stdio server, sends initialize at once, and times the answer. */
async function timeToInitialize(env: Record<string, string>): Promise<Ready> {
  const started = performance.now();
  const child = new Deno.Command(DENO, {
    args: serverCommandArgs(["serve", "--transport", "stdio"]),
    env: baseServerEnv(env),
    clearEnv: true,
    cwd: REPO_ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(
    new TextEncoder().encode(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "bench", version: "0" },
        },
      }) + "\n",
    ),
  );
  let elapsed = NaN;
  let cpuMs = NaN;
  let text = "";
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, 30_000);
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    text += chunk;
    if (text.includes('"id":1') && text.includes("\n")) {
      elapsed = performance.now() - started;
      cpuMs = cpuMsOf(child.pid);
      break;
    }
  }
  clearTimeout(timer);
  await writer.close().catch(() => {});
  await child.status;
  return { ms: elapsed, cpuMs };
}

/** Runs the start-up section. */
export async function startupBench(options: { runs: number }): Promise<Section> {
  const verdicts = new Verdicts();
  await using issuer = await startIssuer();
  const httpEnv = {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    QUILT_MCP_PUBLIC_URL: STACK_PUBLIC_URL,
    QUILT_MCP_AUTH_ISSUER: issuer.issuer,
    QUILT_MCP_AUTH_JWKS_URL: issuer.jwksUrl,
    QUILT_MCP_ALLOWED_ROLE_ARNS: `arn:aws:iam::${MOTO_ACCOUNT}:role/*`,
    QUILT_MCP_DEFAULT_ROLE_ARN: `arn:aws:iam::${MOTO_ACCOUNT}:role/x`,
  };
  const stdioEnv = {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
  };
  const productArgs = (port: number) =>
    serverCommandArgs([
      "serve",
      "--transport",
      "http",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
    ]);
  const http: Ready[] = [];
  const base: Ready[] = [];
  const stdio: Ready[] = [];
  // One unmeasured round warms the module and code caches.
  for (let i = -1; i < options.runs; i++) {
    const p1 = freePort();
    const h = await timeToHttp200(productArgs(p1), httpEnv, `http://127.0.0.1:${p1}/healthz`);
    const p2 = freePort();
    const b = await timeToHttp200(
      baselineArgs(["catalog_uri"]),
      { ...stdioEnv, BASELINE_PORT: String(p2) },
      `http://127.0.0.1:${p2}/health`,
    );
    const s = await timeToInitialize(stdioEnv);
    if (i >= 0) {
      http.push(h);
      base.push(b);
      stdio.push(s);
    }
  }
  // Runs alternate product and baseline, so each run's ratio compares like with like.
  const ratio = spread(http.map((r, i) => r.ms / base[i].ms));
  const row = (label: string, list: Ready[], target: string) => [
    label,
    fmtSpread(spread(list.map((r) => r.ms)), 0, " ms"),
    fmtSpread(spread(list.map((r) => r.cpuMs)), 0, " ms"),
    target,
  ];
  const rows = [
    row(
      "quilt-mcp HTTP: start → /healthz 200",
      http,
      `≤ ${TARGET_RATIO}× baseline: ${fmtSpread(ratio, 2)}× ${
        verdicts.check(
          `HTTP start → /healthz 200 ≤ ${TARGET_RATIO}× the bare server's`,
          `${fmt(ratio.median, 2)}×`,
          ratio.median <= TARGET_RATIO,
        )
      }`,
    ),
    row("quilt-mcp stdio: start → initialize answered", stdio, "–"),
    row(
      "baseline (bare SDK server, same tool modules): start → first HTTP answer",
      base,
      "reference",
    ),
  ];
  const cmd = productArgs(0).map((a) => (a.includes(" ") ? `'${a}'` : a)).join(" ");
  return {
    title: "Start-up",
    body: [
      `Median of ${options.runs} runs (min–max) after one unmeasured warm-up run; the bench polls /healthz every 2 ms from the moment it spawns the process. Command (the harness's \`serverCommandArgs\`):`,
      "",
      code(`deno ${cmd.replace(/--port 0$/, "--port <free port>")}`),
      "",
      table(["measurement", "wall time", "CPU time of the process (user+sys)", "target"], rows),
      "",
      "CPU time is what the process itself spent until ready (10 ms resolution); on a loaded machine the wall time also includes waiting for a core.",
    ].join("\n"),
    verdicts: verdicts.list,
  };
}
