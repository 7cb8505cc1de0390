/**
 * Runs quilt-mcp as a real subprocess under `deno run` with exactly the compiled binary's permission
 * flags (server/permissions.txt), for HTTP; collects its JSON log lines for assertions.
 * @module
 */
import { join } from "node:path";
import { LineCollector } from "./lines.ts";
import { DENO, REPO_ROOT, serverPermissionFlags } from "./paths.ts";
import { CLI_DEADLINE_MS, LOG_DEADLINE_MS, START_DEADLINE_MS, STOP_GRACE_MS } from "./deadlines.ts";

/** Entry point of the server. */
export const SERVER_MAIN: string = join(REPO_ROOT, "server", "main.ts");

/** The base environment of a server child: nothing from the test process leaks in except these. */
export function baseServerEnv(extra: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("QUILT_MCP_TEST_HOME") ?? "/nonexistent",
    NO_COLOR: "1",
  };
  const denoDir = Deno.env.get("DENO_DIR");
  if (denoDir) base.DENO_DIR = denoDir;
  return { ...base, ...extra };
}

/** `deno run` arguments that start the server with the binary's permissions. */
export function serverCommandArgs(serverArgs: string[]): string[] {
  const frozen = Deno.env.get("DENO_FROZEN") ? ["--frozen"] : [];
  // --cached-only: like the compiled binary, the server under test may not download anything.
  return [
    "run",
    "--cached-only",
    ...frozen,
    ...serverPermissionFlags(),
    SERVER_MAIN,
    ...serverArgs,
  ];
}

/** A running HTTP server process. */
export interface ServerProcess extends AsyncDisposable {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly port: number;
  /** Every stderr line so far (JSON log lines and anything else). */
  readonly logLines: string[];
  /** Parsed JSON log records so far. */
  logs(): Array<Record<string, unknown>>;
  /** Waits for a log record matching the predicate. */
  waitForLog(
    match: (r: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Sends a signal. */
  kill(signal?: Deno.Signal): void;
  /** Resolves with the exit status. */
  readonly status: Promise<Deno.CommandStatus>;
  /** SIGTERM and wait (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<Deno.CommandStatus>;
}

function parseJson(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/**
 * Starts `quilt-mcp serve --transport http` on 127.0.0.1 with the given environment and arguments,
 * on an ephemeral port unless `options.port` names one.
 */
export async function startHttpServer(
  env: Record<string, string>,
  args: string[] = [],
  options: { startTimeoutMs?: number; port?: number } = {},
): Promise<ServerProcess> {
  const child = new Deno.Command(DENO, {
    args: serverCommandArgs([
      "serve",
      "--transport",
      "http",
      "--host",
      "127.0.0.1",
      "--port",
      String(options.port ?? 0),
      ...args,
    ]),
    env: baseServerEnv(env),
    clearEnv: true,
    cwd: REPO_ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const err = new LineCollector(child.stderr);
  const out = new LineCollector(child.stdout);
  const status = child.status;
  const listening = await err.waitFor(
    (l) => parseJson(l)?.msg === "server_listening",
    options.startTimeoutMs ?? START_DEADLINE_MS,
    "the server to listen",
  ).catch(async (e) => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
    await status;
    throw e;
  });
  const port = Number(parseJson(listening)!.port);
  let stopping: Promise<Deno.CommandStatus> | undefined;
  const stop = (graceMs = STOP_GRACE_MS) => {
    stopping ??= (async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, graceMs);
      const s = await status;
      clearTimeout(timer);
      await Promise.all([err.done, out.done]);
      return s;
    })();
    return stopping;
  };
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    logLines: err.lines,
    logs: () =>
      err.lines.map(parseJson).filter((r): r is Record<string, unknown> => r !== undefined),
    waitForLog: async (match, timeoutMs = LOG_DEADLINE_MS) =>
      parseJson(
        await err.waitFor(
          (l) => {
            const r = parseJson(l);
            return r !== undefined && match(r);
          },
          timeoutMs,
          "a log record",
        ),
      )!,
    kill: (signal = "SIGTERM") => child.kill(signal),
    status,
    stop,
    [Symbol.asyncDispose]: async () => {
      await stop();
    },
  };
}

/** Runs the server CLI to completion (e.g. --help, healthcheck, a refused start) and captures output. */
export async function runServerCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = CLI_DEADLINE_MS,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(DENO, {
    args: serverCommandArgs(args),
    env: baseServerEnv(env),
    clearEnv: true,
    cwd: REPO_ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeoutMs),
  });
  const r = await child.output();
  return {
    code: r.code,
    stdout: new TextDecoder().decode(r.stdout),
    stderr: new TextDecoder().decode(r.stderr),
  };
}
