/**
 * A moto server (the AWS emulator) per test run: started on an ephemeral loopback port, ready when
 * this resolves, stopped by `stop()` / `await using`, and gone by itself if the test process dies.
 * @module
 */
import { join } from "node:path";
import { LineCollector } from "./lines.ts";
import { PYTHON, REPO_ROOT } from "./paths.ts";
import { START_DEADLINE_MS, STOP_GRACE_MS } from "./deadlines.ts";

/** Credentials the emulator accepts (any non-empty values work; these are fixed for clarity). */
export const MOTO_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" } as const;
/** Region every test uses. */
export const MOTO_REGION = "us-east-1";

/** Options for {@linkcode startMoto}. */
export interface MotoOptions {
  /** Enforce IAM policies on requests (moto's INITIAL_NO_AUTH_ACTION_COUNT=0). */
  enforceIam?: boolean;
  /**
   * Emulator patches of tests/harness/moto_patches.py to apply (each documents the moto gap it
   * fills); none by default, so tests run on moto's own behaviour unless they name one.
   */
  patches?: readonly MotoPatch[];
}

/** The names of the patches in tests/harness/moto_patches.py. */
export type MotoPatch = "application-autoscaling-tags";

/** A running emulator. */
export interface Moto extends AsyncDisposable {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly port: number;
  /** AWS SDK client config pointing at the emulator with the fixed test credentials. */
  clientConfig(
    credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  ): {
    endpoint: string;
    region: string;
    forcePathStyle: boolean;
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  };
  /** Environment variables for a child process (server, quilt3) to use the emulator. */
  env(): Record<string, string>;
  /** Wipes every resource (moto's reset API). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a moto server; resolves once it accepts requests. */
export async function startMoto(options: MotoOptions = {}): Promise<Moto> {
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "/tmp",
    MOTO_ALLOW_NONEXISTENT_REGION: "false",
  };
  if (options.enforceIam) env.INITIAL_NO_AUTH_ACTION_COUNT = "0";
  if (options.patches?.length) env.MOTO_PATCHES = options.patches.join(",");
  const child = new Deno.Command(PYTHON, {
    args: [join(REPO_ROOT, "tests", "harness", "moto_server.py")],
    env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = new LineCollector(child.stdout);
  const err = new LineCollector(child.stderr);
  let port: number;
  try {
    const line = await out.waitFor((l) => l.startsWith("{"), START_DEADLINE_MS, "moto to start");
    port = JSON.parse(line).port;
  } catch (e) {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    throw new Error(`${(e as Error).message}\nstderr:\n${err.lines.slice(-20).join("\n")}`);
  }
  const endpoint = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      await child.stdin.close();
    } catch { /* closed */ }
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    // Bounded: an emulator that ignores SIGTERM must not hang the test that stops it.
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, STOP_GRACE_MS);
    await child.status;
    clearTimeout(timer);
    await Promise.all([out.done, err.done]);
  };
  return {
    endpoint,
    port,
    clientConfig: (credentials = MOTO_CREDENTIALS) => ({
      endpoint,
      region: MOTO_REGION,
      forcePathStyle: true,
      credentials: { ...credentials },
    }),
    env: () => ({
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: MOTO_REGION,
      AWS_DEFAULT_REGION: MOTO_REGION,
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    }),
    reset: async () => {
      const r = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      await r.body?.cancel();
      if (!r.ok) throw new Error(`moto reset failed: ${r.status}`);
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
