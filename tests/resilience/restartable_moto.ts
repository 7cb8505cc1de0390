/**
 * An AWS emulator that can really be killed and brought back on the same port: the harness's
 * moto_server.py with a fixed MOTO_PORT, so a server pointed at it sees a true outage (connection
 * refused) and then the same endpoint again. A restarted emulator starts empty; `onStart` re-seeds it.
 * @module
 */
import { join } from "node:path";
import {
  LineCollector,
  type Moto,
  MOTO_CREDENTIALS,
  MOTO_REGION,
  PYTHON,
  REPO_ROOT,
} from "../harness/mod.ts";

/** A {@linkcode Moto} that can be killed and restarted. */
export interface RestartableMoto extends Moto {
  /** SIGKILLs the emulator (no goodbye: connections drop, new ones are refused). */
  kill(): Promise<void>;
  /** Starts it again on the same port and runs `onStart`. */
  start(): Promise<void>;
  readonly running: boolean;
  /** performance.now() when the emulator last began accepting connections (before `onStart`). */
  readonly listeningAt: number;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Starts a restartable emulator; `onStart` runs after every (re)start, e.g. to seed it. */
export async function startRestartableMoto(
  onStart: (moto: Moto) => Promise<void> = async () => {},
): Promise<RestartableMoto> {
  const port = freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let child: Deno.ChildProcess | undefined;
  let collectors: LineCollector[] = [];
  let listeningAt = 0;

  const spawn = async () => {
    const c = new Deno.Command(PYTHON, {
      args: [join(REPO_ROOT, "tests", "harness", "moto_server.py")],
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: Deno.env.get("HOME") ?? "/tmp",
        MOTO_ALLOW_NONEXISTENT_REGION: "false",
        MOTO_PORT: String(port),
      },
      clearEnv: true,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const out = new LineCollector(c.stdout);
    const err = new LineCollector(c.stderr);
    collectors = [out, err];
    child = c;
    try {
      await out.waitFor((l) => l.startsWith("{"), 30_000, "moto to start");
      listeningAt = performance.now();
    } catch (e) {
      try {
        c.kill("SIGKILL");
      } catch { /* gone */ }
      throw new Error(`${(e as Error).message}\n${err.lines.slice(-20).join("\n")}`);
    }
  };

  const kill = async () => {
    const c = child;
    if (!c) return;
    child = undefined;
    try {
      c.kill("SIGKILL");
    } catch { /* gone */ }
    await c.status;
    try {
      await c.stdin.close();
    } catch { /* closed */ }
    await Promise.all(collectors.map((l) => l.done));
  };

  const moto: RestartableMoto = {
    endpoint,
    port,
    get running() {
      return child !== undefined;
    },
    get listeningAt() {
      return listeningAt;
    },
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
    },
    kill,
    start: async () => {
      await spawn();
      await onStart(moto);
    },
    stop: kill,
    [Symbol.asyncDispose]: kill,
  };
  await moto.start();
  return moto;
}
