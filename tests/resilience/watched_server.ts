/**
 * quilt-mcp over HTTP as a real subprocess (the harness's `deno run` arguments, so exactly the
 * binary's permission flags), watched with bounded memory: its stderr is consumed line by line
 * into counters — EMF metric sums, log levels, lines that are not JSON (an uncaught error prints
 * such lines) — plus a short ring of recent lines, so long load and fuzz runs do not keep every
 * log line. Also reads the process's resident memory from /proc.
 *
 * With `logs: "count"` (throughput measurements) the lines after start-up are only counted, not
 * decoded or parsed: interpreting the server's log volume costs the load generator CPU on the same
 * cores, which would be charged to the server under test. The per-record views (metrics, levels,
 * error records, waiting for a record) then refuse to answer; `sync` still works.
 * @module
 */
import { baseServerEnv, DENO, REPO_ROOT, serverCommandArgs } from "../harness/mod.ts";
import { LOG_DEADLINE_MS, START_DEADLINE_MS, STOP_GRACE_MS } from "../harness/deadlines.ts";

/** A running, watched server. */
export interface WatchedServer extends AsyncDisposable {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly pid: number;
  /** Sum of every EMF metric value by metric name (e.g. CredentialCacheHit). */
  metric(name: string): number;
  /**
   * Sum of an EMF metric over records with these dimension values: one dimension, or every
   * dimension the record carries (e.g. {Tool, Outcome} of ToolCall).
   */
  metricWhere(name: string, dims: Record<string, string>): number;
  /** Log records by level (info, warn, error, ...). */
  readonly levels: Readonly<Record<string, number>>;
  /** Records of level error (first 50), for assertions and reports. */
  readonly errorRecords: ReadonlyArray<Record<string, unknown>>;
  /** stderr lines that are not JSON records (first 50): uncaught errors, panics, warnings. */
  readonly foreignLines: readonly string[];
  /** Number of stderr lines that were not JSON records. */
  readonly foreignCount: number;
  /** Lines of stderr seen so far (in both modes). */
  readonly lineCount: number;
  /** The last lines of stderr. */
  recentLines(): string[];
  /** Waits for a JSON log record matching `match` (seen from now on or kept in the recent ring). */
  waitForLog(
    match: (r: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /**
   * Waits until every log line written so far has been consumed: requests /healthz with a unique
   * request id and waits for its access log line (the server writes lines in order, synchronously).
   */
  sync(timeoutMs?: number): Promise<void>;
  /** Resident set size in KiB (VmRSS), or NaN once the process is gone. */
  rssKiB(): number;
  /** Sends a signal. */
  kill(signal?: Deno.Signal): void;
  /** Resolves with the exit status. */
  readonly status: Promise<Deno.CommandStatus>;
  /** SIGTERM and wait (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<Deno.CommandStatus>;
}

/** Resident set size (VmRSS) of a process in KiB, NaN when it cannot be read. */
export function rssOf(pid: number): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

const RING = 200;
/** Bytes of raw stderr kept for `recentLines` in counting mode. */
const TAIL_BYTES = 32 * 1024;

/** How stderr is consumed after start-up: parsed into records, or only counted. */
export type LogMode = "parse" | "count";

/** Number of newline bytes in `chunk`. */
function newlines(chunk: Uint8Array): number {
  let n = 0;
  for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) n++;
  return n;
}

function metricKey(name: string, dims: Record<string, string>): string {
  return name + Object.keys(dims).sort().map((k) => `|${k}=${dims[k]}`).join("");
}

/** Starts `quilt-mcp serve --transport http` on an ephemeral loopback port. */
export async function startWatchedServer(
  env: Record<string, string>,
  options: { startTimeoutMs?: number; args?: string[]; denoFlags?: string[]; logs?: LogMode } = {},
): Promise<WatchedServer> {
  const args = serverCommandArgs([
    "serve",
    "--transport",
    "http",
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    ...(options.args ?? []),
  ]);
  // Extra `deno run` flags (e.g. --cpu-prof) go right after "run".
  args.splice(1, 0, ...(options.denoFlags ?? []));
  const child = new Deno.Command(DENO, {
    args,
    env: baseServerEnv(env),
    clearEnv: true,
    cwd: REPO_ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();

  const metrics = new Map<string, number>();
  const levels: Record<string, number> = {};
  const errorRecords: Array<Record<string, unknown>> = [];
  const foreignLines: string[] = [];
  let foreignCount = 0;
  let lineCount = 0;
  const ring: string[] = [];
  // Counting mode, once the server listens: raw tail bytes, and sync markers awaited in the bytes.
  let counting = false;
  const tail: Uint8Array[] = [];
  let tailBytes = 0;
  const markers = new Map<string, () => void>();
  let carry = "";
  let waiters: Array<{
    match: (r: Record<string, unknown>) => boolean;
    resolve: (r: Record<string, unknown>) => void;
  }> = [];

  const onLine = (line: string) => {
    lineCount++;
    ring.push(line);
    if (ring.length > RING) ring.shift();
    let record: Record<string, unknown> | undefined;
    if (line.startsWith("{")) {
      try {
        record = JSON.parse(line);
      } catch { /* not JSON */ }
    }
    if (!record) {
      if (line.trim() === "") return;
      foreignCount++;
      if (foreignLines.length < 50) foreignLines.push(line);
      return;
    }
    const aws = record._aws as
      | {
        CloudWatchMetrics?: Array<{ Dimensions?: string[][]; Metrics?: Array<{ Name: string }> }>;
      }
      | undefined;
    if (aws) {
      const spec = aws.CloudWatchMetrics?.[0];
      const dimNames = [...new Set((spec?.Dimensions ?? []).flat())].sort();
      for (const m of spec?.Metrics ?? []) {
        // A record carries one value or, aggregated, an array of them (EMF allows both).
        const raw = record[m.Name] ?? 0;
        const value = Array.isArray(raw)
          ? raw.reduce((sum: number, v) => sum + Number(v), 0)
          : Number(raw);
        const keys = new Set([metricKey(m.Name, {})]);
        const all: Record<string, string> = {};
        for (const d of dimNames) {
          if (typeof record[d] !== "string") continue;
          all[d] = record[d] as string;
          keys.add(metricKey(m.Name, { [d]: all[d] }));
        }
        keys.add(metricKey(m.Name, all));
        for (const k of keys) metrics.set(k, (metrics.get(k) ?? 0) + value);
      }
      return;
    }
    const level = String(record.level ?? "none");
    levels[level] = (levels[level] ?? 0) + 1;
    if (level === "error" && errorRecords.length < 50) errorRecords.push(record);
    if (waiters.length > 0) {
      const r = record;
      waiters = waiters.filter((w) => {
        if (!w.match(r)) return true;
        w.resolve(r);
        return false;
      });
    }
  };

  /** Counting mode: count lines, keep a raw tail, and look for awaited sync markers. */
  const countChunk = (chunk: Uint8Array) => {
    lineCount += newlines(chunk);
    tail.push(chunk);
    tailBytes += chunk.length;
    while (tail.length > 1 && tailBytes - tail[0].length >= TAIL_BYTES) {
      tailBytes -= tail.shift()!.length;
    }
    if (markers.size === 0) return;
    // Markers are ASCII: a chunk decoded alone cannot split one into different characters, and the
    // carried end of the previous chunk finds a marker cut in two.
    const text = carry + new TextDecoder().decode(chunk);
    for (const [marker, found] of markers) {
      if (text.includes(marker)) {
        markers.delete(marker);
        found();
      }
    }
    carry = text.slice(-200);
  };
  const counted = (what: string): never => {
    throw new Error(`${what} is not available: this server's logs are counted, not parsed`);
  };

  const pump = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of child.stderr) {
      if (counting) {
        countChunk(chunk);
        continue;
      }
      buffer += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        onLine(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
    }
    if (buffer.length > 0) onLine(buffer);
  })();

  const status = child.status;
  const waitForLog = (
    match: (r: Record<string, unknown>) => boolean,
    timeoutMs = LOG_DEADLINE_MS,
  ) => {
    for (const line of ring) {
      if (!line.startsWith("{")) continue;
      try {
        const r = JSON.parse(line);
        if (match(r)) return Promise.resolve(r as Record<string, unknown>);
      } catch { /* skip */ }
    }
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for a log record; last lines:\n${
              ring.slice(-20).join("\n")
            }`,
          ),
        );
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (r: Record<string, unknown>) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      waiters.push(waiter);
      status.then(() => {
        if (waiters.includes(waiter)) {
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== waiter);
          reject(new Error(`the server exited; last lines:\n${ring.slice(-20).join("\n")}`));
        }
      });
    });
  };

  let listening: Record<string, unknown>;
  try {
    listening = await waitForLog(
      (r) => r.msg === "server_listening",
      options.startTimeoutMs ?? START_DEADLINE_MS,
    );
  } catch (e) {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
    await status;
    await pump;
    throw e;
  }
  const port = Number(listening.port);
  counting = options.logs === "count";
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
      await pump;
      return s;
    })();
    return stopping;
  };
  /** Counting mode: resolves when `marker` has passed in stderr (the access log of a sync). */
  const awaitMarker = (marker: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        markers.delete(marker);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${marker} in the log`));
      }, timeoutMs);
      markers.set(marker, () => {
        clearTimeout(timer);
        resolve();
      });
      status.then(() => {
        if (markers.delete(marker)) {
          clearTimeout(timer);
          reject(new Error(`the server exited before ${marker} appeared in its log`));
        }
      });
    });
  let exited = false;
  status.then(() => exited = true);
  return {
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid,
    metric: (name) => counting ? counted("metric") : metrics.get(metricKey(name, {})) ?? 0,
    metricWhere: (name, dims) =>
      counting ? counted("metricWhere") : metrics.get(metricKey(name, dims)) ?? 0,
    get levels() {
      return counting ? counted("levels") : levels;
    },
    get errorRecords() {
      return counting ? counted("errorRecords") : errorRecords;
    },
    get foreignLines() {
      return counting ? counted("foreignLines") : foreignLines;
    },
    get foreignCount() {
      return counting ? counted("foreignCount") : foreignCount;
    },
    get lineCount() {
      return lineCount;
    },
    recentLines: () => {
      if (!counting) return [...ring];
      const bytes = new Uint8Array(tailBytes);
      let at = 0;
      for (const chunk of tail) {
        bytes.set(chunk, at);
        at += chunk.length;
      }
      // The first line of the tail may be cut: drop it.
      return new TextDecoder().decode(bytes).split("\n").slice(1, -1).slice(-RING);
    },
    waitForLog: (match, timeoutMs) =>
      counting ? counted("waitForLog") : waitForLog(match, timeoutMs),
    sync: async (timeoutMs = LOG_DEADLINE_MS) => {
      const marker = `sync-${crypto.randomUUID()}`;
      const seen = counting ? awaitMarker(marker, timeoutMs) : waitForLog(
        (r) => r.request_id === marker && r.msg === "http_request",
        timeoutMs,
      );
      try {
        const r = await fetch(`http://127.0.0.1:${port}/healthz`, {
          headers: { "x-request-id": marker },
        });
        await r.body?.cancel();
      } catch (e) {
        seen.catch(() => {});
        throw e;
      }
      await seen;
    },
    rssKiB: () => (exited ? NaN : rssOf(child.pid)),
    kill: (signal = "SIGTERM") => child.kill(signal),
    status,
    stop,
    [Symbol.asyncDispose]: async () => {
      await stop();
    },
  };
}
