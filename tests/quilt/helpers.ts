/** Shared helpers of the tests/quilt suites: the Python peers, a seeded PRNG, temp dirs. @module */
import nodeAssert from "node:assert/strict";
import { join } from "node:path";
import { PYTHON, REPO_ROOT } from "../harness/paths.ts";
import type { JsonObject, JsonValue } from "../../server/quilt/mod.ts";
import { JsonNumber } from "../../server/quilt/mod.ts";

const PEER_DIR = join(REPO_ROOT, "tests", "quilt", "peer");

/** Environment that keeps quilt3 offline and out of the real home directory. */
export function peerEnv(home: string): Record<string, string> {
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: home,
    XDG_DATA_HOME: join(home, "data"),
    XDG_CACHE_HOME: join(home, "cache"),
    XDG_CONFIG_HOME: join(home, "config"),
    QUILT_DISABLE_USAGE_METRICS: "true",
    QUILT_MINIMIZE_STDOUT: "true",
    PYTHONHASHSEED: "0",
    PYTHONDONTWRITEBYTECODE: "1",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

/**
 * Runs a peer script once with a batch of requests (one JSON line each) and returns its answers
 * in order. Fails the test with the peer's stderr when it exits non-zero or answers an error.
 */
export async function runPeer<T = Record<string, unknown>>(
  script: string,
  requests: unknown[],
  opts: { cwd?: string; timeoutMs?: number } = {},
): Promise<T[]> {
  const home = await Deno.makeTempDir({ prefix: "quilt-peer-home-" });
  try {
    const cmd = new Deno.Command(PYTHON, {
      args: [join(PEER_DIR, script)],
      cwd: opts.cwd ?? home,
      env: peerEnv(home),
      clearEnv: true,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    });
    const child = cmd.spawn();
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }, opts.timeoutMs ?? 60_000);
    const writer = child.stdin.getWriter();
    const body = requests.map((r) => JSON.stringify(r)).join("\n") + "\n";
    const [out] = await Promise.all([
      child.output(),
      writer.write(new TextEncoder().encode(body)).then(() => writer.close()),
    ]);
    clearTimeout(timer);
    const stderr = new TextDecoder().decode(out.stderr);
    if (!out.success) throw new Error(`peer ${script} failed (${out.code}):\n${stderr}`);
    const lines = new TextDecoder().decode(out.stdout).split("\n").filter((l) => l.length > 0);
    if (lines.length !== requests.length) {
      throw new Error(
        `peer ${script} answered ${lines.length} of ${requests.length} requests:\n${stderr}`,
      );
    }
    return lines.map((l, i) => {
      const v = JSON.parse(l);
      if (v && typeof v === "object" && "peer_error" in v) {
        throw new Error(`peer ${script} request ${i}: ${v.peer_error}`);
      }
      return v as T;
    });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

/** A small deterministic PRNG (mulberry32), so randomized tests are reproducible. */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  /** Uniform float in [0, 1). */
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  /** A random IEEE-754 double bit pattern as 16 hex digits (finite or not). */
  doubleBits(): string {
    let s = "";
    for (let i = 0; i < 4; i++) s += this.int(0x10000).toString(16).padStart(4, "0");
    return s;
  }
}

/** The double whose IEEE-754 bits are the 16 hex digits. */
export function doubleFromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt("0x" + hex));
  return view.getFloat64(0);
}

/** The 16 hex digits of a double's IEEE-754 bits. */
export function bitsOfDouble(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, "0");
}

/** UTF-16 code units of a string (how strings travel to the Python peer, lone surrogates too). */
export function units(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
  return out;
}

/** The typed form of a JSON value that json_peer.py rebuilds exactly (see its docstring). */
export function typed(v: JsonValue): unknown {
  if (v === null) return ["null"];
  if (typeof v === "boolean") return ["bool", v];
  if (typeof v === "string") return ["str", units(v)];
  if (typeof v === "bigint") return ["int", v.toString()];
  if (typeof v === "number") {
    return Number.isInteger(v) ? ["int", BigInt(v).toString()] : ["float", bitsOfDouble(v)];
  }
  if (v instanceof JsonNumber) return ["num", v.text];
  if (Array.isArray(v)) return ["arr", v.map(typed)];
  return ["obj", Array.from((v as JsonObject).entries()).map(([k, x]) => [units(k), typed(x)])];
}

/** Makes a temp dir, runs `fn`, and removes the dir afterwards. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Fails unless `cond` holds. */
export function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  nodeAssert.ok(cond, msg);
}

/** Deep strict equality (Maps, arrays, primitives). */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, msg);
}

/** Calls `fn`, requires it to throw an instance of `cls` (whose message includes `text`), returns it. */
export function assertThrows<E extends Error>(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  cls: new (...args: any[]) => E,
  text?: string,
): E {
  try {
    fn();
  } catch (e) {
    assert(e instanceof cls, `expected ${cls.name}, got ${e}`);
    if (text !== undefined) assert(e.message.includes(text), `"${e.message}" lacks "${text}"`);
    return e;
  }
  throw new Error(`expected ${cls.name} to be thrown`);
}

/** Async variant of {@link assertThrows}. */
export async function assertRejects<E extends Error>(
  fn: () => Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  cls: new (...args: any[]) => E,
  text?: string,
): Promise<E> {
  try {
    await fn();
  } catch (e) {
    assert(e instanceof cls, `expected ${cls.name}, got ${e}`);
    if (text !== undefined) assert(e.message.includes(text), `"${e.message}" lacks "${text}"`);
    return e;
  }
  throw new Error(`expected ${cls.name} to be thrown`);
}

/**
 * A long-lived peer process answering one request per line, so a test file pays Python's (and
 * quilt3's) start-up once. Use inside one `Deno.test` with steps and `close()` it at the end.
 */
export class PeerSession {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #reader: ReadableStreamDefaultReader<string>;
  readonly #stderr: Promise<string>;
  readonly #home: string;
  #buffer = "";

  private constructor(child: Deno.ChildProcess, home: string) {
    this.#child = child;
    this.#home = home;
    this.#writer = child.stdin.getWriter();
    this.#reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    this.#stderr = new Response(child.stderr).text();
  }

  /**
   * Starts `<dir>/<script>` (default dir: tests/quilt/peer) with a throw-away home directory,
   * offline unless `env` adds an emulator's endpoint and credentials.
   */
  static async start(
    script: string,
    opts: { dir?: string; env?: Record<string, string> } = {},
  ): Promise<PeerSession> {
    const home = await Deno.makeTempDir({ prefix: "quilt-peer-home-" });
    const child = new Deno.Command(PYTHON, {
      args: [join(opts.dir ?? PEER_DIR, script)],
      cwd: home,
      env: { ...peerEnv(home), ...opts.env },
      clearEnv: true,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    return new PeerSession(child, home);
  }

  /** Sends one request and waits (bounded) for its answer; peer errors fail the test. */
  async call<T = Record<string, unknown>>(request: unknown, timeoutMs = 60_000): Promise<T> {
    await this.#writer.write(new TextEncoder().encode(JSON.stringify(request) + "\n"));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("peer did not answer in time")), timeoutMs);
    });
    try {
      for (;;) {
        const nl = this.#buffer.indexOf("\n");
        if (nl >= 0) {
          const line = this.#buffer.slice(0, nl);
          this.#buffer = this.#buffer.slice(nl + 1);
          const v = JSON.parse(line);
          if (v && typeof v === "object" && "peer_error" in v) {
            throw new Error(
              `peer error for ${JSON.stringify(request).slice(0, 200)}: ${v.peer_error}`,
            );
          }
          return v as T;
        }
        const { value, done } = await Promise.race([this.#reader.read(), timeout]);
        if (done) throw new Error(`peer exited:\n${await this.#stderr}`);
        this.#buffer += value;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the peer and removes its home directory. */
  async close(): Promise<void> {
    await this.#writer.close().catch(() => {});
    await this.#reader.cancel().catch(() => {});
    const status = await this.#child.status;
    await this.#stderr.catch(() => "");
    await Deno.remove(this.#home, { recursive: true });
    if (!status.success) throw new Error(`peer exited with ${status.code}`);
  }
}

/** `n` deterministic pseudo-random bytes (xorshift32; fast enough for many MiB). */
export function seededBytes(n: number, seed = 1): Uint8Array {
  const words = new Uint32Array(Math.ceil(n / 4));
  let x = (seed >>> 0) || 0x9e3779b9;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new Uint8Array(words.buffer, 0, n);
}
