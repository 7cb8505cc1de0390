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
  START_DEADLINE_MS,
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

/** The kernel's ephemeral port range (Linux), from which it picks ports for `port: 0` and clients. */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = Deno.readTextFileSync("/proc/sys/net/ipv4/ip_local_port_range").trim()
      .split(/\s+/).map(Number);
    if (low > 0 && high >= low) return [low, high];
  } catch { /* not Linux */ }
  return [49152, 65535]; // the IANA dynamic range other systems use
}

/**
 * A free port outside the ephemeral range. The emulator is down for a while between kill and
 * restart; a port from the ephemeral range could meanwhile become the local port of any client
 * connection or `port: 0` listener on the machine (other tests run in parallel), and the restart
 * would fail. Outside that range only a process asking for that exact port can take it.
 */
function freePort(): number {
  const [low, high] = ephemeralRange();
  const candidates = low > 20_000 ? [10_000, low - 1] : [high + 1, 65_535];
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = candidates[0] + Math.floor(Math.random() * (candidates[1] - candidates[0] + 1));
    try {
      const listener = Deno.listen({ hostname: "127.0.0.1", port });
      listener.close();
      return port;
    } catch { /* taken: try another */ }
  }
  throw new Error("no free port outside the ephemeral range");
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
      await out.waitFor((l) => l.startsWith("{"), START_DEADLINE_MS, "moto to start");
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
