/**
 * Smoke test of a built quilt-mcp, as a user starts it, with no AWS credentials and no network
 * beyond loopback:
 *
 * 1. `--version` prints `quilt-mcp <version>` (the expected version: server/version.ts, or the
 *    release tag with --expect-version);
 * 2. over stdio, a real MCP client initializes and lists exactly the tools of the default
 *    categories of policies/categories.json;
 * 3. over HTTP (HS256 auth, single-tenant, a random secret), the server listens, `GET /healthz`
 *    answers 200 with the version, the RFC 9728 metadata names the resource, and a POST without a
 *    token gets 401 with the Bearer challenge (tests/smoke/smoke.ts's checks).
 *
 * The release workflow runs it against each compiled binary on a runner of the binary's own OS and
 * architecture; `make test` runs it (binary_smoke_test.ts) against `deno run` with the binary's
 * permission flags, so the same script guards both.
 *
 * Usage: deno run --allow-run --allow-net --allow-read --allow-env tests/smoke/binary_smoke.ts
 *          [--expect-version X.Y.Z] [--timeout SECONDS] -- <command> [args…]
 * Exit 0 when every check passed, 1 otherwise, 2 on bad usage.
 * @module
 */
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { fileURLToPath } from "node:url";
import { VERSION } from "../../server/version.ts";
import {
  type CheckResult,
  healthChecks,
  metadataCheck,
  renderResults,
  unauthenticatedCheck,
} from "./smoke.ts";

/** Options of {@linkcode smokeBinary}. */
export interface BinarySmokeOptions {
  /** The program and its leading arguments (a binary, or `deno run … server/main.ts`). */
  readonly command: readonly string[];
  /** The version `--version` and /healthz must report (default: server/version.ts). */
  readonly expectVersion?: string;
  /** Per-step time limit in milliseconds. */
  readonly timeoutMs?: number;
}

/** The public URL the HTTP check configures (the audience; the server listens elsewhere). */
const PUBLIC_URL = "http://127.0.0.1/mcp";

/** The tools of the default categories: what a server with no category setting registers. */
export function defaultTools(): string[] {
  const categories = JSON.parse(
    Deno.readTextFileSync(
      fileURLToPath(new URL("../../policies/categories.json", import.meta.url)),
    ),
  ) as { categories: Record<string, { default: boolean; tools: string[] }> };
  return Object.values(categories.categories).filter((c) => c.default).flatMap((c) => c.tools)
    .sort();
}

/**
 * The child's environment: nothing from this process but what a program needs to run at all (and
 * DENO_DIR for the `deno run` form), a home without AWS or quilt3 configuration, and `extra`.
 */
function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {
    HOME: "/nonexistent",
    USERPROFILE: "C:\\nonexistent",
    NO_COLOR: "1",
    QUILT_MCP_USE_QUILT3_LOGIN: "false",
  };
  for (const name of ["PATH", "SystemRoot", "SYSTEMROOT", "windir", "TEMP", "TMP", "DENO_DIR"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}

function fail(name: string, e: unknown): CheckResult {
  return { name, status: "fail", detail: `${(e as Error)?.name}: ${(e as Error)?.message}` };
}

async function versionCheck(options: BinarySmokeOptions, expected: string): Promise<CheckResult> {
  const name = "--version";
  try {
    const [program, ...args] = options.command;
    const out = await new Deno.Command(program, {
      args: [...args, "--version"],
      env: childEnv({}),
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim();
    if (out.code === 0 && text === `quilt-mcp ${expected}`) {
      return { name, status: "pass", detail: text };
    }
    return {
      name,
      status: "fail",
      detail: `exit ${out.code}, printed "${text}" (expected "quilt-mcp ${expected}"); stderr: ${
        new TextDecoder().decode(out.stderr).trim().slice(0, 300)
      }`,
    };
  } catch (e) {
    return fail(name, e);
  }
}

async function stdioCheck(options: BinarySmokeOptions): Promise<CheckResult> {
  const name = "stdio initialize + tools/list";
  const [program, ...args] = options.command;
  const stderr: string[] = [];
  const transport = new StdioClientTransport({
    command: program,
    args: [...args, "serve", "--transport", "stdio"],
    env: childEnv({}),
    stderr: "pipe",
  });
  // Drain stderr (logs): an unread pipe fills up and blocks the server.
  transport.stderr?.on("data", (chunk: Uint8Array) => stderr.push(new TextDecoder().decode(chunk)));
  const client = new Client({ name: "quilt-mcp-binary-smoke", version: "1" });
  const timeout = options.timeoutMs ?? 60_000;
  try {
    await client.connect(transport, { timeout });
    const server = client.getServerVersion();
    const { tools } = await client.listTools(undefined, { timeout });
    const names = tools.map((t) => t.name).sort();
    const expected = defaultTools();
    if (JSON.stringify(names) !== JSON.stringify(expected)) {
      return {
        name,
        status: "fail",
        detail: `tools ${names.join(", ")}; expected the default categories' ${
          expected.join(", ")
        }`,
      };
    }
    return {
      name,
      status: "pass",
      detail: `${server?.name} ${server?.version}, ${names.length} tools`,
    };
  } catch (e) {
    const log = stderr.join("").trim().split("\n").slice(-5).join(" | ");
    return { ...fail(name, e), detail: `${fail(name, e).detail}; stderr: ${log}` };
  } finally {
    await client.close().catch(() => {});
  }
}

/** Reads the child's stderr lines until the server says where it listens. */
async function listeningPort(
  stream: ReadableStream<Uint8Array>,
  lines: string[],
  timeoutMs: number,
): Promise<number> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let buffer = "";
  let port: number | undefined;
  const found = (async () => {
    while (port === undefined) {
      const { value, done } = await reader.read();
      if (done) {
        throw new Error(`the server exited before listening: ${lines.slice(-5).join(" | ")}`);
      }
      buffer += value;
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        lines.push(line);
        try {
          const record = JSON.parse(line);
          if (record.msg === "server_listening") port = Number(record.port);
        } catch { /* not a JSON line */ }
      }
    }
    // Keep draining, so the server never blocks on a full pipe.
    (async () => {
      for (;;) {
        const { done } = await reader.read().catch(() => ({ done: true }));
        if (done) return;
      }
    })();
    return port;
  })();
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`no server_listening within ${timeoutMs} ms: ${lines.slice(-5).join(" | ")}`),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([found, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function stop(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGTERM");
  } catch {
    // Windows accepts fewer signals; the process must end either way.
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }
}

async function httpChecks(options: BinarySmokeOptions, expected: string): Promise<CheckResult[]> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const secret = Array.from(crypto.getRandomValues(new Uint8Array(32)))
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  const [program, ...args] = options.command;
  const child = new Deno.Command(program, {
    args: [...args, "serve", "--transport", "http", "--host", "127.0.0.1", "--port", "0"],
    env: childEnv({
      QUILT_MCP_PUBLIC_URL: PUBLIC_URL,
      QUILT_MCP_AUTH_ISSUER: "https://issuer.invalid/",
      QUILT_MCP_AUTH_HS256_SECRET: secret,
      QUILT_MCP_ROLE_MODE: "single-tenant",
      AWS_REGION: "us-east-1",
    }),
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  try {
    const port = await listeningPort(child.stderr, lines, timeoutMs);
    const base = `http://127.0.0.1:${port}`;
    const [health] = await healthChecks(base, timeoutMs, ["/healthz"]);
    const results: CheckResult[] = [];
    if (health.status === "pass" && !health.detail.endsWith(`version ${expected}`)) {
      results.push({ ...health, status: "fail", detail: `${health.detail}; expected ${expected}` });
    } else results.push(health);
    results.push(await metadataCheck(`${base}/mcp`, PUBLIC_URL, timeoutMs));
    results.push(await unauthenticatedCheck(`${base}/mcp`, PUBLIC_URL, timeoutMs));
    return results;
  } catch (e) {
    return [fail("HTTP server starts and listens", e)];
  } finally {
    stop(child);
    await child.status;
  }
}

/** A program given as a path (not a name on PATH) as the OS's absolute path, so any shell form works. */
function resolveProgram(command: readonly string[]): string[] {
  const [program, ...args] = command;
  const isPath = /[\\/]/.test(program);
  return [isPath ? Deno.realPathSync(program) : program, ...args];
}

/** Runs every check against `options.command`. */
export async function smokeBinary(options: BinarySmokeOptions): Promise<CheckResult[]> {
  const expected = options.expectVersion ?? VERSION;
  try {
    options = { ...options, command: resolveProgram(options.command) };
  } catch (e) {
    return [fail(`${options.command[0]} exists`, e)];
  }
  return [
    await versionCheck(options, expected),
    await stdioCheck(options),
    ...await httpChecks(options, expected),
  ];
}

function usage(message: string): never {
  console.error(`binary_smoke: ${message}
usage: deno run --allow-run --allow-net --allow-read --allow-env tests/smoke/binary_smoke.ts \\
         [--expect-version X.Y.Z] [--timeout SECONDS] -- <command> [args...]`);
  Deno.exit(2);
}

if (import.meta.main) {
  const args = [...Deno.args];
  const dash = args.indexOf("--");
  if (dash < 0 || dash === args.length - 1) usage("give the command after --");
  const command = args.slice(dash + 1);
  const options: { command: string[]; expectVersion?: string; timeoutMs?: number } = { command };
  const flags = args.slice(0, dash);
  for (let i = 0; i < flags.length; i++) {
    const value = () => flags[++i] ?? usage(`${flags[i - 1]} needs a value`);
    if (flags[i] === "--expect-version") options.expectVersion = value().replace(/^v/, "");
    else if (flags[i] === "--timeout") options.timeoutMs = Number(value()) * 1000;
    else usage(`unknown argument ${flags[i]}`);
  }
  const results = await smokeBinary(options);
  console.log(renderResults(results, ""));
  Deno.exit(results.some((r) => r.status === "fail") ? 1 : 0);
}
