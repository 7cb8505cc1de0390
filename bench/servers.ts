/**
 * Processes the bench measures: the baseline MCP server (bench/baseline_server.ts) and helpers to
 * read a process's CPU time and memory from /proc.
 * @module
 */
import { join } from "node:path";
import { baseServerEnv, DENO, REPO_ROOT } from "../tests/harness/mod.ts";
export { rssOf } from "../tests/resilience/watched_server.ts";

/** A running baseline server. */
export interface BaselineServer extends AsyncDisposable {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** `deno run` arguments of the baseline, with the same cache rules as the product under test. */
export function baselineArgs(tools: string[], extra: string[] = []): string[] {
  const frozen = Deno.env.get("DENO_FROZEN") ? ["--frozen"] : [];
  return [
    "run",
    "--cached-only",
    ...frozen,
    ...extra,
    "--allow-net",
    "--allow-env",
    "--allow-read",
    "--allow-sys",
    join(REPO_ROOT, "bench", "baseline_server.ts"),
    ...tools,
  ];
}

/** Starts the baseline serving `tools`, with AWS calls going to `env`'s endpoint. */
export async function startBaseline(
  tools: string[],
  env: Record<string, string>,
  denoFlags: string[] = [],
): Promise<BaselineServer> {
  const child = new Deno.Command(DENO, {
    args: baselineArgs(tools, denoFlags),
    env: baseServerEnv(env),
    clearEnv: true,
    cwd: REPO_ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr: string[] = [];
  // Drained, not interpreted: only the first chunks are kept (start-up failures), the rest are
  // dropped undecoded, as the product's lines are while it is measured (WatchedServer "count").
  (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      if (stderr.length < 50) stderr.push(decoder.decode(chunk));
    }
  })();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = Date.now() + 30_000;
  let port = 0;
  while (!port) {
    const timeout = new Promise<{ done: true; value: undefined }>((r) =>
      setTimeout(() => r({ done: true, value: undefined }), Math.max(0, deadline - Date.now()))
    );
    const { done, value } = await Promise.race([reader.read(), timeout]);
    if (done) throw new Error(`baseline did not start:\n${stderr.join("")}`);
    text += value;
    const m = /\{"port":(\d+)\}/.exec(text);
    if (m) port = Number(m[1]);
  }
  (async () => {
    try {
      while (!(await reader.read()).done) { /* drain */ }
    } catch { /* closed */ }
  })();
  const stop = async () => {
    try {
      await child.stdin.close();
    } catch { /* closed */ }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, 5000);
    await child.status;
    clearTimeout(timer);
  };
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    pid: child.pid,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** CPU time (user + system) a process has used so far, in milliseconds. */
export function cpuMsOf(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of /proc/pid/stat (utime, stime) in clock ticks (USER_HZ = 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Peak resident set size (VmHWM) of a process in KiB. */
export function peakRssOf(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
