/**
 * Resilience scenarios under load, shared by the bounded tests in this folder (`make test`) and the
 * longer runs of `make bench`: SIGTERM with requests in flight, the AWS emulator killed and brought
 * back, the issuer's JWKS endpoint down, and STS throttling. Each returns raw observations; the
 * callers decide what passes.
 * @module
 */
import { seedBucket } from "../harness/mod.ts";
import { type LoadStack, startLoadStack } from "./load_stack.ts";
import { startRestartableMoto } from "./restartable_moto.ts";
import { createRoles, LOAD_ROLE } from "./load_stack.ts";
import { mcpHeaders, post, rpcMessage, toolCallBody } from "./rpc.ts";
import { JWKS_COOLDOWN_MS } from "../../server/auth/jwks_keys.ts";

/** The bucket the scenarios list. */
export const SCENARIO_BUCKET = "resilience-bucket";
const OBJECTS = Object.fromEntries(
  Array.from({ length: 10 }, (_, i) => [`data/part-${i}.csv`, `id,value\n${i},x\n`]),
);
const LIST_ARGS = { bucket: SCENARIO_BUCKET, prefix: "data/" };

/** One answered (or failed) request of a scenario. */
export interface Sample {
  readonly sentAt: number;
  readonly doneAt: number;
  readonly status: number;
  /** ok | tool_error | refused (503 shutting_down) | http_<status> | transport */
  readonly outcome: string;
  /** Tool error text, 503 body or transport error. */
  readonly detail: string;
  /** The Retry-After header of a 429/503, in seconds. */
  readonly retryAfterS?: number;
}

function classify(status: number, text: string): { outcome: string; detail: string } {
  if (status === 0) return { outcome: "transport", detail: text };
  if (status === 503 && text.includes("shutting_down")) {
    return { outcome: "refused", detail: "shutting_down" };
  }
  if (status !== 200) return { outcome: `http_${status}`, detail: text.slice(0, 200) };
  const result = rpcMessage(text)?.result as
    | { isError?: boolean; content?: Array<{ text?: string }> }
    | undefined;
  if (!result) return { outcome: "http_200_no_result", detail: text.slice(0, 200) };
  if (result.isError) return { outcome: "tool_error", detail: result.content?.[0]?.text ?? "" };
  return { outcome: "ok", detail: "" };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends one tools/call and classifies the answer. */
export async function call(
  url: string,
  token: string,
  tool: string,
  args: unknown,
  id = 1,
): Promise<Sample> {
  const sentAt = performance.now();
  const r = await post(url, mcpHeaders(token), toolCallBody(tool, args, id));
  const retryAfter = r.headers.get("retry-after");
  return {
    sentAt,
    doneAt: performance.now(),
    status: r.status,
    ...classify(r.status, r.text),
    ...(retryAfter !== null ? { retryAfterS: Number(retryAfter) } : {}),
  };
}

/**
 * Closed-loop load: `concurrency` workers call `tool` round-robin over `tokens` until `until()`
 * says stop; every answer is kept.
 */
export async function loadUntil(
  url: string,
  tokens: readonly string[],
  options: {
    concurrency: number;
    until: () => boolean;
    tool?: string;
    args?: unknown;
    onSample?: (s: Sample) => void;
    /** Wait as a 503's Retry-After says before the worker's next call (a well-behaved client). */
    honourRetryAfter?: boolean;
  },
): Promise<Sample[]> {
  const samples: Sample[] = [];
  let i = 0;
  await Promise.all(Array.from({ length: options.concurrency }, async () => {
    while (!options.until()) {
      const n = i++;
      const s = await call(
        url,
        tokens[n % tokens.length],
        options.tool ?? "bucket_objects_list",
        options.args ?? LIST_ARGS,
        n,
      );
      samples.push(s);
      options.onSample?.(s);
      if (options.honourRetryAfter && s.status === 503 && s.retryAfterS) {
        await sleep(s.retryAfterS * 1000);
      }
    }
  }));
  return samples;
}

/**
 * The largest of `values` (0 for none), without spreading them into arguments: a closed loop that
 * ignores Retry-After answers hundreds of thousands of 503s in a bench run, beyond the stack.
 */
function largest(values: Iterable<number>): number {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return max;
}

/** Counts samples by outcome. */
export function outcomes(samples: readonly Sample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) out[s.outcome] = (out[s.outcome] ?? 0) + 1;
  return out;
}

async function tokensFor(stack: LoadStack, prefix: string, n: number): Promise<string[]> {
  return await Promise.all(
    Array.from({ length: n }, (_, i) => stack.token(`${prefix}-${i}@example.com`)),
  );
}

async function warm(stack: LoadStack, tokens: readonly string[]): Promise<void> {
  for (const t of tokens) {
    const s = await call(stack.mcpUrl, t, "bucket_objects_list", LIST_ARGS);
    if (s.outcome !== "ok") throw new Error(`warm-up call failed: ${s.outcome} ${s.detail}`);
  }
}

// ---------------------------------------------------------------------------------------------

/** What happened around a SIGTERM under load. */
export interface SigtermReport {
  readonly requests: number;
  /** Requests sent before the signal and answered after it (in flight at SIGTERM). */
  readonly inFlightAtSignal: number;
  /** Outcomes of requests sent before the signal. */
  readonly before: Record<string, number>;
  /** Outcomes of requests sent after it. */
  readonly after: Record<string, number>;
  /** Failures among requests sent before the signal (anything but ok or a 503 refusal). */
  readonly failedInFlight: string[];
  /** Answers to requests sent after the signal that are neither ok, 503, nor a refused connection. */
  readonly badAfter: string[];
  readonly exitCode: number;
  readonly shutdownOutcome: unknown;
  /** From the signal to the process exit. */
  readonly drainMs: number;
}

/**
 * Steady load of an S3 tool from `principals` principals; the emulator made slow (`awsDelayMs`) so
 * many requests are inside a tool when SIGTERM arrives after `loadMs`. Clients stop sending once
 * they see a 503, as a load balancer deregistering the target would.
 */
export async function sigtermUnderLoad(
  options: { concurrency: number; principals: number; loadMs: number; awsDelayMs: number },
): Promise<SigtermReport> {
  const stack = await startLoadStack({
    viaProxy: true,
    env: { QUILT_MCP_DRAIN_TIMEOUT_SECONDS: "30" },
  });
  try {
    await seedBucket(stack.moto, SCENARIO_BUCKET, OBJECTS);
    const tokens = await tokensFor(stack, "sigterm", options.principals);
    await warm(stack, tokens);
    stack.proxy!.setFaults([{ delayMs: options.awsDelayMs }]);
    let signalAt = Infinity;
    let sawRefusal = false;
    const loadStart = performance.now();
    const loading = loadUntil(stack.mcpUrl, tokens, {
      concurrency: options.concurrency,
      until: () => sawRefusal,
      onSample: (s) => {
        if (s.outcome === "refused") sawRefusal = true;
      },
    });
    await sleep(Math.max(0, options.loadMs - (performance.now() - loadStart)));
    signalAt = performance.now();
    stack.server.kill("SIGTERM");
    const samples = await loading;
    const status = await stack.server.status;
    const drainMs = performance.now() - signalAt;
    await stack.server.stop(); // already exited: waits for the last log lines to be read
    const complete = stack.server.recentLines()
      .map((l) => {
        try {
          return JSON.parse(l);
        } catch {
          return {};
        }
      })
      .find((r) => r.msg === "shutdown_complete");
    const before = samples.filter((s) => s.sentAt < signalAt);
    const after = samples.filter((s) => s.sentAt >= signalAt);
    const connectionRefused = (s: Sample) =>
      s.outcome === "transport" && /refused|closed|reset|broken pipe/i.test(s.detail);
    return {
      requests: samples.length,
      inFlightAtSignal: before.filter((s) => s.doneAt > signalAt).length,
      before: outcomes(before),
      after: outcomes(after),
      failedInFlight: before
        .filter((s) => s.outcome !== "ok" && s.outcome !== "refused")
        .map((s) => `${s.outcome}: ${s.detail}`.slice(0, 200)),
      badAfter: after
        .filter((s) => s.outcome !== "ok" && s.outcome !== "refused" && !connectionRefused(s))
        .map((s) => `${s.outcome}: ${s.detail}`.slice(0, 200)),
      exitCode: status.code,
      shutdownOutcome: complete?.outcome,
      drainMs,
    };
  } finally {
    await stack.stop();
  }
}

// ---------------------------------------------------------------------------------------------

/** What happened while the AWS emulator was killed and brought back. */
export interface AwsOutageReport {
  /** Outcomes by send time: emulator up, down, and back (from the first success on). */
  readonly up: Record<string, number>;
  readonly down: Record<string, number>;
  readonly recovered: Record<string, number>;
  /** Distinct error answers during the outage (first 5). */
  readonly downMessages: string[];
  /** Distinct error answers after recovery (should be none). */
  readonly recoveredErrors: string[];
  /** Distinct error answers between the restart and the first success. */
  readonly transitionalErrors: string[];
  /** A principal first seen during the outage: its answer. */
  readonly newPrincipalDuringOutage: string;
  /** /healthz answers during the outage by status. */
  readonly healthz: Record<string, number>;
  /** /readyz during the outage: status and the sts check. */
  readonly readyzDown: { status: number; sts: unknown };
  /** /readyz after recovery. */
  readonly readyzBack: { status: number; sts: unknown };
  /** From the emulator answering again to the first successful tool call. */
  readonly recoveryMs: number;
  /** Answers between the restart and the first success (errors while the SDK reconnects). */
  readonly transitional: Record<string, number>;
}

/**
 * How long /readyz may take to reflect a dependency going down or coming back: its 2 s report cache,
 * the 3 s STS probe timeout and a loaded machine. An outer bound only: the poll returns at the change.
 */
const READYZ_DEADLINE_MS = 30_000;

async function readyz(origin: string): Promise<{ status: number; sts: unknown; jwks: unknown }> {
  const r = await fetch(`${origin}/readyz`);
  const body = await r.json().catch(() => ({}));
  return { status: r.status, sts: body?.checks?.sts, jwks: body?.checks?.jwks };
}

/** Polls /readyz until `ok(status)` or `timeoutMs` passes; returns the last answer. */
async function readyzUntil(
  origin: string,
  ok: (status: number) => boolean,
  timeoutMs: number,
): Promise<{ status: number; sts: unknown; jwks: unknown }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const r = await readyz(origin);
    if (ok(r.status) || performance.now() > deadline) return r;
    await sleep(200);
  }
}

/**
 * Steady load of an S3 tool; the emulator is SIGKILLed for `downMs` and restarted on the same
 * port (re-seeded), while /healthz is polled. Principals' credentials are cached before the kill.
 */
export async function awsOutage(
  options: { concurrency: number; principals: number; phaseMs: number; downMs: number },
): Promise<AwsOutageReport> {
  const moto = await startRestartableMoto(async (m) => {
    await seedBucket(m, SCENARIO_BUCKET, OBJECTS);
    await createRoles(m, [LOAD_ROLE]);
  });
  const stack = await startLoadStack({ moto });
  try {
    const tokens = await tokensFor(stack, "outage", options.principals);
    await warm(stack, tokens);
    let stopping = false;
    const healthz: Record<string, number> = {};
    const loading = loadUntil(stack.mcpUrl, tokens, {
      concurrency: options.concurrency,
      until: () => stopping,
    });
    const polling = (async () => {
      while (!stopping) {
        const r = await fetch(`${stack.server.origin}/healthz`).catch(() => undefined);
        healthz[r?.status ?? 0] = (healthz[r?.status ?? 0] ?? 0) + 1;
        await r?.body?.cancel();
        await sleep(100);
      }
    })();
    await sleep(options.phaseMs);
    const killAt = performance.now();
    await moto.kill();
    const newcomer = await stack.token("outage-newcomer@example.com");
    const newPrincipal = await call(stack.mcpUrl, newcomer, "bucket_objects_list", LIST_ARGS);
    const readyzDown = await readyzUntil(stack.server.origin, (s) => s === 503, READYZ_DEADLINE_MS);
    await sleep(Math.max(0, options.downMs - (performance.now() - killAt)));
    await moto.start();
    // Back = listening AND re-seeded: a request racing the re-seed sees an emulator without the
    // bucket, which is still the outage from the server's point of view.
    const backAt = performance.now();
    await sleep(options.phaseMs);
    const readyzBack = await readyzUntil(stack.server.origin, (s) => s === 200, READYZ_DEADLINE_MS);
    stopping = true;
    const samples = await loading;
    await polling;
    // Phases by send time: up (before the kill), down (until the emulator listened again), back.
    const up = samples.filter((s) => s.sentAt < killAt);
    const down = samples.filter((s) => s.sentAt >= killAt && s.sentAt < backAt);
    const back = samples.filter((s) => s.sentAt >= backAt).sort((a, b) => a.sentAt - b.sentAt);
    const firstOk = back.findIndex((s) => s.outcome === "ok");
    const transitional = firstOk < 0 ? back : back.slice(0, firstOk);
    const recovered = firstOk < 0 ? [] : back.slice(firstOk);
    const errorTexts = (list: Sample[]) =>
      [...new Set(list.filter((s) => s.outcome !== "ok").map((s) => `${s.outcome}: ${s.detail}`))]
        .slice(0, 5);
    return {
      up: outcomes(up),
      down: outcomes(down),
      recovered: outcomes(recovered),
      downMessages: errorTexts(down),
      recoveredErrors: errorTexts(recovered),
      newPrincipalDuringOutage: `${newPrincipal.outcome}: ${newPrincipal.detail}`,
      healthz,
      readyzDown: { status: readyzDown.status, sts: readyzDown.sts },
      readyzBack: { status: readyzBack.status, sts: readyzBack.sts },
      recoveryMs: firstOk < 0 ? NaN : back[firstOk].doneAt - backAt,
      transitional: outcomes(transitional),
      transitionalErrors: errorTexts(transitional),
    };
  } finally {
    await stack.stop();
    await moto.stop();
  }
}

// ---------------------------------------------------------------------------------------------

/** What happened while the issuer's JWKS endpoint was down. */
export interface JwksOutageReport {
  /** Keys already cached, endpoint down: outcomes (should all be ok), and fetches then (fresh keys: 0). */
  readonly cachedKeys: Record<string, number>;
  readonly cachedFetches: number;
  /** A server that never fetched the keys, endpoint down: HTTP statuses. */
  readonly coldStatuses: Record<string, number>;
  /** 503 answers carrying Retry-After. */
  readonly coldRetryAfter: number;
  /** JWKS fetches the cold server made during its outage, the requests it refused, and how long it lasted. */
  readonly coldFetches: number;
  readonly coldRequests: number;
  readonly coldMs: number;
  readonly readyzDown: { status: number; jwks: unknown };
  /** From the endpoint coming back to the first 200. */
  readonly recoveryMs: number;
  /** Outcomes after recovery. */
  readonly recovered: Record<string, number>;
}

/** The JWKS endpoint down under load: with keys cached, then for a server that has none yet. */
export async function jwksOutage(
  options: { concurrency: number; principals: number; phaseMs: number },
): Promise<JwksOutageReport> {
  // 1) Keys cached: an issuer outage must not be visible.
  let cachedKeys: Record<string, number>;
  let cachedFetches: number;
  {
    const stack = await startLoadStack();
    try {
      await seedBucket(stack.moto, SCENARIO_BUCKET, OBJECTS);
      const tokens = await tokensFor(stack, "jwks-cached", options.principals);
      await warm(stack, tokens);
      stack.issuer.setAvailability("down");
      const fetchesBefore = stack.issuer.jwksFetches;
      const end = performance.now() + options.phaseMs;
      cachedKeys = outcomes(
        await loadUntil(stack.mcpUrl, tokens, {
          concurrency: options.concurrency,
          until: () => performance.now() > end,
          tool: "auth_status",
          args: {},
        }),
      );
      cachedFetches = stack.issuer.jwksFetches - fetchesBefore;
    } finally {
      await stack.stop();
    }
  }
  // 2) No keys yet: 503 with Retry-After (not 401), no stampede on the issuer, then recovery.
  const stack = await startLoadStack({ jwksDown: true });
  try {
    await seedBucket(stack.moto, SCENARIO_BUCKET, OBJECTS);
    const tokens = await tokensFor(stack, "jwks-cold", options.principals);
    const fetchesBefore = stack.issuer.jwksFetches;
    const coldStatuses: Record<string, number> = {};
    let coldRetryAfter = 0;
    let coldRequests = 0;
    const coldFrom = performance.now();
    const end = coldFrom + options.phaseMs;
    await Promise.all(Array.from({ length: options.concurrency }, async (_, w) => {
      for (let i = w; performance.now() < end; i += options.concurrency) {
        const r = await post(
          stack.mcpUrl,
          mcpHeaders(tokens[i % tokens.length]),
          toolCallBody("auth_status", {}, i),
        );
        coldRequests++;
        coldStatuses[r.status] = (coldStatuses[r.status] ?? 0) + 1;
        if (r.status === 503 && r.headers.get("retry-after")) coldRetryAfter++;
      }
    }));
    const down = await readyz(stack.server.origin);
    const coldFetches = stack.issuer.jwksFetches - fetchesBefore;
    const coldMs = performance.now() - coldFrom;
    stack.issuer.setAvailability("up");
    const upAt = performance.now();
    let recoveryMs = NaN;
    const deadline = upAt + 40_000;
    while (performance.now() < deadline) {
      const s = await call(stack.mcpUrl, tokens[0], "auth_status", {});
      if (s.outcome === "ok") {
        recoveryMs = s.doneAt - upAt;
        break;
      }
      await sleep(50);
    }
    const end2 = performance.now() + options.phaseMs;
    const recovered = outcomes(
      await loadUntil(stack.mcpUrl, tokens, {
        concurrency: options.concurrency,
        until: () => performance.now() > end2,
        tool: "auth_status",
        args: {},
      }),
    );
    return {
      cachedKeys,
      cachedFetches,
      coldStatuses,
      coldRetryAfter,
      coldFetches,
      coldRequests,
      coldMs,
      readyzDown: { status: down.status, jwks: down.jwks },
      recoveryMs,
      recovered,
    };
  } finally {
    await stack.stop();
  }
}

// ---------------------------------------------------------------------------------------------

/** What happened while STS throttled AssumeRole. */
export interface StsThrottleReport {
  readonly principals: number;
  /** Concurrent requests per principal. */
  readonly perPrincipal: number;
  /** Tool calls during the throttling and their outcomes. */
  readonly throttled: Record<string, number>;
  readonly throttledRequests: number;
  /** AssumeRole calls that reached STS during the throttling. */
  readonly assumeCallsThrottled: number;
  /** From the first throttled request to the moment STS recovered (ms). */
  readonly throttledForMs: number;
  /** Most AssumeRole calls one principal made during the throttling. */
  readonly maxCallsPerPrincipal: number;
  /** Most AssumeRole calls for one principal in any 1-second window during the throttling. */
  readonly maxCallsPerPrincipalPerSecond: number;
  /** Slowest answer during the throttling (retries with backoff must stay bounded). */
  readonly maxLatencyMs: number;
  /** Distinct tool error messages during the throttling (first 3). */
  readonly messages: string[];
  /** Distinct 503 bodies during the throttling (first 3), and 503s without Retry-After. */
  readonly refusals: string[];
  readonly refusalsWithoutRetryAfter: number;
  /** Outcomes after STS recovered (clients honouring Retry-After), and AssumeRole calls then. */
  readonly recovered: Record<string, number>;
  readonly assumeCallsRecovered: number;
  /** Principals served after recovery, and the time until the last of them was (ms). */
  readonly principalsServed: number;
  readonly allServedAfterMs: number;
}

/**
 * `principals` principals without cached credentials, each with `perPrincipal` concurrent
 * requests that ignore Retry-After (the worst case), call an S3 tool while every AssumeRole is
 * answered with Throttling for `throttleMs`; then STS recovers and the clients, now honouring
 * Retry-After, continue until each principal is served and `phaseMs` more.
 */
export async function stsThrottling(
  options: { principals: number; perPrincipal: number; throttleMs: number; phaseMs: number },
): Promise<StsThrottleReport> {
  const stack = await startLoadStack({ viaProxy: true });
  try {
    await seedBucket(stack.moto, SCENARIO_BUCKET, OBJECTS);
    const proxy = stack.proxy!;
    const tokens = await tokensFor(stack, "throttled", options.principals);
    const perPrincipalLoad = (until: () => boolean, honourRetryAfter: boolean) =>
      Promise.all(
        tokens.map((t) =>
          loadUntil(stack.mcpUrl, [t], {
            concurrency: options.perPrincipal,
            until,
            honourRetryAfter,
          })
        ),
      );
    proxy.setFaults([{ action: "AssumeRole", error: { status: 400, code: "Throttling" } }]);
    const before = proxy.of("AssumeRole").length;
    const startedAt = Date.now();
    const end = performance.now() + options.throttleMs;
    const throttledSamples = (await perPrincipalLoad(() => performance.now() > end, false)).flat();
    const calls = proxy.of("AssumeRole").slice(before);
    const throttledForMs = Date.now() - startedAt;
    proxy.setFaults([]);
    const recoveredAt = performance.now();
    const perPrincipal = new Map<string, number>();
    const perPrincipalSecond = new Map<string, number>();
    for (const c of calls) {
      const who = c.params.get("SourceIdentity") ?? "";
      perPrincipal.set(who, (perPrincipal.get(who) ?? 0) + 1);
      const key = `${who}|${Math.floor((c.at - startedAt) / 1000)}`;
      perPrincipalSecond.set(key, (perPrincipalSecond.get(key) ?? 0) + 1);
    }
    const afterThrottle = proxy.of("AssumeRole").length;
    // Recovery: each principal's clients run until it has been served, then `phaseMs` more; the
    // outer bound only stops a server that never recovers (the longest backoff window is 30 s).
    const servedAt = new Map<string, number>();
    const deadline = recoveredAt + 60_000;
    let allServedAt = Infinity;
    const recoveredLists = await Promise.all(tokens.map((t) =>
      loadUntil(stack.mcpUrl, [t], {
        concurrency: options.perPrincipal,
        honourRetryAfter: true,
        until: () => {
          const now = performance.now();
          if (servedAt.size === tokens.length && allServedAt === Infinity) allServedAt = now;
          return now > deadline || now > allServedAt + options.phaseMs;
        },
        onSample: (s) => {
          if (s.outcome === "ok" && !servedAt.has(t)) servedAt.set(t, s.doneAt);
        },
      })
    ));
    const recovered = recoveredLists.flat();
    const refusals = throttledSamples.filter((s) => s.status === 503);
    return {
      principals: options.principals,
      perPrincipal: options.perPrincipal,
      throttled: outcomes(throttledSamples),
      throttledRequests: throttledSamples.length,
      assumeCallsThrottled: calls.length,
      throttledForMs,
      maxCallsPerPrincipal: largest(perPrincipal.values()),
      maxCallsPerPrincipalPerSecond: largest(perPrincipalSecond.values()),
      maxLatencyMs: largest(throttledSamples.map((s) => s.doneAt - s.sentAt)),
      messages: [
        ...new Set(throttledSamples.filter((s) => s.outcome === "tool_error").map((s) => s.detail)),
      ].slice(0, 3),
      refusals: [...new Set(refusals.map((s) => s.detail))].slice(0, 3),
      refusalsWithoutRetryAfter: refusals.filter((s) => !(s.retryAfterS! >= 1)).length,
      recovered: outcomes(recovered),
      assumeCallsRecovered: proxy.of("AssumeRole").length - afterThrottle,
      principalsServed: servedAt.size,
      allServedAfterMs: largest(servedAt.values()) - recoveredAt,
    };
  } finally {
    await stack.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Pass criteria, shared by the bounded tests and the longer bench runs: each returns the problems
// found (empty = pass).

/** SIGTERM under load: nothing in flight lost, clean refusals after, clean drain and exit 0. */
export function sigtermProblems(r: SigtermReport, minInFlight: number): string[] {
  const p: string[] = [];
  if (r.failedInFlight.length > 0) {
    p.push(`failed in-flight requests: ${r.failedInFlight.slice(0, 3)}`);
  }
  if (r.badAfter.length > 0) p.push(`unclean answers after SIGTERM: ${r.badAfter.slice(0, 3)}`);
  if (r.inFlightAtSignal < minInFlight) {
    p.push(`only ${r.inFlightAtSignal} requests in flight at SIGTERM`);
  }
  if (r.exitCode !== 0) p.push(`exit code ${r.exitCode}`);
  if (r.shutdownOutcome !== "drained") p.push(`shutdown outcome ${r.shutdownOutcome}`);
  return p;
}

/** AWS outage: clear tool errors, /healthz up, /readyz names sts, service resumes cleanly. */
export function awsOutageProblems(r: AwsOutageReport, maxRecoveryMs: number): string[] {
  const p: string[] = [];
  if ((r.up.ok ?? 0) === 0) p.push("no successful call before the outage");
  for (const [outcome, n] of Object.entries(r.down)) {
    if (outcome !== "ok" && outcome !== "tool_error") p.push(`outage answer ${outcome} ×${n}`);
  }
  if ((r.down.tool_error ?? 0) === 0) p.push("no tool reported the outage");
  if (!r.downMessages.some((m) => m.includes("AWS is unreachable"))) {
    p.push(`no clear "AWS is unreachable" message: ${r.downMessages}`);
  }
  if (r.downMessages.some((m) => /unexpectedly|internal/i.test(m))) {
    p.push(`unclear outage message: ${r.downMessages}`);
  }
  if (
    !r.newPrincipalDuringOutage.startsWith(
      "tool_error: AWS credentials for your role are unavailable",
    ) || !r.newPrincipalDuringOutage.includes("STS is unreachable")
  ) {
    p.push(`new principal during the outage: ${r.newPrincipalDuringOutage}`);
  }
  if (Object.keys(r.healthz).some((s) => s !== "200")) {
    p.push(`/healthz: ${JSON.stringify(r.healthz)}`);
  }
  if (r.readyzDown.status !== 503 || (r.readyzDown.sts as { ok?: boolean })?.ok !== false) {
    p.push(`/readyz during the outage: ${JSON.stringify(r.readyzDown)}`);
  }
  if (r.readyzBack.status !== 200) {
    p.push(`/readyz after recovery: ${JSON.stringify(r.readyzBack)}`);
  }
  if (!(r.recoveryMs < maxRecoveryMs)) p.push(`recovery took ${r.recoveryMs} ms`);
  if (r.recoveredErrors.length > 0) p.push(`errors after recovery: ${r.recoveredErrors}`);
  if ((r.recovered.ok ?? 0) === 0) p.push("no successful call after recovery");
  return p;
}

/**
 * JWKS outage: invisible with cached keys (and no fetch while they are fresh); without keys, 503 +
 * Retry-After, at most one fetch per cooldown, /readyz reports it, and service resumes at the
 * first fetch the cooldown allows after the issuer is back.
 */
export function jwksOutageProblems(r: JwksOutageReport, maxRecoveryMs: number): string[] {
  const p: string[] = [];
  if (Object.keys(r.cachedKeys).some((k) => k !== "ok")) {
    p.push(`cached keys: ${JSON.stringify(r.cachedKeys)}`);
  }
  if (r.cachedFetches !== 0) p.push(`${r.cachedFetches} key-set fetches while the keys were fresh`);
  if (Object.keys(r.coldStatuses).some((k) => k !== "503")) {
    p.push(`no keys: ${JSON.stringify(r.coldStatuses)}`);
  }
  if (r.coldRetryAfter !== r.coldRequests) {
    p.push(`${r.coldRequests - r.coldRetryAfter} 503s without Retry-After`);
  }
  if (r.readyzDown.status !== 503 || (r.readyzDown.jwks as { ok?: boolean })?.ok !== false) {
    p.push(`/readyz during the outage: ${JSON.stringify(r.readyzDown)}`);
  }
  const allowed = Math.floor(r.coldMs / JWKS_COOLDOWN_MS) + 1;
  if (r.coldFetches > allowed) {
    p.push(
      `${r.coldFetches} key-set fetches in ${Math.round(r.coldMs)} ms (cooldown allows ${allowed})`,
    );
  }
  // The issuer is asked again at most one cooldown after the last failed attempt.
  if (!(r.recoveryMs < maxRecoveryMs)) p.push(`recovery took ${r.recoveryMs} ms`);
  if (Object.keys(r.recovered).some((k) => k !== "ok")) {
    p.push(`after recovery: ${JSON.stringify(r.recovered)}`);
  }
  return p;
}

/** AssumeRole attempts per call of PerUserCredentials' STS client (its maxAttempts). */
export const STS_MAX_ATTEMPTS = 4;

/** The server's STS backoff windows (server/auth/sts.ts defaults): 1 s doubling to 30 s. */
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 30_000;

/**
 * Most AssumeRole flights one (role, principal) can start in `ms` of sustained throttling: a flight,
 * then a window of at least half its nominal length (equal jitter), and so on. Flights themselves
 * take time too, so the real number is lower; this bound ignores that and cannot be beaten by a
 * fast machine or a slow one.
 */
export function maxFlights(ms: number): number {
  let flights = 1;
  let elapsed = 0;
  for (let k = 1;; k++) {
    elapsed += Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (k - 1)) / 2;
    if (elapsed > ms) return flights;
    flights++;
  }
}

/**
 * STS throttling: clear tool errors or 503 + Retry-After, at most one AssumeRole flight per backoff
 * window per principal, bounded latency, and every principal served after recovery with exactly
 * one AssumeRole each.
 */
export function stsThrottleProblems(r: StsThrottleReport): string[] {
  const p: string[] = [];
  if (Object.keys(r.throttled).some((k) => k !== "tool_error" && k !== "http_503")) {
    p.push(`throttled: ${JSON.stringify(r.throttled)}`);
  }
  const clear = (m: string) =>
    m.includes("credentials for your role are unavailable") && m.includes("STS is throttling");
  if (!r.messages.every(clear)) p.push(`unclear messages: ${r.messages}`);
  if (!r.refusals.every((m) => m.includes("STS is throttling or unreachable"))) {
    p.push(`unclear 503 answers: ${r.refusals}`);
  }
  if (r.refusalsWithoutRetryAfter > 0) {
    p.push(`${r.refusalsWithoutRetryAfter} 503s without Retry-After`);
  }
  if (!(r.maxLatencyMs < 20_000)) p.push(`a throttled request took ${r.maxLatencyMs} ms`);
  if (r.assumeCallsThrottled === 0) p.push("no AssumeRole reached STS");
  const bound = maxFlights(r.throttledForMs) * STS_MAX_ATTEMPTS;
  if (r.maxCallsPerPrincipal > bound) {
    p.push(
      `a principal made ${r.maxCallsPerPrincipal} AssumeRole calls in ${r.throttledForMs} ms of throttling (backoff allows ${bound})`,
    );
  }
  if (Object.keys(r.recovered).some((k) => k !== "ok" && k !== "http_503")) {
    p.push(`after recovery: ${JSON.stringify(r.recovered)}`);
  }
  if (r.principalsServed !== r.principals) {
    p.push(`${r.principalsServed} of ${r.principals} principals served after recovery`);
  }
  if (r.assumeCallsRecovered !== r.principals) {
    p.push(
      `${r.assumeCallsRecovered} AssumeRole calls after recovery for ${r.principals} principals`,
    );
  }
  return p;
}
